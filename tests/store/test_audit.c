/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_audit.c - the audit hash chain: an intact chain verifies; an edited,
 * removed, re-linked or re-hashed row is found, at that row; the append-only
 * triggers stop casual edits; two store handles appending at once (as the
 * daemon and the CLI do) still make one chain.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/helper_store.h"

typedef helper_fixture fixture;

/* setup - the usual fixture and five audit rows */
static int setup(void **state)
{
    fixture *fx;

    if (helper_setup(state) < 0)
        return -1;
    fx = *state;
    for (int i = 0; i < 5; i++) {
        char target[16];
        snprintf(target, sizeof(target), "item-%d", i + 1);
        if (pg_store_audit_append(fx->st, "tester", "test.action", target, "k=v") < 0)
            return -1;
    }
    return 0;
}

/* sql - run statements on the store's database from outside, as an attacker */
static void sql(const fixture *fx, const char *text)
{
    char path[4096];
    sqlite3 *db;
    char *err = NULL;

    assert_int_equal(sqlite3_open(helper_path(path, fx->dir, "piiguard.db"), &db), SQLITE_OK);
    if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", text, err);
    sqlite3_close(db);
}

/* broken_at - verify, expect a break, return the row */
static uint64_t broken_at(const fixture *fx)
{
    pg_store_audit_status s;

    assert_int_equal(pg_store_audit_verify(&s, fx->st), PG_ESTATE);
    return s.first_bad;
}

static int last_hash(const pg_store_audit_row *row, void *payload)
{
    memcpy(payload, row->hash, PG_STORE_HASH_SIZE);
    return 0;
}

static void chain_verifies(void **state)
{
    fixture *fx = *state;
    pg_store_audit_status s;
    char head[PG_STORE_HASH_SIZE];

    assert_int_equal(pg_store_audit_verify(&s, fx->st), 0);
    assert_int_equal(s.rows, 5);
    assert_int_equal(s.first_bad, 0);
    assert_int_equal(pg_store_audit_list(fx->st, 1, last_hash, head), 0);
    assert_string_equal(s.head, head);
}

static void empty_chain_verifies(void **state)
{
    char *dir = helper_tmpdir();
    pg_store *st = helper_open(dir);
    pg_store_audit_status s;

    (void)state;
    assert_non_null(st);
    assert_int_equal(pg_store_audit_verify(&s, st), 0);
    assert_int_equal(s.rows, 0);
    assert_string_equal(s.head, "");
    pg_store_free(st);
    helper_rmtree(dir);
    free(dir);
}

static void edited_row_found(void **state)
{
    fixture *fx = *state;

    sql(fx, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'k=forged' WHERE seq = 3");
    assert_int_equal(broken_at(fx), 3);
    assert_non_null(strstr(pg_error_last(), "row 3"));
}

static void each_field_is_covered(void **state)
{
    fixture *fx = *state;
    const char *edits[] = {
        "UPDATE audit SET actor = 'mallory' WHERE seq = 2",
        "UPDATE audit SET action = 'test.other' WHERE seq = 2",
        "UPDATE audit SET target = 'item-9' WHERE seq = 2",
        "UPDATE audit SET time = time + 1 WHERE seq = 2",
        "UPDATE audit SET hash = upper(hash) WHERE seq = 2",
    };

    sql(fx, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        sql(fx, "CREATE TABLE keep AS SELECT * FROM audit WHERE seq = 2");
        sql(fx, edits[i]);
        assert_int_equal(broken_at(fx), 2);
        sql(fx, "DELETE FROM audit WHERE seq = 2; INSERT INTO audit SELECT * FROM keep; "
                "DROP TABLE keep");
        pg_store_audit_status s;
        assert_int_equal(pg_store_audit_verify(&s, fx->st), 0);
    }
}

static void removed_row_found(void **state)
{
    fixture *fx = *state;

    sql(fx, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4");
    assert_int_equal(broken_at(fx), 4);
    assert_non_null(strstr(pg_error_last(), "missing"));
}

static void relinked_row_found(void **state)
{
    fixture *fx = *state;

    /* drop row 2, renumber, and point row 3 at row 1: still caught, because
     * row 3's hash covers its old seq and prev_hash */
    sql(fx, "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update;"
            "DELETE FROM audit WHERE seq = 2;"
            "UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 3;"
            "UPDATE audit SET seq = seq - 1 WHERE seq >= 3");
    assert_int_equal(broken_at(fx), 2);
}

static void triggers_refuse_edits(void **state)
{
    fixture *fx = *state;
    char path[4096];
    sqlite3 *db;

    assert_int_equal(sqlite3_open(helper_path(path, fx->dir, "piiguard.db"), &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET detail = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    pg_store_audit_status s;
    assert_int_equal(pg_store_audit_verify(&s, fx->st), 0);
}

static void bad_rows_refused(void **state)
{
    fixture *fx = *state;

    assert_int_equal(pg_store_audit_append(fx->st, "", "x.y", "t", NULL), PG_EINVAL);
    assert_int_equal(pg_store_audit_append(fx->st, "op", "Bad Action", "t", NULL), PG_EINVAL);
    assert_int_equal(pg_store_audit_append(fx->st, "op", "x.y", "t\nforged", NULL), PG_EINVAL);
}

static void *append_many(void *arg)
{
    const char *dir = arg;
    pg_store *st = helper_open(dir);

    for (int i = 0; st && i < 25; i++)
        if (pg_store_audit_append(st, "thread", "test.action", "t", NULL) < 0) {
            pg_store_free(st);
            return (void *)1;
        }
    pg_store_free(st);
    return st ? NULL : (void *)1;
}

static void two_handles_one_chain(void **state)
{
    fixture *fx = *state;
    pg_store_audit_status s;

    helper_threads(3, append_many, fx->dir);
    assert_int_equal(pg_store_audit_verify(&s, fx->st), 0);
    assert_int_equal(s.rows, 5 + 75);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(chain_verifies, setup, helper_teardown),
        cmocka_unit_test(empty_chain_verifies),
        cmocka_unit_test_setup_teardown(edited_row_found, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(each_field_is_covered, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(removed_row_found, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(relinked_row_found, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(triggers_refuse_edits, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(bad_rows_refused, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(two_handles_one_chain, setup, helper_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
