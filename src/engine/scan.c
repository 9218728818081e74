/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scan.c - the first pass: find the few places worth a closer look.
 *
 * Nearly every identifier piiguard knows holds a digit, and every e-mail
 * address an '@'. So the hot loop only looks for those bytes (trigger.c
 * turns each 64-byte block into a bit mask of them) and hands the run of
 * "groups" around each hit (a cluster: "DE89 3704 0044", "(555) 123-4567",
 * "AB 12 34 56 C") to the cluster recognizers. Prose between hits is
 * skipped at memory speed.
 * Word-led entities (names, passwords, key blocks, tokens, BICs) come from
 * the Hyperscan literal pass in words.c.
 *
 * A cluster is groups of [0-9A-Za-z] joined by at most two joiner bytes
 * (" -./()"); a group without digits joins only when it is short and upper
 * case, which is how IBANs ("GB82 WEST ...") and NINOs ("... C") are cut.
 */
#include <string.h>

#include "engine/engine_internal.h"
#include "engine/simd.h"
#include "engine/trigger.h"

static bool is_joiner(unsigned char c)
{
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

/* read_group - measure the alnum group starting at i. Most groups are
 * prose words next to a number, so the usual case is one 16-byte load:
 * the group's end and counts come from its class masks, without the
 * byte loop's exit, which mispredicted once a group. */
static group read_group(const char *s, size_t i, size_t n)
{
    group g = {0};

    g.start = (uint32_t)i;
#if defined(__SSE2__)
    if (n > i && n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        unsigned digit = (unsigned)_mm_movemask_epi8(in_range16(v, '0', 10));
        unsigned upper = (unsigned)_mm_movemask_epi8(in_range16(v, 'A', 26));
        unsigned lower = (unsigned)_mm_movemask_epi8(in_range16(v, 'a', 26));
        unsigned len = (unsigned)__builtin_ctz(~(digit | upper | lower)); /* <= 16 */
        if (len < 16) {
            unsigned keep = (1u << len) - 1;
            g.end = (uint32_t)(i + len);
            g.ndigit = (uint8_t)pop64(digit & keep);
            g.nupper = (uint8_t)pop64(upper & keep);
            g.nalpha = (uint8_t)(len - g.ndigit);
            return g;
        }
    }
#endif
    while (i < n && is_alnum((unsigned char)s[i]) && i - g.start < PG_MAX_MATCH_BYTES) {
        unsigned char c = (unsigned char)s[i];
        g.ndigit += is_digit(c);
        g.nalpha += is_alpha(c);
        g.nupper += is_upper(c);
        i++;
    }
    g.end = (uint32_t)i;
    return g;
}

/* joinable - may a group without digits join the cluster? */
static bool joinable(const group *g)
{
    unsigned len = g->end - g->start;
    return g->ndigit > 0 || (len <= 4 && g->nupper == len);
}

/* group_start_before - start of the alnum run ending at e */
static size_t group_start_before(const char *s, size_t e)
{
    size_t b = e;
    while (b > 0 && is_alnum((unsigned char)s[b - 1]) && e - b < PG_MAX_MATCH_BYTES)
        b--;
    return b;
}

/* extend_left - find where the cluster around the group at gs begins */
static size_t extend_left(const char *s, size_t gs, int *groups)
{
    while (*groups < CLUSTER_MAX_GROUPS / 2) {
        size_t j = gs, nsep = 0;
        while (j > 0 && is_joiner((unsigned char)s[j - 1]) && nsep < 2) {
            j--;
            nsep++;
        }
        if (nsep == 0 || j == 0 || !is_alnum((unsigned char)s[j - 1]))
            break;
        size_t b = group_start_before(s, j);
        group g = read_group(s, b, j);
        if (!joinable(&g))
            break;
        gs = b;
        (*groups)++;
    }
    return gs;
}

/* build_cluster - the cluster around the digit at pos */
static void build_cluster(const scan_ctx *ctx, size_t pos, cluster *c)
{
    const char *s = ctx->s;
    size_t n = ctx->n, i;
    int left = 0;

    i = extend_left(s, group_start_before(s, pos), &left);
    c->ng = 0;
    c->start = (uint32_t)i;
    c->plus = i > 0 && s[i - 1] == '+';
    while (c->ng < CLUSTER_MAX_GROUPS) {
        group g = read_group(s, i, n);
        if (c->ng > 0 && !joinable(&g))
            break;
        c->g[c->ng++] = g;
        i = g.end;
        size_t j = i;
        while (j < n && is_joiner((unsigned char)s[j]) && j - i < 2)
            j++;
        if (j == i || j >= n || !is_alnum((unsigned char)s[j]))
            break;
        g = read_group(s, j, n);
        if (!joinable(&g))
            break;
        if (c->ng < CLUSTER_MAX_GROUPS) {
            c->g[c->ng].sep_before = s[i];
            c->g[c->ng].nsep_before = (uint8_t)(j - i);
        }
        i = j;
    }
    if (c->ng < CLUSTER_MAX_GROUPS)
        c->g[c->ng].sep_before = 0;
    for (int k = 1; k < c->ng; k++)
        if (!c->g[k].nsep_before) {
            size_t a = c->g[k - 1].end;
            c->g[k].sep_before = s[a];
            c->g[k].nsep_before = (uint8_t)(c->g[k].start - a);
        }
    c->end = c->g[c->ng - 1].end;
    c->nalnum = c->ndigit = 0;
    for (int k = 0; k < c->ng; k++) {
        c->nalnum += c->g[k].end - c->g[k].start;
        c->ndigit += c->g[k].ndigit;
    }
}

/* cluster_compact - groups a..b as compact upper-case alnum */
size_t cluster_compact(const scan_ctx *ctx, const cluster *c, int a, int b,
                       char *out, size_t cap)
{
    size_t o = 0;

    for (int k = a; k <= b; k++) {
        const unsigned char *g = (const unsigned char *)ctx->s + c->g[k].start;
        size_t gl = c->g[k].end - c->g[k].start;
        if (o + gl >= cap)
            return 0;
        /* groups hold only [0-9A-Za-z]: upper-case without a branch */
        for (size_t i = 0; i < gl; i++)
            out[o + i] = (char)(g[i] - (is_lower(g[i]) << 5));
        o += gl;
    }
    out[o] = '\0';
    return o;
}

/* cluster_same_sep - one joiner byte, used consistently between a..b */
bool cluster_same_sep(const cluster *c, int a, int b, char *sep_out)
{
    char sep = 0;

    for (int k = a + 1; k <= b; k++) {
        if (c->g[k].nsep_before != 1)
            return false;
        if (sep && c->g[k].sep_before != sep)
            return false;
        sep = c->g[k].sep_before;
    }
    if (sep_out)
        *sep_out = sep;
    return true;
}

/* claim_strong - claim the widest strong candidate emitted since first */
static void claim_strong(scan_ctx *ctx, size_t first)
{
    const pg_scratch *s = ctx->scratch;

    for (size_t i = first; i < s->n_cands; i++) {
        const cand *c = &s->cands[i];
        if (c->score >= CLAIM_SCORE &&
            c->end - c->start > ctx->claim_end - ctx->claim_start) {
            ctx->claim_start = c->start;
            ctx->claim_end = c->end;
        }
    }
}

/* run_cluster - every cluster recognizer over one cluster */
static void run_cluster(scan_ctx *ctx, const cluster *c)
{
    size_t first = ctx->scratch->n_cands;

    recog_financial(ctx, c);
    claim_strong(ctx, first);
    recog_ids(ctx, c);
    claim_strong(ctx, first);
    recog_phone(ctx, c);
    recog_date(ctx, c);
    recog_ip(ctx, c);
    ctx->claim_start = ctx->claim_end = 0;
}

/* engine_sweep - the digit/'@' pass over the whole view */
void engine_sweep(scan_ctx *ctx)
{
    size_t i = 0;
    cluster c;
    trigger_iter it;

    trigger_init(&it, ctx);
    while ((i = trigger_next(&it, i)) < ctx->n) {
        if (ctx->s[i] == '@') {
            recog_email_at(ctx, i);
            i++;
            continue;
        }
        size_t v6 = recog_ipv6_at(ctx, i);
        build_cluster(ctx, i, &c);
        ctx->unit_start = c.start;
        ctx->unit_end = c.end;
        ctx->win_valid = false;
        run_cluster(ctx, &c);
        ctx->unit_start = ctx->unit_end = 0;
        i = c.end > i ? c.end : i + 1;
        if (v6 > i)
            i = v6;
    }
}
