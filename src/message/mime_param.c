/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_param.c - Content-Type / Content-Disposition parameters, read by us.
 *
 * A file name is content: "SSN 536-22-1234.pdf" leaks as surely as a body.
 * GMime would hand us the name through its RFC 2047 decoder (GMime #133),
 * so we read the raw field: RFC 2231 sections (name*0*=, name*1=, ...) are
 * sorted and joined, percent-decoded where marked, and converted from the
 * charset of section 0; a plain value with "=?" words (what Outlook sends)
 * goes through mime_rfc2047_decode(). An RFC 2231 value wins over a plain
 * one, as the RFC asks.
 *
 * The same scanner measures a field's shape for the guard (mime_guard.c):
 * parameter count, longest name, 8-bit bytes in a name.
 *
 * Limits: at most MIME_MAX_PARAMS sections are joined; the guard has
 * already removed fields with more parameters than that.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message/mime.h"

struct param {
    const char *name, *val;
    size_t name_len, val_len;
    bool quoted;
};

struct section {
    unsigned long n;
    const char *val;
    size_t len;
    bool enc, quoted;
};

/* skip_ws - past spaces, tabs and line breaks */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* quote_end - the closing '"' of the quoted string opened at i, or len */
static size_t quote_end(const char *s, size_t len, size_t i)
{
    for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\' && i + 1 < len)
            i++;
    return i < len ? i : len;
}

/* token_value - a bare value: up to ';', trailing blanks dropped */
static size_t token_value(struct param *p, const char *s, size_t len, size_t i)
{
    size_t start = i, end;

    while (i < len && s[i] != ';')
        i++;
    for (end = i; end > start && strchr(" \t\r\n", s[end - 1]); end--)
        ;
    p->val = s + start;
    p->val_len = end - start;
    return i;
}

/* next_param - parse the parameter after the next ';' from *pos */
static bool next_param(struct param *p, const char *s, size_t len, size_t *pos)
{
    size_t i = *pos;

    while (i < len && s[i] != ';')
        i = s[i] == '"' ? quote_end(s, len, i) + 1 : i + 1;
    if (i >= len)
        return false;
    i = skip_ws(s, len, i + 1);
    p->name = s + i;
    while (i < len && !strchr("=; \t\r\n", s[i]))
        i++;
    p->name_len = (size_t)(s + i - p->name);
    p->val = NULL;
    p->val_len = 0;
    p->quoted = false;
    i = skip_ws(s, len, i);
    if (i < len && s[i] == '=') {
        i = skip_ws(s, len, i + 1);
        if (i < len && s[i] == '"') {
            size_t close = quote_end(s, len, i);
            p->quoted = true;
            p->val = s + i + 1;
            p->val_len = close - i - 1;
            i = close < len ? close + 1 : len;
        } else {
            i = token_value(p, s, len, i);
        }
    }
    *pos = i;
    return true;
}

/* mime_param_shape - how many parameters, how long the longest name */
void mime_param_shape(size_t *count, size_t *longest_name, bool *eight_bit,
                      const char *value, size_t len)
{
    struct param p;
    size_t pos = 0;

    *count = *longest_name = 0;
    *eight_bit = false;
    while (next_param(&p, value, len, &pos)) {
        if (p.name_len == 0)
            continue;
        ++*count;
        if (p.name_len > *longest_name)
            *longest_name = p.name_len;
        for (size_t k = 0; k < p.name_len; k++)
            *eight_bit |= (unsigned char)p.name[k] >= 0x80;
    }
}

/* put_value - append a value: escapes undone if quoted, %XX if encoded */
static void put_value(msg_sb *b, const char *v, size_t n, bool quoted, bool enc)
{
    for (size_t i = 0; i < n; i++) {
        if (quoted && v[i] == '\\' && i + 1 < n) {
            msg_sb_putc(b, v[++i]);
        } else if (enc && v[i] == '%' && i + 2 < n &&
                   mime_hex_value((unsigned char)v[i + 1]) >= 0 &&
                   mime_hex_value((unsigned char)v[i + 2]) >= 0) {
            msg_sb_putc(b, (char)(mime_hex_value((unsigned char)v[i + 1]) << 4 |
                                   mime_hex_value((unsigned char)v[i + 2])));
            i += 2;
        } else {
            msg_sb_putc(b, v[i]);
        }
    }
}

/* section_of - is p "name*", "name*N" or "name*N*"? Fill s if so */
static bool section_of(struct section *s, const struct param *p,
                       const char *name, size_t nlen)
{
    if (p->name_len <= nlen || strncasecmp(p->name, name, nlen) != 0 ||
        p->name[nlen] != '*' || !p->val)
        return false;
    const char *t = p->name + nlen + 1, *end = p->name + p->name_len;
    s->n = 0;
    s->enc = end[-1] == '*';
    if (t == end) { /* "name*": one encoded section */
        s->enc = true;
    } else {
        for (; t < end && *t >= '0' && *t <= '9' && s->n < 100000; t++)
            s->n = s->n * 10 + (unsigned long)(*t - '0');
        if (t != end && !(t + 1 == end && *t == '*'))
            return false;
    }
    s->val = p->val;
    s->len = p->val_len;
    s->quoted = p->quoted;
    return true;
}

/* by_number - qsort order of sections */
static int by_number(const void *a, const void *b)
{
    const struct section *x = a, *y = b;

    return (x->n > y->n) - (x->n < y->n);
}

/* join_sections - RFC 2231: sort, join, decode, convert from the charset */
static int join_sections(char **out, struct section *sec, size_t n)
{
    msg_sb b = {0};
    char cs[65] = "";
    size_t clen = 0, dlen;

    qsort(sec, n, sizeof(*sec), by_number);
    const char *q1 = sec[0].enc ? memchr(sec[0].val, '\'', sec[0].len) : NULL;
    const char *q2 = q1 ? memchr(q1 + 1, '\'', sec[0].len - (size_t)(q1 + 1 - sec[0].val)) : NULL;
    if (q2) {
        size_t cl = (size_t)(q1 - sec[0].val);
        memcpy(cs, sec[0].val, cl < 64 ? cl : 64);
        cs[cl < 64 ? cl : 64] = '\0';
        sec[0].len -= (size_t)(q2 + 1 - sec[0].val);
        sec[0].val = q2 + 1;
    }
    for (size_t i = 0; i < n; i++)
        put_value(&b, sec[i].val, sec[i].len, sec[i].quoted, sec[i].enc);
    if (msg_sb_take(out, &clen, &b) < 0)
        return PG_ENOMEM;
    char *u;
    int rc = mime_charset_to_utf8(&u, &dlen, NULL, cs[0] ? cs : NULL,
                                  (unsigned char *)*out, clen);
    free(*out);
    *out = rc < 0 ? NULL : u;
    return rc;
}

/* plain_value - a plain value: unquoted, RFC 2047 words decoded */
static int plain_value(char **out, const struct param *p)
{
    msg_sb b = {0};
    char *raw;
    size_t len;

    put_value(&b, p->val, p->val_len, p->quoted, false);
    if (msg_sb_take(&raw, &len, &b) < 0)
        return PG_ENOMEM;
    int rc = mime_rfc2047_decode(out, &len, raw, len);
    free(raw);
    return rc;
}

/* mime_param_get - the decoded value of one parameter, or NULL */
int mime_param_get(char **out, const char *value, size_t len, const char *name)
{
    struct section sec[MIME_MAX_PARAMS];
    struct param p, plain = {0};
    size_t n_sec = 0, nlen = strlen(name), pos = 0;

    *out = NULL;
    while (next_param(&p, value, len, &pos)) {
        if (n_sec < MIME_MAX_PARAMS && section_of(&sec[n_sec], &p, name, nlen))
            n_sec++;
        else if (!plain.name && p.val && p.name_len == nlen &&
                 strncasecmp(p.name, name, nlen) == 0)
            plain = p;
    }
    if (n_sec)
        return join_sections(out, sec, n_sec);
    if (plain.name)
        return plain_value(out, &plain);
    return 0;
}
