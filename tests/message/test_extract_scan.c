/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_extract_scan.c - end to end: an SSN inside a PDF inside a zip, and
 * one split across Word runs, extracted in the isolated child and found by
 * the engine in the segment the extractor named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "message/extract_fixtures.h"

/* found_in - is there a US_SSN finding in the segment at path? */
static bool found_in(const pg_msg *m, const char *path)
{
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->f.entity == PG_ENT_US_SSN && !strcmp(pg_msg_segment(m, f->segment)->path, path))
            return true;
    }
    return false;
}

/* test_ssn_in_pdf_in_zip - extraction and detection agree on the place */
static void test_ssn_in_pdf_in_zip(void **state)
{
    static const char docx[] =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>Customer SSN: 536-</w:t></w:r><w:r><w:t>22-1234</w:t></w:r>"
        "</w:p></w:body></w:document>";
    xfix_buf pdf = {0}, doc = {0}, zip = {0};
    pg_engine *eng;
    pg_scratch *scr;
    pg_msg_limits lim;

    xfix_pdf(&pdf, "Customer SSN 536-22-1234", false, NULL);
    const xfix_entry de[] = {{"[Content_Types].xml", "<Types/>", (size_t)-1},
                             {"word/document.xml", docx, (size_t)-1}};
    xfix_archive(&doc, "zip", NULL, NULL, NULL, de, 2);
    const xfix_entry ze[] = {{"statement.pdf", (const char *)pdf.p, pdf.len},
                             {"letter.docx", (const char *)doc.p, doc.len}};
    xfix_archive(&zip, "zip", NULL, NULL, NULL, ze, 2);
    xfix_limits(&lim, true);
    pg_msg *m = xfix_extract(&zip, "bundle.zip", "application/zip", &lim);

    assert_int_equal(pg_engine_new(&eng, NULL), 0);
    assert_int_equal(pg_scratch_new(&scr, eng), 0);
    assert_int_equal(pg_msg_scan(m, eng, scr), 0);
    assert_true(found_in(m, "2/attachment:bundle.zip/entry:statement.pdf"));
    assert_true(found_in(m, "2/attachment:bundle.zip/entry:letter.docx"));
    pg_scratch_free(scr);
    pg_engine_free(eng);
    pg_msg_free(m);
    free(pdf.p);
    free(doc.p);
    free(zip.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssn_in_pdf_in_zip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
