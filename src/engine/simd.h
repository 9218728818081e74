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
