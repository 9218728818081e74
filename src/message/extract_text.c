/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_text.c - text and CSV attachments to UTF-8, and the text
 * lenient UTF-8 appender every extractor writes with.
 *
 * A part reaches us as bytes without a charset (the walker passes only the
 * type), so the bytes decide: a UTF-16 byte-order mark, or a UTF-16 shape
 * (every other byte NUL), is decoded as UTF-16; everything else is read as
 * UTF-8 where it is valid and as windows-1252 byte by byte where it is not,
 * which is what mislabeled mail almost always is. Digits and separators,
 * what the detectors care about, come through any of these unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "message/extract_int.h"

/* windows-1252 0x80..0x9F; the five holes map to themselves (latin-1). */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* msg_cp1252 - the code point of a windows-1252 byte */
unsigned long msg_cp1252(unsigned char c)
{
    return c >= 0x80 && c < 0xA0 ? cp1252_c1[c - 0x80] : c;
}

/* utf8_seq - length of the valid UTF-8 sequence at s, 0 if invalid */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)(n > 4 ? 4 : n), &cp);

    return k > 0 ? (size_t)k : 0;
}

/* msg_utf8_valid - is the whole buffer valid UTF-8? */
bool msg_utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = s[i] < 0x80 ? 1 : utf8_seq(s + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

/* msg_sb_put_lenient - bytes as UTF-8 where valid, windows-1252 where not */
void msg_sb_put_lenient(msg_sb *b, const unsigned char *s, size_t n)
{
    size_t i = 0, run = 0;

    while (i < n && !b->err) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (k > 0) {
            i += k;
            continue;
        }
        msg_sb_put(b, (const char *)s + run, i - run);
        msg_sb_putcp(b, msg_cp1252(s[i]));
        run = ++i;
    }
    msg_sb_put(b, (const char *)s + run, n - run);
}

/* utf16_order - 1 little-endian, 2 big-endian, 0 not UTF-16; *skip is the
 * BOM length. Without a BOM, text that is NUL on one side only is UTF-16. */
static int utf16_order(const unsigned char *s, size_t n, size_t *skip)
{
    *skip = 2;
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        return 1;
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        return 2;
    *skip = 0;
    if (n < 4 || n % 2)
        return 0;
    size_t probe = n < 4096 ? n : 4096, zeros[2] = {0, 0};
    for (size_t i = 0; i < probe; i++)
        zeros[i % 2] += s[i] == 0;
    if (zeros[1] * 10 >= probe / 2 * 9 && zeros[0] == 0)
        return 1;
    if (zeros[0] * 10 >= probe / 2 * 9 && zeros[1] == 0)
        return 2;
    return 0;
}

/* put_utf16 - decode UTF-16 with surrogate pairs; lone halves become U+FFFD */
static void put_utf16(msg_sb *b, const unsigned char *s, size_t n, int order)
{
    for (size_t i = 0; i + 1 < n && !b->err; i += 2) {
        unsigned long u = order == 1 ? s[i] | s[i + 1] << 8 : s[i] << 8 | s[i + 1];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            unsigned long lo = order == 1 ? s[i + 2] | s[i + 3] << 8
                                          : s[i + 2] << 8 | s[i + 3];
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        msg_sb_putcp(b, u);
    }
}

/* msg_extract_text - a text or CSV part as one UTF-8 segment */
int msg_extract_text(pg_msg *msg, const msg_part *part, const char *seg_path,
                     const pg_msg_limits *lim)
{
    msg_sb b;
    size_t skip;
    const unsigned char *s = part->data;
    size_t n = part->len;
    int order = utf16_order(s, n, &skip);

    msg_sb_init(&b, lim->max_decoded_bytes);
    if (order)
        put_utf16(&b, s + skip, n - skip, order);
    else if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        msg_sb_put_lenient(&b, s + 3, n - 3);
    else
        msg_sb_put_lenient(&b, s, n);
    int rc = msg_extract_emit_sb(msg, seg_path, &b, lim);
    msg_sb_free(&b);
    return rc;
}
