/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_evasion.c - every evasion technique the threat model names
 * (docs/security.md), each as a whole message through the production
 * path: pg_msg_parse() with the default limits (attachments in the forked
 * extractor), pg_msg_scan() with the default engine. The PII must be
 * found, in the part it was hidden in, and the message must not pass as
 * encrypted.
 *
 * The unit-level tests of each mechanism stay where they are (engine
 * normalisation, HTML to text, decoders, archives, encryption detection;
 * docs/security.md lists them); this table proves the pieces are wired
 * together so that a sender gains nothing from combining them.
 *
 * test_html5_redact shows that a number hidden with HTML5 references is
 * masked in place too (the redaction maps the text back to the entity).
 *
 * Messages are built here at run time: base64 and quoted-printable bodies
 * are encoded by hand, archives by libarchive's writers. Every number is
 * made up (SSN 536-22-1234 passes the SSA rules; the card is a test PAN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "piiguard/pg_msg.h"

/* ---- building blocks ----------------------------------------------------- */

/* A growable buffer; tests abort on allocation failure. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

/* put - append n bytes */
static void put(buf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        assert_non_null(b->p = realloc(b->p, b->cap));
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* puts_ - append a string */
static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* b64 - base64 of n bytes in lines of @line characters (a multiple of 4
 * or not: decoders must not care where lines break) */
static void b64(buf *b, const unsigned char *s, size_t n, size_t line)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        char q[4] = {a[v >> 18 & 63], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=',
                     i + 2 < n ? a[v & 63] : '='};
        for (int k = 0; k < 4; k++) {
            put(b, &q[k], 1);
            if (++col == line) {
                puts_(b, "\n");
                col = 0;
            }
        }
    }
    if (col)
        puts_(b, "\n");
}

/* utf16 - ASCII text as UTF-16 (LE with a BOM, or BE without) */
static void utf16(buf *b, const char *s, int le)
{
    if (le)
        put(b, "\xFF\xFE", 2);
    for (; *s; s++) {
        char u[2] = {le ? *s : 0, le ? 0 : *s};
        put(b, u, 2);
    }
}

/* write_cb - libarchive's writer appends to a buf */
static la_ssize_t write_cb(struct archive *a, void *payload, const void *p, size_t n)
{
    put(payload, p, n);
    return (la_ssize_t)n;
}

/* archive1 - an archive of one member, format "zip" or "pax", filter NULL
 * or "gzip" */
static void archive1(buf *out, const char *format, const char *filter,
                     const char *name, const void *data, size_t len)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();

    assert_int_equal(archive_write_set_format_by_name(a, format), ARCHIVE_OK);
    if (filter)
        assert_int_equal(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open(a, out, NULL, write_cb, NULL), ARCHIVE_OK);
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

#define HEAD "From: agent@corp.example.com\nTo: customer@example.net\nMIME-Version: 1.0\n"

/* attach - a message with a short text body and one base64 attachment */
static void attach(buf *m, const char *ct, const char *filename, const buf *data)
{
    puts_(m, HEAD "Subject: your file\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
                  "--b\nContent-Type: text/plain\n\nSee the attachment.\n--b\nContent-Type: ");
    puts_(m, ct);
    puts_(m, "\nContent-Disposition: attachment; filename=\"");
    puts_(m, filename);
    puts_(m, "\"\nContent-Transfer-Encoding: base64\n\n");
    b64(m, (const unsigned char *)data->p, data->len, 76);
    puts_(m, "--b--\n");
}

/* ---- the message builders ------------------------------------------------------ */

/* base64 in 4-character lines, the SSN cut across lines and quanta */
static void build_b64_chunked(buf *m)
{
    static const char body[] = "Dear customer, your SSN is 536-22-1234 as requested.\n";

    puts_(m, HEAD "Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n");
    b64(m, (const unsigned char *)body, sizeof(body) - 1, 5);
}

