/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_int.h - what the extractors (extract_*.c, html.c, isolate.c)
 * share among themselves; nothing outside them includes this.
 *
 * Every extractor has one shape, msg_extract_fn: it reads one decoded part,
 * adds PG_SEG_ATTACHMENT / PG_SEG_FILENAME segments under seg_path through
 * msg_extract_emit() and records what it cannot read through
 * msg_add_uninspectable(). It returns 0 or PG_ENOMEM; any other failure is
 * an uninspectable entry, never an error code. That single shape is what
 * lets isolate.c run any of them in a child and replay the result.
 *
 * Text builders (msg_sb) keep a sticky error and a byte cap, so a
 * builder that hit either stops growing and the caller checks once.
 */
#ifndef PIIGUARD_MSG_EXTRACT_INT_H
#define PIIGUARD_MSG_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "message/extract.h"

/* The uninspectable reasons, exactly; docs/extractors.md lists them. */
#define MSG_WHY_SIZE "size limit"
#define MSG_WHY_DEPTH "depth limit"
#define MSG_WHY_ENTRIES "entry limit"
#define MSG_WHY_RATIO "compression ratio exceeded"
#define MSG_WHY_ENC_ARCHIVE "encrypted archive"
#define MSG_WHY_ENC_PDF "encrypted pdf"
#define MSG_WHY_ENC_OFFICE "encrypted office document"
#define MSG_WHY_NO_TEXT "pdf without text layer"
#define MSG_WHY_CRASH "extractor crashed"
#define MSG_WHY_TIMEOUT "extractor timeout"
#define MSG_WHY_MEMORY "extractor memory limit"
#define MSG_WHY_PROTOCOL "extractor protocol error"
#define MSG_WHY_SYSTEM "extractor unavailable"

/* A path component (file or entry name) is clipped to this many bytes:
 * paths are for people and logs, the full name is a FILENAME segment. */
#define MSG_NAME_CLIP 255

/* Longest segment path the child may send back; deeper is hostile. */
#define MSG_PATH_MAX 4096

/* Below this many decoded bytes an archive is never a bomb: small files
 * of repeated text compress far beyond any sane ratio. */
#define MSG_RATIO_FLOOR (1u << 20)

/* The kinds of content the dispatcher tells apart. */
typedef enum msg_ftype {
    MSG_FT_EMPTY,
    MSG_FT_TEXT,
    MSG_FT_HTML,
    MSG_FT_PDF,
    MSG_FT_OFFICE, /* OOXML or ODF, both zip containers */
    MSG_FT_RTF,
    MSG_FT_ARCHIVE,
    MSG_FT_ENCRYPTED, /* a password-protected OOXML file (an OLE container) */
    MSG_FT_UNSUPPORTED
} msg_ftype;

/* One extractor: part in, segments and uninspectable entries out. */
typedef int (*msg_extract_fn)(pg_msg *msg, const msg_part *part,
                              const char *seg_path, const pg_msg_limits *lim);


/* True when s[0..n) is valid UTF-8. */
bool msg_utf8_valid(const unsigned char *s, size_t n);

/* Append bytes as UTF-8: valid sequences kept, stray bytes read as
 * windows-1252 (what mislabeled mail almost always is). */
void msg_sb_put_lenient(msg_sb *b, const unsigned char *s, size_t n);

/* Add one attachment segment (in_attachment set) if the decoded budget
 * allows, else an uninspectable "size limit"; empty text adds nothing. */
int msg_extract_emit(pg_msg *msg, const char *seg_path, pg_seg_kind kind,
                     const char *text, size_t len, const pg_msg_limits *lim);

/* Emit a builder's text, or record why it stopped. The segment takes the
 * text itself: the builder is left empty (its error, if any, stays). */
int msg_extract_emit_sb(pg_msg *msg, const char *seg_path, msg_sb *b,
                        const pg_msg_limits *lim);

/* "<base>/<tag>:<name>" with the name made printable UTF-8 and clipped.
 * *out is malloc'd. Returns 0 or PG_ENOMEM. */
int msg_extract_path(char **out, const char *base, const char *tag,
                     const char *name);

/* Dispatch one part whose segment path is already built: limits, type,
 * isolation. Archive and office extractors call it for nested members. */
int msg_extract_dispatch(pg_msg *msg, const msg_part *part,
                         const char *seg_path, const pg_msg_limits *lim);

/* What kind of content is this part? */
msg_ftype msg_extract_sniff(const msg_part *part, const char **type_name);

/* Register poppler's types in the parent before a fork (extract_pdf.c). */
void msg_extract_pdf_prefork(void);

/* The character windows-1252 byte c (>= 0x80) stands for. */
unsigned long msg_cp1252(unsigned char c);

/* Archive members as parts (extract_archive.c, also used for office
 * containers). packed is the archive's size, unpacked what its members
 * have yielded so far: their ratio is the zip-bomb test. */
struct archive;
typedef struct msg_unpack {
    size_t packed;
    size_t unpacked;
} msg_unpack;

/* A libarchive reader over the part's bytes (built-in filters only), or
 * NULL when out of memory; free with archive_read_free(). */
struct archive *msg_archive_open(const msg_part *part);

/* The current member's bytes into b (initialised here, capped at
 * max_part_bytes). Returns 0, PG_ENOMEM, or PG_ETOOBIG (member too big),
 * PG_ESTATE (ratio exceeded), PG_EPARSE (corrupt), PG_EPERM (encrypted). */
int msg_archive_read(struct archive *a, msg_sb *b, msg_unpack *u,
                     const pg_msg_limits *lim);

/* The uninspectable reason for a msg_archive_read() failure. */
const char *msg_archive_why(int code, const char *unparseable);

/* Walk a libxml2 tree depth-first without recursion: enter() each node
 * (true to descend), leave() each element after its children. Stops when
 * *stop becomes non-zero. Returns 0, or PG_EPARSE past max_depth. */
struct _xmlNode;
int msg_xml_walk(struct _xmlNode *first, bool (*enter)(void *, struct _xmlNode *),
                 void (*leave)(void *, struct _xmlNode *), void *payload,
                 const int *stop, unsigned max_depth);

/* The extractors. */
int msg_extract_text(pg_msg *msg, const msg_part *part, const char *seg_path,
                     const pg_msg_limits *lim);
int msg_extract_html(pg_msg *msg, const msg_part *part, const char *seg_path,
                     const pg_msg_limits *lim);
int msg_extract_pdf(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim);
int msg_extract_office(pg_msg *msg, const msg_part *part, const char *seg_path,
                       const pg_msg_limits *lim);
int msg_extract_rtf(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim);
int msg_extract_archive(pg_msg *msg, const msg_part *part, const char *seg_path,
                        const pg_msg_limits *lim);

#endif /* PIIGUARD_MSG_EXTRACT_INT_H */
