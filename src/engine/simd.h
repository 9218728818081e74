/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simd.h - the byte-class tests the first passes share, in each vector
 * width the engine has code for (see cpu.c for how one is chosen).
 *
 * "c in [lo, lo + len)" is one signed compare: subtracting lo + 0x80
 * moves the range to the bottom of the signed order.
 *
 * Every function that uses the AVX2 or AVX-512 forms must end with
 * _mm256_zeroupper(): GCC adds no vzeroupper to these target-attribute
 * functions, and the SSE2 code that runs next measured 20% slower with
 * the upper halves left dirty.
 */
#ifndef PIIGUARD_ENGINE_SIMD_H
#define PIIGUARD_ENGINE_SIMD_H

#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define ENGINE_HAVE_WIDE 1
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
static inline __m128i in_range16(__m128i v, char lo, int len)
{
    return _mm_cmplt_epi8(_mm_sub_epi8(v, _mm_set1_epi8((char)(lo + 0x80))),
                          _mm_set1_epi8((char)(-128 + len)));
}

/* alnum16 - 0xFF where a byte is [0-9A-Za-z] (| 0x20 turns only A-Z into
 * a-z, and no other byte into a letter) */
static inline __m128i alnum16(__m128i v)
{
    return _mm_or_si128(in_range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26),
                        in_range16(v, '0', 10));
}
#endif

#if defined(ENGINE_HAVE_WIDE)
__attribute__((target("avx2"))) static inline __m256i in_range32(__m256i v, char lo, int len)
{
    return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + len)),
                             _mm256_sub_epi8(v, _mm256_set1_epi8((char)(lo + 0x80))));
}

__attribute__((target("avx512f,avx512bw")))
static inline __mmask64 in_range64(__m512i v, char lo, int len)
{
    return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(lo)),
                                  _mm512_set1_epi8((char)len));
}

/* alnum32, alnum64 - alnum16's rule, wider */
__attribute__((target("avx2"))) static inline __m256i alnum32(__m256i v)
{
    return _mm256_or_si256(in_range32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 26),
                           in_range32(v, '0', 10));
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64 alnum64(__m512i v)
{
    return in_range64(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), 'a', 26) |
           in_range64(v, '0', 10);
}

/* nibble_lookup32, nibble_lookup64 - per byte b of v, lo[b & 15] &
 * hi[b >> 4], two 16-entry tables repeated in every 128-bit lane, with
 * one byte shuffle each (Teddy's trick): a set of bytes, or eight sets
 * at once, one bit each, tested in a few instructions whatever its size.
 * A byte >= 0x80 reads hi[8..15]. */
__attribute__((target("avx2")))
static inline __m256i nibble_lookup32(__m256i v, __m256i lo, __m256i hi)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);

    __m256i high = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);

    return _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
                            _mm256_shuffle_epi8(hi, high));
}

__attribute__((target("avx512f,avx512bw")))
static inline __m512i nibble_lookup64(__m512i v, __m512i lo, __m512i hi)
{
    const __m512i nib = _mm512_set1_epi8(0x0F);

    __m512i high = _mm512_and_si512(_mm512_srli_epi16(v, 4), nib);

    return _mm512_and_si512(_mm512_shuffle_epi8(lo, _mm512_and_si512(v, nib)),
                            _mm512_shuffle_epi8(hi, high));
}
#endif

/* pop64 - the set bits of x: the baseline build has no popcnt, and
 * __builtin_popcountll would be a libgcc call */
static inline unsigned pop64(uint64_t x)
{
    x -= x >> 1 & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + (x >> 2 & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* ENGINE_PICK - of a pass's four forms, the widest that isa (enum
 * engine_isa) allows and this build has; the forms a build lacks are
 * never named, so they need not exist. */
#if defined(ENGINE_HAVE_WIDE)
#define ENGINE_PICK(isa, scalar, sse2, avx2, avx512)                              \
    ((isa) >= ENGINE_ISA_AVX512 ? (avx512) : (isa) >= ENGINE_ISA_AVX2 ? (avx2)  \
     : (isa) >= ENGINE_ISA_SSE2 ? (sse2) : (scalar))
#elif defined(__SSE2__)
#define ENGINE_PICK(isa, scalar, sse2, avx2, avx512) ((isa) >= ENGINE_ISA_SSE2 ? (sse2) : (scalar))
#else
#define ENGINE_PICK(isa, scalar, sse2, avx2, avx512) ((void)(isa), (scalar))
#endif

#endif /* PIIGUARD_ENGINE_SIMD_H */
