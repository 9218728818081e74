/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_quarantine.c - the encrypted quarantine: round trips (small, empty,
 * many records), no plaintext at rest, wrong key, tampered / truncated /
 * extended / renamed ciphertext, states and their moves, expiry, links
 * to incidents, and that every decryption is audited first.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "store/helper_store.h"

typedef helper_fixture fixture;

/* What a read delivered. */
typedef struct got {
    char sender[128];
    char rcpt[4][128];
    size_t n_rcpt;
    char *msg;
    size_t len;
} got;

static int got_envelope(const pg_store_envelope *env, void *payload)
{
    got *g = payload;

    snprintf(g->sender, sizeof(g->sender), "%s", env->sender);
    for (size_t i = 0; i < env->n_recipients && i < 4; i++)
        snprintf(g->rcpt[i], sizeof(g->rcpt[i]), "%s", env->recipients[i]);
    g->n_rcpt = env->n_recipients;
    return 0;
}

static int got_chunk(const char *data, size_t len, void *payload)
{
    got *g = payload;

    g->msg = realloc(g->msg, g->len + len + 1);
    memcpy(g->msg + g->len, data, len);
    g->len += len;
    g->msg[g->len] = '\0';
    return 0;
}

static const pg_store_reader reader = {got_envelope, got_chunk};

/* put - quarantine raw for two recipients */
static void put(fixture *fx, char id[PG_STORE_ID_SIZE], const char *raw, size_t len)
{
    static const char *const rcpts[] = {SEED_RCPT, "john@Example.org"};
    pg_store_envelope env = {"alice@corp.example", rcpts, 2};

    assert_int_equal(pg_store_quarantine_put(id, fx->st, &env, raw, len, NULL), 0);
}

/* qpath - the ciphertext file of an id */
static char *qpath(char out[4096], const fixture *fx, const char *id)
{
    snprintf(out, 4096, "%s/quarantine/%s", fx->dir, id);
    return out;
}

static void round_trip(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE];
    pg_store_qitem *q = NULL;
    got g = {0};

    put(fx, id, msg, strlen(msg));
    assert_int_equal(pg_store_quarantine_read(fx->st, id, "tester", "reveal", &reader, &g), 0);
    assert_string_equal(g.sender, "alice@corp.example");
    assert_int_equal(g.n_rcpt, 2);
    assert_string_equal(g.rcpt[0], SEED_RCPT);
    assert_string_equal(g.rcpt[1], "john@Example.org");
    assert_int_equal(g.len, strlen(msg));
    assert_memory_equal(g.msg, msg, g.len);
    free(g.msg);
    assert_int_equal(pg_store_quarantine_get(&q, fx->st, id), 0);
    assert_int_equal(q->state, PG_STORE_Q_HELD);
    assert_int_equal(q->size, strlen(msg));
    assert_string_equal(q->recipient_domains, "example.org,gmail.com");
    assert_int_equal(q->expires - q->created, PG_STORE_DEFAULT_RETENTION_DAYS * 86400);
    pg_store_qitem_free(q);
    pg_store_qitem_free(NULL);
}

static void round_trip_sizes(void **state)
{
    fixture *fx = *state;
    size_t sizes[] = {0, 1, 65535, 65536, 65537, 300000};
    char id[PG_STORE_ID_SIZE];

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *raw = malloc(sizes[i] + 1);
        got g = {0};
        randombytes_buf(raw, sizes[i]);
        put(fx, id, raw, sizes[i]);
        assert_int_equal(pg_store_quarantine_read(fx->st, id, "t", "reveal", &reader, &g), 0);
        assert_int_equal(g.len, sizes[i]);
        if (sizes[i])
            assert_memory_equal(g.msg, raw, sizes[i]);
        free(g.msg);
        free(raw);
    }
}

