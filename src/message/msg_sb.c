/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msg_sb.c - the message room's one string builder: the MIME walker and
 * redaction build paths, headers and rewritten messages in it, and every
 * extractor writes its text into it.
 *
 * Invariants: the error is sticky (after the first failure every append
 * does nothing and the caller checks err once, at the end); the text is
 * NUL-terminated once anything was appended; a builder made with
 * msg_sb_init() never holds more than its max bytes (PG_ETOOBIG), one
 * zero-initialised has no cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "message/msg_internal.h"

/* msg_sb_init - an empty builder that refuses to grow past max bytes */
void msg_sb_init(msg_sb *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
    b->capped = true;
}

/* sb_reserve - room for n more bytes plus a NUL, or a sticky error */
static int sb_reserve(msg_sb *b, size_t n)
{
    if (b->err)
        return b->err;
    if (b->capped && (n > b->max - b->len || b->len > b->max))
        return b->err = PG_ETOOBIG;
    if (n >= SIZE_MAX / 2 - b->len)
        return b->err = PG_ENOMEM;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < b->len + n + 1)
        ncap *= 2;
    char *p = realloc(b->p, ncap);
    if (!p)
        return b->err = PG_ENOMEM;
    b->p = p;
    b->cap = ncap;
    return 0;
}

/* msg_sb_put - append n bytes (n = 0 still makes the text "") */
void msg_sb_put(msg_sb *b, const void *s, size_t n)
{
    if ((n == 0 && b->p) || sb_reserve(b, n) < 0)
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* msg_sb_puts - append a C string */
void msg_sb_puts(msg_sb *b, const char *s)
{
    msg_sb_put(b, s, strlen(s));
}

/* msg_sb_putc - append one byte */
void msg_sb_putc(msg_sb *b, char c)
{
    msg_sb_put(b, &c, 1);
}

/* msg_sb_putcp - append a code point as UTF-8; invalid ones become U+FFFD */
void msg_sb_putcp(msg_sb *b, unsigned long cp)
{
    utf8proc_uint8_t enc[4];

    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
    msg_sb_put(b, enc, (size_t)n);
}

/* msg_sb_break - end a line or a cell, without stacking separators: a
 * trailing space or tab gives way to a newline, and nothing precedes the
 * first text */
void msg_sb_break(msg_sb *b, char c)
{
    if (b->len == 0 || b->err)
        return;
    char *last = &b->p[b->len - 1];
    if (*last == '\n' || *last == c)
        return;
    if (*last == ' ' || *last == '\t') {
        *last = c;
        return;
    }
    msg_sb_putc(b, c);
}

/* msg_sb_take - hand the string to the caller, or report the sticky error */
int msg_sb_take(char **out, size_t *out_len, msg_sb *b)
{
    msg_sb_put(b, "", 0); /* an empty builder still yields "" */
    if (b->err) {
        int err = b->err;
        msg_sb_free(b);
        return err;
    }
    *out = b->p;
    if (out_len)
        *out_len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return 0;
}

/* msg_sb_free - drop the text; the builder keeps its cap and may be reused */
void msg_sb_free(msg_sb *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->err = 0;
}
