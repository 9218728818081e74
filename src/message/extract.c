/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract.c - which extractor reads a part, and the rules every extractor
 * obeys (limits, segment paths, the decoded-bytes budget).
 *
 * The bytes decide before the label: a file's magic (PDF, zip, gzip, an
 * image...) wins over its Content-Type, which wins over its file name,
 * which wins over a look at whether the bytes are text. Senders rename
 * files; magic is what the parsers will actually see.
 *
 * Limits, checked here for every part, top-level or nested: depth
 * (min(max_depth, PG_HARD_MAX_DEPTH)), max_part_bytes for the part's bytes,
 * and max_decoded_bytes for the text all segments hold together
 * (msg->decoded_bytes). A part that breaks one is an uninspectable entry.
 *
 * Paths: "<part path>/attachment:<name>" for the attachment, then
 * "/entry:<name>" for each archive or container member below it.
 *
 * Hostile formats (PDF, office, RTF, archives, HTML attachments) go through
 * isolate.c when lim->isolate_extractors is set; plain text never does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "piiguard/pg_limits.h"
#include "message/extract_int.h"
#include "message/isolate.h"

struct type_rule {
    const char *key; /* content type (prefix when ending in '*') or ".ext" */
    msg_ftype type;
};

static const struct type_rule ctype_rules[] = {
    {"text/html", MSG_FT_HTML},
    {"application/xhtml+xml", MSG_FT_HTML},
    {"text/rtf", MSG_FT_RTF},
    {"application/rtf", MSG_FT_RTF},
    {"application/pdf", MSG_FT_PDF},
    {"application/x-pdf", MSG_FT_PDF},
    {"application/vnd.openxmlformats-officedocument.*", MSG_FT_OFFICE},
    {"application/vnd.oasis.opendocument.*", MSG_FT_OFFICE},
    {"application/vnd.ms-word.*", MSG_FT_OFFICE},
    {"application/vnd.ms-excel.*", MSG_FT_OFFICE},
    {"application/vnd.ms-powerpoint.*", MSG_FT_OFFICE},
    {"application/zip", MSG_FT_ARCHIVE},
    {"application/x-zip*", MSG_FT_ARCHIVE},
    {"application/x-tar", MSG_FT_ARCHIVE},
    {"application/x-gtar", MSG_FT_ARCHIVE},
    {"application/gzip", MSG_FT_ARCHIVE},
    {"application/x-gzip", MSG_FT_ARCHIVE},
    {"application/x-compressed-tar", MSG_FT_ARCHIVE},
    {"application/x-bzip2", MSG_FT_ARCHIVE},
    {"application/x-xz", MSG_FT_ARCHIVE},
    {"application/zstd", MSG_FT_ARCHIVE},
    {"application/x-7z-compressed", MSG_FT_ARCHIVE},
    {"application/vnd.rar", MSG_FT_ARCHIVE},
    {"application/x-rar*", MSG_FT_ARCHIVE},
    {"application/x-cpio", MSG_FT_ARCHIVE},
    {"image/*", MSG_FT_UNSUPPORTED},
    {"audio/*", MSG_FT_UNSUPPORTED},
    {"video/*", MSG_FT_UNSUPPORTED},
    {"text/*", MSG_FT_TEXT},
    {"message/*", MSG_FT_TEXT},
    {"application/json", MSG_FT_TEXT},
    {"application/xml", MSG_FT_TEXT},
    {"application/csv", MSG_FT_TEXT},
    {"application/x-csv", MSG_FT_TEXT},
    /* Outlook labels .csv files this way; a real .xls is caught by magic. */
    {"application/vnd.ms-excel", MSG_FT_TEXT},
};

static const struct type_rule ext_rules[] = {
    {".html", MSG_FT_HTML}, {".htm", MSG_FT_HTML},   {".xhtml", MSG_FT_HTML},
    {".rtf", MSG_FT_RTF},   {".pdf", MSG_FT_PDF},    {".docx", MSG_FT_OFFICE},
    {".docm", MSG_FT_OFFICE}, {".xlsx", MSG_FT_OFFICE}, {".xlsm", MSG_FT_OFFICE},
    {".pptx", MSG_FT_OFFICE}, {".pptm", MSG_FT_OFFICE}, {".odt", MSG_FT_OFFICE},
    {".ods", MSG_FT_OFFICE}, {".odp", MSG_FT_OFFICE}, {".zip", MSG_FT_ARCHIVE},
    {".tar", MSG_FT_ARCHIVE}, {".tgz", MSG_FT_ARCHIVE}, {".gz", MSG_FT_ARCHIVE},
    {".bz2", MSG_FT_ARCHIVE}, {".xz", MSG_FT_ARCHIVE},  {".zst", MSG_FT_ARCHIVE},
    {".7z", MSG_FT_ARCHIVE}, {".rar", MSG_FT_ARCHIVE}, {".txt", MSG_FT_TEXT},
    {".csv", MSG_FT_TEXT},  {".tsv", MSG_FT_TEXT},    {".log", MSG_FT_TEXT},
    {".json", MSG_FT_TEXT}, {".xml", MSG_FT_TEXT},    {".md", MSG_FT_TEXT},
    {".vcf", MSG_FT_TEXT},  {".ics", MSG_FT_TEXT},    {".eml", MSG_FT_TEXT},
    {".sql", MSG_FT_TEXT},
};

