/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_seed.c - the fixed seed, as a test and as a tool.
 *
 * Run without arguments it is a cmocka test that the seed reads back as
 * expected. Run as `store_test_seed --seed DIR` it seeds DIR (creating the
 * store) and prints "quarantine ID": tests/store/test_admin_cli.sh uses it
 * to get a store to drive the admin commands against, since the check ->
 * record path belongs to the gateway.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/helper_store.h"

/* seed_dir - the --seed tool */
static int seed_dir(const char *dir)
{
    char qid[PG_STORE_ID_SIZE];
    pg_store *st = helper_open(dir);
    int err = st ? helper_seed(st, qid) : PG_EIO;

    pg_store_free(st);
    if (err < 0) {
        fprintf(stderr, "seed %s: %s\n", dir, pg_error_last());
        return 2;
    }
    printf("quarantine %s\n", qid);
    return 0;
}

static void seed_reads_back(void **state)
{
    char *dir = helper_tmpdir(), qid[PG_STORE_ID_SIZE];
    pg_store *st = helper_open(dir);
    pg_store_qitem *q = NULL;
    int n = 0;

    (void)state;
    assert_non_null(st);
    assert_int_equal(helper_seed(st, qid), 0);
    assert_int_equal(pg_store_incident_query(st, NULL, helper_count_incident, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(pg_store_quarantine_get(&q, st, qid), 0);
    assert_int_equal(q->state, PG_STORE_Q_HELD);
    assert_int_equal(strlen(q->incident_id), 32);
    pg_store_qitem_free(q);
    pg_store_free(st);
    helper_rmtree(dir);
    free(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_reads_back),
    };

    if (argc == 3 && strcmp(argv[1], "--seed") == 0)
        return seed_dir(argv[2]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
