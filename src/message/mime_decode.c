/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_decode.c - Content-Transfer-Encodings undone by us, not by GMime.
 *
 * GMime 3.2.13's base64 decoder stops at the first '=' (upstream #150), and
 * "chunked" base64 - every line a separately padded chunk - is a known way
 * to slip content past filters that decode like that. Our decoder treats
 * padding as the end of one quantum, not of the data: "MTIz\nNDU=\nNjc4OQ=="
 * is "123456789". Quoted-printable joins soft line breaks before anything
 * else sees the text, so "123-45-=\n6789" reaches the engine whole.
 *
 * Invariants: every decoder allocates at most len + 4 bytes and reads each
 * input byte once; malformed input never fails, it decodes what it can and
 * counts what it could not (*stray), so the caller can say so.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* 0x40 | the 6-bit value of each base64 letter; 0 for every other byte,
 * so four letters in a row are one AND away from a test */
static const unsigned char b64_tab[256] = {
    ['A'] = 0x40, ['B'] = 0x41, ['C'] = 0x42, ['D'] = 0x43, ['E'] = 0x44, ['F'] = 0x45,
    ['G'] = 0x46, ['H'] = 0x47, ['I'] = 0x48, ['J'] = 0x49, ['K'] = 0x4A, ['L'] = 0x4B,
    ['M'] = 0x4C, ['N'] = 0x4D, ['O'] = 0x4E, ['P'] = 0x4F, ['Q'] = 0x50, ['R'] = 0x51,
    ['S'] = 0x52, ['T'] = 0x53, ['U'] = 0x54, ['V'] = 0x55, ['W'] = 0x56, ['X'] = 0x57,
    ['Y'] = 0x58, ['Z'] = 0x59, ['a'] = 0x5A, ['b'] = 0x5B, ['c'] = 0x5C, ['d'] = 0x5D,
    ['e'] = 0x5E, ['f'] = 0x5F, ['g'] = 0x60, ['h'] = 0x61, ['i'] = 0x62, ['j'] = 0x63,
    ['k'] = 0x64, ['l'] = 0x65, ['m'] = 0x66, ['n'] = 0x67, ['o'] = 0x68, ['p'] = 0x69,
    ['q'] = 0x6A, ['r'] = 0x6B, ['s'] = 0x6C, ['t'] = 0x6D, ['u'] = 0x6E, ['v'] = 0x6F,
    ['w'] = 0x70, ['x'] = 0x71, ['y'] = 0x72, ['z'] = 0x73, ['0'] = 0x74, ['1'] = 0x75,
    ['2'] = 0x76, ['3'] = 0x77, ['4'] = 0x78, ['5'] = 0x79, ['6'] = 0x7A, ['7'] = 0x7B,
    ['8'] = 0x7C, ['9'] = 0x7D, ['+'] = 0x7E, ['/'] = 0x7F,
};

/* b64_quad - four letters at in to three bytes at o; false when one of
 * them is not a letter (padding, a line break, a stray byte) */
static bool b64_quad(unsigned char *o, const unsigned char *in)
{
    uint32_t a = b64_tab[in[0]], b = b64_tab[in[1]], c = b64_tab[in[2]], d = b64_tab[in[3]];

    if (!(a & b & c & d & 0x40))
        return false;
    uint32_t q = (a & 0x3F) << 18 | (b & 0x3F) << 12 | (c & 0x3F) << 6 | (d & 0x3F);
    o[0] = (unsigned char)(q >> 16);
    o[1] = (unsigned char)(q >> 8);
    o[2] = (unsigned char)q;
    return true;
}

/* b64_flush - emit what a partial quantum of n letters holds */
static size_t b64_flush(unsigned char *o, uint32_t acc, int n)
{
    if (n == 2) {
        o[0] = (unsigned char)(acc >> 4);
        return 1;
    }
    if (n == 3) {
        o[0] = (unsigned char)(acc >> 10);
        o[1] = (unsigned char)(acc >> 2);
        return 2;
    }
    return 0;
}

