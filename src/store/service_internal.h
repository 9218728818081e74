/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service_internal.h - the snapshot and service structs (service*.c only).
 *
 * Locking: pg_service.lock guards `live` and every snapshot's `refs`;
 * snapshot.lock guards its scratch pool. Neither is held during a scan.
 */
#ifndef PIIGUARD_STORE_SERVICE_INTERNAL_H
#define PIIGUARD_STORE_SERVICE_INTERNAL_H

#include <pthread.h>

#include "piiguard/pg_service.h"
#include "piiguard/pg_store.h"

typedef struct snapshot {
    pg_policy *policy;
    pg_engine *engine;
    pg_msg_limits limits;
    unsigned refs;               /* guarded by pg_service.lock */
    pthread_mutex_t lock;        /* guards the pool below */
    pg_scratch **free_scratch;
    size_t n_free, cap_free;
} snapshot;

struct pg_service {
    pthread_mutex_t lock;
    snapshot *live;
    char *policy_path;
    pg_store *store;             /* NULL when no state dir was given */
    int64_t next_expire;         /* guarded by lock: when retention runs next */
};

/* Quarantine retention runs from the check path at most this often, so no
 * daemon needs a timer thread of its own. */
#define SERVICE_EXPIRE_INTERVAL 3600

snapshot *svc_acquire(pg_service *svc);
void svc_release(pg_service *svc, snapshot *s);
pg_scratch *scratch_take(snapshot *s);
void scratch_give(snapshot *s, pg_scratch *sc);

#endif /* PIIGUARD_STORE_SERVICE_INTERNAL_H */
