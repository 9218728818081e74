/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_ids.c - national, tax and health identifiers, table-driven.
 *
 * Each rule names an entity, its compact length, the groupings it is
 * written in, and two base scores: written bare (one group) and written in
 * its own format. A number that validates but that nothing else marks as
 * this type (a bare 9-digit run could be an SSN, a SIN, a BSN, a TFN...)
 * gets a bare score below the threshold and needs a context word; a
 * strong format (IT fiscal code, NIE, MBI) stands on its own.
 */
#include <string.h>

#include "engine/span_shape.h"

enum { K_DIGITS = 1, K_ALNUM = 2 };

typedef struct id_rule {
    pg_entity e;
    uint8_t min, max;  /* compact length */
    uint8_t kind;
    float bare;        /* one group; 0 = never bare */
    float formatted;   /* several groups in an allowed format; 0 = never */
    unsigned flags;
    const uint8_t *formats[4]; /* allowed group lengths, 0-terminated */
} id_rule;

#define F(...) (const uint8_t[]){__VA_ARGS__, 0}

static const id_rule rules[] = {
    {PG_ENT_US_SSN, 9, 9, K_DIGITS, 0.30f, 0.60f, 0, {F(3, 2, 4)}},
    {PG_ENT_US_ITIN, 9, 9, K_DIGITS, 0.30f, 0.60f, 0, {F(3, 2, 4)}},
    {PG_ENT_US_PASSPORT, 9, 9, K_ALNUM, 0.40f, 0, RF_NEEDS_CONTEXT, {0}},
    {PG_ENT_US_DRIVER_LICENSE, 5, 15, K_ALNUM, 0.40f, 0, RF_NEEDS_CONTEXT, {0}},
    {PG_ENT_US_NPI, 10, 10, K_DIGITS, 0.40f, 0, 0, {0}},
    {PG_ENT_MEDICAL_LICENSE, 9, 9, K_ALNUM, 0.60f, 0, 0, {0}},
    {PG_ENT_US_MBI, 11, 11, K_ALNUM, 0.70f, 0.70f, 0, {F(4, 3, 4)}},
    {PG_ENT_UK_NINO, 9, 9, K_ALNUM, 0.60f, 0.60f, 0, {F(2, 2, 2, 2, 1), F(2, 6, 1)}},
    {PG_ENT_UK_NHS, 10, 10, K_DIGITS, 0.40f, 0.40f, 0, {F(3, 3, 4)}},
    {PG_ENT_CA_SIN, 9, 9, K_DIGITS, 0.30f, 0.45f, 0, {F(3, 3, 3)}},
    {PG_ENT_AU_TFN, 8, 9, K_DIGITS, 0.30f, 0.40f, 0, {F(3, 3, 3), F(3, 3, 2)}},
    {PG_ENT_AU_MEDICARE, 10, 11, K_DIGITS, 0.30f, 0.40f, 0, {F(4, 5, 1), F(4, 5, 1, 1)}},
    {PG_ENT_IN_AADHAAR, 12, 12, K_DIGITS, 0.40f, 0.60f, 0, {F(4, 4, 4)}},
    {PG_ENT_IN_PAN, 10, 10, K_ALNUM, 0.60f, 0, 0, {0}},
    {PG_ENT_NL_BSN, 9, 9, K_DIGITS, 0.30f, 0.30f, 0, {F(4, 2, 3), F(3, 3, 3)}},
    {PG_ENT_ES_NIF, 9, 9, K_ALNUM, 0.70f, 0.70f, 0, {F(8, 1)}},
    {PG_ENT_ES_NIE, 9, 9, K_ALNUM, 0.80f, 0.80f, 0, {F(1, 7, 1)}},
    {PG_ENT_IT_FISCAL_CODE, 16, 16, K_ALNUM, 0.90f, 0, 0, {0}},
    {PG_ENT_PL_PESEL, 11, 11, K_DIGITS, 0.40f, 0, 0, {0}},
    {PG_ENT_FR_NIR, 15, 15, K_ALNUM, 0.70f, 0.70f, 0,
     {F(1, 2, 2, 2, 3, 3, 2), F(13, 2)}},
    {PG_ENT_DE_TAX_ID, 11, 11, K_DIGITS, 0.30f, 0.30f, 0, {F(2, 3, 3, 3)}},
    {PG_ENT_SE_PERSONNUMMER, 10, 12, K_DIGITS, 0.40f, 0.65f, 0, {F(6, 4), F(8, 4)}},
    {PG_ENT_FI_PERSONAL_IDENTITY_CODE, 10, 11, K_ALNUM, 0.80f, 0.80f, 0, {F(6, 4)}},
    {PG_ENT_BR_CPF, 11, 11, K_DIGITS, 0.40f, 0.70f, 0, {F(3, 3, 3, 2)}},
    {PG_ENT_DK_CPR, 10, 10, K_DIGITS, 0.30f, 0.40f, RF_NEEDS_CONTEXT, {F(6, 4)}},
    {PG_ENT_NO_FODSELSNUMMER, 11, 11, K_DIGITS, 0.50f, 0.50f, 0, {F(6, 5)}},
};

/* format_ok - is the span's grouping one the rule allows? */
static bool format_ok(const id_rule *r, const span *sp)
{
    if (sp->ngroups == 1)
        return r->bare > 0;
    /* CPF is written 111.444.777-35: two different joiners by design */
    if (r->formatted <= 0 || (!sp->sep_consistent && r->e != PG_ENT_BR_CPF))
        return false;
    for (int k = 0; k < 4 && r->formats[k]; k++)
        if (span_grouping(sp, r->formats[k]))
            return true;
    return false;
}

/* raw_validate - validators that need the separators (FI century sign) */
static bool rule_valid(const scan_ctx *ctx, const id_rule *r, const span *sp)
{
    if (r->e == PG_ENT_FI_PERSONAL_IDENTITY_CODE)
        return pg_engine_validate(r->e, ctx->s + span_start(sp),
                                  span_end(sp) - span_start(sp));
    return span_valid(sp, r->e);
}

/* shape_ok - do the span's length, bytes' kind and grouping suit r? */
static bool shape_ok(const id_rule *r, const span *sp)
{
    if (sp->len < r->min || sp->len > r->max)
        return false;
    if (r->kind == K_DIGITS && !sp->digits_only)
        return false;
    return format_ok(r, sp);
}

/* try_rule - emit the span as r->e when shape, format and check agree */
static void try_rule(scan_ctx *ctx, const id_rule *r, span *sp)
{
    if (!shape_ok(r, sp) || span_glued(sp))
        return;
    span_shape_bytes(sp, ctx);
    if (!rule_valid(ctx, r, sp))
        return;
    float base = sp->ngroups == 1 ? r->bare : r->formatted;
    unsigned flags = r->flags;
    /* A bare run scored below the threshold only passes with context. */
    if (base < PG_ENGINE_DEFAULT_MIN_SCORE)
        flags |= RF_NEEDS_CONTEXT;
    engine_emit(ctx, r->e, span_start(sp), span_end(sp), base, true, flags);
}

/* recog_ids - every identifier rule over every span of the cluster; a
 * span's bytes are copied only once a rule accepts its shape */
void recog_ids(scan_ctx *ctx, const cluster *c)
{
    span sp;

    if (c->nalnum < 8) /* every rule's span is 8 bytes or more */
        return;
    span_shape_first(&sp, c);
    while (span_shape_next(&sp)) {
        if (sp.len < 8 || sp.len > 16 || span_claimed(ctx, &sp))
            continue;
        for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++)
            try_rule(ctx, &rules[k], &sp);
    }
}
