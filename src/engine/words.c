/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * words.c - the word pass: entities that start with a word, not a digit
 * (key blocks, API tokens, passwords, PINs, BICs, names).
 *
 * Every trigger is a pure literal. A hit only *triggers* a recognizer in
 * recog_words.c, which reads the bytes after the trigger itself; every
 * literal has a known length, so start = end - length.
 *
 * Two finders, one answer. On CPUs with AVX2, word_lits.c looks for the
 * literals at word starts only, from bit masks (the recognizers drop
 * hits inside words anyway): twice as fast as Vectorscan on the bench
 * corpus. Below AVX2, Vectorscan's literal matchers (hs_compile_lit_multi)
 * find them everywhere. tests/engine/test_word_lits.c holds the first to
 * the second's answers.
 *
 * Every trigger is at least four bytes: measured with callgrind on the
 * bench corpus, literals of two or three bytes ("pin", "Mr ") tripled
 * Vectorscan's cost through false confirmations, so short words are
 * spelled with the punctuation that follows them ("PIN:", "Mr. ").
 * Context words are not in this table for the same reason: they are
 * looked up lazily, per cluster, in context.c.
 *
 * Given names are not literals here either: 3,600 of them made the pass
 * five times dearer (callgrind, 10 MB of the bench corpus). After the
 * literals, recog_person_sweep() visits each capitalised word once and
 * looks it up in the hashed dictionary of names.c instead.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "engine/word_lits.h"
#include "engine/words.h"

#define L(p, k) {p, 0, k, sizeof(p) - 1}
#define LC(p, k) {p, HS_FLAG_CASELESS, k, sizeof(p) - 1}

const word_pattern engine_word_patterns[] = {
    L("-----BEGIN ", W_KEY_BLOCK),
    L("AKIA", W_TOKEN_AWS),
    L("ASIA", W_TOKEN_AWS),
    L("ghp_", W_TOKEN_GITHUB), L("gho_", W_TOKEN_GITHUB), L("ghu_", W_TOKEN_GITHUB),
    L("ghs_", W_TOKEN_GITHUB), L("ghr_", W_TOKEN_GITHUB),
    L("github_pat_", W_TOKEN_GITHUB_PAT),
    L("xoxb-", W_TOKEN_SLACK), L("xoxp-", W_TOKEN_SLACK), L("xoxa-", W_TOKEN_SLACK),
    L("xoxs-", W_TOKEN_SLACK), L("xoxr-", W_TOKEN_SLACK),
    L("sk_live_", W_TOKEN_STRIPE), L("rk_live_", W_TOKEN_STRIPE),
    L("sk_test_", W_TOKEN_STRIPE),
    L("AIza", W_TOKEN_GOOGLE),
    L("glpat-", W_TOKEN_GITLAB),
    L("npm_", W_TOKEN_NPM),
    L("eyJhbGci", W_TOKEN_JWT), L("eyJ0eXAi", W_TOKEN_JWT), L("eyJraWQi", W_TOKEN_JWT),
    LC("password", W_PASSWORD), LC("passwd", W_PASSWORD), LC("passcode", W_PASSWORD),
    LC("pwd:", W_PASSWORD), LC("pwd=", W_PASSWORD), LC("passwort", W_PASSWORD),
    LC("contrase\xc3\xb1" "a", W_PASSWORD),
    L("PIN ", W_PIN), L("PIN:", W_PIN), L("PIN#", W_PIN), L("Pin:", W_PIN), L("Pin ", W_PIN),
    L("pin:", W_PIN), L("pin ", W_PIN), L("PIN-", W_PIN),
    LC("swift", W_SWIFT), L("BIC ", W_SWIFT), L("BIC:", W_SWIFT), L("bic:", W_SWIFT),
    L("Dear ", W_SALUTATION), L("\nHi ", W_SALUTATION), L("Hello ", W_SALUTATION),
    L("Mr. ", W_TITLE), L("Mrs. ", W_TITLE), L("Ms. ", W_TITLE), L("Dr. ", W_TITLE),
    L("Mrs ", W_TITLE), L("Miss ", W_TITLE),
    LC("name is ", W_NAME_IS), LC("name: ", W_NAME_FIELD), LC("full name", W_NAME_FIELD),
    LC("my name's ", W_NAME_IS), L("I'm ", W_NAME_IS),
    L("Regards,", W_SIGNOFF), L("regards,", W_SIGNOFF), L("Sincerely,", W_SIGNOFF),
    L("Thanks,", W_SIGNOFF), L("Thank you,", W_SIGNOFF), L("Best,", W_SIGNOFF),
    L("Cheers,", W_SIGNOFF), L("Kind regards", W_SIGNOFF), L("Best wishes,", W_SIGNOFF),
};
const unsigned engine_n_word_patterns =
    sizeof(engine_word_patterns) / sizeof(engine_word_patterns[0]);

