/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_quarantine.c - held messages: put, look, read, release, delete,
 *   expire.
 *
 * SUMMARY
 *   pg_store_qstate_name(), pg_store_qstate_from_name(),
 *   pg_store_quarantine_put(), pg_store_quarantine_get(),
 *   pg_store_qitem_free(), pg_store_quarantine_list(),
 *   pg_store_quarantine_read(), pg_store_quarantine_release(),
 *   pg_store_quarantine_delete(), pg_store_expire().
 *
 * DESCRIPTION
 *   States and the moves between them:
 *
 *     held --release--> released
 *     held, released --delete--> deleted     (ciphertext removed)
 *     held, released --expire--> expired     (ciphertext removed)
 *
 *   deleted and expired are final. A released message keeps its ciphertext
 *   until retention ends, so compliance can still see what went out.
 *
 *   Expiry is computed from `created` and the retention the store was
 *   opened with, not stored per item, so shortening the retention applies
 *   to messages already held.
 *
 *   Encryption and decryption run without the store's mutex (they are the
 *   slow part); only the row changes and audit rows take it. Removing the
 *   ciphertext comes before marking the row: if the row update then fails,
 *   running the command again finishes the job, whereas the other order
 *   could leave ciphertext nobody can name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "piiguard/pg_base.h"
#include "store/store_int.h"

#define DAY 86400

static const char *const qstate_names[] = {"held", "released", "deleted", "expired"};

/* pg_store_qstate_name - the state's word */
const char *pg_store_qstate_name(pg_store_qstate state)
{
    if ((unsigned)state >= sizeof(qstate_names) / sizeof(qstate_names[0]))
        return "unknown";
    return qstate_names[state];
}

/* pg_store_qstate_from_name - the state a word names */
int pg_store_qstate_from_name(pg_store_qstate *out, const char *name)
{
    for (size_t i = 0; i < sizeof(qstate_names) / sizeof(qstate_names[0]); i++)
        if (name && strcmp(name, qstate_names[i]) == 0) {
            *out = (pg_store_qstate)i;
            return 0;
        }
    return PG_ENOTFOUND;
}

/* check_envelope - addresses that cannot break an SMTP command line later */
static int check_envelope(const pg_store_envelope *env)
{
    int err;

    if (!env || env->n_recipients == 0)
        return pg_error_set(PG_EINVAL, "a quarantined message needs at least one recipient");
    if ((err = pg_store__check_text("sender", env->sender, true)) < 0)
        return err;
    for (size_t i = 0; i < env->n_recipients; i++)
        if ((err = pg_store__check_text("recipient", env->recipients[i], false)) < 0)
            return err;
    return 0;
}

/* check_id - a well-formed id, or the error that says so */
static int check_id(const char *id)
{
    if (!pg_store__valid_id(id))
        return pg_error_set(PG_ENOTFOUND, "'%.40s' is not a quarantine id (32 hex "
                            "digits); see 'piiguard quarantine list'", id ? id : "");
    return 0;
}

/* pg_store_quarantine_put - encrypt to a file, then record the row */
int pg_store_quarantine_put(char id_out[PG_STORE_ID_SIZE], pg_store *st,
                            const pg_store_envelope *env,
                            const char *raw, size_t len, const char *incident_id)
{
    pg_store_qitem q = {0};
    char *domains = NULL;
    int err;

    if (len > PG_HARD_MAX_MESSAGE)
        return pg_error_set(PG_ETOOBIG, "message of %zu bytes is larger than %u",
                            len, PG_HARD_MAX_MESSAGE);
    if ((!raw && len) || (incident_id && *incident_id && !pg_store__valid_id(incident_id)))
        return pg_error_set(PG_EINVAL, "no message, or an incident id that is not one");
    if ((err = check_envelope(env)) < 0 ||
        (err = pg_store_domains(&domains, env->recipients, env->n_recipients)) < 0)
        return err;
    pg_store__random_id(q.id);
    snprintf(q.incident_id, sizeof(q.incident_id), "%s", incident_id ? incident_id : "");
    q.created = q.changed = pg_store__now(0);
    q.size = len;
    q.sender = env->sender ? env->sender : "";
    q.recipient_domains = domains;
    if ((err = pg_store__crypt_write(st->qdir, q.id, st->keys->quarantine, env, raw, len)) == 0) {
        pthread_mutex_lock(&st->lock);
        err = st->ops->qitem_add(st->be, &q);
        pthread_mutex_unlock(&st->lock);
        if (err < 0)
            pg_store__unlink_qfile(st, q.id);
    }
    if (err == 0)
        memcpy(id_out, q.id, PG_STORE_ID_SIZE);
    free(domains);
    return err;
}

