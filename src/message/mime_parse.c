/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_parse.c - pg_msg_parse(): raw RFC 5322 bytes to a pg_msg.
 *
 * The steps (mime.h tells each one's story): clamp the limits, copy the raw
 * message (redaction rewrites that copy), let the guard decide what GMime
 * may see, parse, walk, decide encryption. Input GMime cannot read as a
 * message at all (no header block) is scanned as one plain-text body, so
 * even garbage is read.
 *
 * Errors: only allocation failure and a message over max_message_bytes fail
 * the call; every other problem is an uninspectable entry in the result.
 * Ownership: on success *out owns everything; on failure nothing leaks.
 */
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* bare_text - no message structure: read the whole input as text */
static int bare_text(mime_walk *w)
{
    msg_origin o = {0};

    if (mime_view_raw_range(w->view, 0, w->view->len, &o.start, &o.end) &&
        o.end > o.start)
        o.kind = MSG_ORIGIN_BODY;
    o.crlf = memmem(w->view->buf, w->view->len, "\r\n", 2) != NULL;
    return mime_body_add(w, "1", false, (const unsigned char *)w->view->buf,
                         w->view->len, NULL, &o, 0);
}

/* parse_into - guard, GMime and the walk over a message that owns raw */
static int parse_into(pg_msg *m, const pg_msg_limits *lim)
{
    mime_view view;
    mime_doc doc;
    int rc = mime_guard_run(&view, m, lim);

    if (rc < 0)
        return rc;
    mime_gmime_open(&doc, view.buf, view.len);
    mime_walk w = {.msg = m, .lim = lim, .view = &view};
    if (doc.message)
        rc = mime_walk_message(&w, doc.message, "", 0);
    else
        rc = bare_text(&w);
    if (rc >= 0)
        rc = mime_walk_finish(&w);
    mime_walk_free(&w);
    mime_gmime_close(&doc);
    mime_view_free(&view);
    return rc;
}

/* pg_msg_parse - parse a raw message into segments */
int pg_msg_parse(pg_msg **out, const char *raw, size_t len,
                 const pg_msg_limits *lim_in)
{
    pg_msg_limits lim;
    pg_msg *m;
    int rc;

    mime_limits_clamp(&lim, lim_in);
    if (len > lim.max_message_bytes)
        return pg_error_set(PG_ETOOBIG, "message of %zu bytes is over max_message_bytes (%zu)",
                            len, lim.max_message_bytes);
    if ((rc = msg_new(&m)) < 0)
        return rc;
    if (!(m->raw = malloc(len + 1))) {
        pg_msg_free(m);
        return PG_ENOMEM;
    }
    if (len)
        memcpy(m->raw, raw, len);
    m->raw[len] = '\0';
    m->raw_len = len;
    if ((rc = parse_into(m, &lim)) < 0) {
        pg_msg_free(m);
        return rc;
    }
    *out = m;
    return 0;
}
