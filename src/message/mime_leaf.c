/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_leaf.c - one leaf part: decode its body, decide what it is, and
 * hand it on as text, HTML, an encrypted part or an attachment.
 *
 * The body is read from the raw bytes GMime located (a slice of the view)
 * and decoded here (mime_decode.c): GMime's decoders are not used (#150).
 * What a part claims is checked, never trusted: application/pkcs7-mime
 * must be CMS enveloped data to count as encrypted, a PGP part must hold
 * valid armour or packets, and a part that claims encryption over plain
 * text is read as text. text/plain and text/html that are not attachments
 * are bodies; everything else goes to the extractors with its file name.
 *
 * Ownership: the decoded body lives for the duration of mime_leaf(); the
 * segments copy what they keep. A body sent as is (7bit, 8bit, binary) is
 * not copied at all: it is read where it stands in the view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "message/mime.h"

/* What we learnt about a leaf. */
struct leaf {
    char type[128];
    char *filename;
    char *charset;
    bool attachment;
    const unsigned char *data; /* owned, or borrowed from the view */
    unsigned char *owned;      /* what to free; NULL when borrowed */
    size_t len;
    msg_origin origin;
};

/* leaf_encoding - the transfer encoding, including uuencode aliases */
static mime_enc leaf_encoding(GMimePart *part)
{
    const char *raw = mime_gmime_raw_header(GMIME_OBJECT(part),
                                            "Content-Transfer-Encoding");

    switch (g_mime_part_get_content_encoding(part)) {
    case GMIME_CONTENT_ENCODING_BASE64:
        return MIME_ENC_BASE64;
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
        return MIME_ENC_QP;
    case GMIME_CONTENT_ENCODING_UUENCODE:
        return MIME_ENC_UUENCODE;
    default:
        break;
    }
    while (raw && (*raw == ' ' || *raw == '\t'))
        raw++;
    if (raw && (strncasecmp(raw, "x-uue", 5) == 0 || strncasecmp(raw, "uue", 3) == 0))
        return MIME_ENC_UUENCODE;
    return MIME_ENC_IDENTITY;
}

/* mime_leaf_decode - the body, transfer-decoded, and where it sits */
int mime_leaf_decode(const unsigned char **data, unsigned char **owned,
                     size_t *len, msg_origin *origin, mime_walk *w,
                     GMimePart *part, const char *path)
{
    size_t vs = 0, ve = 0, stray = 0;
    mime_enc enc = leaf_encoding(part);
    char why[600];
    int rc = 0;

    memset(origin, 0, sizeof(*origin));
    *owned = NULL;
    if (!mime_gmime_body(&vs, &ve, part, w->view))
        vs = ve = 0;
    const char *enc_text = w->view->buf + vs;
    *data = (const unsigned char *)enc_text;
    *len = ve - vs;
    if (enc != MIME_ENC_IDENTITY)
        rc = mime_transfer_decode(owned, len, &stray, enc, enc_text, ve - vs);
    if (rc < 0)
        return rc;
    if (*owned)
        *data = *owned;
    if (ve > vs && mime_view_raw_range(w->view, vs, ve, &origin->start, &origin->end)) {
        origin->kind = MSG_ORIGIN_BODY;
        origin->encoding = (unsigned char)enc;
        origin->crlf = memmem(enc_text, ve - vs, "\r\n", 2) != NULL;
    }
    if (stray == 0 || !path)
        return 0;
    if (enc == MIME_ENC_UUENCODE) /* already read as text: say so */
        return msg_add_uninspectable(w->msg, path,
                                     "uuencoded part without a begin line; read as text");
    snprintf(why, sizeof(why), "invalid base64: %zu stray bytes (raw text scanned too)", stray);
    rc = msg_add_uninspectable(w->msg, path, why);
    snprintf(why, sizeof(why), "%s/undecoded", path);
    return rc < 0 ? rc : mime_body_margin(w, why, enc_text, ve - vs);
}

