/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_gmime.c - everything that touches GMime's parser and streams.
 *
 * GMime parses the buffer it is given in place (the caller's input, or the
 * guard's compacted copy): a GByteArray borrows it and the memory stream
 * does not own it, so a 64 MB message is not copied again, and every
 * leaf's content is a substream whose bounds are offsets into that buffer
 * - which is how redaction finds a body's bytes.
 *
 * We use GMime for structure only: which entities exist, their types and
 * where their bodies are. Decoding (GMime #133, #150) and anything that
 * re-encodes parameters (#165: g_mime_multipart_get_boundary() on a part
 * without a boundary sets one and loops) stay out of this room; see mime.h.
 *
 * g_mime_init() is not thread-safe and must run once; pthread_once is the
 * one piece of process state here, and it is write-once.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "message/mime.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/* gmime_init_once - the pthread_once body */
static void gmime_init_once(void)
{
    g_mime_init();
}

/* mime_gmime_init - initialise GMime exactly once */
void mime_gmime_init(void)
{
    pthread_once(&gmime_once, gmime_init_once);
}

/* open_stream - a parser over buf, read in place */
static GMimeParser *open_stream(mime_doc *d, const char *buf, size_t len)
{
    GByteArray *bytes = g_byte_array_new_take((guint8 *)buf, len);
    GMimeStream *st = g_mime_stream_mem_new_with_byte_array(bytes);

    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
    d->bytes = bytes;
    d->stream = st;
    return g_mime_parser_new_with_stream(st);
}

/* open_doc - parse buf as a message, or as one entity */
static int open_doc(mime_doc *d, const char *buf, size_t len, bool entity)
{
    memset(d, 0, sizeof(*d));
    mime_gmime_init();
    GMimeParser *p = open_stream(d, buf, len);
    if (entity)
        d->part = g_mime_parser_construct_part(p, NULL);
    else
        d->message = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    return 0;
}

/* mime_gmime_open - parse buf as a message */
int mime_gmime_open(mime_doc *d, const char *buf, size_t len)
{
    return open_doc(d, buf, len, false);
}

/* mime_gmime_open_part - parse buf as one entity */
int mime_gmime_open_part(mime_doc *d, const char *buf, size_t len)
{
    return open_doc(d, buf, len, true);
}

/* mime_gmime_close - drop GMime's objects; the buffer stays the caller's */
void mime_gmime_close(mime_doc *d)
{
    if (d->message)
        g_object_unref(d->message);
    if (d->part)
        g_object_unref(d->part);
    if (d->stream)
        g_object_unref(d->stream);
    if (d->bytes)
        g_byte_array_free(d->bytes, FALSE);
    memset(d, 0, sizeof(*d));
}

/* mime_gmime_body - the encoded body of a leaf, as a range of the view */
bool mime_gmime_body(size_t *start, size_t *end, GMimePart *part,
                     const mime_view *view)
{
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;

    if (!s || !GMIME_IS_STREAM_MEM(s))
        return false;
    GByteArray *b = GMIME_STREAM_MEM(s)->buffer;
    if (!b || b->data != (const guint8 *)view->buf)
        return false;
    gint64 a = s->bound_start, e = s->bound_end < 0 ? (gint64)view->len : s->bound_end;
    if (a < 0 || e < a || (guint64)e > view->len)
        return false;
    *start = (size_t)a;
    *end = (size_t)e;
    return true;
}

/* mime_gmime_raw_header - the first header of that name, as sent */
const char *mime_gmime_raw_header(GMimeObject *obj, const char *name)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(obj);
    GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;

    return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* mime_gmime_type - "type/subtype", lower-case */
void mime_gmime_type(char *out, size_t cap, GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *t = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    const char *s = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;

    snprintf(out, cap, "%s/%s", t ? t : "application", s ? s : "octet-stream");
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}
