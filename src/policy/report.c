/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report.c - a scanned message and its decision as the one JSON report
 * that `piiguard check` prints and the HTTP API answers, and its rendering
 * for people. It lives here, not in a front end, so that the CLI and the
 * API cannot drift apart and no front end includes another.
 *
 * Nothing raw leaves here. Values are masked with pg_mask(); segment paths
 * can hold file names ("2/attachment:SSN 536-22-1234.pdf"), so every value
 * found anywhere in the message is masked inside every path too; strings
 * that are not valid UTF-8 are repaired ('?') so the JSON is always valid.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "piiguard/pg_policy.h"

static const char *const kind_names[] = {"header", "text", "html",
                                         "attachment", "filename", "chat"};

/* valid_utf8 - a copy of s with every invalid byte replaced by '?' */
static char *valid_utf8(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t i = 0;

    if (!out)
        return NULL;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || cp == 0) {
            out[i++] = '?';
            continue;
        }
        memcpy(out + i, s + i, (size_t)n);
        i += (size_t)n;
    }
    out[len] = '\0';
    return out;
}

/* mask_in - replace every occurrence of value in *s with its mask */
static int mask_in(char **s, const char *value, size_t vlen, const char *label)
{
    char mask[256];
    size_t mlen = pg_mask(mask, sizeof(mask), value, vlen, PG_MASK_SHAPE, label);
    char *hit;

    if (mlen >= sizeof(mask))
        mlen = strlen(mask);
    while ((hit = memmem(*s, strlen(*s), value, vlen))) {
        size_t pre = (size_t)(hit - *s), rest = strlen(hit + vlen);
        char *n = malloc(pre + mlen + rest + 1);
        if (!n)
            return PG_ENOMEM;
        memcpy(n, *s, pre);
        memcpy(n + pre, mask, mlen);
        memcpy(n + pre + mlen, hit + vlen, rest + 1);
        free(*s);
        *s = n;
    }
    return 0;
}

/* safe_path - a path fit to print: valid UTF-8, no found value in it */
static json_t *safe_path(const pg_msg *msg, const char *path)
{
    char *s = valid_utf8(path, strlen(path));

    for (size_t i = 0; s && i < pg_msg_finding_count(msg); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(msg, i);
        const pg_segment *seg = pg_msg_segment(msg, f->segment);
        size_t vlen = f->f.end - f->f.start;
        if (vlen >= 4 && mask_in(&s, seg->text + f->f.start, vlen,
                                 pg_entity_name(f->f.entity)) < 0) {
            free(s);
            s = NULL;
        }
    }
    json_t *j = s ? json_string(s) : NULL;
    free(s);
    return j;
}

/* add - append an object to an array, false on failure */
static bool add(json_t *arr, json_t *obj)
{
    return obj && json_array_append_new(arr, obj) == 0;
}

