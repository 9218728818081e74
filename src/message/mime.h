/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime.h - the MIME walker's internals, shared by mime_*.c,
 * encrypt_detect.c and redact.c; nothing outside the message room sees it.
 *
 * NAME
 *      mime - raw RFC 5322 bytes to segments with provenance
 *
 * DESCRIPTION
 *      pg_msg_parse() (mime_parse.c) runs in four steps over the caller's
 *      bytes, then keeps a copy of them for redaction (pg_msg.raw):
 *
 *      1. mime_guard_run() pre-scans the raw bytes line by line, mirroring
 *         GMime's boundary rules, and builds the view GMime will parse:
 *         the raw message minus header fields that are too long or carry
 *         hostile parameters, minus subtrees nested deeper than max_depth
 *         and parts beyond max_parts. Each removal is a hole with an
 *         uninspectable entry; the view keeps a map back to raw offsets.
 *      2. GMime 3 parses the view (mime_gmime.c) into an object tree.
 *      3. mime_walk_message() walks the tree: headers become segments,
 *         multiparts recurse, leaves are decoded by our own decoders
 *         (mime_decode.c, mime_uuencode.c, mime_charset.c) and become text,
 *         HTML or attachment segments.
 *      4. mime_walk_finish() decides pg_msg.encrypted.
 *
 * GMIME 3.2.13 BUGS (fixed upstream by 3.2.15), and where each is handled
 *      #133 consecutive B-encoded words: mime_rfc2047.c decodes every
 *           header we read; GMime's decoded strings are never used.
 *      #150 "chunked" base64 stops at the first '=': mime_decode.c decodes
 *           every body; GMime's decoding filters are never used.
 *      #165 parameter encoding loops forever: nothing here calls a GMime
 *           function that re-encodes parameters (g_mime_multipart_get_boundary,
 *           g_mime_object_to_string, any setter), and mime_guard.c removes
 *           Content-Type/-Disposition fields with absurd parameters before
 *           GMime sees them.
 *
 * LIMITS
 *      The per-message tunables are pg_msg_limits (mime_limits.c,
 *      docs/limits.md). The constants below are structural walls.
 */
#ifndef PIIGUARD_MSG_MIME_H
#define PIIGUARD_MSG_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "message/msg_internal.h"

/* One header field (name, value, folding) longer than this is removed
 * before GMime parses it: Postfix's header_size_limit, so the MTA in front
 * of us agrees on what a sane header is. */
#define MIME_MAX_HEADER_FIELD 102400

/* More fields than this in one header block are removed: real mail has a
 * few dozen, a million tiny fields is a memory attack on GMime. */
#define MIME_MAX_HEADER_FIELDS 1000

/* A Content-Type or Content-Disposition with more parameters than this,
 * or a parameter name longer than MIME_MAX_PARAM_NAME or with 8-bit bytes,
 * is removed: that is the shape of GMime #165's endless loop. */
#define MIME_MAX_PARAMS 64
#define MIME_MAX_PARAM_NAME 64

/* RFC 2046 caps a boundary at 70 characters; we accept more, not this. */
#define MIME_MAX_BOUNDARY 998

_Static_assert(MIME_MAX_PARAM_NAME < MIME_MAX_HEADER_FIELD,
               "a parameter name fits in a field");

/* How a body was transfer-encoded; redaction re-encodes it the same way. */
typedef enum mime_enc {
    MIME_ENC_IDENTITY = 0, /* 7bit, 8bit, binary, none */
    MIME_ENC_BASE64 = 1,
    MIME_ENC_QP = 2,
    MIME_ENC_UUENCODE = 3
} mime_enc;

/* A copy of @in (NULL: the defaults) with every limit clamped to the
 * table's [min, max] (mime_limits.c). */
void mime_limits_clamp(pg_msg_limits *out, const pg_msg_limits *in);


/* --- the guard's view (mime_guard.c) -------------------------------------- */

/* raw_len bytes of raw were removed just before view offset view_off. */
typedef struct mime_hole {
    size_t view_off;
    size_t raw_len;
} mime_hole;

/* What GMime parses: raw itself when nothing was removed, else a copy. */
typedef struct mime_view {
    const char *buf;
    size_t len;
    char *owned;      /* the copy, when there is one */
    mime_hole *holes; /* sorted by view_off */
    size_t n_holes, cap_holes;
    bool foreign;     /* not raw at all (e.g. CMS content): never maps */
} mime_view;

/* Pre-scan @raw (the caller's input; the view may borrow it, so it must
 * outlive the view), record removals as uninspectable entries in @msg, and
 * build the view. Returns 0 or PG_ENOMEM. */