/* leaf_open - type, file name, charset, disposition and decoded body */
static int leaf_open(struct leaf *lf, mime_walk *w, GMimePart *part, const char *path)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    const char *cd = mime_gmime_raw_header(obj, "Content-Disposition");
    const char *ct = mime_gmime_raw_header(obj, "Content-Type");
    GMimeContentType *type = g_mime_object_get_content_type(obj);
    const char *cs = type ? g_mime_content_type_get_parameter(type, "charset") : NULL;
    int rc = 0;

    mime_gmime_type(lf->type, sizeof(lf->type), obj);
    if (cd) {
        while (*cd == ' ' || *cd == '\t')
            cd++;
        lf->attachment = strncasecmp(cd, "attachment", 10) == 0;
        rc = mime_param_get(&lf->filename, cd, strlen(cd), "filename");
    }
    if (rc == 0 && !lf->filename && ct)
        rc = mime_param_get(&lf->filename, ct, strlen(ct), "name");
    if (rc == 0 && cs && !(lf->charset = strdup(cs)))
        rc = PG_ENOMEM;
    if (rc == 0)
        rc = mime_leaf_decode(&lf->data, &lf->owned, &lf->len, &lf->origin, w,
                              part, path);
    return rc;
}

/* blank - nothing but whitespace? */
static bool blank(const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", d[i]) || d[i] == '\0')
            return false;
    return true;
}

/* leaf_opaque - the content of an opaque-signed S/MIME part, walked as MIME */
static int leaf_opaque(mime_walk *w, struct leaf *lf, const char *path, unsigned depth)
{
    unsigned char *inner;
    size_t ilen;
    mime_doc doc;
    char *cp;
    int rc = mime_crypt_cms_content(&inner, &ilen, lf->data, lf->len);

    if (rc == PG_ENOTFOUND) {
        w->n_content++;
        return msg_add_uninspectable(w->msg, path,
                                     "S/MIME signed data whose content could not be read");
    }
    if (rc < 0)
        return rc;
    if (mime_path_child(&cp, path, 1) < 0) {
        free(inner);
        return PG_ENOMEM;
    }
    mime_view view = {.buf = (const char *)inner, .len = ilen, .foreign = true};
    const mime_view *outer = w->view;
    mime_gmime_open_part(&doc, view.buf, view.len);
    w->view = &view;
    rc = doc.part ? mime_walk_object(w, doc.part, cp, depth + 1) : 0;
    w->view = outer;
    mime_gmime_close(&doc);
    free(inner);
    free(cp);
    return rc;
}

/* leaf_pkcs7 - application/pkcs7-mime: believe the DER, not the header */
static int leaf_pkcs7(mime_walk *w, struct leaf *lf, const char *path, unsigned depth)
{
    switch (mime_crypt_cms(lf->data, lf->len)) {
    case MIME_CRYPT_ENVELOPED:
        return mime_walk_crypt(w, path, "S/MIME");
    case MIME_CRYPT_SIGNED:
        return leaf_opaque(w, lf, path, depth);
    case MIME_CRYPT_OTHER_CMS:
        w->n_content++;
        return msg_add_uninspectable(w->msg, path, "S/MIME content of an unsupported CMS type");
    default:
        break;
    }
    if (mime_looks_text(lf->data, lf->len)) /* a claim of encryption over text */
        return mime_body_add(w, path, false, lf->data, lf->len, lf->charset,
                             &lf->origin, depth);
    return mime_attachment_add(w, path, lf->filename, lf->type, lf->data, lf->len, depth);
}

/* leaf_dispatch - encrypted, body or attachment */
static int leaf_dispatch(mime_walk *w, struct leaf *lf, const char *path, unsigned depth)
{
    bool body = !lf->attachment && (strcmp(lf->type, "text/plain") == 0 ||
                                    strcmp(lf->type, "text/html") == 0);
    int rc;

    if (strcmp(lf->type, "application/pkcs7-mime") == 0 ||
        strcmp(lf->type, "application/x-pkcs7-mime") == 0)
        return leaf_pkcs7(w, lf, path, depth);
    if (mime_crypt_pgp_encrypted(lf->data, lf->len, strncmp(lf->type, "text/", 5) == 0))
        return mime_walk_crypt(w, path, body ? "inline PGP" : "PGP");
    if (!body)
        return mime_attachment_add(w, path, lf->filename, lf->type, lf->data,
                                   lf->len, depth);
    if ((rc = mime_filename_add(w, path, lf->filename)) < 0)
        return rc;
    return mime_body_add(w, path, strcmp(lf->type, "text/html") == 0, lf->data,
                         lf->len, lf->charset, &lf->origin, depth);
}

/* mime_leaf - one leaf part, start to finish */
int mime_leaf(mime_walk *w, GMimePart *part, const char *path, unsigned depth)
{
    struct leaf lf = {0};
    int rc = leaf_open(&lf, w, part, path);

    if (rc == 0 && (!blank(lf.data, lf.len) || (lf.filename && *lf.filename)))
        rc = leaf_dispatch(w, &lf, path, depth);
    free(lf.filename);
    free(lf.charset);
    free(lf.owned);
    return rc;
}
