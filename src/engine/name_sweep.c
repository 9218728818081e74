/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * name_sweep.c - the first pass for names: every capitalised word of the
 * view, found from bit masks rather than byte by byte.
 *
 * Support mail has a capitalised word every ~40 bytes, most of them
 * sentence starts ("I", "We", "It", "Please"). Each 64-byte block is
 * classified once into four masks (word bytes, letters, capitals, '-'),
 * with the widest vectors the CPU has (cpu.c; AVX-512 turns a block into
 * its masks in a dozen instructions). From those, one mask test drops the
 * starts of words shorter than three letters, and a word's end is the
 * next zero of the letter mask: no byte loop, and no branch per byte that
 * mispredicts once per word. What is left goes to recog_person_word()
 * (recog_person.c), which does the dictionary, the surname endings and
 * the address checks.
 *
 * A start (name_starts()) is an upper-case ASCII letter or a two-byte
 * UTF-8 lead byte (0xC3-0xD0, which holds the Latin, Greek and Cyrillic
 * capitals; recog_person_word() checks the letter) with no word byte
 * before it. classify_scalar() is the rule; the vector forms must equal
 * it bit for bit (tests/engine/test_name_sweep.c).
 *
 * Invariant: block masks never claim a byte at or past the view's end,
 * so a word's end found in a mask is never past it.
 */
#include <stdint.h>

#include "engine/name_sweep.h"
#include "engine/simd.h"
#include "engine/words.h"

static bool word_b(unsigned char c) { return is_alnum(c) || c >= 0x80; }
static bool cap_b(unsigned char c) { return is_upper(c) || (c >= 0xC3 && c <= 0xD0); }

/* classify_one - the rule itself, byte by byte, for the block at base;
 * the vector forms must equal it */
static void classify_one(const char *s, size_t n, size_t base, name_block *b)
{
    size_t lim = n - base < 64 ? n - base : 64;

    *b = (name_block){0, 0, 0, 0};
    for (size_t k = 0; k < lim; k++) {
        unsigned char c = (unsigned char)s[base + k];
        b->word |= (uint64_t)word_b(c) << k;
        b->letter |= (uint64_t)letter_byte(c) << k;
        b->cap |= (uint64_t)cap_b(c) << k;
        b->hyphen |= (uint64_t)(c == '-') << k;
    }
}

/* Each form classifies up to max blocks from base into out and returns
 * how many: one call a batch keeps the vector constants in registers.
 * Whole blocks take the vector path; the view's last, partial block is
 * done by classify_one(). */

static size_t classify_scalar(const char *s, size_t n, size_t base, name_block *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base < n; nb++, base += 64)
        classify_one(s, n, base, &out[nb]);
    return nb;
}

#if defined(__SSE2__)
/* classify_sse2 - sixteen bytes a step */
static size_t classify_sse2(const char *s, size_t n, size_t base, name_block *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        uint64_t word = 0, letter = 0, cap = 0, hyphen = 0;
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + base + k));
            __m128i high = _mm_cmplt_epi8(v, _mm_setzero_si128());
            __m128i l = _mm_or_si128(high, in_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26));
            __m128i w = _mm_or_si128(l, in_range16(v, '0', 10));
            __m128i c = _mm_or_si128(in_range16(v, 'A', 26), in_range16(v, (char)0xC3, 14));
            word |= (uint64_t)(unsigned)_mm_movemask_epi8(w) << k;
            letter |= (uint64_t)(unsigned)_mm_movemask_epi8(l) << k;
            cap |= (uint64_t)(unsigned)_mm_movemask_epi8(c) << k;
            hyphen |= (uint64_t)(unsigned)_mm_movemask_epi8(
                _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))) << k;
        }
        out[nb] = (name_block){word, letter, cap, hyphen};
    }
    return nb + classify_scalar(s, n, base, out + nb, max - nb);
}
#endif

#if defined(ENGINE_HAVE_WIDE)
/* classify_avx2 - thirty-two bytes a step */
__attribute__((target("avx2")))
static size_t classify_avx2(const char *s, size_t n, size_t base, name_block *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        uint64_t word = 0, letter = 0, cap = 0, hyphen = 0;
        for (unsigned k = 0; k < 64; k += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(s + base + k));
            __m256i high = _mm256_cmpgt_epi8(_mm256_setzero_si256(), v);
            __m256i l = _mm256_or_si256(high, in_range32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 26));
            __m256i w = _mm256_or_si256(l, in_range32(v, '0', 10));
            __m256i c = _mm256_or_si256(in_range32(v, 'A', 26), in_range32(v, (char)0xC3, 14));
            word |= (uint64_t)(uint32_t)_mm256_movemask_epi8(w) << k;
            letter |= (uint64_t)(uint32_t)_mm256_movemask_epi8(l) << k;
            cap |= (uint64_t)(uint32_t)_mm256_movemask_epi8(c) << k;
            hyphen |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-'))) << k;
        }
        out[nb] = (name_block){word, letter, cap, hyphen};
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + classify_scalar(s, n, base, out + nb, max - nb);
}

