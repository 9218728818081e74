/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine.c - compile once, scan many: the engine and scratch lifecycles
 * and pg_engine_scan itself.
 *
 * The engine is immutable after pg_engine_new(), so threads share it
 * freely. All per-scan state lives in pg_scratch; its buffers grow to the
 * largest input a thread has seen and are then reused, so steady-state
 * scanning does not allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

/* pg_engine_opts_init - defaults: every entity, the recommended threshold */
void pg_engine_opts_init(pg_engine_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->min_score = PG_ENGINE_DEFAULT_MIN_SCORE;
    opts->context_window = 64;
}

/* pg_engine_new - compile an engine from options */
int pg_engine_new(pg_engine **out, const pg_engine_opts *opts)
{
    pg_engine *e = calloc(1, sizeof(*e));
    int rc;

    if (!e)
        return PG_ENOMEM;
    if (opts)
        e->opts = *opts;
    else
        pg_engine_opts_init(&e->opts);
    e->isa = engine_cpu_isa();
    engine_context_index(e);
    if (e->opts.context_window > PG_MAX_CONTEXT_WINDOW ||
        e->opts.min_score < 0.0f || e->opts.min_score > 1.0f) {
        free(e);
        return pg_error_set(PG_EINVAL, "context_window must be 0..%d and min_score 0..1",
                            PG_MAX_CONTEXT_WINDOW);
    }
    if ((rc = engine_words_compile(e)) < 0 || (rc = engine_names_index(e)) < 0) {
        pg_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

/* pg_engine_free - free an engine no scratch still uses */
void pg_engine_free(pg_engine *engine)
{
    if (!engine)
        return;
    hs_free_database(engine->words);
    free(engine->lits);
    free(engine->name_slots);
    free(engine);
}

/* pg_scratch_new - per-thread scratch for one engine */
int pg_scratch_new(pg_scratch **out, const pg_engine *engine)
{
    pg_scratch *s = calloc(1, sizeof(*s));

    if (!s)
        return PG_ENOMEM;
    s->engine = engine;
    if (!(s->win = engine_window_new())) {
        free(s);
        return PG_ENOMEM;
    }
    if (engine->words && hs_alloc_scratch(engine->words, &s->hs) != HS_SUCCESS) {
        free(s->win);
        free(s);
        return PG_ENOMEM;
    }
    *out = s;
    return 0;
}

/* pg_scratch_free - free scratch */
void pg_scratch_free(pg_scratch *scratch)
{
    if (!scratch)
        return;
    hs_free_scratch(scratch->hs);
    free(scratch->norm);
    free(scratch->shifts);
    free(scratch->cands);
    free(scratch->sort_tmp);
    free(scratch->hits);
    free(scratch->win);
    free(scratch);
}

/* engine_scan_begin - reset the scratch and build buf's view into ctx */
int engine_scan_begin(scan_ctx *ctx, const pg_engine *engine, pg_scratch *scratch,
                      const char *buf, size_t len)
{
    *ctx = (scan_ctx){engine, scratch, NULL, 0, 0, 0, scratch->win, false, 0, 0};
    if (len > UINT32_MAX)
        return pg_error_set(PG_ETOOBIG, "one scan is limited to 4 GiB; use a stream");
    scratch->n_cands = 0;
    scratch->n_hits = 0;
    scratch->err = 0;
    scratch->n_runs = 0;
    return engine_normalize(scratch, buf, len, &ctx->s, &ctx->n);
}

/* pg_engine_scan - every finding in one buffer, in start order */
int pg_engine_scan(const pg_engine *engine, pg_scratch *scratch,
                   const char *buf, size_t len, pg_finding_cb cb, void *payload)
{
    scan_ctx ctx;
    int rc;

    if ((rc = engine_scan_begin(&ctx, engine, scratch, buf, len)) < 0)
        return rc;
    engine_sweep(&ctx);
    engine_end_run(scratch);
    if ((rc = engine_words_scan(&ctx)) < 0)
        return rc;
    if (scratch->err)
        return scratch->err;
    return engine_deliver(&ctx, buf, cb, payload);
}
