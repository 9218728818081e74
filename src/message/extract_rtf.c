/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_rtf.c - the text of an RTF document, by a small hand parser.
 *
 * Control words and symbols are dropped; \par, \line, \row, \sect and \page
 * end a line, \tab and \cell a cell. Groups that hold no document text are
 * skipped whole: the tables (\fonttbl, \colortbl, \stylesheet, lists,
 * revisions), \info, \pict, \objdata, field instructions and every \*
 * destination. \'hh is a windows-1252 byte (the code page nearly every RTF
 * declares; others lose letters, not digits); \uN is a UTF-16 unit, with
 * surrogate pairs joined and the \ucN fallback characters after it skipped.
 *
 * Limits: groups nest at most RTF_MAX_DEPTH deep, a control word is at most
 * 32 letters and its parameter 10 digits, \binN must fit in the input.
 * Past any of them the text read so far is still emitted and the part is
 * also "unparseable rtf".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "message/extract_int.h"

#define RTF_MAX_DEPTH 256
#define RTF_MAX_WORD 32
#define RTF_MAX_DIGITS 10

/* Destinations whose group holds no document text. */
static const char *const rtf_skip_words[] = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "objdata",
    "themedata", "colorschememapping", "datastore", "latentstyles",
    "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl",
    "filetbl", "revtbl", "fldinst", "pntext", "mmathPr", "userprops"};

struct rtf_group {
    bool skip;
    unsigned uc; /* fallback characters after \uN */
};

struct rtf {
    const unsigned char *s;
    size_t n, i;
    msg_sb *out;
    struct rtf_group g[RTF_MAX_DEPTH];
    unsigned depth;
    unsigned fallback;      /* characters still to skip after \uN */
    unsigned long high;     /* pending high surrogate, 0 if none */
    bool bad;
};

/* put_char - one document character, unless skipped */
static void put_char(struct rtf *r, unsigned long cp)
{
    if (r->g[r->depth].skip)
        return;
    if (r->fallback) {
        r->fallback--;
        return;
    }
    msg_sb_putcp(r->out, cp);
}

/* put_unicode - a \uN unit; surrogate halves wait for their partner */
static void put_unicode(struct rtf *r, long v)
{
    unsigned long u = v < 0 ? (unsigned long)(v + 65536) : (unsigned long)v;

    r->fallback = 0;
    if (u >= 0xD800 && u <= 0xDBFF) {
        r->high = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF && r->high) {
        put_char(r, 0x10000 + ((r->high - 0xD800) << 10) + (u - 0xDC00));
        r->high = 0;
    } else {
        put_char(r, u);
        r->high = 0;
    }
    r->fallback = r->g[r->depth].uc;
}

/* is_skip_word - does this destination hold no text? */
static bool is_skip_word(const char *w)
{
    for (size_t i = 0; i < sizeof(rtf_skip_words) / sizeof(*rtf_skip_words); i++)
        if (!strcmp(w, rtf_skip_words[i]))
            return true;
    return false;
}

/* put_break - a line or cell separator, outside skipped groups */
static void put_break(struct rtf *r, char c)
{
    if (!r->g[r->depth].skip)
        msg_sb_break(r->out, c);
}

/* skip_bin - \binN: N raw bytes that are not text, and must be there */
static void skip_bin(struct rtf *r, long n)
{
    if (n >= 0 && (size_t)n <= r->n - r->i) {
        r->i += (size_t)n;
        return;
    }
    r->bad = true;
    r->i = r->n;
}

/* do_word - act on one control word */
static void do_word(struct rtf *r, const char *w, bool has_param, long param)
{
    if (!strcmp(w, "par") || !strcmp(w, "line") || !strcmp(w, "row") ||
        !strcmp(w, "sect") || !strcmp(w, "page"))
        put_break(r, '\n');
    else if (!strcmp(w, "tab") || !strcmp(w, "cell"))
        put_break(r, '\t');
    else if (!strcmp(w, "u") && has_param)
        put_unicode(r, param);
    else if (!strcmp(w, "uc") && has_param && param >= 0 && param < 16)
        r->g[r->depth].uc = (unsigned)param;
    else if (!strcmp(w, "bin") && has_param)
        skip_bin(r, param);
    else if (is_skip_word(w))
        r->g[r->depth].skip = true;
}