int mime_guard_run(mime_view *out, pg_msg *msg, const char *raw, size_t len,
                   const pg_msg_limits *lim);

/* Map a view range to raw; false when a hole lies inside it. */
bool mime_view_raw_range(const mime_view *v, size_t start, size_t end,
                         size_t *raw_start, size_t *raw_end);

void mime_view_free(mime_view *v);

/* --- decoders (mime_decode.c, mime_uuencode.c) ----------------------------- */

/* Base64 that survives "chunked" input (GMime #150): after padding the
 * next quantum starts fresh. *stray counts bytes that are neither base64,
 * padding nor whitespace. *out is malloc'd. Returns 0 or PG_ENOMEM. */
int mime_base64_decode(unsigned char **out, size_t *out_len, size_t *stray,
                       const char *in, size_t len);

/* Quoted-printable; soft line breaks join, "=XX" decodes, a malformed '='
 * stays literal. header selects RFC 2047 Q ('_' is a space). */
int mime_qp_decode(unsigned char **out, size_t *out_len, const char *in,
                   size_t len, bool header);

/* Decode the first "begin NNN name" ... "end" block in [in, in+len).
 * *name (malloc'd, may be NULL) gets the file name. Returns 0, PG_ENOMEM
 * or PG_ENOTFOUND when there is no block. */
int mime_uu_decode(unsigned char **out, size_t *out_len, char **name,
                   const char *in, size_t len);

/* Find the next inline "begin NNN name" line at or after *pos and the end
 * of its block; PG_ENOTFOUND when none. */
int mime_uu_find(size_t *begin, size_t *end, const char *in, size_t len,
                 size_t pos);

/* A hex digit's value, or -1. */
int mime_hex_value(unsigned char c);

/* Undo a Content-Transfer-Encoding. *stray as for base64 (0 otherwise). */
int mime_transfer_decode(unsigned char **out, size_t *out_len, size_t *stray,
                         mime_enc enc, const char *in, size_t len);

/* --- encoders, for redaction (mime_encode.c) ----------------------------- */

/* base64 in 76-letter lines, each ended by eol ("" for one line). */
void mime_base64_encode(msg_sb *out, const unsigned char *in, size_t len,
                        const char *eol);

/* quoted-printable; the text's own line breaks are kept. */
void mime_qp_encode(msg_sb *out, const unsigned char *in, size_t len,
                    const char *eol);

/* Encode as @enc; PG_EPARSE for uuencode, which is never written back. */
int mime_transfer_encode(msg_sb *out, mime_enc enc, const unsigned char *in,
                         size_t len, const char *eol);

/* "Name: value" and eol; a value that is not ASCII becomes folded RFC 2047
 * B words of UTF-8. */
void mime_header_field(msg_sb *out, const char *name, const char *value,
                       size_t len, const char *eol);

/* One value to mask in HTML, and its mask. */
typedef struct mime_mask_item {
    const char *value, *mask;
    size_t vlen, mlen;
} mime_mask_item;

/* Mask every occurrence of each value in html (mime_htmlmask.c), also
 * where tags, entities or blank runs sit inside it. *missing counts the
 * values not found at all. Returns 0 or PG_ENOMEM. */
int mime_html_mask(msg_sb *out, size_t *missing, const char *html, size_t hlen,
                   const mime_mask_item *items, size_t n);

/* --- charsets (mime_charset.c) -------------------------------------------- */

/* Bytes in @charset (NULL or unknown: sniffed) to UTF-8. What was used is
 * written to *origin's charset and bom fields, so mime_charset_from_utf8()
 * can go back. Undecodable bytes become U+FFFD; never fails but on memory. */
int mime_charset_to_utf8(char **out, size_t *out_len, msg_origin *origin,
                         const char *charset, const unsigned char *in,
                         size_t len);

/* Decode again exactly as *origin records (no sniffing), for redaction.
 * PG_EPARSE when that charset is gone or its byte-order mark is. */
int mime_charset_redo(char **out, size_t *out_len, const msg_origin *origin,
                      const unsigned char *in, size_t len);

/* The way back, for redaction. PG_EPARSE when the text cannot be written
 * in that charset. */
int mime_charset_from_utf8(char **out, size_t *out_len,
                           const msg_origin *origin, const char *in,
                           size_t len);

/* --- headers (mime_rfc2047.c, mime_param.c, mime_addr.c) ----------------- */