/* UTF-16LE with a BOM, and UTF-16BE declared, base64 */
static void build_utf16(buf *m, int le)
{
    buf u = {0};

    utf16(&u, "Card on file: 4111 1111 1111 1111\n", le);
    puts_(m, HEAD "Subject: x\nContent-Type: text/plain; charset=");
    puts_(m, le ? "utf-16" : "utf-16be");
    puts_(m, "\nContent-Transfer-Encoding: base64\n\n");
    b64(m, (const unsigned char *)u.p, u.len, 76);
    free(u.p);
}
static void build_utf16le(buf *m) { build_utf16(m, 1); }
static void build_utf16be(buf *m) { build_utf16(m, 0); }

/* a UTF-16 CSV attachment with no charset label */
static void build_utf16_attachment(buf *m)
{
    buf u = {0};

    utf16(&u, "name,ssn\nJane Roe,536-22-1234\n", 1);
    attach(m, "text/csv", "customers.csv", &u);
    free(u.p);
}

/* a CSV in a zip in a zip in a tar.gz */
static void build_nested(buf *m)
{
    static const char csv[] = "name,ssn\nJane Roe,536-22-1234\n";
    buf z1 = {0}, z2 = {0}, tgz = {0};

    archive1(&z1, "zip", NULL, "customers.csv", csv, sizeof(csv) - 1);
    archive1(&z2, "zip", NULL, "inner.zip", z1.p, z1.len);
    archive1(&tgz, "pax", "gzip", "export/outer.zip", z2.p, z2.len);
    attach(m, "application/gzip", "export.tar.gz", &tgz);
    free(z1.p);
    free(z2.p);
    free(tgz.p);
}

/* a DOCX renamed to a picture: the bytes decide, not the label */
static void build_renamed(buf *m)
{
    static const char ct[] = "<Types/>";
    static const char doc[] = "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Card "
                              "4111 1111 1111 1111</w:t></w:r></w:p></w:body></w:document>";
    struct archive *a = archive_write_new();
    buf z = {0};
    const char *names[] = {"[Content_Types].xml", "word/document.xml"};
    const char *data[] = {ct, doc};

    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open(a, &z, NULL, write_cb, NULL), ARCHIVE_OK);
    for (int i = 0; i < 2; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        archive_write_data(a, data[i], strlen(data[i]));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    attach(m, "image/jpeg", "holiday.jpg", &z);
    free(z.p);
}

/* ---- the table -------------------------------------------------------------------- */

struct evasion {
    const char *name;          /* the technique, as docs/security.md names it */
    const char *raw;           /* the message, or NULL with build */
    void (*build)(buf *m);
    pg_entity want;
    const char *path;          /* the segment the finding must be in (prefix) */
};

