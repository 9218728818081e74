/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * context_scan.c - the candidate starts of a context window's keywords,
 * found from bit masks, without copying the window.
 *
 * A window used to be copied lower-cased and its first 64 word starts
 * listed one by one: ~1,100 instructions and ~9 mispredicted branches a
 * window, for 15-20k windows per 10 MB of mail, most of which hold no
 * keyword at all. Now each 64-byte block is classified in place into two
 * masks: alnum bytes (after lower-casing) and bytes that begin one of the
 * entity's keywords. Word starts follow from the alnum mask with a shift,
 * and only the word starts that begin a keyword are left for context.c
 * to compare byte by byte; AVX-512 does a block in about a dozen
 * instructions. The scan stops at the block holding the 64th word start.
 *
 * block_starts() is the rule that turns a block's masks into starts; the
 * forms only differ in how they classify bytes, and each must equal
 * starts_scalar() bit for bit (tests/engine/test_context.c).
 *
 * Invariant: nothing at or past q->n is read as part of the window;
 * bytes up to q->avail may be loaded and are masked off.
 */
#include <string.h>

#include "engine/context_scan.h"
#include "engine/simd.h"

/* The running state of one scan over a window's blocks. */
typedef struct start_state {
    uint64_t carry;    /* 1: the previous block ended in an alnum byte */
    unsigned count;    /* word starts seen so far */
} start_state;

/* blank_bits - the bits of block base that lie in [blank_from, blank_to) */
static inline uint64_t blank_bits(const ctx_query *q, size_t base)
{
    size_t lo = q->blank_from > base ? q->blank_from - base : 0;
    size_t hi = q->blank_to > base ? q->blank_to - base : 0;

    if (hi > 64)
        hi = 64;
    if (lo >= hi)
        return 0;
    uint64_t upto_hi = hi == 64 ? ~0ull : (1ull << hi) - 1;
    return upto_hi & ~((1ull << lo) - 1);
}

/* pop64 - the set bits of x: the baseline build has no popcnt, and
 * __builtin_popcountll would be a libgcc call */
