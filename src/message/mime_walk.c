/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_walk.c - the walk over GMime's tree: every branch, every level.
 *
 * Paths number parts as IMAP does: the children of the top multipart are
 * 1, 2, ...; the children of part 2 are 2/1, 2/2; a single-part body is 1;
 * the body of a message/rfc822 at 2 is 2/1, or its children 2/1, 2/2 when
 * it is multipart. Every child of every multipart is walked, both sides of
 * multipart/alternative included: what a mail client does not show is
 * still sent.
 *
 * Limits: an entity deeper than max_depth or beyond max_parts is not
 * walked; it becomes an uninspectable entry (the guard normally stops such
 * trees before GMime builds them; this is the second wall). Recursion is
 * bounded by max_depth <= PG_HARD_MAX_DEPTH.
 *
 * Encryption: leaves and multipart/encrypted report encrypted parts through
 * mime_walk_crypt(); mime_walk_finish() sets pg_msg.encrypted only when
 * every content part was encrypted, and otherwise lists the encrypted ones
 * as uninspectable, since clear parts beside them were the ones we read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "message/mime.h"

/* mime_path_child - "base/n", or "n" at the top */
int mime_path_child(char **out, const char *base, unsigned n)
{
    size_t cap = strlen(base) + 16;
    char *p = malloc(cap);

    if (!p)
        return PG_ENOMEM;
    if (*base)
        snprintf(p, cap, "%s/%u", base, n);
    else
        snprintf(p, cap, "%u", n);
    *out = p;
    return 0;
}

/* refuse - an entity we will not walk: say why, and count it as content */
static int refuse(mime_walk *w, const char *path, const char *why)
{
    w->n_content++;
    return msg_add_uninspectable(w->msg, *path ? path : "message", why);
}

/* walk_children - every child of a multipart, in order */
static int walk_children(mime_walk *w, GMimeMultipart *mp, const char *path,
                         unsigned depth, int from)
{
    int n = g_mime_multipart_get_count(mp), rc = 0;

    for (int i = from; i < n && rc >= 0; i++) {
        char *cp;
        if ((rc = mime_path_child(&cp, path, (unsigned)i + 1)) < 0)
            break;
        rc = mime_walk_object(w, g_mime_multipart_get_part(mp, i), cp, depth + 1);
        free(cp);
    }
    return rc;
}

/* walk_margins - a multipart's preamble and epilogue: unseen, but sent */
static int walk_margins(mime_walk *w, GMimeMultipart *mp, const char *path)
{
    const char *pre = g_mime_multipart_get_prologue(mp);
    const char *post = g_mime_multipart_get_epilogue(mp);
    char seg[600];
    int rc = 0;

    if (pre) {
        snprintf(seg, sizeof(seg), "%s%spreamble", path, *path ? "/" : "");
        rc = mime_body_margin(w, seg, pre, strlen(pre));
    }
    if (post && rc >= 0) {
        snprintf(seg, sizeof(seg), "%s%sepilogue", path, *path ? "/" : "");
        rc = mime_body_margin(w, seg, post, strlen(post));
    }
    return rc;
}

/* mime_walk_object - dispatch one entity by its kind */
int mime_walk_object(mime_walk *w, GMimeObject *obj, const char *path,
                     unsigned depth)
{
    char type[128];

    if (depth > w->lim->max_depth)
        return refuse(w, path, "MIME nesting deeper than the depth limit");
    if (++w->parts > w->lim->max_parts) {
        if (w->parts_reported)
            return 0;
        w->parts_reported = true;
        return refuse(w, path, "more than max_parts MIME parts; the rest not inspected");
    }
    mime_gmime_type(type, sizeof(type), obj);
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int handled = walk_margins(w, mp, path);
        if (handled < 0)
            return handled;
        if (strcmp(type, "multipart/encrypted") == 0)
            handled = mime_walk_encrypted(w, mp, path, depth);
        else if (strcmp(type, "multipart/signed") == 0)
            handled = mime_walk_signed(w, mp, path, depth);
        return handled ? (handled < 0 ? handled : 0)
                       : walk_children(w, mp, path, depth, 0);
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        return m ? mime_walk_message(w, m, path, depth + 1) : 0;
    }
    if (GMIME_IS_PART(obj))
        return mime_leaf(w, GMIME_PART(obj), path, depth);
    return 0;
}

/* mime_walk_children - walk the children of mp from index from on */
int mime_walk_children(mime_walk *w, GMimeMultipart *mp, const char *path,
                       unsigned depth, int from)
{
    return walk_children(w, mp, path, depth, from);
}

/* mime_walk_message - headers, then the body */
int mime_walk_message(mime_walk *w, GMimeMessage *m, const char *path,
                      unsigned depth)
{
    int rc = mime_headers_add(w, m, path);
    GMimeObject *body = g_mime_message_get_mime_part(m);

    if (rc < 0 || !body)
        return rc;
    if (GMIME_IS_MULTIPART(body))
        return mime_walk_object(w, body, path, depth);
    char *cp;
    if (mime_path_child(&cp, path, 1) < 0)
        return PG_ENOMEM;
    rc = mime_walk_object(w, body, cp, depth);
    free(cp);
    return rc;
}

/* mime_walk_crypt - remember an encrypted part */
int mime_walk_crypt(mime_walk *w, const char *path, const char *what)
{
    if (w->n_crypt == w->cap_crypt) {
        size_t ncap = w->cap_crypt ? w->cap_crypt * 2 : 4;
        mime_crypt_part *p = realloc(w->crypt, ncap * sizeof(*p));
        if (!p)
            return PG_ENOMEM;
        w->crypt = p;
        w->cap_crypt = ncap;
    }
    char *dup = strdup(*path ? path : "1");
    if (!dup)
        return PG_ENOMEM;
    w->crypt[w->n_crypt++] = (mime_crypt_part){dup, what};
    w->n_content++;
    return 0;
}

/* mime_walk_finish - all encrypted, or the encrypted ones listed */
int mime_walk_finish(mime_walk *w)
{
    char why[96];

    if (w->n_crypt && w->n_crypt == w->n_content) {
        w->msg->encrypted = true;
        return 0;
    }
    for (size_t i = 0; i < w->n_crypt; i++) {
        snprintf(why, sizeof(why), "encrypted part (%s) beside clear parts",
                 w->crypt[i].what);
        if (msg_add_uninspectable(w->msg, w->crypt[i].path, why) < 0)
            return PG_ENOMEM;
    }
    return 0;
}

/* mime_walk_free - free what the walk remembered */
void mime_walk_free(mime_walk *w)
{
    for (size_t i = 0; i < w->n_crypt; i++)
        free(w->crypt[i].path);
    free(w->crypt);
    w->crypt = NULL;
    w->n_crypt = w->cap_crypt = 0;
}

/* mime_budget - room for len more decoded bytes, or an entry saying not */
int mime_budget(mime_walk *w, const char *path, size_t len, bool *ok)
{
    *ok = len <= w->lim->max_decoded_bytes &&
          w->msg->decoded_bytes <= w->lim->max_decoded_bytes - len;
    if (*ok)
        return 0;
    return msg_add_uninspectable(w->msg, *path ? path : "message",
                                 "decoded size limit reached");
}
