/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service.c - the config snapshot and the check path every front end uses.
 *
 * A snapshot is one policy and the engine compiled from it, plus a pool of
 * scratch spaces for that engine. The service holds a pointer to the live
 * snapshot under a mutex; a check takes a reference and keeps it to the
 * end, so a reload that swaps the pointer never pulls an engine from under
 * a scan in flight. The last reference frees the old snapshot.
 *
 * Fail closed: every failure on the path (parse, scan, store) ends in a
 * tempfail decision with a reason, never in an allow.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "piiguard/pg_service.h"
#include "piiguard/pg_store.h"
#include "store/service_internal.h"

/* snapshot_free - free a snapshot nobody references any more */
static void snapshot_free(snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_free; i++)
        pg_scratch_free(s->free_scratch[i]);
    free(s->free_scratch);
    pthread_mutex_destroy(&s->lock);
    pg_engine_free(s->engine);
    pg_policy_free(s->policy);
    free(s);
}

/* snapshot_build - load a policy and compile its engine */
static int snapshot_build(snapshot **out, const char *path)
{
    snapshot *s = calloc(1, sizeof(*s));
    pg_engine_opts eo;
    int rc;

    if (!s)
        return PG_ENOMEM;
    pthread_mutex_init(&s->lock, NULL);
    s->refs = 1;
    if ((rc = pg_policy_load(&s->policy, path)) < 0)
        goto fail;
    pg_policy_engine_opts(s->policy, &eo);
    if ((rc = pg_engine_new(&s->engine, &eo)) < 0)
        goto fail;
    pg_policy_msg_limits(s->policy, &s->limits);
    *out = s;
    return 0;
fail:
    snapshot_free(s);
    return rc;
}

/* svc_acquire - a reference to the live snapshot */
snapshot *svc_acquire(pg_service *svc)
{
    pthread_mutex_lock(&svc->lock);
    snapshot *s = svc->live;
    s->refs++;
    pthread_mutex_unlock(&svc->lock);
    return s;
}

/* svc_release - drop a reference; the last one frees */
void svc_release(pg_service *svc, snapshot *s)
{
    pthread_mutex_lock(&svc->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&svc->lock);
    if (last)
        snapshot_free(s);
}

/* scratch_take - a scratch for this snapshot's engine, pooled */
pg_scratch *scratch_take(snapshot *s)
{
    pg_scratch *sc = NULL;

    pthread_mutex_lock(&s->lock);
    if (s->n_free)
        sc = s->free_scratch[--s->n_free];
    pthread_mutex_unlock(&s->lock);
    if (!sc && pg_scratch_new(&sc, s->engine) < 0)
        return NULL;
    return sc;
}

/* scratch_give - return a scratch to the pool (or free it) */
void scratch_give(snapshot *s, pg_scratch *sc)
{
    pthread_mutex_lock(&s->lock);
    if (pg_array_grow((void **)&s->free_scratch, &s->cap_free, s->n_free + 1,
                      sizeof(*s->free_scratch)) == 0) {
        s->free_scratch[s->n_free++] = sc;
        sc = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    pg_scratch_free(sc);
}

/* pg_service_open - load, compile, open the store */
int pg_service_open(pg_service **out, const pg_service_opts *opts)
{
    pg_service *svc = calloc(1, sizeof(*svc));
    int rc;

    if (!svc || !(svc->policy_path = strdup(opts->policy_path))) {
        free(svc);
        return PG_ENOMEM;
    }
    pthread_mutex_init(&svc->lock, NULL);
    if ((rc = snapshot_build(&svc->live, opts->policy_path)) < 0)
        goto fail;
    if (opts->state_dir) {
        pg_store_opts so = {.state_dir = opts->state_dir};
        if ((rc = pg_store_open(&svc->store, &so)) < 0)
            goto fail;
    }
    *out = svc;
    return 0;
fail:
    pg_service_close(svc);
    return rc;
}

/* pg_service_close - free everything; callers have stopped their threads */
void pg_service_close(pg_service *svc)
{
    if (!svc)
        return;
    if (svc->live)
        svc_release(svc, svc->live);
    pg_store_free(svc->store);
    pthread_mutex_destroy(&svc->lock);
    free(svc->policy_path);
    free(svc);
}

/* pg_service_reload - build a new snapshot beside the old; swap if good */
int pg_service_reload(pg_service *svc)
{
    snapshot *fresh = NULL, *old;
    int rc = snapshot_build(&fresh, svc->policy_path);

    if (rc < 0) {
        pg_log(PG_LOG_ERROR, "service", "reload failed, old policy stays live: %s",
               pg_error_last());
        return rc;
    }
    pthread_mutex_lock(&svc->lock);
    old = svc->live;
    svc->live = fresh;
    pthread_mutex_unlock(&svc->lock);
    svc_release(svc, old);
    pg_log(PG_LOG_INFO, "service", "policy reloaded from %s", svc->policy_path);
    return 0;
}

/* pg_service_secure_header - copy the live policy's secure-route header */
int pg_service_secure_header(pg_service *svc, char *out, size_t cap)
{
    int rc = PG_ENOTFOUND;

    pthread_mutex_lock(&svc->lock);
    const char *h = pg_policy_secure_header(svc->live->policy);
    if (h)
        rc = (size_t)snprintf(out, cap, "%s", h) < cap ? 0 : PG_ETOOBIG;
    pthread_mutex_unlock(&svc->lock);
    return rc;
}

/* pg_verdict_clear - release what a verdict owns */
void pg_verdict_clear(pg_verdict *v)
{
    pg_msg_free(v->msg);
    pg_decision_free(v->decision);
    memset(v, 0, sizeof(*v));
}