/* mime_base64_decode - chunk-tolerant base64 */
int mime_base64_decode(unsigned char **out, size_t *out_len, size_t *stray,
                       const char *in, size_t len)
{
    unsigned char *o = malloc(len / 4 * 3 + 4);
    uint32_t acc = 0;
    size_t k = 0, bad = 0;
    int n = 0;

    if (!o)
        return PG_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (n == 0 && len - i >= 4 && b64_quad(o + k, (const unsigned char *)in + i)) {
            k += 3; /* the common case: a whole quantum of letters */
            i += 3;
            continue;
        }
        if (b64_tab[c]) {
            acc = acc << 6 | (b64_tab[c] & 0x3Fu);
            if (++n == 4) {
                o[k++] = (unsigned char)(acc >> 16);
                o[k++] = (unsigned char)(acc >> 8);
                o[k++] = (unsigned char)acc;
                n = 0;
                acc = 0;
            }
        } else if (c == '=') {
            bad += n == 1;
            k += b64_flush(o + k, acc, n);
            n = 0;
            acc = 0;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            bad++;
        }
    }
    bad += n == 1;
    k += b64_flush(o + k, acc, n);
    o[k] = '\0';
    *out = o;
    *out_len = k;
    if (stray)
        *stray = bad;
    return 0;
}

/* mime_hex_value - a hex digit's value, or -1 */
int mime_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* qp_soft_break - length of "=[ \t]*\r?\n" (or "=[ \t]*" at the end) at i */
static size_t qp_soft_break(const char *in, size_t len, size_t i)
{
    size_t j = i + 1;

    while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
    if (j == len)
        return j - i;
    if (in[j] == '\n')
        return j + 1 - i;
    if (in[j] == '\r' && j + 1 < len && in[j + 1] == '\n')
        return j + 2 - i;
    return 0;
}

/* qp_run - length of a blank run at i; *trailing when it ends its line,
 * which makes it transport padding that RFC 2045 says to drop */
static size_t qp_run(const char *in, size_t len, size_t i, bool *trailing)
{
    size_t j = i;

    while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
    *trailing = j == len || in[j] == '\n' ||
                (in[j] == '\r' && j + 1 < len && in[j + 1] == '\n');
    return j - i;
}

/* qp_equals - decode the '=' at i into o; returns the bytes consumed */
static size_t qp_equals(unsigned char *o, size_t *k, const char *in,
                        size_t len, size_t i, bool header)
{
    if (i + 2 < len) {
        int hi = mime_hex_value((unsigned char)in[i + 1]);
        int lo = mime_hex_value((unsigned char)in[i + 2]);
        if (hi >= 0 && lo >= 0) {
            o[(*k)++] = (unsigned char)(hi << 4 | lo);
            return 3;
        }
    }
    size_t soft = header ? 0 : qp_soft_break(in, len, i);
    if (soft)
        return soft;
    o[(*k)++] = '=';
    return 1;
}

/* mime_qp_decode - quoted-printable, or RFC 2047 "Q" when header is set */
int mime_qp_decode(unsigned char **out, size_t *out_len, const char *in,
                   size_t len, bool header)
{
    unsigned char *o = malloc(len + 1);
    size_t k = 0, i = 0;

    if (!o)
        return PG_ENOMEM;
    while (i < len) {
        unsigned char c = (unsigned char)in[i];
        if (c == '=') {
            i += qp_equals(o, &k, in, len, i, header);
        } else if (!header && (c == ' ' || c == '\t')) {
            bool trailing;
            size_t run = qp_run(in, len, i, &trailing);
            if (!trailing) {
                memcpy(o + k, in + i, run);
                k += run;
            }
            i += run;
        } else {
            o[k++] = header && c == '_' ? ' ' : c;
            i++;
        }
    }
    o[k] = '\0';
    *out = o;
    *out_len = k;
    return 0;
}

/* mime_transfer_decode - undo one Content-Transfer-Encoding */
int mime_transfer_decode(unsigned char **out, size_t *out_len, size_t *stray,
                         mime_enc enc, const char *in, size_t len)
{
    *stray = 0;
    switch (enc) {
    case MIME_ENC_BASE64:
        return mime_base64_decode(out, out_len, stray, in, len);
    case MIME_ENC_QP:
        return mime_qp_decode(out, out_len, in, len, false);
    case MIME_ENC_UUENCODE: {
        char *name = NULL;
        int rc = mime_uu_decode(out, out_len, &name, in, len);
        free(name);
        if (rc != PG_ENOTFOUND)
            return rc;
        *stray = len; /* no begin line: nothing decodable */
        break;
    }
    case MIME_ENC_IDENTITY:
        break;
    }
    unsigned char *o = malloc(len + 1);
    if (!o)
        return PG_ENOMEM;
    memcpy(o, in, len);
    o[len] = '\0';
    *out = o;
    *out_len = len;
    return 0;
}
