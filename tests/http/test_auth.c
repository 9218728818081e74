/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_auth.c - API tokens: the file format, hashing, constant-time lookup
 * and the token bucket (src/http/auth.c).
 *
 * Token files are written to a temporary directory; each case builds the
 * file it needs from a table row, so a new format rule is a new row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/http.h"

static const char good_hash[] =
    "blake2b$000102030405060708090a0b0c0d0e0f$"
    "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f";

/* write_file - a temporary file with @text and @mode; path in @path */
static void write_file(char *path, size_t cap, const char *text, mode_t mode)
{
    snprintf(path, cap, "/tmp/pg-test-tokens-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

/* load_text - load a token file made of @text; returns the pg_err */
static int load_text(pg_http_auth **out, const char *text, mode_t mode)
{
    char path[64];

    write_file(path, sizeof(path), text, mode);
    int err = pg_http_auth_load(out, path);
    unlink(path);
    return err;
}

/* A table of token files and what loading each must give. */
static const struct load_case {
    const char *name;
    const char *text; /* "%s" stands for good_hash */
    mode_t mode;
    int err;
    const char *msg;  /* a substring of pg_error_last(), or NULL */
} load_cases[] = {
    {"one line", "relay 10 20 %s\n", 0600, 0, NULL},
    {"comments and blanks", "# tokens\n\n  # indented\nrelay 10 20 %s\n", 0600, 0, NULL},
    {"no newline at end", "relay 0.5 1 %s", 0600, 0, NULL},
    {"empty file", "# nothing\n", 0600, PG_EPARSE, "no tokens"},
    {"three fields", "relay 10 %s\n", 0600, PG_EPARSE, ":1: expected"},
    {"bad name", "re lay! 10 20 %s\n", 0600, PG_EPARSE, ":1: expected"},
    {"zero rate", "relay 0 20 %s\n", 0600, PG_EPARSE, ":1:"},
    {"burst below one", "relay 10 0.5 %s\n", 0600, PG_EPARSE, ":1:"},
    {"plain text token", "relay 10 20 pgt_secret\n", 0600, PG_EPARSE, ":1:"},
    {"short digest", "relay 10 20 blake2b$000102030405060708090a0b0c0d0e0f$00\n", 0600,
     PG_EPARSE, ":1:"},
    {"duplicate name", "relay 10 20 %s\nrelay 5 5 %s\n", 0600, PG_EPARSE, ":2: token name"},
    {"group-writable", "relay 10 20 %s\n", 0620, PG_EPERM, "chmod go-w"},
};

/* test_load_table - every row of load_cases */
static void test_load_table(void **state)
{
    for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
        const struct load_case *c = &load_cases[i];
        char text[1024];
        pg_http_auth *a = NULL;

        snprintf(text, sizeof(text), c->text, good_hash, good_hash);
        int err = load_text(&a, text, c->mode);
        if (err != c->err)
            fail_msg("case '%s': got %d (%s), want %d", c->name, err, pg_error_last(), c->err);
        if (c->msg && !strstr(pg_error_last(), c->msg))
            fail_msg("case '%s': message '%s' lacks '%s'", c->name, pg_error_last(), c->msg);
        if (err == 0)
            assert_int_equal(pg_http_auth_count(a), 1);
        pg_http_auth_free(a);
    }
}

/* make_auth - a loaded store holding one fresh token for @name */
static pg_http_auth *make_auth(char *token, size_t cap, const char *name, double rate, double burst)
{
    char line[512], text[600];
    pg_http_auth *a = NULL;

    assert_int_equal(pg_http_token_new(token, cap, line, sizeof(line), name, rate, burst), 0);
    snprintf(text, sizeof(text), "%s\n", line);
    assert_int_equal(load_text(&a, text, 0600), 0);
    return a;
}

/* A table of Authorization headers against one known token. */
static const struct check_case {
    const char *name;
    const char *header; /* "%s" stands for the token */
    pg_http_auth_result want;
} check_cases[] = {
    {"good token", "Bearer %s", PG_AUTH_OK},
    {"scheme is case-insensitive", "bearer %s", PG_AUTH_OK},
    {"extra spaces", "Bearer    %s", PG_AUTH_OK},
    {"no header", NULL, PG_AUTH_MISSING},
    {"basic auth", "Basic dXNlcjpwYXNz", PG_AUTH_MISSING},
    {"empty bearer", "Bearer ", PG_AUTH_MISSING},
    {"wrong token", "Bearer pgt_not-the-token", PG_AUTH_BAD},
    {"token with a suffix", "Bearer %sx", PG_AUTH_BAD},
};

/* test_check_table - every row of check_cases */
static void test_check_table(void **state)
{
    char token[128], header[256];
    pg_http_auth *a = make_auth(token, sizeof(token), "relay-1", 1e6, 1e6);

    for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
        const struct check_case *c = &check_cases[i];
        const char *name = "unset";
        if (c->header)
            snprintf(header, sizeof(header), c->header, token);
        pg_http_auth_result got = pg_http_auth_check(&name, a, c->header ? header : NULL);
        if (got != c->want)
            fail_msg("case '%s': got %d, want %d", c->name, got, c->want);
        if (got == PG_AUTH_OK)
            assert_string_equal(name, "relay-1");
        else
            assert_null(name);
    }
    pg_http_auth_free(a);
}

