/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_financial.c - card numbers, IBANs, routing and account numbers.
 *
 * Cards: 12-19 digits, written bare or in groups of 4 (4-6-5 for Amex),
 * passing Luhn and an issuer range. Luhn alone passes one random number
 * in ten, so the issuer range and the grouping carry real weight; a
 * Luhn-invalid order number never passes.
 * IBANs: country letters and check digits first, compact or in fours;
 * mod-97 makes a random string pass one time in 97, and the country's
 * length table removes most of the rest.
 * ABA routing and US bank account numbers are bare digit runs that look
 * like everything else, so they need a context word.
 */
#include <string.h>

#include "engine/span_shape.h"

/* card_grouping - written as card numbers are written? */
static bool card_grouping(const span *sp)
{
    static const uint8_t g4444[] = {4, 4, 4, 4, 0}, g465[] = {4, 6, 5, 0},
                         g4443[] = {4, 4, 4, 4, 3, 0}, g464[] = {4, 6, 4, 0},
                         g444[] = {4, 4, 4, 0}, g4442[] = {4, 4, 4, 2, 0},
                         g4443b[] = {4, 4, 4, 3, 0};
    if (sp->ngroups == 1)
        return true;
    if (!sp->sep_consistent || (sp->sep != ' ' && sp->sep != '-'))
        return false;
    return span_grouping(sp, g4444) || span_grouping(sp, g465) ||
           span_grouping(sp, g4443) || span_grouping(sp, g464) ||
           span_grouping(sp, g444) || span_grouping(sp, g4442) ||
           span_grouping(sp, g4443b);
}

/* try_card - a payment card number? */
static void try_card(scan_ctx *ctx, span *sp)
{
    if (!sp->digits_only || sp->len < 12 || sp->len > 19)
        return;
    if (!card_grouping(sp) || span_glued(sp))
        return;
    span_shape_bytes(sp, ctx);
    if (!span_valid(sp, PG_ENT_CREDIT_CARD))
        return;
    float base = sp->ngroups > 1 ? 0.9f : 0.8f;
    engine_emit(ctx, PG_ENT_CREDIT_CARD, span_start(sp), span_end(sp), base, true, 0);
}

/* iban_grouping - compact, or in groups of four (the last may be shorter)? */
static bool iban_grouping(const span *sp)
{
    if (sp->ngroups == 1)
        return true;
    if (!sp->sep_consistent || (sp->sep != ' ' && sp->sep != '-'))
        return false;
    for (int k = 0; k < sp->ngroups - 1; k++)
        if (sp->glen[k] != 4)
            return false;
    return sp->glen[sp->ngroups - 1] <= 4;
}

/* try_iban - an IBAN: country letters and check digits first? */
static void try_iban(scan_ctx *ctx, span *sp)
{
    const char *s = sp->compact;

    if (sp->len < 15 || sp->len > 34 || !iban_grouping(sp))
        return;
    span_shape_bytes(sp, ctx);
    if (!is_upper((unsigned char)s[0]) || !is_upper((unsigned char)s[1]) ||
        !is_digit((unsigned char)s[2]) || !is_digit((unsigned char)s[3]))
        return;
    if (span_valid(sp, PG_ENT_IBAN_CODE))
        engine_emit(ctx, PG_ENT_IBAN_CODE, span_start(sp), span_end(sp), 1.0f, true, 0);
}

/* try_aba - a routing number: needs "routing", "ABA" or the like near */
static void try_aba(scan_ctx *ctx, span *sp)
{
    static const uint8_t g441[] = {4, 4, 1, 0};

    if (!sp->digits_only || sp->len != 9)
        return;
    if (sp->ngroups > 1 && !(sp->sep_consistent && span_grouping(sp, g441)))
        return;
    if (span_glued(sp))
        return;
    span_shape_bytes(sp, ctx);
    if (span_valid(sp, PG_ENT_ABA_ROUTING_NUMBER))
        engine_emit(ctx, PG_ENT_ABA_ROUTING_NUMBER, span_start(sp), span_end(sp),
                    0.40f, true, RF_NEEDS_CONTEXT);
}

/* try_bank_account - 8-17 digits, only beside "account number" words */
static void try_bank_account(scan_ctx *ctx, span *sp)
{
    if (!sp->digits_only || sp->len < 8 || sp->len > 17 || sp->ngroups != 1)
        return;
    if (span_glued(sp))
        return;
    span_shape_bytes(sp, ctx);
    if (span_valid(sp, PG_ENT_US_BANK_NUMBER))
        engine_emit(ctx, PG_ENT_US_BANK_NUMBER, span_start(sp), span_end(sp),
                    0.45f, false, RF_NEEDS_CONTEXT);
}

/* try_crypto - a Bitcoin address: one group, base58 or bech32, checked */
static void try_crypto(scan_ctx *ctx, const cluster *c)
{
    for (int k = 0; k < c->ng; k++) {
        const group *g = &c->g[k];
        size_t len = g->end - g->start;
        const char *s = ctx->s + g->start;
        if (len < 26 || len > 62 || g->ndigit == 0 || g->nalpha == 0)
            continue;
        if (s[0] != '1' && s[0] != '3' && strncmp(s, "bc1", 3) != 0)
            continue;
        if (pg_engine_validate(PG_ENT_CRYPTO, s, len))
            engine_emit(ctx, PG_ENT_CRYPTO, g->start, g->end, 0.9f, true, 0);
    }
}

/* financial_possible - can any rule emit here? Written in groups, a card,
 * an ABA number and an IBAN (four groups of four or more) hold two
 * neighbouring groups of 4 and 4, or 4 and 6; written bare, each (and a
 * bank account, a Bitcoin address) is one group of 8 or more bytes, all
 * digits or at least 15 long. Most clusters (dates, prices, order
 * numbers) are neither, and this answers without walking their spans. */
static bool financial_possible(const cluster *c)
{
    for (int k = 0; k < c->ng; k++) {
        unsigned len = c->g[k].end - c->g[k].start;
        if (len >= 8 && (c->g[k].ndigit == len || len >= 15))
            return true;
        if (len == 4 && k + 1 < c->ng) {
            unsigned next = c->g[k + 1].end - c->g[k + 1].start;
            if (next == 4 || next == 6)
                return true;
        }
    }
    return false;
}

/* recog_financial - financial recognizers over every span; a span's bytes
 * are copied only once a rule accepts its shape */
void recog_financial(scan_ctx *ctx, const cluster *c)
{
    span sp;

    /* no span could reach the 8 bytes every rule needs */
    if (c->nalnum < 8 || !financial_possible(c))
        return;
    try_crypto(ctx, c);
    span_shape_first(&sp, c);
    while (span_shape_next(&sp)) {
        if (sp.len < 8)
            continue;
        try_card(ctx, &sp);
        try_iban(ctx, &sp);
        try_aba(ctx, &sp);
        try_bank_account(ctx, &sp);
    }
}
