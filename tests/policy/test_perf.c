/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_perf.c - policy evaluation is cheap and bounded.
 *
 * A decision compiles nothing and walks the findings once per rule; the
 * only work that touches text is the consent record, which reads at most
 * CONSENT_SCAN_MAX bytes, and the notice, whose size does not depend on
 * the message. So its cost is bounded while the engine's grows with the
 * text. The tests measure medians against pg_msg_scan() of the same text:
 *
 *   - a 1 MiB text with PII, rejected (all three notices rendered and the
 *     consent record taken): decide <= 5% of scan;
 *   - a 12 KB text without PII (the common case): decide <= 5% of scan,
 *     with a little slack for timer noise at this scale (0.1 us);
 *   - a 12 KB text with PII, rejected: printed, not asserted; at this size
 *     the fixed cost (the consent record and three notice forms) is about
 *     a third of the scan (docs/policy.md, performance);
 *   - the same as a 12 KB email, against parse + scan: printed.
 *
 * Under sanitizers timing means nothing: each case runs once, unasserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "piiguard/pg_engine.h"
#include "policy/policy_helpers.h"

#define ROUNDS 41

static const char *const rcpt[] = {"cust@gmail.example"};

static const char para[] =
    "Thank you for getting back to us about the renewal of your policy. "
    "We have reviewed the documents you sent and everything looks in "
    "order; the new terms start on the first of next month and your "
    "premium stays the same. Please let us know if anything changes.\n";

/* now_ns - monotonic nanoseconds */
static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* cmp - doubles ascending, for the median */
static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* build_text - prose of about @p size bytes, with PII at the top if asked */
static char *build_text(size_t size, bool pii, size_t *len)
{
    char *t = malloc(size + 512);
    size_t n = 0;

    assert_non_null(t);
    if (pii)
        n += (size_t)sprintf(t, "Hi Jane,\nYour SSN on file is 212-56-7890 and the "
                             "card is 4111 1111 1111 1111.\nCall me at (415) 555-0134.\n");
    while (n + sizeof(para) < size) {
        memcpy(t + n, para, sizeof(para) - 1);
        n += sizeof(para) - 1;
    }
    t[n] = '\0';
    *len = n;
    return t;
}

typedef struct bench {
    pg_policy *p;
    pg_engine *eng;
    pg_scratch *scr;
} bench;

/* setup - the default policy and the engine it asks for */
static int setup(void **state)
{
    bench *b = calloc(1, sizeof(*b));
    pg_engine_opts eo;

    b->p = th_policy(NULL);
    pg_policy_engine_opts(b->p, &eo);
    assert_int_equal(pg_engine_new(&b->eng, &eo), 0);
    assert_int_equal(pg_scratch_new(&b->scr, b->eng), 0);
    *state = b;
    return 0;
}

/* teardown - free what setup made */
static int teardown(void **state)
{
    bench *b = *state;

    pg_scratch_free(b->scr);
    pg_engine_free(b->eng);
    pg_policy_free(b->p);
    free(b);
    return 0;
}

/* measure - median scan and decide times (ns) for one text */
static void measure(const bench *b, const char *text, size_t len, pg_action want,
                    int rounds, double *scan_ns, double *decide_ns)
{
    pg_envelope env = {.channel = PG_CHAN_CHAT, .recipients = rcpt, .n_recipients = 1};
    double scan[ROUNDS], decide[ROUNDS];
    pg_msg *msg = NULL;

    assert_int_equal(pg_msg_from_text(&msg, text, len, "chat"), 0);
    for (int i = 0; i < rounds; i++) {
        pg_decision *d = NULL;
        double t0 = now_ns();
        assert_int_equal(pg_msg_scan(msg, b->eng, b->scr), 0);
        double t1 = now_ns();
        assert_int_equal(pg_policy_decide(&d, b->p, msg, &env), 0);
        double t2 = now_ns();
        scan[i] = t1 - t0;
        decide[i] = t2 - t1;
        assert_int_equal(pg_decision_action(d), want);
        pg_decision_free(d);
    }
    qsort(scan, (size_t)rounds, sizeof(double), cmp);
    qsort(decide, (size_t)rounds, sizeof(double), cmp);
    *scan_ns = scan[rounds / 2];
    *decide_ns = decide[rounds / 2];
    print_message("%zu bytes, %zu findings: scan %.2f us, decide %.2f us (%.1f%%)\n",
                  len, pg_msg_finding_count(msg), *scan_ns / 1e3, *decide_ns / 1e3,
                  100.0 * *decide_ns / *scan_ns);
    pg_msg_free(msg);
}

