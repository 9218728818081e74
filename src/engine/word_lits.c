/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * word_lits.c - the word pass's literals, found from bit masks.
 *
 * Vectorscan found the 65 literals of words.c at ~2.4 GB/s, a fifth of
 * the engine's time on the bench corpus, because it must look for them
 * everywhere. They only count at a word start, though: every recognizer
 * but the key block's drops a hit with a letter or digit before it. So
 * each 64-byte block becomes one mask of the positions whose first three
 * bytes could begin a literal (Teddy's trick: two 16-entry tables per
 * byte, looked up by its low and high nibble with one byte shuffle each,
 * eight buckets of literals at once) and that start a word. Support mail
 * has ~18 word starts per 100 bytes, and about one in twenty passes
 * (843,000 per 110 MB of the bench corpus, 240,741 of them literals);
 * those are compared with the few literals of their first byte, eight
 * bytes at a time (lit_entry).
 *
 * block_scalar() is the rule; the AVX2 and AVX-512 forms must equal it
 * bit for bit, and lit_scan() must report what Vectorscan reports at word
 * starts (tests/engine/test_word_lits.c). Below AVX2 there is no byte
 * shuffle, and words.c runs Vectorscan instead.
 *
 * Invariant: nothing at or past n is read; the vector forms take only
 * blocks whose last position's three bytes lie inside the view.
 */
#include <string.h>

#include "engine/simd.h"
#include "engine/word_lits.h"
#include "engine/words.h"

#define ALL_BUCKETS 0xFFu
#define ANYWHERE_BIT (1u << LIT_ANYWHERE_BUCKET)

/* Buckets by a literal's first two bytes, letters lower-cased. A
 * bucket's literals combine their nibbles, so which literals share one
 * decides how many positions pass that are none: this table came from a
 * local search that minimised those on 4 MB of the bench corpus
 * (bench/lit_buckets.py: 30,548 candidates, against 86,700 with the
 * first letter modulo 7). Only speed depends on it; a literal whose key
 * is missing goes to bucket first byte modulo 7. */
static const struct bucket_key {
    char key[3];
    uint8_t bucket;
} bucket_keys[] = {
    {"\nh", 4}, {"ai", 1}, {"ak", 1}, {"as", 4}, {"be", 5}, {"bi", 3}, {"ch", 6},
    {"co", 1}, {"de", 0}, {"dr", 5}, {"ey", 1}, {"fu", 2}, {"gh", 2}, {"gi", 3},
    {"gl", 3}, {"he", 4}, {"i'", 6}, {"ki", 1}, {"mi", 5}, {"mr", 5}, {"ms", 5},
    {"my", 3}, {"na", 0}, {"np", 3}, {"pa", 5}, {"pi", 6}, {"pw", 6}, {"re", 4},
    {"rk", 5}, {"si", 6}, {"sk", 5}, {"sw", 1}, {"th", 0}, {"xo", 1},
};

/* bucket_of - the filter bucket of a literal */
static unsigned bucket_of(const word_pattern *w)
{
    unsigned char a = ascii_lower((unsigned char)w->pattern[0]);
    unsigned char b = ascii_lower((unsigned char)w->pattern[1]);

    if (word_kind_anywhere(w->kind))
        return LIT_ANYWHERE_BUCKET;
    for (size_t k = 0; k < sizeof(bucket_keys) / sizeof(bucket_keys[0]); k++)
        if ((unsigned char)bucket_keys[k].key[0] == a && (unsigned char)bucket_keys[k].key[1] == b)
            return bucket_keys[k].bucket;
    return a % LIT_ANYWHERE_BUCKET;
}

/* byte_forms - the bytes byte c of a literal matches: one, or two for a
 * letter of a caseless literal */
static unsigned byte_forms(const word_pattern *w, unsigned char c, unsigned char out[2])
{
    out[0] = c;
    if ((w->flags & HS_FLAG_CASELESS) && is_alpha(c)) {
        out[0] = ascii_lower(c);
        out[1] = (unsigned char)(out[0] - 0x20);
        return 2;
    }
    return 1;
}

/* entry_of - literal id as its first eight bytes: a letter of a caseless
 * literal is compared lower-cased, the text's byte ORed with 0x20 (which
 * turns only 'A'-'Z' into 'a'-'z'; no other byte becomes a letter) */
