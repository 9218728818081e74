/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_collect.c - how the milter collects a message: the spool (memory,
 * then an unlinked private file, sticky errors, wiped), the rebuilt header
 * block and its reading back, the SMTP reply lines and the session's
 * envelope. Tables of named cases; no libmilter session is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "milter/milter.h"

/* ---- spool ---------------------------------------------------------------- */

struct spool_case {
    const char *name;
    size_t threshold, max;
    size_t chunk, total;     /* append total bytes in pieces of chunk */
    bool on_disk;            /* expected after the appends */
    int error;               /* expected sticky error */
};

static const struct spool_case spool_cases[] = {
    {"small stays in memory", 1024, 1 << 20, 100, 1000, false, 0},
    {"exactly the threshold stays", 1024, 1 << 20, 256, 1024, false, 0},
    {"one byte over spills", 1024, 1 << 20, 1025, 1025, true, 0},
    {"many chunks spill", 4096, 1 << 20, 700, 300000, true, 0},
    {"zero threshold spills at once", 0, 1 << 20, 10, 10, true, 0},
    {"over max is sticky ETOOBIG", 1024, 5000, 1000, 6000, true, PG_ETOOBIG},
    {"over max in memory", 1 << 20, 5000, 1000, 6000, false, PG_ETOOBIG},
};

/* make_dir - a private directory for spool files */
static char *make_dir(void)
{
    char *d = strdup("/tmp/pg-test-spool.XXXXXX");

    assert_non_null(mkdtemp(d));
    return d;
}

/* count_entries - files in dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* pattern - byte i of the test input */
static char pattern(size_t i)
{
    return (char)('A' + (i * 7 + i / 251) % 26);
}

static void test_spool_cases(void **state)
{
    char *dir = make_dir();

    for (size_t c = 0; c < sizeof(spool_cases) / sizeof(spool_cases[0]); c++) {
        const struct spool_case *k = &spool_cases[c];
        pg_milter_spool *s;
        char *buf = malloc(k->chunk);
        size_t fed = 0, len;
        const char *view;

        print_message("case: %s\n", k->name);
        assert_int_equal(pg_milter_spool_new(&s, dir, k->threshold, k->max), 0);
        while (fed < k->total) {
            size_t n = k->total - fed < k->chunk ? k->total - fed : k->chunk;
            for (size_t i = 0; i < n; i++)
                buf[i] = pattern(fed + i);
            pg_milter_spool_append(s, buf, n);
            fed += n;
        }
        assert_int_equal(pg_milter_spool_error(s), k->error);
        assert_int_equal(pg_milter_spool_on_disk(s), k->on_disk);
        assert_int_equal(count_entries(dir), 0);   /* unlinked at once */
        if (k->error == 0) {
            assert_int_equal(pg_milter_spool_map(&view, &len, s), 0);
            assert_int_equal(len, k->total);
            for (size_t i = 0; i < len; i++)
                if (view[i] != pattern(i))
                    fail_msg("byte %zu differs", i);
            assert_int_equal(pg_milter_spool_append(s, "x", 1), PG_ESTATE);
        } else {
            assert_int_equal(pg_milter_spool_append(s, "x", 1), k->error);
            assert_int_equal(pg_milter_spool_map(&view, &len, s), k->error);
        }
        pg_milter_spool_free(s);
        free(buf);
    }
    rmdir(dir);
    free(dir);
}

static void test_spool_empty_and_sweep(void **state)
{
    char *dir = make_dir(), path[512];
    pg_milter_spool *s;
    const char *view;
    size_t len = 99;
    FILE *f;

    assert_int_equal(pg_milter_spool_new(&s, dir, 16, 1024), 0);
    assert_int_equal(pg_milter_spool_map(&view, &len, s), 0);
    assert_int_equal(len, 0);
    pg_milter_spool_free(s);
    pg_milter_spool_free(NULL);

    snprintf(path, sizeof(path), "%s/pgmsg.left", dir);
    assert_non_null(f = fopen(path, "w"));
    fclose(f);
    snprintf(path, sizeof(path), "%s/keep.me", dir);
    assert_non_null(f = fopen(path, "w"));
    fclose(f);
    assert_int_equal(pg_milter_spool_sweep(dir), 0);
    assert_int_equal(count_entries(dir), 1);   /* only ours is swept */
    unlink(path);
    rmdir(dir);
    assert_int_equal(pg_milter_spool_sweep(dir), PG_EIO);
    free(dir);
}

