/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * words.h - the trigger table of the Hyperscan word pass (words.c) and the
 * kinds that recog_words.c dispatches on.
 */
#ifndef PIIGUARD_ENGINE_WORDS_H
#define PIIGUARD_ENGINE_WORDS_H

#include <stddef.h>

#include "engine/engine_internal.h"

typedef enum word_kind {
    W_KEY_BLOCK, W_TOKEN_AWS, W_TOKEN_GITHUB, W_TOKEN_GITHUB_PAT, W_TOKEN_SLACK,
    W_TOKEN_STRIPE, W_TOKEN_GOOGLE, W_TOKEN_GITLAB, W_TOKEN_NPM, W_TOKEN_JWT,
    W_PASSWORD, W_PIN, W_SWIFT, W_SALUTATION, W_TITLE,
    W_NAME_IS, W_NAME_FIELD, W_SIGNOFF
} word_kind;

typedef struct word_pattern {
    const char *pattern; /* Hyperscan expression (literal or escaped) */
    unsigned flags;
    word_kind kind;
    size_t len;          /* bytes the trigger matches */
} word_pattern;

/* word_kind_anywhere - is a literal of this kind looked for inside words
 * too? Every other kind's recognizer drops a hit that has a letter or a
 * digit before it (word_start_ok(), recog_person_cue()), so word_lits.c
 * looks for those at word starts only. */
static inline bool word_kind_anywhere(word_kind k)
{
    return k == W_KEY_BLOCK;
}

extern const word_pattern engine_word_patterns[];
extern const unsigned engine_n_word_patterns;

/* names.c: the given-name dictionary, sorted by bytes; a trailing '*'
 * marks a name that is also a word or a place. */
extern const char *const engine_given_names[];
extern const size_t engine_n_given_names;

/* names.c: surname endings; alone: the ending may make a name by itself. */
typedef struct surname_ending {
    const char *ending;
    unsigned char len;   /* bytes */
    bool alone;
} surname_ending;
extern const surname_ending engine_surname_endings[];
extern const size_t engine_n_surname_endings;

/* letter_byte - a byte that continues a name word: an ASCII letter or
 * any UTF-8 byte (recog_person.c, name_sweep.c) */
static inline bool letter_byte(unsigned char c)
{
    return is_alpha(c) || c >= 0x80;
}

/* Longest name word, in bytes; a longer run of letters is no name. */
#define NAME_MAX_WORD 40

/* name_sweep.c: names among the capitalised words of the view. */
void recog_person_sweep(scan_ctx *ctx);

/* recog_person.c: names starting with the capitalised word [b, e);
 * returns where the sweep goes on. */
size_t recog_person_word(scan_ctx *ctx, size_t b, size_t e);

/* The filters recog_person.c fills once per engine and reads per word. */
static inline bool bloom_has(const uint64_t *bloom, unsigned bit)
{
    return bloom[bit >> 6] >> (bit & 63) & 1;
}

/* given_bit - a word's bit in the given-name filter: its length and
 * first four bytes (names are three bytes or more), mixed */
static inline unsigned given_bit(const char *w, size_t wl)
{
    uint32_t x = (uint32_t)(unsigned char)w[0] | (uint32_t)(unsigned char)w[1] << 8 |
                 (uint32_t)(unsigned char)w[2] << 16 |
                 (uint32_t)(wl > 3 ? (unsigned char)w[3] : 0) << 24;
    return ((x ^ (uint32_t)wl * 0x85EBCA6Bu) * 0x9E3779B1u) >> 16;
}

/* ending_bit - the filter bit of a word's last two bytes: every ending is
 * at least two bytes long */
static inline unsigned ending_bit(const char *w, size_t len)
{
    return (((uint32_t)(unsigned char)w[len - 2] << 8 | (unsigned char)w[len - 1]) *
            2654435761u) >> 19;
}

/* person_word_filtered - would recog_person_word(ctx, b, e) return e at
 * once, having done nothing? So it would for a word of three bytes or
 * more, with no hyphen after it, that neither filter lets through: most
 * capitalised words, which the sweep then need not hand over. */
static inline bool person_word_filtered(const scan_ctx *ctx, size_t b, size_t e)
{
    const char *w = ctx->s + b;
    size_t wl = e - b;

    return wl >= 3 && (e >= ctx->n || ctx->s[e] != '-') &&
           !bloom_has(ctx->engine->given_bloom, given_bit(w, wl)) &&
           !bloom_has(ctx->engine->ending_bloom, ending_bit(w, wl));
}

/* recog_person.c: a name after a cue of this kind. */
void recog_person_cue(scan_ctx *ctx, const word_hit *h, word_kind kind);

#endif /* PIIGUARD_ENGINE_WORDS_H */
