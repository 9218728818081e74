/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_stream.c - a stream finds what one scan of the whole text finds,
 * however the text is split into feeds.
 *
 * The text is a few megabytes of dense PII records (every line holds
 * several findings, some behind non-ASCII and normalised characters), so
 * every window and feed boundary cuts through a match or its context;
 * on top, matches are written right across the fixed window grid of one
 * huge feed and across the megabyte feed boundaries. Each split pattern
 * (byte by byte, random sizes, sizes around a megabyte, around the overlap
 * and around the in-place threshold, one huge feed) must deliver the same
 * findings (entity, start, end, score), in order, once, and
 * pg_stream_match() must return each finding's bytes in the callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "piiguard/pg_engine.h"
#include "piiguard/pg_limits.h"

#define MIB ((size_t)1 << 20)
#define OVL ((size_t)PG_STREAM_OVERLAP)
#define WIN (MIB + OVL)
#define TEXT_LEN (3 * MIB + 123457)

typedef struct hits {
    pg_finding *h;
    size_t n, cap;
    const char *text;      /* to check pg_stream_match against */
    const pg_stream *st;   /* NULL for the whole-text scan */
} hits;

static pg_engine *engine;
static char *text;
static hits whole;

/* collect - append a finding; in a stream, check the bytes it hands out */
static int collect(const pg_finding *f, void *payload)
{
    hits *hs = payload;

    if (hs->st) {
        const char *m = pg_stream_match(hs->st, f);
        assert_non_null(m);
        assert_memory_equal(m, hs->text + f->start, f->end - f->start);
    }
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? 2 * hs->cap : 1024;
        hs->h = realloc(hs->h, hs->cap * sizeof(*hs->h));
        assert_non_null(hs->h);
    }
    hs->h[hs->n++] = *f;
    return 0;
}

/* The records: plain, with Cyrillic and accents around them, and with
 * characters the view rewrites (NBSP, a Unicode dash, full-width digits). */
static const char *const records[] = {
    "Contact John Smith at john.smith@example.com or (212) 555-0147.\n",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, card 4111 1111 1111 1111 exp 12/29\n",
    "IBAN: DE89 3704 0044 0532 0130 00, SWIFT code: DEUTDEFF500 \xc3\xa9t\xc3\xa9\n",
    "Your SSN is 536-22-1234; from 203.0.113.77 at noon\n",
    "Dear Maria Gonzalez,\nmobile +44\xc2\xa0" "20 7946 0958 \xe2\x80\x94 ok\n",
    "ref \xef\xbc\x95\xef\xbc\x93\xef\xbc\x96-22-1234 \xe5\x90\x8d\xe5\x89\x8d DOB: 03/04/1985\n",
    "Kind regards,\nPeter Miller\nkey AKIAIOSFODNN7EXAMPLE here\n",
};

/* put_across - write s so that it straddles pos */
static void put_across(size_t pos, const char *s)
{
    size_t n = strlen(s);

    memcpy(text + pos - n / 2, s, n);
}

/* make_text - dense records, plus matches across the boundaries of the
 * one-huge-feed window grid and of megabyte feeds */
static void make_text(void)
{
    size_t o = 0, r = 0;

    text = malloc(TEXT_LEN);
    assert_non_null(text);
    while (o < TEXT_LEN) {
        size_t n = strlen(records[r]);
        memcpy(text + o, records[r], o + n <= TEXT_LEN ? n : TEXT_LEN - o);
        o += n;
        r = (r + 1) % (sizeof(records) / sizeof(records[0]));
    }
    for (size_t k = 1; k <= 3; k++) {
        size_t grid = k * (WIN - 2 * OVL); /* where window k starts */
        put_across(grid + 2 * OVL - OVL, " ann@example.com ");
        put_across(grid + 2 * OVL, " (212) 555-0147 ");
        put_across(k * MIB, " 4111 1111 1111 1111 ");
        put_across(k * MIB - OVL, " jane.doe@mail.example.co.uk ");
        put_across(k * MIB + 2 * OVL, " DE89 3704 0044 0532 0130 00 ");
    }
}

static int setup(void **state)
{
    pg_scratch *scratch;

    (void)state;
    make_text();
    if (pg_engine_new(&engine, NULL) < 0 || pg_scratch_new(&scratch, engine) < 0)
        return -1;
    whole.text = text;
    int rc = pg_engine_scan(engine, scratch, text, TEXT_LEN, collect, &whole);
    pg_scratch_free(scratch);
    return rc == 0 && whole.n > 1000 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(whole.h);
    free(text);
    pg_engine_free(engine);
    return 0;
}

