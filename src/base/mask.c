/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mask.c - the one way a matched value may be shown.
 *
 * Invariant: the output holds at most the last four letters or digits of
 * the value, and never more than a third of them, so a masked 9-digit SSN
 * shows 3 and a 4-digit PIN shows none. Separators keep their place, which
 * is what makes "***-**-6789" recognisable to the sender without being the
 * value. Multi-byte characters collapse to one '*': their bytes could
 * otherwise carry the value through.
 */
#include <stdio.h>
#include <string.h>

#include "piiguard/pg_base.h"

static int is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* shown_tail - how many trailing alnum characters may be kept visible */
static size_t shown_tail(const char *v, size_t len)
{
    size_t alnum = 0;

    for (size_t i = 0; i < len; i++)
        alnum += is_alnum_byte((unsigned char)v[i]);
    size_t keep = alnum / 3;
    return keep > 4 ? 4 : keep;
}

/* put - append one byte if there is room, keeping space for the NUL */
static void put(char *out, size_t cap, size_t *n, char c)
{
    if (*n + 1 < cap)
        out[*n] = c;
    (*n)++;
}

/* pg_mask - write the masked form of a value */
size_t pg_mask(char *out, size_t cap, const char *value, size_t len,
               pg_mask_style style, const char *label)
{
    size_t n = 0;

    if (style == PG_MASK_LABEL) {
        int w = snprintf(out, cap, "[%s]", label ? label : "PII");
        return w < 0 ? 0 : (size_t)w;
    }
    size_t keep = shown_tail(value, len), alnum_left = 0;
    for (size_t i = 0; i < len; i++)
        alnum_left += is_alnum_byte((unsigned char)value[i]);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c >= 0x80) {
            if ((c & 0xC0) != 0x80)
                put(out, cap, &n, '*');
            continue;
        }
        if (is_alnum_byte(c)) {
            put(out, cap, &n, alnum_left <= keep ? (char)c : '*');
            alnum_left--;
        } else {
            put(out, cap, &n, c < 0x20 ? ' ' : (char)c);
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}
