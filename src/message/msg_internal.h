/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msg_internal.h - the pg_msg object as the message room's files share it.
 *
 * Ownership: a pg_msg owns every segment's path and text, its quoted
 * ranges, uninspectable strings, findings and the copy of the raw message
 * (kept for redaction). Arrays grow by doubling through msg_* helpers in
 * msg.c; nothing outside this room sees these fields.
 */
#ifndef PIIGUARD_MSG_INTERNAL_H
#define PIIGUARD_MSG_INTERNAL_H

#include "piiguard/pg_msg.h"

/* Where a segment's text sits in pg_msg.raw and how it was encoded there,
 * so redaction can rewrite exactly those bytes. Set by the MIME walker
 * (mime_*.c) after msg_add_segment(), read by redact.c; plain data, nothing
 * to free. kind MSG_ORIGIN_NONE (all zero, msg_add_segment's default) means
 * the text cannot be rewritten in place: attachments, display names,
 * anything whose bytes a guard removed from GMime's view. */
typedef enum msg_origin_kind {
    MSG_ORIGIN_NONE = 0,
    MSG_ORIGIN_BODY = 1,   /* a text/plain or text/html body */
    MSG_ORIGIN_HTML = 2,   /* as BODY, but the text is HTML-to-text output */
    MSG_ORIGIN_SUBJECT = 3 /* the top-level Subject field, name to line end */
} msg_origin_kind;

typedef struct msg_origin {
    unsigned char kind;     /* msg_origin_kind */
    unsigned char encoding; /* mime_enc (message/mime.h) of a body */
    bool bom;               /* a UTF-16 byte-order mark stood in front */
    bool crlf;              /* the body's lines end in CRLF */
    char charset[32];       /* iconv name the text came from; "" = bytes as is */
    size_t start, end;      /* [start, end) of pg_msg.raw */
} msg_origin;

/* A segment plus what only the room needs: which MIME part it came from,
 * so redaction can find the bytes to rewrite. */
typedef struct msg_segment {
    pg_segment pub;
    char *path;
    char *text;
    pg_range *quoted;
    size_t n_quoted, cap_quoted;
    int part_id;  /* MIME part number for redaction; -1 when none */
    msg_origin origin;
} msg_segment;

struct pg_msg {
    msg_segment *segs;
    size_t n_segs, cap_segs;
    pg_uninspectable *unins;
    size_t n_unins, cap_unins;
    pg_msg_finding *findings;
    size_t n_findings, cap_findings;
    char **header_names, **header_values;
    size_t n_headers, cap_headers;
    char *raw;        /* copy of the input, for redaction: made when the
                         walk is done, NULL while it runs (mime_parse.c) */
    size_t raw_len;
    bool encrypted;
    size_t decoded_bytes; /* running total against max_decoded_bytes */
};

/* The room's string builder (msg_sb.c): sticky error, optional cap. A
 * zero-initialised builder has no cap; msg_sb_init() sets one. */
typedef struct msg_sb {
    char *p;        /* NUL-terminated once anything was appended */
    size_t len, cap;
    size_t max;     /* with capped: the most bytes it may hold */
    bool capped;
    int err;        /* 0, PG_ENOMEM or PG_ETOOBIG; sticky */
} msg_sb;

void msg_sb_init(msg_sb *b, size_t max);
void msg_sb_put(msg_sb *b, const void *s, size_t n);
void msg_sb_puts(msg_sb *b, const char *s);
void msg_sb_putc(msg_sb *b, char c);
void msg_sb_putcp(msg_sb *b, unsigned long cp);
void msg_sb_break(msg_sb *b, char c);
/* Hand the string over (never NULL on success); the builder is emptied. */
int msg_sb_take(char **out, size_t *out_len, msg_sb *b);
void msg_sb_free(msg_sb *b);

/* Append a segment; the text is copied and NUL-terminated. Returns its
 * index, or a negative pg_err. */
int msg_add_segment(pg_msg *msg, const char *path, pg_seg_kind kind,
                    const char *text, size_t len, bool in_attachment);

/* As msg_add_segment(), but the segment takes @text itself: malloc'd, at
 * least len + 1 bytes (text[len] is set to NUL). The message owns it from
 * the call on, and frees it even when the call fails: a 13 MB body is then
 * held once, not once per step. */
int msg_add_segment_take(pg_msg *msg, const char *path, pg_seg_kind kind,
                         char *text, size_t len, bool in_attachment);

/* Mark [start, end) of segment idx as quoted; ranges must come in order. */
int msg_add_quoted(pg_msg *msg, size_t idx, size_t start, size_t end);

/* Record an uninspectable part. */
int msg_add_uninspectable(pg_msg *msg, const char *segment, const char *reason);

/* Record a top-level header (decoded value). */
int msg_add_header(pg_msg *msg, const char *name, const char *value);

/* Allocate an empty message. */
int msg_new(pg_msg **out);

#endif /* PIIGUARD_MSG_INTERNAL_H */