/* The user's callback plus what the backend does not know (retention). */
typedef struct qwalk {
    pg_store_qitem_cb cb;
    void *payload;
    int64_t retention;
} qwalk;

/* with_expiry - fill in `expires`, then pass the item on */
static int with_expiry(const pg_store_qitem *item, void *payload)
{
    const qwalk *w = payload;
    pg_store_qitem q = *item;

    q.expires = q.created + w->retention;
    return w->cb(&q, w->payload);
}

/* copy_item - one allocation holding the item and its strings */
static int copy_item(const pg_store_qitem *item, void *payload)
{
    size_t ls = strlen(item->sender) + 1, ld = strlen(item->recipient_domains) + 1;
    pg_store_qitem *q = malloc(sizeof(*q) + ls + ld);
    char *s;

    if (!q)
        return PG_ENOMEM;
    *q = *item;
    s = (char *)(q + 1);
    q->sender = memcpy(s, item->sender, ls);
    q->recipient_domains = memcpy(s + ls, item->recipient_domains, ld);
    *(pg_store_qitem **)payload = q;
    return 0;
}

/* get_locked - run cb on one item (with expiry); caller holds the lock */
static int get_locked(pg_store *st, const char *id, pg_store_qitem_cb cb, void *payload)
{
    qwalk w = {cb, payload, (int64_t)st->retention_days * DAY};
    int err = check_id(id);

    return err < 0 ? err : st->ops->qitem_get(st->be, id, with_expiry, &w);
}

