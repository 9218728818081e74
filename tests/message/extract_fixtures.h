/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_fixtures.h - attachments built in memory for the extractor tests
 * (helper_extract.c): archives through libarchive's writers, a minimal PDF
 * written by hand with computed xref offsets, and lookups over a pg_msg.
 * Nothing binary is committed; every fixture says how it was made.
 */
#ifndef PIIGUARD_TEST_EXTRACT_FIXTURES_H
#define PIIGUARD_TEST_EXTRACT_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>

#include "message/extract.h"

/* A growable byte buffer; free p. */
typedef struct xfix_buf {
    unsigned char *p;
    size_t len, cap;
} xfix_buf;

/* One archive member; len (size_t)-1 means strlen(data). */
typedef struct xfix_entry {
    const char *name;
    const char *data;
    size_t len;
} xfix_entry;

/* Write an archive: format "zip", "7zip", "pax", ...; filter "gzip" or
 * NULL; options as archive_write_set_options() takes them, or NULL;
 * passphrase for encrypted zip, or NULL. Aborts the test on failure. */
void xfix_archive(xfix_buf *out, const char *format, const char *filter,
                  const char *options, const char *passphrase,
                  const xfix_entry *entries, size_t n);

/* A zip with one member of `zeros` zero bytes (deflated). */
void xfix_zeros_zip(xfix_buf *out, const char *member, size_t zeros);

/* A one-page PDF showing text in Helvetica; with encrypted, a standard
 * security handler whose user password is not empty; extra is a comment
 * line written after the header (or NULL). */
void xfix_pdf(xfix_buf *out, const char *text, bool encrypted, const char *extra);

/* Limits for tests: generous sizes, short timeout, isolation as asked. */
void xfix_limits(pg_msg_limits *lim, bool isolate);

/* Extract buf as an attachment named filename (content type ct) at "2". */
pg_msg *xfix_extract(const xfix_buf *buf, const char *filename, const char *ct,
                     const pg_msg_limits *lim);

/* The first segment at exactly this path, or NULL. */
const pg_segment *xfix_segment(const pg_msg *m, const char *path);

/* The reason recorded for this path, or NULL. */
const char *xfix_reason(const pg_msg *m, const char *path);

/* Assert that a segment at path, of this kind, in an attachment, contains
 * needle. */
void xfix_assert_text(const pg_msg *m, const char *path, pg_seg_kind kind,
                      const char *needle);

/* Assert that path was recorded uninspectable with exactly this reason. */
void xfix_assert_reason(const pg_msg *m, const char *path, const char *reason);

#endif /* PIIGUARD_TEST_EXTRACT_FIXTURES_H */
