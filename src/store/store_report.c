/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_report.c - incidents as JSON, and the compliance summary.
 *
 * SUMMARY
 *   pg_store_incident_to_json(), pg_store_report().
 *
 * DESCRIPTION
 *   The report is computed here, over pg_store_incident_query(), rather
 *   than in SQL, so that every backend gives the same numbers and the CLI
 *   and the HTTP API share one definition of "repeat sender" (two or more
 *   incidents in the period: the people who need training first).
 *
 *   The accumulator keeps a sticky error: after a failed allocation the
 *   remaining rows are skipped and the error is returned once at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define UNKNOWN_SENDER "(unknown)"

/* json_or - parse stored JSON, or fall back to an empty value of that kind */
static json_t *json_or(const char *text, json_t *fallback)
{
    json_t *j = text && *text ? json_loads(text, 0, NULL) : NULL;

    if (j) {
        json_decref(fallback);
        return j;
    }
    return fallback;
}

/* split_domains - "a,b" to ["a","b"] */
static json_t *split_domains(const char *list)
{
    json_t *a = json_array();
    const char *p = list;

    while (a && p && *p) {
        size_t n = strcspn(p, ",");
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    return a;
}

/* pg_store_incident_to_json - one incident as an object */
json_t *pg_store_incident_to_json(const pg_store_incident *inc)
{
    char t[32];
    const char *qid = inc->quarantine_id && *inc->quarantine_id ? inc->quarantine_id : NULL;

    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:s, s:b, s:f, "
                     "s:s?, s:s}",
                     "id", inc->id, "time", pg_store_format_time(t, inc->time),
                     "channel", inc->channel, "sender", inc->sender ? inc->sender : "",
                     "recipient_domains", split_domains(inc->recipient_domains),
                     "action", inc->action, "rules", json_or(inc->rules, json_array()),
                     "entity_counts", json_or(inc->entity_counts, json_object()),
                     "consent_claimed", inc->consent_claimed, "severity", inc->severity,
                     "breach_notifiable", inc->breach_notifiable, "exposure", inc->exposure,
                     "quarantine_id", qid, "message_id_hash",
                     inc->message_id_hash ? inc->message_id_hash : "");
}

/* What the report adds up, row by row. */
typedef struct report_acc {
    json_t *by_entity, *by_action, *by_channel, *by_severity, *by_sender;
    json_int_t incidents, consent, notifiable;
    double exposure;
    int err; /* sticky */
} report_acc;

/* bump - obj[key] += by, remembering a failed allocation */
static void bump(report_acc *acc, json_t *obj, const char *key, json_int_t by)
{
    json_t *v = json_object_get(obj, key);

    if (v)
        json_integer_set(v, json_integer_value(v) + by);
    else if (json_object_set_new(obj, key, json_integer(by)) < 0)
        acc->err = PG_ENOMEM;
}

/* report_row - fold one incident into the totals */
static int report_row(const pg_store_incident *inc, void *payload)
{
    report_acc *acc = payload;
    json_t *counts = json_or(inc->entity_counts, NULL), *v;
    const char *k;

    if (acc->err < 0)
        return 0;
    acc->incidents++;
    bump(acc, acc->by_action, inc->action, 1);
    bump(acc, acc->by_channel, inc->channel, 1);
    bump(acc, acc->by_severity, inc->severity, 1);
    bump(acc, acc->by_sender, *inc->sender ? inc->sender : UNKNOWN_SENDER, 1);
    json_object_foreach(counts, k, v) {
        if (json_is_integer(v))
            bump(acc, acc->by_entity, k, json_integer_value(v));
    }
    json_decref(counts);
    acc->consent += inc->consent_claimed;
    acc->notifiable += inc->breach_notifiable;
    acc->exposure += inc->exposure;
    return 0;
}

/* A name and its count, for sorting. */
typedef struct name_count {
    const char *name;
    json_int_t n;
} name_count;