struct magic {
    size_t off;
    const char *bytes;
    size_t n;
    msg_ftype type;
    const char *name; /* reported type for unsupported formats */
};

static const struct magic magics[] = {
    {0, "{\\rtf", 5, MSG_FT_RTF, NULL},
    {0, "\x1f\x8b", 2, MSG_FT_ARCHIVE, NULL},
    {0, "BZh", 3, MSG_FT_ARCHIVE, NULL},
    {0, "\xfd" "7zXZ\0", 6, MSG_FT_ARCHIVE, NULL},
    {0, "7z\xbc\xaf\x27\x1c", 6, MSG_FT_ARCHIVE, NULL},
    {0, "Rar!\x1a\x07", 6, MSG_FT_ARCHIVE, NULL},
    {0, "\x28\xb5\x2f\xfd", 4, MSG_FT_ARCHIVE, NULL},
    {0, "MSCF\0\0\0\0", 8, MSG_FT_ARCHIVE, NULL},
    {257, "ustar", 5, MSG_FT_ARCHIVE, NULL},
    {0, "\x89PNG\r\n\x1a\n", 8, MSG_FT_UNSUPPORTED, "image/png"},
    {0, "\xff\xd8\xff", 3, MSG_FT_UNSUPPORTED, "image/jpeg"},
    {0, "GIF8", 4, MSG_FT_UNSUPPORTED, "image/gif"},
    {0, "II*\0", 4, MSG_FT_UNSUPPORTED, "image/tiff"},
    {0, "MM\0*", 4, MSG_FT_UNSUPPORTED, "image/tiff"},
    {8, "WEBP", 4, MSG_FT_UNSUPPORTED, "image/webp"},
    {4, "ftypheic", 8, MSG_FT_UNSUPPORTED, "image/heic"},
    {0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, MSG_FT_UNSUPPORTED,
     "application/x-ole-storage"},
    {0, "\x7f" "ELF", 4, MSG_FT_UNSUPPORTED, "application/x-executable"},
};

/* The stream name, in UTF-16LE, that Office gives a password-protected
 * OOXML file inside its OLE wrapper. */
static const char ole_encrypted[] =
    "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";

/* rule_match - does a content type or file name match one rule key? */
static bool rule_match(const char *key, const char *s)
{
    size_t kn = strlen(key), sn = strlen(s);

    if (key[0] == '.')
        return sn > kn && strcasecmp(s + sn - kn, key) == 0;
    if (key[kn - 1] == '*')
        return strncmp(s, key, kn - 1) == 0;
    return strcmp(s, key) == 0;
}

/* rule_find - the first rule that matches s, or -1 */
static int rule_find(const struct type_rule *r, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (rule_match(r[i].key, s))
            return (int)i;
    return -1;
}

/* sniff_zip - an office container or a plain zip? ODF puts an uncompressed
 * "mimetype" member first; OOXML lists [Content_Types].xml. The office
 * extractor falls back to the archive one if the guess was wrong. */
static msg_ftype sniff_zip(const unsigned char *d, size_t n)
{
    static const char odf[] = "application/vnd.oasis.opendocument";

    /* the member's data follows its name and a short extra field */
    if (n > 38 && memcmp(d + 30, "mimetype", 8) == 0 &&
        memmem(d + 38, n - 38 < 256 ? n - 38 : 256, odf, sizeof(odf) - 1))
        return MSG_FT_OFFICE;
    if (memmem(d, n, "[Content_Types].xml", 19) &&
        (memmem(d, n, "word/", 5) || memmem(d, n, "xl/", 3) || memmem(d, n, "ppt/", 4)))
        return MSG_FT_OFFICE;
    return MSG_FT_ARCHIVE;
}

