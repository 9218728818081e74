/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_extract.c - one attachment of each format the extractors read,
 * built in memory, run both in-process and in the isolated child: the PII
 * must come out in a segment at the right path, in_attachment set, and what
 * cannot be read must be listed with its exact reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "message/extract_fixtures.h"

#define SSN "536-22-1234"

static const char docx_types[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

static const char docx_body[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>Customer SSN: 536-</w:t></w:r><w:r><w:t>22-1234</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>second</w:t></w:r><w:r><w:tab/><w:t>para</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Card</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>4111 1111 1111 1111</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "</w:body></w:document>";

static const char docx_footer[] =
    "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:r><w:t>Footer IBAN DE89370400440532013000</w:t></w:r></w:p></w:ftr>";

static const char xlsx_strings[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
    "<si><t>Name</t></si><si><t>SSN</t></si><si><r><t>Ann </t></r><r><t>Lee</t></r></si>"
    "<si><t>" SSN "</t></si></sst>";

static const char xlsx_sheet[] =
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"C1\" t=\"inlineStr\"><is><t>Phone</t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c>"
    "<c r=\"C2\"><v>4155550123</v></c><c r=\"D2\"><f>SUM(1)</f><v>536221234</v></c></row>"
    "</sheetData></worksheet>";

static const char pptx_slide[] =
    "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree>"
    "<p:sp><p:txBody><a:p><a:r><a:t>Slide SSN " SSN "</a:t></a:r></a:p></p:txBody></p:sp>"
    "</p:spTree></p:cSld></p:sld>";

static const char odt_content[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>"
    "<text:h>Title</text:h><text:p>SSN<text:s/>536-<text:span>22</text:span>-1234</text:p>"
    "<text:p>next<text:line-break/>line</text:p></office:text></office:body>"
    "</office:document-content>";

/* modes - every hostile-format test runs in-process and isolated */
static const bool modes[] = {false, true};

/* one - extract a buffer in one mode */
static pg_msg *one(const xfix_buf *b, const char *name, const char *ct, bool isolate)
{
    pg_msg_limits lim;

    xfix_limits(&lim, isolate);
    return xfix_extract(b, name, ct, &lim);
}

/* test_text_csv - plain CSV, segment path and in_attachment */
static void test_text_csv(void **state)
{
    const char *csv = "name,ssn\nAnn," SSN "\n";
    xfix_buf b = {(unsigned char *)csv, strlen(csv), 0};
    pg_msg *m = one(&b, "customers.csv", "text/csv", true);

    xfix_assert_text(m, "2/attachment:customers.csv", PG_SEG_ATTACHMENT, "Ann," SSN);
    assert_int_equal(pg_msg_uninspectable_count(m), 0);
    pg_msg_free(m);
}

/* test_text_utf16 - UTF-16LE with a BOM, and latin-1 bytes, become UTF-8 */
static void test_text_utf16(void **state)
{
    const char *src = "SSN " SSN " caf\xc3\xa9";
    unsigned char u16[128];
    size_t n = 0;
    u16[n++] = 0xFF;
    u16[n++] = 0xFE;
    for (const char *p = "SSN " SSN " caf"; *p; p++) {
        u16[n++] = (unsigned char)*p;
        u16[n++] = 0;
    }
    u16[n++] = 0xE9;
    u16[n++] = 0;
    xfix_buf b = {u16, n, 0};
    pg_msg *m = one(&b, "export.txt", "text/plain", false);
    xfix_assert_text(m, "2/attachment:export.txt", PG_SEG_ATTACHMENT, src);
    pg_msg_free(m);

    const char *latin = "SSN " SSN " caf\xe9";
    xfix_buf l = {(unsigned char *)latin, strlen(latin), 0};
    m = one(&l, "l.txt", "text/plain", false);
    xfix_assert_text(m, "2/attachment:l.txt", PG_SEG_ATTACHMENT, src);
    pg_msg_free(m);
}

/* test_html_attachment - an HTML file is read as a page, scripts dropped */
static void test_html_attachment(void **state)
{
    const char *h = "<html><script>x=1</script><p>SSN 536<b>-22-</b>1234</p></html>";
    xfix_buf b = {(unsigned char *)h, strlen(h), 0};

    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "page.html", "text/html", modes[i]);
        xfix_assert_text(m, "2/attachment:page.html", PG_SEG_ATTACHMENT, "SSN " SSN);
        assert_null(strstr(pg_msg_segment(m, 0)->text, "x=1"));
        pg_msg_free(m);
    }
}

/* test_pdf - a hand-written one-page PDF; its text and nothing missing */
static void test_pdf(void **state)
{
    xfix_buf b = {0};

    xfix_pdf(&b, "SSN " SSN, false, NULL);
    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "statement.pdf", "application/pdf", modes[i]);
        xfix_assert_text(m, "2/attachment:statement.pdf", PG_SEG_ATTACHMENT, "SSN " SSN);
        assert_int_equal(pg_msg_uninspectable_count(m), 0);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_pdf_encrypted - a user password we do not have */
static void test_pdf_encrypted(void **state)
{
    xfix_buf b = {0};

    xfix_pdf(&b, "SSN " SSN, true, NULL);
    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "locked.pdf", "application/octet-stream", modes[i]);
        xfix_assert_reason(m, "2/attachment:locked.pdf", "encrypted pdf");
        assert_int_equal(pg_msg_segment_count(m), 0);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_pdf_garbage - a PDF header and nothing usable */
static void test_pdf_garbage(void **state)
{
    const char *g = "%PDF-1.7\n this is not a pdf at all \x01\x02\x03";
    xfix_buf b = {(unsigned char *)g, strlen(g), 0};

    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "bad.pdf", "application/pdf", modes[i]);
        xfix_assert_reason(m, "2/attachment:bad.pdf", "unparseable pdf");
        pg_msg_free(m);
    }
}

