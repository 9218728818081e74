/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.c - quoted-reply detection in plain text (and in HTML once it is
 * text).
 *
 * A quoted region is text the sender is echoing back, usually the
 * customer's own words; the policy may treat PII there differently from
 * PII the sender typed. The rules:
 *
 *   - a line whose first non-blank character (within 3 blanks) is '>';
 *   - an attribution - "On <date>, <name> wrote:" and its German, French
 *     and Spanish forms, over up to ATTRIB_LINES lines as clients wrap it -
 *     quotes everything after its first line to the end of the text;
 *   - "-----Original Message-----" does the same;
 *   - an Outlook reply header: a "From:" line followed, within
 *     HEADER_WINDOW lines, by two of "Sent:", "Date:", "To:", "Cc:",
 *     "Subject:", does the same from its "From:" line.
 *
 * Limits: each line is looked at a bounded number of times (the windows
 * above), so the cost is linear in the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message/quote.h"

#define ATTRIB_LINES 3
#define HEADER_WINDOW 5

/* A line: [start, end) without its line break; next is the following line. */
struct line {
    size_t start, end, next;
};

/* An attribution: starts with lead, holds word (if any), ends with tail. */
struct attribution {
    const char *lead, *word, *tail;
};

static const struct attribution attributions[] = {
    {"On ", NULL, "wrote:"},
    {"Am ", "schrieb", ":"},
    {"Le ", "crit", ":"},  /* "a écrit :" */
    {"El ", "escribi", ":"}, /* "escribió:" */
};

/* line_at - the line starting at pos, trimmed of blanks and CR */
static struct line line_at(const char *t, size_t len, size_t pos)
{
    const char *nl = memchr(t + pos, '\n', len - pos);
    struct line l = {pos, nl ? (size_t)(nl - t) : len, 0};

    l.next = nl ? l.end + 1 : len;
    while (l.start < l.end && (t[l.start] == ' ' || t[l.start] == '\t'))
        l.start++;
    while (l.end > l.start && strchr(" \t\r", t[l.end - 1]))
        l.end--;
    return l;
}

/* is_quote_line - '>' within the first three blanks */
static bool is_quote_line(const char *t, size_t pos, const struct line *l)
{
    return l->start < l->end && t[l->start] == '>' && l->start - pos <= 3;
}

/* starts - does the line start with s (case-insensitive)? */
static bool starts(const char *t, const struct line *l, const char *s)
{
    size_t n = strlen(s);

    return l->end - l->start >= n && strncasecmp(t + l->start, s, n) == 0;
}

/* ends - does the line end with s? */
static bool ends(const char *t, const struct line *l, const char *s)
{
    size_t n = strlen(s);

    return l->end - l->start >= n && memcmp(t + l->end - n, s, n) == 0;
}

/* is_attribution - an "On ... wrote:" that starts at this line */
static bool is_attribution(const char *t, size_t len, const struct line *first)
{
    for (size_t a = 0; a < sizeof(attributions) / sizeof(attributions[0]); a++) {
        const struct attribution *at = &attributions[a];
        if (!starts(t, first, at->lead))
            continue;
        struct line l = *first;
        for (int k = 0; k < ATTRIB_LINES && l.end > l.start; k++) {
            if (ends(t, &l, at->tail) &&
                (!at->word || memmem(t + first->start, l.end - first->start,
                                     at->word, strlen(at->word))))
                return true;
            if (l.next >= len)
                break;
            l = line_at(t, len, l.next);
        }
    }
    return false;
}

/* is_original - "-----Original Message-----" in any dash count or case */
static bool is_original(const char *t, const struct line *l)
{
    return starts(t, l, "--") &&
           memmem(t + l->start, l->end - l->start, "Original Message", 16);
}

/* is_reply_header - "From:" then two header-like lines close below */
static bool is_reply_header(const char *t, size_t len, const struct line *first)
{
    static const char *const names[] = {"Sent:", "Date:", "To:", "Cc:", "Subject:"};
    struct line l = *first;
    int seen = 0;

    if (!starts(t, first, "From:") && !starts(t, first, "*From:*"))
        return false;
    for (int k = 0; k < HEADER_WINDOW && l.next < len && seen < 2; k++) {
        l = line_at(t, len, l.next);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            seen += starts(t, &l, names[i]) ||
                    (t[l.start] == '*' && l.start + 1 < l.end &&
                     strncasecmp(t + l.start + 1, names[i], strlen(names[i])) == 0);
    }
    return seen >= 2;
}

/* push - append a range, merging with the previous one */
static int push(pg_range **r, size_t *n, size_t *cap, size_t start, size_t end)
{
    if (*n && (*r)[*n - 1].end >= start) {
        if (end > (*r)[*n - 1].end)
            (*r)[*n - 1].end = end;
        return 0;
    }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        pg_range *p = realloc(*r, ncap * sizeof(*p));
        if (!p)
            return PG_ENOMEM;
        *r = p;
        *cap = ncap;
    }
    (*r)[(*n)++] = (pg_range){start, end};
    return 0;
}

/* msg_quote_find - every quoted region of a text */
int msg_quote_find(pg_range **out, size_t *n, const char *t, size_t len)
{
    size_t cap = 0, pos = 0;
    int rc = 0;

    *out = NULL;
    *n = 0;
    while (pos < len && rc == 0) {
        struct line l = line_at(t, len, pos);
        if (is_attribution(t, len, &l) || is_original(t, &l) ||
            is_reply_header(t, len, &l)) {
            rc = push(out, n, &cap, pos, len);
            break;
        }
        if (is_quote_line(t, pos, &l))
            rc = push(out, n, &cap, pos, l.next);
        pos = l.next;
    }
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* by_start - qsort order of ranges */
static int by_start(const void *a, const void *b)
{
    const pg_range *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/* msg_quote_mark_merge - plain-text rules plus extra ranges, applied */
int msg_quote_mark_merge(pg_msg *msg, size_t idx, const pg_range *extra,
                         size_t n_extra)
{
    const msg_segment *s = &msg->segs[idx];
    pg_range *found, *all;
    size_t n;
    int rc = msg_quote_find(&found, &n, s->text, s->pub.len);

    if (rc < 0)
        return rc;
    if (n > SIZE_MAX / sizeof(*all) - n_extra - 1 ||
        !(all = malloc((n + n_extra + 1) * sizeof(*all)))) {
        free(found);
        return PG_ENOMEM;
    }
    if (n)
        memcpy(all, found, n * sizeof(*all));
    if (n_extra)
        memcpy(all + n, extra, n_extra * sizeof(*all));
    qsort(all, n + n_extra, sizeof(*all), by_start);
    for (size_t i = 0; i < n + n_extra && rc == 0; i++)
        rc = msg_add_quoted(msg, idx, all[i].start,
                            all[i].end < s->pub.len ? all[i].end : s->pub.len);
    free(all);
    free(found);
    return rc;
}

/* msg_quote_mark_plain - the plain-text rules alone */
int msg_quote_mark_plain(pg_msg *msg, size_t idx)
{
    return msg_quote_mark_merge(msg, idx, NULL, 0);
}
