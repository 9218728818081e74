/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * normalize.c - the normalised view the recognizers match on.
 *
 * Evasion tricks live in a handful of code points: full-width and other
 * compatibility digits, zero-width and format characters, Unicode dashes
 * and non-breaking spaces. Only those are rewritten: a code point whose
 * NFKC form (utf8proc) is plain ASCII no longer than the original becomes
 * that ASCII; format characters vanish; dashes become '-' and spaces ' '.
 * Every other character is copied unchanged, and invalid UTF-8 bytes
 * become ' ' so that they separate tokens.
 *
 * Invariant: the view is never longer than the input, so the scratch
 * buffer is bounded by the input. Where the view and the input stop being
 * aligned a shift point is recorded; a finding's offsets are mapped back
 * by a binary search over those points. Input with nothing to rewrite
 * (pure ASCII, and most accented or non-Latin text) has no view at all:
 * the recognizers read the caller's buffer directly.
 *
 * Finding the first rewrite is the hot part, so it never asks utf8proc:
 * SSE2 skips 64 bytes of ASCII at a test and 16-byte blocks of ASCII mixed
 * with the common two-byte letters (skip_plain); any other code point is
 * decoded here, with utf8proc_iterate's exact notion of invalid, and
 * looked up in a table generated from engine_plain_form() (normalize.h,
 * normalize_table.h; tests/engine/test_normalize.c proves the two equal
 * for every code point). utf8proc and engine_plain_form() run only for
 * the few code points that are rewritten.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "engine/engine_internal.h"
#include "engine/normalize.h"
#include "engine/simd.h"

/* add_shift - record that from norm_off on, original = normalised + delta */
static int add_shift(pg_scratch *s, size_t norm_off, int64_t delta)
{
    if (s->n_shifts && s->shifts[s->n_shifts - 1].norm_off == norm_off) {
        s->shifts[s->n_shifts - 1].delta = delta;
        return 0;
    }
    if (pg_array_grow((void **)&s->shifts, &s->cap_shifts, s->n_shifts + 1,
                      sizeof(*s->shifts)) < 0)
        return PG_ENOMEM;
    s->shifts[s->n_shifts++] = (shift){norm_off, delta};
    return 0;
}

/* is_format_cp - zero-width and format characters that are dropped */
static bool is_format_cp(int32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) ||
           cp == 0xFEFF || cp == 0x00AD || cp == 0x180E || cp == 0x061C ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* engine_plain_form - the ASCII a code point stands for; returns its
 * length (0 = drop, -1 = keep the original bytes). The rule itself: the
 * scan asks the table generated from it (engine_rewrites_cp) instead. */
int engine_plain_form(int32_t cp, int cplen, char *out)
{
    if (is_format_cp(cp))
        return 0;
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 ||
        cp == 0xFE63 || cp == 0xFF0D || cp == 0x2043) {
        out[0] = '-';
        return 1;
    }
    if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000) {
        out[0] = ' ';
        return 1;
    }
    if (cp < 0x2000 && !(cp >= 0xB2 && cp <= 0xBE))
        return -1; /* Latin, Greek, Cyrillic...: letters, left as they are */
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (!p->decomp_type)
        return -1;
    utf8proc_int32_t dec[8];
    utf8proc_ssize_t nd = utf8proc_decompose_char(cp, dec, 8,
                                                        UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, NULL);
    if (nd <= 0 || nd > cplen)
        return -1;
    for (utf8proc_ssize_t k = 0; k < nd; k++) {
        if (dec[k] <= 0 || dec[k] >= 0x80)
            return -1;
        out[k] = (char)dec[k];
    }
    return (int)nd;
}

/* ensure_view - make the scratch view buffer hold len bytes */
static int ensure_view(pg_scratch *s, size_t len)
{
    if (len + 1 <= s->norm_cap)
        return 0;
    char *p = realloc(s->norm, len + 1);
    if (!p)
        return PG_ENOMEM;
    s->norm = p;
    s->norm_cap = len + 1;
    return 0;
}

/* is_cont - a UTF-8 continuation byte */
static inline bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* kept_len - the length of the code point at s (n > 0 bytes left, s[0] >=
 * 0x80) when the view keeps it as it is; 0 when it is rewritten or is not
 * valid UTF-8. Validity is utf8proc_iterate's, test for test: a lead byte
 * in C2..F4, the continuation bytes there, no overlong form, no surrogate,
 * nothing past U+10FFFF. */
static inline size_t kept_len(const unsigned char *s, size_t n)
{
    uint32_t c = s[0], cp;

    if (c < 0xE0) {
        if (c < 0xC2 || n < 2 || !is_cont(s[1]))
            return 0;
        cp = (c & 0x1F) << 6 | (s[1] & 0x3Fu);
        return engine_rewrites_cp(cp) ? 0 : 2;
    }
    if (c < 0xF0) {
        if (n < 3 || !is_cont(s[1]) || !is_cont(s[2]))
            return 0;
        cp = (c & 0x0F) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        return engine_rewrites_cp(cp) ? 0 : 3;
    }
    if (c > 0xF4 || n < 4 || !is_cont(s[1]) || !is_cont(s[2]) || !is_cont(s[3]))
        return 0;
    cp = (c & 0x07) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF)
        return 0;
    return engine_rewrites_cp(cp) ? 0 : 4;
}