/* segments - the "segments" array */
static json_t *segments(const pg_msg *msg)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr && i < pg_msg_segment_count(msg); i++) {
        const pg_segment *s = pg_msg_segment(msg, i);
        json_t *o = json_pack("{s:o?, s:s, s:I}", "path", safe_path(msg, s->path),
                              "kind", kind_names[s->kind], "bytes", (json_int_t)s->len);
        if (!add(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* round2 - a score as people read it: 0.95, not 0.950000047683716 */
static double round2(float score)
{
    return (double)(int)(score * 100.0f + 0.5f) / 100.0;
}

/* finding - one finding, masked */
static json_t *finding(const pg_msg *msg, const pg_msg_finding *f)
{
    const pg_segment *s = pg_msg_segment(msg, f->segment);
    const char *name = pg_entity_name(f->f.entity);
    char mask[256];

    pg_mask(mask, sizeof(mask), s->text + f->f.start, f->f.end - f->f.start,
            PG_MASK_SHAPE, name);
    json_t *m = json_string(mask);
    if (!m) {
        char *fixed = valid_utf8(mask, strlen(mask));
        m = fixed ? json_string(fixed) : NULL;
        free(fixed);
    }
    return json_pack("{s:s, s:o?, s:I, s:I, s:f, s:b, s:o?}", "entity_type", name,
                     "segment", safe_path(msg, s->path), "start", (json_int_t)f->f.start,
                     "end", (json_int_t)f->f.end, "score", round2(f->f.score),
                     "quoted", f->quoted, "masked", m);
}

/* findings - the "findings" array */
static json_t *findings(const pg_msg *msg)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr && i < pg_msg_finding_count(msg); i++)
        if (!add(arr, finding(msg, pg_msg_finding_at(msg, i)))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* uninspectable - the "uninspectable" array */
static json_t *uninspectable(const pg_msg *msg)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr && i < pg_msg_uninspectable_count(msg); i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(msg, i);
        char *why = valid_utf8(u->reason, strlen(u->reason));
        json_t *o = why ? json_pack("{s:o?, s:s}", "segment",
                                    safe_path(msg, u->segment), "reason", why)
                        : NULL;
        free(why);
        if (!add(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* pg_report_json - the whole report object, with the decision if any */
json_t *pg_report_json(const pg_msg *msg, const pg_decision *d)
{
    json_t *r = msg ? json_pack("{s:b, s:o?, s:o?, s:o?}", "encrypted", pg_msg_encrypted(msg),
                                "segments", segments(msg), "findings", findings(msg),
                                "uninspectable", uninspectable(msg))
                    : json_pack("{s:b, s:[], s:[], s:[]}", "encrypted", false, "segments",
                                "findings", "uninspectable");

    if (!r || !json_is_array(json_object_get(r, "segments")) ||
        !json_is_array(json_object_get(r, "findings")) ||
        !json_is_array(json_object_get(r, "uninspectable")) ||
        (d && json_object_set_new(r, "decision", pg_decision_to_json(d)) < 0)) {
        json_decref(r);
        return NULL;
    }
    return r;
}

/* text - a member's string, "" when it is missing */
static const char *text(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : "";
}

/* print_decision - the decision part, for people */
static void print_decision(FILE *f, const json_t *d)
{
    json_t *rules = json_object_get(d, "rules"), *v;
    size_t i;

    fprintf(f, "decision: %s (severity %s%s%s)\n", text(d, "action"), text(d, "severity"),
            json_is_true(json_object_get(d, "breach_notifiable")) ? ", breach-notifiable" : "",
            json_is_true(json_object_get(d, "consent_claimed")) ? ", consent claimed" : "");
    json_array_foreach(rules, i, v)
        fprintf(f, "  rule %s: %s -> %s\n", text(v, "id"), text(v, "reason"), text(v, "action"));
    if (*text(d, "notice"))
        fprintf(f, "\n%s\n", text(d, "notice"));
}

/* pg_report_print - the report, for people */
void pg_report_print(FILE *f, const json_t *report)
{
    json_t *fs = json_object_get(report, "findings");
    json_t *us = json_object_get(report, "uninspectable");
    size_t nseg = json_array_size(json_object_get(report, "segments")), i;
    json_t *v;

    fprintf(f, "%zu finding%s in %zu segment%s; encrypted: %s; uninspectable: %zu\n",
            json_array_size(fs), json_array_size(fs) == 1 ? "" : "s", nseg,
            nseg == 1 ? "" : "s",
            json_is_true(json_object_get(report, "encrypted")) ? "yes" : "no",
            json_array_size(us));
    json_array_foreach(fs, i, v)
        fprintf(f, "  %-20s %-24s %6lld..%-6lld %.2f%s  %s\n", text(v, "entity_type"),
                text(v, "segment"),
                (long long)json_integer_value(json_object_get(v, "start")),
                (long long)json_integer_value(json_object_get(v, "end")),
                json_real_value(json_object_get(v, "score")),
                json_is_true(json_object_get(v, "quoted")) ? " quoted" : "",
                text(v, "masked"));
    json_array_foreach(us, i, v)
        fprintf(f, "  uninspectable %-24s %s\n", text(v, "segment"), text(v, "reason"));
    if (json_is_object(json_object_get(report, "decision")))
        print_decision(f, json_object_get(report, "decision"));
}
