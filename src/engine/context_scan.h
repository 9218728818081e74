/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * context_scan.h - where a context window's keywords may start: its word
 * starts (the first 64 only) whose first byte begins a keyword, found
 * with the widest vectors the CPU has. One form per instruction set, so
 * that tests can hold each against the scalar rule.
 */
#ifndef PIIGUARD_ENGINE_CONTEXT_SCAN_H
#define PIIGUARD_ENGINE_CONTEXT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine_internal.h"

/* The longest window: a candidate's bytes and a full context window on
 * each side. Longer windows are clipped to it. */
#define CTX_WINDOW_CAP (2 * PG_MAX_CONTEXT_WINDOW + PG_MAX_MATCH_BYTES)
#define CTX_WINDOW_BLOCKS ((CTX_WINDOW_CAP + 63) / 64)

/* Word starts counted: keywords at later word starts are not seen. */
#define CTX_MAX_STARTS 64

/* One window as the keywords see it: s[0, n) lower-cased (ASCII A-Z
 * only), bytes [blank_from, blank_to) read as spaces, zeros after n. */
typedef struct ctx_query {
    const char *s;
    size_t n;                   /* <= CTX_WINDOW_CAP */
    size_t avail;               /* bytes readable from s, >= n */
    size_t blank_from, blank_to;
    uint32_t letters;           /* bit c - 'a': a keyword starts with c */
    const uint8_t *second;      /* the keywords' second bytes, see below */
} ctx_query;

/* A set of second bytes, as seen through c | 0x20 (which has bit 5 set,
 * so its high nibble is one of eight): bit ctx_second_row(c) of
 * second[c & 15]. All 0xFF lets every byte through. */
static inline unsigned ctx_second_row(unsigned char c)
{
    unsigned h = (unsigned)(c | 0x20) >> 4; /* 2, 3, 6, 7, 10, 11, 14, 15 */

    return (h >> 2) << 1 | (h & 1);
}

static inline bool ctx_second_has(const uint8_t *second, unsigned char c)
{
    return second[(c | 0x20) & 15] >> ctx_second_row(c) & 1;
}

/* Fill out[j] (bit k: byte 64j + k) with the window's word starts, the
 * first CTX_MAX_STARTS only, whose lower-cased byte is a letter of
 * q->letters and whose next byte is in q->second (or lies at or past
 * n; the byte is read raw, not blanked: the set is a filter, not the
 * rule); return how many blocks were filled (the rest are empty).
 * A word start is [a-z0-9] after lower-casing, with no such byte before
 * it (the window's first byte has none); bytes >= 0x80 are not alnum. */
typedef size_t (*ctx_starts_fn)(const ctx_query *q, uint64_t *out);

/* The form for an instruction set (ENGINE_ISA_*). */
ctx_starts_fn ctx_starts_for(unsigned isa);

/* ctx_byte - byte i of the window as the keywords see it */
static inline unsigned char ctx_byte(const ctx_query *q, size_t i)
{
    if (i >= q->n)
        return 0;
    if (i - q->blank_from < q->blank_to - q->blank_from)
        return ' ';
    return ascii_lower((unsigned char)q->s[i]); /* as keywords are compared */
}

#endif /* PIIGUARD_ENGINE_CONTEXT_SCAN_H */
