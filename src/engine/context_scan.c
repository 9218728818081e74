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
 * instructions. The wide forms find the keyword letters with two table
 * lookups (vpshufb) whatever the number of letters, and filter the
 * starts on the keywords' second bytes the same way, on the bytes one
 * further on: a 41-word list begins with 20 letters, which most word
 * starts have, but few have a second byte that goes with them. SSE2 has
 * no byte shuffle: it compares each letter and tests the second byte of
 * what is left one at a time, as the scalar form does. The scan stops
 * at the block holding the 64th word start.
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

/* end_bit - the bit of the window's last byte when it lies in block
 * base: the byte after it is past the window, which any keyword's second
 * byte passes */
static inline uint64_t end_bit(const ctx_query *q, size_t base)
{
    size_t left = q->n - base;

    return left <= 64 ? 1ull << (left - 1) : 0;
}

/* second_filter - the bits of m (block base) whose next byte is in
 * q->second, or past the window; one test a bit, for the forms that
 * have no byte shuffle */
static inline uint64_t second_filter(const ctx_query *q, size_t base, uint64_t m)
{
    uint64_t keep = m & end_bit(q, base);

    for (uint64_t r = m & ~keep; r; r &= r - 1) {
        size_t i = base + (size_t)__builtin_ctzll(r);
        if (ctx_second_has(q->second, (unsigned char)q->s[i + 1]))
            keep |= r & -r;
    }
    return keep;
}

/* end_block - a block's word starts, through the second-byte filter the
 * vector forms apply inside their lookups; true once the window's first
 * 64 starts are all found */
static inline bool end_block(const ctx_query *q, size_t base, uint64_t alnum, uint64_t first,
                             start_state *st, uint64_t *out)
{
    bool stop = block_starts(q, base, alnum, first, st, out);

    *out = second_filter(q, base, *out);
    return stop;
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
            unsigned char c = ascii_lower((unsigned char)q->s[base + k]); /* blanking aside */
            alnum |= (uint64_t)(is_lower(c) || is_digit(c)) << k;
            first |= (uint64_t)(is_lower(c) && (q->letters >> (c - 'a') & 1)) << k;
        }
        if (end_block(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    return nb;
}

/* The bytes block_at() provides: the block and the byte after it, whose
 * second-byte test the block's last bit needs. */
#define CTX_BLOCK_READ 65

/* block_at - where to load the block at base from: in place while 65
 * bytes are readable, else a zero-padded copy of what is left of the
 * window (at most 64 bytes then, since avail >= n) */
static inline const char *block_at(const ctx_query *q, size_t base, char *tmp)
{
    if (base + CTX_BLOCK_READ <= q->avail)
        return q->s + base;
    memset(tmp, 0, CTX_BLOCK_READ);
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
    char tmp[CTX_BLOCK_READ];

    for (uint32_t m = q->letters; m; m &= m - 1)
        lv[nl++] = _mm_set1_epi8((char)('a' + __builtin_ctz(m)));
    for (size_t base = 0; base < q->n; base += 64) {
        const char *p = block_at(q, base, tmp);
        uint64_t alnum = 0, first = 0;
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + k));
            __m128i o = _mm_or_si128(v, _mm_set1_epi8(0x20));
            __m128i a = alnum16(v);
            __m128i f = _mm_setzero_si128();
            for (unsigned j = 0; j < nl; j++)
                f = _mm_or_si128(f, _mm_cmpeq_epi8(o, lv[j]));
            alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << k;
            first |= (uint64_t)(unsigned)_mm_movemask_epi8(f) << k;
        }
        if (end_block(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    return nb;
}
#endif

#if defined(ENGINE_HAVE_WIDE)
/*
 * The wide forms test "o begins a keyword" with two table lookups rather
 * than one compare per letter (a 41-word list begins with 20 letters): o
 * (the byte | 0x20) is a letter of the set when the row of its high
 * nibble (6: 0x60-0x6f, 7: 0x70-0x7f) has the bit of its low nibble.
 * Bytes whose high nibble is not 6 or 7 look up a zero row; 0x60 and
 * 0x7b-0x7f have no bit, since letters holds 26 bits only.
 */

/* bits16 - byte l of the result is 0xff when bit l of x is set */
__attribute__((target("avx2")))
static inline __m128i bits16(unsigned x)
{
    const __m128i bit = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
    __m128i b = _mm_shuffle_epi8(_mm_cvtsi32_si128((int)x),
                                 _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));

    return _mm_cmpeq_epi8(_mm_and_si128(b, bit), bit);
}

/* letter_rows - byte l: bit 0 when 0x60 | l is in the set, bit 1 when
 * 0x70 | l is */