/* test_docx - runs joined, tabs, tables, footer */
static void test_docx(void **state)
{
    const xfix_entry e[] = {{"[Content_Types].xml", docx_types, (size_t)-1},
                            {"word/document.xml", docx_body, (size_t)-1},
                            {"word/footer1.xml", docx_footer, (size_t)-1},
                            {"customXml/item1.xml", "<d><ssn>078-05-1120</ssn></d>", (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 4);
    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "letter.docx", "application/octet-stream", modes[i]);
        const char *p = "2/attachment:letter.docx";
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Customer SSN: " SSN "\n");
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "second\tpara\n");
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Card\n4111 1111 1111 1111");
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Footer IBAN DE89370400440532013000");
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "078-05-1120"); /* custom XML part */
        assert_int_equal(pg_msg_uninspectable_count(m), 0);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_xlsx - shared strings resolved into rows, numbers kept */
static void test_xlsx(void **state)
{
    const xfix_entry e[] = {{"[Content_Types].xml", "<Types/>", (size_t)-1},
                            {"xl/workbook.xml", "<workbook/>", (size_t)-1},
                            {"xl/worksheets/sheet1.xml", xlsx_sheet, (size_t)-1},
                            {"xl/sharedStrings.xml", xlsx_strings, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 4);
    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "book.xlsx", NULL, modes[i]);
        const char *p = "2/attachment:book.xlsx";
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Name\tSSN\tPhone\n");
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Ann Lee\t" SSN "\t4155550123\t536221234");
        assert_null(strstr(xfix_segment(m, p)->text, "SUM"));
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_pptx - slide text */
static void test_pptx(void **state)
{
    const xfix_entry e[] = {{"[Content_Types].xml", "<Types/>", (size_t)-1},
                            {"ppt/presentation.xml", "<p/>", (size_t)-1},
                            {"ppt/slides/slide1.xml", pptx_slide, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 3);
    pg_msg *m = one(&b, "deck.pptx", NULL, true);
    xfix_assert_text(m, "2/attachment:deck.pptx", PG_SEG_ATTACHMENT, "Slide SSN " SSN);
    pg_msg_free(m);
    free(b.p);
}

/* test_odt - ODF: mimetype stored first, spans joined, text:s a space */
static void test_odt(void **state)
{
    const xfix_entry e[] = {
        {"mimetype", "application/vnd.oasis.opendocument.text", (size_t)-1},
        {"content.xml", odt_content, (size_t)-1},
        {"META-INF/manifest.xml", "<manifest/>", (size_t)-1}};
    xfix_buf b = {0};

    /* ODF wants the mimetype member first and stored */
    xfix_archive(&b, "zip", NULL, "zip:compression=store", NULL, e, 3);
    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "minutes.odt", NULL, modes[i]);
        const char *p = "2/attachment:minutes.odt";
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "Title\nSSN " SSN "\nnext\nline");
        assert_int_equal(pg_msg_uninspectable_count(m), 0);
        pg_msg_free(m);
    }
    free(b.p);
}

