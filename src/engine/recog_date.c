/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_date.c - dates of birth.
 *
 * A date alone is not PII: invoices, tickets and meetings all have dates.
 * So every date shape here needs a birth word nearby ("DOB", "born",
 * "date of birth"); without one nothing is reported. Shapes: d/m/y, m/d/y
 * and y-m-d with '/', '-' or '.', and written months ("March 3, 1985",
 * "3 March 1985", "3rd of Mar 1985").
 */
#include <string.h>

#include "engine/span.h"

#define DOB_BASE 0.40f

/* Month names, lower case, zero-padded to 16 bytes: a word padded the
 * same way is one of them when both 8-byte halves are equal, so no string
 * compare runs (the sweep asks for a month beside every short number). */
static const char months[][16] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct",
    "nov", "dec", "sept"};

/* num - value of a digit run */
static unsigned num(const char *s, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

/* plausible - could (d, m, y) be someone's birth date? */
static bool plausible(unsigned d, unsigned m, unsigned y, bool two_digit_year)
{
    if (!two_digit_year && (y < 1900 || y > 2100))
        return false;
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* numeric_date - groups a..a+2 form a numeric date? */
static bool numeric_date(const scan_ctx *ctx, const cluster *c, int a)
{
    const group *g = &c->g[a];
    unsigned l0 = g[0].end - g[0].start, l1 = g[1].end - g[1].start,
             l2 = g[2].end - g[2].start;
    char sep = g[1].sep_before;

    if (g[1].nsep_before != 1 || g[2].nsep_before != 1 || g[2].sep_before != sep ||
        (sep != '/' && sep != '-' && sep != '.'))
        return false;
    for (int k = 0; k < 3; k++)
        if (g[k].ndigit != g[k].end - g[k].start)
            return false;
    unsigned v0 = num(ctx->s + g[0].start, l0), v1 = num(ctx->s + g[1].start, l1),
             v2 = num(ctx->s + g[2].start, l2);
    if (l0 == 4 && l1 <= 2 && l2 <= 2)
        return plausible(v2, v1, v0, false);
    if (l0 > 2 || l1 > 2 || (l2 != 4 && l2 != 2))
        return false;
    return plausible(v0, v1, v2, l2 == 2) || plausible(v1, v0, v2, l2 == 2);
}

/* month_initial - can a month name start with c (J F M A S O N D)? */
static bool month_initial(unsigned char c)
{
    static const uint32_t initials = 1u << ('j' - 'a') | 1u << ('f' - 'a') |
        1u << ('m' - 'a') | 1u << ('a' - 'a') | 1u << ('s' - 'a') |
        1u << ('o' - 'a') | 1u << ('n' - 'a') | 1u << ('d' - 'a');

    return is_alpha(c) && (initials >> ((c | 0x20) - 'a') & 1u);
}

/* is_month - is the lower-case, zero-padded word w a month name? */
static bool is_month(const char w[16])
{
    uint64_t w0, w1, m0, m1;

    memcpy(&w0, w, 8);
    memcpy(&w1, w + 8, 8);
    for (size_t k = 0; k < sizeof(months) / sizeof(months[0]); k++) {
        memcpy(&m0, months[k], 8);
        memcpy(&m1, months[k] + 8, 8);
        if (w0 == m0 && w1 == m1)
            return true;
    }
    return false;
}

/* month_at - length of a month name starting at i, or 0 */
static size_t month_at(const scan_ctx *ctx, size_t i)
{
    size_t e = i;
    char w[16] = {0};

    if (i >= ctx->n || !month_initial((unsigned char)ctx->s[i]))
        return 0;
    while (e < ctx->n && is_alpha((unsigned char)ctx->s[e]) && e - i < 10)
        e++;
    if (e - i > 9 || (e < ctx->n && is_alpha((unsigned char)ctx->s[e])))
        return 0;
    for (size_t k = i; k < e; k++)
        w[k - i] = (char)(ctx->s[k] | 0x20);
    if (!is_month(w))
        return 0;
    return e - i + (e < ctx->n && ctx->s[e] == '.');
}

/* skip - skip spaces and the byte also (0: spaces only) */
static size_t skip(const scan_ctx *ctx, size_t i, char also)
{
    while (i < ctx->n && (ctx->s[i] == ' ' || (also && ctx->s[i] == also)))
        i++;
    return i;
}

/* year_at - end of a 4-digit year at i, or 0 */
static size_t year_at(const scan_ctx *ctx, size_t i)
{
    if (i + 4 > ctx->n)
        return 0;
    for (size_t k = i; k < i + 4; k++)
        if (!is_digit((unsigned char)ctx->s[k]))
            return 0;
    if (i + 4 < ctx->n && is_alnum((unsigned char)ctx->s[i + 4]))
        return 0;
    unsigned y = num(ctx->s + i, 4);
    return y >= 1900 && y <= 2100 ? i + 4 : 0;
}

/* day_end - skip an ordinal suffix after the day digits */
static size_t day_end(const scan_ctx *ctx, size_t e)
{
    if (e + 2 <= ctx->n && is_alpha((unsigned char)ctx->s[e]) &&
        is_alpha((unsigned char)ctx->s[e + 1]) &&
        (e + 2 == ctx->n || !is_alpha((unsigned char)ctx->s[e + 2])))
        return e + 2;
    return e;
}

/* worded_date - "March 3, 1985" or "3 March 1985" around the day group */
static bool worded_date(const scan_ctx *ctx, const group *g, size_t *s, size_t *e)
{
    size_t de = day_end(ctx, g->start + g->ndigit), i;

    /* day first: "3 March 1985", "3rd of March, 1985" */
    i = skip(ctx, de, 0);
    if (i + 3 <= ctx->n && ctx->s[i] == 'o' && ctx->s[i + 1] == 'f' && ctx->s[i + 2] == ' ')
        i += 3;
    size_t ml = month_at(ctx, i);
    if (ml && i > de && (*e = year_at(ctx, skip(ctx, i + ml, ',')))) {
        *s = g->start;
        return true;
    }
    /* month first: look back over "March " */
    size_t b = g->start;
    while (b > 0 && ctx->s[b - 1] == ' ' && g->start - b < 2)
        b--;
    size_t mb = b;
    while (mb > 0 && (is_alpha((unsigned char)ctx->s[mb - 1]) || ctx->s[mb - 1] == '.') && b - mb < 10)
        mb--;
    if (b < g->start && mb < b && month_at(ctx, mb) &&
        (*e = year_at(ctx, skip(ctx, de, ',')))) {
        *s = mb;
        return true;
    }
    return false;
}

/* recog_date - dates of birth in or around the cluster */
void recog_date(scan_ctx *ctx, const cluster *c)
{
    for (int a = 0; a + 2 < c->ng; a++)
        if (numeric_date(ctx, c, a))
            engine_emit(ctx, PG_ENT_DATE_OF_BIRTH, c->g[a].start, c->g[a + 2].end,
                        DOB_BASE, true, RF_NEEDS_CONTEXT);
    /* A worded date's day is a cluster's first group ("3 March 1985",
     * "March 3, 1985") or, when a label clusters with it ("DOB 19
     * November 1946"), its last. */
    for (int k = 0; k < c->ng; k += c->ng > 1 ? c->ng - 1 : 1) {
        const group *g = &c->g[k];
        size_t s, e;
        unsigned gl = g->end - g->start;
        if (g->ndigit <= 2 && (gl == g->ndigit || gl == g->ndigit + 2u) &&
            is_digit((unsigned char)ctx->s[g->start]) && worded_date(ctx, g, &s, &e))
            engine_emit(ctx, PG_ENT_DATE_OF_BIRTH, s, e, DOB_BASE, true, RF_NEEDS_CONTEXT);
    }
}
