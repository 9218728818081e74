/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * span.c - facts about one candidate span that several recognizers ask
 * for: its exact grouping and whether a neighbour group is glued to it.
 * The spans themselves are walked by span_shape.c.
 */
#include "engine/span.h"

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
