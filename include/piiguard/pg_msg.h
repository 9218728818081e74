/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_msg.h
 * @brief The message room: an RFC 5322 message (or a bare chat text) becomes
 *        text segments with provenance, and the engine runs over them all.
 *
 * A pg_msg owns every string it hands out; they live until pg_msg_free().
 * Nothing is skipped silently: a part that cannot be inspected (encrypted
 * archive, limit reached, extractor crash) is listed in uninspectable with
 * its reason, and the policy decides what that means.
 */
#ifndef PIIGUARD_PG_MSG_H
#define PIIGUARD_PG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_base.h"
#include "pg_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a segment's text came from. */
typedef enum pg_seg_kind {
    PG_SEG_HEADER = 0,     /**< Subject, display names */
    PG_SEG_TEXT = 1,       /**< text/plain body */
    PG_SEG_HTML = 2,       /**< text/html body, as text */
    PG_SEG_ATTACHMENT = 3, /**< text extracted from an attachment */
    PG_SEG_FILENAME = 4,   /**< an attachment's file name */
    PG_SEG_CHAT = 5        /**< a chat or SMS text */
} pg_seg_kind;

/** A byte range [start, end) into a segment's text. */
typedef struct pg_range {
    size_t start;
    size_t end;
} pg_range;

/** One piece of text, with where it came from. */
typedef struct pg_segment {
    const char *path;       /**< e.g. "2/1/attachment:statement.pdf" */
    pg_seg_kind kind;
    const char *text;       /**< UTF-8, NUL-terminated, len bytes */
    size_t len;
    const pg_range *quoted; /**< quoted-reply regions, sorted, disjoint */
    size_t n_quoted;
    bool in_attachment;     /**< text lives inside an attachment (not redactable) */
} pg_segment;

/** A part that could not be inspected, and why. */
typedef struct pg_uninspectable {
    const char *segment; /**< path of the part */
    const char *reason;  /**< e.g. "encrypted archive", "extractor timeout" */
} pg_uninspectable;

/** One finding, placed in its segment. */
typedef struct pg_msg_finding {
    pg_finding f;    /**< offsets are into the segment's text */
    size_t segment;  /**< index for pg_msg_segment() */
    bool quoted;     /**< inside a quoted-reply region */
} pg_msg_finding;

/** Parsing limits; pg_msg_limits_init() sets the documented defaults. */
typedef struct pg_msg_limits {
    size_t max_message_bytes;   /**< raw input */
    size_t max_decoded_bytes;   /**< all decoded text and attachments together */
    size_t max_part_bytes;      /**< one decoded part */
    unsigned max_depth;         /**< MIME + archive nesting */
    unsigned max_parts;         /**< MIME parts */
    unsigned max_archive_entries;
    unsigned max_compression_ratio; /**< decoded/compressed, zip bombs */
    unsigned extractor_timeout_ms;  /**< per attachment, in the child */
    size_t extractor_memory_bytes;  /**< RLIMIT_AS for the child */
    bool isolate_extractors;        /**< fork extractors (default true) */
} pg_msg_limits;

typedef struct pg_msg pg_msg;

/** Fill @p lim with the defaults documented in docs/limits.md. */
void pg_msg_limits_init(pg_msg_limits *lim);

/**
 * Parse a raw RFC 5322 message into segments. Fails only on allocation
 * failure or input over max_message_bytes; everything else a message can do
 * ends in segments and uninspectable entries.
 * @return 0, PG_ENOMEM or PG_ETOOBIG.
 */
int pg_msg_parse(pg_msg **out, const char *raw, size_t len,
                 const pg_msg_limits *lim);

/**
 * Wrap a chat or SMS text as a one-segment message (kind PG_SEG_CHAT,
 * path @p path, e.g. "chat"). Quoted regions ("> " lines) are still marked.
 */
int pg_msg_from_text(pg_msg **out, const char *text, size_t len,
                     const char *path);

/** Free; NULL is allowed. */
void pg_msg_free(pg_msg *msg);

size_t pg_msg_segment_count(const pg_msg *msg);
const pg_segment *pg_msg_segment(const pg_msg *msg, size_t i);
size_t pg_msg_uninspectable_count(const pg_msg *msg);
const pg_uninspectable *pg_msg_uninspectable_at(const pg_msg *msg, size_t i);

/** True when every content part is encrypted (S/MIME enveloped, PGP). */
bool pg_msg_encrypted(const pg_msg *msg);

/** A top-level header's decoded value, or NULL. Borrowed. */
const char *pg_msg_header(const pg_msg *msg, const char *name);

/**
 * Run the engine over every segment and store the findings in @p msg
 * (replacing earlier ones). @return 0 or PG_ENOMEM.
 */
int pg_msg_scan(pg_msg *msg, const pg_engine *engine, pg_scratch *scratch);

size_t pg_msg_finding_count(const pg_msg *msg);
const pg_msg_finding *pg_msg_finding_at(const pg_msg *msg, size_t i);

/**
 * Write a redacted copy of the original message: every finding for which
 * @p select returns true is masked in place in its text or HTML part, MIME
 * structure and all other bytes are kept. A finding inside an attachment
 * cannot be redacted: the call then fails with PG_ESTATE and the policy
 * escalates. @p out is malloc'd and belongs to the caller.
 * @return 0, PG_ENOMEM, PG_ESTATE.
 */
int pg_msg_redact(char **out, size_t *out_len, const pg_msg *msg,
                  bool (*select)(const pg_msg_finding *f, void *payload),
                  void *payload, pg_mask_style style);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_MSG_H */
