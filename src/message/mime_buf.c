/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_buf.c - the growable string the MIME walker and redaction build
 * paths, header text and rewritten messages in.
 *
 * Invariant: the error is sticky. After the first failed allocation every
 * append does nothing and mime_sb_take() reports PG_ENOMEM, so a builder
 * is checked once, at the end. The text is always NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* sb_reserve - room for n more bytes and the NUL */
static int sb_reserve(mime_sb *b, size_t n)
{
    if (b->err)
        return b->err;
    if (n >= SIZE_MAX / 2 - b->len)
        return b->err = PG_ENOMEM;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < b->len + n + 1)
        ncap *= 2;
    char *p = realloc(b->p, ncap);
    if (!p)
        return b->err = PG_ENOMEM;
    b->p = p;
    b->cap = ncap;
    return 0;
}

/* mime_sb_put - append n bytes */
void mime_sb_put(mime_sb *b, const void *s, size_t n)
{
    if (sb_reserve(b, n) < 0)
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* mime_sb_puts - append a C string */
void mime_sb_puts(mime_sb *b, const char *s)
{
    mime_sb_put(b, s, strlen(s));
}

/* mime_sb_putc - append one byte */
void mime_sb_putc(mime_sb *b, char c)
{
    mime_sb_put(b, &c, 1);
}

/* mime_sb_take - hand the string to the caller, or report the sticky error */
int mime_sb_take(char **out, size_t *out_len, mime_sb *b)
{
    mime_sb_put(b, "", 0); /* an empty builder still yields "" */
    if (b->err) {
        mime_sb_free(b);
        return PG_ENOMEM;
    }
    *out = b->p;
    if (out_len)
        *out_len = b->len;
    memset(b, 0, sizeof(*b));
    return 0;
}

/* mime_sb_free - drop the text; the builder may be reused */
void mime_sb_free(mime_sb *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}
