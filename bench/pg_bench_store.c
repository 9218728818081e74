/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pg_bench_store.c - incidents per second into one store from N threads.
 *
 * Opens (creating) a store in STATE_DIR, starts THREADS threads that each
 * record COUNT incidents through pg_store_incident_add() (the service's
 * path: validation, the Message-ID hash, the group commit, one durable
 * SQLite commit per batch), and prints incidents/s and the p50 and p99 of
 * one call. Public API only, so the same file measures an older build
 * too. Use a fresh STATE_DIR on the disk the daemon will use: the figure
 * is mostly that disk's sync latency.
 * Usage: pg_bench_store STATE_DIR THREADS COUNT      (THREADS <= 64)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "piiguard/pg_store.h"

#define THREADS_MAX 64

/* One thread's store, how many incidents it records, how long each took,
 * and its first error (the message is per thread). */
typedef struct worker {
    pg_store *st;
    int count;
    double *lat;
    int err;
    char why[256];
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* record - thread body: COUNT chat incidents, each call timed */
static void *record(void *arg)
{
    worker *w = arg;
    char id[PG_STORE_ID_SIZE];
    pg_store_incident inc = {
        .channel = "chat", .sender = "agent7@example.com",
        .recipient_domains = "example.net", .action = "reject",
        .rules = "[{\"id\":\"card-external\",\"action\":\"reject\"}]",
        .entity_counts = "{\"CREDIT_CARD\":1}", .severity = "high",
    };

    for (int i = 0; i < w->count && w->err == 0; i++) {
        double t = now();
        if ((w->err = pg_store_incident_add(id, w->st, &inc)) < 0)
            snprintf(w->why, sizeof(w->why), "%s", pg_error_last());
        w->lat[i] = now() - t;
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int threads = argc == 4 ? atoi(argv[2]) : 0, count = argc == 4 ? atoi(argv[3]) : 0;
    if (threads < 1 || threads > THREADS_MAX || count < 1) {
        fprintf(stderr, "usage: pg_bench_store STATE_DIR THREADS(1-64) COUNT\n");
        return 2;
    }
    pg_store_opts opts = {.state_dir = argv[1]};
    pg_store *st;
    if (pg_store_open(&st, &opts) < 0) {
        fprintf(stderr, "pg_bench_store: %s\n", pg_error_last());
        return 1;
    }
    size_t n = (size_t)threads * (size_t)count;
    double *lat = calloc(n, sizeof(*lat));
    worker w[THREADS_MAX];
    pthread_t t[THREADS_MAX];
    if (!lat)
        return 2;
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker){.st = st, .count = count, .lat = lat + (size_t)i * (size_t)count};
        pthread_create(&t[i], NULL, record, &w[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double secs = now() - t0;
    for (int i = 0; i < threads; i++)
        if (w[i].err < 0) {
            fprintf(stderr, "pg_bench_store: %s\n", w[i].why);
            return 1;
        }
    qsort(lat, n, sizeof(*lat), by_value);
    printf("pg_bench_store: %2d threads, %zu incidents: %6.0f incidents/s  p50 %.2f ms  "
           "p99 %.2f ms\n", threads, n, (double)n / secs, lat[n / 2] * 1e3,
           lat[n * 99 / 100] * 1e3);
    free(lat);
    pg_store_free(st);
    return 0;
}