__attribute__((target("avx2")))
static inline __m128i letter_rows(uint32_t letters)
{
    letters &= (1u << 26) - 1;
    return _mm_or_si128(_mm_and_si128(bits16(letters << 1 & 0xFFFF), _mm_set1_epi8(1)),
                        _mm_and_si128(bits16(letters >> 15), _mm_set1_epi8(2)));
}

/* The row bit for each high nibble: 1 for 6, 2 for 7, none otherwise. */
#define CTX_HIGH_ROWS 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0

/* The rows of the second-byte set (ctx_second_row): bytes | 0x20 have
 * eight high nibbles, one bit each. */
#define CTX_SECOND_ROWS 0, 0, 1, 2, 0, 0, 4, 8, 0, 0, 16, 32, 0, 0, 64, -128

/* first32 - the bytes of o (already | 0x20) that begin a keyword */
__attribute__((target("avx2")))
static inline uint32_t first32(__m256i o, __m256i rows, __m256i high)
{
    __m256i none = _mm256_cmpeq_epi8(nibble_lookup32(o, rows, high), _mm256_setzero_si256());

    return ~(uint32_t)_mm256_movemask_epi8(none);
}

/* starts_avx2 - thirty-two bytes a step; the second-byte test is the
 * same lookup on the bytes one further on */
__attribute__((target("avx2")))
static size_t starts_avx2(const ctx_query *q, uint64_t *out)
{
    __m256i rows = _mm256_broadcastsi128_si256(letter_rows(q->letters));
    __m256i high = _mm256_setr_epi8(CTX_HIGH_ROWS, CTX_HIGH_ROWS);
    __m256i second = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)q->second));
    __m256i second_high = _mm256_setr_epi8(CTX_SECOND_ROWS, CTX_SECOND_ROWS);
    __m256i low = _mm256_set1_epi8(0x20);
    start_state st = {0, 0};
    size_t nb = 0;
    char tmp[CTX_BLOCK_READ];

    for (size_t base = 0; base < q->n; base += 64) {
        const char *p = block_at(q, base, tmp);
        uint64_t alnum = 0, letter = 0, next = end_bit(q, base);
        for (unsigned k = 0; k < 64; k += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(p + k));
            __m256i o = _mm256_or_si256(v, low);
            __m256i o2 = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(p + k + 1)), low);
            __m256i a = alnum32(v);
            alnum |= (uint64_t)(uint32_t)_mm256_movemask_epi8(a) << k;
            letter |= (uint64_t)first32(o, rows, high) << k;
            next |= (uint64_t)first32(o2, second, second_high) << k;
        }
        uint64_t first = letter & next;
        if (block_starts(q, base, alnum, first, &st, &out[nb++]))
            break;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb;
}

/* nibble_test - the bytes of o whose low nibble's row (rows) and high
 * nibble's bit (high) meet */
__attribute__((target("avx2,avx512f,avx512bw")))
static inline __mmask64 nibble_test(__m512i o, __m512i rows, __m512i high)
{
    __m512i hit = nibble_lookup64(o, rows, high);

    return _mm512_test_epi8_mask(hit, hit);
}

/* starts_avx512 - a whole block at once; the window's last, partial
 * block is a masked load, which never faults on the bytes left out */
__attribute__((target("avx2,avx512f,avx512bw")))
static size_t starts_avx512(const ctx_query *q, uint64_t *out)
{
    __m512i rows = _mm512_broadcast_i32x4(letter_rows(q->letters));
    __m512i high = _mm512_broadcast_i32x4(_mm_setr_epi8(CTX_HIGH_ROWS));
    __m512i second = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)q->second));
    __m512i second_high = _mm512_broadcast_i32x4(_mm_setr_epi8(CTX_SECOND_ROWS));
    __m512i low = _mm512_set1_epi8(0x20);
    start_state st = {0, 0};
    size_t nb = 0;

    for (size_t base = 0; base < q->n; base += 64) {
        size_t left = q->n - base;
        const char *p = q->s + base;
        __m512i v, v2;
        if (base + CTX_BLOCK_READ <= q->avail) {
            v = _mm512_loadu_si512((const void *)p);
            v2 = _mm512_loadu_si512((const void *)(p + 1));
        } else { /* left <= 64: the bytes after the window read as zeros */
            v = _mm512_maskz_loadu_epi8(left < 64 ? (1ull << left) - 1 : ~0ull, p);
            v2 = _mm512_maskz_loadu_epi8((1ull << (left - 1)) - 1, p + 1);
        }
        __m512i o = _mm512_or_si512(v, low);
        __mmask64 alnum = alnum64(v);
        __mmask64 first = nibble_test(o, rows, high) &
                          (nibble_test(_mm512_or_si512(v2, low), second, second_high) |
                           end_bit(q, base));
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
    return ENGINE_PICK(isa, starts_scalar, starts_sse2, starts_avx2, starts_avx512);
}
