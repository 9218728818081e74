/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_htmlmask.c - find a value, seen in an HTML part's text, back in its
 * HTML source and mask it there.
 *
 * The engine scanned msg_html_to_text()'s output, so a finding's offsets do
 * not point into the HTML. We search the source for the value instead,
 * tolerating what HTML-to-text removed: tags between characters
 * ("536-<b>22</b>-1234"), character references ("&#53;36-22-1234",
 * "&nbsp;", any HTML 4 name libxml2 knows) and runs of white space where the text has one blank. Every
 * occurrence is masked, in attributes too (alt and title text reach the
 * engine as well). The caller checks afterwards that the text of the masked
 * HTML no longer holds the value, and refuses to redact otherwise.
 *
 * A SHAPE mask has one character per value character, so each character's
 * source bytes (a byte, a UTF-8 sequence, an entity or a blank run) become
 * the mask's character at that place and the markup between stays; any
 * other mask replaces the first character and empties the rest.
 *
 * Limits: a value of more than MASK_MAX_CHARS characters is not searched
 * (findings are at most PG_MAX_MATCH_BYTES long); the search is linear in
 * the HTML for each value.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <utf8proc.h>

#include "message/html5.h"
#include "message/mime.h"
#include "piiguard/pg_limits.h"

#define MASK_MAX_CHARS (PG_MAX_MATCH_BYTES * 2)

struct span {
    size_t start, end;
};

struct repl {
    size_t start, end;
    const char *text;
    size_t len;
};

struct repls {
    struct repl *r;
    size_t n, cap;
    int err;
};

/* char_at - the code point at s[i] and its length; a bad byte is itself */
static int32_t char_at(const char *s, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(len - i), &cp);

    *n = k > 0 ? (size_t)k : 1;
    return k > 0 ? cp : (unsigned char)s[i];
}

/* entity_at - a character reference at h[i] ("&#53;", "&amp;", "&ndash;") */
static bool entity_at(const char *h, size_t hlen, size_t i, int32_t *cp, size_t *n)
{
    const char *semi = memchr(h + i, ';', hlen - i < 24 ? hlen - i : 24);
    char name[24];

    if (h[i] != '&' || !semi || semi == h + i + 1)
        return false;
    *n = (size_t)(semi - (h + i)) + 1;
    if (h[i + 1] == '#') {
        bool hex = (h[i + 2] | 0x20) == 'x';
        char *end;
        long v = strtol(h + i + 2 + hex, &end, hex ? 16 : 10);
        *cp = (int32_t)v;
        return end == semi && v > 0 && v <= 0x10FFFF;
    }
    memcpy(name, h + i + 1, *n - 2);
    name[*n - 2] = '\0';
    const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
    *cp = e ? (int32_t)e->value : msg_html5_entity(name, *n - 2); /* html5.c */
    return *cp >= 0;
}

/* html_char - the character at h[i], entity or literal */
static int32_t html_char(const char *h, size_t hlen, size_t i, size_t *n)
{
    int32_t cp;

    return entity_at(h, hlen, i, &cp, n) ? cp : char_at(h, hlen, i, n);
}

/* is_blank - white space as HTML-to-text folds it */
static bool is_blank(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xA0;
}

/* skip_markup - past tags and comments starting at i */
static size_t skip_markup(const char *h, size_t hlen, size_t i)
{
    while (i < hlen && h[i] == '<') {
        bool comment = hlen - i >= 4 && memcmp(h + i, "<!--", 4) == 0;
        const char *e = comment ? memmem(h + i + 4, hlen - i - 4, "-->", 3)
                                : memchr(h + i, '>', hlen - i);
        if (!e)
            return hlen;
        i = (size_t)(e - h) + (comment ? 3 : 1);
    }
    return i;
}

