/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_trigger.c - the digit/'@' sweep's stops: every vector masker this
 * CPU runs equals the scalar rule bit for bit, and the cursor answers
 * "next digit or '@' at or after i" exactly as a byte loop does, for
 * forward steps, jumps and steps back, at every instruction-set level.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "engine/trigger.h"

static const unsigned char alphabet[] = {'0', '9', '5', '@', '/', ':', 'a', 'Z', ' ', 0x80,
                                         0xB0, 0xFF, 0x00, 0x2F, 0x3A, 0x3F, 0x40 | 0x80, 'x'};

static void fill(unsigned char *buf, size_t n, unsigned *seed, unsigned sparse)
{
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        unsigned r = *seed >> 16;
        /* sparse: mostly prose bytes, so whole blocks hold no trigger */
        buf[i] = sparse && r % sparse ? 'e' : alphabet[r % sizeof(alphabet)];
    }
}

static size_t naive_next(const unsigned char *s, size_t n, size_t i)
{
    while (i < n && !((s[i] >= '0' && s[i] <= '9') || s[i] == '@'))
        i++;
    return i;
}

static void test_maskers_equal_scalar(void **state)
{
    (void)state;
    enum { N = 4096 + 63 };
    unsigned char *buf = malloc(N);
    unsigned seed = 11;
    trigger_fn scalar = trigger_masker(ENGINE_ISA_SCALAR);

    assert_non_null(buf);
    for (int round = 0; round < 40; round++) {
        fill(buf, N, &seed, 0);
        for (unsigned isa = ENGINE_ISA_SSE2; isa <= engine_cpu_isa(); isa++) {
            trigger_fn f = trigger_masker(isa);
            for (size_t n = N - 64; n <= N; n++) {
                for (size_t base = n > 300 ? n - 300 : 0; base < n; base += 61) {
                    uint64_t a[8], b[8];
                    size_t max = 1 + base % 8;
                    size_t na = scalar((const char *)buf, n, base, a, max);
                    assert_int_equal(f((const char *)buf, n, base, b, max), na);
                    assert_memory_equal(a, b, na * sizeof(a[0]));
                }
            }
        }
    }
    free(buf);
}

static void test_cursor_is_a_byte_loop(void **state)
{
    (void)state;
    enum { N = 20000 };
    unsigned char *buf = malloc(N);
    unsigned seed = 5;
    pg_engine engine;
    scan_ctx ctx;

    assert_non_null(buf);
    memset(&engine, 0, sizeof(engine));
    memset(&ctx, 0, sizeof(ctx));
    for (int round = 0; round < 20; round++) {
        fill(buf, N, &seed, round % 2 ? 300 : 0);
        for (unsigned isa = ENGINE_ISA_SCALAR; isa <= engine_cpu_isa(); isa++) {
            trigger_iter it;
            engine.isa = isa;
            ctx.engine = &engine;
            ctx.s = (const char *)buf;
            ctx.n = N - (size_t)round;
            trigger_init(&it, &ctx);
            size_t i = 0;
            while (i < ctx.n) {
                size_t want = naive_next(buf, ctx.n, i);
                assert_int_equal(trigger_next(&it, i), want);
                seed = seed * 1103515245u + 12345u;
                unsigned r = seed >> 16;
                /* mostly the sweep's own steps, sometimes a jump or a step back */
                if (r % 17 == 0)
                    i = want + r % 3000;
                else if (r % 23 == 0 && i > 200)
                    i -= r % 200;
                else
                    i = want + 1;
            }
            assert_int_equal(trigger_next(&it, ctx.n), ctx.n);
        }
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maskers_equal_scalar),
        cmocka_unit_test(test_cursor_is_a_byte_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
