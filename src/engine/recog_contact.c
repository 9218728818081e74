/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_contact.c - e-mail addresses and IP addresses.
 *
 * E-mail: from an '@', the local part runs left over [A-Za-z0-9._%+-] and
 * the domain right over labels; the last label must be 2+ letters, a
 * punycode label ("xn--p1ai") or a UTF-8 label ("рф"): internationalised
 * domains (RFC 5890) and UTF-8 local parts (RFC 6531) are addresses too. IPv4:
 * four dotted groups of 0-255 that are not part of a longer dotted run and
 * not a version string ("v1.2.3.4", "version 1.2.3.4"). IPv6: a run of
 * hex digits and colons that inet_pton accepts and that holds "::" or
 * eight groups, so "10:30:00" stays a time.
 */
#include <arpa/inet.h>
#include <string.h>
#include <utf8proc.h>

#include "engine/span.h"

static bool is_local_char(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool is_domain_char(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '-';
}

/* letter_len - bytes of the UTF-8 letter, mark or digit at i, or 0 (for
 * ASCII, invalid UTF-8 and punctuation such as the quote in "”") */
static size_t letter_len(const scan_ctx *ctx, size_t i)
{
    utf8proc_int32_t cp;

    if (i >= ctx->n || (unsigned char)ctx->s[i] < 0x80)
        return 0;
    utf8proc_ssize_t cl = utf8proc_iterate((const utf8proc_uint8_t *)ctx->s + i,
                                           (utf8proc_ssize_t)(ctx->n - i), &cp);
    if (cl <= 0)
        return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
        return (size_t)cl;
    default:
        return 0;
    }
}

/* letter_len_before - bytes of the UTF-8 letter ending at e, or 0 */
static size_t letter_len_before(const scan_ctx *ctx, size_t e)
{
    size_t b = e;

    while (b > 0 && e - b < 4 && ((unsigned char)ctx->s[b - 1] & 0xC0) == 0x80)
        b--;
    if (b == 0 || b == e)
        return 0;
    b--;
    return letter_len(ctx, b) == e - b ? e - b : 0;
}

/* tld_ok - may [b, e) end a domain: 2+ ASCII letters, a punycode
 * label, or a label of UTF-8 letters (2+ bytes)? */
static bool tld_ok(const char *s, size_t b, size_t e)
{
    bool ascii = true, utf8 = true;

    if (e - b < 2)
        return false;
    if (e - b >= 5 && strncmp(s + b, "xn--", 4) == 0) {
        for (size_t k = b + 4; k < e; k++)
            if (!is_alnum((unsigned char)s[k]) && s[k] != '-')
                return false;
        return true;
    }
    for (size_t k = b; k < e; k++) {
        ascii = ascii && is_alpha((unsigned char)s[k]);
        utf8 = utf8 && (unsigned char)s[k] >= 0x80;
    }
    return ascii || utf8;
}

/* domain_end - end of a valid domain starting at i, or 0 when invalid */
static size_t domain_end(const scan_ctx *ctx, size_t i)
{
    size_t e = i, last_dot = 0;

    while (e < ctx->n && e - i < 255) {
        size_t l = is_domain_char((unsigned char)ctx->s[e]) ? 1 : letter_len(ctx, e);
        if (!l)
            break;
        e += l;
    }
    while (e > i && (ctx->s[e - 1] == '.' || ctx->s[e - 1] == '-'))
        e--;
    for (size_t k = i; k < e; k++)
        if (ctx->s[k] == '.')
            last_dot = k;
    if (!last_dot || last_dot == i)
        return 0;
    return tld_ok(ctx->s, last_dot + 1, e) ? e : 0;
}

/* recog_email_at - an address around the '@' at position at */
void recog_email_at(scan_ctx *ctx, size_t at)
{
    size_t b = at;

    while (b > 0 && at - b < 64) {
        size_t l = is_local_char((unsigned char)ctx->s[b - 1]) ? 1 : letter_len_before(ctx, b);
        if (!l)
            break;
        b -= l;
    }
    while (b < at && ctx->s[b] == '.')
        b++;
    if (b == at)
        return;
    size_t e = domain_end(ctx, at + 1);
    if (e)
        engine_emit(ctx, PG_ENT_EMAIL_ADDRESS, b, e, 1.0f, true, 0);
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (unsigned)(c - (unsigned)'a') < 6u || (unsigned)(c - (unsigned)'A') < 6u;
}