/* match_at - the value at h[at], one span per value character */
static bool match_at(struct span *sp, size_t *nsp, const char *h, size_t hlen,
                     size_t at, const char *v, size_t vlen)
{
    size_t i = at, j = 0, k = 0, lv, lh;

    while (j < vlen) {
        if (k > 0)
            i = skip_markup(h, hlen, i);
        if (i >= hlen || k == MASK_MAX_CHARS)
            return false;
        int32_t cv = char_at(v, vlen, j, &lv), ch = html_char(h, hlen, i, &lh);
        size_t s = i;
        if (is_blank(cv) && is_blank(ch)) {
            while (i < hlen && is_blank(html_char(h, hlen, i, &lh)))
                i += lh;
        } else if (cv == ch) {
            i += lh;
        } else {
            return false;
        }
        sp[k++] = (struct span){s, i};
        j += lv;
    }
    *nsp = k;
    return k > 0;
}

/* push - one replacement */
static void push(struct repls *rs, size_t start, size_t end, const char *text, size_t len)
{
    if (rs->err)
        return;
    if (rs->n == rs->cap) {
        size_t ncap = rs->cap ? rs->cap * 2 : 16;
        struct repl *p = realloc(rs->r, ncap * sizeof(*p));
        if (!p) {
            rs->err = PG_ENOMEM;
            return;
        }
        rs->r = p;
        rs->cap = ncap;
    }
    rs->r[rs->n++] = (struct repl){start, end, text, len};
}

/* mask_spans - the mask over one match, character by character if it fits */
static void mask_spans(struct repls *rs, const struct span *sp, size_t n,
                       const char *mask, size_t mlen)
{
    size_t chars = 0, l;

    for (size_t i = 0; i < mlen; i += l, chars++)
        char_at(mask, mlen, i, &l);
    if (chars != n) {
        push(rs, sp[0].start, sp[0].end, mask, mlen);
        for (size_t k = 1; k < n; k++)
            push(rs, sp[k].start, sp[k].end, "", 0);
        return;
    }
    for (size_t k = 0, i = 0; k < n; k++, i += l) {
        char_at(mask, mlen, i, &l);
        push(rs, sp[k].start, sp[k].end, mask + i, l);
    }
}

/* find_all - every occurrence of one value */
static size_t find_all(struct repls *rs, const char *h, size_t hlen,
                       const mime_mask_item *it)
{
    struct span sp[MASK_MAX_CHARS];
    size_t n, hits = 0;

    for (size_t i = 0; i < hlen && it->vlen;) {
        if ((h[i] == it->value[0] || h[i] == '&' ||
             (is_blank((unsigned char)h[i]) && is_blank((unsigned char)it->value[0]))) &&
            match_at(sp, &n, h, hlen, i, it->value, it->vlen)) {
            mask_spans(rs, sp, n, it->mask, it->mlen);
            hits++;
            i = sp[n - 1].end;
        } else {
            i++;
        }
    }
    return hits;
}

/* by_start - qsort order of replacements */
static int by_start(const void *a, const void *b)
{
    const struct repl *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/* mime_html_mask - mask every item's value in html; *missing counts the
 * items not found at all */
int mime_html_mask(msg_sb *out, size_t *missing, const char *html, size_t hlen,
                   const mime_mask_item *items, size_t n)
{
    struct repls rs = {0};
    size_t pos = 0;

    *missing = 0;
    for (size_t i = 0; i < n; i++)
        *missing += find_all(&rs, html, hlen, &items[i]) == 0;
    if (rs.err) {
        free(rs.r);
        return rs.err;
    }
    if (rs.n)
        qsort(rs.r, rs.n, sizeof(*rs.r), by_start);
    for (size_t i = 0; i < rs.n; i++) {
        if (rs.r[i].start < pos)
            continue; /* overlaps a value already masked */
        msg_sb_put(out, html + pos, rs.r[i].start - pos);
        msg_sb_put(out, rs.r[i].text, rs.r[i].len);
        pos = rs.r[i].end;
    }
    msg_sb_put(out, html + pos, hlen - pos);
    free(rs.r);
    return out->err;
}