static const struct evasion cases[] = {
    {"zero-width characters inside the number",
     HEAD "Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
     "SSN 5\xe2\x80\x8b" "36\xe2\x80\x8c-2\xe2\x80\x8d" "2-\xe2\x81\xa0" "12\xef\xbb\xbf" "34\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"full-width digits",
     HEAD "Subject: x\nContent-Type: text/plain; charset=utf-8\n\nCard "
     "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 \xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 "
     "\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 \xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91\n",
     NULL, PG_ENT_CREDIT_CARD, "1"},
    {"Unicode dashes as separators",
     HEAD "Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
     "SSN 536\xe2\x80\x93" "22\xe2\x80\x90" "1234\n", NULL, PG_ENT_US_SSN, "1"},
    {"no-break and thin spaces as separators",
     HEAD "Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
     "card 4111\xc2\xa0" "1111\xc2\xa0" "1111\xe2\x80\x89" "1111\n", NULL,
     PG_ENT_CREDIT_CARD, "1"},
    {"HTML decimal entities",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<p>SSN &#53;&#51;&#54;&#45;&#50;&#50;&#45;&#49;&#50;&#51;&#52;</p>\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"HTML hex and named entities",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<p>SSN&colon;&nbsp;&#x35;&#x33;&#x36;&hyphen;22&minus;1234</p>\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"HTML5 named references libxml2 does not know",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<p>card 4111&hyphen;1111&dash;1111&hyphen;1111</p>"
     "<p>SSN 536&period;22&ZeroWidthSpace;&period;1234&NonBreakingSpace;ok</p>\n",
     NULL, PG_ENT_CREDIT_CARD, "1"},
    {"HTML5 named references inside pre",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<pre>SSN 536&hyphen;22&ZeroWidthSpace;&hyphen;1234</pre>\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"splitting the number across HTML tags",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<p>SSN 53<b>6</b>-<span style=\"color:#fff\">22</span>-<i>12</i><u>34</u></p>\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"the number in hidden HTML (display:none)",
     HEAD "Subject: x\nContent-Type: text/html\n\n"
     "<p>hello</p><div style=\"display:none\">card 4111 1111 1111 1111</div>\n",
     NULL, PG_ENT_CREDIT_CARD, "1"},
    {"base64 in 5-character lines, cut inside the number", NULL, build_b64_chunked,
     PG_ENT_US_SSN, "1"},
    {"quoted-printable soft line breaks inside the number",
     HEAD "Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
     "SSN 53=\n6-2=\r\n2-=3123=\n4 as asked\n",
     NULL, PG_ENT_US_SSN, "1"},
    {"quoted-printable encoding every digit",
     HEAD "Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
     "SSN =35=33=36-=32=32-=31=32=33=34\n", NULL, PG_ENT_US_SSN, "1"},
    {"RFC 2047 encoded words splitting the number in the Subject",
     "From: agent@corp.example.com\nTo: customer@example.net\n"
     "Subject: =?UTF-8?B?U1NOIDUz?= =?UTF-8?Q?6-22?=\n =?UTF-8?B?LTEyMzQ=?=\n\nhi\n",
     NULL, PG_ENT_US_SSN, "header:subject"},
    {"RFC 2047 in a display name",
     "From: \"=?UTF-8?Q?SSN_536-22-1234?=\" <agent@corp.example.com>\n"
     "To: customer@example.net\nSubject: x\n\nhi\n", NULL, PG_ENT_US_SSN, "header:"},
    {"UTF-16LE body with a byte-order mark", NULL, build_utf16le, PG_ENT_CREDIT_CARD, "1"},
    {"UTF-16BE body, declared", NULL, build_utf16be, PG_ENT_CREDIT_CARD, "1"},
    {"UTF-16 CSV attachment without a charset", NULL, build_utf16_attachment,
     PG_ENT_US_SSN, "2/attachment:customers.csv"},
    {"nested archives: a CSV in a zip in a zip in a tar.gz", NULL, build_nested,
     PG_ENT_US_SSN, "2/attachment:export.tar.gz/entry:export/outer.zip/entry:inner.zip"},
    {"a DOCX renamed to .jpg and labelled image/jpeg", NULL, build_renamed,
     PG_ENT_CREDIT_CARD, "2/attachment:holiday.jpg"},
    {"fake S/MIME: application/pkcs7-mime over plain text",
     HEAD "Subject: secure\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; "
     "name=\"smime.p7m\"\nContent-Transfer-Encoding: base64\n\n"
     "RGVhciBzdXBwb3J0LCBteSBTU04gaXMgNTM2LTIyLTEyMzQK\n", NULL, PG_ENT_US_SSN, ""},
    {"fake PGP: an armour header over clear text",
     HEAD "Subject: x\nContent-Type: text/plain\n\n-----BEGIN PGP MESSAGE-----\n\n"
     "SSN 536-22-1234\n-----END PGP MESSAGE-----\n", NULL, PG_ENT_US_SSN, "1"},
    {"fake PGP/MIME: multipart/encrypted whose parts are clear text",
     HEAD "Subject: x\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
     "boundary=\"e\"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\n"
     "Content-Type: application/octet-stream\n\nSSN 536-22-1234\n--e--\n",
     NULL, PG_ENT_US_SSN, ""},
    {"encryption claimed only in headers and the Subject",
     HEAD "Subject: [ENCRYPTED] your details\nX-Encrypted: yes\nSensitivity: Company-Confidential\n"
     "Content-Type: text/plain\n\nSSN 536-22-1234\n", NULL, PG_ENT_US_SSN, "1"},
};

