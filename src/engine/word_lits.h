/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * word_lits.h - the word pass's literals (words.c) found from bit masks
 * on wide-vector CPUs: a filter on each position's first three bytes,
 * then a byte compare. The filter has one form per instruction set, so
 * that tests can hold each against the scalar rule, and the whole pass
 * is tested against Vectorscan's answers.
 */
#ifndef PIIGUARD_ENGINE_WORD_LITS_H
#define PIIGUARD_ENGINE_WORD_LITS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine_internal.h"

/* Bytes the filter looks at; every literal must be at least this long. */
#define LIT_FILTER_BYTES 3

/* Literals the index holds (each caseless one counts twice). */
#define LIT_MAX_ENTRIES 256

/* The filter's bucket for literals that may start inside a word. */
#define LIT_ANYWHERE_BUCKET 7

/* The literal index, built once per engine (engine_words_compile()).
 *
 * Filter: byte j of a position passes bucket b when bit b is set in both
 * lo[j][c & 15] and hi[j][c >> 4] (c = the byte j places on; bytes past
 * the view are zero, which no literal holds). A position is a candidate
 * when some bucket passes all LIT_FILTER_BYTES bytes, and, for the
 * buckets other than LIT_ANYWHERE_BUCKET, the byte before it is not
 * [0-9A-Za-z]. Each literal sits in one bucket, so the filter lets every
 * occurrence through, and a few positions that are none (the nibbles of
 * a bucket's literals combine).
 *
 * Compare: the literals whose first byte is c (either case of it for a
 * caseless literal) are entries[first[c] .. first[c + 1]), shortest
 * first. An entry holds its literal's first eight bytes as one word, so
 * that one load, an OR and a mask compare them (lit_entry_match()). */
typedef struct lit_entry {
    uint64_t want;      /* the first bytes, caseless letters lower-cased */
    uint64_t fold;      /* 0x20 at each caseless letter: ORed into the text */
    uint64_t mask;      /* 0xFF at each byte the word holds */
    uint8_t id;         /* index into engine_word_patterns */
} lit_entry;

typedef struct lit_index {
    uint8_t lo[LIT_FILTER_BYTES][16];
    uint8_t hi[LIT_FILTER_BYTES][16];
    uint16_t first[257];
    lit_entry entries[LIT_MAX_ENTRIES];
} lit_index;

/* Build ix from engine_word_patterns; PG_EINTERNAL when a literal is
 * shorter than LIT_FILTER_BYTES or there are too many. */
int lit_index_build(lit_index *ix);

/* Called for each literal found, in start order: id is its index in
 * engine_word_patterns, [start, end) its bytes. Non-zero stops the scan
 * and is returned from lit_scan(). */
typedef int (*lit_hit_fn)(void *payload, unsigned id, size_t start, size_t end);

/* Fill out[j] with the candidate bits of the blocks from base on (bit k
 * of out[j]: position base + 64j + k), at most max of them, and return
 * how many. base < n. */
typedef size_t (*lit_filter_fn)(const lit_index *ix, const char *s, size_t n, size_t base,
                                uint64_t *out, size_t max);

/* The filter for an instruction set (ENGINE_ISA_*); the scalar rule
 * below AVX2 (narrower CPUs run Vectorscan instead, see words.c). */
lit_filter_fn lit_filter_for(unsigned isa);

/* Report every occurrence in s[0, n) of a literal of engine_word_patterns
 * that starts a word (no [0-9A-Za-z] byte before it) or whose kind is
 * looked for anywhere (word_kind_anywhere()). */
int lit_scan(const lit_index *ix, unsigned isa, const char *s, size_t n,
             lit_hit_fn fn, void *payload);

#endif /* PIIGUARD_ENGINE_WORD_LITS_H */
