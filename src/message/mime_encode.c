/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_encode.c - the way back for redaction: a masked body re-encoded in
 * the transfer encoding it came in, and a masked Subject as a header.
 *
 * base64 is written in 76-character lines; quoted-printable keeps the
 * text's own line breaks, escapes '=', control and 8-bit bytes and blanks
 * at a line's end, and breaks softly before column 76; a Subject that is
 * not ASCII becomes RFC 2047 B words of UTF-8, folded. Line ends are CRLF
 * when the original body used CRLF, else LF, so the rewritten part matches
 * the message around it. uuencode is not written back: redaction refuses
 * such parts (PG_EPARSE).
 */
#include <string.h>

#include "message/mime.h"

#define LINE_MAX_CHARS 76

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_quantum - up to three bytes as four letters */
static void b64_quantum(char q[4], const unsigned char *in, size_t n)
{
    unsigned v = (unsigned)in[0] << 16 | (n > 1 ? (unsigned)in[1] << 8 : 0) |
                 (n > 2 ? in[2] : 0);

    q[0] = b64_alphabet[v >> 18 & 63];
    q[1] = b64_alphabet[v >> 12 & 63];
    q[2] = n > 1 ? b64_alphabet[v >> 6 & 63] : '=';
    q[3] = n > 2 ? b64_alphabet[v & 63] : '=';
}

/* mime_base64_encode - base64 in lines of 76, each ended by eol */
void mime_base64_encode(msg_sb *out, const unsigned char *in, size_t len,
                        const char *eol)
{
    size_t col = 0;

    for (size_t i = 0; i < len; i += 3) {
        char q[4];
        b64_quantum(q, in + i, len - i < 3 ? len - i : 3);
        msg_sb_put(out, q, 4);
        if ((col += 4) >= LINE_MAX_CHARS) {
            msg_sb_puts(out, eol);
            col = 0;
        }
    }
    if (col)
        msg_sb_puts(out, eol);
}

/* qp_literal - may this byte stand for itself at this place? */
static bool qp_literal(const unsigned char *in, size_t len, size_t i)
{
    unsigned char c = in[i];

    if (c == ' ' || c == '\t') /* not at a line's end */
        return i + 1 < len && in[i + 1] != '\n' && in[i + 1] != '\r';
    return c >= 33 && c <= 126 && c != '=';
}

/* mime_qp_encode - quoted-printable, the text's line breaks kept */
void mime_qp_encode(msg_sb *out, const unsigned char *in, size_t len,
                    const char *eol)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;

    for (size_t i = 0; i < len; i++) {
        bool crlf = in[i] == '\r' && i + 1 < len && in[i + 1] == '\n';
        if (in[i] == '\n' || crlf) {
            msg_sb_put(out, in + i, crlf ? 2 : 1);
            i += crlf;
            col = 0;
            continue;
        }
        size_t w = qp_literal(in, len, i) ? 1 : 3;
        if (col + w > LINE_MAX_CHARS - 1) {
            msg_sb_putc(out, '=');
            msg_sb_puts(out, eol);
            col = 0;
        }
        if (w == 1) {
            msg_sb_putc(out, (char)in[i]);
        } else {
            char e[3] = {'=', hex[in[i] >> 4], hex[in[i] & 15]};
            msg_sb_put(out, e, 3);
        }
        col += w;
    }
}

/* mime_transfer_encode - encode as the part was; PG_EPARSE for uuencode */
int mime_transfer_encode(msg_sb *out, mime_enc enc, const unsigned char *in,
                         size_t len, const char *eol)
{
    switch (enc) {
    case MIME_ENC_BASE64:
        mime_base64_encode(out, in, len, eol);
        return 0;
    case MIME_ENC_QP:
        mime_qp_encode(out, in, len, eol);
        return 0;
    case MIME_ENC_IDENTITY:
        msg_sb_put(out, in, len);
        return 0;
    case MIME_ENC_UUENCODE:
        break;
    }
    return PG_EPARSE;
}

/* is_ascii - printable ASCII and blanks only? */
static bool is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            return false;
    return true;
}

/* utf8_cut - the longest prefix of at most max bytes ending on a character */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* mime_header_field - "Name: value" + eol, RFC 2047 words when not ASCII */
void mime_header_field(msg_sb *out, const char *name, const char *value,
                       size_t len, const char *eol)
{
    msg_sb_puts(out, name);
    msg_sb_puts(out, ":");
    if (is_ascii(value, len)) {
        msg_sb_putc(out, ' ');
        msg_sb_put(out, value, len);
    }
    for (size_t i = 0; i < len && !is_ascii(value, len);) {
        size_t n = utf8_cut(value + i, len - i, 45); /* 60 letters a word */
        if (n == 0)
            n = 1;
        if (i)
            msg_sb_puts(out, eol);
        msg_sb_puts(out, " =?UTF-8?B?");
        mime_base64_encode(out, (const unsigned char *)value + i, n, "");
        msg_sb_puts(out, "?=");
        i += n;
    }
    msg_sb_puts(out, eol);
}
