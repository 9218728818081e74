/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_charset.c - any charset to UTF-8 and back, for bodies and headers.
 *
 * The declared charset is used when iconv knows it (through GMime's alias
 * table: "latin1", "ks_c_5601-1987", ...). When it is missing, ASCII,
 * UTF-8 or unknown, the bytes decide: a UTF-16 byte-order mark or the
 * UTF-16 shape (every other byte NUL) is UTF-16 - an evasion that would
 * otherwise hide every digit from the engine - valid UTF-8 stays as it is,
 * and anything else is windows-1252, what mislabeled mail almost always is.
 * A byte iconv cannot convert becomes U+FFFD; conversion never fails.
 *
 * What was used is written to the segment's msg_origin (iconv name, BOM),
 * and mime_charset_from_utf8() goes back the same way for redaction; it is
 * strict, because a masked body written in the wrong charset would corrupt
 * the mail.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "message/mime.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* is_unicode_default - a label that says nothing beyond "ASCII or UTF-8" */
static bool is_unicode_default(const char *cs)
{
    static const char *const names[] = {"us-ascii", "ascii", "utf-8", "utf8",
                                        "unknown-8bit", "x-unknown", "unknown"};

    if (!cs || !*cs)
        return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(cs, names[i]) == 0)
            return true;
    return false;
}

/* sniff_utf16 - "UTF-16LE"/"UTF-16BE" when the bytes look like UTF-16 */
static const char *sniff_utf16(const unsigned char *in, size_t len, bool bom_only)
{
    size_t n = len < 1024 ? len : 1024, even = 0, odd = 0;

    if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE)
        return "UTF-16LE";
    if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF)
        return "UTF-16BE";
    if (bom_only || n < 8)
        return NULL;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += in[i] == 0;
        odd += in[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd * 10 >= pairs * 4 && even * 10 < pairs)
        return "UTF-16LE";
    if (even * 10 >= pairs * 4 && odd * 10 < pairs)
        return "UTF-16BE";
    return NULL;
}

/* resolve - the iconv name to convert from; NULL means "UTF-8 as is" */
static const char *resolve(const char *cs, const unsigned char *in, size_t len)
{
    if (is_unicode_default(cs)) {
        const char *u16 = sniff_utf16(in, len, false);
        if (u16)
            return u16;
        return g_utf8_validate_len((const char *)in, len, NULL) ? NULL
                                                               : "WINDOWS-1252";
    }
    if (strcasecmp(cs, "utf-16") == 0 || strcasecmp(cs, "utf16") == 0) {
        const char *u16 = sniff_utf16(in, len, false);
        return u16 ? u16 : "UTF-16BE"; /* RFC 2781: no mark means big-endian */
    }
    return g_mime_charset_iconv_name(cs);
}

/* unit_size - the code unit a decoding error should skip */
static size_t unit_size(const char *from)
{
    if (strncasecmp(from, "UTF-16", 6) == 0 || strncasecmp(from, "UCS-2", 5) == 0)
        return 2;
    if (strncasecmp(from, "UTF-32", 6) == 0 || strncasecmp(from, "UCS-4", 5) == 0)
        return 4;
    return 1;
}

/* grow - double the output buffer, keeping the write position */
static int grow(char **buf, size_t *cap, char **op, size_t *room)
{
    size_t used = (size_t)(*op - *buf);
    char *nb = *cap > SIZE_MAX / 2 ? NULL : realloc(*buf, *cap * 2);

    if (!nb)
        return PG_ENOMEM;
    *buf = nb;
    *op = nb + used;
    *room += *cap;
    *cap *= 2;
    return 0;
}

/* convert - run iconv over all of in; bad input becomes @bad or fails */
static int convert(char **out, size_t *out_len, iconv_t cd, const char *in,
                   size_t len, const char *bad, size_t skip)
{
    size_t cap = len * 4 + 16, left = len, room = cap - 1;
    char *buf = malloc(cap), *ip = (char *)in, *op = buf;
    int err = buf ? 0 : PG_ENOMEM;

    while (!err && (left > 0 || ip)) {
        size_t r = left ? iconv(cd, &ip, &left, &op, &room)
                        : iconv(cd, NULL, NULL, &op, &room);
        if (r != (size_t)-1) {
            ip = left ? ip : NULL; /* NULL once flushed: done */
        } else if (errno == E2BIG) {
            err = grow(&buf, &cap, &op, &room);
        } else if (!left) {
            ip = NULL; /* a failed flush: nothing left to skip */
        } else if (!bad) {
            err = PG_EPARSE;
        } else if (room < strlen(bad)) {
            err = grow(&buf, &cap, &op, &room);
        } else {
            size_t step = skip < left ? skip : left;
            memcpy(op, bad, strlen(bad));
            op += strlen(bad);
            room -= strlen(bad);
            ip += step;
            left -= step;
        }
    }
    if (err < 0) {
        free(buf);
        return err;
    }
    *op = '\0';
    *out = buf;
    *out_len = (size_t)(op - buf);
    return 0;
}

