/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trigger.c - the digit/'@' sweep's stops, from bit masks.
 *
 * Prose has a digit or '@' every few hundred bytes, so the sweep spends
 * most of its time looking for the next one. A loop that tested sixteen
 * bytes and left at the first hit mispredicted its exit at every hit;
 * here the bytes of a batch of 64-byte blocks become one bit each, with
 * the widest vectors the CPU has (cpu.c), and the cursor hands the set
 * bits out in order. masks_scalar() is the rule; the vector forms must
 * equal it bit for bit (tests/engine/test_trigger.c).
 */
#include "engine/simd.h"
#include "engine/trigger.h"

/* mask_one - the rule itself, byte by byte, for the block at base */
static uint64_t mask_one(const char *s, size_t n, size_t base)
{
    size_t lim = n - base < 64 ? n - base : 64;
    uint64_t m = 0;

    for (size_t k = 0; k < lim; k++) {
        unsigned char c = (unsigned char)s[base + k];
        m |= (uint64_t)(is_digit(c) || c == '@') << k;
    }
    return m;
}

static size_t masks_scalar(const char *s, size_t n, size_t base, uint64_t *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base < n; nb++, base += 64)
        out[nb] = mask_one(s, n, base);
    return nb;
}

/* Each vector form does whole blocks and leaves the view's last, partial
 * block to masks_scalar(). */

#if defined(__SSE2__)
static size_t masks_sse2(const char *s, size_t n, size_t base, uint64_t *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        uint64_t m = 0;
        for (unsigned k = 0; k < 64; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + base + k));
            __m128i hit = _mm_or_si128(in_range16(v, '0', 10), _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
            m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << k;
        }
        out[nb] = m;
    }
    return nb + masks_scalar(s, n, base, out + nb, max - nb);
}
#endif

#if defined(ENGINE_HAVE_WIDE)
__attribute__((target("avx2")))
static size_t masks_avx2(const char *s, size_t n, size_t base, uint64_t *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        __m256i lo = _mm256_loadu_si256((const __m256i *)(s + base));
        __m256i hi = _mm256_loadu_si256((const __m256i *)(s + base + 32));
        __m256i at = _mm256_set1_epi8('@');
        uint32_t a = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(in_range32(lo, '0', 10), _mm256_cmpeq_epi8(lo, at)));
        uint32_t b = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(in_range32(hi, '0', 10), _mm256_cmpeq_epi8(hi, at)));
        out[nb] = (uint64_t)b << 32 | a;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + masks_scalar(s, n, base, out + nb, max - nb);
}

__attribute__((target("avx512f,avx512bw")))
static size_t masks_avx512(const char *s, size_t n, size_t base, uint64_t *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base + 64 <= n; nb++, base += 64) {
        __m512i v = _mm512_loadu_si512((const void *)(s + base));
        out[nb] = in_range64(v, '0', 10) | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('@'));
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + masks_scalar(s, n, base, out + nb, max - nb);
}
#endif

/* trigger_masker - the masker for an instruction set */
trigger_fn trigger_masker(unsigned isa)
{
    return ENGINE_PICK(isa, masks_scalar, masks_sse2, masks_avx2, masks_avx512);
}

/* trigger_init - a cursor over the view of ctx */
void trigger_init(trigger_iter *it, const scan_ctx *ctx)
{
    it->s = ctx->s;
    it->n = ctx->n;
    it->fill = trigger_masker(ctx->engine->isa);
    it->base = 0;
    it->nmask = 0;
}

/* trigger_refill - mask the batch of blocks that holds i */
void trigger_refill(trigger_iter *it, size_t i)
{
    it->base = i & ~(size_t)63;
    it->nmask = it->fill(it->s, it->n, it->base, it->masks, TRIGGER_BATCH);
}