/* classify_avx512 - a whole block at once, straight into bit masks */
__attribute__((target("avx512f,avx512bw")))
static size_t classify_avx512(const char *s, size_t n, size_t base, name_block *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        __m512i v = _mm512_loadu_si512((const void *)(s + base));
        __mmask64 high = _mm512_movepi8_mask(v);
        __mmask64 alpha = in_range64(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), 'a', 26);
        __mmask64 digit = in_range64(v, '0', 10);
        __mmask64 upper = in_range64(v, 'A', 26);
        __mmask64 lead = in_range64(v, (char)0xC3, 14);
        out[nb] = (name_block){alpha | high | digit, alpha | high, upper | lead,
                               _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('-'))};
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + classify_scalar(s, n, base, out + nb, max - nb);
}
#endif

/* name_classifier - the classifier for an instruction set */
name_classify_fn name_classifier(unsigned isa)
{
    return ENGINE_PICK(isa, classify_scalar, classify_sse2, classify_avx2, classify_avx512);
}

/* name_starts - the block's capitalised-word starts that may begin a name:
 * a second letter and a third letter or '-' ("Ji-ho"). Bits 62 and 63
 * need the next block's bytes; they are kept and checked exactly. */
static uint64_t name_starts(const name_block *b, bool word_before_block)
{
    uint64_t starts = b->cap & ~(b->word << 1 | (uint64_t)word_before_block);
    uint64_t second = b->letter >> 1 | 1ull << 63;
    uint64_t third = (b->letter | b->hyphen) >> 2 | 3ull << 62;
    return starts & second & third;
}

/* letters_end - end of the run of letter bytes at i, at most at lim.
 * Only words that run past their block come here. */
static size_t letters_end(const scan_ctx *ctx, size_t i, size_t lim)
{
    if (lim > ctx->n)
        lim = ctx->n;
    while (i < lim && letter_byte((unsigned char)ctx->s[i]))
        i++;
    return i;
}

/* word_end - end of the name word starting at bit k of the block at
 * base: its letters after the first byte, at most NAME_MAX_WORD bytes */
static size_t word_end(const scan_ctx *ctx, const name_block *b, size_t base, unsigned k)
{
    size_t i = base + k, lim = i + NAME_MAX_WORD;
    uint64_t gaps = k < 63 ? ~b->letter & (~0ull << (k + 1)) : 0;
    size_t e = gaps ? base + (size_t)__builtin_ctzll(gaps) : letters_end(ctx, base + 64, lim);

    return e < lim ? e : lim;
}

/* Blocks classified a batch: 1 KiB of text, 512 bytes of masks. */
#define SWEEP_BATCH 16

/* recog_person_sweep - every capitalised word of the view, once */
void recog_person_sweep(scan_ctx *ctx)
{
    const uint64_t mask = ctx->engine->opts.entities;
    const name_classify_fn classify = name_classifier(ctx->engine->isa);
    size_t resume = 0; /* starts before this were inside a found name */
    name_block blk[SWEEP_BATCH];

    if (mask && !(mask & (1ull << PG_ENT_PERSON)))
        return;
    for (size_t batch = 0; batch < ctx->n; batch += 64 * SWEEP_BATCH) {
        size_t nb = classify(ctx->s, ctx->n, batch, blk, SWEEP_BATCH);
        for (size_t j = 0; j < nb; j++) {
            size_t base = batch + 64 * j;
            bool before = base > 0 && word_b((unsigned char)ctx->s[base - 1]);
            for (uint64_t m = name_starts(&blk[j], before); m; m &= m - 1) {
                unsigned k = (unsigned)__builtin_ctzll(m);
                size_t i = base + k;
                if (i < resume)
                    continue;
                size_t e = word_end(ctx, &blk[j], base, k);
                /* three bytes or more, or two and a hyphen ("Ji-ho") */
                bool longer = e - i >= 3 || (e - i == 2 && e < ctx->n && ctx->s[e] == '-');
                if (longer && e - i < NAME_MAX_WORD)
                    resume = person_word_filtered(ctx, i, e) ? e : recog_person_word(ctx, i, e);
                if (ctx->scratch->err)
                    return;
            }
        }
    }
}
