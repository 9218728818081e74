/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_context.c - context words as the engine finds them (context.c and
 * context_scan.c, searched in place with bit masks) equal a plain
 * reference of the rule: a lower-cased copy of the window, the candidate
 * blanked, zeros after it, its first 64 word starts listed, each keyword
 * compared at each start. Random texts full of keywords, in mixed case
 * and next to non-ASCII bytes, around random candidate spans, with
 * several window sizes, at every instruction-set level this CPU has; and
 * each vector form of the start finder equals the scalar one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/context_scan.h"
#include "piiguard/pg_engine.h"

/* ---- the reference ------------------------------------------------------ */

/* A window as the old code built it. */
typedef struct ref_window {
    unsigned char buf[CTX_WINDOW_CAP + 64];
    size_t n;
    size_t starts[CTX_MAX_STARTS];
    size_t nstarts;
} ref_window;

static bool ref_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ref_build - copy [from, to) lower-cased, blank [bfrom, bto) of it, list
 * the first 64 word starts */
static void ref_build(const char *s, size_t from, size_t to, size_t bfrom, size_t bto,
                      ref_window *w)
{
    w->n = to - from > CTX_WINDOW_CAP ? CTX_WINDOW_CAP : to - from;
    memset(w->buf, 0, sizeof(w->buf));
    for (size_t i = 0; i < w->n; i++) {
        unsigned char c = (unsigned char)s[from + i];
        w->buf[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        if (i >= bfrom && i < bto)
            w->buf[i] = ' ';
    }
    w->nstarts = 0;
    for (size_t i = 0; i < w->n && w->nstarts < CTX_MAX_STARTS; i++)
        if (ref_alnum(w->buf[i]) && (i == 0 || !ref_alnum(w->buf[i - 1])))
            w->starts[w->nstarts++] = i;
}

static bool ref_word_in(const ref_window *w, const char *kw)
{
    size_t len = strlen(kw);

    if (!(kw[0] >= 'a' && kw[0] <= 'z'))
        return false;
    for (size_t j = 0; j < w->nstarts; j++) {
        const unsigned char *p = w->buf + w->starts[j];
        if (memcmp(p, kw, len) == 0 && !ref_alnum(p[len]))
            return true;
    }
    return false;
}

/* ref_lookup - the entity's words found, in list order, at most 4 */
static unsigned ref_lookup(const ref_window *w, pg_entity e, uint16_t *ids)
{
    unsigned n = 0;

    for (unsigned k = 0; pg_context_word((uint16_t)(e * 64 + k)) && n < PG_FINDING_MAX_CONTEXT;
         k++)
        if (ref_word_in(w, pg_context_word((uint16_t)(e * 64 + k))))
            ids[n++] = (uint16_t)(e * 64 + k);
    return n;
}

/* ---- random texts --------------------------------------------------------- */

static unsigned rnd(unsigned *seed, unsigned below)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % below;
}

static const char *const filler[] = {
    " ", " ", " ", "  ", "\n", ".", ",", "#", "-", "'", ":", "/", "0", "12", "1990",
    "x", "a", "of", "the", "da", "date", "b", "bi", "birt", "births", "ssn2", "2ssn",
    "\xc3\xa9", "\xc3\x89", "\xe2\x80\x94", "\xc3\xb8", "Z", "q", "_ssn", "ss", "account",
};

/* random_word - a context word of any entity, or filler */
static const char *random_word(unsigned *seed)
{
    if (rnd(seed, 2)) {
        for (int tries = 0; tries < 8; tries++) {
            const char *w = pg_context_word((uint16_t)(rnd(seed, PG_ENT_COUNT) * 64 + rnd(seed, 12)));
            if (w)
                return w;
        }
    }
    return filler[rnd(seed, sizeof(filler) / sizeof(filler[0]))];
}

/* fill_text - n bytes of words, upper-cased at random, a separator after
 * most (not all: keywords glued to words must not count) */
static void fill_text(char *t, size_t n, unsigned *seed)
{
    size_t o = 0;

    while (o < n) {
        const char *w = random_word(seed);
        unsigned mode = rnd(seed, 4);
        for (size_t k = 0; w[k] && o < n; k++) {
            char c = w[k];
            if (c >= 'a' && c <= 'z' && (mode == 0 || (mode == 1 && rnd(seed, 2))))
                c = (char)(c - 32);
            t[o++] = c;
        }
        if (o < n && rnd(seed, 5))
            t[o++] = " \n,.:"[rnd(seed, 5)];
    }
}

/* ---- the comparisons ------------------------------------------------------ */

typedef struct fixture {
    pg_engine *e;
    pg_scratch *s;
    size_t window;
} fixture;

static void fixture_new(fixture *f, const char *isa, uint32_t window)
{
    pg_engine_opts o;

    pg_engine_opts_init(&o);
    o.context_window = window;
    setenv("PIIGUARD_ISA", isa, 1);
    assert_int_equal(pg_engine_new(&f->e, &o), 0);
    unsetenv("PIIGUARD_ISA");
    assert_int_equal(pg_scratch_new(&f->s, f->e), 0);
    f->window = window;
}