static lit_entry entry_of(const word_pattern *w, unsigned id)
{
    lit_entry e = {0, 0, 0, (uint8_t)id};

    for (size_t i = 0; i < w->len && i < 8; i++) {
        unsigned char c = (unsigned char)w->pattern[i];
        bool folds = (w->flags & HS_FLAG_CASELESS) && is_alpha(c);
        e.want |= (uint64_t)(folds ? ascii_lower(c) : c) << 8 * i;
        e.fold |= (uint64_t)(folds ? 0x20 : 0) << 8 * i;
        e.mask |= (uint64_t)0xFF << 8 * i;
    }
    return e;
}

/* lit_index_build - the filter tables and the first-byte lists */
int lit_index_build(lit_index *ix)
{
    unsigned count[256] = {0}, at[256], n = 0;
    unsigned char f[2];

    memset(ix, 0, sizeof(*ix));
    for (unsigned id = 0; id < engine_n_word_patterns; id++) {
        const word_pattern *w = &engine_word_patterns[id];
        unsigned bit = 1u << bucket_of(w);
        if (w->len < LIT_FILTER_BYTES)
            return pg_error_set(PG_EINTERNAL, "word literal %u is shorter than %d bytes", id,
                                LIT_FILTER_BYTES);
        for (unsigned j = 0; j < LIT_FILTER_BYTES; j++)
            for (unsigned k = byte_forms(w, (unsigned char)w->pattern[j], f); k-- > 0;) {
                ix->lo[j][f[k] & 15] |= (uint8_t)bit;
                ix->hi[j][f[k] >> 4] |= (uint8_t)bit;
            }
        for (unsigned k = byte_forms(w, (unsigned char)w->pattern[0], f); k-- > 0;)
            count[f[k]]++, n++;
    }
    if (n > LIT_MAX_ENTRIES)
        return pg_error_set(PG_EINTERNAL, "%u word literal entries, at most %d", n,
                            LIT_MAX_ENTRIES);
    for (unsigned c = 0; c < 256; c++)
        ix->first[c + 1] = (uint16_t)(ix->first[c] + count[c]);
    for (unsigned c = 0; c < 256; c++)
        at[c] = ix->first[c];
    /* shortest first, so that two literals at one place come in the
     * order Vectorscan reports them: by end */
    for (size_t len = LIT_FILTER_BYTES; len <= 64; len++)
        for (unsigned id = 0; id < engine_n_word_patterns; id++) {
            const word_pattern *w = &engine_word_patterns[id];
            if (w->len != len)
                continue;
            for (unsigned k = byte_forms(w, (unsigned char)w->pattern[0], f); k-- > 0;)
                ix->entries[at[f[k]]++] = entry_of(w, id);
        }
    for (unsigned c = 0; c < 256; c++)
        if (at[c] != ix->first[c + 1])
            return pg_error_set(PG_EINTERNAL, "a word literal is longer than 64 bytes");
    return 0;
}

/* block_scalar - the rule: the candidates of the block at base */
static uint64_t block_scalar(const lit_index *ix, const char *s, size_t n, size_t base)
{
    size_t lim = n - base < 64 ? n - base : 64;
    bool prev = base > 0 && is_alnum((unsigned char)s[base - 1]);
    uint64_t out = 0;

    for (size_t k = 0; k < lim; k++) {
        unsigned f = ALL_BUCKETS;
        for (size_t j = 0; j < LIT_FILTER_BYTES; j++) {
            unsigned char c = base + k + j < n ? (unsigned char)s[base + k + j] : 0;
            f &= ix->lo[j][c & 15] & ix->hi[j][c >> 4];
        }
        bool hit = (f & ANYWHERE_BIT) || ((f & ~ANYWHERE_BIT) && !prev);
        out |= (uint64_t)hit << k;
        prev = is_alnum((unsigned char)s[base + k]);
    }
    return out;
}

static size_t filter_scalar(const lit_index *ix, const char *s, size_t n, size_t base,
                            uint64_t *out, size_t max)
{
    size_t nb = 0;

    for (; nb < max && base < n; nb++, base += 64)
        out[nb] = block_scalar(ix, s, n, base);
    return nb;
}

