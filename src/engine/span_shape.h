/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * span_shape.h - the spans of a cluster, shape first, bytes on demand.
 *
 * span_shape_next() visits every span, a-major, but fills only what group
 * metadata gives (lengths, digit count, joiners, grouping); the compact
 * bytes are copied by span_shape_bytes()
 * for the few spans whose shape a rule accepts. Most clusters are dates,
 * prices and order numbers whose spans every rule rejects by length or
 * grouping, so they are never copied.
 */
#ifndef PIIGUARD_ENGINE_SPAN_SHAPE_H
#define PIIGUARD_ENGINE_SPAN_SHAPE_H

#include "engine/span.h"

/* Start iterating the spans of c; sp->compact is not valid until
 * span_shape_bytes() fills it. */
void span_shape_first(span *sp, const cluster *c);

/* Advance to the next span (every (a, b) with compact length <= SPAN_MAX,
 * a-major); false when there are no more. */
bool span_shape_next(span *sp);

/* Copy the current span's compact upper-case bytes into sp->compact,
 * unless they are there already. */
void span_shape_bytes(span *sp, const scan_ctx *ctx);

#endif /* PIIGUARD_ENGINE_SPAN_SHAPE_H */
