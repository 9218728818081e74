/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_secure.c - multipart/encrypted and multipart/signed, believed only
 * when their parts are what they claim.
 *
 * PGP/MIME encryption (RFC 3156) is a control part of type
 * application/pgp-encrypted and a second part holding an encrypted OpenPGP
 * message; with both, the multipart is one encrypted content part. Anything
 * else under that label is walked as an ordinary multipart, so its text is
 * read.
 *
 * A signature is not encryption: multipart/signed's first part is content
 * and is walked; its signature part (application/pgp-signature or
 * application/(x-)pkcs7-signature) is skipped only when its bytes are a
 * real signature, so nothing can hide behind the label.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "message/mime.h"

/* decoded - the transfer-decoded body of a leaf child, or NULL, and in
 * *owned what to free (mime_leaf_decode); nothing is recorded, since a
 * part that fails the check is walked again */
static const unsigned char *decoded(size_t *len, unsigned char **owned,
                                    mime_walk *w, GMimeObject *obj, int *rc)
{
    const unsigned char *data = NULL;
    msg_origin origin;

    *rc = 0;
    *len = 0;
    *owned = NULL;
    if (!GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PART(obj))
        return NULL;
    *rc = mime_leaf_decode(&data, owned, len, &origin, w, GMIME_PART(obj), NULL);
    return *rc < 0 ? NULL : data;
}

/* mime_walk_encrypted - PGP/MIME: control part plus encrypted payload */
int mime_walk_encrypted(mime_walk *w, GMimeMultipart *mp, const char *path,
                        unsigned depth)
{
    char type[128];
    size_t len;
    int rc;

    (void)depth;
    if (g_mime_multipart_get_count(mp) != 2)
        return 0;
    mime_gmime_type(type, sizeof(type), g_mime_multipart_get_part(mp, 0));
    if (strcmp(type, "application/pgp-encrypted") != 0)
        return 0;
    unsigned char *owned;
    const unsigned char *data = decoded(&len, &owned, w,
                                        g_mime_multipart_get_part(mp, 1), &rc);
    bool ok = data && mime_crypt_pgp_encrypted(data, len, false);
    free(owned);
    if (rc < 0)
        return rc;
    if (!ok)
        return 0;
    rc = mime_walk_crypt(w, path, "PGP/MIME");
    return rc < 0 ? rc : 1;
}

/* is_signature - does this part hold a real detached signature? */
static int is_signature(bool *yes, mime_walk *w, GMimeObject *obj)
{
    char type[128];
    size_t len;
    int rc;

    *yes = false;
    mime_gmime_type(type, sizeof(type), obj);
    bool pgp = strcmp(type, "application/pgp-signature") == 0;
    bool cms = strcmp(type, "application/pkcs7-signature") == 0 ||
               strcmp(type, "application/x-pkcs7-signature") == 0;
    if (!pgp && !cms)
        return 0;
    unsigned char *owned;
    const unsigned char *data = decoded(&len, &owned, w, obj, &rc);
    if (data)
        *yes = pgp ? mime_crypt_pgp_signature(data, len)
                   : mime_crypt_cms(data, len) == MIME_CRYPT_SIGNED;
    free(owned);
    return rc;
}

/* mime_walk_signed - the content, and the signature unless it is a fake */
int mime_walk_signed(mime_walk *w, GMimeMultipart *mp, const char *path,
                     unsigned depth)
{
    int n = g_mime_multipart_get_count(mp), rc;
    bool sig = false;
    char *cp;

    if (n != 2)
        return 0;
    rc = is_signature(&sig, w, g_mime_multipart_get_part(mp, 1));
    if (rc < 0 || !sig)
        return rc;
    if ((rc = mime_path_child(&cp, path, 1)) < 0)
        return rc;
    rc = mime_walk_object(w, g_mime_multipart_get_part(mp, 0), cp, depth + 1);
    free(cp);
    return rc < 0 ? rc : 1;
}