/* read_word - a control word and its optional signed parameter */
static void read_word(struct rtf *r)
{
    char w[RTF_MAX_WORD + 1];
    size_t k = 0, digits = 0;
    long param = 0;
    bool neg = false;

    while (r->i < r->n && isalpha(r->s[r->i]) && k < RTF_MAX_WORD)
        w[k++] = (char)r->s[r->i++];
    w[k] = '\0';
    if (r->i < r->n && r->s[r->i] == '-' && r->i + 1 < r->n && isdigit(r->s[r->i + 1])) {
        neg = true;
        r->i++;
    }
    while (r->i < r->n && isdigit(r->s[r->i]) && digits++ < RTF_MAX_DIGITS)
        param = param * 10 + (r->s[r->i++] - '0');
    if (r->i < r->n && (isalnum(r->s[r->i]))) {
        r->bad = true; /* word or number too long */
        r->i = r->n;
        return;
    }
    if (r->i < r->n && r->s[r->i] == ' ')
        r->i++;
    do_word(r, w, digits > 0, neg ? -param : param);
}

/* hexval - one hex digit, or -1 */
static int hexval(unsigned char c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* read_symbol - a control symbol: \'hh, \*, \~, \_, escapes */
static void read_symbol(struct rtf *r)
{
    unsigned char c = r->s[r->i++];

    if (c == '\'') {
        int hi = r->i < r->n ? hexval(r->s[r->i]) : -1;
        int lo = r->i + 1 < r->n ? hexval(r->s[r->i + 1]) : -1;
        if (hi < 0 || lo < 0)
            return;
        r->i += 2;
        put_char(r, msg_cp1252((unsigned char)(hi << 4 | lo)));
    } else if (c == '*') {
        r->g[r->depth].skip = true;
    } else if (c == '~') {
        put_char(r, ' ');
    } else if (c == '_') {
        put_char(r, '-');
    } else if (c == '{' || c == '}' || c == '\\') {
        put_char(r, c);
    } else if (c == '\n' || c == '\r') {
        put_break(r, '\n');
    }
}

/* open_group - '{': the new group inherits its parent's state */
static void open_group(struct rtf *r)
{
    if (r->depth + 1 >= RTF_MAX_DEPTH) {
        r->bad = true;
        r->i = r->n;
        return;
    }
    r->g[r->depth + 1] = r->g[r->depth];
    r->depth++;
}

/* rtf_run - the parse loop */
static void rtf_run(struct rtf *r)
{
    while (r->i < r->n && !r->out->err) {
        unsigned char c = r->s[r->i++];
        if (c == '{') {
            open_group(r);
        } else if (c == '}') {
            r->depth -= r->depth > 0;
            r->fallback = 0;
        } else if (c == '\\' && r->i < r->n) {
            if (isalpha(r->s[r->i]))
                read_word(r);
            else
                read_symbol(r);
        } else if (c != '\r' && c != '\n' && c != '\\') {
            put_char(r, c);
        }
    }
}

/* msg_extract_rtf - RTF to one text segment */
int msg_extract_rtf(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim)
{
    msg_sb out;
    struct rtf *r = calloc(1, sizeof(*r));

    if (!r)
        return PG_ENOMEM;
    msg_sb_init(&out, lim->max_decoded_bytes - msg->decoded_bytes);
    r->s = part->data;
    r->n = part->len;
    r->out = &out;
    r->g[0].uc = 1;
    rtf_run(r);
    bool bad = r->bad || memmem(part->data, part->len < 16 ? part->len : 16, "{\\rtf", 5) == NULL;
    free(r);
    int rc = msg_extract_emit_sb(msg, seg_path, &out, lim);
    if (rc == 0 && bad)
        rc = msg_add_uninspectable(msg, seg_path, "unparseable rtf");
    msg_sb_free(&out);
    return rc;
}
