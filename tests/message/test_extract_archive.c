/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_extract_archive.c - archives: members found at their nested paths,
 * member names as text, and every bomb, lock and limit ending in the exact
 * uninspectable reason, in bounded time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "message/extract_fixtures.h"

#define SSN "536-22-1234"
#define CSV "name,ssn\nAnn," SSN "\n"

/* run - extract in one isolation mode with default test limits */
static pg_msg *run(const xfix_buf *b, const char *name, bool isolate)
{
    pg_msg_limits lim;

    xfix_limits(&lim, isolate);
    return xfix_extract(b, name, "application/octet-stream", &lim);
}

/* test_zip_csv - a member's text and its name, at nested paths */
static void test_zip_csv(void **state)
{
    const xfix_entry e[] = {{"dir/statement.csv", CSV, (size_t)-1},
                            {"SSN " SSN " scan.txt", "", 0}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 2);
    for (int iso = 0; iso < 2; iso++) {
        pg_msg *m = run(&b, "bundle.zip", iso);
        const char *p = "2/attachment:bundle.zip/entry:dir/statement.csv";
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Ann," SSN);
        xfix_assert_text(m, p, PG_SEG_FILENAME, "dir/statement.csv");
        xfix_assert_text(m, "2/attachment:bundle.zip/entry:SSN " SSN " scan.txt",
                         PG_SEG_FILENAME, SSN);
        assert_int_equal(pg_msg_uninspectable_count(m), 0);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_tar_gz - a gzip-compressed tar */
static void test_tar_gz(void **state)
{
    const xfix_entry e[] = {{"export/customers.csv", CSV, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "pax", "gzip", NULL, NULL, e, 1);
    pg_msg *m = run(&b, "export.tar.gz", true);
    xfix_assert_text(m, "2/attachment:export.tar.gz/entry:export/customers.csv",
                     PG_SEG_ATTACHMENT, SSN);
    pg_msg_free(m);
    free(b.p);
}

/* test_gz_single - a lone gzip file is read under its own name, minus .gz */
static void test_gz_single(void **state)
{
    const xfix_entry e[] = {{"data", CSV, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "raw", "gzip", NULL, NULL, e, 1);
    for (int iso = 0; iso < 2; iso++) {
        pg_msg *m = run(&b, "report.csv.gz", iso);
        xfix_assert_text(m, "2/attachment:report.csv.gz/entry:report.csv",
                         PG_SEG_ATTACHMENT, "Ann," SSN);
        assert_int_equal(pg_msg_segment_count(m), 1); /* no made-up name segment */
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_7z - 7-Zip */
static void test_7z(void **state)
{
    const xfix_entry e[] = {{"a.csv", CSV, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "7zip", NULL, NULL, NULL, e, 1);
    pg_msg *m = run(&b, "x.7z", true);
    xfix_assert_text(m, "2/attachment:x.7z/entry:a.csv", PG_SEG_ATTACHMENT, SSN);
    pg_msg_free(m);
    free(b.p);
}

/* test_nested_zip - a zip in a zip, paths nest */
static void test_nested_zip(void **state)
{
    const xfix_entry inner_e[] = {{"statement.csv", CSV, (size_t)-1}};
    xfix_buf inner = {0}, outer = {0};

    xfix_archive(&inner, "zip", NULL, NULL, NULL, inner_e, 1);
    const xfix_entry outer_e[] = {{"inner.zip", (const char *)inner.p, inner.len}};
    xfix_archive(&outer, "zip", NULL, NULL, NULL, outer_e, 1);
    for (int iso = 0; iso < 2; iso++) {
        pg_msg *m = run(&outer, "outer.zip", iso);
        xfix_assert_text(m, "2/attachment:outer.zip/entry:inner.zip/entry:statement.csv",
                         PG_SEG_ATTACHMENT, SSN);
        pg_msg_free(m);
    }
    free(inner.p);
    free(outer.p);
}

/* test_zip_bomb - 100 MB of zeros: stopped by the ratio after ratio x
 * packed bytes, quickly */
static void test_zip_bomb(void **state)
{
    xfix_buf b = {0};
    struct timespec t0, t1;
    pg_msg_limits lim;

    xfix_zeros_zip(&b, "zeros.bin", 100u << 20);
    assert_true(b.len < (1u << 20));
    for (int iso = 0; iso < 2; iso++) {
        xfix_limits(&lim, iso);
        lim.max_part_bytes = 256u << 20; /* only the ratio may stop it */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pg_msg *m = xfix_extract(&b, "bomb.zip", NULL, &lim);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        xfix_assert_reason(m, "2/attachment:bomb.zip", "compression ratio exceeded");
        assert_true(t1.tv_sec - t0.tv_sec < 5);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_zip_member_too_big - a member over max_part_bytes */
static void test_zip_member_too_big(void **state)
{
    static char big[300000];
    const xfix_entry e[] = {{"big.txt", big, sizeof(big)}, {"ok.csv", CSV, (size_t)-1}};
    xfix_buf b = {0};
    pg_msg_limits lim;

    memset(big, 'a', sizeof(big));
    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 2);
    xfix_limits(&lim, false);
    lim.max_part_bytes = 100000;
    pg_msg *m = xfix_extract(&b, "two.zip", NULL, &lim);
    xfix_assert_reason(m, "2/attachment:two.zip/entry:big.txt", "size limit");
    xfix_assert_text(m, "2/attachment:two.zip/entry:ok.csv", PG_SEG_ATTACHMENT, SSN);
    pg_msg_free(m);
    free(b.p);
}

/* test_zip_encrypted - traditional PKWARE encryption */
static void test_zip_encrypted(void **state)
{
    const xfix_entry e[] = {{"secret.csv", CSV, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, "zip:encryption=zipcrypt", "hunter2", e, 1);
    for (int iso = 0; iso < 2; iso++) {
        pg_msg *m = run(&b, "locked.zip", iso);
        xfix_assert_reason(m, "2/attachment:locked.zip/entry:secret.csv", "encrypted archive");
        xfix_assert_text(m, "2/attachment:locked.zip/entry:secret.csv", PG_SEG_FILENAME,
                         "secret.csv");
        assert_int_equal(pg_msg_segment_count(m), 1);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_depth_limit - zips nested past max_depth */
static void test_depth_limit(void **state)
{
    xfix_buf cur = {0};
    const xfix_entry leaf[] = {{"leaf.csv", CSV, (size_t)-1}};
    pg_msg_limits lim;

    xfix_archive(&cur, "zip", NULL, NULL, NULL, leaf, 1);
    for (int i = 0; i < 6; i++) {
        xfix_buf next = {0};
        const xfix_entry e[] = {{"z.zip", (const char *)cur.p, cur.len}};
        xfix_archive(&next, "zip", NULL, NULL, NULL, e, 1);
        free(cur.p);
        cur = next;
    }
    xfix_limits(&lim, true);
    lim.max_depth = 4; /* the attachment is at depth 1 */
    pg_msg *m = xfix_extract(&cur, "deep.zip", NULL, &lim);
    xfix_assert_reason(m, "2/attachment:deep.zip/entry:z.zip/entry:z.zip/entry:z.zip"
                          "/entry:z.zip", "depth limit");
    assert_int_equal(pg_msg_uninspectable_count(m), 1);
    pg_msg_free(m);
    free(cur.p);
}

/* test_entry_limit - more members than max_archive_entries */
static void test_entry_limit(void **state)
{
    xfix_entry e[20];
    char names[20][24];
    xfix_buf b = {0};
    pg_msg_limits lim;

    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof(names[i]), "f%02d.txt", i);
        e[i] = (xfix_entry){names[i], "x", 1};
    }
    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 20);
    xfix_limits(&lim, false);
    lim.max_archive_entries = 10;
    pg_msg *m = xfix_extract(&b, "many.zip", NULL, &lim);
    xfix_assert_reason(m, "2/attachment:many.zip", "entry limit");
    assert_non_null(xfix_segment(m, "2/attachment:many.zip/entry:f09.txt"));
    assert_null(xfix_segment(m, "2/attachment:many.zip/entry:f10.txt"));
    pg_msg_free(m);
    free(b.p);
}

/* test_truncated - a zip cut in half is unparseable, not empty */
static void test_truncated(void **state)
{
    const xfix_entry e[] = {{"a.csv", CSV, (size_t)-1}, {"b.csv", CSV, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "pax", "gzip", NULL, NULL, e, 2);
    b.len /= 2;
    pg_msg *m = run(&b, "cut.tar.gz", true);
    assert_true(pg_msg_uninspectable_count(m) >= 1);
    assert_non_null(strstr(pg_msg_uninspectable_at(m, 0)->reason, "unparseable archive"));
    pg_msg_free(m);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip_csv),
        cmocka_unit_test(test_tar_gz),
        cmocka_unit_test(test_gz_single),
        cmocka_unit_test(test_7z),
        cmocka_unit_test(test_nested_zip),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_zip_member_too_big),
        cmocka_unit_test(test_zip_encrypted),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_entry_limit),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
