/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	span_shape - iterate a cluster's spans without copying their bytes
 * SUMMARY
 *	void span_shape_first(span *sp, const cluster *c);
 *	bool span_shape_next(span *sp);
 *	void span_shape_bytes(span *sp, const scan_ctx *ctx);
 * DESCRIPTION
 *	The cluster recognizers (recog_ids.c, recog_financial.c) look at
 *	every span of a cluster, and for nearly all of them the length,
 *	digit count and grouping already say no. Those come from the
 *	cluster's group records, so a span is grown group by group from them
 *	alone, without the byte copy; a rule that accepts the shape asks for
 *	the bytes. Measured with callgrind on the bench corpus, copying every
 *	span was most of both recognizers' cost (span_next(), which this
 *	replaced, copied each span as it grew).
 *
 *	Invariant: after span_shape_next() returns true, every field of *sp
 *	but compact describes groups a..b of the cluster; after
 *	span_shape_bytes(), compact holds their compact upper-case bytes.
 */
#include "engine/span_shape.h"

/* begin_at - empty span starting at group a */
static void begin_at(span *sp, int a)
{
    sp->a = a;
    sp->b = a - 1;
    sp->len = 0;
    sp->ndigit = 0;
    sp->digits_only = true;
    sp->sep = 0;
    sp->sep_consistent = true;
    sp->ngroups = 0;
    sp->compact[0] = '\0';
}

/* span_shape_first - prepare to iterate the spans of c */
void span_shape_first(span *sp, const cluster *c)
{
    sp->c = c;
    begin_at(sp, 0);
}

/* grow - add group b+1 to the span's shape; false when it does not fit */
static bool grow(span *sp)
{
    const group *g = &sp->c->g[sp->b + 1];
    size_t gl = g->end - g->start;

    if (sp->len + gl > SPAN_MAX)
        return false;
    if (sp->ngroups > 0) {
        if (g->nsep_before != 1 || (sp->sep && g->sep_before != sp->sep))
            sp->sep_consistent = false;
        if (!sp->sep)
            sp->sep = g->sep_before;
    }
    sp->len += gl;
    sp->compact[0] = '\0'; /* a new span: its bytes are not copied yet */
    sp->ndigit += g->ndigit;
    sp->digits_only = sp->digits_only && g->ndigit == gl;
    sp->glen[sp->ngroups++] = (uint8_t)gl;
    sp->b++;
    return true;
}

/* span_shape_next - advance to the next span; false when there are no more */
bool span_shape_next(span *sp)
{
    for (;;) {
        if (sp->b + 1 < sp->c->ng && grow(sp))
            return true;
        if (sp->a + 1 >= sp->c->ng)
            return false;
        begin_at(sp, sp->a + 1);
    }
}

/* span_shape_bytes - the current span's compact form, copied once (a
 * span is never empty, so an empty compact means "not yet") */
void span_shape_bytes(span *sp, const scan_ctx *ctx)
{
    if (!sp->compact[0])
        cluster_compact(ctx, sp->c, sp->a, sp->b, sp->compact, sizeof(sp->compact));
}