/* test_token_shape - tokens are prefixed, long, and never repeat */
static void test_token_shape(void **state)
{
    char t1[128], t2[128], line[512];

    assert_int_equal(pg_http_token_new(t1, sizeof(t1), line, sizeof(line), "a", 1, 1), 0);
    assert_int_equal(pg_http_token_new(t2, sizeof(t2), line, sizeof(line), "a", 1, 1), 0);
    assert_true(strncmp(t1, "pgt_", 4) == 0);
    assert_int_equal(strlen(t1), 4 + 43);
    assert_string_not_equal(t1, t2);
    assert_null(strstr(line, t2 + 4)); /* the line holds a hash, not the token */
    assert_true(strncmp(line, "a 1 1 blake2b$", 14) == 0);
}

/* test_token_new_refuses - bad names, rates and small buffers */
static void test_token_new_refuses(void **state)
{
    char t[128], line[512];

    assert_int_equal(pg_http_token_new(t, sizeof(t), line, sizeof(line), "", 1, 1), PG_EINVAL);
    assert_int_equal(pg_http_token_new(t, sizeof(t), line, sizeof(line), "a b", 1, 1), PG_EINVAL);
    assert_int_equal(pg_http_token_new(t, sizeof(t), line, sizeof(line), "a", 0, 1), PG_EINVAL);
    assert_int_equal(pg_http_token_new(t, sizeof(t), line, sizeof(line), "a", 1, 0), PG_EINVAL);
    assert_int_equal(pg_http_token_new(t, 10, line, sizeof(line), "a", 1, 1), PG_EINVAL);
    assert_int_equal(pg_http_token_new(t, sizeof(t), line, 20, "a", 1, 1), PG_EINVAL);
}

/* test_bucket - burst requests pass at once, the next is limited, the
 * bucket refills at the configured rate and never beyond its burst
 * (checks are one-sided where a slow machine could oversleep) */
static void test_bucket(void **state)
{
    char token[128], header[256];
    const char *name;
    pg_http_auth *a = make_auth(token, sizeof(token), "slow", 20, 3);

    snprintf(header, sizeof(header), "Bearer %s", token);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pg_http_auth_check(&name, a, header), PG_AUTH_OK);
    assert_int_equal(pg_http_auth_check(&name, a, header), PG_AUTH_LIMITED);
    assert_string_equal(name, "slow"); /* limited, but known: logs can name it */
    usleep(60 * 1000);                  /* 20/s for >= 0.06 s: at least one */
    assert_int_equal(pg_http_auth_check(&name, a, header), PG_AUTH_OK);
    sleep(1);                           /* long enough to overflow: capped at 3 */
    for (int i = 0; i < 3; i++)
        assert_int_equal(pg_http_auth_check(&name, a, header), PG_AUTH_OK);
    assert_int_equal(pg_http_auth_check(&name, a, header), PG_AUTH_LIMITED);
    pg_http_auth_free(a);
}

/* test_two_tokens - each token has its own bucket */
static void test_two_tokens(void **state)
{
    char t1[128], t2[128], l1[512], l2[512], text[1100], h[256];
    const char *name;
    pg_http_auth *a = NULL;

    assert_int_equal(pg_http_token_new(t1, sizeof(t1), l1, sizeof(l1), "one", 1, 1), 0);
    assert_int_equal(pg_http_token_new(t2, sizeof(t2), l2, sizeof(l2), "two", 1, 1), 0);
    snprintf(text, sizeof(text), "%s\n%s\n", l1, l2);
    assert_int_equal(load_text(&a, text, 0600), 0);
    snprintf(h, sizeof(h), "Bearer %s", t1);
    assert_int_equal(pg_http_auth_check(&name, a, h), PG_AUTH_OK);
    assert_int_equal(pg_http_auth_check(&name, a, h), PG_AUTH_LIMITED);
    snprintf(h, sizeof(h), "Bearer %s", t2);
    assert_int_equal(pg_http_auth_check(&name, a, h), PG_AUTH_OK);
    assert_string_equal(name, "two");
    pg_http_auth_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_table),
        cmocka_unit_test(test_check_table),
        cmocka_unit_test(test_token_shape),
        cmocka_unit_test(test_token_new_refuses),
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_two_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
