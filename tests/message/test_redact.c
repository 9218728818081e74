/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_redact.c - pg_msg_redact(): the selected values are gone, the mail
 * is still valid MIME (GMime parses it, same parts), every byte outside
 * the rewritten parts is unchanged, and the text around each value is
 * unchanged too; what cannot be rewritten in place is PG_ESTATE.
 */
#include <gmime/gmime.h>

#include "message/mime.h"
#include "message/mime_testutil.h"

static const char ssn[] = "536-22-1234";
static const char card[] = "4111 1111 1111 1111";

/* all - select every finding */
static bool all(const pg_msg_finding *f, void *payload)
{
    (void)f;
    (void)payload;
    return true;
}

/* ssn_or_card - select the two values the tests plant */
static bool ssn_or_card(const pg_msg_finding *f, void *payload)
{
    (void)payload;
    return f->f.entity == PG_ENT_US_SSN || f->f.entity == PG_ENT_CREDIT_CARD;
}

/* only_quoted - select findings in quoted text */
static bool only_quoted(const pg_msg_finding *f, void *payload)
{
    (void)payload;
    return f->quoted;
}

/* none - select nothing */
static bool none(const pg_msg_finding *f, void *payload)
{
    (void)f;
    (void)payload;
    return false;
}

/* of_entity - select one entity type */
static bool of_entity(const pg_msg_finding *f, void *payload)
{
    return f->f.entity == *(const pg_entity *)payload;
}

/* redact - parse, scan, redact; returns the rc, *out on success */
static int redact(char **out, size_t *len, void **state, const char *raw,
                  bool (*sel)(const pg_msg_finding *, void *), void *payload,
                  pg_mask_style style)
{
    pg_msg *m = tm_parse(raw);

    tm_scan(m, state);
    *out = NULL;
    int rc = pg_msg_redact(out, len, m, sel, payload, style);
    pg_msg_free(m);
    return rc;
}

/* gmime_parts - how many leaves GMime finds (-1: not a message) */
static int gmime_parts(const char *raw, size_t len)
{
    mime_doc doc;
    int n = 0;

    mime_gmime_open(&doc, raw, len);
    if (!doc.message) {
        mime_gmime_close(&doc);
        return -1;
    }
    GMimePartIter *it = g_mime_part_iter_new(GMIME_OBJECT(doc.message));
    do {
        GMimeObject *o = g_mime_part_iter_get_current(it);
        n += o && GMIME_IS_PART(o);
    } while (g_mime_part_iter_next(it));
    g_mime_part_iter_free(it);
    mime_gmime_close(&doc);
    return n;
}

/* reparsed_clean - parse the output: no segment holds a raw value */
static void reparsed_clean(const char *out, size_t len, const char *const *values)
{
    pg_msg *m = tm_parse_n(out, len, NULL);

    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        for (size_t v = 0; values[v]; v++)
            if (memmem(s->text, s->len, values[v], strlen(values[v])))
                fail_msg("segment %s still holds a value", s->path);
    }
    pg_msg_free(m);
}

/* masked - the SHAPE mask of a value */
static const char *masked(char *buf, size_t cap, const char *value)
{
    pg_mask(buf, cap, value, strlen(value), PG_MASK_SHAPE, "X");
    return buf;
}

/* test_parts - QP text, base64 latin-1 HTML split by tags, and the Subject */
static void test_parts(void **state)
{
    static const char raw[] =
        "From: Jane <jane@example.com>\nSubject: SSN 536-22-1234 inside\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"XX\"\n\npreamble stays\n--XX\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        "Hi, my SSN is 536-22-=\n1234 and card 4111 1111 1111 1111. Caf=C3=A9.\n--XX\n"
        "Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n"
        "PGh0bWw+PGJvZHk+PHA+SGksIG15IFNTTiBpcyA1MzYtPGI+MjI8L2I+LTEyMzQgYW5kIGNhcmQg\n"
        "NDExMSAxMTExIDExMTEgMTExMS4gQ2Fm6TwvcD48L2JvZHk+PC9odG1sPgo=\n--XX--\nepilogue\n";
    const char *values[] = {ssn, card, NULL};
    char m1[64], m2[64], want[256];
    char *out;
    size_t len;

    int rc = redact(&out, &len, state, raw, ssn_or_card, NULL, PG_MASK_SHAPE);
    if (rc < 0)
        fail_msg("redact: %s", pg_error_last());
    assert_null(memmem(out, len, ssn, strlen(ssn)));
    assert_null(memmem(out, len, card, strlen(card)));
    assert_int_equal(gmime_parts(out, len), 2);
    reparsed_clean(out, len, values);
    /* between the Subject and the first body, and from the last boundary
     * on: byte for byte */
    const char *from = strstr(raw, "MIME-Version"), *to = strstr(raw, "--XX\nContent-Type: text/p");
    const char *ofrom = memmem(out, len, "MIME-Version", 12);
    assert_non_null(ofrom);
    assert_memory_equal(ofrom, from, (size_t)(to - from));
    assert_non_null(memmem(out, len, "\n--XX--\nepilogue\n", 17));
    pg_msg *m = tm_parse_n(out, len, NULL);
    snprintf(want, sizeof(want), "Hi, my SSN is %s and card %s. Caf\xC3\xA9.",
             masked(m1, sizeof(m1), ssn), masked(m2, sizeof(m2), card));
    assert_string_equal(tm_seg(m, "1")->text, want);
    assert_true(tm_seg_has(m, "2", PG_SEG_HTML, "Caf\xC3\xA9"));
    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, " inside"));
    assert_non_null(strstr(out, "Content-Type: text/html; charset=iso-8859-1\n"));
    pg_msg_free(m);
    free(out);
}

