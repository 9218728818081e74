/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_limits.h
 * @brief Compile-time ceilings, each with its reason. Runtime tunables
 *        (message size, depth, ...) live in pg_msg_limits and the policy;
 *        these are the hard walls behind them.
 */
#ifndef PIIGUARD_PG_LIMITS_H
#define PIIGUARD_PG_LIMITS_H

/** A log line longer than this is clipped: logs are for people and grep. */
#define PG_LOG_LINE_MAX 2048

/** The longest candidate the engine will match (a PEM key header, an IBAN
 *  with spaces, a phone with extension). Also the stream overlap: a match
 *  that straddles a chunk boundary is re-seen whole in the next chunk. */
#define PG_MAX_MATCH_BYTES 128

/** Context is searched at most this far on each side of a candidate. */
#define PG_MAX_CONTEXT_WINDOW 256

/** Streams scan in chunks of this size: bounded memory for any input. */
#define PG_STREAM_CHUNK (1u << 20)

/** The overlap carried between chunks: a whole match plus both windows. */
#define PG_STREAM_OVERLAP (PG_MAX_MATCH_BYTES + 2 * PG_MAX_CONTEXT_WINDOW)

_Static_assert(PG_STREAM_OVERLAP * 8 < PG_STREAM_CHUNK,
               "overlap must be a small share of a chunk");

/** Hard ceiling on a message the parser accepts at all (the policy's
 *  max_message_bytes may only be lower). */
#define PG_HARD_MAX_MESSAGE (512u * 1024 * 1024)

/** Hard ceiling on MIME + archive nesting; a deeper tree is hostile. */
#define PG_HARD_MAX_DEPTH 64

#endif /* PIIGUARD_PG_LIMITS_H */