/* sniff_magic - what the first bytes say, MSG_FT_EMPTY when they say nothing */
static msg_ftype sniff_magic(const unsigned char *d, size_t n, const char **name)
{
    size_t head = n < 1024 ? n : 1024;

    if (memmem(d, head, "%PDF-", 5))
        return MSG_FT_PDF;
    if (n >= 4 && d[0] == 'P' && d[1] == 'K' && d[2] < 9 && d[3] < 9)
        return sniff_zip(d, n);
    if (n >= 8 && memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0 &&
        memmem(d, n, ole_encrypted, sizeof(ole_encrypted) - 1))
        return MSG_FT_ENCRYPTED;
    for (size_t i = 0; i < sizeof(magics) / sizeof(*magics); i++) {
        const struct magic *m = &magics[i];
        if (n >= m->off + m->n && memcmp(d + m->off, m->bytes, m->n) == 0) {
            if (m->name)
                *name = m->name;
            return m->type;
        }
    }
    return MSG_FT_EMPTY;
}

/* looks_like_text - no NULs and few control bytes in the first 4 KiB
 * (UTF-16 is recognised by extract_text.c) */
static bool looks_like_text(const unsigned char *d, size_t n)
{
    size_t head = n < 4096 ? n : 4096, ctl = 0;

    if (n >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
        return true;
    for (size_t i = 0; i < head; i++) {
        if (d[i] == 0)
            return false;
        if (d[i] < 0x20 && !strchr("\t\n\r\f\x1b", d[i]))
            ctl++;
    }
    return ctl * 100 <= head;
}

/* looks_like_html - a document that says it is HTML in its first bytes */
static bool looks_like_html(const unsigned char *d, size_t n)
{
    size_t i = n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

    while (i < n && isspace(d[i]))
        i++;
    return (n - i >= 14 && strncasecmp((const char *)d + i, "<!doctype html", 14) == 0) ||
           (n - i >= 5 && strncasecmp((const char *)d + i, "<html", 5) == 0);
}

/* msg_extract_sniff - magic, then Content-Type, then name, then a look */
msg_ftype msg_extract_sniff(const msg_part *part, const char **type_name)
{
    const char *ct = part->content_type ? part->content_type : "application/octet-stream";
    int r;

    *type_name = ct;
    if (part->len == 0)
        return MSG_FT_EMPTY;
    msg_ftype t = sniff_magic(part->data, part->len, type_name);
    if (t != MSG_FT_EMPTY)
        return t;
    if ((r = rule_find(ctype_rules, sizeof(ctype_rules) / sizeof(*ctype_rules), ct)) >= 0)
        return ctype_rules[r].type;
    if ((r = rule_find(ext_rules, sizeof(ext_rules) / sizeof(*ext_rules), part->filename)) >= 0)
        return ext_rules[r].type;
    if (looks_like_html(part->data, part->len))
        return MSG_FT_HTML;
    return looks_like_text(part->data, part->len) ? MSG_FT_TEXT : MSG_FT_UNSUPPORTED;
}

/* emit_check - 1 when text should become a segment; 0 when it is blank
 * or over the decoded budget (then an entry says so), or an error */
static int emit_check(pg_msg *msg, const char *seg_path, const char *text,
                      size_t len, const pg_msg_limits *lim)
{
    size_t blank = 0;

    while (blank < len && isspace((unsigned char)text[blank]))
        blank++;
    if (blank == len)
        return 0;
    if (len <= lim->max_decoded_bytes && msg->decoded_bytes <= lim->max_decoded_bytes - len)
        return 1;
    int rc = msg_add_uninspectable(msg, seg_path, MSG_WHY_SIZE);
    return rc < 0 ? rc : 0;
}

/* msg_extract_emit - add one attachment segment within the decoded budget */
int msg_extract_emit(pg_msg *msg, const char *seg_path, pg_seg_kind kind,
                     const char *text, size_t len, const pg_msg_limits *lim)
{
    int rc = emit_check(msg, seg_path, text, len, lim);

    if (rc > 0)
        rc = msg_add_segment(msg, seg_path, kind, text, len, true);
    return rc < 0 ? rc : 0;
}

/* msg_extract_emit_sb - a builder's text, or the limit that stopped it;
 * the segment takes the builder's buffer rather than a copy of it */
int msg_extract_emit_sb(pg_msg *msg, const char *seg_path, msg_sb *b,
                        const pg_msg_limits *lim)
{
    char *text;
    size_t len;

    if (b->err == PG_ETOOBIG)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_SIZE);
    if (b->err)
        return b->err;
    int rc = emit_check(msg, seg_path, b->p, b->len, lim);
    if (rc > 0 && (rc = msg_sb_take(&text, &len, b)) == 0)
        rc = msg_add_segment_take(msg, seg_path, PG_SEG_ATTACHMENT, text, len, true);
    return rc < 0 ? rc : 0;
}

/* clip_name - keep at most MSG_NAME_CLIP bytes of the name that starts at
 * from, on a character boundary, with control characters made visible */