/* test_rtf - control words, tables, escapes and \u */
static void test_rtf(void **state)
{
    const char *r =
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times 536-00-0000;}}"
        "{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Hidden 111-11-1111;}"
        "{\\info{\\author Someone}}\\pard SSN: 536-22-1234 opt\\-ional\\par "
        "caf\\'e9 \\u8364?5 {\\b bold}\\tab x\\par"
        "{\\pict\\pngblip 89504e47}\\bin3 {}}after}";
    xfix_buf b = {(unsigned char *)r, strlen(r), 0};

    for (size_t i = 0; i < 2; i++) {
        pg_msg *m = one(&b, "memo.rtf", "application/rtf", modes[i]);
        const char *p = "2/attachment:memo.rtf";
        xfix_assert_text(m, p, PG_SEG_ATTACHMENT, "SSN: " SSN " optional\ncaf\xc3\xa9 \xe2\x82\xac" "5 bold\tx\n");
        const char *t = xfix_segment(m, p)->text;
        assert_null(strstr(t, "536-00-0000"));
        assert_null(strstr(t, "111-11-1111"));
        assert_null(strstr(t, "Someone"));
        assert_null(strstr(t, "89504e47"));
        pg_msg_free(m);
    }
}

/* test_unsupported - images and binaries are listed, never dropped */
static void test_unsupported(void **state)
{
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    static const unsigned char bin[] = {0, 1, 2, 3, 0, 0xff, 0xfe, 7, 0, 0, 9};
    xfix_buf p = {(unsigned char *)png, sizeof(png) - 1, 0}, x = {(unsigned char *)bin, sizeof(bin), 0};

    pg_msg *m = one(&p, "scan.png", "application/octet-stream", true);
    xfix_assert_reason(m, "2/attachment:scan.png", "unsupported type image/png");
    pg_msg_free(m);
    m = one(&x, NULL, "application/x-thing", true);
    xfix_assert_reason(m, "2/attachment:unnamed", "unsupported type application/x-thing");
    pg_msg_free(m);
}

/* test_html_too_deep - HTML libxml2 gives up on is scanned raw, and said so */
static void test_html_too_deep(void **state)
{
    xfix_buf b = {0};
    static const char div[] = "<div>";

    b.p = malloc(sizeof(div) * 400 + 32);
    for (int i = 0; i < 400; i++, b.len += 5)
        memcpy(b.p + b.len, div, 5);
    memcpy(b.p + b.len, "SSN " SSN, strlen("SSN " SSN));
    b.len += strlen("SSN " SSN);
    pg_msg *m = one(&b, "deep.html", "text/html", true);
    xfix_assert_text(m, "2/attachment:deep.html", PG_SEG_ATTACHMENT, "SSN " SSN);
    xfix_assert_reason(m, "2/attachment:deep.html", "unparseable html");
    pg_msg_free(m);
    free(b.p);
}

/* test_pdf_no_text - a page with nothing to read: the scanned-form case */
static void test_pdf_no_text(void **state)
{
    xfix_buf b = {0};

    xfix_pdf(&b, "", false, NULL);
    pg_msg *m = one(&b, "scan.pdf", NULL, true);
    xfix_assert_reason(m, "2/attachment:scan.pdf", "pdf without text layer");
    assert_int_equal(pg_msg_segment_count(m), 0);
    pg_msg_free(m);
    free(b.p);
}