/* A split pattern: the size of feed i. */
typedef size_t (*next_size)(size_t i, unsigned *seed);

/* stream_equals_whole - feed the text in the pattern's sizes; the findings
 * must be the whole scan's */
static void stream_equals_whole(next_size next)
{
    hits got = {.text = text};
    pg_stream *st;
    unsigned seed = 12345;

    assert_int_equal(pg_stream_new(&st, engine, collect, &got), 0);
    got.st = st;
    for (size_t off = 0, i = 0; off < TEXT_LEN; i++) {
        size_t n = next(i, &seed);
        n = n < TEXT_LEN - off ? n : TEXT_LEN - off;
        assert_int_equal(pg_stream_feed(st, text + off, n), 0);
        off += n;
    }
    assert_int_equal(pg_stream_finish(st), 0);
    pg_stream_free(st);
    assert_int_equal(got.n, whole.n);
    for (size_t i = 0; i < got.n; i++) {
        assert_int_equal(got.h[i].entity, whole.h[i].entity);
        assert_int_equal(got.h[i].start, whole.h[i].start);
        assert_int_equal(got.h[i].end, whole.h[i].end);
        assert_true(got.h[i].score == whole.h[i].score);
    }
    free(got.h);
}

/* rnd - a small deterministic generator, the same on every libc */
static size_t rnd(unsigned *seed, size_t below)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % below;
}

static size_t one_byte(size_t i, unsigned *seed) { (void)i, (void)seed; return 1; }
static size_t small_random(size_t i, unsigned *seed) { (void)i; return 1 + rnd(seed, 5000); }
static size_t large_random(size_t i, unsigned *seed) { (void)i; return 1 + rnd(seed, 3 * MIB); }
static size_t one_mib(size_t i, unsigned *seed) { (void)i, (void)seed; return MIB; }
static size_t one_huge(size_t i, unsigned *seed) { (void)i, (void)seed; return TEXT_LEN; }

/* mixed - small and large feeds in turn: seams after dribbles */
static size_t mixed(size_t i, unsigned *seed)
{
    return i % 2 ? 1 + rnd(seed, 2 * OVL) : MIB / 4 + rnd(seed, MIB);
}

/* near - sizes a few bytes either side of the interesting ones */
static size_t near(size_t i, unsigned *seed, const size_t *at, size_t n_at)
{
    size_t v = at[i % n_at] + rnd(seed, 5);
    return v > 2 ? v - 2 : 1;
}

static size_t around_mib(size_t i, unsigned *seed)
{
    static const size_t at[] = {MIB, WIN, WIN - 2 * OVL, MIB / 4, MIB / 2};
    return near(i, seed, at, sizeof(at) / sizeof(at[0]));
}

static size_t around_overlap(size_t i, unsigned *seed)
{
    static const size_t at[] = {OVL, 2 * OVL, 4 * OVL, 3};
    return near(i, seed, at, sizeof(at) / sizeof(at[0]));
}

static void test_one_byte(void **state) { (void)state; stream_equals_whole(one_byte); }
static void test_small_random(void **state) { (void)state; stream_equals_whole(small_random); }
static void test_large_random(void **state) { (void)state; stream_equals_whole(large_random); }
static void test_one_mib(void **state) { (void)state; stream_equals_whole(one_mib); }
static void test_one_huge(void **state) { (void)state; stream_equals_whole(one_huge); }
static void test_mixed(void **state) { (void)state; stream_equals_whole(mixed); }
static void test_around_mib(void **state) { (void)state; stream_equals_whole(around_mib); }
static void test_around_overlap(void **state) { (void)state; stream_equals_whole(around_overlap); }

/* test_match_outside_callback - no window, no bytes */
static void test_match_outside_callback(void **state)
{
    hits got = {.text = text};
    pg_stream *st;
    pg_finding f = {.start = 0, .end = 1};

    (void)state;
    assert_int_equal(pg_stream_new(&st, engine, collect, &got), 0);
    got.st = st;
    assert_int_equal(pg_stream_feed(st, text, MIB), 0);
    assert_null(pg_stream_match(st, &f));
    assert_int_equal(pg_stream_finish(st), 0);
    pg_stream_free(st);
    free(got.h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_byte),
        cmocka_unit_test(test_small_random),
        cmocka_unit_test(test_large_random),
        cmocka_unit_test(test_one_mib),
        cmocka_unit_test(test_one_huge),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_around_mib),
        cmocka_unit_test(test_around_overlap),
        cmocka_unit_test(test_match_outside_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
