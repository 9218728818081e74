/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msg_scan.c - run the engine over every segment of a message and place
 * each finding in its segment, flagged when it sits in quoted text.
 */
#include <stdlib.h>
#include <string.h>

#include "message/msg_internal.h"

struct scan_ctx {
    pg_msg *msg;
    size_t seg;
    int err;
};

/* in_quoted - does [start, end) begin inside one of the sorted ranges? */
static bool in_quoted(const msg_segment *s, size_t start)
{
    size_t lo = 0, hi = s->n_quoted;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->quoted[mid].end <= start)
            lo = mid + 1;
        else if (s->quoted[mid].start > start)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* on_finding - engine callback: append to the message's findings */
static int on_finding(const pg_finding *f, void *payload)
{
    struct scan_ctx *c = payload;
    pg_msg *m = c->msg;

    if (pg_array_grow((void **)&m->findings, &m->cap_findings, m->n_findings + 1,
                      sizeof(*m->findings)) < 0) {
        c->err = PG_ENOMEM;
        return 1;
    }
    pg_msg_finding *out = &m->findings[m->n_findings++];
    out->f = *f;
    out->segment = c->seg;
    out->quoted = in_quoted(&m->segs[c->seg], f->start);
    return 0;
}

/* pg_msg_scan - findings for every segment, replacing earlier ones */
int pg_msg_scan(pg_msg *msg, const pg_engine *engine, pg_scratch *scratch)
{
    struct scan_ctx c = {msg, 0, 0};

    msg->n_findings = 0;
    for (c.seg = 0; c.seg < msg->n_segs; c.seg++) {
        const msg_segment *s = &msg->segs[c.seg];
        int rc = pg_engine_scan(engine, scratch, s->text, s->pub.len, on_finding, &c);
        if (c.err < 0)
            return c.err;
        if (rc < 0)
            return rc;
    }
    return 0;
}
