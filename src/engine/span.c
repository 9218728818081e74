/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * span.c - iterate the candidate spans of a cluster.
 *
 * Spans grow group by group from each start, appending to the compact
 * form rather than rebuilding it, so a cluster of g groups costs O(g * k)
 * byte copies for spans of at most k groups.
 */
#include <string.h>

#include "engine/span.h"

/* span_set_start - begin spans at group a */
static void span_set_start(span *sp, int a)
{
    sp->a = a;
    sp->b = a - 1;
    sp->len = 0;
    sp->ndigit = 0;
    sp->digits_only = true;
    sp->sep = 0;
    sp->sep_consistent = true;
    sp->ngroups = 0;
}

/* span_first - prepare to iterate the spans of a cluster */
void span_first(span *sp, const scan_ctx *ctx, const cluster *c)
{
    (void)ctx;
    sp->c = c;
    span_set_start(sp, 0);
}

/* span_extend - append group b+1; false when it does not fit */
static bool span_extend(span *sp, const scan_ctx *ctx)
{
    const group *g = &sp->c->g[sp->b + 1];
    size_t gl = g->end - g->start;

    if (sp->len + gl > SPAN_MAX)
        return false;
    if (sp->b + 1 > sp->a) {
        if (g->nsep_before != 1 || (sp->sep && g->sep_before != sp->sep))
            sp->sep_consistent = false;
        if (!sp->sep)
            sp->sep = g->sep_before;
    }
    for (size_t i = 0; i < gl; i++) {
        unsigned char ch = (unsigned char)ctx->s[g->start + i];
        sp->compact[sp->len + i] = (char)(is_lower(ch) ? ch - 32 : ch);
    }
    sp->len += gl;
    sp->compact[sp->len] = '\0';
    sp->ndigit += g->ndigit;
    sp->digits_only = sp->digits_only && g->ndigit == gl;
    sp->glen[sp->ngroups++] = (uint8_t)gl;
    sp->b++;
    return true;
}

/* span_next - advance to the next span; false when there are no more */
bool span_next(span *sp, const scan_ctx *ctx)
{
    for (;;) {
        if (sp->b + 1 < sp->c->ng && span_extend(sp, ctx))
            return true;
        if (sp->a + 1 >= sp->c->ng)
            return false;
        span_set_start(sp, sp->a + 1);
    }
}

/* span_grouping - are the span's groups exactly these lengths? */
bool span_grouping(const span *sp, const uint8_t *lens)
{
    int k = 0;

    for (; lens[k]; k++)
        if (k >= sp->ngroups || sp->glen[k] != lens[k])
            return false;
    return k == sp->ngroups;
}

/* glued_digit_group - is group k digits joined to its neighbour by sep? */
static bool glued(const group *g)
{
    return g->ndigit > 0 && g->nsep_before == 1 &&
           (g->sep_before == '-' || g->sep_before == '.' || g->sep_before == '/');
}

/* span_glued - is the span part of a longer '-'/'.'-joined number? */
bool span_glued(const span *sp)
{
    const cluster *c = sp->c;

    if (sp->b + 1 < c->ng && glued(&c->g[sp->b + 1]))
        return true;
    /* "INV-2024-00123": a code prefix glued by '-' makes it a reference */
    return sp->a > 0 && glued(&c->g[sp->a]);
}