static void nothing_in_clear(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], path[4096];
    const char *files[] = {"piiguard.db", "piiguard.db-wal", "piiguard.key"};
    const char *secrets[] = {SEED_SSN, SEED_RCPT, "jane.customer", "your account"};

    put(fx, id, msg, strlen(msg));
    for (size_t s = 0; s < sizeof(secrets) / sizeof(secrets[0]); s++) {
        assert_false(helper_file_contains(qpath(path, fx, id), secrets[s]));
        for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
            assert_false(helper_file_contains(helper_path(path, fx->dir, files[f]), secrets[s]));
    }
    struct stat sb;
    assert_int_equal(stat(qpath(path, fx, id), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
}

static void wrong_key_fails(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], path[4096];
    uint8_t other[32];
    got g = {0};
    int fd;

    put(fx, id, msg, strlen(msg));
    pg_store_free(fx->st);
    randombytes_buf(other, sizeof(other));
    fd = open(helper_path(path, fx->dir, "piiguard.key"), O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, other, sizeof(other)), sizeof(other));
    close(fd);
    assert_non_null(fx->st = helper_open(fx->dir));
    assert_int_equal(pg_store_quarantine_read(fx->st, id, "t", "reveal", &reader, &g), PG_EPARSE);
    assert_non_null(strstr(pg_error_last(), "fails authentication"));
    assert_int_equal(g.len, 0);
    assert_int_equal(g.n_rcpt, 0);
}

/* mangle - change the ciphertext file in one of several ways */
static void mangle(const char *path, int how, const char *other_path)
{
    FILE *f;
    struct stat sb;

    assert_int_equal(stat(path, &sb), 0);
    switch (how) {
    case 0: /* flip a byte in the last record */
        f = fopen(path, "r+b");
        fseek(f, sb.st_size - 5, SEEK_SET);
        int c = fgetc(f);
        fseek(f, sb.st_size - 5, SEEK_SET);
        fputc(c ^ 0x01, f);
        fclose(f);
        break;
    case 1: /* cut the final record off */
        assert_int_equal(truncate(path, sb.st_size - 20), 0);
        break;
    case 2: /* something after the end */
        f = fopen(path, "ab");
        fputs("X", f);
        fclose(f);
        break;
    case 3: /* another item's ciphertext under this id */
        assert_int_equal(rename(other_path, path), 0);
        break;
    }
}

static void tampered_fails(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], other[PG_STORE_ID_SIZE], path[4096], opath[4096];

    for (int how = 0; how < 4; how++) {
        got g = {0};
        put(fx, id, msg, strlen(msg));
        put(fx, other, msg, strlen(msg));
        mangle(qpath(path, fx, id), how, qpath(opath, fx, other));
        assert_int_equal(pg_store_quarantine_read(fx->st, id, "t", "reveal", &reader, &g),
                         PG_EPARSE);
        free(g.msg);
    }
}

static void states_move(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], path[4096];
    pg_store_qitem *q = NULL;
    got g = {0};

    put(fx, id, msg, strlen(msg));
    assert_int_equal(pg_store_quarantine_release(fx->st, id, "tester"), 0);
    assert_int_equal(pg_store_quarantine_release(fx->st, id, "tester"), PG_ESTATE);
    assert_int_equal(pg_store_quarantine_get(&q, fx->st, id), 0);
    assert_int_equal(q->state, PG_STORE_Q_RELEASED);
    pg_store_qitem_free(q);
    /* released keeps its ciphertext; delete removes it */
    assert_int_equal(access(qpath(path, fx, id), F_OK), 0);
    assert_int_equal(pg_store_quarantine_delete(fx->st, id, "tester"), 0);
    assert_int_equal(access(qpath(path, fx, id), F_OK), -1);
    assert_int_equal(pg_store_quarantine_delete(fx->st, id, "tester"), PG_ESTATE);
    assert_int_equal(pg_store_quarantine_release(fx->st, id, "tester"), PG_ESTATE);
    assert_int_equal(pg_store_quarantine_read(fx->st, id, "t", "reveal", &reader, &g), PG_ESTATE);
    assert_int_equal(pg_store_quarantine_get(&q, fx->st, id), 0);
    assert_int_equal(q->state, PG_STORE_Q_DELETED);
    pg_store_qitem_free(q);
    /* unknown and malformed ids */
    assert_int_equal(pg_store_quarantine_delete(fx->st, "0123456789abcdef0123456789abcdef",
                                                "tester"), PG_ENOTFOUND);
    assert_int_equal(pg_store_quarantine_get(&q, fx->st, "../piiguard"), PG_ENOTFOUND);
    assert_int_equal(pg_store_quarantine_release(fx->st, id, ""), PG_EINVAL);
}

