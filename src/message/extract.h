/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract.h - attachments and HTML to text.
 *
 * The MIME walker (mime_*.c) hands every decoded leaf part that is not a
 * plain-text body here. Extractors add segments and uninspectable entries
 * to the message themselves; they never fail silently. Hostile-format
 * parsers (poppler, libxml2, libarchive) run in a forked child with rlimits
 * and a timeout (isolate.c) when lim->isolate_extractors is set.
 */
#ifndef PIIGUARD_MSG_EXTRACT_H
#define PIIGUARD_MSG_EXTRACT_H

#include <stddef.h>

#include "message/msg_internal.h"

/* One decoded part, as the walker found it. */
typedef struct msg_part {
    const char *path;          /* segment path prefix, e.g. "2/1" */
    const char *filename;      /* may be NULL */
    const char *content_type;  /* lower-case "type/subtype", never NULL */
    const unsigned char *data; /* decoded bytes (transfer encoding undone) */
    size_t len;
    unsigned depth;            /* MIME + archive nesting so far */
    int part_id;               /* for redaction; -1 inside attachments */
} msg_part;

/* Extract text from an attachment (PDF, OOXML, ODF, RTF, archives, text,
 * CSV, HTML...) and add it to msg. Returns 0 or PG_ENOMEM; every other
 * failure becomes an uninspectable entry. */
int msg_extract_attachment(pg_msg *msg, const msg_part *part,
                           const pg_msg_limits *lim);

/* HTML to text: script/style dropped, alt/title kept, entities decoded,
 * block elements become newlines, hidden content kept. Blockquote content
 * ranges are reported in *quoted (malloc'd, sorted) for the quote marker.
 * *out is malloc'd, NUL-terminated. Returns 0, PG_ENOMEM or PG_EPARSE. */
int msg_html_to_text(char **out, size_t *out_len, pg_range **quoted,
                     size_t *n_quoted, const char *html, size_t len);

#endif /* PIIGUARD_MSG_EXTRACT_H */
