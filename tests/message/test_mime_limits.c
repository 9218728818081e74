/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mime_limits.c - fail closed, in bounded time: every hostile or
 * broken shape ends in a result, with an uninspectable entry wherever
 * something could not be read, and never in a crash or a hang.
 *
 * Each test runs under alarm(): a hang is a failure (SIGALRM kills the
 * program), not a stuck CI job.
 */
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "message/mime_testutil.h"

#define DEADLINE_S 60

/* sb - a growable string for building big messages */
typedef struct sb {
    char *p;
    size_t len, cap;
} sb;

/* sb_add - append printf-style text */
static void sb_add(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sb *b, const char *fmt, ...)
{
    va_list ap;

    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
}

/* seconds - a monotonic clock, for the reports */
static double seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* test_deep_multipart - 10,000 nested multiparts: quick, and said so */
static void test_deep_multipart(void **state)
{
    sb b = {0};
    double t0 = seconds();

    alarm(DEADLINE_S);
    sb_add(&b, "Subject: deep\n");
    for (int i = 0; i < 10000; i++)
        sb_add(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    sb_add(&b, "Content-Type: text/plain\n\nSSN 536-22-1234\n");
    pg_msg *m = tm_parse_n(b.p, b.len, NULL);
    tm_scan(m, state);
    assert_true(tm_unins(m, NULL, "MIME nesting deeper than the depth limit"));
    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, "deep"));
    print_message("10,000 nested multiparts: %.2f s\n", seconds() - t0);
    pg_msg_free(m);
    free(b.p);
    alarm(0);
}

/* test_deep_rfc822 - 10,000 nested messages; the part after them is read */
static void test_deep_rfc822(void **state)
{
    sb b = {0};

    alarm(DEADLINE_S);
    sb_add(&b, "Subject: deep\nContent-Type: multipart/mixed; boundary=top\n\n--top\n");
    for (int i = 0; i < 10000; i++)
        sb_add(&b, "Content-Type: message/rfc822\n\n");
    sb_add(&b, "Subject: inner\n\nSSN 536-22-1234\n--top\nContent-Type: text/plain\n\n"
               "after: SSN 536-22-1234\n--top--\n");
    pg_msg *m = tm_parse_n(b.p, b.len, NULL);
    tm_scan(m, state);
    assert_true(tm_unins(m, NULL, "nesting deeper"));
    assert_non_null(tm_find(m, "2", PG_ENT_US_SSN));
    pg_msg_free(m);
    free(b.p);
    alarm(0);
}

