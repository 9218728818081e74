/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_testutil.h - what the MIME walker's tests share: parse a message
 * (inline or from tests/message/data), look segments, findings and
 * uninspectable entries up by path, and one engine per test program.
 *
 * Header-only (static inline), so it adds nothing to the other tests that
 * tests/message/helper_*.c is linked into.
 */
#ifndef PIIGUARD_TEST_MIME_TESTUTIL_H
#define PIIGUARD_TEST_MIME_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "piiguard/pg_engine.h"
#include "piiguard/pg_msg.h"

/* The engine and its scratch, made once per test program (group state). */
typedef struct tm_env {
    pg_engine *engine;
    pg_scratch *scratch;
} tm_env;

/* tm_setup - cmocka group setup: compile the engine */
static inline int tm_setup(void **state)
{
    tm_env *env = calloc(1, sizeof(*env));

    if (!env || pg_engine_new(&env->engine, NULL) < 0 ||
        pg_scratch_new(&env->scratch, env->engine) < 0)
        return -1;
    *state = env;
    return 0;
}

/* tm_teardown - cmocka group teardown */
static inline int tm_teardown(void **state)
{
    tm_env *env = *state;

    pg_scratch_free(env->scratch);
    pg_engine_free(env->engine);
    free(env);
    return 0;
}

/* tm_limits - the defaults, extractors in process (faster, same results) */
static inline pg_msg_limits tm_limits(void)
{
    pg_msg_limits lim;

    pg_msg_limits_init(&lim);
    lim.isolate_extractors = false;
    return lim;
}

/* tm_parse_n - parse len bytes with lim (NULL: tm_limits()); must succeed.
 * The parse reads an exact-size copy, with no NUL after it, that is freed
 * as soon as pg_msg_parse() returns: under AddressSanitizer every test then
 * also checks that the parse reads nothing past len and that the message
 * keeps no pointer into the caller's buffer. */
static inline pg_msg *tm_parse_n(const char *raw, size_t len, const pg_msg_limits *lim)
{
    pg_msg_limits def = tm_limits();
    pg_msg *m = NULL;
    char *copy = malloc(len ? len : 1);

    assert_non_null(copy);
    memcpy(copy, raw, len);
    assert_int_equal(pg_msg_parse(&m, copy, len, lim ? lim : &def), 0);
    free(copy);
    assert_non_null(m);
    return m;
}

/* tm_parse - parse a NUL-terminated message with tm_limits() */
static inline pg_msg *tm_parse(const char *raw)
{
    return tm_parse_n(raw, strlen(raw), NULL);
}

/* tm_read - a file under tests/message/data; *len its size */
static inline char *tm_read(const char *name, size_t *len)
{
    const char *dir = getenv("PG_SOURCE_DIR");
    char path[4096];

    snprintf(path, sizeof(path), "%s/tests/message/data/%s", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (is PG_SOURCE_DIR set?)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* tm_scan - run the engine over the message */
static inline void tm_scan(pg_msg *m, void **state)
{
    tm_env *env = *state;

    assert_int_equal(pg_msg_scan(m, env->engine, env->scratch), 0);
}

/* tm_seg - the segment at path, or NULL */
static inline const pg_segment *tm_seg(const pg_msg *m, const char *path)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++)
        if (strcmp(pg_msg_segment(m, i)->path, path) == 0)
            return pg_msg_segment(m, i);
    return NULL;
}

/* tm_seg_has - does the segment at path exist, of this kind, holding text? */
static inline bool tm_seg_has(const pg_msg *m, const char *path, pg_seg_kind kind,
                              const char *text)
{
    const pg_segment *s = tm_seg(m, path);

    return s && s->kind == kind && (!text || memmem(s->text, s->len, text, strlen(text)));
}

/* tm_find - the first finding of entity in the segment at path, or NULL */
static inline const pg_msg_finding *tm_find(const pg_msg *m, const char *path,
                                            pg_entity entity)
{
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->f.entity == entity && strcmp(pg_msg_segment(m, f->segment)->path, path) == 0)
            return f;
    }
    return NULL;
}

/* tm_unins - an uninspectable entry whose path is path (NULL: any) and
 * whose reason contains why */
static inline bool tm_unins(const pg_msg *m, const char *path, const char *why)
{
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(m, i);
        if ((!path || strcmp(u->segment, path) == 0) && strstr(u->reason, why))
            return true;
    }
    return false;
}

/* tm_dump - print a message's segments and entries (on failure, for people) */
static inline void tm_dump(const pg_msg *m)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        print_message("  segment %-28s kind %d, %zu bytes\n", s->path, (int)s->kind, s->len);
    }
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++)
        print_message("  uninspectable %s: %s\n", pg_msg_uninspectable_at(m, i)->segment,
                      pg_msg_uninspectable_at(m, i)->reason);
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        print_message("  finding %s in %s%s\n", pg_entity_name(f->f.entity),
                      pg_msg_segment(m, f->segment)->path, f->quoted ? " (quoted)" : "");
    }
}

#endif /* PIIGUARD_TEST_MIME_TESTUTIL_H */
