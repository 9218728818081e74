/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_pdf.c - the text of a PDF through poppler-glib.
 *
 * One segment holds the text of every page, in order, and then what a
 * reader can see that is not page content: filled-in form fields (a W-9's
 * SSN lives in a text field, not in the page stream) and annotation notes.
 * Files embedded in the PDF are parts too: each is dispatched again one
 * level deeper, as "<path>/entry:<name>".
 *
 * A PDF that needs a user password is "encrypted pdf" (an owner password
 * alone does not stop poppler reading it); one poppler cannot open is
 * "unparseable pdf"; one whose pages hold no text at all is "pdf without
 * text layer", since a scanned form is exactly where PII hides from a
 * text scanner and the policy must decide.
 *
 * poppler is hostile-input code: msg_extract_dispatch runs this in a child
 * (isolate.c) unless isolation is off. The text is capped at the message's
 * remaining decoded budget.
 */
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

#include "message/extract_int.h"

/* msg_extract_pdf_prefork - register poppler's GTypes in the parent, so a
 * forked child never waits on GLib's type lock another thread held */
void msg_extract_pdf_prefork(void)
{
    g_type_ensure(POPPLER_TYPE_DOCUMENT);
    g_type_ensure(POPPLER_TYPE_PAGE);
}

/* put_gstr - append a GLib string, then free it */
static void put_gstr(msg_sb *b, gchar *s)
{
    if (!s)
        return;
    msg_sb_put_lenient(b, (const unsigned char *)s, strlen(s));
    msg_sb_break(b, '\n');
    g_free(s);
}

/* put_fields - values typed into the page's form fields */
static void put_fields(msg_sb *b, PopplerPage *page)
{
    GList *map = poppler_page_get_form_field_mapping(page);

    for (GList *l = map; l; l = l->next) {
        PopplerFormField *f = ((PopplerFormFieldMapping *)l->data)->field;
        PopplerFormFieldType t = poppler_form_field_get_field_type(f);
        if (t == POPPLER_FORM_FIELD_TEXT) {
            put_gstr(b, poppler_form_field_text_get_text(f));
        } else if (t == POPPLER_FORM_FIELD_CHOICE) {
            int n = poppler_form_field_choice_get_n_items(f);
            for (int i = 0; i < n; i++)
                if (poppler_form_field_choice_is_item_selected(f, i))
                    put_gstr(b, poppler_form_field_choice_get_item(f, i));
        }
    }
    poppler_page_free_form_field_mapping(map);
}

/* put_annots - the notes people attach to a page */
static void put_annots(msg_sb *b, PopplerPage *page)
{
    GList *map = poppler_page_get_annot_mapping(page);

    for (GList *l = map; l; l = l->next)
        put_gstr(b, poppler_annot_get_contents(((PopplerAnnotMapping *)l->data)->annot));
    poppler_page_free_annot_mapping(map);
}

/* put_pages - every page's text, fields and notes; true if any page had text */
static bool put_pages(msg_sb *b, PopplerDocument *doc)
{
    int n = poppler_document_get_n_pages(doc);
    size_t before = b->len;

    for (int i = 0; i < n && !b->err; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        put_gstr(b, poppler_page_get_text(page));
        put_fields(b, page);
        put_annots(b, page);
        g_object_unref(page);
    }
    for (size_t i = before; i < b->len; i++)
        if (!g_ascii_isspace(b->p[i]))
            return true;
    return n == 0;
}

/* save_cb - poppler hands an embedded file over in blocks */
static gboolean save_cb(const gchar *buf, gsize count, gpointer data, GError **error)
{
    msg_sb *b = data;

    msg_sb_put(b, buf, count);
    return b->err == 0;
}

/* put_embedded - one embedded file, dispatched as a nested part */
static int put_embedded(pg_msg *msg, PopplerAttachment *att, const msg_part *part,
                        const char *seg_path, const pg_msg_limits *lim)
{
    msg_sb data;
    char *path;
    const char *name = att->name ? att->name : "";
    int rc = msg_extract_path(&path, seg_path, "entry", name);

    if (rc < 0)
        return rc == PG_ENOMEM ? rc : msg_add_uninspectable(msg, seg_path, MSG_WHY_DEPTH);
    msg_sb_init(&data, lim->max_part_bytes);
    if (!poppler_attachment_save_to_callback(att, save_cb, &data, NULL)) {
        rc = data.err == PG_ENOMEM ? PG_ENOMEM
             : msg_add_uninspectable(msg, path, data.err ? MSG_WHY_SIZE : "unparseable pdf");
    } else {
        msg_part sub = {seg_path, name, "application/octet-stream",
                        (const unsigned char *)data.p, data.len, part->depth + 1, -1};
        rc = msg_extract_dispatch(msg, &sub, path, lim);
    }
    msg_sb_free(&data);
    free(path);
    return rc;
}

/* put_attachments - every file embedded in the document */
static int put_attachments(pg_msg *msg, PopplerDocument *doc, const msg_part *part,
                           const char *seg_path, const pg_msg_limits *lim)
{
    int rc = 0;

    if (!poppler_document_has_attachments(doc))
        return 0;
    GList *atts = poppler_document_get_attachments(doc);
    for (GList *l = atts; l && rc == 0; l = l->next)
        rc = put_embedded(msg, l->data, part, seg_path, lim);
    g_list_free_full(atts, g_object_unref);
    return rc;
}

/* open_failed - why poppler would not open it */
static int open_failed(pg_msg *msg, const char *seg_path, GError *err)
{
    bool enc = err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED;

    g_clear_error(&err);
    return msg_add_uninspectable(msg, seg_path, enc ? MSG_WHY_ENC_PDF : "unparseable pdf");
}

/* msg_extract_pdf - page text, form fields, notes and embedded files */
int msg_extract_pdf(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim)
{
    GError *err = NULL;
    GBytes *bytes = g_bytes_new_static(part->data, part->len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    msg_sb b;

    g_bytes_unref(bytes);
    if (!doc)
        return open_failed(msg, seg_path, err);
    msg_sb_init(&b, lim->max_decoded_bytes - msg->decoded_bytes);
    bool has_text = put_pages(&b, doc);
    int rc = msg_extract_emit_sb(msg, seg_path, &b, lim);
    if (rc == 0 && !has_text && !b.err)
        rc = msg_add_uninspectable(msg, seg_path, MSG_WHY_NO_TEXT);
    if (rc == 0)
        rc = put_attachments(msg, doc, part, seg_path, lim);
    msg_sb_free(&b);
    g_object_unref(doc);
    return rc;
}
