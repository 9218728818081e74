/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_gmime_bugs.c - the GMime 3.2.13 bugs fixed upstream by 3.2.15, and
 * our way around each.
 *
 * For each bug: first ask the linked GMime whether it still has it (and
 * say so in the output - a newer GMime will say "fixed"), then check that
 * our result is right either way. The bug checks never fail the test: the
 * workaround must hold on any GMime.
 *
 *   #133 consecutive B-encoded words decode to the first word only
 *   #150 "chunked" base64 stops decoding at the first '='
 *   #165 absurd parameters make parameter encoding loop forever
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "message/mime.h"
#include "message/mime_testutil.h"

#define HOSTILE_CT                                                          \
    "Content-Type: multipart/mixed;\n \xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"     \
    "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"      \
    "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"      \
    "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"      \
    "\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C\xD1\x9C"      \
    "=\"\xD1\x9C\"\n"

/* gmime_message - GMime's own parse of a NUL-terminated message */
static GMimeMessage *gmime_message(const char *raw)
{
    mime_gmime_init();
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(raw, strlen(raw));
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

    g_object_unref(p);
    g_object_unref(st);
    return m;
}

/* report - say whether the linked GMime has the bug */
static void report(int bug, bool present)
{
    print_message("GMime %u.%u.%u: bug #%d %s\n", gmime_major_version, gmime_minor_version,
                  gmime_micro_version, bug, present ? "PRESENT (worked around)" : "fixed");
}

/* test_133_b_words - "Hello" + " world" must not lose the second word */
static void test_133_b_words(void **state)
{
    static const char words[] = "=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=";
    char *theirs, *ours;
    size_t n;

    mime_gmime_init();
    theirs = g_mime_utils_header_decode_text(NULL, words);
    report(133, strcmp(theirs, "Hello world") != 0);
    g_free(theirs);

    assert_int_equal(mime_rfc2047_decode(&ours, &n, words, strlen(words)), 0);
    assert_string_equal(ours, "Hello world");
    free(ours);

    pg_msg *m = tm_parse("Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?= "
                         "=?UTF-8?B?U1NOIDUzNi0yMi0xMjM0?=\n\nhi\n");
    tm_scan(m, state);
    assert_true(tm_seg_has(m, "header:subject", PG_SEG_HEADER, "Hello worldSSN 536-22-1234"));
    assert_non_null(tm_find(m, "header:subject", PG_ENT_US_SSN));
    pg_msg_free(m);
}

/* test_150_chunked_base64 - every chunk decoded, not just the first */
static void test_150_chunked_base64(void **state)
{
    static const char msg[] = "Subject: x\nContent-Type: text/plain\n"
                              "Content-Transfer-Encoding: base64\n\nMTIz\nNDU=\nNjc4OQ==\n";
    unsigned char *ours;
    size_t n, stray;

    GMimeMessage *gm = gmime_message(msg);
    assert_non_null(gm);
    GMimeStream *out = g_mime_stream_mem_new();
    GMimePart *part = GMIME_PART(g_mime_message_get_mime_part(gm));
    g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(part), out);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
    report(150, bytes->len != 9 || memcmp(bytes->data, "123456789", 9) != 0);
    g_object_unref(out);
    g_object_unref(gm);

    assert_int_equal(mime_base64_decode(&ours, &n, &stray, "MTIz\nNDU=\nNjc4OQ==\n", 19), 0);
    assert_int_equal(n, 9);
    assert_memory_equal(ours, "123456789", 9);
    assert_int_equal(stray, 0);
    free(ours);

    pg_msg *m = tm_parse("Subject: x\nContent-Transfer-Encoding: base64\n\n"
                         "U1NOIDUzNg==\nLTIyLQ==\nMTIzNAo=\n");
    tm_scan(m, state);
    assert_non_null(tm_find(m, "1", PG_ENT_US_SSN));
    pg_msg_free(m);
}

/* loops_in_child - does g_mime_multipart_get_boundary() hang on this? */
static bool loops_in_child(const char *raw)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(5);
        GMimeMessage *gm = gmime_message(raw);
        GMimeObject *body = gm ? g_mime_message_get_mime_part(gm) : NULL;
        if (body && GMIME_IS_MULTIPART(body))
            g_mime_multipart_get_boundary(GMIME_MULTIPART(body));
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM;
}

/* test_165_parameter_loop - the input that loops GMime ends quickly here */
static void test_165_parameter_loop(void **state)
{
    static const char msg[] = HOSTILE_CT "\nSSN 536-22-1234\n";

    report(165, loops_in_child(msg));
    alarm(10); /* a hang here is a failure */
    pg_msg *m = tm_parse(msg);
    tm_scan(m, state);
    alarm(0);
    assert_true(tm_unins(m, "header:content-type", "malformed parameters"));
    assert_non_null(tm_find(m, "1", PG_ENT_US_SSN));
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_133_b_words),
        cmocka_unit_test(test_150_chunked_base64),
        cmocka_unit_test(test_165_parameter_loop),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
