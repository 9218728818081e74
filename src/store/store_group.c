/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_group.c - group commit: concurrent incidents share one
 *   transaction and one fsync, and each caller still returns only once its
 *   own incident is durable.
 *
 * SUMMARY
 *   pg_store__group_init(), pg_store__group_destroy(),
 *   pg_store__group_add().
 *
 * DESCRIPTION
 *   Leader and followers, with no thread of its own. A caller puts its
 *   incident on the store's queue. If no batch is being written, it
 *   becomes the leader: it takes the whole queue (itself and whoever came
 *   before it got the lock), writes it with the backend's incident_add in
 *   one transaction under the store's mutex, then hands every caller of
 *   that batch the one result and wakes them. A caller that arrives while
 *   a batch is being written waits; when that batch ends, the first of the
 *   waiters to get the lock leads the next batch for all of them. So a
 *   lone caller commits at once, and under load one commit (one fsync on
 *   the SQLite backend) serves every incident that arrived while the
 *   previous one was on its way to the disk.
 *
 *   Fail closed: the batch is one transaction, so a failed commit (disk
 *   full, I/O error, another process holding the database past
 *   busy_timeout) fails every caller in it, each with the same pg_err and
 *   message in its own thread, and none of its rows is stored.
 *
 *   Bounded: at most PG_STORE_BATCH_MAX callers queue for the next batch.
 *   A caller that finds the queue full waits until the leader takes it
 *   (when the batch being written ends); it is never dropped or failed
 *   for that. Every wait is therefore bounded by the commits ahead of it,
 *   and each of those by busy_timeout_ms and the disk.
 *
 * OWNERSHIP
 *   A waiter, and the incident it points to, live on the caller's stack;
 *   the leader reads them only while that caller is blocked in
 *   pg_store__group_add(), which returns only after `done` is set.
 */
#include <string.h>

#include "store/store_int.h"

/* One caller's incident and, once `done`, its result. Guarded by the
 * group's lock, except `row`, which is read-only. */
struct store_waiter {
    const pg_store_incident *row;
    bool done;
    int err;
    char why[256];
};

/* pg_store__group_init - an idle group with an empty queue */
void pg_store__group_init(store_group *g)
{
    memset(g, 0, sizeof(*g));
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
}

/* pg_store__group_destroy - no caller may be inside any more */
void pg_store__group_destroy(store_group *g)
{
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->lock);
}

/* enqueue - wait for room, then queue w; g->lock held */
static void enqueue(store_group *g, store_waiter *w)
{
    while (g->n == PG_STORE_BATCH_MAX)
        pthread_cond_wait(&g->cond, &g->lock);
    g->queue[g->n++] = w;
}

/* take - become the leader: move the queue into batch; g->lock held */
static size_t take(store_group *g, store_waiter *batch[PG_STORE_BATCH_MAX])
{
    size_t n = g->n;

    memcpy(batch, g->queue, n * sizeof(*batch));
    g->n = 0;
    g->committing = true;
    pthread_cond_broadcast(&g->cond); /* room for callers waiting on a full queue */
    return n;
}

/* commit - write the batch in one backend call under the store's mutex */
static int commit(pg_store *st, store_waiter *const *batch, size_t n)
{
    const pg_store_incident *rows[PG_STORE_BATCH_MAX];
    int err;

    for (size_t i = 0; i < n; i++)
        rows[i] = batch[i]->row;
    pthread_mutex_lock(&st->lock);
    err = st->ops->incident_add(st->be, rows, n);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* finish - give every caller of the batch the result; g->lock held */
static void finish(store_group *g, store_waiter *const *batch, size_t n, int err)
{
    const char *why = err == PG_ENOMEM ? "out of memory recording incidents"
                                       : pg_error_last();

    for (size_t i = 0; i < n; i++) {
        batch[i]->err = err;
        if (err < 0)
            snprintf(batch[i]->why, sizeof(batch[i]->why), "%s", why);
        batch[i]->done = true;
    }
    g->committing = false;
    g->commits++;
    pthread_cond_broadcast(&g->cond);
}

/* pg_store__group_add - queue row, lead or follow, return once it is
 * durable (0) or its batch failed (that batch's pg_err, message set) */
int pg_store__group_add(pg_store *st, const pg_store_incident *row)
{
    store_group *g = &st->group;
    store_waiter w = {.row = row};
    store_waiter *batch[PG_STORE_BATCH_MAX];

    pthread_mutex_lock(&g->lock);
    enqueue(g, &w);
    while (!w.done && g->committing)
        pthread_cond_wait(&g->cond, &g->lock);
    if (!w.done) {
        size_t n = take(g, batch);
        int err;

        pthread_mutex_unlock(&g->lock);
        err = commit(st, batch, n);
        pthread_mutex_lock(&g->lock);
        finish(g, batch, n, err);
    }
    pthread_mutex_unlock(&g->lock);
    return w.err < 0 ? pg_error_set(w.err, "%s", w.why) : 0;
}
