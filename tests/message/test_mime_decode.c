/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mime_decode.c - the decoders one at a time: base64, quoted-printable,
 * uuencode, RFC 2047 words, RFC 2231 parameters, display names and
 * charsets, each as a table of named inputs and exact outputs.
 */
#include <strings.h>

#include "message/mime.h"
#include "message/mime_testutil.h"

struct pair {
    const char *name, *in, *out;
};

/* test_base64 - chunks, whitespace, stray bytes, quanta split anywhere */
static void test_base64(void **state)
{
    static const struct {
        const char *in, *out;
        size_t stray;
    } cases[] = {
        {"U1NOIDUzNi0yMi0xMjM0", "SSN 536-22-1234", 0},
        {"U1NO\r\nIDUz\r\nNi0y\r\nMi0x\r\nMjM0", "SSN 536-22-1234", 0},
        {"MTIz\nNDU=\nNjc4OQ==", "123456789", 0},
        {"MQ==Mg==Mw==", "123", 0},
        {"U1N!O", "SSN", 1},
        {"U1 NO\tIDUz", "SSN 53", 0},            /* blanks inside quanta */
        {"U1NO\x80IDUz", "SSN 53", 1},           /* an 8-bit stray between quanta */
        {"+/+/////", "\xFB\xFF\xBF\xFF\xFF\xFF", 0}, /* the last two letters */
        {"U1", "S", 0},
        {"U", "", 1},
        {"", "", 0},
    };
    unsigned char *out;
    size_t n, stray;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(mime_base64_decode(&out, &n, &stray, cases[i].in, strlen(cases[i].in)), 0);
        assert_int_equal(n, strlen(cases[i].out));
        assert_memory_equal(out, cases[i].out, n);
        assert_int_equal(stray, cases[i].stray);
        free(out);
    }
}

/* test_qp - soft breaks, padding, malformed escapes */
static void test_qp(void **state)
{
    static const struct pair cases[] = {
        {"soft break in a number", "536-22-=\n1234", "536-22-1234"},
        {"soft break with CRLF and blanks", "536-22-=  \r\n1234", "536-22-1234"},
        {"escapes, either case", "caf=C3=a9", "caf\xC3\xA9"},
        {"trailing blanks are padding", "a  \nb\t\r\nc", "a\nb\r\nc"},
        {"inner blanks stay", "a  b", "a  b"},
        {"malformed escape stays", "100=%", "100=%"},
        {"'=' at the end", "abc=", "abc"},
    };
    unsigned char *out;
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(mime_qp_decode(&out, &n, cases[i].in, strlen(cases[i].in), false), 0);
        if (n != strlen(cases[i].out) || memcmp(out, cases[i].out, n) != 0)
            fail_msg("%s: got \"%.*s\"", cases[i].name, (int)n, out);
        free(out);
    }
    assert_int_equal(mime_qp_decode(&out, &n, "a_b=5F", 6, true), 0);
    assert_string_equal((char *)out, "a b_");
    free(out);
}

/* test_uuencode - classic and base64 blocks, lying counts, no end line */
static void test_uuencode(void **state)
{
    static const char classic[] = "x\nbegin 644 hi.txt\n%:&5L;&\\ \n`\nend\ny\n";
    static const char b64[] = "begin-base64 600 n.bin\naGVsbG8K\n====\n";
    static const char liar[] = "begin 644 l\nM86)C\nend\n"; /* says 45, carries 3 */
    unsigned char *out;
    size_t n, begin, end;
    char *name;

    (void)state;
    assert_int_equal(mime_uu_find(&begin, &end, classic, strlen(classic), 0), 0);
    assert_int_equal(begin, 2);
    assert_int_equal(end, strlen(classic) - 2);
    assert_int_equal(mime_uu_decode(&out, &n, &name, classic, strlen(classic)), 0);
    assert_string_equal(name, "hi.txt");
    assert_int_equal(n, 5);
    assert_memory_equal(out, "hello", 5);
    free(out);
    free(name);
    assert_int_equal(mime_uu_decode(&out, &n, &name, b64, strlen(b64)), 0);
    assert_string_equal(name, "n.bin");
    assert_memory_equal(out, "hello\n", 6);
    free(out);
    free(name);
    assert_int_equal(mime_uu_decode(&out, &n, &name, liar, strlen(liar)), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "abc", 3);
    free(out);
    free(name);
    assert_int_equal(mime_uu_decode(&out, &n, &name, "no block", 8), PG_ENOTFOUND);
}

