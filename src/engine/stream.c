/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stream.c - input of any size in bounded memory.
 *
 * Bytes are gathered into a window of PG_STREAM_CHUNK plus an overlap of
 * PG_STREAM_OVERLAP. Each full window is scanned; findings that start in
 * the last PG_STREAM_OVERLAP bytes are held back, because the next window
 * re-scans those bytes with their right-hand context and sees any match
 * that straddles the boundary whole. The tail is only final at
 * pg_stream_finish(). Memory is one window, whatever the input size.
 *
 * A window boundary can split a multi-byte character; the next window
 * starts at the overlap, well before the split, so the character is seen
 * whole there.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

struct pg_stream {
    const pg_engine *engine;
    pg_scratch *scratch;
    pg_finding_cb cb;
    void *payload;
    char *buf;           /* grows to PG_STREAM_CHUNK + PG_STREAM_OVERLAP */
    size_t cap;
    size_t len;          /* bytes in buf */
    size_t base;         /* stream offset of buf[0] */
    size_t reported_to;  /* findings starting before this were delivered */
    size_t limit;        /* deliver only findings starting before this */
    int cb_rc;
};

/* pg_stream_new - a stream over one engine */
int pg_stream_new(pg_stream **out, const pg_engine *engine, pg_finding_cb cb, void *payload)
{
    pg_stream *st = calloc(1, sizeof(*st));

    if (!st)
        return PG_ENOMEM;
    if (pg_scratch_new(&st->scratch, engine) < 0) {
        free(st);
        return PG_ENOMEM;
    }
    st->engine = engine;
    st->cb = cb;
    st->payload = payload;
    *out = st;
    return 0;
}

/* relay - shift a window finding to stream offsets; keep only new ones */
static int relay(const pg_finding *f, void *payload)
{
    pg_stream *st = payload;
    pg_finding g = *f;

    g.start += st->base;
    g.end += st->base;
    if (g.start < st->reported_to || g.start >= st->limit)
        return 0;
    return st->cb(&g, st->payload);
}

/* scan_window - scan buf, delivering findings that start before limit */
static int scan_window(pg_stream *st, size_t limit)
{
    st->limit = limit;
    int rc = pg_engine_scan(st->engine, st->scratch, st->buf, st->len, relay, st);
    st->reported_to = limit;
    return rc;
}

/* reserve - grow the window toward its full size: small inputs (a chat
 * line) never pay for a megabyte */
static int reserve(pg_stream *st, size_t want)
{
    const size_t full = PG_STREAM_CHUNK + PG_STREAM_OVERLAP;
    size_t ncap = st->cap ? st->cap : 4096;

    if (want <= st->cap)
        return 0;
    while (ncap < want && ncap < full)
        ncap *= 2;
    if (ncap > full)
        ncap = full;
    char *p = realloc(st->buf, ncap);
    if (!p)
        return PG_ENOMEM;
    st->buf = p;
    st->cap = ncap;
    return 0;
}

/* pg_stream_feed - add bytes, scanning each full window */
int pg_stream_feed(pg_stream *st, const char *buf, size_t len)
{
    const size_t cap = PG_STREAM_CHUNK + PG_STREAM_OVERLAP;

    if (reserve(st, st->len + len < cap ? st->len + len : cap) < 0)
        return PG_ENOMEM;
    while (len > 0) {
        size_t take = cap - st->len < len ? cap - st->len : len;
        memcpy(st->buf + st->len, buf, take);
        st->len += take;
        buf += take;
        len -= take;
        if (st->len < cap)
            break;
        int rc = scan_window(st, st->base + st->len - PG_STREAM_OVERLAP);
        if (rc)
            return rc;
        size_t keep = 2 * PG_STREAM_OVERLAP;
        memmove(st->buf, st->buf + st->len - keep, keep);
        st->base += st->len - keep;
        st->len = keep;
    }
    return 0;
}

/* pg_stream_match - a finding's bytes, during the callback only */
const char *pg_stream_match(const pg_stream *st, const pg_finding *f)
{
    if (f->start < st->base || f->end > st->base + st->len)
        return NULL;
    return st->buf + (f->start - st->base);
}

/* pg_stream_finish - scan what is left */
int pg_stream_finish(pg_stream *st)
{
    if (st->len == 0)
        return 0;
    return scan_window(st, (size_t)-1);
}

/* pg_stream_free - free a stream */
void pg_stream_free(pg_stream *st)
{
    if (!st)
        return;
    pg_scratch_free(st->scratch);
    free(st->buf);
    free(st);
}