/* The vector forms take a block while its last position's bytes are in
 * the view, and leave the rest to the rule. */
#define WHOLE_BLOCK(base, n) ((base) + 64 + LIT_FILTER_BYTES - 1 <= (n))

/* alnum_before - is the byte before block base [0-9A-Za-z]? */
static inline uint64_t alnum_before(const char *s, size_t base)
{
    return base > 0 && is_alnum((unsigned char)s[base - 1]);
}

#if defined(ENGINE_HAVE_WIDE)
/* The vector forms spell out the three bytes' lookups: written as a loop,
 * GCC kept the tables on the stack and branched per byte. */
_Static_assert(LIT_FILTER_BYTES == 3, "the vector forms look up three bytes");

/* Both nibble tables of byte j, in every 128-bit lane. */
typedef struct nib_tables256 {
    __m256i lo, hi;
} nib_tables256;

__attribute__((target("avx2")))
static inline nib_tables256 tables256(const lit_index *ix, unsigned j)
{
    return (nib_tables256){
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ix->lo[j])),
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ix->hi[j]))};
}

/* buckets256 - the buckets bytes p[0, 32) pass as byte j of a literal */
__attribute__((target("avx2")))
static inline __m256i buckets256(const char *p, nib_tables256 t)
{
    return nibble_lookup32(_mm256_loadu_si256((const __m256i *)p), t.lo, t.hi);
}

/* filter_avx2 - thirty-two bytes a step */
__attribute__((target("avx2")))
static size_t filter_avx2(const lit_index *ix, const char *s, size_t n, size_t base,
                          uint64_t *out, size_t max)
{
    const nib_tables256 t0 = tables256(ix, 0), t1 = tables256(ix, 1), t2 = tables256(ix, 2);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i word_buckets = _mm256_set1_epi8((char)(ALL_BUCKETS & ~ANYWHERE_BIT));
    const __m256i any_bucket = _mm256_set1_epi8((char)ANYWHERE_BIT);
    size_t nb = 0;

    for (; nb < max && WHOLE_BLOCK(base, n); nb++, base += 64) {
        uint64_t alnum = 0, word = 0, any = 0;
        for (unsigned k = 0; k < 64; k += 32) {
            const char *p = s + base + k;
            __m256i v = _mm256_loadu_si256((const __m256i *)p);
            __m256i f = _mm256_and_si256(
                buckets256(p, t0), _mm256_and_si256(buckets256(p + 1, t1), buckets256(p + 2, t2)));
            __m256i a = alnum32(v);
            __m256i w = _mm256_cmpeq_epi8(_mm256_and_si256(f, word_buckets), zero);
            __m256i y = _mm256_cmpeq_epi8(_mm256_and_si256(f, any_bucket), zero);
            alnum |= (uint64_t)(uint32_t)_mm256_movemask_epi8(a) << k;
            word |= (uint64_t)(uint32_t)~_mm256_movemask_epi8(w) << k;
            any |= (uint64_t)(uint32_t)~_mm256_movemask_epi8(y) << k;
        }
        out[nb] = (word & ~(alnum << 1 | alnum_before(s, base))) | any;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + filter_scalar(ix, s, n, base, out + nb, max - nb);
}

typedef struct nib_tables512 {
    __m512i lo, hi;
} nib_tables512;

__attribute__((target("avx512f,avx512bw")))
static inline nib_tables512 tables512(const lit_index *ix, unsigned j)
{
    return (nib_tables512){_mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)ix->lo[j])),
                           _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)ix->hi[j]))};
}

/* buckets512 - the buckets bytes v pass as byte j of a literal */
__attribute__((target("avx512f,avx512bw")))
static inline __m512i buckets512(__m512i v, nib_tables512 t)
{
    return nibble_lookup64(v, t.lo, t.hi);
}