/* test_utf16_crlf - a UTF-16 base64 body in a CRLF message stays so */
static void test_utf16_crlf(void **state)
{
    static const char raw[] =
        "Subject: x\r\nContent-Type: text/plain; charset=utf-16\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "//5DAHUAcwB0AG8AbQBlAHIAIABTAFMATgAgADUAMwA2AC0AMgAyAC0AMQAyADMANAAKAA==\r\n";
    const char *values[] = {ssn, NULL};
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, raw, all, NULL, PG_MASK_SHAPE), 0);
    reparsed_clean(out, len, values);
    const char *body = strstr(out, "\r\n\r\n") + 4;
    assert_non_null(strstr(body, "\r\n"));
    assert_null(strstr(body, "\n\n"));
    assert_memory_equal(body, "//5", 3); /* the byte-order mark is still first */
    pg_msg *m = tm_parse_n(out, len, NULL);
    assert_true(tm_seg_has(m, "1", PG_SEG_TEXT, "Customer SSN ***-**-"));
    pg_msg_free(m);
    free(out);
}

/* test_mislabeled - 8-bit text labeled UTF-8 goes back byte for byte */
static void test_mislabeled(void **state)
{
    static const char raw[] = "Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
                              "Caf\xE9: SSN 536-22-1234, na\xEFve\n";
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, raw, all, NULL, PG_MASK_SHAPE), 0);
    assert_null(strstr(out, ssn));
    assert_non_null(strstr(out, "\n\nCaf\xE9: SSN ***-**-"));
    assert_non_null(strstr(out, ", na\xEFve\n"));
    free(out);
}

/* test_labels - LABEL style, also across HTML tags */
static void test_labels(void **state)
{
    static const char raw[] = "Subject: x\nContent-Type: text/html\n\n"
                              "<p>SSN 536-<i>22</i>-1234, SSN&nbsp;536-22-1234</p>\n";
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, raw, all, NULL, PG_MASK_LABEL), 0);
    assert_non_null(strstr(out, "[US_SSN]"));
    assert_null(strstr(out, "1234"));
    assert_non_null(strstr(out, "<i></i>")); /* markup kept, value gone */
    free(out);
}

/* test_selection - only what is selected is masked */
static void test_selection(void **state)
{
    static const char raw[] = "Subject: re\n\nMy SSN 536-22-1234.\n\n> old SSN 536-22-1234\n";
    pg_entity email = PG_ENT_EMAIL_ADDRESS;
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, raw, only_quoted, NULL, PG_MASK_SHAPE), 0);
    assert_non_null(strstr(out, "My SSN 536-22-1234."));
    assert_null(strstr(out, "old SSN 536-22-1234"));
    free(out);
    assert_int_equal(redact(&out, &len, state, raw, none, NULL, PG_MASK_SHAPE), 0);
    assert_int_equal(len, strlen(raw));
    assert_memory_equal(out, raw, len);
    free(out);
    assert_int_equal(redact(&out, &len, state, raw, of_entity, &email, PG_MASK_SHAPE), 0);
    assert_memory_equal(out, raw, len);
    free(out);
}

/* test_encoded_subject - a non-ASCII Subject comes back as encoded words */
static void test_encoded_subject(void **state)
{
    static const char raw[] = "Subject: =?UTF-8?Q?Caf=C3=A9_SSN_536-22-1234?=\n\nhello\n";
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, raw, all, NULL, PG_MASK_SHAPE), 0);
    assert_non_null(strstr(out, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(out, "\n\nhello\n"));
    pg_msg *m = tm_parse_n(out, len, NULL);
    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, "Caf\xC3\xA9 SSN ***-**-"));
    pg_msg_free(m);
    free(out);
}

/* test_refusals - attachments and display names cannot be rewritten */
static void test_refusals(void **state)
{
    static const char attachment[] =
        "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
        "hi\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=n.txt\n\n"
        "SSN 536-22-1234\n--b--\n";
    static const char display[] = "From: \"SSN 536-22-1234\" <a@example.com>\n\nhi\n";
    char *out;
    size_t len;

    assert_int_equal(redact(&out, &len, state, attachment, all, NULL, PG_MASK_SHAPE), PG_ESTATE);
    assert_null(out);
    assert_null(strstr(pg_error_last(), ssn)); /* the message names no value */
    assert_int_equal(redact(&out, &len, state, display, all, NULL, PG_MASK_SHAPE), PG_ESTATE);
    assert_null(out);
}

/* test_chat - no raw message: the text, masked */
static void test_chat(void **state)
{
    const char *t = "call me, SSN 536-22-1234 thanks";
    pg_msg *m;
    char *out, want[128], mk[64];
    size_t len;

    assert_int_equal(pg_msg_from_text(&m, t, strlen(t), "chat"), 0);
    tm_scan(m, state);
    assert_int_equal(pg_msg_redact(&out, &len, m, all, NULL, PG_MASK_SHAPE), 0);
    snprintf(want, sizeof(want), "call me, SSN %s thanks", masked(mk, sizeof(mk), ssn));
    assert_string_equal(out, want);
    free(out);
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts),     cmocka_unit_test(test_utf16_crlf),
        cmocka_unit_test(test_mislabeled),
        cmocka_unit_test(test_labels),    cmocka_unit_test(test_selection),
        cmocka_unit_test(test_encoded_subject), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_chat),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
