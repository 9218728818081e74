/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_fault.c - a store that cannot write fails loudly and cleanly: under
 * a tiny RLIMIT_FSIZE (the disk-full stand-in that works even as root),
 * with the quarantine directory gone, every write returns a negative
 * pg_err with a message, nothing half-written is left behind, and the
 * store works again once the fault is gone. The gateway turns these
 * returns into tempfail.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/helper_store.h"

typedef helper_fixture fixture;

/* setup - the usual fixture; a write past the size limit fails with EFBIG
 * instead of killing the process */
static int setup(void **state)
{
    signal(SIGXFSZ, SIG_IGN);
    return helper_setup(state);
}

/* teardown - lift any limit a failed test left, then the usual */
static int teardown(void **state)
{
    struct rlimit r;

    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_FSIZE, &r);
    return helper_teardown(state);
}

/* limit - cap the size of any file this process writes */
static void limit(rlim_t bytes)
{
    struct rlimit r;

    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = bytes;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

/* unlimit - back to the hard limit */
static void unlimit(void)
{
    struct rlimit r;

    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = r.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

static void quarantine_file_too_big(void **state)
{
    fixture *fx = *state;
    static const char *const rcpts[] = {SEED_RCPT};
    pg_store_envelope env = {"alice@corp.example", rcpts, 1};
    size_t len = 1u << 20;
    char *raw = calloc(1, len), id[PG_STORE_ID_SIZE], qdir[4096];
    int n = 0;

    limit(64 * 1024);
    assert_int_equal(pg_store_quarantine_put(id, fx->st, &env, raw, len, NULL), PG_EIO);
    assert_non_null(strstr(pg_error_last(), "file size limit"));
    unlimit();
    assert_int_equal(helper_entries(helper_path(qdir, fx->dir, "quarantine")), 0);
    assert_int_equal(pg_store_quarantine_list(fx->st, -1, helper_count_qitem, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(pg_store_quarantine_put(id, fx->st, &env, raw, len, NULL), 0);
    free(raw);
}

static void database_cannot_grow(void **state)
{
    fixture *fx = *state;
    pg_store_incident inc = helper_incident();
    char id[PG_STORE_ID_SIZE], path[4096];
    int ok = 0, err = 0, n = 0;
    FILE *f = fopen(helper_path(path, fx->dir, "piiguard.db-wal"), "rb");
    long wal = 0;

    if (f) {
        fseek(f, 0, SEEK_END);
        wal = ftell(f);
        fclose(f);
    }
    limit((rlim_t)wal + 32 * 1024);
    while (ok < 10000 && (err = pg_store_incident_add(id, fx->st, &inc)) == 0)
        ok++;
    unlimit();
    assert_true(err < 0);
    assert_true(err == PG_EIO || err == PG_EPERM);
    assert_true(strlen(pg_error_last()) > 0);
    /* what was committed is all there, and writing works again */
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
    assert_int_equal(pg_store_incident_query(fx->st, NULL, helper_count_incident, &n), 0);
    assert_int_equal(n, ok + 1);
}

static void audit_cannot_grow(void **state)
{
    fixture *fx = *state;
    char detail[2048];
    pg_store_audit_status s;
    int err = 0;

    memset(detail, 'k', sizeof(detail) - 1);
    detail[sizeof(detail) - 1] = '\0';
    limit(48 * 1024);
    for (int i = 0; i < 10000 && err == 0; i++)
        err = pg_store_audit_append(fx->st, "tester", "test.action", "t", detail);
    unlimit();
    assert_true(err < 0);
    assert_int_equal(pg_store_audit_append(fx->st, "tester", "test.action", "t", NULL), 0);
    assert_int_equal(pg_store_audit_verify(&s, fx->st), 0);
}

static void quarantine_dir_gone(void **state)
{
    fixture *fx = *state;
    static const char *const rcpts[] = {SEED_RCPT};
    pg_store_envelope env = {"alice@corp.example", rcpts, 1};
    char id[PG_STORE_ID_SIZE], qdir[4096];
    FILE *f;

    helper_path(qdir, fx->dir, "quarantine");
    assert_int_equal(rmdir(qdir), 0);
    assert_non_null(f = fopen(qdir, "w")); /* a file where the directory was */
    fclose(f);
    assert_int_equal(pg_store_quarantine_put(id, fx->st, &env, "x", 1, NULL), PG_EIO);
    assert_non_null(strstr(pg_error_last(), "cannot create quarantine file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(quarantine_file_too_big, setup, teardown),
        cmocka_unit_test_setup_teardown(database_cannot_grow, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_cannot_grow, setup, teardown),
        cmocka_unit_test_setup_teardown(quarantine_dir_gone, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