/* Unfold and decode RFC 2047 encoded words (ours, for GMime #133): adjacent
 * words of one charset are joined before decoding, so a character or a
 * base64 quantum may span words. 8-bit text outside words is read as UTF-8,
 * else windows-1252. *out is malloc'd, NUL-terminated. */
int mime_rfc2047_decode(char **out, size_t *out_len, const char *in,
                        size_t len);

/* The value of parameter @name in a Content-Type or Content-Disposition
 * value, with RFC 2231 continuations, charsets and RFC 2047 words decoded.
 * *out is NULL when absent. Returns 0 or PG_ENOMEM. */
int mime_param_get(char **out, const char *value, size_t len,
                   const char *name);

/* Count the parameters and find the longest parameter name, for the guard. */
void mime_param_shape(size_t *count, size_t *longest_name, bool *eight_bit,
                      const char *value, size_t len);

/* The display names (and group names) of an address list, decoded, one per
 * line; *out is NULL when there are none. Returns 0 or PG_ENOMEM. */
int mime_addr_names(char **out, size_t *out_len, const char *value,
                    size_t len);

/* --- encryption (encrypt_detect.c) ---------------------------------------- */

typedef enum mime_crypt {
    MIME_CRYPT_NONE = 0,   /* not what it claims, or not crypto at all */
    MIME_CRYPT_ENVELOPED,  /* CMS enveloped or auth-enveloped data */
    MIME_CRYPT_SIGNED,     /* CMS signed data */
    MIME_CRYPT_OTHER_CMS,  /* CMS of another type (compressed, digested) */
    MIME_CRYPT_PGP_ENCRYPTED,
    MIME_CRYPT_PGP_SIGNATURE
} mime_crypt;

/* What a DER blob is: CMS ContentInfo of which type, or nothing. */
mime_crypt mime_crypt_cms(const unsigned char *der, size_t len);

/* The encapsulated content of an opaque CMS SignedData (DER or BER,
 * chunked OCTET STRINGs joined). *out is malloc'd. Returns 0, PG_ENOMEM,
 * or PG_ENOTFOUND when there is none to read. */
int mime_crypt_cms_content(unsigned char **out, size_t *out_len,
                           const unsigned char *der, size_t len);

/* Is this an OpenPGP encrypted message: a valid armour ("PGP MESSAGE"),
 * or, unless @text, binary packets: session keys, then encrypted data to
 * the end? */
bool mime_crypt_pgp_encrypted(const unsigned char *data, size_t len, bool text);

/* Call @fn with the decoded body of every structurally valid "PGP MESSAGE"
 * armour in text that is not encrypted (signed, compressed, or plain text
 * dressed up as encryption). Returns 0 or the first negative fn result. */
int mime_crypt_pgp_clear_armours(const char *text, size_t len,
                                 int (*fn)(const unsigned char *body, size_t blen,
                                           void *payload),
                                 void *payload);

/* Is this a valid "PGP SIGNATURE" armour? */
bool mime_crypt_pgp_signature(const unsigned char *data, size_t len);

/* Is text nothing but whitespace and valid encrypted PGP armour blocks? */
bool mime_crypt_pgp_inline(const char *text, size_t len);

/* --- the walk (mime_walk.c, mime_leaf.c, mime_body.c, mime_headers.c) ----- */

/* An encrypted part, remembered until we know whether all parts are. */
typedef struct mime_crypt_part {
    char *path;
    const char *what; /* static: "S/MIME", "PGP/MIME", "inline PGP" */
} mime_crypt_part;

typedef struct mime_walk {
    pg_msg *msg;
    const pg_msg_limits *lim;
    const mime_view *view;
    unsigned parts;       /* MIME entities seen, against max_parts */
    bool parts_reported;  /* the max_parts entry is written once */
    int next_part_id;
    unsigned n_content;   /* leaves that carry content */
    mime_crypt_part *crypt;
    size_t n_crypt, cap_crypt;
} mime_walk;

struct _GMimeObject;
struct _GMimeMessage;
struct _GMimePart;
struct _GMimeMultipart;

/* "base/n", or "n" when base is "". *out is malloc'd. */
int mime_path_child(char **out, const char *base, unsigned n);

/* Walk a message: its headers as segments under @path, then its body.
 * @path is "" for the top level. */
int mime_walk_message(mime_walk *w, struct _GMimeMessage *m,
                      const char *path, unsigned depth);

/* Walk any entity at @path. */
int mime_walk_object(mime_walk *w, struct _GMimeObject *obj,
                     const char *path, unsigned depth);

/* Walk the children of a multipart from index @from on. */
int mime_walk_children(mime_walk *w, struct _GMimeMultipart *mp,
                       const char *path, unsigned depth, int from);

