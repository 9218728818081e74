/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_name_sweep.c - every vector form of the name sweep's block
 * classifier this CPU can run equals the scalar rule, bit for bit, on
 * random bytes, at every block position and every tail length; and the
 * whole engine finds the same names at every instruction-set level.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/name_sweep.h"
#include "piiguard/pg_engine.h"

/* Bytes that matter to the classes, and some that do not. */
static const unsigned char alphabet[] = {
    'A', 'Z', 'a', 'z', 'M', 'q', '0', '9', '5', '-', ' ', '\n', '@', '[', '`', '{',
    '/', ':', 0x00, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xC9, 0xD0, 0xD1, 0xE2, 0xFF, '_',
};

static void fill(unsigned char *buf, size_t n, unsigned *seed)
{
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        buf[i] = alphabet[(*seed >> 16) % sizeof(alphabet)];
    }
}

static void same_block(const name_block *a, const name_block *b, size_t base, size_t n)
{
    if (a->word != b->word || a->letter != b->letter || a->cap != b->cap ||
        a->hyphen != b->hyphen)
        fail_msg("classifier differs at base %zu of %zu", base, n);
}

/* compare_at - run f and the scalar rule over the blocks from base */
static void compare_at(name_classify_fn f, const unsigned char *buf, size_t n, size_t base,
                       size_t max)
{
    name_block a[8], b[8];
    name_classify_fn scalar = name_classifier(ENGINE_ISA_SCALAR);
    size_t na = scalar((const char *)buf, n, base, a, max);
    size_t nb = f((const char *)buf, n, base, b, max);

    assert_int_equal(na, nb);
    for (size_t j = 0; j < na; j++)
        same_block(&a[j], &b[j], base + 64 * j, n);
}

static void test_classifiers_equal_scalar(void **state)
{
    (void)state;
    enum { N = 4096 + 63 };
    unsigned char *buf = malloc(N);
    unsigned seed = 7;
    unsigned top = engine_cpu_isa();

    assert_non_null(buf);
    for (int round = 0; round < 50; round++) {
        fill(buf, N, &seed);
        for (unsigned isa = ENGINE_ISA_SSE2; isa <= top; isa++) {
            name_classify_fn f = name_classifier(isa);
            /* every tail length of the last block, batches of 1 to 8 */
            for (size_t n = N - 64; n <= N; n++)
                for (size_t base = n > 300 ? n - 300 : 0; base < n; base += 64)
                    compare_at(f, buf, n, base, 1 + (base / 64) % 8);
            for (size_t base = 0; base + 64 <= N; base += 37)
                compare_at(f, buf, N, base, 8);
        }
    }
    free(buf);
}

/* The findings of one engine over text, as (entity, start, end) triples. */
typedef struct found {
    size_t n;
    size_t v[3 * 256];
} found;

static int collect(const pg_finding *f, void *payload)
{
    found *fs = payload;
    if (fs->n < 256) {
        fs->v[3 * fs->n] = (size_t)f->entity;
        fs->v[3 * fs->n + 1] = f->start;
        fs->v[3 * fs->n + 2] = f->end;
        fs->n++;
    }
    return 0;
}

static void scan_at(const char *isa, const char *text, found *out)
{
    pg_engine *e;
    pg_scratch *s;

    setenv("PIIGUARD_ISA", isa, 1);
    assert_int_equal(pg_engine_new(&e, NULL), 0);
    unsetenv("PIIGUARD_ISA");
    assert_int_equal(pg_scratch_new(&s, e), 0);
    memset(out, 0, sizeof(*out));
    assert_int_equal(pg_engine_scan(e, s, text, strlen(text), collect, out), 0);
    pg_scratch_free(s);
    pg_engine_free(e);
}

static void test_same_names_at_every_level(void **state)
{
    (void)state;
    static const char *const isas[] = {"scalar", "sse2", "avx2", "avx512"};
    /* names at block edges too: the text is repeated at shifting offsets */
    const char *para = "Dear Anna Schmidt,\nPlease ask Jean-Pierre Dupont and \xc3\x89" "mile "
                       "Lef\xc3\xa8" "vre about it. Erlendur G. Hafli\xc3\xb0" "ason agreed; "
                       "Ji-ho Park too.\nRegards,\nMaria Kowalska\n";
    char text[4096];
    found *ref = malloc(sizeof(*ref)), *got = malloc(sizeof(*got));

    assert_non_null(ref);
    assert_non_null(got);
    for (size_t pad = 0; pad < 70; pad += 7) {
        size_t o = 0;
        memset(text, 'x', pad);
        o = pad;
        text[o++] = ' ';
        for (int k = 0; k < 8 && o + strlen(para) + 1 < sizeof(text); k++) {
            memcpy(text + o, para, strlen(para));
            o += strlen(para);
        }
        text[o] = '\0';
        scan_at("scalar", text, ref);
        assert_true(ref->n >= 8 * 5);
        for (size_t k = 1; k < sizeof(isas) / sizeof(isas[0]); k++) {
            scan_at(isas[k], text, got);
            assert_int_equal(got->n, ref->n);
            assert_memory_equal(got->v, ref->v, 3 * ref->n * sizeof(size_t));
        }
    }
    free(ref);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classifiers_equal_scalar),
        cmocka_unit_test(test_same_names_at_every_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
