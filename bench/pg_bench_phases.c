/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pg_bench_phases.c - where the engine's time goes, pass by pass.
 *
 * Runs the steps of pg_engine_scan() one by one (engine.c) over 1 MiB
 * chunks of a file, as pg_bench_engine's stream does, and prints each
 * pass's best time over ROUNDS rounds: the view (normalisation), the
 * digit/'@' sweep with its cluster recognizers, the word literals with
 * their recognizers, the name sweep, and delivery. It reads the engine's
 * internals, so it lives beside the engine's own code, not the API.
 *
 * Usage: pg_bench_phases FILE [ROUNDS]
 * PIIGUARD_ISA=scalar|sse2|avx2 times a narrower instruction set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/engine_internal.h"
#include "engine/words.h"

enum { PHASE_VIEW, PHASE_SWEEP, PHASE_LITERALS, PHASE_NAMES, PHASE_DELIVER, PHASES };

static const char *const phase_names[PHASES] = {
    "normalise (view)", "digit/@ sweep", "word literals", "name sweep", "deliver"};

#define CHUNK (1u << 20)

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_cb(const pg_finding *f, void *payload)
{
    (void)f;
    (*(size_t *)payload)++;
    return 0;
}

/* scan_chunk - one chunk, step by step; adds each step's time to t */
static int scan_chunk(const pg_engine *e, pg_scratch *s, const char *buf, size_t n,
                      double t[PHASES], size_t *found)
{
    scan_ctx ctx;
    double a = now(), b;
    int rc;

    if ((rc = engine_scan_begin(&ctx, e, s, buf, n)) < 0)
        return rc;
    b = now(), t[PHASE_VIEW] += b - a, a = b;
    engine_sweep(&ctx);
    engine_end_run(s);
    b = now(), t[PHASE_SWEEP] += b - a, a = b;
    if ((rc = engine_words_find(&ctx)) < 0)
        return rc;
    engine_end_run(s);
    b = now(), t[PHASE_LITERALS] += b - a, a = b;
    recog_person_sweep(&ctx);
    if (s->err)
        return s->err;
    b = now(), t[PHASE_NAMES] += b - a, a = b;
    rc = engine_deliver(&ctx, buf, count_cb, found);
    t[PHASE_DELIVER] += now() - a;
    return rc;
}

int main(int argc, char **argv)
{
    FILE *f;
    char *buf;
    long size;
    pg_engine *e = NULL;
    pg_scratch *s = NULL;
    double best[PHASES], total = 0;
    size_t found = 0;

    if (argc < 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: pg_bench_phases FILE [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(buf = malloc((size_t)size)) || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "pg_bench_phases: cannot read %s\n", argv[1]);
        return 2;
    }
    fclose(f);
    if (pg_engine_new(&e, NULL) < 0 || pg_scratch_new(&s, e) < 0) {
        fprintf(stderr, "pg_bench_phases: %s\n", pg_error_last());
        return 2;
    }
    for (int k = 0; k < PHASES; k++)
        best[k] = 1e9;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        double t[PHASES] = {0};
        found = 0;
        for (size_t off = 0; off < (size_t)size; off += CHUNK) {
            size_t n = (size_t)size - off < CHUNK ? (size_t)size - off : CHUNK;
            if (scan_chunk(e, s, buf + off, n, t, &found) < 0) {
                fprintf(stderr, "pg_bench_phases: scan failed: %s\n", pg_error_last());
                return 2;
            }
        }
        for (int k = 0; k < PHASES; k++)
            if (t[k] < best[k])
                best[k] = t[k];
    }
    for (int k = 0; k < PHASES; k++) {
        printf("%-18s %7.1f ms\n", phase_names[k], best[k] * 1e3);
        total += best[k];
    }
    printf("%-18s %7.1f ms = %.0f MB/s (sum of the best passes), %zu findings\n", "total",
           total * 1e3, (double)size / 1e6 / total, found);
    pg_scratch_free(s);
    pg_engine_free(e);
    free(buf);
    return 0;
}
