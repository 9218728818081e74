/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * emit.c - from candidate to finding: context, score, threshold, overlap
 * resolution, and the one place offsets are mapped back to the input.
 *
 * Scoring follows Presidio's model so that figures compare: a recognizer
 * gives a base score (high for a passed checksum, low for a bare shape),
 * a context word nearby adds CONTEXT_BOOST, and context-required types
 * are dropped without one. Where candidates overlap, the higher score
 * wins, then the validated one, then the longer one.
 */
#include <stdlib.h>

#include "engine/engine_internal.h"

/* engine_emit - offer one candidate */
void engine_emit(scan_ctx *ctx, pg_entity entity, size_t start, size_t end,
                 float base, bool validated, unsigned flags)
{
    pg_scratch *s = ctx->scratch;
    uint16_t ids[PG_FINDING_MAX_CONTEXT];
    const pg_engine_opts *o = &ctx->engine->opts;

    if (s->err || (o->entities && !(o->entities & (1ull << entity))))
        return;
    unsigned nc = engine_context(ctx, entity, start, end, ids);
    if ((flags & RF_NEEDS_CONTEXT) && nc == 0)
        return;
    float score = base + (nc ? CONTEXT_BOOST : 0.0f);
    if (score > 1.0f)
        score = 1.0f;
    if (score < o->min_score)
        return;
    if (pg_array_grow((void **)&s->cands, &s->cap_cands, s->n_cands + 1,
                      sizeof(*s->cands)) < 0) {
        s->err = PG_ENOMEM;
        return;
    }
    cand *c = &s->cands[s->n_cands++];
    *c = (cand){entity, (uint32_t)start, (uint32_t)end, score, validated, (uint8_t)nc, {0}};
    for (unsigned k = 0; k < nc; k++)
        c->context[k] = ids[k];
}

/* by_start - order candidates by start, then best first */
static int by_start(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->validated != b->validated)
        return a->validated ? -1 : 1;
    return (a->end - a->start) > (b->end - b->start) ? -1 : 1;
}

/* better - does a beat b when they overlap? */
static bool better(const cand *a, const cand *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->validated != b->validated)
        return a->validated;
    return a->end - a->start > b->end - b->start;
}

/* resolve - keep the best of each group of overlapping candidates, in place */
static size_t resolve(cand *c, size_t n)
{
    size_t out = 0;

    if (n == 0)
        return 0; /* qsort(NULL, 0, ...) is undefined */
    qsort(c, n, sizeof(*c), by_start);
    for (size_t i = 0; i < n; i++) {
        if (out && c[i].start < c[out - 1].end) {
            if (better(&c[i], &c[out - 1]))
                c[out - 1] = c[i];
            continue;
        }
        c[out++] = c[i];
    }
    return out;
}

/* engine_deliver - resolve, map back, hand each finding to the caller */
int engine_deliver(scan_ctx *ctx, const char *orig, pg_finding_cb cb, void *payload)
{
    pg_scratch *s = ctx->scratch;
    size_t n = resolve(s->cands, s->n_cands);
    (void)orig;

    for (size_t i = 0; i < n; i++) {
        const cand *c = &s->cands[i];
        pg_finding f = {
            .entity = c->entity,
            .start = engine_map_offset(s, c->start),
            .end = engine_map_offset(s, c->end),
            .score = c->score,
            .validated = c->validated,
            .n_context = c->n_context,
        };
        for (unsigned k = 0; k < c->n_context; k++)
            f.context[k] = c->context[k];
        int rc = cb(&f, payload);
        if (rc)
            return rc;
    }
    return 0;
}
