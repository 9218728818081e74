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
 *
 * Context is looked up lazily where it cannot decide whether a candidate
 * exists: a candidate already at or over the threshold that does not need
 * context is kept with its base score and finished (context words, boost)
 * only if it survives, or when an overlap has to compare it. Most
 * candidates are then never looked at twice: measured with callgrind,
 * context windows were a third of the engine's instructions on support
 * mail, where names are everywhere.
 */
#include <stdlib.h>

#include "engine/engine_internal.h"

/* push - append a candidate (sticky ENOMEM) */
static cand *push(pg_scratch *s)
{
    if (pg_array_grow((void **)&s->cands, &s->cap_cands, s->n_cands + 1,
                      sizeof(*s->cands)) < 0) {
        s->err = PG_ENOMEM;
        return NULL;
    }
    return &s->cands[s->n_cands++];
}

/* set_context - look up context words and add the boost */
static void set_context(const scan_ctx *ctx, cand *c, unsigned nc, const uint16_t *ids)
{
    c->n_context = (uint8_t)nc;
    for (unsigned k = 0; k < nc; k++)
        c->context[k] = ids[k];
    if (nc)
        c->score = c->score + CONTEXT_BOOST > 1.0f ? 1.0f : c->score + CONTEXT_BOOST;
    c->ctx_pending = false;
    (void)ctx;
}

/* finish - complete a candidate whose context lookup was deferred */
static void finish(const scan_ctx *ctx, cand *c)
{
    uint16_t ids[PG_FINDING_MAX_CONTEXT];

    if (c->ctx_pending)
        set_context(ctx, c, engine_context(ctx, c->entity, c->start, c->end, ids), ids);
}

/* engine_emit - offer one candidate */
void engine_emit(scan_ctx *ctx, pg_entity entity, size_t start, size_t end,
                 float base, bool validated, unsigned flags)
{
    pg_scratch *s = ctx->scratch;
    uint16_t ids[PG_FINDING_MAX_CONTEXT];
    const pg_engine_opts *o = &ctx->engine->opts;
    cand *c;

    if (s->err || (o->entities && !(o->entities & (1ull << entity))))
        return;
    if (base >= o->min_score && !(flags & RF_NEEDS_CONTEXT)) {
        if ((c = push(s)))
            *c = (cand){entity, (uint32_t)start, (uint32_t)end, base, validated, true, 0, {0}};
        return;
    }
    unsigned nc = engine_context(ctx, entity, start, end, ids);
    if ((flags & RF_NEEDS_CONTEXT) && nc == 0)
        return;
    if (base + (nc ? CONTEXT_BOOST : 0.0f) < o->min_score || !(c = push(s)))
        return;
    *c = (cand){entity, (uint32_t)start, (uint32_t)end, base, validated, false, 0, {0}};
    set_context(ctx, c, nc, ids);
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

/* resolve - keep the best of each group of overlapping candidates, in
 * place; a comparison first finishes both sides */
static size_t resolve(const scan_ctx *ctx, cand *c, size_t n)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        if (out && c[i].start < c[out - 1].end) {
            finish(ctx, &c[i]);
            finish(ctx, &c[out - 1]);
            if (better(&c[i], &c[out - 1]))
                c[out - 1] = c[i];
            continue;
        }
        c[out++] = c[i];
    }
    return out;
}

/* map_forward - engine_map_offset() for offsets asked in rising order:
 * the shift list (sorted by norm_off, see engine_internal.h) is walked on
 * from *k, where the previous offset left it, instead of searched anew.
 * The delivered findings do not overlap, so start, end, next start... rise;
 * an offset behind the cursor (never seen) is searched for as before. */
static size_t map_forward(const pg_scratch *s, size_t *k, size_t norm_off)
{
    if (*k > 0 && s->shifts[*k - 1].norm_off > norm_off)
        return engine_map_offset(s, norm_off);
    while (*k < s->n_shifts && s->shifts[*k].norm_off <= norm_off)
        (*k)++;
    return *k == 0 ? norm_off : (size_t)((int64_t)norm_off + s->shifts[*k - 1].delta);
}

/* engine_deliver - resolve, map back, hand each finding to the caller */
int engine_deliver(scan_ctx *ctx, const char *orig, pg_finding_cb cb, void *payload)
{
    pg_scratch *s = ctx->scratch;
    int rc;

    (void)orig;
    engine_end_run(s);
    if ((rc = engine_sort_cands(s, s->run_end, s->n_runs)) < 0)
        return rc;
    size_t n = resolve(ctx, s->cands, s->n_cands), at = 0;

    for (size_t i = 0; i < n; i++) {
        cand *c = &s->cands[i];
        finish(ctx, c);
        pg_finding f = {
            .entity = c->entity,
            .start = map_forward(s, &at, c->start),
            .end = map_forward(s, &at, c->end),
            .score = c->score,
            .validated = c->validated,
            .n_context = c->n_context,
        };
        for (unsigned k = 0; k < c->n_context; k++)
            f.context[k] = c->context[k];
        if ((rc = cb(&f, payload)))
            return rc;
    }
    return 0;
}