#ifdef __SSE2__
/* ascii64 - are the 64 bytes at s all ASCII? */
static inline bool ascii64(const unsigned char *s)
{
    __m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)s),
                             _mm_loadu_si128((const __m128i *)(s + 16)));
    __m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + 32)),
                             _mm_loadu_si128((const __m128i *)(s + 48)));
    return _mm_movemask_epi8(_mm_or_si128(a, b)) == 0;
}

/* skip_plain - from i, skip whole 16-byte blocks that are ASCII and
 * two-byte letters the view surely keeps: lead bytes C3..DF but D8 (Latin
 * with accents, Greek, Cyrillic, Hebrew, Arabic letters: the test holds
 * every one of those code points to engine_rewrites_cp), each followed by
 * exactly one continuation byte. C2 (NBSP, soft hyphen, superscripts) and
 * D8 (the Arabic letter mark) are left to kept_len. A block whose last
 * byte is a lead is taken but for that byte. */
static size_t skip_plain(const unsigned char *s, size_t len, size_t i)
{
    while (i + 16 <= len) {
        if (i + 64 <= len && ascii64(s + i)) { /* most mail: one test a line */
            i += 64;
            continue;
        }
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        unsigned high = (unsigned)_mm_movemask_epi8(v); /* bytes >= 0x80 */
        if (high == 0) {
            i += 16;
            continue;
        }
        __m128i cont = in_range16(v, (char)0x80, 0x40);
        __m128i lead = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD8)),
                                        in_range16(v, (char)0xC3, 0xE0 - 0xC3));
        unsigned c = (unsigned)_mm_movemask_epi8(cont);
        unsigned l = (unsigned)_mm_movemask_epi8(lead);
        if ((c | l) != high || c != ((l << 1) & 0xFFFF))
            break;
        i += l & 0x8000 ? 15 : 16;
    }
    return i;
}
#else
/* skip_plain - no vector unit: kept_len does it all */
static size_t skip_plain(const unsigned char *s, size_t len, size_t i)
{
    (void)s, (void)len;
    return i;
}
#endif

/* first_change - index of the first code point the view must rewrite
 * (or an invalid byte), starting at i; len when there is none. Accented
 * letters and scripts are kept as they are, so most non-ASCII text needs
 * no view at all and is scanned in place. Blocks skip_plain cannot take
 * (CJK, a rewrite, a split) are walked one code point at a time, a block
 * at least, before it is tried again. */
static size_t first_change(const char *buf, size_t len, size_t i)
{
    const unsigned char *s = (const unsigned char *)buf;

    while ((i = skip_plain(s, len, i)) < len) {
        size_t stop = len - i > 16 ? i + 16 : len;
        while (i < stop) {
            size_t cl = s[i] < 0x80 ? 1 : kept_len(s + i, len - i);
            if (cl == 0)
                return i;
            i += cl;
        }
    }
    return len;
}

/* engine_normalize - build the view, or hand back the input unchanged */
int engine_normalize(pg_scratch *s, const char *buf, size_t len,
                     const char **view, size_t *view_len)
{
    size_t i = first_change(buf, len, 0), o;
    int64_t delta = 0;

    s->n_shifts = 0;
    if (i == len) {
        *view = buf;
        *view_len = len;
        return 0;
    }
    if (ensure_view(s, len) < 0)
        return PG_ENOMEM;
    /* i is always at a change: copy the run before it whole, rewrite it,
     * find the next. Text with a dash every line costs one memcpy per
     * dash, not one per accented letter. */
    size_t done = 0;
    o = 0;
    while (i < len) {
        memcpy(s->norm + o, buf + done, i - done);
        o += i - done;
        utf8proc_int32_t cp;
        utf8proc_ssize_t cl = utf8proc_iterate((const utf8proc_uint8_t *)buf + i,
                                               (utf8proc_ssize_t)(len - i), &cp);
        char rep[8];
        int rl;
        if (cl <= 0) {
            cl = 1;
            rep[0] = ' ';
            rl = 1;
        } else {
            rl = engine_plain_form(cp, (int)cl, rep); /* >= 0: first_change said so */
        }
        memcpy(s->norm + o, rep, (size_t)rl);
        o += (size_t)rl;
        if (rl != cl) {
            delta += cl - rl;
            if (add_shift(s, o, delta) < 0)
                return PG_ENOMEM;
        }
        done = i + (size_t)cl;
        i = first_change(buf, len, done);
    }
    memcpy(s->norm + o, buf + done, len - done);
    o += len - done;
    s->norm[o] = '\0';
    *view = s->norm;
    *view_len = o;
    return 0;
}

/* engine_map_offset - normalised offset -> offset in the caller's buffer */
size_t engine_map_offset(const pg_scratch *s, size_t norm_off)
{
    size_t lo = 0, hi = s->n_shifts;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->shifts[mid].norm_off <= norm_off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? norm_off : (size_t)((int64_t)norm_off + s->shifts[lo - 1].delta);
}
