/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * redact.c - pg_msg_redact(): the original message with selected findings
 * masked in place, everything else byte for byte as it came.
 *
 * Each segment holding a selected finding names where its bytes sit in the
 * raw message (msg_origin, set by the MIME walker). A text/plain body is
 * decoded again exactly as it was parsed (transfer encoding, then charset),
 * masked at the finding offsets, and written back in the same charset and
 * transfer encoding; a text/html body has each value found again in its
 * source (mime_htmlmask.c) and masked there; the top-level Subject is
 * rewritten as one field. The bytes between rewritten parts - headers,
 * boundaries, attachments - are copied untouched, so MIME structure stays.
 *
 * Fail closed: PG_ESTATE, and nothing written, when a selected finding
 * sits where we cannot rewrite it (an attachment, a display name, a part
 * the guard cut), when the part no longer decodes to what was scanned,
 * when its charset does not round-trip, or when the rewritten part still
 * shows a selected value. Error messages never carry a value or a path.
 *
 * A pg_msg made by pg_msg_from_text() has no raw message: the result is
 * its text with the findings masked.
 */
#include <stdlib.h>
#include <string.h>

#include "message/extract.h"
#include "message/mime.h"

/* A selected finding and its mask. */
struct pick {
    const pg_msg_finding *f;
    char mask[256];
    size_t mlen;
};

/* One rewrite of raw [start, end). */
struct edit {
    size_t start, end;
    char *bytes;
    size_t len;
};

/* collect - the selected findings, masked, in segment and start order */
static int collect(struct pick **out, size_t *n, const pg_msg *msg,
                   bool (*select)(const pg_msg_finding *, void *), void *payload,
                   pg_mask_style style)
{
    struct pick *p = calloc(msg->n_findings ? msg->n_findings : 1, sizeof(*p));

    if (!p)
        return PG_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < msg->n_findings; i++) {
        const pg_msg_finding *f = &msg->findings[i];
        if (select && !select(f, payload))
            continue;
        const char *text = msg->segs[f->segment].text;
        struct pick *k = &p[(*n)++];
        k->f = f;
        k->mlen = pg_mask(k->mask, sizeof(k->mask), text + f->f.start,
                          f->f.end - f->f.start, style, pg_entity_name(f->f.entity));
        if (k->mlen >= sizeof(k->mask))
            k->mlen = strlen(k->mask);
    }
    *out = p;
    return 0;
}

/* mask_text - text with every pick's range replaced by its mask */
static void mask_text(msg_sb *out, const char *text, size_t len,
                      const struct pick *p, size_t n)
{
    size_t pos = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i].f->f.start < pos || p[i].f->f.end > len)
            continue; /* overlapping, or beyond a clipped text */
        msg_sb_put(out, text + pos, p[i].f->f.start - pos);
        msg_sb_put(out, p[i].mask, p[i].mlen);
        pos = p[i].f->f.end;
    }
    msg_sb_put(out, text + pos, len - pos);
}

/* body_text - the part's text, recomputed from raw, if it round-trips */
static int body_text(char **u, size_t *ulen, const pg_msg *msg, const msg_origin *o)
{
    unsigned char *dec;
    char *back = NULL;
    size_t dlen, blen, stray;
    int rc = mime_transfer_decode(&dec, &dlen, &stray, (mime_enc)o->encoding,
                                  msg->raw + o->start, o->end - o->start);

    if (rc < 0)
        return rc;
    *u = NULL;
    rc = mime_charset_redo(u, ulen, o, dec, dlen);
    if (rc == PG_EPARSE)
        rc = pg_error_set(PG_ESTATE, "a text part no longer decodes in its charset");
    if (rc == 0)
        rc = mime_charset_from_utf8(&back, &blen, o, *u, *ulen);
    if (rc == 0 && (blen != dlen || memcmp(back, dec, dlen) != 0))
        rc = pg_error_set(PG_ESTATE, "a text part's charset does not round-trip");
    else if (rc == PG_EPARSE)
        rc = pg_error_set(PG_ESTATE, "a text part cannot be written back in its charset");
    if (rc < 0 && *u) {
        free(*u);
        *u = NULL;
    }
    free(back);
    free(dec);
    return rc;
}

/* html_clean - does the text of the masked HTML hold no selected value? */
static int html_clean(const char *html, size_t len, const pg_msg *msg,
                      const struct pick *p, size_t n)
{
    char *text;
    size_t tlen, nq;
    pg_range *q;
    int rc = msg_html_to_text(&text, &tlen, &q, &nq, html, len);

    if (rc == PG_EPARSE)
        return pg_error_set(PG_ESTATE, "a masked HTML part no longer parses");
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const pg_msg_finding *f = p[i].f;
        if (memmem(text, tlen, msg->segs[f->segment].text + f->f.start, f->f.end - f->f.start))
            rc = pg_error_set(PG_ESTATE, "a value in an HTML part could not be masked");
    }
    free(text);
    free(q);
    return rc;
}

