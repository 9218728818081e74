/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pg_bench_engine.c - single-thread engine throughput over a file.
 *
 * Reads the whole file into memory first, so the figure is the engine's,
 * not the disk's; scans it in 1 MiB chunks through pg_stream (the path
 * piiguard scan takes) a few times and prints the best MB/s.
 * Usage: pg_bench_engine FILE [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "piiguard/pg_engine.h"

static int count_cb(const pg_finding *f, void *payload)
{
    (void)f;
    (*(size_t *)payload)++;
    return 0;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall clock is the figure the target speaks of; the thread's CPU time
 * is printed beside it because on a shared machine the wall clock also
 * counts the time other processes held the core. */
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pg_bench_engine FILE [ROUNDS]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(len);
    if (!buf || fread(buf, 1, len, f) != len)
        return 2;
    fclose(f);
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    pg_engine *e;
    if (pg_engine_new(&e, NULL) < 0)
        return 2;
    double best = 1e9, best_cpu = 1e9;
    size_t found = 0;
    for (int r = 0; r < rounds; r++) {
        pg_stream *st;
        found = 0;
        pg_stream_new(&st, e, count_cb, &found);
        double t0 = now(), c0 = cpu_now();
        for (size_t off = 0; off < len; off += 1u << 20)
            pg_stream_feed(st, buf + off, len - off < (1u << 20) ? len - off : 1u << 20);
        pg_stream_finish(st);
        double dt = now() - t0, dc = cpu_now() - c0;
        if (dt < best)
            best = dt;
        if (dc < best_cpu)
            best_cpu = dc;
        pg_stream_free(st);
    }
    printf("engine: %.1f MB in %.3f s = %.0f MB/s single thread, %zu findings "
           "(thread CPU time: %.0f MB/s)\n",
           (double)len / 1e6, best, (double)len / 1e6 / best, found,
           (double)len / 1e6 / best_cpu);
    pg_engine_free(e);
    free(buf);
    return 0;
}
