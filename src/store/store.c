/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store.c - open and close a store, and record and query incidents.
 *
 * SUMMARY
 *   pg_store_open(), pg_store_free(), pg_store_backend_name(),
 *   pg_store_default_state_dir(), pg_store_incident_add(),
 *   pg_store_incident_query().
 *
 * DESCRIPTION
 *   Opening picks the backend from a fixed table, makes the state
 *   directory, loads (or creates) the key, and hands the backend a copy of
 *   the options with the defaults filled in.
 *
 *   An incident is validated here, once, for every backend: tokens for
 *   channel/action/severity, printable bounded strings, recipient domains
 *   without '@', rules and entity counts that parse as the JSON shapes the
 *   header promises (an entity key is [A-Z0-9_], so a raw value such as
 *   "536-22-1234" cannot be smuggled in as a key). The JSON is stored
 *   re-serialised, compact and with sorted keys. A Message-ID never reaches
 *   the backend: it is replaced by its keyed BLAKE2b hash (after trimming
 *   blanks and one pair of angle brackets), so the same message can still
 *   be found by whoever holds the key and the Message-ID.
 *
 *   The insert itself goes through the group commit (store_group.c):
 *   pg_store_incident_add() returns once the incident is durable, or with
 *   the error of the one transaction it shared with concurrent callers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "store/store_int.h"

static const pg_store_ops *const backends[] = {
    &pg_store__sqlite_ops,
    &pg_store__postgres_ops,
};

/* pick_backend - the ops table called name (NULL = sqlite) */
static int pick_backend(const pg_store_ops **out, const char *name)
{
    if (!name || !*name)
        name = "sqlite";
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
        if (strcmp(backends[i]->name, name) == 0) {
            *out = backends[i];
            return 0;
        }
    return pg_error_set(PG_EINVAL, "unknown store backend '%.32s'; use sqlite or "
                        "postgres", name);
}

/* store_new - an empty store with its lock and paths */
static int store_new(pg_store **out, const pg_store_opts *opts)
{
    pg_store *st = calloc(1, sizeof(*st));
    char qdir[PG_STORE_PATH_MAX];
    int err;

    if (!st)
        return PG_ENOMEM;
    pthread_mutex_init(&st->lock, NULL);
    pg_store__group_init(&st->group);
    *out = st;
    if ((err = pg_store__join_path(qdir, sizeof(qdir), opts->state_dir, "quarantine")) < 0)
        return err;
    st->state_dir = strdup(opts->state_dir);
    st->qdir = strdup(qdir);
    if (!st->state_dir || !st->qdir)
        return PG_ENOMEM;
    st->retention_days = opts->retention_days ? opts->retention_days
                                              : PG_STORE_DEFAULT_RETENTION_DAYS;
    return 0;
}

/* pg_store_open - directory, key, quarantine dir, backend, in that order */
int pg_store_open(pg_store **out, const pg_store_opts *opts)
{
    pg_store_opts o;
    pg_store *st = NULL;
    int err;

    if (!opts || !opts->state_dir || !*opts->state_dir)
        return pg_error_set(PG_EINVAL, "no state directory given");
    if (opts->retention_days > PG_STORE_RETENTION_MAX)
        return pg_error_set(PG_EINVAL, "retention of %u days is more than %u",
                            opts->retention_days, PG_STORE_RETENTION_MAX);
    if (sodium_init() < 0)
        return pg_error_set(PG_EINTERNAL, "libsodium failed to initialise");
    o = *opts;
    if (!o.busy_timeout_ms)
        o.busy_timeout_ms = 2000;
    if ((err = store_new(&st, &o)) < 0 ||
        (err = pick_backend(&st->ops, o.backend)) < 0 ||
        (err = pg_store__mkdir_private(o.state_dir, !o.must_exist)) < 0 ||
        (err = pg_store__load_keys(&st->keys, o.state_dir, !o.must_exist)) < 0 ||
        (err = pg_store__mkdir_private(st->qdir, true)) < 0 ||
        (err = st->ops->open(&st->be, &o)) < 0) {
        pg_store_free(st);
        return err;
    }
    *out = st;
    return 0;
}

