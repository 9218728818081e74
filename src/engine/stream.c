/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stream.c - input of any size in bounded memory, scanned where it lies.
 *
 * The stream is cut into windows of at most PG_STREAM_CHUNK plus
 * PG_STREAM_OVERLAP bytes; consecutive windows overlap by KEEP (twice the
 * overlap). Findings that start in the last PG_STREAM_OVERLAP bytes of a
 * window are held back, because the next window re-scans those bytes with
 * their right-hand context and sees any match that straddles the boundary
 * whole; findings that start before the previous window's hold-back line
 * were already delivered. So each finding is delivered once, in order,
 * whatever the window sizes are, as long as each window is longer than KEEP.
 * The tail is only final at pg_stream_finish().
 *
 * Windows are scanned in place, in the caller's buffer, whenever one lies
 * inside the current feed: a large feed costs no copy at all except at its
 * two ends. The stream's own buffer (one window at most, whatever the input
 * size) holds only what a feed leaves behind:
 *
 *   - the remainder: after the last in-place window of a feed, the KEEP
 *     bytes the next window must re-scan (or a whole small feed);
 *   - the seam: when the next large feed comes, just KEEP of its bytes are
 *     appended to the remainder and that short window is scanned, so that
 *     the window after it starts inside the new feed;
 *   - small feeds (a chat line, a pipe's dribble) are gathered until a full
 *     window, as they always were: there copying is cheaper than many short
 *     windows, each re-scanning KEEP bytes.
 *
 * The caller's buffer is only read during pg_stream_feed(). While a window
 * is scanned, st->win says where it lies, so pg_stream_match() can hand
 * out a finding's bytes from either buffer.
 *
 * A window boundary can split a multi-byte character; the next window
 * starts KEEP bytes before the split, so the character is seen whole there.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

/* A full window, and the bytes consecutive windows share. */
#define WINDOW ((size_t)PG_STREAM_CHUNK + PG_STREAM_OVERLAP)
#define KEEP ((size_t)2 * PG_STREAM_OVERLAP)

/* A feed (or what is left of it) at least this long is scanned in place.
 * Each in-place run costs one extra short seam window of 2 * KEEP bytes;
 * against a quarter megabyte that is well under 1%, less than the copy. */
#define INPLACE_MIN ((size_t)PG_STREAM_CHUNK / 4)

_Static_assert(INPLACE_MIN > 2 * KEEP, "an in-place window must be long");

struct pg_stream {
    const pg_engine *engine;
    pg_scratch *scratch;
    pg_finding_cb cb;
    void *payload;
    char *buf;           /* own bytes: remainder + seam, at most WINDOW */
    size_t cap;
    size_t len;          /* bytes in buf */
    size_t base;         /* stream offset of the next window's first byte
                            (buf[0] when len > 0) */
    size_t reported_to;  /* findings starting before this were delivered */
    size_t limit;        /* deliver only findings starting before this */
    const char *win;     /* the window being scanned (buf or the caller's),
                            NULL between scans */
    size_t win_len;
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

/* scan_window - scan the n bytes at w (stream offset st->base),
 * delivering the findings that start before limit */
static int scan_window(pg_stream *st, const char *w, size_t n, size_t limit)
{
    st->limit = limit;
    st->win = w;
    st->win_len = n;
    int rc = pg_engine_scan(st->engine, st->scratch, w, n, relay, st);
    st->win = NULL;
    st->reported_to = limit;
    return rc;
}

/* scan_held - scan a window that is not the last: its final overlap is
 * held back for the next window */
static int scan_held(pg_stream *st, const char *w, size_t n)
{
    return scan_window(st, w, n, st->base + n - PG_STREAM_OVERLAP);
}

/* reserve - grow the own buffer toward a full window: small inputs (a chat
 * line) never pay for a megabyte */
static int reserve(pg_stream *st, size_t want)
{
    size_t ncap = st->cap ? st->cap : 4096;

    if (want <= st->cap)
        return 0;
    while (ncap < want && ncap < WINDOW)
        ncap *= 2;
    if (ncap > WINDOW)
        ncap = WINDOW;
    char *p = realloc(st->buf, ncap);
    if (!p)
        return PG_ENOMEM;
    st->buf = p;
    st->cap = ncap;
    return 0;
}

/* append - copy n caller bytes after the own bytes */
static int append(pg_stream *st, const char *p, size_t n)
{
    if (reserve(st, st->len + n) < 0)
        return PG_ENOMEM;
    memcpy(st->buf + st->len, p, n);
    st->len += n;
    return 0;
}

/* feed_in_place - the next window starts at *p in the caller's buffer
 * (no own bytes): scan it there if the feed is long enough, else keep
 * what is left */
static int feed_in_place(pg_stream *st, const char **p, const char *end)
{
    size_t avail = (size_t)(end - *p);
    size_t n = avail < WINDOW ? avail : WINDOW;

    if (n < INPLACE_MIN) {
        *p = end;
        return append(st, end - avail, avail);
    }
    int rc = scan_held(st, *p, n);
    if (rc)
        return rc;
    st->base += n - KEEP;
    *p += n - KEEP;
    if (n == avail) { /* the feed's last window: keep its tail */
        *p = end;
        return append(st, end - KEEP, KEEP);
    }
    return 0;
}

/* feed_seam - own bytes wait for more: scan the short seam window that
 * lets the next one start inside a large feed, or gather a small feed */
static int feed_seam(pg_stream *st, const char **p, const char *end)
{
    size_t rem = (size_t)(end - *p);
    int rc;

    if (rem >= INPLACE_MIN && st->len + KEEP <= WINDOW) {
        if ((rc = append(st, *p, KEEP)) < 0 || (rc = scan_held(st, st->buf, st->len)))
            return rc;
        st->base += st->len - KEEP; /* = the stream offset of *p */
        st->len = 0;
        return 0;
    }
    size_t take = WINDOW - st->len < rem ? WINDOW - st->len : rem;
    if ((rc = append(st, *p, take)) < 0)
        return rc;
    *p += take;
    if (st->len < WINDOW)
        return 0;
    if ((rc = scan_held(st, st->buf, st->len)))
        return rc;
    memmove(st->buf, st->buf + st->len - KEEP, KEEP);
    st->base += st->len - KEEP;
    st->len = KEEP;
    return 0;
}

/* pg_stream_feed - add bytes, scanning each window they complete */
int pg_stream_feed(pg_stream *st, const char *buf, size_t len)
{
    const char *end = buf + len;
    int rc = 0;

    while (rc == 0 && buf < end)
        rc = st->len ? feed_seam(st, &buf, end) : feed_in_place(st, &buf, end);
    return rc;
}

/* pg_stream_match - a finding's bytes, during the callback only */
const char *pg_stream_match(const pg_stream *st, const pg_finding *f)
{
    if (!st->win || f->start < st->base || f->end > st->base + st->win_len)
        return NULL;
    return st->win + (f->start - st->base);
}

/* pg_stream_finish - scan what is left */
int pg_stream_finish(pg_stream *st)
{
    if (st->len == 0)
        return 0;
    return scan_window(st, st->buf, st->len, (size_t)-1);
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
