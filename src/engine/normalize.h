/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * normalize.h - what normalize.c decides per code point, for its tests.
 *
 * engine_plain_form() is the rule (utf8proc's compatibility forms, the
 * dashes, spaces and format characters); engine_rewrites_cp() is the same
 * answer read from a table generated from that rule
 * (normalize_table.h), so the hot loop never asks utf8proc about a letter
 * it keeps. tests/engine/test_normalize.c holds the two equal for every
 * code point and regenerates the table (test_normalize --table).
 */
#ifndef PG_ENGINE_NORMALIZE_H
#define PG_ENGINE_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/normalize_table.h"

/* engine_plain_form - the ASCII code point cp (cplen bytes of UTF-8)
 * stands for in the view; returns its length (0 = drop, -1 = keep the
 * original bytes) */
int engine_plain_form(int32_t cp, int cplen, char *out);

/* engine_rewrites_cp - does the view rewrite the scalar value cp, i.e. is
 * engine_plain_form(cp, its UTF-8 length) >= 0? Nothing from plane 2 on
 * is rewritten (the test checks it). */
static inline bool engine_rewrites_cp(uint32_t cp)
{
    if (cp >= NORM_TABLE_END)
        return false;
    const uint64_t *leaf = norm_rewrite_leaf[norm_rewrite_block[cp >> 8]];
    return (leaf[(cp >> 6) & 3] >> (cp & 63)) & 1;
}

#endif /* PG_ENGINE_NORMALIZE_H */
