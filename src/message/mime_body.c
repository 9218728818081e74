/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_body.c - decoded bodies become segments; attachments go to the
 * extractors.
 *
 * A text/plain body is converted to UTF-8 (mime_charset.c) and becomes a
 * PG_SEG_TEXT segment whose text is exactly the converted body, so finding
 * offsets are offsets into it and redaction can recompute it from the raw
 * bytes. Quoted replies are marked (quote.c). "begin 644 name" blocks inside
 * the text are decoded and extracted as attachments of the part, and a
 * "PGP MESSAGE" armour that is not encrypted has its base64 decoded and
 * read ("<part>/pgp-armour"); the text itself is still scanned.
 *
 * A text/html body goes through msg_html_to_text(): the segment is the
 * visible (and hidden) text, kind PG_SEG_HTML, and blockquote ranges are
 * quoted alongside the plain-text quote rules. HTML that cannot be parsed
 * is scanned as it stands, markup and all, so nothing goes unread.
 *
 * Limits: a body larger than max_part_bytes is cut at that size (on a
 * character boundary) and the cut is an uninspectable entry; the decoded
 * budget (max_decoded_bytes) is checked before a segment is added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message/extract.h"
#include "message/mime.h"
#include "message/quote.h"

/* mime_looks_text - no NULs and mostly printable */
bool mime_looks_text(const unsigned char *d, size_t n)
{
    size_t odd = 0;

    for (size_t i = 0; i < n; i++) {
        if (d[i] == 0)
            return false;
        odd += d[i] < 0x20 && !strchr("\t\r\n\f", d[i]);
    }
    return odd * 20 <= n;
}

/* clip - cut text to max bytes on a UTF-8 boundary, saying so */
static int clip(mime_walk *w, const char *path, const char *text, size_t *len)
{
    size_t max = w->lim->max_part_bytes;
    char why[128];

    if (*len <= max)
        return 0;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    *len = max;
    snprintf(why, sizeof(why), "text larger than max_part_bytes; first %zu bytes inspected",
             max);
    return msg_add_uninspectable(w->msg, path, why);
}

/* inline_uu - extract every uuencoded file inside a text body */
static int inline_uu(mime_walk *w, const char *path, const char *text, size_t len,
                     unsigned depth)
{
    size_t begin, end, pos = 0;
    int rc = 0;

    while (rc >= 0 && mime_uu_find(&begin, &end, text, len, pos) == 0) {
        unsigned char *data;
        size_t dlen;
        char *name;
        rc = mime_uu_decode(&data, &dlen, &name, text + begin, end - begin);
        if (rc < 0)
            break;
        rc = mime_attachment_add(w, path, name, "application/octet-stream", data,
                                 dlen, depth + 1);
        free(data);
        free(name);
        pos = end;
    }
    return rc;
}

/* The walk and the part an armour's payload belongs to. */
struct armour_ctx {
    mime_walk *w;
    const char *path;
};

/* on_armour - a "PGP MESSAGE" that is not encrypted: read what it carries */
static int on_armour(const unsigned char *body, size_t len, void *payload)
{
    const struct armour_ctx *a = payload;
    char seg[600];

    if (!mime_looks_text(body, len))
        return msg_add_uninspectable(a->w->msg, a->path,
                                     "PGP data that is not encrypted could not be read");
    snprintf(seg, sizeof(seg), "%s/pgp-armour", a->path);
    return mime_body_margin(a->w, seg, (const char *)body, len);
}

/* clear_armours - armour that only looks like encryption hides nothing */
static int clear_armours(mime_walk *w, const char *path, const char *text, size_t len)
{
    struct armour_ctx a = {w, path};

    return mime_crypt_pgp_clear_armours(text, len, on_armour, &a);
}

/* add_text - the segment itself, with its origin and quoted regions; the
 * segment takes text (malloc'd, freed here when no segment is added) */
static int add_text(mime_walk *w, const char *path, bool html, char *text,
                    size_t len, const msg_origin *origin, const pg_range *q,
                    size_t nq)
{
    bool ok = false;
    int rc = 0;

    if (len > 0) {
        w->n_content++;
        rc = mime_budget(w, path, len, &ok);
    }
    if (rc < 0 || !ok) {
        free(text);
        return rc;
    }
    rc = msg_add_segment_take(w->msg, path, html ? PG_SEG_HTML : PG_SEG_TEXT, text,
                              len, false);
    if (rc < 0)
        return rc;
    msg_segment *s = &w->msg->segs[rc];
    if (origin && origin->kind) {
        s->origin = *origin;
        s->origin.kind = html ? MSG_ORIGIN_HTML : MSG_ORIGIN_BODY;
        s->part_id = w->next_part_id++;
    }
    return msg_quote_mark_merge(w->msg, (size_t)rc, q, nq);
}