static void fixture_free(fixture *f)
{
    pg_scratch_free(f->s);
    pg_engine_free(f->e);
}

static void same_ids(unsigned na, const uint16_t *a, unsigned nb, const uint16_t *b,
                     size_t start, size_t end)
{
    if (na != nb || memcmp(a, b, na * sizeof(*a)) != 0)
        fail_msg("context differs for [%zu, %zu): %u vs %u ids", start, end, na, nb);
}

/* own_window - a candidate outside any cluster: its window blanks it */
static void own_window(const fixture *f, const char *t, size_t n, size_t start, size_t end,
                       pg_entity e)
{
    scan_ctx ctx = {f->e, f->s, t, n, 0, 0, f->s->win, false, 0, 0};
    size_t from = start > f->window ? start - f->window : 0;
    size_t to = end + f->window < n ? end + f->window : n;
    uint16_t a[PG_FINDING_MAX_CONTEXT], b[PG_FINDING_MAX_CONTEXT];
    ref_window *w = malloc(sizeof(*w));

    assert_non_null(w);
    ref_build(t, from, to, start - from, end - from, w);
    unsigned na = ref_lookup(w, e, a);
    same_ids(na, a, engine_context(&ctx, e, start, end, b), b, start, end);
    free(w);
}

/* cluster_window - candidates inside a cluster share its window, which
 * blanks nothing and reaches past the cluster's end; asked twice (memo) */
static void cluster_window(const fixture *f, const char *t, size_t n, size_t us, size_t ue,
                           pg_entity e1, pg_entity e2)
{
    scan_ctx ctx = {f->e, f->s, t, n, us, ue, f->s->win, false, 0, 0};
    size_t from = us > f->window ? us - f->window : 0;
    size_t to = ue + f->window < n ? ue + f->window : n;
    uint16_t a[PG_FINDING_MAX_CONTEXT], b[PG_FINDING_MAX_CONTEXT];
    ref_window *w = malloc(sizeof(*w));
    const pg_entity es[] = {e1, e2, e1};

    assert_non_null(w);
    ref_build(t, from, to, 0, 0, w);
    for (size_t k = 0; k < 3; k++) {
        unsigned na = ref_lookup(w, es[k], a);
        same_ids(na, a, engine_context(&ctx, es[k], us + k % 2, ue, b), b, us, ue);
    }
    free(w);
}

/* words_near - any of a list in [from, to), unblanked */
static void words_near(const fixture *f, const char *t, size_t n, size_t from, size_t to)
{
    static const char *const words[] = {"phone", "tel", "v", "ver", "date of birth",
                                        "t\xc3\xa9l\xc3\xa9phone", "account #", "ss#", NULL};
    scan_ctx ctx = {f->e, f->s, t, n, 0, 0, f->s->win, false, 0, 0};
    ref_window *w = malloc(sizeof(*w));
    bool want = false;

    assert_non_null(w);
    ref_build(t, from, to, 0, 0, w);
    for (size_t k = 0; words[k]; k++)
        want |= ref_word_in(w, words[k]);
    if (engine_words_near(&ctx, from, to, words) != want)
        fail_msg("words_near differs for [%zu, %zu)", from, to);
    free(w);
}

/* compare_level - many random texts and spans at one level */
static void compare_level(const char *isa)
{
    static const uint32_t windows[] = {0, 5, 16, 40, 64, 256};

    for (size_t wi = 0; wi < sizeof(windows) / sizeof(windows[0]); wi++) {
        fixture f;
        unsigned seed = 11 + (unsigned)wi;
        fixture_new(&f, isa, windows[wi]);
        for (int round = 0; round < 60; round++) {
            size_t n = 1 + rnd(&seed, 1800);
            char *t = malloc(n); /* exactly n: ASan sees any read past it */
            assert_non_null(t);
            fill_text(t, n, &seed);
            for (int q = 0; q < 200; q++) {
                size_t start = rnd(&seed, (unsigned)n);
                size_t end = start + 1 + rnd(&seed, 170);
                pg_entity e = (pg_entity)rnd(&seed, PG_ENT_COUNT);
                if (end > n)
                    end = n;
                own_window(&f, t, n, start, end, e);
                cluster_window(&f, t, n, start, end, e, (pg_entity)rnd(&seed, PG_ENT_COUNT));
                words_near(&f, t, n, start, end);
                words_near(&f, t, n, start > 24 ? start - 24 : 0, start);
            }
            free(t);
        }
        fixture_free(&f);
    }
}

static void test_context_equals_reference(void **state)
{
    static const char *const isas[] = {"scalar", "sse2", "avx2", "avx512"};

    (void)state;
    for (unsigned k = 0; k <= engine_cpu_isa() && k < 4; k++)
        compare_level(isas[k]);
}

