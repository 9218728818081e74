/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_uuencode.c - uuencoded files: x-uuencode parts and the "begin 644
 * name" blocks old mailers (and people hiding things) put inside text.
 *
 * A block is a "begin MODE NAME" line, data lines whose first character
 * gives their byte count, and an "end" line; "begin-base64 MODE NAME" ...
 * "====" (uuencode -m) is read too. A block without its end line runs to
 * the end of the text: a truncated file is still decoded as far as it goes.
 *
 * Invariant: a data line never yields more bytes than its characters can
 * carry, whatever its count character claims, so the output is at most
 * 3/4 of the input.
 */
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* line_at - the line starting at pos: [pos, *eol) without CR LF, next at
 * *next. Trailing blanks stay: in a data line a blank is a zero. */
static void line_at(const char *in, size_t len, size_t pos, size_t *eol,
                    size_t *next)
{
    const char *nl = memchr(in + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - in) : len;

    *next = nl ? e + 1 : len;
    *eol = e > pos && in[e - 1] == '\r' ? e - 1 : e;
}

/* trimmed - the length of [s, s+n) without trailing blanks */
static size_t trimmed(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

/* uu_begin - is [s, s+n) a begin line? Sets *b64 and the name's range */
static bool uu_begin(const char *s, size_t n, bool *b64, size_t *name_off)
{
    size_t i, digits = 0;

    n = trimmed(s, n);
    if (n > 13 && memcmp(s, "begin-base64 ", 13) == 0) {
        *b64 = true;
        i = 13;
    } else if (n > 6 && memcmp(s, "begin ", 6) == 0) {
        *b64 = false;
        i = 6;
    } else {
        return false;
    }
    while (i < n && s[i] >= '0' && s[i] <= '7' && digits < 5)
        i++, digits++;
    if (digits < 3 || digits > 4 || i >= n || s[i] != ' ')
        return false;
    *name_off = i + 1;
    return *name_off < n;
}

/* is_end - is [s, s+n) the end line of a block of this kind? */
static bool is_end(const char *s, size_t n, bool b64)
{
    n = trimmed(s, n);
    if (b64)
        return n == 4 && memcmp(s, "====", 4) == 0;
    return n == 3 && memcmp(s, "end", 3) == 0;
}

/* mime_uu_find - the next block at or after line start pos */
int mime_uu_find(size_t *begin, size_t *end, const char *in, size_t len,
                 size_t pos)
{
    size_t eol, next, name_off;
    bool b64;

    for (; pos < len; pos = next) {
        line_at(in, len, pos, &eol, &next);
        if (!uu_begin(in + pos, eol - pos, &b64, &name_off))
            continue;
        *begin = pos;
        for (pos = next; pos < len; pos = next) {
            line_at(in, len, pos, &eol, &next);
            if (is_end(in + pos, eol - pos, b64))
                break;
        }
        *end = pos < len ? next : len;
        return 0;
    }
    return PG_ENOTFOUND;
}

/* uu_line - decode one data line into o; returns the bytes written */
static size_t uu_line(unsigned char *o, const char *s, size_t n)
{
    if (n < 2)
        return 0;
    size_t count = (size_t)(((unsigned char)s[0] - 32) & 63);
    size_t avail = (n - 1) * 3 / 4, k = 0;
    if (count > avail)
        count = avail;
    for (size_t i = 1; k < count; i += 4) {
        unsigned c[4];
        for (size_t j = 0; j < 4; j++)
            c[j] = i + j < n ? (((unsigned char)s[i + j] - 32) & 63) : 0;
        unsigned char b[3] = {(unsigned char)(c[0] << 2 | c[1] >> 4),
                              (unsigned char)(c[1] << 4 | c[2] >> 2),
                              (unsigned char)(c[2] << 6 | c[3])};
        for (size_t j = 0; j < 3 && k < count; j++)
            o[k++] = b[j];
    }
    return k;
}

/* uu_body - decode the data lines of a classic block in [pos, end) */
static int uu_body(unsigned char **out, size_t *out_len, const char *in,
                   size_t pos, size_t end)
{
    unsigned char *o = malloc(end - pos + 1);
    size_t k = 0, eol, next;

    if (!o)
        return PG_ENOMEM;
    for (; pos < end; pos = next) {
        line_at(in, end, pos, &eol, &next);
        if (is_end(in + pos, eol - pos, false))
            break;
        k += uu_line(o + k, in + pos, eol - pos);
    }
    o[k] = '\0';
    *out = o;
    *out_len = k;
    return 0;
}

/* mime_uu_decode - decode the first block in [in, in+len) */
int mime_uu_decode(unsigned char **out, size_t *out_len, char **name,
                   const char *in, size_t len)
{
    size_t begin, end, eol, next, name_off;
    bool b64 = false;
    int rc = mime_uu_find(&begin, &end, in, len, 0);

    *name = NULL;
    if (rc < 0)
        return rc;
    line_at(in, len, begin, &eol, &next);
    uu_begin(in + begin, eol - begin, &b64, &name_off);
    if (!(*name = strndup(in + begin + name_off,
                          trimmed(in + begin, eol - begin) - name_off)))
        return PG_ENOMEM;
    if (!b64)
        rc = uu_body(out, out_len, in, next, end);
    else
        rc = mime_base64_decode(out, out_len, NULL, in + next,
                                end > next ? end - next : 0);
    if (rc < 0) {
        free(*name);
        *name = NULL;
    }
    return rc;
}
