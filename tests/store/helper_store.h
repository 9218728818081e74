/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper_store.h - what the store tests share: temporary state
 * directories, a store opened with defaults, and a fixed seed (incidents
 * plus one quarantined message holding a fake SSN) that the cmocka tests
 * and tests/store/test_admin_cli.sh both use.
 */
#ifndef PIIGUARD_TEST_HELPER_STORE_H
#define PIIGUARD_TEST_HELPER_STORE_H

#include <stddef.h>

#include "piiguard/pg_store.h"

/* The seeded PII value: it must never appear outside the ciphertext. */
#define SEED_SSN "536-22-1234"
#define SEED_RCPT "jane.customer@gmail.com"

/* The usual cmocka state: a temporary state directory and its store
 * (st may be NULL when a test closed it; qid is set by tests that seed). */
typedef struct helper_fixture {
    char *dir;
    pg_store *st;
    char qid[PG_STORE_ID_SIZE];
} helper_fixture;

/* helper_setup - quiet logs, a fresh directory, the store opened in it */
int helper_setup(void **state);

/* helper_teardown - close the store, remove the directory */
int helper_teardown(void **state);

/* helper_count_incident, helper_count_qitem - callbacks that ++*(int *)payload */
int helper_count_incident(const pg_store_incident *inc, void *payload);
int helper_count_qitem(const pg_store_qitem *item, void *payload);

/* helper_tmpdir - a fresh private directory under $TMPDIR; malloc'd */
char *helper_tmpdir(void);

/* helper_rmtree - remove a directory and everything in it */
void helper_rmtree(const char *dir);

/* helper_open - open (creating) the store in dir with default options */
pg_store *helper_open(const char *dir);

/* helper_path - dir/name in a static-size buffer the caller provides */
char *helper_path(char out[4096], const char *dir, const char *name);

/* helper_fault_setup, helper_fault_teardown - the usual fixture for tests
 * that fill the disk: SIGXFSZ is ignored (a write past the limit fails
 * with EFBIG instead of killing the process) and the limit is lifted
 * again at the end, even after a failed assertion */
int helper_fault_setup(void **state);
int helper_fault_teardown(void **state);

/* A cmocka case with those two around it. */
#define HELPER_FAULT_TEST(fn) \
    cmocka_unit_test_setup_teardown(fn, helper_fault_setup, helper_fault_teardown)

/* helper_fsize_limit - cap the size of any file this process writes, the
 * disk-full stand-in that works even as root; helper_fsize_unlimit - back
 * to the hard limit */
void helper_fsize_limit(unsigned long bytes);
void helper_fsize_unlimit(void);

/* helper_threads - run fn(arg) on n threads (n <= 16) and require that
 * each returned NULL */
void helper_threads(int n, void *(*fn)(void *), void *arg);

/* helper_entries - how many entries dir holds, besides . and .. */
int helper_entries(const char *dir);

/* helper_file_contains - does the file hold these bytes anywhere? */
int helper_file_contains(const char *path, const char *needle);

/* helper_seed_message - the raw message the seed quarantines */
const char *helper_seed_message(void);

/* helper_seed - four incidents and one quarantined message (linked to the
 * first incident); qid_out receives the quarantine id. Returns 0 or a
 * pg_err. */
int helper_seed(pg_store *st, char qid_out[PG_STORE_ID_SIZE]);

/* helper_incident - a valid incident to vary in a test */
pg_store_incident helper_incident(void);

#endif