static pg_engine *engine;
static pg_scratch *scratch;

static int setup(void **state)
{
    return pg_engine_new(&engine, NULL) < 0 || pg_scratch_new(&scratch, engine) < 0;
}

static int teardown(void **state)
{
    pg_scratch_free(scratch);
    pg_engine_free(engine);
    return 0;
}

/* found_in - a finding of @want in a segment whose path starts with @path */
static bool found_in(const pg_msg *m, pg_entity want, const char *path)
{
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->f.entity == want &&
            strncmp(pg_msg_segment(m, f->segment)->path, path, strlen(path)) == 0)
            return true;
    }
    return false;
}

/* dump - what was found and where, for a failing case */
static void dump(const pg_msg *m)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++)
        print_message("  segment %s: %.80s\n", pg_msg_segment(m, i)->path,
                      pg_msg_segment(m, i)->text);
    for (size_t i = 0; i < pg_msg_finding_count(m); i++)
        print_message("  finding %s in %s\n",
                      pg_entity_name(pg_msg_finding_at(m, i)->f.entity),
                      pg_msg_segment(m, pg_msg_finding_at(m, i)->segment)->path);
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++)
        print_message("  uninspectable %s: %s\n", pg_msg_uninspectable_at(m, i)->segment,
                      pg_msg_uninspectable_at(m, i)->reason);
}

/* test_evasions - each technique, whole message, production limits */
static void test_evasions(void **state)
{
    pg_msg_limits lim;
    int failed = 0;

    pg_msg_limits_init(&lim);   /* isolate_extractors: the forked child */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct evasion *c = &cases[i];
        buf m = {0};
        pg_msg *msg = NULL;

        if (c->build)
            c->build(&m);
        else
            puts_(&m, c->raw);
        assert_int_equal(pg_msg_parse(&msg, m.p, m.len, &lim), 0);
        assert_int_equal(pg_msg_scan(msg, engine, scratch), 0);
        bool ok = found_in(msg, c->want, c->path) && !pg_msg_encrypted(msg);
        print_message("%s - %s\n", ok ? "found" : "MISSED", c->name);
        if (!ok) {
            print_message("  wanted %s in %s*, encrypted=%d\n", pg_entity_name(c->want),
                          c->path, pg_msg_encrypted(msg));
            dump(msg);
            failed++;
        }
        pg_msg_free(msg);
        free(m.p);
    }
    assert_int_equal(failed, 0);
}

/* select_all - redact every finding */
static bool select_all(const pg_msg_finding *f, void *payload)
{
    return true;
}

/* test_html5_redact - a number written with HTML5 references is masked
 * in place, not only found */
static void test_html5_redact(void **state)
{
    static const char raw[] = HEAD "Subject: x\nContent-Type: text/html\n\n"
                              "<p>card 4111&hyphen;1111&hyphen;1111&hyphen;1111 ok</p>\n";
    pg_msg_limits lim;
    pg_msg *msg = NULL;
    char *out = NULL;
    size_t len;

    pg_msg_limits_init(&lim);
    assert_int_equal(pg_msg_parse(&msg, raw, sizeof(raw) - 1, &lim), 0);
    assert_int_equal(pg_msg_scan(msg, engine, scratch), 0);
    assert_true(found_in(msg, PG_ENT_CREDIT_CARD, "1"));
    assert_int_equal(pg_msg_redact(&out, &len, msg, select_all, NULL, PG_MASK_SHAPE), 0);
    assert_null(strstr(out, "4111&hyphen;1111"));
    assert_non_null(strstr(out, " ok</p>"));
    free(out);
    pg_msg_free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evasions),
        cmocka_unit_test(test_html5_redact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
