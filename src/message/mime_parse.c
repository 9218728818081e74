/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_parse.c - pg_msg_parse(): raw RFC 5322 bytes to a pg_msg.
 *
 * The steps (mime.h tells each one's story): clamp the limits, let the
 * guard decide what GMime may see, parse, walk, decide encryption, and last
 * copy the raw message (redaction rewrites that copy). Input GMime cannot
 * read as a message at all (no header block) is scanned as one plain-text
 * body, so even garbage is read.
 *
 * Memory: the walk reads the caller's bytes, which outlive the call, and
 * the copy is made only once the walk is done. So the parse never holds
 * the message twice, and an extractor child forked during the walk does
 * not inherit a second copy of it: for a 25 MB mail that is 25 MB off the
 * parse's peak and off every child's.
 *
 * Errors: only allocation failure and a message over max_message_bytes fail
 * the call; every other problem is an uninspectable entry in the result.
 * Ownership: on success *out owns everything; on failure nothing leaks.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "message/mime.h"

/* From this size on, the walk's freed buffers are handed back to the
 * system before the raw copy is made (see release_freed). */
#define PARSE_TRIM_FLOOR (1u << 20)

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

/* parse_into - guard, GMime and the walk over the caller's bytes */
static int parse_into(pg_msg *m, const char *raw, size_t len, const pg_msg_limits *lim)
{
    mime_view view;
    mime_doc doc;
    int rc = mime_guard_run(&view, m, raw, len, lim);

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

/* release_freed - give the walk's freed buffers back to the system. A
 * large message's walk frees megabytes (decoded attachments, extractor
 * output read from the pipe), and glibc keeps freed heap memory resident
 * up to twice its moving mmap threshold: 10 MB for the 25 MB bench mail,
 * which would sit beside the raw copy made next. Small messages skip it:
 * trimming locks every arena, and they free next to nothing. */
static void release_freed(size_t len)
{
#if defined(__GLIBC__)
    if (len >= PARSE_TRIM_FLOOR)
        malloc_trim(0);
#else
    (void)len;
#endif
}

/* keep_raw - the message's own copy of the input, for redaction */
static int keep_raw(pg_msg *m, const char *raw, size_t len)
{
    if (!(m->raw = malloc(len + 1)))
        return PG_ENOMEM;
    if (len)
        memcpy(m->raw, raw, len);
    m->raw[len] = '\0';
    m->raw_len = len;
    return 0;
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
    rc = parse_into(m, len ? raw : "", len, &lim);
    release_freed(len);
    if (rc >= 0)
        rc = keep_raw(m, raw, len);
    if (rc < 0) {
        pg_msg_free(m);
        return rc;
    }
    *out = m;
    return 0;
}
