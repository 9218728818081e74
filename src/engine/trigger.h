/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trigger.h - where the digit/'@' sweep stops: a cursor over the bytes
 * that are a digit or '@', read from bit masks of 64-byte blocks.
 */
#ifndef PIIGUARD_ENGINE_TRIGGER_H
#define PIIGUARD_ENGINE_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine_internal.h"

/* Blocks masked per refill: 1 KiB of text. */
#define TRIGGER_BATCH 16

/* Fill out[0..] with the trigger masks of the blocks from base on (bit k
 * of out[j]: byte base + 64j + k is a digit or '@'), at most max of them;
 * bytes at or past n are left out. Returns how many. base < n. */
typedef size_t (*trigger_fn)(const char *s, size_t n, size_t base, uint64_t *out, size_t max);

/* The masker for an instruction set (ENGINE_ISA_*). */
trigger_fn trigger_masker(unsigned isa);

typedef struct trigger_iter {
    const char *s;
    size_t n;
    trigger_fn fill;
    size_t base;                   /* first byte masks[0] covers */
    size_t nmask;                  /* masks filled; 0 = none yet */
    uint64_t masks[TRIGGER_BATCH];
} trigger_iter;

/* trigger_init - a cursor over the view of ctx */
void trigger_init(trigger_iter *it, const scan_ctx *ctx);

/* trigger_refill - mask the batch of blocks that holds i (i < n) */
void trigger_refill(trigger_iter *it, size_t i);

/* trigger_next - the first digit or '@' at or after i, or n. Inline: the
 * sweep asks once per cluster, and most answers come from the masks at
 * hand. */
static inline size_t trigger_next(trigger_iter *it, size_t i)
{
    while (i < it->n) {
        if (i < it->base || i >= it->base + 64 * it->nmask)
            trigger_refill(it, i);
        size_t j = (i - it->base) >> 6;
        uint64_t m = it->masks[j] & (~0ull << ((i - it->base) & 63));
        for (;;) {
            if (m)
                return it->base + 64 * j + (size_t)__builtin_ctzll(m);
            if (++j == it->nmask)
                break;
            m = it->masks[j];
        }
        i = it->base + 64 * it->nmask;
    }
    return it->n;
}

#endif /* PIIGUARD_ENGINE_TRIGGER_H */
