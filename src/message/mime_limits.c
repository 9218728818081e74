/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_limits.c - the message room's runtime tunables: one table of
 * {name, default, min, max}, the defaults docs/limits.md documents.
 *
 * pg_msg_limits_init() writes the defaults. pg_msg_parse() works on a
 * clamped copy (mime_limits_clamp), so a caller's zero or absurd value can
 * never switch a wall off: the minimum and maximum are part of the contract.
 * The hard ceilings behind the maxima are in pg_limits.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "message/mime.h"
#include "piiguard/pg_limits.h"

#define KIB ((size_t)1024)
#define MIB (KIB * 1024)

_Static_assert(SIZE_MAX / MIB >= 16384, "the table needs a 64-bit size_t");

enum limit_type { L_SIZE, L_UINT };

struct limit_def {
    const char *name;
    enum limit_type type;
    size_t offset;
    size_t def, min, max;
};

#define SZ(field, d, lo, hi) \
    {#field, L_SIZE, offsetof(pg_msg_limits, field), (d), (lo), (hi)}
#define UI(field, d, lo, hi) \
    {#field, L_UINT, offsetof(pg_msg_limits, field), (d), (lo), (hi)}

/* Why each default is what it is: docs/limits.md. */
static const struct limit_def limit_table[] = {
    SZ(max_message_bytes, 64 * MIB, 64 * KIB, PG_HARD_MAX_MESSAGE),
    SZ(max_decoded_bytes, 256 * MIB, 1 * MIB, 2048 * MIB),
    SZ(max_part_bytes, 64 * MIB, 64 * KIB, PG_HARD_MAX_MESSAGE),
    UI(max_depth, 32, 2, PG_HARD_MAX_DEPTH),
    UI(max_parts, 1000, 8, 100000),
    UI(max_archive_entries, 10000, 1, 1000000),
    UI(max_compression_ratio, 100, 10, 100000),
    UI(extractor_timeout_ms, 10000, 100, 600000),
    SZ(extractor_memory_bytes, 512 * MIB, 64 * MIB, 16384 * MIB),
};

#define N_LIMITS (sizeof(limit_table) / sizeof(limit_table[0]))

/* field_get - a limit's current value, whatever its C type */
static size_t field_get(const pg_msg_limits *lim, const struct limit_def *d)
{
    const char *base = (const char *)lim + d->offset;

    if (d->type == L_SIZE)
        return *(const size_t *)(const void *)base;
    return *(const unsigned *)(const void *)base;
}

/* field_set - store a limit's value in its C type */
static void field_set(pg_msg_limits *lim, const struct limit_def *d, size_t v)
{
    char *base = (char *)lim + d->offset;

    if (d->type == L_SIZE)
        *(size_t *)(void *)base = v;
    else
        *(unsigned *)(void *)base = (unsigned)v;
}

/* pg_msg_limits_init - every limit at its documented default */
void pg_msg_limits_init(pg_msg_limits *lim)
{
    for (size_t i = 0; i < N_LIMITS; i++)
        field_set(lim, &limit_table[i], limit_table[i].def);
    lim->isolate_extractors = true;
}

/* mime_limits_clamp - a copy of @in with every limit within [min, max] */
void mime_limits_clamp(pg_msg_limits *out, const pg_msg_limits *in)
{
    if (!in) {
        pg_msg_limits_init(out);
        return;
    }
    *out = *in;
    for (size_t i = 0; i < N_LIMITS; i++) {
        const struct limit_def *d = &limit_table[i];
        size_t v = field_get(out, d);
        if (v < d->min)
            field_set(out, d, d->min);
        else if (v > d->max)
            field_set(out, d, d->max);
    }
}