static void expiry(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char a[PG_STORE_ID_SIZE], b[PG_STORE_ID_SIZE], c[PG_STORE_ID_SIZE], path[4096];
    int64_t now = (int64_t)time(NULL);
    size_t n = 99;
    int cnt = 0;

    put(fx, a, msg, strlen(msg));
    put(fx, b, msg, strlen(msg));
    put(fx, c, msg, strlen(msg));
    assert_int_equal(pg_store_quarantine_release(fx->st, b, "t"), 0);
    assert_int_equal(pg_store_quarantine_delete(fx->st, c, "t"), 0);
    assert_int_equal(pg_store_expire(&n, fx->st, now + 86400, "janitor"), 0);
    assert_int_equal(n, 0);
    assert_int_equal(pg_store_expire(&n, fx->st, now + 31 * 86400, "janitor"), 0);
    assert_int_equal(n, 2); /* held and released; deleted is already gone */
    assert_int_equal(access(qpath(path, fx, a), F_OK), -1);
    assert_int_equal(access(qpath(path, fx, b), F_OK), -1);
    assert_int_equal(pg_store_quarantine_list(fx->st, PG_STORE_Q_EXPIRED, helper_count_qitem, &cnt), 0);
    assert_int_equal(cnt, 2);
    cnt = 0;
    assert_int_equal(pg_store_quarantine_list(fx->st, -1, helper_count_qitem, &cnt), 0);
    assert_int_equal(cnt, 3);
    assert_int_equal(pg_store_expire(&n, fx->st, now + 62 * 86400, "janitor"), 0);
    assert_int_equal(n, 0);
}

/* orphaned_tmp_swept - a writer killed between create and rename leaves a
 * .tmp- file; expiry removes it once it is an hour old, not sooner, and
 * leaves everything else in the directory alone */
static void orphaned_tmp_swept(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], old_tmp[4096], new_tmp[4096], path[4096];
    int64_t now = (int64_t)time(NULL);
    size_t n = 99;

    put(fx, id, msg, strlen(msg));
    snprintf(old_tmp, sizeof(old_tmp), "%s/quarantine/.tmp-old", fx->dir);
    snprintf(new_tmp, sizeof(new_tmp), "%s/quarantine/.tmp-new", fx->dir);
    for (int k = 0; k < 2; k++) {
        int fd = open(k ? new_tmp : old_tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "cipher", 6), 6);
        close(fd);
    }
    struct timespec two_hours_ago[2] = {{now - 7200, 0}, {now - 7200, 0}};
    assert_int_equal(utimensat(AT_FDCWD, old_tmp, two_hours_ago, 0), 0);
    assert_int_equal(pg_store_expire(&n, fx->st, now, "janitor"), 0);
    assert_int_equal(n, 0);
    assert_int_equal(access(old_tmp, F_OK), -1);
    assert_int_equal(access(new_tmp, F_OK), 0);
    assert_int_equal(access(qpath(path, fx, id), F_OK), 0);
}

/* write_file - a file of ciphertext-like bytes at path, mtime `age` s ago */
static void write_file(const char *path, int64_t now, int64_t age)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    struct timespec t[2] = {{now - age, 0}, {now - age, 0}};

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "cipher", 6), 6);
    close(fd);
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* unnamed_ciphertext_swept - a writer killed between the rename and the
 * row insert leaves a file named by an id no row has; expiry removes it
 * once it is an hour old, and keeps files that have a row, young files
 * and files not named like an id */