/* pg_store_free - close the backend, wipe the keys */
void pg_store_free(pg_store *st)
{
    if (!st)
        return;
    if (st->ops && st->be)
        st->ops->close(st->be);
    pg_store__free_keys(st->keys);
    free(st->state_dir);
    free(st->qdir);
    pg_store__group_destroy(&st->group);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* pg_store_backend_name - "sqlite" or "postgres" */
const char *pg_store_backend_name(const pg_store *st)
{
    return st->ops->name;
}

/* pg_store_default_state_dir - ./var in a checkout, else the FHS place */
const char *pg_store_default_state_dir(void)
{
    struct stat sb;

    if (stat("./var", &sb) == 0 && S_ISDIR(sb.st_mode))
        return "./var";
    return "/var/lib/piiguard";
}

/* msgid_hash - keyed hash of a Message-ID, brackets and blanks trimmed */
static void msgid_hash(char out[PG_STORE_HASH_SIZE], const pg_store *st, const char *mid)
{
    uint8_t h[32];
    size_t n;

    mid += strspn(mid, " \t<");
    n = strlen(mid);
    while (n > 0 && strchr(" \t>", mid[n - 1]))
        n--;
    crypto_generichash(h, sizeof(h), (const uint8_t *)mid, n, st->keys->msgid,
                       sizeof(st->keys->msgid));
    pg_store__hex(out, h, sizeof(h));
}

/* valid_rules - a JSON array of objects, each with a string "id" */
static bool valid_rules(const json_t *j)
{
    size_t i;
    json_t *r;

    if (!json_is_array(j))
        return false;
    json_array_foreach(j, i, r) {
        if (!json_is_object(r) || !json_is_string(json_object_get(r, "id")))
            return false;
    }
    return true;
}

/* valid_counts - {"ENTITY_TYPE": non-negative integer, ...} */
static bool valid_counts(const json_t *j)
{
    const char *k;
    json_t *v;

    if (!json_is_object(j))
        return false;
    json_object_foreach((json_t *)j, k, v) {
        size_t n = strlen(k);
        if (n == 0 || n > 64 || strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n ||
            !json_is_integer(v) || json_integer_value(v) < 0)
            return false;
    }
    return true;
}

/* normalise_json - parse, check the shape, re-serialise compact and sorted */
static int normalise_json(char **out, const char *what, const char *text,
                          const char *dflt, bool (*valid)(const json_t *))
{
    size_t n = text ? strlen(text) : 0;
    json_t *j;

    if (n > PG_STORE_JSON_MAX)
        return pg_error_set(PG_EINVAL, "%s is longer than %u bytes", what, PG_STORE_JSON_MAX);
    j = json_loadb(n ? text : dflt, n ? n : strlen(dflt), JSON_REJECT_DUPLICATES, NULL);
    if (!j || !valid(j)) {
        json_decref(j);
        return pg_error_set(PG_EINVAL, "%s is not the JSON the store expects", what);
    }
    *out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return *out ? 0 : PG_ENOMEM;
}

/* check_incident - every field, before anything is written */
static int check_incident(const pg_store_incident *inc)
{
    int err;

    if ((err = pg_store__check_token("channel", inc->channel)) < 0 ||
        (err = pg_store__check_token("action", inc->action)) < 0 ||
        (err = pg_store__check_token("severity", inc->severity)) < 0 ||
        (err = pg_store__check_text("sender", inc->sender, true)) < 0 ||
        (err = pg_store__check_text("recipient domains", inc->recipient_domains, true)) < 0 ||
        (err = pg_store__check_text("message id", inc->message_id, true)) < 0)
        return err;
    if (inc->recipient_domains && strchr(inc->recipient_domains, '@'))
        return pg_error_set(PG_EINVAL, "recipient domains hold an address; pass "
                            "them through pg_store_domains()");
    if (inc->quarantine_id && *inc->quarantine_id && !pg_store__valid_id(inc->quarantine_id))
        return pg_error_set(PG_EINVAL, "quarantine id is not a store id");
    if (!isfinite(inc->exposure) || inc->exposure < 0)
        return pg_error_set(PG_EINVAL, "exposure must be a finite number >= 0");
    return 0;
}

/* pg_store_incident_add - validate, normalise, hash the Message-ID, then
 * wait for the group commit that makes it durable (store_group.c) */
int pg_store_incident_add(char id_out[PG_STORE_ID_SIZE], pg_store *st,
                          const pg_store_incident *inc)
{
    pg_store_incident row = *inc;
    char hash[PG_STORE_HASH_SIZE] = "";
    char *rules = NULL, *counts = NULL;
    int err;

    if ((err = check_incident(inc)) < 0 ||
        (err = normalise_json(&rules, "rules", inc->rules, "[]", valid_rules)) < 0 ||
        (err = normalise_json(&counts, "entity counts", inc->entity_counts, "{}",
                              valid_counts)) < 0)
        goto out;
    if (inc->message_id && *inc->message_id)
        msgid_hash(hash, st, inc->message_id);
    pg_store__random_id(row.id);
    row.time = pg_store__now(inc->time);
    row.rules = rules;
    row.entity_counts = counts;
    row.sender = inc->sender ? inc->sender : "";
    row.recipient_domains = inc->recipient_domains ? inc->recipient_domains : "";
    row.quarantine_id = inc->quarantine_id && *inc->quarantine_id ? inc->quarantine_id : NULL;
    row.message_id = NULL;
    row.message_id_hash = hash;
    err = pg_store__group_add(st, &row);
    if (err == 0)
        memcpy(id_out, row.id, PG_STORE_ID_SIZE);
out:
    free(rules);
    free(counts);
    return err;
}

/* pg_store_incident_query - matching incidents, oldest first */
int pg_store_incident_query(pg_store *st, const pg_store_filter *filter,
                            pg_store_incident_cb cb, void *payload)
{
    pg_store_filter f = filter ? *filter : (pg_store_filter){0};
    char hash[PG_STORE_HASH_SIZE];
    int err;

    if (f.message_id)
        msgid_hash(hash, st, f.message_id);
    pthread_mutex_lock(&st->lock);
    err = st->ops->incident_query(st->be, &f, f.message_id ? hash : NULL, cb, payload);
    pthread_mutex_unlock(&st->lock);
    return err;
}