/* set_origin - remember which charset the text came from */
static void set_origin(msg_origin *origin, const char *name, bool bom)
{
    if (!origin)
        return;
    origin->bom = bom;
    if (!name)
        origin->charset[0] = '\0';
    else if (strlen(name) < sizeof(origin->charset))
        strcpy(origin->charset, name);
    else
        strcpy(origin->charset, "!"); /* no iconv name: redaction refuses */
}

/* copy_as_is - the bytes are already UTF-8 (or as good as it gets) */
static int copy_as_is(char **out, size_t *out_len, const unsigned char *in,
                      size_t len)
{
    char *o = malloc(len + 1);

    if (!o)
        return PG_ENOMEM;
    memcpy(o, in, len);
    o[len] = '\0';
    *out = o;
    *out_len = len;
    return 0;
}

/* mime_charset_to_utf8 - decode bytes to UTF-8, never failing on content */
int mime_charset_to_utf8(char **out, size_t *out_len, msg_origin *origin,
                         const char *charset, const unsigned char *in,
                         size_t len)
{
    mime_gmime_init(); /* GMime's charset tables */
    const char *from = resolve(charset, in, len);
    iconv_t cd = from ? g_mime_iconv_open("UTF-8", from) : (iconv_t)-1;
    int rc;

    if (from && cd == (iconv_t)-1) { /* unknown to iconv: decide by bytes */
        from = resolve(NULL, in, len);
        cd = from ? g_mime_iconv_open("UTF-8", from) : (iconv_t)-1;
    }
    if (cd == (iconv_t)-1) {
        set_origin(origin, NULL, false);
        return copy_as_is(out, out_len, in, len);
    }
    rc = convert(out, out_len, cd, (const char *)in, len, "\xEF\xBF\xBD",
                 unit_size(from));
    g_mime_iconv_close(cd);
    if (rc < 0)
        return rc;
    bool bom = *out_len >= 3 && memcmp(*out, UTF8_BOM, 3) == 0;
    if (bom) {
        memmove(*out, *out + 3, *out_len - 2);
        *out_len -= 3;
    }
    set_origin(origin, from, bom);
    return 0;
}

/* mime_charset_redo - decode again exactly as the origin says it was */
int mime_charset_redo(char **out, size_t *out_len, const msg_origin *origin,
                      const unsigned char *in, size_t len)
{
    if (!origin->charset[0])
        return copy_as_is(out, out_len, in, len);
    mime_gmime_init();
    iconv_t cd = g_mime_iconv_open("UTF-8", origin->charset);
    if (cd == (iconv_t)-1)
        return PG_EPARSE;
    int rc = convert(out, out_len, cd, (const char *)in, len, "\xEF\xBF\xBD",
                     unit_size(origin->charset));
    g_mime_iconv_close(cd);
    if (rc == 0 && origin->bom) {
        if (*out_len < 3 || memcmp(*out, UTF8_BOM, 3) != 0) {
            free(*out);
            *out = NULL;
            return PG_EPARSE; /* the mark is gone: not the same text */
        }
        memmove(*out, *out + 3, *out_len - 2);
        *out_len -= 3;
    }
    return rc;
}

/* mime_charset_from_utf8 - encode UTF-8 back into the origin's charset */
int mime_charset_from_utf8(char **out, size_t *out_len,
                           const msg_origin *origin, const char *in, size_t len)
{
    if (!origin->charset[0])
        return copy_as_is(out, out_len, (const unsigned char *)in, len);
    mime_gmime_init();
    iconv_t cd = g_mime_iconv_open(origin->charset, "UTF-8");
    if (cd == (iconv_t)-1)
        return PG_EPARSE;
    char *src = malloc(len + 4);
    int rc = PG_ENOMEM;
    if (src) {
        size_t pre = origin->bom ? 3 : 0;
        memcpy(src, UTF8_BOM, pre);
        memcpy(src + pre, in, len);
        rc = convert(out, out_len, cd, src, len + pre, NULL, 1);
        free(src);
    }
    g_mime_iconv_close(cd);
    return rc;
}
