/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_perms.c - the key and database are private: created 0600 whatever
 * the umask, refused (PG_EPERM, naming the file and the chmod) when group
 * or others may read or write them, refused through a symbolic link; a
 * damaged key and a missing store are reported as such; two processes
 * starting on a fresh directory agree on one key.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/helper_store.h"

/* fixture - the usual one with the store closed again, and its two files */
typedef struct fixture {
    helper_fixture *h;
    char *dir;
    char key[4096];
    char db[4096];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    int err = helper_setup(state);

    fx->h = *state;
    pg_store_free(fx->h->st);
    fx->h->st = NULL;
    fx->dir = fx->h->dir;
    helper_path(fx->key, fx->dir, "piiguard.key");
    helper_path(fx->db, fx->dir, "piiguard.db");
    *state = fx;
    return err;
}

static int teardown(void **state)
{
    fixture *fx = *state;

    *state = fx->h;
    free(fx);
    return helper_teardown(state);
}

static unsigned mode_of(const char *path)
{
    struct stat sb;

    assert_int_equal(lstat(path, &sb), 0);
    return sb.st_mode & 07777;
}

/* open_err - open the store in dir and return the error (closing on success) */
static int open_err(const char *dir)
{
    pg_store *st = NULL;
    int err = pg_store_open(&st, &(pg_store_opts){.state_dir = dir});

    pg_store_free(st);
    return err;
}

static void created_private_under_any_umask(void **state)
{
    mode_t masks[] = {0, 022, 077, 0777};

    (void)state;
    for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
        char *base = helper_tmpdir(), dir[4096], path[4096];
        snprintf(dir, sizeof(dir), "%s/state", base);
        mode_t old = umask(masks[i]);
        int err = open_err(dir);
        umask(old);
        assert_int_equal(err, 0);
        assert_int_equal(mode_of(helper_path(path, dir, "piiguard.key")), 0600);
        assert_int_equal(mode_of(helper_path(path, dir, "piiguard.db")), 0600);
        assert_int_equal(mode_of(helper_path(path, dir, "quarantine")), 0700);
        assert_int_equal(mode_of(dir), 0700);
        helper_rmtree(base);
        free(base);
    }
}

static void key_is_stable(void **state)
{
    fixture *fx = *state;
    char a[32], b[32];
    FILE *f;

    assert_non_null(f = fopen(fx->key, "rb"));
    assert_int_equal(fread(a, 1, 32, f), 32);
    fclose(f);
    assert_int_equal(open_err(fx->dir), 0);
    assert_non_null(f = fopen(fx->key, "rb"));
    assert_int_equal(fread(b, 1, 32, f), 32);
    fclose(f);
    assert_memory_equal(a, b, 32);
}

static void unsafe_modes_refused(void **state)
{
    fixture *fx = *state;
    struct { const char *file; mode_t mode; const char *says; } cases[] = {
        {fx->key, 0644, "key file"},
        {fx->key, 0604, "key file"},
        {fx->key, 0620, "key file"},
        {fx->key, 0640, "key file"},
        {fx->db, 0644, "database"},
        {fx->db, 0660, "database"},
        {fx->db, 0602, "database"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(chmod(cases[i].file, cases[i].mode), 0);
        assert_int_equal(open_err(fx->dir), PG_EPERM);
        assert_non_null(strstr(pg_error_last(), cases[i].says));
        assert_non_null(strstr(pg_error_last(), cases[i].file));
        assert_non_null(strstr(pg_error_last(), "chmod 600"));
        assert_int_equal(chmod(cases[i].file, 0600), 0);
        assert_int_equal(open_err(fx->dir), 0);
    }
}

static void symlinked_key_refused(void **state)
{
    fixture *fx = *state;
    char real[4096];

    helper_path(real, fx->dir, "real.key");
    assert_int_equal(rename(fx->key, real), 0);
    assert_int_equal(symlink(real, fx->key), 0);
    assert_int_equal(open_err(fx->dir), PG_EPERM);
    assert_non_null(strstr(pg_error_last(), "symbolic link"));
}

static void damaged_key_reported(void **state)
{
    fixture *fx = *state;

    assert_int_equal(truncate(fx->key, 10), 0);
    assert_int_equal(open_err(fx->dir), PG_EIO);
    assert_non_null(strstr(pg_error_last(), "damaged"));
}

static void missing_store_not_created(void **state)
{
    char *base = helper_tmpdir(), dir[4096];
    pg_store *st = NULL;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/nothing-here", base);
    assert_int_equal(pg_store_open(&st, &(pg_store_opts){.state_dir = dir, .must_exist = true}),
                     PG_ENOTFOUND);
    assert_int_equal(access(dir, F_OK), -1);
    /* a directory without a key is not a store either */
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(pg_store_open(&st, &(pg_store_opts){.state_dir = dir, .must_exist = true}),
                     PG_ENOTFOUND);
    assert_int_equal(access(helper_path((char[4096]){0}, dir, "piiguard.key"), F_OK), -1);
    helper_rmtree(base);
    free(base);
}

static void *open_once(void *arg)
{
    int err = open_err(arg);

    if (err)
        fprintf(stderr, "open: %s\n", pg_error_last());
    return (void *)(intptr_t)err;
}

static void racing_first_opens_agree(void **state)
{
    (void)state;
    for (int round = 0; round < 5; round++) {
        char *base = helper_tmpdir(), dir[4096];
        snprintf(dir, sizeof(dir), "%s/state", base);
        helper_threads(4, open_once, dir);
        /* and what they left is one good key, with no temporary files */
        assert_int_equal(open_err(dir), 0);
        helper_rmtree(base);
        free(base);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(created_private_under_any_umask),
        cmocka_unit_test_setup_teardown(key_is_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(unsafe_modes_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(symlinked_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_key_reported, setup, teardown),
        cmocka_unit_test(missing_store_not_created),
        cmocka_unit_test(racing_first_opens_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
