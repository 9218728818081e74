/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_word_lits.c - the word pass's literal finder (word_lits.c) against
 * its references: every vector form of the filter equals the scalar rule
 * bit for bit, at every block position and tail length; and at every
 * instruction-set level, lit_scan() reports exactly what Vectorscan
 * reports for the same literals, less the hits inside words that no
 * recognizer would take.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/word_lits.h"
#include "engine/words.h"

static unsigned next(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

/* Filler between the literals: letters, digits, punctuation, UTF-8. */
static const unsigned char filler[] = {
    'a', 'e', 'n', 'r', 's', 't', 'x', 'P', 'T', 'M', '0', '7', ' ', ' ', ' ', '\n',
    '-', '.', ',', ':', '_', '\'', 0x00, 0x80, 0xC3, 0xB1, 0xFF,
};

/* fill - random text full of the literals, their prefixes and near
 * misses, in random case, at word starts and inside words */
static void fill(unsigned char *buf, size_t n, unsigned *seed)
{
    size_t i = 0;

    while (i < n) {
        unsigned r = next(seed) % 8;
        if (r < 3) {
            const word_pattern *w = &engine_word_patterns[next(seed) % engine_n_word_patterns];
            size_t len = r == 0 ? 1 + next(seed) % w->len : w->len;
            for (size_t k = 0; k < len && i < n; k++) {
                unsigned char c = (unsigned char)w->pattern[k];
                if (is_alpha(c) && next(seed) % 4 == 0)
                    c ^= 0x20;
                buf[i++] = c;
            }
        } else {
            buf[i++] = filler[next(seed) % sizeof(filler)];
        }
    }
}

/* compare_filters - form f against the rule over the blocks from base */
static void compare_filters(const lit_index *ix, lit_filter_fn f, const unsigned char *buf,
                            size_t n, size_t base, size_t max)
{
    uint64_t a[8], b[8];
    size_t na = lit_filter_for(ENGINE_ISA_SCALAR)(ix, (const char *)buf, n, base, a, max);
    size_t nb = f(ix, (const char *)buf, n, base, b, max);

    assert_int_equal(na, nb);
    for (size_t j = 0; j < na; j++)
        if (a[j] != b[j])
            fail_msg("filter differs at base %zu of %zu", base + 64 * j, n);
}

static void test_filters_equal_scalar(void **state)
{
    (void)state;
    enum { N = 4096 + 66 };
    unsigned char *buf = malloc(N);
    lit_index *ix = malloc(sizeof(*ix));
    unsigned seed = 11, top = engine_cpu_isa();

    assert_non_null(buf);
    assert_non_null(ix);
    assert_int_equal(lit_index_build(ix), 0);
    for (int round = 0; round < 40; round++) {
        fill(buf, N, &seed);
        for (unsigned isa = ENGINE_ISA_AVX2; isa <= top; isa++) {
            lit_filter_fn f = lit_filter_for(isa);
            for (size_t n = N - 70; n <= N; n++)
                for (size_t base = n > 300 ? n - 300 : 0; base < n; base += 64)
                    compare_filters(ix, f, buf, n, base, 1 + (base / 64) % 8);
            for (size_t base = 0; base + 64 <= N; base += 37)
                compare_filters(ix, f, buf, N, base, 8);
        }
    }
    free(ix);
    free(buf);
}

/* The hits of one scan, as (start, id, end) triples. */
typedef struct hits {
    size_t n;
    size_t v[3 * 4096];
    const char *text;
} hits;

static int add_hit(hits *h, unsigned id, size_t start, size_t end)
{
    assert_true(h->n < 4096);
    h->v[3 * h->n] = start;
    h->v[3 * h->n + 1] = id;
    h->v[3 * h->n + 2] = end;
    h->n++;
    return 0;
}

static int on_lit(void *payload, unsigned id, size_t start, size_t end)
{
    return add_hit(payload, id, start, end);
}

/* on_hs - Vectorscan's hits, less those no recognizer takes: inside a
 * word, for a kind looked for at word starts only */
static int on_hs(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                 void *payload)
{
    hits *h = payload;
    size_t start = (size_t)to - engine_word_patterns[id].len;

    (void)from;
    (void)flags;
    if (start > 0 && is_alnum((unsigned char)h->text[start - 1]) &&
        !word_kind_anywhere(engine_word_patterns[id].kind))
        return 0;
    return add_hit(h, id, start, (size_t)to);
}

static int by_start(const void *pa, const void *pb)
{
    const size_t *a = pa, *b = pb;

    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* hs_literals - the literals as one Vectorscan database, as words.c
 * builds it below AVX2 */
static hs_database_t *hs_literals(void)
{
    unsigned n = engine_n_word_patterns;
    const char *pats[256];
    unsigned flags[256], ids[256];
    size_t lens[256];
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;

    assert_true(n <= 256);
    for (unsigned i = 0; i < n; i++) {
        pats[i] = engine_word_patterns[i].pattern;
        flags[i] = engine_word_patterns[i].flags;
        lens[i] = engine_word_patterns[i].len;
        ids[i] = i;
    }
    assert_int_equal(hs_compile_lit_multi(pats, flags, ids, lens, n, HS_MODE_BLOCK, NULL, &db,
                                          &err), HS_SUCCESS);
    return db;
}

static void test_scan_equals_vectorscan(void **state)
{
    (void)state;
    enum { N = 6000 };
    unsigned char *buf = malloc(N);
    hits *want = malloc(sizeof(*want)), *got = malloc(sizeof(*got));
    lit_index *ix = malloc(sizeof(*ix));
    hs_database_t *db = hs_literals();
    hs_scratch_t *scratch = NULL;
    unsigned seed = 5, top = engine_cpu_isa();
    size_t total = 0;

    assert_non_null(buf);
    assert_non_null(want);
    assert_non_null(got);
    assert_non_null(ix);
    assert_int_equal(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
    assert_int_equal(lit_index_build(ix), 0);
    for (int round = 0; round < 60; round++) {
        size_t n = N - (size_t)round * 7; /* every tail length mod 64, near enough */
        fill(buf, n, &seed);
        want->n = 0;
        want->text = (const char *)buf;
        assert_int_equal(hs_scan(db, (const char *)buf, (unsigned)n, 0, scratch, on_hs, want),
                         HS_SUCCESS);
        qsort(want->v, want->n, 3 * sizeof(size_t), by_start);
        total += want->n;
        for (unsigned isa = ENGINE_ISA_SCALAR; isa <= top; isa++) {
            if (isa == ENGINE_ISA_SSE2)
                continue; /* the same filter as scalar */
            got->n = 0;
            assert_int_equal(lit_scan(ix, isa, (const char *)buf, n, on_lit, got), 0);
            if (got->n != want->n)
                fail_msg("isa %u, round %d: %zu literals, Vectorscan %zu", isa, round, got->n,
                         want->n);
            assert_memory_equal(got->v, want->v, 3 * want->n * sizeof(size_t));
        }
    }
    assert_true(total > 60 * 100); /* the text did hold literals */
    hs_free_scratch(scratch);
    hs_free_database(db);
    free(ix);
    free(got);
    free(want);
    free(buf);
}

/* A literal at the very start and the very end of the view, and one cut
 * off by the end. */
static void test_edges(void **state)
{
    (void)state;
    lit_index *ix = malloc(sizeof(*ix));
    hits *got = malloc(sizeof(*got));
    const char *text = "Dear Ann, the password: x\nRegards,";

    assert_non_null(ix);
    assert_non_null(got);
    assert_int_equal(lit_index_build(ix), 0);
    for (unsigned isa = ENGINE_ISA_SCALAR; isa <= engine_cpu_isa(); isa++) {
        got->n = 0;
        assert_int_equal(lit_scan(ix, isa, text, strlen(text), on_lit, got), 0);
        assert_int_equal(got->n, 3);
        assert_int_equal(got->v[0], 0);
        assert_int_equal(got->v[3 * 2 + 2], strlen(text));
        got->n = 0;
        assert_int_equal(lit_scan(ix, isa, text, strlen(text) - 1, on_lit, got), 0);
        assert_int_equal(got->n, 2);
    }
    free(got);
    free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filters_equal_scalar),
        cmocka_unit_test(test_scan_equals_vectorscan),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
