/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_rfc2047.c - header text with RFC 2047 encoded words, decoded by us.
 *
 * GMime 3.2.13 decodes "=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=" as
 * "Hello" (upstream #133): it joins adjacent B words and its decoder stops
 * at the first padding. A subject split that way hides everything after the
 * first word, so every header we read goes through this file instead.
 *
 * Adjacent encoded words of one charset form a run: whitespace between them
 * is dropped, B texts are joined and decoded by the chunk-tolerant base64
 * decoder (a quantum may span words, and padding in the middle is fine),
 * and the run's bytes are converted to UTF-8 together, so a multi-byte
 * character split across words survives. We are lenient where lenience
 * cannot hide content: words glued to text are decoded, a "*lang" suffix is
 * ignored, an unknown charset falls back to what the bytes look like.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message/mime.h"

/* The longest charset name we believe in; longer is not an encoded word. */
#define CS_MAX 64

struct word {
    const char *cs, *text;
    size_t cs_len, text_len, end;
    char enc; /* 'B' or 'Q' */
};

/* A run of adjacent words in one charset and encoding family. */
struct run {
    char cs[CS_MAX + 1];
    msg_sb b64;   /* B text not yet decoded */
    msg_sb bytes; /* decoded bytes */
    bool open;
};

/* parse_word - is there an encoded word at s[i]? */
static bool parse_word(struct word *w, const char *s, size_t len, size_t i)
{
    size_t j = i + 2;

    if (i + 2 > len || s[i] != '=' || s[i + 1] != '?')
        return false;
    w->cs = s + j;
    while (j < len && s[j] != '?' && s[j] != ' ' && s[j] != '\t')
        j++;
    w->cs_len = (size_t)(s + j - w->cs);
    if (j + 3 > len || s[j] != '?' || w->cs_len == 0 || w->cs_len > CS_MAX)
        return false;
    w->enc = (char)(s[j + 1] & ~0x20);
    if ((w->enc != 'B' && w->enc != 'Q') || s[j + 2] != '?')
        return false;
    w->text = s + j + 3;
    const char *close = memmem(w->text, len - (j + 3), "?=", 2);
    if (!close)
        return false;
    w->text_len = (size_t)(close - w->text);
    w->end = (size_t)(close + 2 - s);
    const char *star = memchr(w->cs, '*', w->cs_len); /* RFC 2231 language */
    if (star)
        w->cs_len = (size_t)(star - w->cs);
    return w->cs_len > 0;
}

/* put_bytes - append bytes in @cs (NULL: sniffed) to out as UTF-8 */
static void put_bytes(msg_sb *out, const char *cs, const char *s, size_t n)
{
    char *u;
    size_t ulen;

    if (out->err || n == 0)
        return;
    if (mime_charset_to_utf8(&u, &ulen, NULL, cs, (const unsigned char *)s, n) < 0) {
        out->err = PG_ENOMEM;
        return;
    }
    msg_sb_put(out, u, ulen);
    free(u);
}

/* run_decode_b64 - move pending B text into the run's bytes */
static void run_decode_b64(struct run *r)
{
    unsigned char *d;
    size_t dlen;

    if (r->b64.len == 0 || r->b64.err)
        return;
    if (mime_base64_decode(&d, &dlen, NULL, r->b64.p, r->b64.len) < 0) {
        r->bytes.err = PG_ENOMEM;
        return;
    }
    msg_sb_put(&r->bytes, d, dlen);
    free(d);
    r->b64.len = 0;
}

/* run_flush - convert a finished run to UTF-8 onto out */
static void run_flush(msg_sb *out, struct run *r)
{
    if (!r->open)
        return;
    run_decode_b64(r);
    if (r->b64.err || r->bytes.err)
        out->err = PG_ENOMEM;
    put_bytes(out, r->cs, r->bytes.p, r->bytes.len);
    r->bytes.len = 0;
    r->open = false;
}

/* run_add - add one word to the run, starting a new run on a new charset */
static void run_add(msg_sb *out, struct run *r, const struct word *w)
{
    if (r->open && (strlen(r->cs) != w->cs_len ||
                    strncasecmp(r->cs, w->cs, w->cs_len) != 0))
        run_flush(out, r);
    if (!r->open) {
        memcpy(r->cs, w->cs, w->cs_len);
        r->cs[w->cs_len] = '\0';
        r->open = true;
    }
    if (w->enc == 'B') {
        msg_sb_put(&r->b64, w->text, w->text_len);
        return;
    }
    unsigned char *d;
    size_t dlen;
    run_decode_b64(r); /* keep byte order when B and Q words alternate */
    if (mime_qp_decode(&d, &dlen, w->text, w->text_len, true) < 0) {
        r->bytes.err = PG_ENOMEM;
        return;
    }
    msg_sb_put(&r->bytes, d, dlen);
    free(d);
}

/* unfold - the value without line breaks, trimmed */
static int unfold(msg_sb *u, const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (in[i] != '\r' && in[i] != '\n')
            msg_sb_putc(u, in[i]);
    msg_sb_put(u, "", 0);
    return u->err;
}

/* is_blank - only spaces and tabs in [s, s+n)? */
static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* put_text - plain text between words; blanks between two words vanish */
static void put_text(msg_sb *out, struct run *r, const char *s, size_t n, bool before_word)
{
    if (n == 0 || (r->open && before_word && is_blank(s, n)))
        return;
    run_flush(out, r);
    put_bytes(out, NULL, s, n);
}

/* decode_unfolded - the word/text loop over an unfolded value */
static void decode_unfolded(msg_sb *out, struct run *r, const char *s, size_t len)
{
    size_t text = 0, i = 0;
    struct word w = {0};
    const char *q;

    while (i < len && (q = memmem(s + i, len - i, "=?", 2))) {
        i = (size_t)(q - s);
        if (!parse_word(&w, s, len, i)) {
            i += 2;
            continue;
        }
        put_text(out, r, s + text, i - text, true);
        run_add(out, r, &w);
        text = i = w.end;
    }
    put_text(out, r, s + text, len - text, false);
    run_flush(out, r);
}

/* mime_rfc2047_decode - unfold and decode a header value to UTF-8 */
int mime_rfc2047_decode(char **out, size_t *out_len, const char *in, size_t len)
{
    msg_sb u = {0}, o = {0};
    struct run r = {0};

    if (unfold(&u, in, len) < 0)
        return PG_ENOMEM;
    size_t a = 0, b = u.len;
    while (a < b && (u.p[a] == ' ' || u.p[a] == '\t'))
        a++;
    while (b > a && (u.p[b - 1] == ' ' || u.p[b - 1] == '\t'))
        b--;
    decode_unfolded(&o, &r, u.p + a, b - a);
    if (r.b64.err || r.bytes.err)
        o.err = PG_ENOMEM;
    msg_sb_free(&r.b64);
    msg_sb_free(&r.bytes);
    msg_sb_free(&u);
    return msg_sb_take(out, out_len, &o);
}