/* mask_html - every picked value masked in the HTML source */
static int mask_html(msg_sb *out, const char *html, size_t len, const pg_msg *msg,
                     const struct pick *p, size_t n)
{
    mime_mask_item *items = calloc(n, sizeof(*items));
    size_t missing;

    if (!items)
        return PG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const pg_msg_finding *f = p[i].f;
        items[i] = (mime_mask_item){msg->segs[f->segment].text + f->f.start, p[i].mask,
                                    f->f.end - f->f.start, p[i].mlen};
    }
    int rc = mime_html_mask(out, &missing, html, len, items, n);
    free(items);
    if (rc == 0 && missing)
        rc = pg_error_set(PG_ESTATE, "a value in an HTML part was not found in its source");
    if (rc == 0)
        rc = html_clean(out->p ? out->p : "", out->len, msg, p, n);
    return rc;
}

/* encode_back - masked UTF-8 to the part's charset and transfer encoding */
static int encode_back(struct edit *e, const pg_msg *msg, const msg_origin *o,
                       const msg_sb *masked)
{
    const char *eol = o->crlf ? "\r\n" : "\n";
    msg_sb rep = {0};
    char *bytes;
    size_t blen;
    int rc = mime_charset_from_utf8(&bytes, &blen, o, masked->p ? masked->p : "", masked->len);

    if (rc == PG_EPARSE)
        return pg_error_set(PG_ESTATE, "a masked part cannot be written in its charset");
    if (rc < 0)
        return rc;
    rc = mime_transfer_encode(&rep, (mime_enc)o->encoding, (unsigned char *)bytes, blen, eol);
    free(bytes);
    if (rc == PG_EPARSE) {
        msg_sb_free(&rep);
        return pg_error_set(PG_ESTATE, "uuencoded parts are not redacted");
    }
    bool had_eol = o->end > o->start && msg->raw[o->end - 1] == '\n';
    if (o->encoding == MIME_ENC_BASE64 && !had_eol && rep.len >= strlen(eol))
        rep.len -= strlen(eol); /* the line break before the boundary is not ours */
    return msg_sb_take(&e->bytes, &e->len, &rep);
}

/* edit_body - rewrite one text or HTML body */
static int edit_body(struct edit *e, const pg_msg *msg, const msg_segment *s,
                     const struct pick *p, size_t n)
{
    msg_sb masked = {0};
    char *u = NULL;
    size_t ulen;
    int rc = body_text(&u, &ulen, msg, &s->origin);

    if (rc < 0)
        return rc;
    if (s->origin.kind == MSG_ORIGIN_HTML) {
        rc = mask_html(&masked, u, ulen, msg, p, n);
    } else if (ulen < s->pub.len || memcmp(u, s->text, s->pub.len) != 0) {
        rc = pg_error_set(PG_ESTATE, "a text part no longer decodes to what was scanned");
    } else {
        mask_text(&masked, u, ulen, p, n);
        rc = masked.err;
    }
    if (rc == 0)
        rc = encode_back(e, msg, &s->origin, &masked);
    msg_sb_free(&masked);
    free(u);
    return rc;
}

/* edit_subject - rewrite the top-level Subject field */
static int edit_subject(struct edit *e, const pg_msg *msg, const msg_segment *s,
                        const struct pick *p, size_t n)
{
    const msg_origin *o = &s->origin;
    const char *field = msg->raw + o->start, *colon = memchr(field, ':', o->end - o->start);
    msg_sb masked = {0}, rep = {0};
    char *dec;
    size_t dlen;

    if (!colon)
        return pg_error_set(PG_ESTATE, "the Subject field moved");
    int rc = mime_rfc2047_decode(&dec, &dlen, colon + 1,
                                 (size_t)(msg->raw + o->end - colon - 1));
    if (rc < 0)
        return rc;
    if (dlen != s->pub.len || memcmp(dec, s->text, dlen) != 0)
        rc = pg_error_set(PG_ESTATE, "the Subject no longer decodes to what was scanned");
    free(dec);
    if (rc < 0)
        return rc;
    mask_text(&masked, s->text, s->pub.len, p, n);
    bool had_eol = msg->raw[o->end - 1] == '\n';
    mime_header_field(&rep, "Subject", masked.p ? masked.p : "", masked.len,
                      had_eol ? (o->crlf ? "\r\n" : "\n") : "");
    rc = masked.err;
    msg_sb_free(&masked);
    if (rc < 0) {
        msg_sb_free(&rep);
        return rc;
    }
    return msg_sb_take(&e->bytes, &e->len, &rep);
}