static void clip_name(msg_sb *p, size_t from)
{
    size_t end = p->len - from > MSG_NAME_CLIP ? from + MSG_NAME_CLIP : p->len;

    while (end > from && end < p->len && ((unsigned char)p->p[end] & 0xC0) == 0x80)
        end--;
    for (size_t i = from; i < end; i++)
        if ((unsigned char)p->p[i] < 0x20 || p->p[i] == 0x7F)
            p->p[i] = '?';
    p->len = end;
    p->p[end] = '\0';
}

/* msg_extract_path - "<base>/<tag>:<name>", the name printable and clipped */
int msg_extract_path(char **out, const char *base, const char *tag,
                     const char *name)
{
    msg_sb p;

    *out = NULL;
    msg_sb_init(&p, MSG_PATH_MAX);
    if (base && *base) {
        msg_sb_put(&p, base, strlen(base));
        msg_sb_putc(&p, '/');
    }
    msg_sb_put(&p, tag, strlen(tag));
    msg_sb_putc(&p, ':');
    size_t from = p.len;
    msg_sb_put_lenient(&p, (const unsigned char *)name, strnlen(name, 2 * MSG_NAME_CLIP));
    if (!p.err)
        clip_name(&p, from);
    if (!p.err && p.len == from)
        msg_sb_put(&p, "unnamed", 7);
    if (p.err) {
        int err = p.err;
        msg_sb_free(&p);
        return err;
    }
    *out = p.p;
    return 0;
}

/* extractor_for - the function that reads one type; NULL for none */
static msg_extract_fn extractor_for(msg_ftype t)
{
    switch (t) {
    case MSG_FT_TEXT: return msg_extract_text;
    case MSG_FT_HTML: return msg_extract_html;
    case MSG_FT_PDF: return msg_extract_pdf;
    case MSG_FT_OFFICE: return msg_extract_office;
    case MSG_FT_RTF: return msg_extract_rtf;
    case MSG_FT_ARCHIVE: return msg_extract_archive;
    default: return NULL;
    }
}

/* unsupported - record a type nothing here can read, naming it */
static int unsupported(pg_msg *msg, const char *seg_path, const char *type)
{
    char why[128];

    snprintf(why, sizeof(why), "unsupported type %.100s", type);
    return msg_add_uninspectable(msg, seg_path, why);
}

/* msg_extract_dispatch - limits, type, then the extractor, isolated or not */
int msg_extract_dispatch(pg_msg *msg, const msg_part *part,
                         const char *seg_path, const pg_msg_limits *lim)
{
    unsigned max_depth = lim->max_depth < PG_HARD_MAX_DEPTH ? lim->max_depth
                                                            : PG_HARD_MAX_DEPTH;
    const char *type_name;

    if (part->depth > max_depth)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_DEPTH);
    if (part->len > lim->max_part_bytes)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_SIZE);
    msg_ftype t = msg_extract_sniff(part, &type_name);
    if (t == MSG_FT_EMPTY)
        return 0;
    if (t == MSG_FT_ENCRYPTED)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_ENC_OFFICE);
    if (msg->decoded_bytes >= lim->max_decoded_bytes)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_SIZE);
    msg_extract_fn fn = extractor_for(t);
    if (!fn)
        return unsupported(msg, seg_path, type_name);
    if (t != MSG_FT_TEXT && lim->isolate_extractors)
        return msg_isolate_run(msg, part, seg_path, lim, fn);
    return fn(msg, part, seg_path, lim);
}

/* msg_extract_attachment - one attachment, named under its MIME part */
int msg_extract_attachment(pg_msg *msg, const msg_part *part,
                           const pg_msg_limits *lim)
{
    char *path;
    int rc = msg_extract_path(&path, part->path, "attachment",
                              part->filename ? part->filename : "");

    if (rc < 0)
        return rc == PG_ETOOBIG ? msg_add_uninspectable(msg, part->path, MSG_WHY_DEPTH) : rc;
    rc = msg_extract_dispatch(msg, part, path, lim);
    free(path);
    return rc;
}

/* msg_extract_html - an HTML attachment as text (blockquotes are not
 * replies inside an attachment, so the ranges are dropped); HTML libxml2
 * gives up on is scanned as it is */
int msg_extract_html(pg_msg *msg, const msg_part *part, const char *seg_path,
                     const pg_msg_limits *lim)
{
    char *text;
    size_t len, nq;
    pg_range *q;
    int rc = msg_html_to_text(&text, &len, &q, &nq, (const char *)part->data, part->len);

    if (rc == PG_ENOMEM)
        return rc;
    if (rc < 0) {
        rc = msg_extract_text(msg, part, seg_path, lim);
        return rc < 0 ? rc : msg_add_uninspectable(msg, seg_path, "unparseable html");
    }
    free(q);
    rc = msg_extract_emit(msg, seg_path, PG_SEG_ATTACHMENT, text, len, lim);
    free(text);
    return rc;
}