/* pg_store_quarantine_get - an owned copy of one item's metadata */
int pg_store_quarantine_get(pg_store_qitem **out, pg_store *st, const char *id)
{
    int err;

    pthread_mutex_lock(&st->lock);
    err = get_locked(st, id, copy_item, out);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* pg_store_qitem_free - one block, one free */
void pg_store_qitem_free(pg_store_qitem *item)
{
    free(item);
}

/* pg_store_quarantine_list - items in one state (or all), oldest first */
int pg_store_quarantine_list(pg_store *st, int state, pg_store_qitem_cb cb, void *payload)
{
    qwalk w = {cb, payload, (int64_t)st->retention_days * DAY};
    unsigned mask = state < 0 ? PG_STORE_QALL : PG_STORE_QBIT(state);
    int err;

    pthread_mutex_lock(&st->lock);
    err = st->ops->qitem_list(st->be, mask, 0, with_expiry, &w);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* must_be_live - held or released, else PG_ESTATE naming the state */
static int must_be_live(const pg_store_qitem *item, void *payload)
{
    (void)payload;
    if (PG_STORE_QBIT(item->state) & PG_STORE_QLIVE)
        return 0;
    return pg_error_set(PG_ESTATE, "quarantined message %s is %s: its ciphertext is "
                        "gone", item->id, pg_store_qstate_name(item->state));
}

/* pg_store_quarantine_read - audit first, then decrypt outside the lock */
int pg_store_quarantine_read(pg_store *st, const char *id, const char *actor,
                             const char *purpose, const pg_store_reader *rd,
                             void *payload)
{
    char detail[64];
    int err;

    if ((err = pg_store__check_token("purpose", purpose)) < 0)
        return err;
    snprintf(detail, sizeof(detail), "purpose=%s", purpose);
    pthread_mutex_lock(&st->lock);
    if ((err = get_locked(st, id, must_be_live, NULL)) == 0)
        err = pg_store__audit_locked(st, actor, "quarantine.read", id, detail);
    pthread_mutex_unlock(&st->lock);
    if (err < 0)
        return err;
    return pg_store__crypt_read(st->qdir, id, st->keys->quarantine, rd, payload);
}

/* pg_store_quarantine_release - held to released, audited */
int pg_store_quarantine_release(pg_store *st, const char *id, const char *actor)
{
    int err;

    if ((err = check_id(id)) < 0 || (err = pg_store__check_text("operator", actor, false)) < 0)
        return err;
    pthread_mutex_lock(&st->lock);
    err = st->ops->qitem_set_state(st->be, id, PG_STORE_QBIT(PG_STORE_Q_HELD),
                                   PG_STORE_Q_RELEASED, pg_store__now(0));
    if (err == 0)
        err = pg_store__audit_locked(st, actor, "quarantine.release", id, NULL);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* pg_store__unlink_qfile - remove an item's ciphertext; already gone is fine */
int pg_store__unlink_qfile(pg_store *st, const char *id)
{
    char path[PG_STORE_PATH_MAX];
    int err = pg_store__join_path(path, sizeof(path), st->qdir, id);

    if (err == 0 && unlink(path) < 0 && errno != ENOENT)
        err = pg_error_set(PG_EIO, "cannot remove %s: %s", path, strerror(errno));
    return err;
}

/* remove_locked - drop the ciphertext, move to `to`, audit; lock held */
static int remove_locked(pg_store *st, const char *id, pg_store_qstate to,
                         const char *actor, const char *action, const char *detail)
{
    int err;

    if ((err = get_locked(st, id, must_be_live, NULL)) < 0 ||
        (err = pg_store__unlink_qfile(st, id)) < 0 ||
        (err = st->ops->qitem_set_state(st->be, id, PG_STORE_QLIVE, to, pg_store__now(0))) < 0)
        return err;
    return pg_store__audit_locked(st, actor, action, id, detail);
}

/* pg_store_quarantine_delete - an operator removes a message */
int pg_store_quarantine_delete(pg_store *st, const char *id, const char *actor)
{
    int err;

    if ((err = pg_store__check_text("operator", actor, false)) < 0)
        return err;
    pthread_mutex_lock(&st->lock);
    err = remove_locked(st, id, PG_STORE_Q_DELETED, actor, "quarantine.delete", NULL);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* A growing list of ids, for expiry. */
typedef struct id_list {
    char (*ids)[PG_STORE_ID_SIZE];
    size_t n, cap;
} id_list;

/* collect_id - remember one id (the walk may not write the database) */
static int collect_id(const pg_store_qitem *item, void *payload)
{
    id_list *l = payload;

    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        void *p = ncap > SIZE_MAX / PG_STORE_ID_SIZE ? NULL
                                                     : realloc(l->ids, ncap * PG_STORE_ID_SIZE);
        if (!p)
            return PG_ENOMEM;
        l->ids = p;
        l->cap = ncap;
    }
    memcpy(l->ids[l->n++], item->id, PG_STORE_ID_SIZE);
    return 0;
}

/* is_tmp - a file a writer creates before renaming it to its id */
static bool is_tmp(const char *name, void *payload)
{
    (void)payload;
    return strncmp(name, ".tmp-", 5) == 0;
}

/* row_seen - qitem_get()'s callback: the id has a row */
static int row_seen(const pg_store_qitem *item, void *payload)
{
    (void)item;
    *(bool *)payload = true;
    return 0;
}

/* has_no_row - a quarantine file that no row names. A writer renames
 * the file into place, then inserts its row: a crash between the two
 * leaves ciphertext that no expiry, delete or list would ever reach,
 * kept past every retention. A backend error keeps the file. Caller
 * holds st->lock. */
static bool has_no_row(const char *name, void *payload)
{
    pg_store *st = payload;
    bool seen = false;

    if (!pg_store__valid_id(name))
        return false;
    return st->ops->qitem_get(st->be, name, row_seen, &seen) == PG_ENOTFOUND && !seen;
}

/* pg_store_expire - remove every live message older than the retention */
int pg_store_expire(size_t *n_out, pg_store *st, int64_t now, const char *actor)
{
    int64_t cutoff = pg_store__now(now) - (int64_t)st->retention_days * DAY;
    id_list l = {0};
    char detail[48];
    size_t done = 0;
    int err;

    if (n_out)
        *n_out = 0;
    if ((err = pg_store__check_text("operator", actor, false)) < 0 || cutoff <= 0)
        return err;
    snprintf(detail, sizeof(detail), "retention_days=%u", st->retention_days);
    size_t orphans = pg_store__sweep_old(st->qdir, pg_store__now(now), is_tmp, NULL);
    if (orphans)
        pg_log(PG_LOG_WARN, "store", "removed %zu unfinished quarantine file(s) a crashed "
               "writer left (ciphertext)", orphans);
    pthread_mutex_lock(&st->lock);
    orphans = pg_store__sweep_old(st->qdir, pg_store__now(now), has_no_row, st);
    if (orphans)
        pg_log(PG_LOG_WARN, "store", "removed %zu quarantine file(s) no record names: a "
               "writer crashed before recording them (ciphertext)", orphans);
    err = st->ops->qitem_list(st->be, PG_STORE_QLIVE, cutoff, collect_id, &l);
    for (size_t i = 0; err == 0 && i < l.n; i++, done++)
        err = remove_locked(st, l.ids[i], PG_STORE_Q_EXPIRED, actor, "quarantine.expire",
                            detail);
    pthread_mutex_unlock(&st->lock);
    free(l.ids);
    if (n_out)
        *n_out = done;
    return err;
}