/* timed - false under sanitizers, where timing means nothing */
static bool timed(void)
{
    const char *san = getenv("PG_SANITIZE");

    return !(san && strcmp(san, "1") == 0);
}

/* test_large_rejected - bounded work against a growing scan */
static void test_large_rejected(void **state)
{
    size_t len;
    char *text = build_text(1u << 20, true, &len);
    double s, d;

    measure(*state, text, len, PG_ACT_REJECT, timed() ? 11 : 1, &s, &d);
    if (timed() && d > 0.05 * s)
        fail_msg("decide is %.1f%% of scan on 1 MiB", 100.0 * d / s);
    free(text);
}

/* test_small_clean - the common case: nothing found */
static void test_small_clean(void **state)
{
    size_t len;
    char *text = build_text(12000, false, &len);
    double s, d;

    measure(*state, text, len, PG_ACT_ALLOW, timed() ? ROUNDS : 1, &s, &d);
    if (timed() && d > 0.05 * s + 100.0)
        fail_msg("decide is %.1f%% of scan on a clean 12 KB text", 100.0 * d / s);
    free(text);
}

/* test_small_rejected - reported only: three notices cost what they cost */
static void test_small_rejected(void **state)
{
    size_t len;
    char *text = build_text(12000, true, &len);
    double s, d;

    measure(*state, text, len, PG_ACT_REJECT, timed() ? ROUNDS : 1, &s, &d);
    free(text);
}

/* test_email_rejected - reported only: decide against parse + scan */
static void test_email_rejected(void **state)
{
    const bench *b = *state;
    size_t len, hl;
    char *body = build_text(12000, true, &len);
    char *raw = malloc(len + 512);
    pg_msg_limits lim;
    double parse[ROUNDS], scan[ROUNDS], decide[ROUNDS];
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    int rounds = timed() ? ROUNDS : 1;

    hl = (size_t)sprintf(raw, "From: Agent <agent@example.com>\r\nTo: Jane Doe "
                         "<cust@gmail.example>\r\nSubject: your policy\r\n"
                         "MIME-Version: 1.0\r\nContent-Type: text/plain; "
                         "charset=utf-8\r\n\r\n");
    memcpy(raw + hl, body, len);
    pg_policy_msg_limits(b->p, &lim);
    for (int i = 0; i < rounds; i++) {
        pg_msg *msg = NULL;
        pg_decision *d = NULL;
        double t0 = now_ns();
        assert_int_equal(pg_msg_parse(&msg, raw, hl + len, &lim), 0);
        double t1 = now_ns();
        assert_int_equal(pg_msg_scan(msg, b->eng, b->scr), 0);
        double t2 = now_ns();
        assert_int_equal(pg_policy_decide(&d, b->p, msg, &env), 0);
        double t3 = now_ns();
        parse[i] = t1 - t0, scan[i] = t2 - t1, decide[i] = t3 - t2;
        assert_int_equal(pg_decision_action(d), PG_ACT_REJECT);
        pg_decision_free(d);
        pg_msg_free(msg);
    }
    qsort(parse, (size_t)rounds, sizeof(double), cmp);
    qsort(scan, (size_t)rounds, sizeof(double), cmp);
    qsort(decide, (size_t)rounds, sizeof(double), cmp);
    double p = parse[rounds / 2], s = scan[rounds / 2], d = decide[rounds / 2];
    print_message("email %zu bytes: parse %.2f us, scan %.2f us, decide %.2f us "
                  "(%.1f%% of parse + scan)\n", hl + len, p / 1e3, s / 1e3, d / 1e3,
                  100.0 * d / (p + s));
    free(raw);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_rejected),
        cmocka_unit_test(test_small_clean),
        cmocka_unit_test(test_small_rejected),
        cmocka_unit_test(test_email_rejected),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