static int words_hs_compile(pg_engine *engine);

/* engine_words_compile - index the literals once: for word_lits.c on
 * CPUs with AVX2, else as a Vectorscan database */
int engine_words_compile(pg_engine *engine)
{
    if (engine->isa >= ENGINE_ISA_AVX2) {
        if (!(engine->lits = malloc(sizeof(*engine->lits))))
            return PG_ENOMEM;
        return lit_index_build(engine->lits);
    }
    return words_hs_compile(engine);
}

/* words_hs_compile - the Vectorscan database of the literals */
static int words_hs_compile(pg_engine *engine)
{
    hs_compile_error_t *cerr = NULL;
    unsigned n = engine_n_word_patterns;
    const char **pats = calloc(n, sizeof(*pats));
    unsigned *flags = calloc(n, sizeof(*flags)), *ids = calloc(n, sizeof(*ids));
    size_t *lens = calloc(n, sizeof(*lens));
    int rc = 0;

    if (!pats || !flags || !ids || !lens) {
        rc = PG_ENOMEM;
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        pats[i] = engine_word_patterns[i].pattern;
        flags[i] = engine_word_patterns[i].flags;
        lens[i] = engine_word_patterns[i].len;
        ids[i] = i;
    }
    if (hs_compile_lit_multi(pats, flags, ids, lens, n, HS_MODE_BLOCK, NULL,
                             &engine->words, &cerr) != HS_SUCCESS) {
        rc = pg_error_set(PG_EINTERNAL, "literal %d: %s", cerr ? cerr->expression : -1,
                          cerr ? cerr->message : "unknown");
        hs_free_compile_error(cerr);
    }
out:
    free(pats);
    free(flags);
    free(ids);
    free(lens);
    return rc;
}

/* on_literal - one literal found: run its recognizer at once */
static int on_literal(void *payload, unsigned id, size_t start, size_t end)
{
    scan_ctx *ctx = payload;
    word_hit h = {id, (uint32_t)start, (uint32_t)end};

    recog_word_hit(ctx, &h);
    return ctx->scratch->err ? 1 : 0;
}

/* on_hs_hit - the same, as Vectorscan's callback */
static int on_hs_hit(unsigned id, unsigned long long from, unsigned long long to,
                     unsigned hs_flags, void *payload)
{
    (void)from;
    (void)hs_flags;
    return on_literal(payload, id, (size_t)(to - engine_word_patterns[id].len), (size_t)to);
}

/* engine_words_find - find the literals in the view and run their
 * recognizers */
int engine_words_find(scan_ctx *ctx)
{
    const pg_engine *engine = ctx->engine;

    if (ctx->n == 0)
        return 0;
    if (engine->lits) {
        lit_scan(engine->lits, engine->isa, ctx->s, ctx->n, on_literal, ctx);
    } else if (engine->words) {
        hs_error_t e = hs_scan(engine->words, ctx->s, (unsigned)ctx->n, 0, ctx->scratch->hs,
                               on_hs_hit, ctx);
        if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
            return pg_error_set(PG_EINTERNAL, "hyperscan scan failed (%d)", e);
    }
    return ctx->scratch->err;
}

/* engine_words_scan - the literals, then the names */
int engine_words_scan(scan_ctx *ctx)
{
    int rc = engine_words_find(ctx);

    if (rc < 0 || ctx->n == 0)
        return rc;
    engine_end_run(ctx->scratch); /* the name sweep's run ends in engine_deliver() */
    if (!ctx->scratch->err)
        recog_person_sweep(ctx);
    return ctx->scratch->err;
}
