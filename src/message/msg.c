/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msg.c - the pg_msg container: segments, uninspectable parts, headers and
 * findings, and the scan that runs the engine over every segment.
 *
 * Parsing (mime_*.c) and extraction (extract_*.c) fill a pg_msg through the
 * msg_add_* helpers below; every array grows by doubling with an overflow
 * check before the multiplication.
 */
#include <stdlib.h>
#include <string.h>

#include "message/msg_internal.h"

/* grow - room for one more element (n in use) */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    return pg_array_grow(arr, cap, n + 1, elem);
}

/* msg_new - an empty message */
int msg_new(pg_msg **out)
{
    pg_msg *m = calloc(1, sizeof(*m));

    if (!m)
        return PG_ENOMEM;
    *out = m;
    return 0;
}

/* msg_add_segment_take - append a segment that owns text */
int msg_add_segment_take(pg_msg *msg, const char *path, pg_seg_kind kind,
                         char *text, size_t len, bool in_attachment)
{
    msg_segment *s;
    char *p = NULL;

    if (grow((void **)&msg->segs, &msg->cap_segs, msg->n_segs, sizeof(*msg->segs)) < 0 ||
        !(p = strdup(path))) {
        free(text);
        return PG_ENOMEM;
    }
    s = &msg->segs[msg->n_segs];
    memset(s, 0, sizeof(*s));
    s->path = p;
    s->text = text;
    s->text[len] = '\0';
    s->part_id = -1;
    s->pub.kind = kind;
    s->pub.len = len;
    s->pub.in_attachment = in_attachment;
    msg->decoded_bytes += len;
    return (int)msg->n_segs++;
}

/* msg_add_segment - append a segment, copying its text */
int msg_add_segment(pg_msg *msg, const char *path, pg_seg_kind kind,
                    const char *text, size_t len, bool in_attachment)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return PG_ENOMEM;
    memcpy(copy, text, len);
    return msg_add_segment_take(msg, path, kind, copy, len, in_attachment);
}

/* msg_add_quoted - mark a quoted region of a segment */
int msg_add_quoted(pg_msg *msg, size_t idx, size_t start, size_t end)
{
    msg_segment *s = &msg->segs[idx];

    if (end <= start)
        return 0;
    if (s->n_quoted && s->quoted[s->n_quoted - 1].end >= start) {
        if (end > s->quoted[s->n_quoted - 1].end)
            s->quoted[s->n_quoted - 1].end = end;
        return 0;
    }
    if (grow((void **)&s->quoted, &s->cap_quoted, s->n_quoted, sizeof(*s->quoted)) < 0)
        return PG_ENOMEM;
    s->quoted[s->n_quoted++] = (pg_range){start, end};
    return 0;
}

/* msg_add_uninspectable - record a part the policy must decide about */
int msg_add_uninspectable(pg_msg *msg, const char *segment, const char *reason)
{
    if (grow((void **)&msg->unins, &msg->cap_unins, msg->n_unins, sizeof(*msg->unins)) < 0)
        return PG_ENOMEM;
    char *seg = strdup(segment), *why = strdup(reason);
    if (!seg || !why) {
        free(seg);
        free(why);
        return PG_ENOMEM;
    }
    msg->unins[msg->n_unins++] = (pg_uninspectable){seg, why};
    return 0;
}

/* msg_add_header - remember a decoded top-level header */
int msg_add_header(pg_msg *msg, const char *name, const char *value)
{
    if (grow((void **)&msg->header_names, &msg->cap_headers, msg->n_headers,
             sizeof(char *)) < 0)
        return PG_ENOMEM;
    size_t cap = msg->cap_headers;
    char **nv = realloc(msg->header_values, cap * sizeof(char *));
    if (!nv)
        return PG_ENOMEM;
    msg->header_values = nv;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return PG_ENOMEM;
    }
    msg->header_names[msg->n_headers] = n;
    msg->header_values[msg->n_headers++] = v;
    return 0;
}

/* pg_msg_free - free a message and everything it owns */
void pg_msg_free(pg_msg *msg)
{
    if (!msg)
        return;
    for (size_t i = 0; i < msg->n_segs; i++) {
        free(msg->segs[i].path);
        free(msg->segs[i].text);
        free(msg->segs[i].quoted);
    }
    for (size_t i = 0; i < msg->n_unins; i++) {
        free((char *)msg->unins[i].segment);
        free((char *)msg->unins[i].reason);
    }
    for (size_t i = 0; i < msg->n_headers; i++) {
        free(msg->header_names[i]);
        free(msg->header_values[i]);
    }
    free(msg->segs);
    free(msg->unins);
    free(msg->findings);
    free(msg->header_names);
    free(msg->header_values);
    free(msg->raw);
    free(msg);
}

size_t pg_msg_segment_count(const pg_msg *msg) { return msg->n_segs; }
size_t pg_msg_uninspectable_count(const pg_msg *msg) { return msg->n_unins; }
size_t pg_msg_finding_count(const pg_msg *msg) { return msg->n_findings; }
bool pg_msg_encrypted(const pg_msg *msg) { return msg->encrypted; }

/* pg_msg_segment - a segment's public view, with pointers refreshed */
const pg_segment *pg_msg_segment(const pg_msg *msg, size_t i)
{
    msg_segment *s = &msg->segs[i];

    s->pub.path = s->path;
    s->pub.text = s->text;
    s->pub.quoted = s->quoted;
    s->pub.n_quoted = s->n_quoted;
    return &s->pub;
}

const pg_uninspectable *pg_msg_uninspectable_at(const pg_msg *msg, size_t i)
{
    return &msg->unins[i];
}

const pg_msg_finding *pg_msg_finding_at(const pg_msg *msg, size_t i)
{
    return &msg->findings[i];
}

/* pg_msg_header - a decoded top-level header, case-insensitive name */
const char *pg_msg_header(const pg_msg *msg, const char *name)
{
    for (size_t i = 0; i < msg->n_headers; i++)
        if (strcasecmp(msg->header_names[i], name) == 0)
            return msg->header_values[i];
    return NULL;
}