/* cmp_counts - most first, then by name */
static int cmp_counts(const void *a, const void *b)
{
    const name_count *x = a, *y = b;

    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* by_count - the entries of {name: count} with at least `min`, sorted;
 * the names are borrowed from obj */
static name_count *by_count(const json_t *obj, json_int_t min, size_t *n_out)
{
    name_count *v = calloc(json_object_size(obj) + 1, sizeof(*v));
    const char *k;
    json_t *n;
    size_t cnt = 0;

    if (!v)
        return NULL;
    json_object_foreach((json_t *)obj, k, n) {
        if (json_integer_value(n) >= min)
            v[cnt++] = (name_count){k, json_integer_value(n)};
    }
    qsort(v, cnt, sizeof(*v), cmp_counts);
    *n_out = cnt;
    return v;
}

/* sorted - the same object with its keys in count order (takes obj) */
static json_t *sorted(json_t *obj)
{
    size_t n = 0;
    name_count *v = by_count(obj, 0, &n);
    json_t *out = v ? json_object() : NULL;

    for (size_t i = 0; out && i < n; i++)
        if (json_object_set_new(out, v[i].name, json_integer(v[i].n)) < 0) {
            json_decref(out);
            out = NULL;
        }
    free(v);
    json_decref(obj);
    return out;
}

/* repeat_senders - [{sender, incidents}] for senders with two or more */
static json_t *repeat_senders(const json_t *by_sender)
{
    size_t n = 0;
    name_count *v = by_count(by_sender, 2, &n);
    json_t *out = v ? json_array() : NULL;

    for (size_t i = 0; out && i < n; i++)
        if (strcmp(v[i].name, UNKNOWN_SENDER) != 0)
            json_array_append_new(out, json_pack("{s:s, s:I}", "sender", v[i].name,
                                                 "incidents", v[i].n));
    free(v);
    return out;
}

/* time_or_null - an ISO time, or null for "unbounded" */
static json_t *time_or_null(int64_t t)
{
    char buf[32];

    return t ? json_string(pg_store_format_time(buf, t)) : json_null();
}

/* assemble - the report object from the totals (steals the objects) */
static json_t *assemble(report_acc *acc, const pg_store_filter *f)
{
    json_t *repeat = repeat_senders(acc->by_sender);

    /* jansson keeps insertion order: people read the biggest first */
    acc->by_entity = sorted(acc->by_entity);
    acc->by_action = sorted(acc->by_action);
    acc->by_channel = sorted(acc->by_channel);
    acc->by_severity = sorted(acc->by_severity);
    acc->by_sender = sorted(acc->by_sender);
    return json_pack("{s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:f}",
                     "since", time_or_null(f->since), "until", time_or_null(f->until),
                     "incidents", acc->incidents, "by_entity", acc->by_entity,
                     "by_action", acc->by_action, "by_channel", acc->by_channel,
                     "by_severity", acc->by_severity, "by_sender", acc->by_sender,
                     "consent_claimed", acc->consent, "breach_notifiable", acc->notifiable,
                     "repeat_senders", repeat, "exposure_total", acc->exposure);
}

/* pg_store_report - fold the matching incidents into one summary */
int pg_store_report(json_t **out, pg_store *st, const pg_store_filter *filter)
{
    pg_store_filter f = filter ? *filter : (pg_store_filter){0};
    report_acc acc = {.by_entity = json_object(), .by_action = json_object(),
                      .by_channel = json_object(), .by_severity = json_object(),
                      .by_sender = json_object()};
    int err = 0;

    if (!acc.by_entity || !acc.by_action || !acc.by_channel || !acc.by_severity ||
        !acc.by_sender)
        err = PG_ENOMEM;
    if (err == 0 && (err = pg_store_incident_query(st, &f, report_row, &acc)) == 0)
        err = acc.err;
    if (err < 0) {
        json_decref(acc.by_entity);
        json_decref(acc.by_action);
        json_decref(acc.by_channel);
        json_decref(acc.by_severity);
        json_decref(acc.by_sender);
        return err;
    }
    *out = assemble(&acc, &f);
    return *out ? 0 : PG_ENOMEM;
}
