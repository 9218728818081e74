/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_group.c - group commit (src/store/store_group.c): incidents recorded
 * from many threads at once all land, each caller gets its own id back,
 * callers queued behind a running commit share the next one, a failed
 * commit (RLIMIT_FSIZE, the disk-full stand-in) fails every caller of its
 * batch and stores none of its rows, and a full queue makes callers wait
 * rather than fail.
 *
 * The batch cases hold the store's backend mutex (white box: store_int.h)
 * so that the first caller, the leader, stops inside its commit; the
 * others then queue, and the test waits until the queue holds them all
 * before letting the leader go. Which callers share a commit is then
 * certain, not a matter of timing.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/helper_store.h"
#include "store/store_int.h"

typedef helper_fixture fixture;

/* More callers than one batch holds, so that some wait for room. */
#define CALLERS_MAX (PG_STORE_BATCH_MAX + 8)

/* One thread's incident and what pg_store_incident_add() gave it. */
typedef struct caller {
    pg_store *st;
    int index;
    int rounds;
    int err;
    char sender[64];
    char id[PG_STORE_ID_SIZE];
    char why[256];
} caller;

/* A sender per caller; the id each got back must lead to its own row. */
typedef struct owners {
    caller *c;
    int n;
    int matched;
} owners;

/* add_incidents - thread body: `rounds` incidents as this caller's sender;
 * keeps the first error and the last id */
static void *add_incidents(void *arg)
{
    caller *c = arg;
    pg_store_incident inc = helper_incident();

    inc.sender = c->sender;
    for (int i = 0; i < c->rounds && c->err == 0; i++)
        if ((c->err = pg_store_incident_add(c->id, c->st, &inc)) < 0)
            snprintf(c->why, sizeof(c->why), "%s", pg_error_last());
    return NULL;
}

/* start - one thread per caller, from index `from` up to n */
static void start(pthread_t *t, caller *c, int from, int n)
{
    for (int i = from; i < n; i++)
        assert_int_equal(pthread_create(&t[i], NULL, add_incidents, &c[i]), 0);
}

/* join - wait for n threads */
static void join(pthread_t *t, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
}

/* callers - n callers on st, each with its own sender */
static caller *callers(pg_store *st, int n, int rounds)
{
    caller *c = calloc((size_t)n, sizeof(*c));

    assert_non_null(c);
    for (int i = 0; i < n; i++) {
        c[i].st = st, c[i].index = i, c[i].rounds = rounds;
        snprintf(c[i].sender, sizeof(c[i].sender), "agent%d@corp.example", i);
    }
    return c;
}

/* wait_queued - until a leader is committing and n callers wait behind it
 * (10 s at most) */
static void wait_queued(pg_store *st, size_t n)
{
    store_group *g = &st->group;

    for (int ms = 0; ms < 10000; ms++) {
        pthread_mutex_lock(&g->lock);
        bool there = g->committing && g->n == n;
        pthread_mutex_unlock(&g->lock);
        if (there)
            return;
        usleep(1000);
    }
    fail_msg("%zu callers never queued behind the leader", n);
}

/* commits - how many batches the store has written */
static uint64_t commits(pg_store *st)
{
    uint64_t n;

    pthread_mutex_lock(&st->group.lock);
    n = st->group.commits;
    pthread_mutex_unlock(&st->group.lock);
    return n;
}

/* run_batch - the leader (caller 0) stopped in its commit, the other n - 1
 * queued behind it as one batch (as many as fit); fault() runs just before
 * they go on. Returns how many commits they took. */
static uint64_t run_batch(pg_store *st, caller *c, int n, void (*fault)(void))
{
    pthread_t t[CALLERS_MAX];
    uint64_t before = commits(st);

    pthread_mutex_lock(&st->lock);
    start(t, c, 0, 1);
    wait_queued(st, 0);
    start(t, c, 1, n);
    wait_queued(st, (size_t)(n > PG_STORE_BATCH_MAX + 1 ? PG_STORE_BATCH_MAX : n - 1));
    if (fault)
        fault();
    pthread_mutex_unlock(&st->lock);
    join(t, n);
    return commits(st) - before;
}

/* match_owner - query callback: the row's id belongs to the caller whose
 * sender it carries */
static int match_owner(const pg_store_incident *inc, void *payload)
{
    owners *o = payload;

    for (int i = 0; i < o->n; i++)
        if (strcmp(o->c[i].id, inc->id) == 0) {
            o->matched += strcmp(o->c[i].sender, inc->sender) == 0;
            return 0;
        }
    return 0;
}

/* count - every incident in the store */
static int count(pg_store *st)
{
    int n = 0;

    assert_int_equal(pg_store_incident_query(st, NULL, helper_count_incident, &n), 0);
    return n;
}

/* assert_own_ids - every caller succeeded and its id leads to its row */
static void assert_own_ids(pg_store *st, caller *c, int n)
{
    owners o = {c, n, 0};

    for (int i = 0; i < n; i++) {
        assert_int_equal(c[i].err, 0);
        assert_int_equal(strlen(c[i].id), 32);
    }
    assert_int_equal(pg_store_incident_query(st, NULL, match_owner, &o), 0);
    assert_int_equal(o.matched, n);
}

static void concurrent_callers_all_land(void **state)
{
    fixture *fx = *state;
    caller *c = callers(fx->st, 12, 25);
    pthread_t t[12];

    start(t, c, 0, 12);
    join(t, 12);
    assert_int_equal(count(fx->st), 12 * 25);
    assert_own_ids(fx->st, c, 12);
    free(c);
}

static void queued_callers_share_a_commit(void **state)
{
    fixture *fx = *state;
    caller *c = callers(fx->st, 8, 1);

    assert_int_equal(run_batch(fx->st, c, 8, NULL), 2); /* the leader's, then 7 */
    assert_int_equal(count(fx->st), 8);
    assert_own_ids(fx->st, c, 8);
    free(c);
}

/* disk_full - no file of this process may grow past 1 KiB (the WAL) */
static void disk_full(void)
{
    helper_fsize_limit(1024);
}

static void failed_commit_fails_the_batch(void **state)
{
    fixture *fx = *state;
    caller *c = callers(fx->st, 8, 1);
    char id[PG_STORE_ID_SIZE];
    pg_store_incident inc = helper_incident();

    assert_int_equal(run_batch(fx->st, c, 8, disk_full), 2);
    helper_fsize_unlimit();
    for (int i = 0; i < 8; i++) {
        assert_int_equal(c[i].err, PG_EIO);
        assert_non_null(strstr(c[i].why, "disk")); /* in each caller's own thread */
    }
    assert_int_equal(count(fx->st), 0);
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
    assert_int_equal(count(fx->st), 1);
    free(c);
}

static void full_queue_waits_for_room(void **state)
{
    fixture *fx = *state;
    caller *c = callers(fx->st, CALLERS_MAX, 1);

    /* the leader's, a full queue, then those that waited for room (in one
     * or more batches, as they woke): without the cap it would be 2 */
    assert_true(run_batch(fx->st, c, CALLERS_MAX, NULL) >= 3);
    assert_int_equal(count(fx->st), CALLERS_MAX);
    assert_own_ids(fx->st, c, CALLERS_MAX);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        HELPER_FAULT_TEST(concurrent_callers_all_land),
        HELPER_FAULT_TEST(queued_callers_share_a_commit),
        HELPER_FAULT_TEST(failed_commit_fails_the_batch),
        HELPER_FAULT_TEST(full_queue_waits_for_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