static void test_spool_unwritable_dir(void **state)
{
    pg_milter_spool *s;

    assert_int_equal(pg_milter_spool_new(&s, "/nonexistent/pg", 4, 1024), 0);
    assert_int_equal(pg_milter_spool_append(s, "abc", 3), 0);
    assert_int_equal(pg_milter_spool_append(s, "defg", 4), PG_EIO);
    assert_int_equal(pg_milter_spool_append(s, "h", 1), PG_EIO);  /* sticky */
    pg_milter_spool_free(s);
}

/* ---- header block ------------------------------------------------------------ */

struct hdr_case {
    const char *name;
    const char *hname, *hvalue;  /* as libmilter hands them */
    const char *line;            /* what the block must hold */
};

static const struct hdr_case hdr_cases[] = {
    {"simple", "Subject", "hello", "Subject: hello\r\n"},
    {"empty value", "X-Empty", "", "X-Empty: \r\n"},
    {"LF fold becomes CRLF", "Subject", "one\n two", "Subject: one\r\n two\r\n"},
    {"CRLF fold kept", "To", "a@x,\r\n\tb@y", "To: a@x,\r\n\tb@y\r\n"},
};

static void test_hdr_append_and_read(void **state)
{
    pg_milter_spool *s;
    const char *view;
    size_t len, pos = 0, n = sizeof(hdr_cases) / sizeof(hdr_cases[0]);
    pg_milter_hdr h;

    assert_int_equal(pg_milter_spool_new(&s, "/tmp", 1 << 16, 1 << 20), 0);
    for (size_t i = 0; i < n; i++)
        pg_milter_hdr_append(s, hdr_cases[i].hname, hdr_cases[i].hvalue);
    pg_milter_spool_append(s, "\r\nbody\r\n", 8);
    assert_int_equal(pg_milter_spool_map(&view, &len, s), 0);
    for (size_t i = 0; i < n; i++) {
        char *v;
        print_message("case: %s\n", hdr_cases[i].name);
        assert_memory_equal(view + pos, hdr_cases[i].line, strlen(hdr_cases[i].line));
        assert_true(pg_milter_hdr_next(&h, view, len, &pos));
        assert_int_equal(h.name_len, strlen(hdr_cases[i].hname));
        assert_memory_equal(h.name, hdr_cases[i].hname, h.name_len);
        assert_non_null(v = pg_milter_hdr_value(&h));
        assert_string_equal(v, hdr_cases[i].hvalue[0] && strstr(hdr_cases[i].hvalue, "\r\n")
                                   ? "a@x,\n\tb@y" : hdr_cases[i].hvalue);
        free(v);
    }
    assert_false(pg_milter_hdr_next(&h, view, len, &pos));
    assert_int_equal(pg_milter_hdr_block_len(view, len), len - 6);
    assert_memory_equal(view + pg_milter_hdr_block_len(view, len), "body\r\n", 6);
    pg_milter_spool_free(s);
}

struct block_case {
    const char *name;
    const char *raw;
    size_t block_len;
    int fields;
};

static const struct block_case block_cases[] = {
    {"CRLF", "A: 1\r\nB: 2\r\n\r\nbody", 14, 2},
    {"LF", "A: 1\nB: 2\n\nbody", 11, 2},
    {"no body", "A: 1\r\n", 6, 1},
    {"no empty line, ends without newline", "A: 1\r\nB: 2", 10, 2},
    {"folded", "A: 1\r\n 2\r\n\tthree\r\nB: x\r\n\r\n", 26, 2},
    {"nothing", "", 0, 0},
    {"body only", "\r\nbody", 2, 0},
    {"line without colon", "garbage\r\nA: 1\r\n\r\n", 17, 2},
};

static void test_block_cases(void **state)
{
    for (size_t c = 0; c < sizeof(block_cases) / sizeof(block_cases[0]); c++) {
        const struct block_case *k = &block_cases[c];
        size_t len = strlen(k->raw), bl, pos = 0;
        pg_milter_hdr h;
        int n = 0;

        print_message("case: %s\n", k->name);
        bl = pg_milter_hdr_block_len(k->raw, len);
        assert_int_equal(bl, k->block_len);
        while (pg_milter_hdr_next(&h, k->raw, bl, &pos)) {
            assert_true(h.value + h.value_len <= k->raw + bl);
            n++;
        }
        assert_int_equal(n, k->fields);
    }
}

/* ---- SMTP reply lines ------------------------------------------------------------ */

struct reply_case {
    const char *name;
    const char *notice;
    size_t lines;
    const char *first;   /* expected first line */
    const char *last;    /* expected last line, or NULL */
};

