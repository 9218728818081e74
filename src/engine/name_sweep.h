/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * name_sweep.h - the name sweep's block classifier, one per instruction
 * set, so that tests can hold each against the scalar rule.
 */
#ifndef PIIGUARD_ENGINE_NAME_SWEEP_H
#define PIIGUARD_ENGINE_NAME_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine_internal.h"

/* One 64-byte block's classes: bit k is byte base + k. */
typedef struct name_block {
    uint64_t word;    /* [0-9A-Za-z] or a UTF-8 byte: continues a word */
    uint64_t letter;  /* [A-Za-z] or a UTF-8 byte: continues a name */
    uint64_t cap;     /* [A-Z] or a 0xC3-0xD0 lead byte */
    uint64_t hyphen;  /* '-' */
} name_block;

/* Fill out[0..] with the masks of the blocks from base on, at most max
 * of them, and return how many: out[j] covers s[base + 64j, +64), bytes
 * at or past n left out. base < n. */
typedef size_t (*name_classify_fn)(const char *s, size_t n, size_t base, name_block *out,
                                   size_t max);

/* The classifier for an instruction set (ENGINE_ISA_*); the scalar one
 * for ENGINE_ISA_SCALAR. */
name_classify_fn name_classifier(unsigned isa);

#endif /* PIIGUARD_ENGINE_NAME_SWEEP_H */
