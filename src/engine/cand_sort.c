/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cand_sort.c - put the candidates of one scan in start order.
 *
 * Each pass of a scan (the digit/'@' sweep, the word pass, the name
 * sweep) emits its candidates almost in start order: out of order only
 * within one cluster or one name, by a few places. So the candidates are
 * a handful of nearly sorted runs, and the cheap sort is an insertion
 * sort per run followed by a merge of the runs. glibc's qsort, a merge
 * sort that allocates, was the single largest cost of delivering
 * findings (callgrind, bench corpus).
 *
 * Invariant: after engine_sort_cands() succeeds, cands[0..n) is ordered by
 * cand_order(). A run that turns out far from sorted (hostile input can
 * make one) falls back to qsort, so the cost stays O(n log n).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

/* An insertion sort may move each candidate this many places on average
 * before the run is handed to qsort instead. */
#define SORT_MOVE_BUDGET 8

/* cand_order - by start, then best first (score, validated, longer) */
int cand_order(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->validated != b->validated)
        return a->validated ? -1 : 1;
    if (a->end - a->start != b->end - b->start)
        return (a->end - a->start) > (b->end - b->start) ? -1 : 1;
    return 0;
}

/* sort_run - insertion sort of c[0..n), qsort when it moves too much */
static void sort_run(cand *c, size_t n)
{
    size_t moves = 0, budget = SORT_MOVE_BUDGET * n + 64;

    for (size_t i = 1; i < n; i++) {
        if (cand_order(&c[i - 1], &c[i]) <= 0)
            continue;
        cand t = c[i];
        size_t j = i;
        while (j > 0 && cand_order(&c[j - 1], &t) > 0) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = t;
        moves += i - j;
        if (moves > budget) {
            qsort(c, n, sizeof(*c), cand_order);
            return;
        }
    }
}

/* merge - merge sorted a[0..na) and b[0..nb) into out */
static void merge(const cand *a, size_t na, const cand *b, size_t nb, cand *out)
{
    size_t i = 0, j = 0, o = 0;

    while (i < na && j < nb)
        out[o++] = cand_order(&b[j], &a[i]) < 0 ? b[j++] : a[i++];
    memcpy(out + o, a + i, (na - i) * sizeof(*a));
    o += na - i;
    memcpy(out + o, b + j, (nb - j) * sizeof(*b));
}

/* engine_sort_cands - sort the scratch's candidates; bounds[k] is where
 * run k ends (the last bound is n_cands). Returns 0 or PG_ENOMEM. */
int engine_sort_cands(pg_scratch *s, const size_t *bounds, size_t nruns)
{
    size_t start = 0, sorted = 0;

    for (size_t k = 0; k < nruns; k++) {
        sort_run(s->cands + start, bounds[k] - start);
        start = bounds[k];
    }
    if (nruns < 2)
        return 0;
    if (pg_array_grow((void **)&s->sort_tmp, &s->cap_sort_tmp, s->n_cands,
                      sizeof(*s->sort_tmp)) < 0)
        return PG_ENOMEM;
    /* Fold each run into the sorted prefix: a few runs, so a linear
     * sequence of merges is cheaper than a balanced tree to write. */
    sorted = bounds[0];
    for (size_t k = 1; k < nruns; k++) {
        size_t len = bounds[k] - sorted;
        if (len && sorted &&
            cand_order(&s->cands[sorted - 1], &s->cands[sorted]) > 0) {
            merge(s->cands, sorted, s->cands + sorted, len, s->sort_tmp);
            memcpy(s->cands, s->sort_tmp, bounds[k] * sizeof(*s->cands));
        }
        sorted = bounds[k];
    }
    return 0;
}
