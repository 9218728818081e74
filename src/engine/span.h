/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * span.h - one candidate span inside a cluster, as the cluster
 * recognizers see it: groups a..b, their compact form and its shape.
 * Built once per (a, b) by span_shape_next() (span_shape.c) so that every
 * recognizer reads the same precomputed facts instead of re-walking the
 * bytes.
 */
#ifndef PIIGUARD_ENGINE_SPAN_H
#define PIIGUARD_ENGINE_SPAN_H

#include "engine/engine_internal.h"
#include "engine/validate.h"

#define SPAN_MAX 40

typedef struct span {
    const cluster *c;
    int a, b;             /* first and last group */
    char compact[SPAN_MAX + 1];
    size_t len;           /* compact length */
    unsigned ndigit;
    bool digits_only;
    char sep;             /* the one joiner used between groups, or 0 */
    bool sep_consistent;  /* every joiner is that one byte */
    uint8_t glen[CLUSTER_MAX_GROUPS]; /* group lengths, a..b */
    int ngroups;
} span;

/* Byte range of the span in the view. */
static inline size_t span_start(const span *sp) { return sp->c->g[sp->a].start; }
static inline size_t span_end(const span *sp) { return sp->c->g[sp->b].end; }

/* True when the span is exactly the group lengths given (0-terminated). */
bool span_grouping(const span *sp, const uint8_t *lens);

/* True when a neighbour group is glued to the span by '-' or '.': the span
 * is then part of a longer structured number, not a number of its own. */
bool span_glued(const span *sp);

/* True when a strong candidate already covers the whole span. */
static inline bool span_claimed(const scan_ctx *ctx, const span *sp)
{
    return span_start(sp) >= ctx->claim_start && span_end(sp) <= ctx->claim_end &&
           ctx->claim_end > ctx->claim_start;
}

/* Validate with the entity's validator from validate.h. */
static inline bool span_valid(const span *sp, pg_entity e)
{
    pg_validator_fn f = pg_validator_for(e);
    return f && f(sp->compact, sp->len);
}

#endif /* PIIGUARD_ENGINE_SPAN_H */