/* test_rfc2047 - words, runs, charsets, lenience */
static void test_rfc2047(void **state)
{
    static const struct pair cases[] = {
        {"plain", "  Hello  world ", "Hello  world"},
        {"folded", "Hello\r\n world", "Hello world"},
        {"padded B words (GMime #133)", "=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=", "Hello world"},
        {"quantum across words", "=?utf-8?b?SGVsbG8gd?= =?utf-8?b?29ybGQ=?=", "Hello world"},
        {"character across Q words", "=?UTF-8?Q?Caf=C3?=\n =?UTF-8?Q?=A9?=", "Caf\xC3\xA9"},
        {"B then Q, one charset", "=?UTF-8?B?w6k=?= =?UTF-8?Q?=C3=A9?=", "\xC3\xA9\xC3\xA9"},
        {"two charsets", "=?ISO-8859-1?Q?caf=E9?= =?UTF-8?Q?_ok?=", "caf\xC3\xA9 ok"},
        {"words and text", "Re: =?UTF-8?Q?SSN_536-22-1234?= now", "Re: SSN 536-22-1234 now"},
        {"glued to text", "x=?UTF-8?Q?y?=z", "xyz"},
        {"language suffix", "=?UTF-8*en?Q?hi?=", "hi"},
        {"not a word", "=?UTF-8?X?abc?= =?", "=?UTF-8?X?abc?= =?"},
        {"unknown charset", "=?x-bogus?Q?plain?=", "plain"},
        {"raw 8-bit latin-1", "caf\xE9", "caf\xC3\xA9"},
    };
    char *out;
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(mime_rfc2047_decode(&out, &n, cases[i].in, strlen(cases[i].in)), 0);
        if (strcmp(out, cases[i].out) != 0 || n != strlen(out))
            fail_msg("%s: got \"%s\"", cases[i].name, out);
        free(out);
    }
}

/* test_params - RFC 2231, RFC 2047 and quoting in parameter values */
static void test_params(void **state)
{
    static const struct {
        const char *value, *name, *out;
    } cases[] = {
        {"attachment; filename=\"a b.txt\"", "filename", "a b.txt"},
        {"attachment; filename=plain.txt ; size=3", "filename", "plain.txt"},
        {"attachment; filename=\"q\\\"uote.txt\"", "filename", "q\"uote.txt"},
        {"attachment; filename*=UTF-8''SSN%20536-22-1234.pdf", "filename", "SSN 536-22-1234.pdf"},
        {"attachment;\n filename*1=\"-1234.txt\";\n filename*0*=iso-8859-1'en'caf%E9%20536-22",
         "filename", "caf\xC3\xA9 536-22-1234.txt"},
        {"attachment; filename=\"old.txt\"; filename*=UTF-8''new.txt", "filename", "new.txt"},
        {"application/pdf; name=\"=?UTF-8?B?w6kucGRm?=\"", "name", "\xC3\xA9.pdf"},
        {"text/plain; charset=\"utf-8\"; name=x; filename=y", "name", "x"},
        {"text/plain; xname=a; name=b", "name", "b"},
        {"text/plain", "name", NULL},
    };
    char *out;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *v = cases[i].value;
        assert_int_equal(mime_param_get(&out, v, strlen(v), cases[i].name), 0);
        if (!cases[i].out) {
            assert_null(out);
            continue;
        }
        if (!out || strcmp(out, cases[i].out) != 0)
            fail_msg("%s: got \"%s\"", v, out ? out : "(none)");
        free(out);
    }
    size_t count, longest;
    bool eight;
    mime_param_shape(&count, &longest, &eight, "a; x=1; longername=\"2;3\"", 24);
    assert_int_equal(count, 2);
    assert_int_equal(longest, 10);
    assert_false(eight);
}

