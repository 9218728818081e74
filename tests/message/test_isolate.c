/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_isolate.c - the forked extractor: a crashing or hanging child (made
 * so by the PIIGUARD_TEST_EXTRACTOR_FAULT hook) costs one uninspectable
 * entry and little time, the caller lives on, and the hook never fires
 * in-process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "message/extract_fixtures.h"
#include "message/isolate.h"

#define SSN "536-22-1234"

/* elapsed_ms - since t0 */
static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* faulty - a PDF carrying the hook's marker, extracted with the hook set */
static pg_msg *faulty(const char *mode, bool isolate, unsigned timeout_ms, long *ms)
{
    xfix_buf b = {0};
    pg_msg_limits lim;
    struct timespec t0;

    xfix_pdf(&b, "SSN " SSN, false, MSG_ISOLATE_FAULT_MARKER);
    xfix_limits(&lim, isolate);
    lim.extractor_timeout_ms = timeout_ms;
    setenv(MSG_ISOLATE_FAULT_ENV, mode, 1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pg_msg *m = xfix_extract(&b, "statement.pdf", "application/pdf", &lim);
    *ms = elapsed_ms(&t0);
    unsetenv(MSG_ISOLATE_FAULT_ENV);
    free(b.p);
    return m;
}

/* test_crash - SIGSEGV in the child: "extractor crashed", nothing else */
static void test_crash(void **state)
{
    long ms;
    pg_msg *m = faulty("crash", true, 5000, &ms);

    xfix_assert_reason(m, "2/attachment:statement.pdf", "extractor crashed");
    assert_int_equal(pg_msg_segment_count(m), 0);
    assert_int_equal(pg_msg_uninspectable_count(m), 1);
    assert_true(ms < 3000);
    pg_msg_free(m);
}

/* test_hang - a child that never answers is killed at the deadline */
static void test_hang(void **state)
{
    long ms;
    pg_msg *m = faulty("hang", true, 300, &ms);

    xfix_assert_reason(m, "2/attachment:statement.pdf", "extractor timeout");
    assert_int_equal(pg_msg_segment_count(m), 0);
    assert_true(ms >= 250 && ms < 3000);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* no child left behind */
    pg_msg_free(m);
}

/* test_hook_child_only - in-process, the marker is just a comment */
static void test_hook_child_only(void **state)
{
    long ms;
    pg_msg *m = faulty("crash", false, 300, &ms);

    xfix_assert_text(m, "2/attachment:statement.pdf", PG_SEG_ATTACHMENT, "SSN " SSN);
    assert_int_equal(pg_msg_uninspectable_count(m), 0);
    pg_msg_free(m);
}

/* test_after_fault - the same message keeps working after a failed child:
 * earlier segments survive and the next attachment is read */
static void test_after_fault(void **state)
{
    xfix_buf bad = {0}, good = {0};
    pg_msg_limits lim;
    pg_msg *m;

    xfix_pdf(&bad, "x", false, MSG_ISOLATE_FAULT_MARKER);
    xfix_pdf(&good, "SSN " SSN, false, NULL);
    xfix_limits(&lim, true);
    assert_int_equal(msg_new(&m), 0);
    assert_true(msg_add_segment(m, "1", PG_SEG_TEXT, "body", 4, false) >= 0);
    setenv(MSG_ISOLATE_FAULT_ENV, "crash", 1);
    msg_part p1 = {"2", "a.pdf", "application/pdf", bad.p, bad.len, 1, -1};
    msg_part p2 = {"3", "b.pdf", "application/pdf", good.p, good.len, 1, -1};
    assert_int_equal(msg_extract_attachment(m, &p1, &lim), 0);
    assert_int_equal(msg_extract_attachment(m, &p2, &lim), 0);
    unsetenv(MSG_ISOLATE_FAULT_ENV);
    assert_int_equal(pg_msg_segment_count(m), 2);
    assert_string_equal(pg_msg_segment(m, 0)->text, "body");
    xfix_assert_reason(m, "2/attachment:a.pdf", "extractor crashed");
    xfix_assert_text(m, "3/attachment:b.pdf", PG_SEG_ATTACHMENT, SSN);
    pg_msg_free(m);
    free(bad.p);
    free(good.p);
}

/* test_budget_in_child - the child honours the decoded budget it inherits */
static void test_budget_in_child(void **state)
{
    xfix_buf b = {0};
    pg_msg_limits lim;

    xfix_pdf(&b, "SSN " SSN, false, NULL);
    xfix_limits(&lim, true);
    lim.max_decoded_bytes = 8;
    pg_msg *m = xfix_extract(&b, "s.pdf", NULL, &lim);
    xfix_assert_reason(m, "2/attachment:s.pdf", "size limit");
    assert_int_equal(pg_msg_segment_count(m), 0);
    pg_msg_free(m);
    free(b.p);
}

/* escapes - an extractor that writes outside its attachment's path */
static int escapes(pg_msg *msg, const msg_part *part, const char *seg_path,
                   const pg_msg_limits *lim)
{
    return msg_add_segment(msg, "1/body", PG_SEG_TEXT, "x", 1, false) < 0 ? PG_ENOMEM : 0;
}

/* garbage - an extractor that writes its own bytes down the pipe */
static int garbage(pg_msg *msg, const msg_part *part, const char *seg_path,
                   const pg_msg_limits *lim)
{
    static const char junk[] = "S\x03\xff\xff\xff\x7fzz";
    (void)!write(3, junk, sizeof(junk));
    _exit(0);
}

/* starved - an extractor that runs out of memory */
static int starved(pg_msg *msg, const msg_part *part, const char *seg_path,
                   const pg_msg_limits *lim)
{
    return PG_ENOMEM;
}

/* polite - a well-behaved extractor: one segment, one entry */
static int polite(pg_msg *msg, const msg_part *part, const char *seg_path,
                  const pg_msg_limits *lim)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/entry:x", seg_path);
    int rc = msg_extract_emit(msg, path, PG_SEG_ATTACHMENT, "SSN " SSN, 15, lim);
    return rc < 0 ? rc : msg_add_uninspectable(msg, seg_path, "unparseable rtf");
}

/* test_protocol - the parent keeps only what validates */
static void test_protocol(void **state)
{
    static const struct {
        msg_extract_fn fn;
        const char *reason;
    } rows[] = {{escapes, "extractor protocol error"},
                {garbage, "extractor protocol error"},
                {starved, "extractor memory limit"},
                {polite, "unparseable rtf"}};
    msg_part part = {"2", "a", "application/x", (const unsigned char *)"x", 1, 1, -1};
    pg_msg_limits lim;

    xfix_limits(&lim, true);
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        pg_msg *m;
        assert_int_equal(msg_new(&m), 0);
        assert_int_equal(msg_isolate_run(m, &part, "2/attachment:a", &lim, rows[i].fn), 0);
        xfix_assert_reason(m, "2/attachment:a", rows[i].reason);
        assert_int_equal(pg_msg_uninspectable_count(m), 1);
        assert_int_equal(pg_msg_segment_count(m), rows[i].fn == polite);
        pg_msg_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash),
        cmocka_unit_test(test_hang),
        cmocka_unit_test(test_hook_child_only),
        cmocka_unit_test(test_after_fault),
        cmocka_unit_test(test_budget_in_child),
        cmocka_unit_test(test_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