static const struct reply_case reply_cases[] = {
    {"one line", "Customer SSN found", 1, "Customer SSN found", NULL},
    {"lines kept, blanks dropped", "a\n\nb\n", 2, "a", "b"},
    {"percent doubled", "100% sure", 1, "100%% sure", NULL},
    {"CR and tab become spaces", "a\rb\tc", 1, "a b c", NULL},
    {"UTF-8 char is one ?", "caf\xc3\xa9 \xe2\x80\x93 ok", 1, "caf? ? ok", NULL},
    {"latin-1 byte is one ?", "caf\xe9!", 1, "caf?!", NULL},
    {"empty notice has a default", "", 1,
     "Message refused by the data protection policy", NULL},
    {"NULL notice has a default", NULL, 1,
     "Message refused by the data protection policy", NULL},
};

static void test_reply_cases(void **state)
{
    char lines[PG_MILTER_REPLY_LINES][PG_MILTER_REPLY_LINE_MAX + 1];

    for (size_t c = 0; c < sizeof(reply_cases) / sizeof(reply_cases[0]); c++) {
        const struct reply_case *k = &reply_cases[c];
        size_t n;

        print_message("case: %s\n", k->name);
        n = pg_milter_reply_split(lines, k->notice);
        assert_int_equal(n, k->lines);
        assert_string_equal(lines[0], k->first);
        if (k->last)
            assert_string_equal(lines[n - 1], k->last);
    }
}

static void test_reply_wrap_and_overflow(void **state)
{
    char lines[PG_MILTER_REPLY_LINES][PG_MILTER_REPLY_LINE_MAX + 1];
    char text[8192];
    size_t n, len = 0;

    /* 600 bytes of words wrap at a space into two lines */
    while (len < 600)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "word%zu ", len);
    text[len] = '\0';
    n = pg_milter_reply_split(lines, text);
    assert_int_equal(n, 2);
    assert_true(strlen(lines[0]) <= PG_MILTER_REPLY_LINE_MAX);
    assert_true(lines[0][strlen(lines[0]) - 1] != ' ');

    /* one unbroken run of '%' wraps hard, never splitting a pair */
    memset(text, '%', 450);
    text[450] = '\0';
    n = pg_milter_reply_split(lines, text);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strlen(lines[i]) % 2, 0);

    /* 30 lines: ten kept, the cut is marked */
    len = 0;
    for (int i = 0; i < 30; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "line %d\n", i);
    n = pg_milter_reply_split(lines, text);
    assert_int_equal(n, PG_MILTER_REPLY_LINES);
    assert_string_equal(lines[9], "line 9 [...]");
}

/* ---- the session's envelope ----------------------------------------------------- */

struct addr_case {
    const char *name;
    const char *macro, *arg;
    const char *want;
};

static const struct addr_case addr_cases[] = {
    {"macro wins", "a@x.example", "<b@y.example>", "a@x.example"},
    {"brackets stripped", NULL, "<b@y.example>", "b@y.example"},
    {"empty macro ignored", "", "<c@z.example>", "c@z.example"},
    {"null sender", NULL, "<>", ""},
    {"bare address kept", NULL, "d@w.example", "d@w.example"},
    {"no argument at all", NULL, NULL, ""},
};

static void test_conn_envelope(void **state)
{
    pg_milter_conn *c;

    assert_int_equal(pg_milter_conn_new(&c), 0);
    for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
        const struct addr_case *k = &addr_cases[i];
        print_message("case: %s\n", k->name);
        assert_int_equal(pg_milter_conn_sender(c, k->macro, k->arg, NULL), 0);
        assert_string_equal(c->sender, k->want);
        assert_null(c->auth_user);
        assert_int_equal(pg_milter_conn_rcpt(c, k->macro, k->arg), 0);
        assert_string_equal(c->rcpts[0], k->want);
    }
    /* a new MAIL FROM forgets the last message's recipients */
    assert_int_equal(pg_milter_conn_sender(c, NULL, "<s@x.example>", "agent7"), 0);
    assert_string_equal(c->auth_user, "agent7");
    assert_int_equal(c->n_rcpts, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(pg_milter_conn_rcpt(c, NULL, "<r@y.example>"), 0);
    assert_int_equal(c->n_rcpts, 100);
    pg_milter_conn_reset(c);
    assert_null(c->sender);
    assert_int_equal(c->n_rcpts, 0);
    pg_milter_conn_free(c);
    pg_milter_conn_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spool_cases),
        cmocka_unit_test(test_spool_empty_and_sweep),
        cmocka_unit_test(test_spool_unwritable_dir),
        cmocka_unit_test(test_hdr_append_and_read),
        cmocka_unit_test(test_block_cases),
        cmocka_unit_test(test_reply_cases),
        cmocka_unit_test(test_reply_wrap_and_overflow),
        cmocka_unit_test(test_conn_envelope),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