/* filter_avx512 - a whole block at once */
__attribute__((target("avx512f,avx512bw")))
static size_t filter_avx512(const lit_index *ix, const char *s, size_t n, size_t base,
                            uint64_t *out, size_t max)
{
    const nib_tables512 t0 = tables512(ix, 0), t1 = tables512(ix, 1), t2 = tables512(ix, 2);
    const __m512i word_buckets = _mm512_set1_epi8((char)(ALL_BUCKETS & ~ANYWHERE_BIT));
    const __m512i any_bucket = _mm512_set1_epi8((char)ANYWHERE_BIT);
    size_t nb = 0;

    for (; nb < max && WHOLE_BLOCK(base, n); nb++, base += 64) {
        const char *p = s + base;
        __m512i v = _mm512_loadu_si512((const void *)p);
        __m512i v1 = _mm512_loadu_si512((const void *)(p + 1));
        __m512i v2 = _mm512_loadu_si512((const void *)(p + 2));
        __m512i f = _mm512_and_si512(buckets512(v, t0),
                                     _mm512_and_si512(buckets512(v1, t1), buckets512(v2, t2)));
        uint64_t alnum = alnum64(v);
        uint64_t word = _mm512_test_epi8_mask(f, word_buckets);
        uint64_t any = _mm512_test_epi8_mask(f, any_bucket);
        out[nb] = (word & ~(alnum << 1 | alnum_before(s, base))) | any;
    }
    _mm256_zeroupper(); /* see simd.h */
    return nb + filter_scalar(ix, s, n, base, out + nb, max - nb);
}
#endif

/* lit_filter_for - the filter for an instruction set */
lit_filter_fn lit_filter_for(unsigned isa)
{
#if defined(ENGINE_HAVE_WIDE)
    if (isa >= ENGINE_ISA_AVX512)
        return filter_avx512;
    if (isa >= ENGINE_ISA_AVX2)
        return filter_avx2;
#else
    (void)isa;
#endif
    return filter_scalar;
}

/* lit_equal - do bytes [from, len) of literal w lie at s + from? A
 * caseless literal folds ASCII letters only, as Vectorscan's does. */
static bool lit_equal(const char *s, const word_pattern *w, size_t from)
{
    bool caseless = w->flags & HS_FLAG_CASELESS;

    for (size_t i = from; i < w->len; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)w->pattern[i];
        if (caseless ? ascii_lower(a) != ascii_lower(b) : a != b)
            return false;
    }
    return true;
}

/* load64 - eight bytes of text as one little-endian word */
static inline uint64_t load64(const char *s)
{
    uint64_t v;

    memcpy(&v, s, sizeof(v));
    return v;
}

/* compare_at - report the literals at candidate p */
static int compare_at(const lit_index *ix, const char *s, size_t n, size_t p,
                      lit_hit_fn fn, void *payload)
{
    unsigned char c = (unsigned char)s[p];
    bool word_start = p == 0 || !is_alnum((unsigned char)s[p - 1]);
    bool room = n - p >= 8;
    uint64_t text = room ? load64(s + p) : 0;

    for (unsigned k = ix->first[c]; k < ix->first[c + 1]; k++) {
        const lit_entry *e = &ix->entries[k];
        const word_pattern *w = &engine_word_patterns[e->id];
        if (room ? ((text | e->fold) & e->mask) != e->want
                 : w->len > n - p || !lit_equal(s + p, w, 0))
            continue;
        if ((w->len > 8 && (w->len > n - p || !lit_equal(s + p, w, 8))) ||
            (!word_start && !word_kind_anywhere(w->kind)))
            continue;
        int rc = fn(payload, e->id, p, p + w->len);
        if (rc)
            return rc;
    }
    return 0;
}

/* Blocks filtered a batch: 1 KiB of text. */
#define LIT_BATCH 16

/* lit_scan - every literal at a word start (or anywhere, for its kind) */
int lit_scan(const lit_index *ix, unsigned isa, const char *s, size_t n,
             lit_hit_fn fn, void *payload)
{
    const lit_filter_fn filter = lit_filter_for(isa);
    uint64_t m[LIT_BATCH];

    for (size_t batch = 0; batch < n; batch += 64 * LIT_BATCH) {
        size_t nb = filter(ix, s, n, batch, m, LIT_BATCH);
        for (size_t j = 0; j < nb; j++)
            for (uint64_t r = m[j]; r; r &= r - 1) {
                size_t p = batch + 64 * j + (size_t)__builtin_ctzll(r);
                int rc = compare_at(ix, s, n, p, fn, payload);
                if (rc)
                    return rc;
            }
    }
    return 0;
}