static inline unsigned pop64(uint64_t x)
{
    x -= x >> 1 & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + (x >> 2 & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* keep_first - the lowest r set bits of m */
static inline uint64_t keep_first(uint64_t m, unsigned r)
{
    uint64_t rest = m;

    for (unsigned k = 0; k < r && rest; k++)
        rest &= rest - 1;
    return m ^ rest;
}

/* block_starts - the block's keyword candidates from its masks (bytes
 * past the window, blanked bytes and starts after the 64th dropped);
 * returns true when the scan may stop */
static inline bool block_starts(const ctx_query *q, size_t base, uint64_t alnum,
                                uint64_t first, start_state *st, uint64_t *out)
{
    size_t left = q->n - base;

    if (left < 64)
        alnum &= (1ull << left) - 1;
    alnum &= ~blank_bits(q, base);
    uint64_t starts = alnum & ~(alnum << 1 | st->carry);
    st->carry = alnum >> 63;
    unsigned c = pop64(starts);
    bool full = st->count + c >= CTX_MAX_STARTS;
    if (full)
        starts = keep_first(starts, CTX_MAX_STARTS - st->count);
    st->count += c;
    *out = starts & first;
    return full || left <= 64;
}

/* lower_at - the window's byte i lower-cased, blanking aside */
static inline unsigned char lower_at(const ctx_query *q, size_t i)
{
    unsigned char c = (unsigned char)q->s[i];

    return (unsigned char)(c | (is_upper(c) << 5));
}

/* starts_scalar - the rule, byte by byte */
static size_t starts_scalar(const ctx_query *q, uint64_t *out)
{
    start_state st = {0, 0};
    size_t nb = 0;

    for (size_t base = 0; base < q->n; base += 64) {
        uint64_t alnum = 0, first = 0;
        size_t lim = q->n - base < 64 ? q->n - base : 64;
        for (size_t k = 0; k < lim; k++) {
            unsigned char c = lower_at(q, base + k);
            alnum |= (uint64_t)(is_lower(c) || is_digit(c)) << k;
            first |= (uint64_t)(is_lower(c) && (q->letters >> (c - 'a') & 1)) << k;
        }
        if (block_starts(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    return nb;
}

/* block_at - where to load the block at base from: in place while 64
 * bytes are readable, else a zero-padded copy of what is left */
static inline const char *block_at(const ctx_query *q, size_t base, char *tmp)
{
    if (base + 64 <= q->avail)
        return q->s + base;
    memset(tmp, 0, 64);
    memcpy(tmp, q->s + base, q->n - base);
    return tmp;
}

#if defined(__SSE2__)
/* starts_sse2 - sixteen bytes a step */
static size_t starts_sse2(const ctx_query *q, uint64_t *out)
{
    __m128i lv[26];
    unsigned nl = 0;
    start_state st = {0, 0};
    size_t nb = 0;
    char tmp[64];

    for (uint32_t m = q->letters; m; m &= m - 1)
        lv[nl++] = _mm_set1_epi8((char)('a' + __builtin_ctz(m)));
    for (size_t base = 0; base < q->n; base += 64) {
        const char *p = block_at(q, base, tmp);
        uint64_t alnum = 0, first = 0;
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + k));
            __m128i o = _mm_or_si128(v, _mm_set1_epi8(0x20));
            __m128i a = _mm_or_si128(in_range16(o, 'a', 26), in_range16(v, '0', 10));
            __m128i f = _mm_setzero_si128();
            for (unsigned j = 0; j < nl; j++)
                f = _mm_or_si128(f, _mm_cmpeq_epi8(o, lv[j]));
            alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << k;
            first |= (uint64_t)(unsigned)_mm_movemask_epi8(f) << k;
        }
        if (block_starts(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    return nb;
}
#endif

#if defined(ENGINE_HAVE_WIDE)
/* starts_avx2 - thirty-two bytes a step */
__attribute__((target("avx2")))
static size_t starts_avx2(const ctx_query *q, uint64_t *out)
{
    __m256i lv[26];
    unsigned nl = 0;
    start_state st = {0, 0};
    size_t nb = 0;
    char tmp[64];

    for (uint32_t m = q->letters; m; m &= m - 1)
        lv[nl++] = _mm256_set1_epi8((char)('a' + __builtin_ctz(m)));
    for (size_t base = 0; base < q->n; base += 64) {
        const char *p = block_at(q, base, tmp);
        uint64_t alnum = 0, first = 0;
        for (unsigned k = 0; k < 64; k += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(p + k));
            __m256i o = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
            __m256i a = _mm256_or_si256(in_range32(o, 'a', 26), in_range32(v, '0', 10));
            __m256i f = _mm256_setzero_si256();
            for (unsigned j = 0; j < nl; j++)
                f = _mm256_or_si256(f, _mm256_cmpeq_epi8(o, lv[j]));
            alnum |= (uint64_t)(uint32_t)_mm256_movemask_epi8(a) << k;
            first |= (uint64_t)(uint32_t)_mm256_movemask_epi8(f) << k;
        }
        if (block_starts(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb;
}

/* starts_avx512 - a whole block at once; the window's last, partial
 * block is a masked load, which never faults on the bytes left out */
__attribute__((target("avx512f,avx512bw")))
static size_t starts_avx512(const ctx_query *q, uint64_t *out)
{
    __m512i lv[26];
    unsigned nl = 0;
    start_state st = {0, 0};
    size_t nb = 0;

    for (uint32_t m = q->letters; m; m &= m - 1)
        lv[nl++] = _mm512_set1_epi8((char)('a' + __builtin_ctz(m)));
    for (size_t base = 0; base < q->n; base += 64) {
        size_t left = q->n - base;
        __m512i v = base + 64 <= q->avail
                        ? _mm512_loadu_si512((const void *)(q->s + base))
                        : _mm512_maskz_loadu_epi8(left < 64 ? (1ull << left) - 1 : ~0ull,
                                                  q->s + base);
        __m512i o = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
        __mmask64 alnum = in_range64(o, 'a', 26) | in_range64(v, '0', 10), first = 0;
        for (unsigned j = 0; j < nl; j++)
            first |= _mm512_cmpeq_epi8_mask(o, lv[j]);
        if (block_starts(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb;
}
#endif

/* ctx_starts_for - the form for an instruction set */
ctx_starts_fn ctx_starts_for(unsigned isa)
{
#if defined(ENGINE_HAVE_WIDE)
    if (isa >= ENGINE_ISA_AVX512)
        return starts_avx512;
    if (isa >= ENGINE_ISA_AVX2)
        return starts_avx2;
#endif
#if defined(__SSE2__)
    if (isa >= ENGINE_ISA_SSE2)
        return starts_sse2;
#endif
    (void)isa;
    return starts_scalar;
}
