/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * html5.c - HTML5 named character references that hide PII from an
 * HTML 4 parser (see html5.h).
 *
 * libxml2 2.9 decodes the 252 HTML 4 entities ("&nbsp;", "&ndash;",
 * "&minus;") and numeric references; an HTML5 name such as "&hyphen;",
 * "&period;" or "&ZeroWidthSpace;" stays in the text node as written,
 * while every mail client shows the character. A sender who writes the
 * separators of a card number that way would split it for the engine and
 * not for the reader. The table holds the names of characters the engine
 * treats as separators or drops (normalize.c), ASCII punctuation that
 * sits inside IDs, IBANs and addresses, and '@'; names for letters and
 * symbols that cannot matter are left out on purpose: an unknown name
 * stays text, which is what it was before.
 *
 * The table is sorted by name (strcmp) for bsearch; test_evasion.c checks
 * the order through msg_html5_entity().
 */
#include <stdlib.h>
#include <string.h>

#include "message/html5.h"

/* The longest name in the table, for callers that scan a window. */
#define HTML5_NAME_MAX 21

typedef struct html5_ent {
    const char *name;
    int32_t cp;
} html5_ent;

static const html5_ent ents[] = {
    {"ApplyFunction", 0x2061}, {"DiacriticalGrave", 0x60}, {"InvisibleComma", 0x2063},
    {"InvisibleTimes", 0x2062}, {"MediumSpace", 0x205F}, {"NegativeMediumSpace", 0x200B},
    {"NegativeThickSpace", 0x200B}, {"NegativeThinSpace", 0x200B},
    {"NegativeVeryThinSpace", 0x200B}, {"NewLine", 0x0A}, {"NoBreak", 0x2060},
    {"NonBreakingSpace", 0xA0}, {"Tab", 0x09}, {"ThinSpace", 0x2009}, {"UnderBar", 0x5F},
    {"VerticalLine", 0x7C}, {"VeryThinSpace", 0x200A}, {"ZeroWidthSpace", 0x200B},
    {"af", 0x2061}, {"apos", 0x27}, {"ast", 0x2A}, {"bsol", 0x5C}, {"colon", 0x3A},
    {"comma", 0x2C}, {"commat", 0x40}, {"dash", 0x2010}, {"dollar", 0x24},
    {"equals", 0x3D}, {"excl", 0x21}, {"grave", 0x60}, {"hairsp", 0x200A},
    {"horbar", 0x2015}, {"hybull", 0x2043}, {"hyphen", 0x2010}, {"ic", 0x2063},
    {"it", 0x2062}, {"lbrace", 0x7B}, {"lbrack", 0x5B}, {"lcub", 0x7B}, {"lowbar", 0x5F},
    {"lpar", 0x28}, {"lsqb", 0x5B}, {"midast", 0x2A}, {"num", 0x23}, {"numsp", 0x2007},
    {"percnt", 0x25}, {"period", 0x2E}, {"plus", 0x2B}, {"puncsp", 0x2008},
    {"quest", 0x3F}, {"rbrace", 0x7D}, {"rbrack", 0x5D}, {"rcub", 0x7D}, {"rpar", 0x29},
    {"rsqb", 0x5D}, {"semi", 0x3B}, {"sol", 0x2F}, {"verbar", 0x7C}, {"vert", 0x7C},
};

/* cmp - bsearch order: the key's bytes against a table name */
static int cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const html5_ent *)elem)->name);
}

/* msg_html5_entity - look a name up */
int32_t msg_html5_entity(const char *name, size_t len)
{
    char key[HTML5_NAME_MAX + 1];
    const html5_ent *e;

    if (len == 0 || len > HTML5_NAME_MAX)
        return -1;
    memcpy(key, name, len);
    key[len] = '\0';
    e = bsearch(key, ents, sizeof(ents) / sizeof(ents[0]), sizeof(ents[0]), cmp);
    return e ? e->cp : -1;
}

/* utf8 - one code point (below U+10000 here) as UTF-8 */
static size_t utf8(char out[4], int32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* msg_html5_ref - decode "&name;" at s */
size_t msg_html5_ref(const char *s, char out[4], size_t *out_len)
{
    size_t n = 1;
    int32_t cp;

    if (s[0] != '&')
        return 0;
    while (n <= HTML5_NAME_MAX + 1 && ((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z'))
        n++;
    if (s[n] != ';' || (cp = msg_html5_entity(s + 1, n - 1)) < 0)
        return 0;
    *out_len = utf8(out, cp);
    return n + 1;
}