/* edit_segment - the rewrite for one segment's picks, or why there is none */
static int edit_segment(struct edit *e, const pg_msg *msg, size_t seg,
                        const struct pick *p, size_t n)
{
    const msg_segment *s = &msg->segs[seg];

    e->start = s->origin.start;
    e->end = s->origin.end;
    if (s->pub.in_attachment)
        return pg_error_set(PG_ESTATE, "a finding inside an attachment cannot be redacted");
    switch (s->origin.kind) {
    case MSG_ORIGIN_BODY:
    case MSG_ORIGIN_HTML:
        return edit_body(e, msg, s, p, n);
    case MSG_ORIGIN_SUBJECT:
        return edit_subject(e, msg, s, p, n);
    default:
        return pg_error_set(PG_ESTATE, "a finding in a %s segment cannot be redacted in place",
                            s->pub.kind == PG_SEG_HEADER ? "header" : "non-rewritable");
    }
}

/* by_place - picks in segment order, then by start */
static int by_place(const void *a, const void *b)
{
    const pg_msg_finding *x = ((const struct pick *)a)->f, *y = ((const struct pick *)b)->f;

    if (x->segment != y->segment)
        return (x->segment > y->segment) - (x->segment < y->segment);
    return (x->f.start > y->f.start) - (x->f.start < y->f.start);
}

/* by_start - edits in raw order */
static int by_start(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/* splice - raw with every edit applied; untouched bytes copied as they are */
static int splice(char **out, size_t *out_len, const pg_msg *msg, struct edit *ed,
                  size_t n)
{
    msg_sb b = {0};
    size_t pos = 0;

    qsort(ed, n, sizeof(*ed), by_start);
    for (size_t i = 0; i < n; i++) {
        if (ed[i].start < pos || ed[i].end > msg->raw_len) {
            msg_sb_free(&b);
            return pg_error_set(PG_ESTATE, "two rewrites overlap");
        }
        msg_sb_put(&b, msg->raw + pos, ed[i].start - pos);
        msg_sb_put(&b, ed[i].bytes, ed[i].len);
        pos = ed[i].end;
    }
    msg_sb_put(&b, msg->raw + pos, msg->raw_len - pos);
    return msg_sb_take(out, out_len, &b);
}

/* redact_chat - no raw message: the one text, masked */
static int redact_chat(char **out, size_t *out_len, const pg_msg *msg,
                       const struct pick *p, size_t n)
{
    msg_sb b = {0};

    for (size_t i = 0; i < n; i++)
        if (p[i].f->segment != 0)
            return pg_error_set(PG_ESTATE, "a text message has one segment");
    if (msg->n_segs)
        mask_text(&b, msg->segs[0].text, msg->segs[0].pub.len, p, n);
    return msg_sb_take(out, out_len, &b);
}

/* rewrite - one edit per segment with picks, then the splice */
static int rewrite(char **out, size_t *out_len, const pg_msg *msg,
                   const struct pick *p, size_t n)
{
    struct edit *ed = calloc(n ? n : 1, sizeof(*ed));
    size_t ne = 0;
    int rc = ed ? 0 : PG_ENOMEM;

    for (size_t i = 0, j; rc == 0 && i < n; i = j) {
        for (j = i; j < n && p[j].f->segment == p[i].f->segment; j++)
            ;
        rc = edit_segment(&ed[ne++], msg, p[i].f->segment, p + i, j - i);
    }
    if (rc == 0)
        rc = splice(out, out_len, msg, ed, ne);
    for (size_t i = 0; ed && i < ne; i++) {
        if (ed[i].bytes)
            explicit_bzero(ed[i].bytes, ed[i].len);
        free(ed[i].bytes);
    }
    free(ed);
    return rc;
}

/* pg_msg_redact - the message with the selected findings masked */
int pg_msg_redact(char **out, size_t *out_len, const pg_msg *msg,
                  bool (*select)(const pg_msg_finding *f, void *payload),
                  void *payload, pg_mask_style style)
{
    struct pick *p;
    size_t n;
    int rc = collect(&p, &n, msg, select, payload, style);

    if (rc < 0)
        return rc;
    qsort(p, n, sizeof(*p), by_place);
    if (!msg->raw)
        rc = redact_chat(out, out_len, msg, p, n);
    else
        rc = rewrite(out, out_len, msg, p, n);
    explicit_bzero(p, (n ? n : 1) * sizeof(*p));
    free(p);
    return rc;
}
