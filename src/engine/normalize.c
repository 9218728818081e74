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
 * by a binary search over those points. Pure-ASCII input (the common case)
 * has no view at all: the recognizers read the caller's buffer directly.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "engine/engine_internal.h"

/* first_high - index of the first byte >= 0x80, or len */
static size_t first_high(const char *buf, size_t len)
{
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < len && !((unsigned char)buf[i] & 0x80))
        i++;
    return i;
}

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

/* plain_form - the ASCII a code point stands for; returns its length
 * (0 = drop, -1 = keep the original bytes) */
static int plain_form(int32_t cp, int cplen, char *out)
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

/* first_change - index of the first code point the view must rewrite
 * (or an invalid byte), starting at i; len when there is none. Accented
 * letters and scripts are kept as they are, so most non-ASCII text needs
 * no view at all and is scanned in place. */
static size_t first_change(const char *buf, size_t len, size_t i)
{
    char rep[8];

    while ((i += first_high(buf + i, len - i)) < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t cl = utf8proc_iterate((const utf8proc_uint8_t *)buf + i,
                                               (utf8proc_ssize_t)(len - i), &cp);
        if (cl <= 0 || plain_form(cp, (int)cl, rep) >= 0)
            return i;
        i += (size_t)cl;
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
            rl = plain_form(cp, (int)cl, rep); /* >= 0: first_change said so */
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