static void unnamed_ciphertext_swept(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE], path[4096], old_unnamed[4096], new_unnamed[4096], other[4096];
    int64_t now = (int64_t)time(NULL);
    size_t n = 99;

    put(fx, id, msg, strlen(msg));
    struct timespec two_hours_ago[2] = {{now - 7200, 0}, {now - 7200, 0}};
    assert_int_equal(utimensat(AT_FDCWD, qpath(path, fx, id), two_hours_ago, 0), 0);
    snprintf(old_unnamed, sizeof(old_unnamed), "%s/quarantine/%s", fx->dir,
             "0123456789abcdef0123456789abcdef");
    snprintf(new_unnamed, sizeof(new_unnamed), "%s/quarantine/%s", fx->dir,
             "fedcba9876543210fedcba9876543210");
    snprintf(other, sizeof(other), "%s/quarantine/README", fx->dir);
    write_file(old_unnamed, now, 7200);
    write_file(new_unnamed, now, 60);
    write_file(other, now, 7200);
    assert_int_equal(pg_store_expire(&n, fx->st, now, "janitor"), 0);
    assert_int_equal(n, 0);
    assert_int_equal(access(old_unnamed, F_OK), -1);
    assert_int_equal(access(new_unnamed, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    assert_int_equal(access(path, F_OK), 0);
}

static void shorter_retention_applies_to_held(void **state)
{
    fixture *fx = *state;
    const char *msg = helper_seed_message();
    char id[PG_STORE_ID_SIZE];
    size_t n = 0;

    put(fx, id, msg, strlen(msg));
    pg_store_free(fx->st);
    assert_int_equal(pg_store_open(&fx->st, &(pg_store_opts){.state_dir = fx->dir,
                                                             .retention_days = 1}), 0);
    assert_int_equal(pg_store_expire(&n, fx->st, (int64_t)time(NULL) + 2 * 86400, "t"), 0);
    assert_int_equal(n, 1);
}

static void linked_to_incident(void **state)
{
    fixture *fx = *state;
    pg_store_incident inc = helper_incident();
    static const char *const rcpts[] = {SEED_RCPT};
    pg_store_envelope env = {"alice@corp.example", rcpts, 1};
    char iid[PG_STORE_ID_SIZE], qid[PG_STORE_ID_SIZE], path[4096];
    pg_store_qitem *q = NULL;
    int cnt = 0;

    assert_int_equal(pg_store_incident_add(iid, fx->st, &inc), 0);
    assert_int_equal(pg_store_quarantine_put(qid, fx->st, &env, "x", 1, iid), 0);
    assert_int_equal(pg_store_quarantine_get(&q, fx->st, qid), 0);
    assert_string_equal(q->incident_id, iid);
    pg_store_qitem_free(q);
    /* an unknown incident: refused, and nothing left behind */
    assert_int_equal(pg_store_quarantine_put(qid, fx->st, &env, "x", 1,
                                             "0123456789abcdef0123456789abcdef"), PG_ENOTFOUND);
    assert_int_equal(pg_store_quarantine_list(fx->st, -1, helper_count_qitem, &cnt), 0);
    assert_int_equal(cnt, 1);
    assert_int_equal(helper_entries(helper_path(path, fx->dir, "quarantine")), 1);
}

static void bad_envelopes(void **state)
{
    fixture *fx = *state;
    static const char *const crlf[] = {"jane@gmail.com>\r\nRCPT TO:<evil@x.example"};
    char id[PG_STORE_ID_SIZE];

    assert_int_equal(pg_store_quarantine_put(id, fx->st, &(pg_store_envelope){"a@b.c", NULL, 0},
                                             "x", 1, NULL), PG_EINVAL);
    assert_int_equal(pg_store_quarantine_put(id, fx->st, &(pg_store_envelope){"a@b.c", crlf, 1},
                                             "x", 1, NULL), PG_EINVAL);
}

/* The actions in the audit log, in order, space-separated. */
static int audit_actions(const pg_store_audit_row *row, void *payload)
{
    char *s = payload;

    strcat(s, row->action);
    strcat(s, row->detail[0] ? "(" : " ");
    if (row->detail[0]) {
        strcat(s, row->detail);
        strcat(s, ") ");
    }
    return 0;
}

static void reads_are_audited(void **state)
{
    fixture *fx = *state;
    char id[PG_STORE_ID_SIZE], log[1024] = "";
    got g = {0};

    put(fx, id, "x", 1);
    assert_int_equal(pg_store_quarantine_read(fx->st, id, "alice", "reveal", &reader, &g), 0);
    free(g.msg);
    assert_int_equal(pg_store_quarantine_release(fx->st, id, "alice"), 0);
    assert_int_equal(pg_store_quarantine_delete(fx->st, id, "alice"), 0);
    assert_int_equal(pg_store_audit_list(fx->st, 1, audit_actions, log), 0);
    assert_string_equal(log, "quarantine.read(purpose=reveal) quarantine.release "
                             "quarantine.delete ");
    /* no operator, no read */
    put(fx, id, "x", 1);
    assert_int_equal(pg_store_quarantine_read(fx->st, id, NULL, "reveal", &reader, &g), PG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(round_trip_sizes, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(nothing_in_clear, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(wrong_key_fails, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(tampered_fails, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(states_move, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(expiry, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(orphaned_tmp_swept, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(unnamed_ciphertext_swept, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(shorter_retention_applies_to_held, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(linked_to_incident, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(bad_envelopes, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(reads_are_audited, helper_setup, helper_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