/* test_office_encrypted - a password-protected OOXML file is an OLE2
 * container with an EncryptedPackage stream */
static void test_office_encrypted(void **state)
{
    unsigned char ole[512] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
    const char *name = "EncryptedPackage";
    for (size_t i = 0; name[i]; i++)
        ole[200 + 2 * i] = (unsigned char)name[i];
    xfix_buf b = {ole, sizeof(ole), 0};

    pg_msg *m = one(&b, "locked.docx", NULL, true);
    xfix_assert_reason(m, "2/attachment:locked.docx", "encrypted office document");
    pg_msg_free(m);
}

/* test_docx_entities - a billion-laughs document: nothing expands, libxml2
 * halts on the amplification, and the document is reported, not dropped */
static void test_docx_entities(void **state)
{
    static const char lol[] =
        "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"lollollollollol\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
        "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>&g;&g;&g;&x;SSN " SSN "</w:t></w:r></w:p></w:body></w:document>";
    const xfix_entry e[] = {{"[Content_Types].xml", docx_types, (size_t)-1},
                            {"word/document.xml", lol, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 2);
    pg_msg *m = one(&b, "lol.docx", NULL, false);
    xfix_assert_reason(m, "2/attachment:lol.docx", "unparseable office");
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        assert_null(strstr(pg_msg_segment(m, i)->text, "lol"));
        assert_null(strstr(pg_msg_segment(m, i)->text, "root:"));
    }
    pg_msg_free(m);
    free(b.p);
}

/* test_docx_external_entity - a SYSTEM entity is never loaded */
static void test_docx_external_entity(void **state)
{
    static const char xxe[] =
        "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>&x;SSN " SSN "</w:t></w:r></w:p></w:body></w:document>";
    const xfix_entry e[] = {{"[Content_Types].xml", docx_types, (size_t)-1},
                            {"word/document.xml", xxe, (size_t)-1}};
    xfix_buf b = {0};

    xfix_archive(&b, "zip", NULL, NULL, NULL, e, 2);
    pg_msg *m = one(&b, "xxe.docx", NULL, false);
    xfix_assert_text(m, "2/attachment:xxe.docx", PG_SEG_ATTACHMENT, "SSN " SSN);
    assert_null(strstr(xfix_segment(m, "2/attachment:xxe.docx")->text, "root:"));
    pg_msg_free(m);
    free(b.p);
}

/* test_limits_part - a part over max_part_bytes, and the decoded budget */
static void test_limits_part(void **state)
{
    const char *csv = "ssn\n" SSN "\n";
    xfix_buf b = {(unsigned char *)csv, strlen(csv), 0};
    pg_msg_limits lim;

    xfix_limits(&lim, false);
    lim.max_part_bytes = 4;
    pg_msg *m = xfix_extract(&b, "a.csv", "text/csv", &lim);
    xfix_assert_reason(m, "2/attachment:a.csv", "size limit");
    assert_int_equal(pg_msg_segment_count(m), 0);
    pg_msg_free(m);

    xfix_limits(&lim, false);
    lim.max_decoded_bytes = 8;
    m = xfix_extract(&b, "a.csv", "text/csv", &lim);
    xfix_assert_reason(m, "2/attachment:a.csv", "size limit");
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_csv),
        cmocka_unit_test(test_text_utf16),
        cmocka_unit_test(test_html_attachment),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_pdf_encrypted),
        cmocka_unit_test(test_pdf_garbage),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_pptx),
        cmocka_unit_test(test_odt),
        cmocka_unit_test(test_rtf),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_html_too_deep),
        cmocka_unit_test(test_pdf_no_text),
        cmocka_unit_test(test_office_encrypted),
        cmocka_unit_test(test_docx_entities),
        cmocka_unit_test(test_docx_external_entity),
        cmocka_unit_test(test_limits_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