/* test_depth_limit_path - the entry names the part where nesting stopped */
static void test_depth_limit_path(void **state)
{
    pg_msg_limits lim = tm_limits();
    sb b = {0};

    (void)state;
    lim.max_depth = 3;
    sb_add(&b, "Subject: x\n");
    for (int i = 0; i < 5; i++)
        sb_add(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    sb_add(&b, "Content-Type: text/plain\n\nhello\n");
    pg_msg *m = tm_parse_n(b.p, b.len, &lim);
    assert_true(tm_unins(m, "1/1/1", "nesting deeper"));
    pg_msg_free(m);
    free(b.p);
}

/* test_max_parts - parts past the limit are cut, and said so */
static void test_max_parts(void **state)
{
    pg_msg_limits lim = tm_limits();
    sb b = {0};

    (void)state;
    alarm(DEADLINE_S);
    lim.max_parts = 100;
    sb_add(&b, "Subject: many\nContent-Type: multipart/mixed; boundary=p\n\n");
    for (int i = 0; i < 5000; i++)
        sb_add(&b, "--p\nContent-Type: text/plain\n\npart %d\n", i);
    sb_add(&b, "--p--\n");
    pg_msg *m = tm_parse_n(b.p, b.len, &lim);
    assert_true(tm_unins(m, NULL, "max_parts"));
    assert_true(pg_msg_segment_count(m) <= 102);
    assert_true(tm_seg_has(m, "1", PG_SEG_TEXT, "part 0"));
    pg_msg_free(m);
    free(b.p);
    alarm(0);
}

/* test_huge_header_line - a 100 MB Subject is removed, the body still read */
static void test_huge_header_line(void **state)
{
    pg_msg_limits lim = tm_limits();
    size_t big = (size_t)100 << 20;
    const char *tail = "\nX-Other: y\n\nbody SSN 536-22-1234\n";
    char *raw = malloc(big + 64);
    double t0 = seconds();

    alarm(DEADLINE_S);
    assert_non_null(raw);
    lim.max_message_bytes = (size_t)256 << 20;
    memcpy(raw, "Subject: ", 9);
    memset(raw + 9, 'a', big);
    memcpy(raw + 9 + big, tail, strlen(tail));
    pg_msg *m = tm_parse_n(raw, 9 + big + strlen(tail), &lim);
    free(raw);
    tm_scan(m, state);
    assert_true(tm_unins(m, "header:subject", "longer than"));
    assert_null(tm_seg(m, "header:subject"));
    assert_non_null(tm_find(m, "1", PG_ENT_US_SSN));
    print_message("100 MB header line: %.2f s\n", seconds() - t0);
    pg_msg_free(m);
    alarm(0);
}

/* test_many_header_fields - a million-field attack is cut at the limit */
static void test_many_header_fields(void **state)
{
    sb b = {0};

    (void)state;
    alarm(DEADLINE_S);
    for (int i = 0; i < 20000; i++)
        sb_add(&b, "X-F%d: v\n", i);
    sb_add(&b, "Subject: after\n\nhello\n");
    pg_msg *m = tm_parse_n(b.p, b.len, NULL);
    assert_true(tm_unins(m, "header", "more than 1000 header fields"));
    assert_true(tm_seg_has(m, "1", PG_SEG_TEXT, "hello"));
    pg_msg_free(m);
    free(b.p);
    alarm(0);
}

/* test_broken_shapes - truncated, unterminated, boundary-less: still read */
static void test_broken_shapes(void **state)
{
    static const struct {
        const char *name, *raw, *path;
    } cases[] = {
        {"truncated inside base64",
         "Subject: x\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\n"
         "SSN 536-22-1234\n--q\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n\nUEsDBBQAAA",
         "1"},
        {"no closing boundary",
         "Subject: x\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\n"
         "SSN 536-22-1234\n",
         "1"},
        {"multipart without a boundary parameter",
         "Subject: x\nContent-Type: multipart/mixed\n\n--q\nContent-Type: text/plain\n\nSSN 536-22-1234\n--q--\n",
         "preamble"},
        {"boundary right after headers, no blank line",
         "Subject: x\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n--q\n"
         "Content-Type: text/plain\n\nSSN 536-22-1234\n--q--\n",
         "2"},
        {"headers only, no body",
         "Subject: SSN 536-22-1234", "header:subject"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pg_msg *m = tm_parse(cases[i].raw);
        tm_scan(m, state);
        if (!tm_find(m, cases[i].path, PG_ENT_US_SSN)) {
            tm_dump(m);
            fail_msg("%s: no SSN in %s", cases[i].name, cases[i].path);
        }
        pg_msg_free(m);
    }
}

/* test_invalid_base64 - stray bytes are ignored and reported */
static void test_invalid_base64(void **state)
{
    pg_msg *m = tm_parse("Subject: x\nContent-Transfer-Encoding: base64\n\n"
                         "U1NOIDUz!!!!NiS0yMi0xMjM0\n%%%%\n-- \nfooter: SSN 536-22-1234\n");

    assert_true(tm_unins(m, "1", "invalid base64"));
    tm_scan(m, state); /* the footer after the base64 is still read */
    assert_non_null(tm_find(m, "1/undecoded", PG_ENT_US_SSN));
    pg_msg_free(m);
}

/* test_hostile_parameters - GMime #165's input and friends end quickly */
static void test_hostile_parameters(void **state)
{
    sb b = {0};

    alarm(DEADLINE_S);
    pg_msg *m = tm_parse("Content-Type: multipart/mixed;\n \xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"
                         "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"
                         "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"
                         "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"
                         "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"
                         "=\"\xD1\x9C\"\n\nSSN 536-22-1234\n");
    tm_scan(m, state);
    assert_true(tm_unins(m, "header:content-type", "malformed parameters"));
    assert_non_null(tm_find(m, "1", PG_ENT_US_SSN)); /* read as text instead */
    pg_msg_free(m);

    sb_add(&b, "Subject: x\nContent-Disposition: attachment");
    for (int i = 0; i < 500; i++)
        sb_add(&b, "; p%d=v", i);
    sb_add(&b, "\n\nhello\n");
    m = tm_parse_n(b.p, b.len, NULL);
    assert_true(tm_unins(m, "header:content-disposition", "malformed parameters"));
    pg_msg_free(m);
    free(b.p);
    alarm(0);
}

/* test_sizes - over the message limit fails; the decoded budget is kept */
static void test_sizes(void **state)
{
    pg_msg_limits lim = tm_limits();
    pg_msg *m = NULL;
    sb b = {0};

    (void)state;
    lim.max_message_bytes = 64 * 1024;
    char *big = calloc(1, 70 * 1024);
    assert_non_null(big);
    assert_int_equal(pg_msg_parse(&m, big, 70 * 1024, &lim), PG_ETOOBIG);
    assert_null(m);
    free(big);

    lim = tm_limits();
    lim.max_decoded_bytes = 1 << 20;
    sb_add(&b, "Subject: x\nContent-Type: multipart/mixed; boundary=q\n\n");
    for (int part = 0; part < 2; part++) {
        sb_add(&b, "--q\nContent-Type: text/plain\n\n");
        for (int i = 0; i < 700 * 1024 / 64; i++)
            sb_add(&b, "%063d\n", i);
    }
    sb_add(&b, "--q--\n");
    m = tm_parse_n(b.p, b.len, &lim);
    assert_true(tm_unins(m, "2", "decoded size limit"));
    pg_msg_free(m);
    free(b.p);
}

/* test_limits - documented defaults, and clamping of nonsense */
static void test_limits(void **state)
{
    pg_msg_limits lim;

    (void)state;
    pg_msg_limits_init(&lim);
    assert_int_equal(lim.max_message_bytes, (size_t)64 << 20);
    assert_int_equal(lim.max_decoded_bytes, (size_t)256 << 20);
    assert_int_equal(lim.max_part_bytes, (size_t)64 << 20);
    assert_int_equal(lim.max_depth, 32);
    assert_int_equal(lim.max_parts, 1000);
    assert_int_equal(lim.max_archive_entries, 10000);
    assert_int_equal(lim.max_compression_ratio, 100);
    assert_int_equal(lim.extractor_timeout_ms, 10000);
    assert_int_equal(lim.extractor_memory_bytes, (size_t)512 << 20);
    assert_true(lim.isolate_extractors);

    static const char three[] = "Subject: x\nContent-Type: multipart/mixed; boundary=a\n\n--a\n"
                                "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                "Content-Type: multipart/mixed; boundary=c\n\n--c\n\nhi\n";
    memset(&lim, 0, sizeof(lim)); /* every wall at zero: clamped, not off */
    pg_msg *m = tm_parse_n(three, strlen(three), &lim);
    assert_true(tm_unins(m, NULL, "nesting deeper"));
    pg_msg_free(m);
}

/* test_garbage - random bytes: a result, never a crash */
static void test_garbage(void **state)
{
    size_t len = 1 << 20;
    unsigned char *raw = malloc(len);
    uint32_t x = 2463534242u;

    alarm(DEADLINE_S);
    assert_non_null(raw);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            raw[i] = round & 1 ? (unsigned char)x : "-\n:=?Bb ;\"abc"[x % 13];
        }
        pg_msg *m = tm_parse_n((const char *)raw, len, NULL);
        tm_scan(m, state);
        pg_msg_free(m);
    }
    pg_msg *m = tm_parse_n("", 0, NULL);
    assert_int_equal(pg_msg_segment_count(m), 0);
    pg_msg_free(m);
    free(raw);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_multipart),
        cmocka_unit_test(test_deep_rfc822),
        cmocka_unit_test(test_depth_limit_path),
        cmocka_unit_test(test_max_parts),
        cmocka_unit_test(test_huge_header_line),
        cmocka_unit_test(test_many_header_fields),
        cmocka_unit_test(test_broken_shapes),
        cmocka_unit_test(test_invalid_base64),
        cmocka_unit_test(test_hostile_parameters),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_garbage),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