/* IPV6_REACH - how far recog_ipv6_at() reads either side of the digit */
#define IPV6_REACH 45

/* colon_beside - does a ':' end the hex run around pos (on the left), or
 * the run of hex digits and dots after it, within IPV6_REACH? If not, the
 * address run below holds no colon at all. The sweep asks at every digit
 * cluster and nearly none is an IPv6 address, so this answers before the
 * run is measured. Both reads stop at IPV6_REACH, as the address's own
 * do: the sweep asks once per cluster along a long hex run, and unbounded
 * reads made that quadratic (a fuzzer found it: 12 s for one input). */
static bool colon_beside(const scan_ctx *ctx, size_t pos)
{
    size_t b = pos, e = pos;

    while (b > 0 && is_hex((unsigned char)ctx->s[b - 1]) && pos - b < IPV6_REACH)
        b--;
    if (b > 0 && ctx->s[b - 1] == ':')
        return true;
    while (e < ctx->n && (is_hex((unsigned char)ctx->s[e]) || ctx->s[e] == '.') &&
           e - pos < IPV6_REACH)
        e++;
    return e < ctx->n && ctx->s[e] == ':';
}

/* recog_ipv6_at - an IPv6 address around pos; returns its end or 0 */
size_t recog_ipv6_at(scan_ctx *ctx, size_t pos)
{
    size_t b = pos, e = pos, colons = 0;
    char buf[64];

    if (!colon_beside(ctx, pos))
        return 0;

    while (b > 0 && (is_hex((unsigned char)ctx->s[b - 1]) || ctx->s[b - 1] == ':') &&
           pos - b < IPV6_REACH)
        b--;
    while (e < ctx->n && (is_hex((unsigned char)ctx->s[e]) || ctx->s[e] == ':' || ctx->s[e] == '.') &&
           e - b < IPV6_REACH)
        e++;
    while (e > b && ctx->s[e - 1] == '.')
        e--;
    for (size_t k = b; k < e; k++)
        colons += ctx->s[k] == ':';
    if (colons < 2 || e - b < 3 || e - b >= sizeof(buf))
        return 0;
    if ((b > 0 && is_alnum((unsigned char)ctx->s[b - 1])) ||
        (e < ctx->n && is_alnum((unsigned char)ctx->s[e])))
        return 0;
    memcpy(buf, ctx->s + b, e - b);
    buf[e - b] = '\0';
    if (colons < 7 && !strstr(buf, "::"))
        return 0;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, buf, &a6) != 1)
        return 0;
    engine_emit(ctx, PG_ENT_IP_ADDRESS, b, e, 0.6f, true, 0);
    return e;
}

/* octet_ok - 1-3 digits, at most 255, no leading zero */
static bool octet_ok(const char *s, size_t n)
{
    if (n < 1 || n > 3 || (n > 1 && s[0] == '0'))
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v <= 255;
}

/* version_like - "v1.2.3.4" or "version 1.2.3.4" */
static bool version_like(const scan_ctx *ctx, size_t start)
{
    static const char *const words[] = {"version", "ver", "release", "build",
                                        "firmware", "v", "rev", NULL};
    size_t from = start > 24 ? start - 24 : 0;

    if (start > 0 && (ctx->s[start - 1] == 'v' || ctx->s[start - 1] == 'V'))
        return true;
    return engine_words_near(ctx, from, start, words);
}

/* recog_ip - dotted IPv4 inside a cluster */
void recog_ip(scan_ctx *ctx, const cluster *c)
{
    for (int a = 0; a + 3 < c->ng; a++) {
        bool ok = true;
        for (int k = a; k < a + 4 && ok; k++) {
            const group *g = &c->g[k];
            ok = g->ndigit == g->end - g->start &&
                 octet_ok(ctx->s + g->start, g->end - g->start) &&
                 (k == a || (g->sep_before == '.' && g->nsep_before == 1));
        }
        if (!ok)
            continue;
        if ((a + 4 < c->ng && c->g[a + 4].sep_before == '.' && c->g[a + 4].nsep_before == 1) ||
            (a > 0 && c->g[a].sep_before == '.' && c->g[a].nsep_before == 1))
            continue;
        size_t s = c->g[a].start, e = c->g[a + 3].end;
        if (s > 0 && is_alpha((unsigned char)ctx->s[s - 1]))
            continue;
        if (!version_like(ctx, s))
            engine_emit(ctx, PG_ENT_IP_ADDRESS, s, e, 0.6f, true, 0);
    }
}