/* multipart/encrypted and multipart/signed (mime_secure.c): 1 when handled,
 * 0 when the structure is not what it claims (walk it as a multipart). */
int mime_walk_encrypted(mime_walk *w, struct _GMimeMultipart *mp,
                        const char *path, unsigned depth);
int mime_walk_signed(mime_walk *w, struct _GMimeMultipart *mp,
                     const char *path, unsigned depth);

/* A leaf's body, transfer-decoded (mime_leaf.c). *data is *owned
 * (malloc'd, NUL-terminated) when there was something to decode; a body
 * sent as is is borrowed from w->view (*owned NULL, not NUL-terminated):
 * a 13 MB plain body is not copied just to be read. When the body is a
 * slice of the raw message, *origin gets its range and encoding (kind
 * stays NONE otherwise). Malformed encodings are recorded as uninspectable
 * for @path (not at all when @path is NULL). */
int mime_leaf_decode(const unsigned char **data, unsigned char **owned,
                     size_t *len, msg_origin *origin, mime_walk *w,
                     struct _GMimePart *part, const char *path);

/* A leaf part: decode, check for encryption, then text, HTML or attachment. */
int mime_leaf(mime_walk *w, struct _GMimePart *part, const char *path,
              unsigned depth);

/* A decoded text/plain or text/html body (or something that turned out to
 * be text) becomes a segment; origin (may be NULL) says where it sits. */
int mime_body_add(mime_walk *w, const char *path, bool html,
                  const unsigned char *data, size_t len, const char *charset,
                  const msg_origin *origin, unsigned depth);

/* No NUL and at most 5% control bytes: text, whatever its label says. */
bool mime_looks_text(const unsigned char *d, size_t n);

/* A multipart's preamble or epilogue (or a body's undecodable raw text)
 * as a PG_SEG_TEXT segment at @path;
 * not a content part (boilerplate must not make an encrypted message
 * look mixed), not rewritable, blank ones skipped. */
int mime_body_margin(mime_walk *w, const char *path, const char *text, size_t len);

/* A part's file name as a PG_SEG_FILENAME segment "<path>/filename". */
int mime_filename_add(mime_walk *w, const char *path, const char *filename);

/* A decoded attachment: file-name segment, then the extractors. */
int mime_attachment_add(mime_walk *w, const char *path, const char *filename,
                        const char *content_type, const unsigned char *data,
                        size_t len, unsigned depth);

/* Remember an encrypted part at @path. */
int mime_walk_crypt(mime_walk *w, const char *path, const char *what);

/* Record the headers of a message (top level: msg_add_header too) and add
 * the Subject and display-name segments. */
int mime_headers_add(mime_walk *w, struct _GMimeMessage *m, const char *path);

/* Decide pg_msg.encrypted and list encrypted parts beside clear ones. */
int mime_walk_finish(mime_walk *w);

void mime_walk_free(mime_walk *w);

/* Is there room for @len more decoded bytes? If not, say so for @path. */
int mime_budget(mime_walk *w, const char *path, size_t len, bool *ok);

/* --- GMime (mime_gmime.c) -------------------------------------------------- */

/* Initialise GMime once per process, thread-safely. */
void mime_gmime_init(void);

/* A GMime parse of a buffer we own: GMime reads it in place (no copy),
 * so the buffer must outlive the document. */
typedef struct mime_doc {
    struct _GMimeMessage *message; /* NULL when GMime found no message */
    struct _GMimeObject *part;     /* for mime_gmime_open_part() */
    void *stream, *bytes;
} mime_doc;

/* Parse @len bytes as a message. Returns 0 (message may be NULL). */
int mime_gmime_open(mime_doc *d, const char *buf, size_t len);

/* Parse @len bytes as one MIME entity (headers and body). */
int mime_gmime_open_part(mime_doc *d, const char *buf, size_t len);

void mime_gmime_close(mime_doc *d);

/* The encoded body of a leaf as a view range; false when GMime holds none
 * or it is not a slice of @view. */
bool mime_gmime_body(size_t *start, size_t *end, struct _GMimePart *part,
                     const mime_view *view);

/* The first header called @name, raw (folded, as sent); NULL if absent.
 * Borrowed from GMime. */
const char *mime_gmime_raw_header(struct _GMimeObject *obj, const char *name);

/* Lower-case "type/subtype" of an entity into @out (cap bytes). */
void mime_gmime_type(char *out, size_t cap, struct _GMimeObject *obj);

#endif /* PIIGUARD_MSG_MIME_H */
