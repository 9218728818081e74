/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_headers.c - the headers that carry content, of the message and of
 * every message/rfc822 inside it.
 *
 * Subject is free text; From, To and Cc carry display names. Each becomes a
 * PG_SEG_HEADER segment ("header:subject", "header:from", and under a
 * forwarded message at part 2, "2/header:subject"). Values are taken raw
 * from GMime and decoded here (mime_rfc2047.c, GMime #133). The top-level
 * Subject, From, To, Cc, Message-ID and Content-Type are also recorded with
 * msg_add_header() for the policy and the logs (Message-ID) to use.
 *
 * The top-level Subject remembers where its field sits in the raw message,
 * so redaction can rewrite it; nothing else in a header can be rewritten.
 *
 * Message-ID, In-Reply-To, References and the other machine headers are
 * not scanned on purpose: their ids are shaped like e-mail addresses, so
 * every reply would carry EMAIL_ADDRESS findings that staff cannot act
 * on (and redaction cannot rewrite without breaking threading). What a
 * Message-ID may reveal is kept out of the store instead: it is stored
 * only as a keyed hash (docs/store.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "message/mime.h"

enum how { SUBJECT, NAMES, RECORD };

struct header_rule {
    const char *name, *seg;
    enum how how;
};

static const struct header_rule header_rules[] = {
    {"Subject", "subject", SUBJECT}, {"From", "from", NAMES},
    {"To", "to", NAMES},             {"Cc", "cc", NAMES},
    {"Message-ID", NULL, RECORD},    {"Content-Type", NULL, RECORD},
};

/* next_line - the offset after the line at pos */
static size_t next_line(const char *s, size_t len, size_t pos)
{
    const char *nl = memchr(s + pos, '\n', len - pos);

    return nl ? (size_t)(nl - s) + 1 : len;
}

/* subject_origin - where the top-level Subject field sits in the view,
 * which is the raw message itself when nothing was removed from it */
static void subject_origin(msg_origin *o, const mime_view *v)
{
    const char *s = v->buf;
    size_t len = v->len, pos = 0;

    if (len >= 5 && memcmp(s, "From ", 5) == 0) /* an mbox separator */
        pos = next_line(s, len, 0);
    for (; pos < len && s[pos] != '\n' && s[pos] != '\r'; pos = next_line(s, len, pos)) {
        if (len - pos < 8 || strncasecmp(s + pos, "Subject:", 8) != 0)
            continue;
        size_t end = next_line(s, len, pos);
        while (end < len && (s[end] == ' ' || s[end] == '\t'))
            end = next_line(s, len, end);
        o->kind = MSG_ORIGIN_SUBJECT;
        o->start = pos;
        o->end = end;
        o->crlf = end >= 2 && s[end - 2] == '\r';
        return;
    }
}

/* add_segment - one header segment, "<path>/header:<seg>" */
static int add_segment(mime_walk *w, const char *path, const char *seg,
                       const char *text, size_t len, bool subject)
{
    char name[600];

    if (len == 0)
        return 0;
    snprintf(name, sizeof(name), "%s%sheader:%s", path, *path ? "/" : "", seg);
    int rc = msg_add_segment(w->msg, name, PG_SEG_HEADER, text, len, false);
    if (rc < 0)
        return rc;
    if (subject && !*path && w->view->n_holes == 0 && !w->view->foreign)
        subject_origin(&w->msg->segs[rc].origin, w->view);
    return 0;
}

/* one_header - decode, record and segment one header */
static int one_header(mime_walk *w, GMimeObject *obj, const char *path,
                      const struct header_rule *r)
{
    const char *raw = mime_gmime_raw_header(obj, r->name);
    GMimeObject *body = g_mime_message_get_mime_part(GMIME_MESSAGE(obj));
    char *dec = NULL, *names = NULL;
    size_t dlen, nlen;
    int rc;

    if (!raw && body) /* GMime files Content-* headers under the body */
        raw = mime_gmime_raw_header(body, r->name);
    if (!raw)
        return 0;
    if ((rc = mime_rfc2047_decode(&dec, &dlen, raw, strlen(raw))) < 0)
        return rc;
    if (!*path)
        rc = msg_add_header(w->msg, r->name, dec);
    if (rc >= 0 && r->how == SUBJECT)
        rc = add_segment(w, path, r->seg, dec, dlen, true);
    if (rc >= 0 && r->how == NAMES) {
        rc = mime_addr_names(&names, &nlen, raw, strlen(raw));
        if (rc >= 0 && names)
            rc = add_segment(w, path, r->seg, names, nlen, false);
    }
    free(names);
    free(dec);
    return rc;
}

/* mime_headers_add - every content-carrying header of one message */
int mime_headers_add(mime_walk *w, GMimeMessage *m, const char *path)
{
    int rc = 0;

    for (size_t i = 0; i < sizeof(header_rules) / sizeof(header_rules[0]) && rc >= 0; i++)
        rc = one_header(w, GMIME_OBJECT(m), path, &header_rules[i]);
    return rc;
}
