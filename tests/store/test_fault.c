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
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/helper_store.h"

typedef helper_fixture fixture;

static void quarantine_file_too_big(void **state)
{
    fixture *fx = *state;
    static const char *const rcpts[] = {SEED_RCPT};
    pg_store_envelope env = {"alice@corp.example", rcpts, 1};
    size_t len = 1u << 20;
    char *raw = calloc(1, len), id[PG_STORE_ID_SIZE], qdir[4096];
    int n = 0;

    helper_fsize_limit(64 * 1024);
    assert_int_equal(pg_store_quarantine_put(id, fx->st, &env, raw, len, NULL), PG_EIO);
    assert_non_null(strstr(pg_error_last(), "file size limit"));
    helper_fsize_unlimit();
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
    helper_fsize_limit((unsigned long)wal + 32 * 1024);
    while (ok < 10000 && (err = pg_store_incident_add(id, fx->st, &inc)) == 0)
        ok++;
    helper_fsize_unlimit();
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
    helper_fsize_limit(48 * 1024);
    for (int i = 0; i < 10000 && err == 0; i++)
        err = pg_store_audit_append(fx->st, "tester", "test.action", "t", detail);
    helper_fsize_unlimit();
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
        HELPER_FAULT_TEST(quarantine_file_too_big),
        HELPER_FAULT_TEST(database_cannot_grow),
        HELPER_FAULT_TEST(audit_cannot_grow),
        HELPER_FAULT_TEST(quarantine_dir_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