/* Keywords at the very edges of the window and next to the candidate. */
static void test_context_edges(void **state)
{
    fixture f;
    const char *t = "dob 01/02/1990xborn";
    uint16_t ids[PG_FINDING_MAX_CONTEXT];

    (void)state;
    fixture_new(&f, "avx512", 4);
    scan_ctx ctx = {f.e, f.s, t, strlen(t), 0, 0, f.s->win, false, 0, 0};
    /* [4, 14) blanked: "dob" is a word; the window ends in "xbor" */
    unsigned n = engine_context(&ctx, PG_ENT_DATE_OF_BIRTH, 4, 14, ids);
    assert_int_equal(n, 1);
    assert_string_equal(pg_context_word(ids[0]), "dob");
    /* [4, 15) blanks the 'x' too: "born" starts a word after the blank
     * and ends at the window's end */
    n = engine_context(&ctx, PG_ENT_DATE_OF_BIRTH, 4, 15, ids);
    assert_int_equal(n, 2);
    assert_string_equal(pg_context_word(ids[1]), "born");
    fixture_free(&f);
}

/* A keyword counts only at one of the window's first 64 word starts,
 * wherever the block boundaries fall. */
static void test_context_64_words(void **state)
{
    static const char *const isas[] = {"scalar", "sse2", "avx2", "avx512"};
    char t[700];

    (void)state;
    for (unsigned k = 0; k <= engine_cpu_isa() && k < 4; k++) {
        fixture f;
        fixture_new(&f, isas[k], 256);
        for (size_t words = 60; words < 68; words++)
            for (size_t pad = 0; pad < 3; pad++) {
                size_t o = 0;
                for (size_t w = 0; w < words; w++) {
                    memcpy(t + o, w < pad ? "x  " : "x ", w < pad ? 3 : 2);
                    o += w < pad ? 3 : 2;
                }
                memcpy(t + o, "Born 1/2/1990", 13);
                o += 13;
                scan_ctx ctx = {f.e, f.s, t, o, o - 8, o, f.s->win, false, 0, 0};
                uint16_t ids[PG_FINDING_MAX_CONTEXT];
                unsigned n = engine_context(&ctx, PG_ENT_DATE_OF_BIRTH, o - 8, o, ids);
                assert_int_equal(n, words < 64 ? 1 : 0);
            }
        fixture_free(&f);
    }
}

/* ---- the start finders ----------------------------------------------------- */

/* fill_bytes - n bytes of any value: '@', '`' and '[' to DEL lower-case
 * (| 0x20) to the bytes next to the letters, which the wide forms' table
 * lookups must not take for letters */
static void fill_bytes(char *t, size_t n, unsigned *seed)
{
    for (size_t i = 0; i < n; i++)
        t[i] = (char)(rnd(seed, 4) ? 0x40 + rnd(seed, 0x40) : rnd(seed, 256));
}

/* Each vector form equals the scalar one on random text and random
 * bytes, for every window length, blank range, letter set (all 26
 * letters among them) and second-byte set (all bytes among them). */
static void test_starts_forms_equal_scalar(void **state)
{
    enum { N = CTX_WINDOW_CAP + 64 };
    char *buf = malloc(N);
    unsigned seed = 3;
    ctx_starts_fn scalar = ctx_starts_for(ENGINE_ISA_SCALAR);

    (void)state;
    assert_non_null(buf);
    for (int round = 0; round < 3000; round++) {
        if (round % 2)
            fill_bytes(buf, N, &seed);
        else
            fill_text(buf, N, &seed);
        size_t n = 1 + rnd(&seed, CTX_WINDOW_CAP);
        size_t bf = rnd(&seed, (unsigned)n + 10), bt = bf + rnd(&seed, 200);
        uint32_t letters = round % 7 == 0 ? (1u << 26) - 1
                                          : (uint32_t)rnd(&seed, 1u << 26) &
                                                (uint32_t)rnd(&seed, 1u << 26);
        uint8_t second[16];
        for (size_t i = 0; i < sizeof(second); i++)
            second[i] = round % 5 == 0 ? 0xFF : (uint8_t)(rnd(&seed, 256) & rnd(&seed, 256));
        ctx_query q = {buf, n, n + rnd(&seed, (unsigned)(N - n + 1)), bf, bt, letters, second};
        uint64_t a[CTX_WINDOW_BLOCKS], b[CTX_WINDOW_BLOCKS];
        size_t na = scalar(&q, a);
        for (unsigned isa = ENGINE_ISA_SSE2; isa <= engine_cpu_isa(); isa++) {
            size_t nb = ctx_starts_for(isa)(&q, b);
            assert_int_equal(na, nb);
            assert_memory_equal(a, b, na * sizeof(*a));
        }
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_context_equals_reference),
        cmocka_unit_test(test_context_edges),
        cmocka_unit_test(test_context_64_words),
        cmocka_unit_test(test_starts_forms_equal_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
