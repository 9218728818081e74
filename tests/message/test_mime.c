/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mime.c - pg_msg_parse(): a table of named messages, each with the
 * segments it must yield (path, kind, text that must and must not be
 * there) and the findings the engine must then place (path, entity,
 * quoted). Covers headers, encodings, charsets, parameters, HTML, every
 * multipart branch, forwarded messages and quoted replies.
 */
#include "message/mime_testutil.h"

struct seg_expect {
    const char *path;
    pg_seg_kind kind;
    const char *text;   /* must be in the segment */
    const char *absent; /* must not be, or NULL */
};

struct find_expect {
    const char *path;
    pg_entity entity;
    bool quoted;
};

struct mime_case {
    const char *name;
    const char *raw;
    struct seg_expect segs[5];
    struct find_expect finds[5];
};

#define MULTI(b) "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" b "\"\n\n"

static const struct mime_case cases[] = {
    {"subject: a base64 quantum split across B words",
     "From: a@example.com\nSubject: =?UTF-8?B?QWNjb3VudC?= =?UTF-8?B?BTU04gNTM2LTIyLTEyMzQ=?=\n\nhi\n",
     {{"header:subject", PG_SEG_HEADER, "Account SSN 536-22-1234", "=?"}},
     {{"header:subject", PG_ENT_US_SSN, false}}},
    {"subject: padded B words (GMime #133)",
     "Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?= SSN 536-22-1234\n\nhi\n",
     {{"header:subject", PG_SEG_HEADER, "Hello world SSN 536-22-1234", NULL}},
     {{"header:subject", PG_ENT_US_SSN, false}}},
    {"subject: a character split across Q words, folded",
     "Subject: =?UTF-8?Q?Caf=C3?=\n =?UTF-8?Q?=A9_SSN_536-22-1234?=\n\nhi\n",
     {{"header:subject", PG_SEG_HEADER, "Caf\xC3\xA9 SSN 536-22-1234", NULL}},
     {{"header:subject", PG_ENT_US_SSN, false}}},
    {"display names in From, To and Cc; addresses left out",
     "From: \"=?UTF-8?B?Sm9zw6k=?= Ramirez\" <jose@example.com>\n"
     "To: Support <support@example.com>, \"Customer SSN 536-22-1234\" <c@example.com>\n"
     "Cc: Team: \"Ann Lee\" <ann@example.com>, bob@example.com (Bob SSN 536-22-1234);\n"
     "Subject: hi\n\nbody\n",
     {{"header:from", PG_SEG_HEADER, "Jos\xC3\xA9 Ramirez", "@"},
      {"header:to", PG_SEG_HEADER, "Customer SSN 536-22-1234", "@"},
      {"header:cc", PG_SEG_HEADER, "Bob SSN 536-22-1234", "@"},
      {"header:cc", PG_SEG_HEADER, "Team", NULL}},
     {{"header:to", PG_ENT_US_SSN, false}, {"header:cc", PG_ENT_US_SSN, false}}},
    {"quoted-printable: a soft line break inside a number",
     "Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nCustomer SSN 536-22-=\n1234 today\n",
     {{"1", PG_SEG_TEXT, "SSN 536-22-1234 today", "="}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"base64 in separately padded chunks (GMime #150)",
     "Subject: x\nContent-Transfer-Encoding: base64\n\nU1NOIDUzNg==\nLTIyLQ==\nMTIzNAo=\n",
     {{"1", PG_SEG_TEXT, "SSN 536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"x-uuencode part",
     MULTI("b") "--b\nContent-Type: text/plain\n\nsee attached\n--b\n"
     "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=card.txt\n"
     "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 card.txt\n"
     "90V%R9\" T,3$Q(#$Q,3$@,3$Q,2 Q,3$Q\"@  \n`\nend\n--b--\n",
     {{"2/attachment:card.txt", PG_SEG_ATTACHMENT, "Card 4111 1111 1111 1111", NULL},
      {"2/filename", PG_SEG_FILENAME, "card.txt", NULL}},
     {{"2/attachment:card.txt", PG_ENT_CREDIT_CARD, false}}},
    {"inline uuencoded block in a text body",
     "Subject: x\n\nsee file:\nbegin 644 card.txt\n90V%R9\" T,3$Q(#$Q,3$@,3$Q,2 Q,3$Q\"@  \n`\nend\nbye\n",
     {{"1", PG_SEG_TEXT, "see file", NULL},
      {"1/attachment:card.txt", PG_SEG_ATTACHMENT, "Card 4111 1111 1111 1111", NULL}},
     {{"1/attachment:card.txt", PG_ENT_CREDIT_CARD, false}}},
    {"UTF-16 with a byte-order mark",
     "Subject: x\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
     "//5DAHUAcwB0AG8AbQBlAHIAIABTAFMATgAgADUAMwA2AC0AMgAyAC0AMQAyADMANAAKAA==\n",
     {{"1", PG_SEG_TEXT, "Customer SSN 536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"UTF-16 without a label is still read",
     "Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
     "QwB1AHMAdABvAG0AZQByACAAUwBTAE4AIAA1ADMANgAtADIAMgAtADEAMgAzADQACgA=\n",
     {{"1", PG_SEG_TEXT, "Customer SSN 536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"UTF-16BE declared",
     "Subject: x\nContent-Type: text/plain; charset=\"UTF-16BE\"\nContent-Transfer-Encoding: base64\n\n"
     "AEMAdQBzAHQAbwBtAGUAcgAgAFMAUwBOACAANQAzADYALQAyADIALQAxADIAMwA0AAo=\n",
     {{"1", PG_SEG_TEXT, "Customer SSN 536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"ISO-8859-1 quoted-printable to UTF-8",
     "Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n"
     "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 SSN 536-22-1234\n",
     {{"1", PG_SEG_TEXT, "Caf\xC3\xA9 SSN 536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"RFC 2231 file name in encoded sections",
     MULTI("b") "--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/octet-stream\n"
     "Content-Disposition: attachment;\n filename*0*=UTF-8''SSN%20536-22;\n filename*1=\"-1234.txt\"\n"
     "Content-Transfer-Encoding: base64\n\naGVsbG8K\n--b--\n",
     {{"2/filename", PG_SEG_FILENAME, "SSN 536-22-1234.txt", NULL}},
     {{"2/filename", PG_ENT_US_SSN, false}}},
    {"RFC 2047 file name (what Outlook sends)",
     MULTI("b") "--b\nContent-Type: application/octet-stream;\n name=\"=?UTF-8?B?U1NOIDUzNi0yMi0xMjM0LnR4dA==?=\"\n"
     "Content-Transfer-Encoding: base64\n\naGVsbG8K\n--b--\n",
     {{"1/filename", PG_SEG_FILENAME, "SSN 536-22-1234.txt", NULL}},
     {{"1/filename", PG_ENT_US_SSN, false}}},
    {"HTML: hidden content and a number split by tags",
     "Subject: x\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
     "PGRpdiBzdHlsZT0iZGlzcGxheTpub25lIj5TU04gNTM2LTxzcGFuPjIyPC9zcGFuPi0xMjM0PC9kaXY+\n",
     {{"1", PG_SEG_HTML, "SSN 536-22-1234", "<"}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"multipart/alternative: both sides are read",
     "Subject: x\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\n"
     "card 4111 1111 1111 1111\n--a\nContent-Type: text/html\n\n<p>SSN 536-22-1234</p>\n--a--\n",
     {{"1", PG_SEG_TEXT, "4111", NULL}, {"2", PG_SEG_HTML, "SSN 536-22-1234", "<p>"}},
     {{"1", PG_ENT_CREDIT_CARD, false}, {"2", PG_ENT_US_SSN, false}}},
    {"forwarded message/rfc822 with its own headers and branches",
     MULTI("o") "--o\nContent-Type: text/plain\n\nsee below\n--o\nContent-Type: message/rfc822\n\n"
     "From: \"Cust SSN 536-22-1234\" <c@example.com>\nSubject: my SSN 536-22-1234\n"
     "Content-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/plain\n\n"
     "card 4111 1111 1111 1111\n--i\nContent-Type: text/html\n\n<p>card 4111 1111 1111 1111</p>\n"
     "--i--\n--o--\n",
     {{"1", PG_SEG_TEXT, "see below", NULL},
      {"2/header:subject", PG_SEG_HEADER, "my SSN 536-22-1234", NULL},
      {"2/header:from", PG_SEG_HEADER, "Cust SSN", NULL},
      {"2/1", PG_SEG_TEXT, "4111", NULL},
      {"2/2", PG_SEG_HTML, "4111", NULL}},
     {{"2/header:subject", PG_ENT_US_SSN, false}, {"2/1", PG_ENT_CREDIT_CARD, false},
      {"2/2", PG_ENT_CREDIT_CARD, false}}},
    {"message/rfc822 with a single-part body is <n>/1",
     MULTI("o") "--o\nContent-Type: message/rfc822\n\nSubject: fw\n\nSSN 536-22-1234\n--o--\n",
     {{"1/header:subject", PG_SEG_HEADER, "fw", NULL}, {"1/1", PG_SEG_TEXT, "536-22-1234", NULL}},
     {{"1/1", PG_ENT_US_SSN, false}}},
    {"multipart/digest: children default to message/rfc822",
     "Subject: d\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\n"
     "SSN 536-22-1234\n--d--\n",
     {{"1/header:subject", PG_SEG_HEADER, "one", NULL}, {"1/1", PG_SEG_TEXT, "536-22-1234", NULL}},
     {{"1/1", PG_ENT_US_SSN, false}}},
    {"preamble and epilogue are read too",
     "Subject: x\n" MULTI("b") "SSN 536-22-1234 before\n--b\nContent-Type: text/plain\n\nhi\n"
     "--b--\ncard 4111 1111 1111 1111 after\n",
     {{"preamble", PG_SEG_TEXT, "536-22-1234", NULL}, {"epilogue", PG_SEG_TEXT, "4111", NULL}},
     {{"preamble", PG_ENT_US_SSN, false}, {"epilogue", PG_ENT_CREDIT_CARD, false}}},
    {"a text/plain attachment goes to the extractors",
     MULTI("b") "--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: text/plain\n"
     "Content-Disposition: attachment; filename=notes.txt\n\nSSN 536-22-1234\n--b--\n",
     {{"2/attachment:notes.txt", PG_SEG_ATTACHMENT, "536-22-1234", NULL},
      {"2/filename", PG_SEG_FILENAME, "notes.txt", NULL}},
     {{"2/attachment:notes.txt", PG_ENT_US_SSN, false}}},
    {"no header block at all: read as one text",
     "SSN 536-22-1234 and nothing else\n",
     {{"1", PG_SEG_TEXT, "536-22-1234", NULL}},
     {{"1", PG_ENT_US_SSN, false}}},
    {"quoted: '> ' lines",
     "Subject: re\n\nThanks, noted.\n\n> My SSN is 536-22-1234\n",
     {{"1", PG_SEG_TEXT, "noted", NULL}},
     {{"1", PG_ENT_US_SSN, true}}},
    {"quoted: everything after 'On ... wrote:'",
     "Subject: re\n\nNew card 4111 1111 1111 1111 attached.\n\n"
     "On Tue, 3 Jan 2023 at 10:00, Ann Lee <ann@example.com>\nwrote:\nold card 5500 0000 0000 0004\n",
     {{"1", PG_SEG_TEXT, "wrote:", NULL}},
     {{"1", PG_ENT_CREDIT_CARD, false}, {"1", PG_ENT_CREDIT_CARD, true}}},
    {"quoted: an Outlook reply header",
     "Subject: re\n\nMy SSN 536-22-1234 as asked.\n\n________________________________\n"
     "From: Support <s@example.com>\nSent: Monday, 2 January 2023 09:00\nTo: Ann\n"
     "Subject: RE: account\n\nPlease send card 4111 1111 1111 1111\n",
     {{"1", PG_SEG_TEXT, "Sent:", NULL}},
     {{"1", PG_ENT_US_SSN, false}, {"1", PG_ENT_CREDIT_CARD, true}}},
    {"quoted: -----Original Message-----",
     "Subject: re\n\nok\n\n-----Original Message-----\nSSN 536-22-1234\n",
     {{"1", PG_SEG_TEXT, "Original", NULL}},
     {{"1", PG_ENT_US_SSN, true}}},
    {"quoted: HTML blockquote",
     "Subject: re\nContent-Type: text/html\n\n<p>card 4111 1111 1111 1111</p>"
     "<blockquote>SSN 536-22-1234</blockquote>\n",
     {{"1", PG_SEG_HTML, "536-22-1234", NULL}},
     {{"1", PG_ENT_CREDIT_CARD, false}, {"1", PG_ENT_US_SSN, true}}},
};

/* has_finding - a finding with this path, entity and quoted flag */
static bool has_finding(const pg_msg *m, const struct find_expect *e)
{
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->f.entity == e->entity && f->quoted == e->quoted &&
            strcmp(pg_msg_segment(m, f->segment)->path, e->path) == 0)
            return true;
    }
    return false;
}

/* check_segments - every expected segment is there, right kind and text */
static bool check_segments(const pg_msg *m, const struct mime_case *c)
{
    for (size_t i = 0; i < 5 && c->segs[i].path; i++) {
        const struct seg_expect *e = &c->segs[i];
        const pg_segment *s = tm_seg(m, e->path);
        if (!tm_seg_has(m, e->path, e->kind, e->text) ||
            (e->absent && memmem(s->text, s->len, e->absent, strlen(e->absent)))) {
            print_error("%s: segment %s (kind %d) should hold \"%s\"%s%s\n", c->name,
                        e->path, (int)e->kind, e->text, e->absent ? " and not " : "",
                        e->absent ? e->absent : "");
            return false;
        }
    }
    return true;
}

/* test_cases - run the table */
static void test_cases(void **state)
{
    int failed = 0;

    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct mime_case *c = &cases[k];
        pg_msg *m = tm_parse(c->raw);
        bool ok = check_segments(m, c);
        tm_scan(m, state);
        for (size_t i = 0; i < 5 && c->finds[i].path; i++)
            if (!has_finding(m, &c->finds[i])) {
                print_error("%s: no %s%s finding in %s\n", c->name,
                            pg_entity_name(c->finds[i].entity),
                            c->finds[i].quoted ? " quoted" : " unquoted", c->finds[i].path);
                ok = false;
            }
        if (pg_msg_uninspectable_count(m) || pg_msg_encrypted(m)) {
            print_error("%s: nothing should be uninspectable or encrypted\n", c->name);
            ok = false;
        }
        if (!ok) {
            tm_dump(m);
            failed++;
        }
        pg_msg_free(m);
    }
    assert_int_equal(failed, 0);
}

/* test_top_headers - the recorded top-level headers, decoded */
static void test_top_headers(void **state)
{
    pg_msg *m = tm_parse("From: =?UTF-8?Q?Jos=C3=A9?= <j@example.com>\nTo: b@example.com\n"
                         "Cc: c@example.com\nMessage-ID: <abc@example.com>\n"
                         "Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=\n"
                         "Content-Type: text/plain; charset=utf-8\n\nhi\n");

    (void)state;
    assert_string_equal(pg_msg_header(m, "subject"), "Hello world");
    assert_string_equal(pg_msg_header(m, "From"), "Jos\xC3\xA9 <j@example.com>");
    assert_string_equal(pg_msg_header(m, "To"), "b@example.com");
    assert_string_equal(pg_msg_header(m, "Cc"), "c@example.com");
    assert_string_equal(pg_msg_header(m, "Message-ID"), "<abc@example.com>");
    assert_string_equal(pg_msg_header(m, "Content-Type"), "text/plain; charset=utf-8");
    assert_null(pg_msg_header(m, "Reply-To"));
    assert_null(tm_seg(m, "header:to")); /* an address without a name is no text */
    pg_msg_free(m);
}

/* test_mbox_and_crlf - an mbox "From " line and CRLF line ends change nothing */
static void test_mbox_and_crlf(void **state)
{
    pg_msg *m = tm_parse("From someone@example.com  Thu Aug 22 13:17:22 2002\r\n"
                         "Subject: SSN 536-22-1234\r\nContent-Type: multipart/mixed; boundary=q\r\n"
                         "\r\n--q\r\nContent-Type: text/plain\r\n\r\nhello\r\n--q--\r\n");

    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, "SSN 536-22-1234"));
    assert_true(tm_seg_has(m, "1", PG_SEG_TEXT, "hello"));
    tm_scan(m, state);
    assert_non_null(tm_find(m, "header:subject", PG_ENT_US_SSN));
    pg_msg_free(m);
}

/* select_all - redact every finding */
static bool select_all(const pg_msg_finding *f, void *payload)
{
    (void)f;
    (void)payload;
    return true;
}

/* test_caller_buffer - the parse reads the caller's bytes in place (no
 * copy while it walks) but only len of them, and the message keeps a copy
 * of its own: the input can go when pg_msg_parse() returns and redaction
 * still works. The Subject line GMime reads ("Subject :") is not the one
 * the raw scan for its origin matches, so that scan runs to the end of the
 * buffer, with no NUL after it (AddressSanitizer sees a read past it). */
static void test_caller_buffer(void **state)
{
    static const char text[] = "Subject: SSN 536-22-1234\nTo: a@example.com\n\n"
                               "SSN 536-22-1234\n";
    static const char hdr[] = "To: a@example.com\nSubject : SSN 536-22-1234\nX-A: b";
    char *out = NULL;
    size_t len = 0;

    pg_msg *m = tm_parse_n(hdr, sizeof(hdr) - 1, NULL);
    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, "536-22-1234"));
    pg_msg_free(m);
    m = tm_parse_n(text, sizeof(text) - 1, NULL);
    tm_scan(m, state);
    assert_int_equal(pg_msg_finding_count(m), 2);
    assert_int_equal(pg_msg_redact(&out, &len, m, select_all, NULL, PG_MASK_SHAPE), 0);
    assert_null(memmem(out, len, "536-22-1234", 11));
    assert_non_null(memmem(out, len, "To: a@example.com", 17));
    free(out);
    pg_msg_free(m);
}

/* test_from_text - a chat text: one segment, "> " quoted */
static void test_from_text(void **state)
{
    const char *t = "ok\n> SSN 536-22-1234\n";
    pg_msg *m = NULL;

    assert_int_equal(pg_msg_from_text(&m, t, strlen(t), "sms"), 0);
    assert_true(tm_seg_has(m, "sms", PG_SEG_CHAT, "536"));
    tm_scan(m, state);
    const pg_msg_finding *f = tm_find(m, "sms", PG_ENT_US_SSN);
    assert_non_null(f);
    assert_true(f->quoted);
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_top_headers),
        cmocka_unit_test(test_mbox_and_crlf),
        cmocka_unit_test(test_from_text),
        cmocka_unit_test(test_caller_buffer),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