/* add_html - HTML to text, then the segment; unparseable HTML as it is.
 * Takes html (malloc'd): the segment keeps it when it is scanned as is. */
static int add_html(mime_walk *w, const char *path, char *html, size_t len,
                    const msg_origin *origin)
{
    char *text = NULL;
    size_t tlen = 0, nq = 0;
    pg_range *q = NULL;
    int rc = msg_html_to_text(&text, &tlen, &q, &nq, html, len);

    if (rc == PG_EPARSE)
        return add_text(w, path, true, html, len, origin, NULL, 0);
    free(html);
    if (rc == 0)
        rc = clip(w, path, text, &tlen);
    while (rc >= 0 && nq > 0 && q[nq - 1].start >= tlen)
        nq--;
    if (rc >= 0 && text) {
        rc = add_text(w, path, true, text, tlen, origin, q, nq);
        text = NULL;
    }
    free(text);
    free(q);
    return rc;
}

/* mime_body_add - a decoded text or HTML body becomes a segment */
int mime_body_add(mime_walk *w, const char *path, bool html,
                  const unsigned char *data, size_t len, const char *charset,
                  const msg_origin *origin, unsigned depth)
{
    msg_origin o = {0};
    char *text;
    size_t tlen;
    int rc;

    if (origin)
        o = *origin;
    if ((rc = mime_charset_to_utf8(&text, &tlen, &o, charset, data, len)) < 0)
        return rc;
    if (!html && mime_crypt_pgp_inline(text, tlen)) {
        rc = mime_walk_crypt(w, path, "inline PGP");
    } else if (html) {
        rc = add_html(w, path, text, tlen, &o);
        text = NULL;
    } else {
        rc = inline_uu(w, path, text, tlen, depth);
        if (rc >= 0)
            rc = clear_armours(w, path, text, tlen);
        if (rc >= 0)
            rc = clip(w, path, text, &tlen);
        if (rc >= 0) {
            rc = add_text(w, path, false, text, tlen, &o, NULL, 0);
            text = NULL;
        }
    }
    free(text);
    return rc < 0 ? rc : 0;
}

/* mime_body_margin - preamble or epilogue text, read but not counted */
int mime_body_margin(mime_walk *w, const char *path, const char *text, size_t len)
{
    size_t tlen, blank = 0;
    char *u;
    bool ok;

    while (blank < len && strchr(" \t\r\n", text[blank]) && text[blank])
        blank++;
    if (blank == len)
        return 0;
    int rc = mime_charset_to_utf8(&u, &tlen, NULL, NULL, (const unsigned char *)text, len);
    if (rc < 0)
        return rc;
    rc = mime_budget(w, path, tlen, &ok);
    if (rc >= 0 && ok)
        rc = msg_add_segment(w->msg, path, PG_SEG_TEXT, u, tlen, false);
    if (rc >= 0 && ok)
        rc = msg_quote_mark_plain(w->msg, (size_t)rc);
    free(u);
    return rc < 0 ? rc : 0;
}

/* mime_filename_add - a part's file name is content too */
int mime_filename_add(mime_walk *w, const char *path, const char *filename)
{
    char seg[600];

    if (!filename || !*filename)
        return 0;
    snprintf(seg, sizeof(seg), "%s/filename", path);
    int rc = msg_add_segment(w->msg, seg, PG_SEG_FILENAME, filename,
                             strlen(filename), true);
    return rc < 0 ? rc : 0;
}

/* mime_attachment_add - file-name segment, then the extractors */
int mime_attachment_add(mime_walk *w, const char *path, const char *filename,
                        const char *content_type, const unsigned char *data,
                        size_t len, unsigned depth)
{
    int rc = mime_filename_add(w, path, filename);

    w->n_content++;
    if (rc < 0)
        return rc;
    if (len > w->lim->max_part_bytes)
        return msg_add_uninspectable(w->msg, path, "attachment larger than max_part_bytes");
    msg_part part = {path, filename, content_type, data, len, depth, -1};
    return msg_extract_attachment(w->msg, &part, w->lim);
}