/* test_names - display names and comments, never addresses */
static void test_names(void **state)
{
    static const struct pair cases[] = {
        {"quoted name", "\"Doe, Jane\" <jane@example.com>", "Doe, Jane"},
        {"list", "Ann <a@example.com>, b@example.com, Bob Lee <b@example.com>", "Ann\nBob Lee"},
        {"comment name", "jane@example.com (Jane Doe)", "Jane Doe"},
        {"group", "Team: a@example.com, Ann <b@example.com>;", "Team\nAnn"},
        {"encoded", "=?UTF-8?Q?Jos=C3=A9?= <j@example.com>", "Jos\xC3\xA9"},
        {"encoded inside quotes", "\"=?UTF-8?B?Sm9zw6k=?=\" <j@example.com>", "Jos\xC3\xA9"},
        {"angle in quotes", "\"a <b>\" <c@example.com>", "a <b>"},
    };
    char *out;
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(mime_addr_names(&out, &n, cases[i].in, strlen(cases[i].in)), 0);
        if (!out || strcmp(out, cases[i].out) != 0)
            fail_msg("%s: got \"%s\"", cases[i].name, out ? out : "(none)");
        free(out);
    }
    assert_int_equal(mime_addr_names(&out, &n, "a@example.com", 13), 0);
    assert_null(out);
}

/* round_trip - decode from cs, check text, encode back to the same bytes */
static void round_trip(const char *cs, const char *bytes, size_t len, const char *text,
                       const char *used)
{
    msg_origin o = {0};
    char *u, *back;
    size_t n, blen;

    assert_int_equal(mime_charset_to_utf8(&u, &n, &o, cs, (const unsigned char *)bytes, len), 0);
    if (n != strlen(text) || memcmp(u, text, n) != 0)
        fail_msg("%s: got \"%.*s\"", cs ? cs : "(none)", (int)n, u);
    if (strcasecmp(o.charset, used) != 0)
        fail_msg("%s: read as %s, not %s", cs ? cs : "(none)", o.charset, used);
    assert_int_equal(mime_charset_from_utf8(&back, &blen, &o, u, n), 0);
    assert_int_equal(blen, len);
    assert_memory_equal(back, bytes, len);
    free(u);
    free(back);
}

/* test_charsets - labels, sniffing, byte-order marks, the way back */
static void test_charsets(void **state)
{
    (void)state;
    round_trip("iso-8859-1", "caf\xE9", 4, "caf\xC3\xA9", "ISO-8859-1");
    round_trip("latin1", "caf\xE9", 4, "caf\xC3\xA9", "latin1");
    round_trip("utf-8", "caf\xC3\xA9", 5, "caf\xC3\xA9", "");
    round_trip(NULL, "plain", 5, "plain", "");
    round_trip(NULL, "caf\xE9", 4, "caf\xC3\xA9", "WINDOWS-1252");
    round_trip("x-unheard-of", "caf\xE9", 4, "caf\xC3\xA9", "WINDOWS-1252");
    round_trip("utf-16", "\xFF\xFEh\0i\0", 6, "hi", "UTF-16LE");
    round_trip("utf-16", "\xFE\xFF\0h\0i", 6, "hi", "UTF-16BE");
    round_trip(NULL, "h\0e\0l\0l\0o\0!\0", 12, "hello!", "UTF-16LE");
    round_trip("windows-1252", "\x80 5", 3, "\xE2\x82\xAC 5", "CP1252");

    msg_origin o = {0};
    char *u;
    size_t n;
    assert_int_equal(mime_charset_to_utf8(&u, &n, &o, "us-ascii", (const unsigned char *)"a\xFF", 2), 0);
    assert_string_equal(o.charset, "WINDOWS-1252"); /* mislabeled 8-bit is read anyway */
    free(u);
    assert_int_equal(mime_charset_to_utf8(&u, &n, &o, "utf-16le", (const unsigned char *)"h\0\0\xD8", 4), 0);
    assert_string_equal(u, "h\xEF\xBF\xBD"); /* a lone surrogate: U+FFFD, not failure */
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),  cmocka_unit_test(test_qp),
        cmocka_unit_test(test_uuencode), cmocka_unit_test(test_rfc2047),
        cmocka_unit_test(test_params),  cmocka_unit_test(test_names),
        cmocka_unit_test(test_charsets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
