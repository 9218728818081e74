/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * encrypt_detect.c - is this part really encrypted? Headers lie; the bytes
 * decide.
 *
 * S/MIME: the body must be a CMS ContentInfo, DER or BER:
 *     SEQUENCE { OID, [0] EXPLICIT SEQUENCE { INTEGER version, ... } }
 * with OID 1.2.840.113549.1.7.3 (envelopedData) or 1.2.840.113549.1.9.16.1.23
 * (authEnvelopedData) for "encrypted"; 1.2.840.113549.1.7.2 (signedData) is
 * a signature, and its encapsulated content can be dug out and read. The
 * ContentInfo must be all there is (nothing but NUL padding after it), and enveloped
 * data that is mostly printable is clear text in a ciphertext field.
 *
 * OpenPGP: an armour is "-----BEGIN PGP MESSAGE-----", armour headers, a
 * blank line, base64 lines, an optional "=XXXX" CRC-24 (checked when
 * present) and "-----END PGP MESSAGE-----". The decoded packets (or a
 * binary part's packets) must start with public- or symmetric-key session
 * keys (tags 1, 3) followed by encrypted data (tags 9, 18, 20) that runs to
 * the end, each with a plausible version and a length that fits. Binary
 * packets are only looked for outside text parts. A signed-only or compressed
 * "PGP MESSAGE" is not encrypted.
 *
 * Limits: DER nesting is followed at most DER_MAX_DEPTH levels and PGP
 * packet chains at most PGP_MAX_PACKETS packets; every length is checked
 * against what is left before it is used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* BER with indefinite lengths nests as deep as the certificates inside it
 * (Outlook's signatures reach about 12); each level is one stack frame. */
#define DER_MAX_DEPTH 32
#define PGP_MAX_PACKETS 64

/* Below this many bytes the printable-share test says nothing. */
#define PLAIN_MIN_BYTES 64

/* One DER/BER element: tag, and content [off, off + len), or indefinite. */
struct tlv {
    unsigned tag;
    size_t off, len, end; /* end: one past the element, EOC included */
    bool indef;
};

static const unsigned char oid_enveloped[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03};
static const unsigned char oid_signed[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
static const unsigned char oid_auth_env[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                             0x01, 0x09, 0x10, 0x01, 0x17};
static const unsigned char oid_pkcs7_prefix[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01};

static bool der_read(struct tlv *t, const unsigned char *p, size_t len, size_t pos,
                     unsigned depth);

/* der_skip_indef - the end of an indefinite element's contents (its EOC) */
static bool der_skip_indef(size_t *end, const unsigned char *p, size_t len,
                           size_t pos, unsigned depth)
{
    struct tlv c;

    while (pos + 2 <= len) {
        if (p[pos] == 0 && p[pos + 1] == 0) {
            *end = pos + 2;
            return true;
        }
        if (!der_read(&c, p, len, pos, depth + 1))
            return false;
        pos = c.end;
    }
    return false;
}

/* der_read - parse the element header at pos, and find where it ends */
static bool der_read(struct tlv *t, const unsigned char *p, size_t len, size_t pos,
                     unsigned depth)
{
    if (depth > DER_MAX_DEPTH || pos + 2 > len || (p[pos] & 0x1F) == 0x1F)
        return false;
    t->tag = p[pos++];
    unsigned l = p[pos++];
    t->indef = l == 0x80;
    if (t->indef) {
        t->off = pos;
        if (!(t->tag & 0x20) || !der_skip_indef(&t->end, p, len, pos, depth))
            return false;
        t->len = t->end - 2 - pos;
        return true;
    }
    size_t n = l & 0x7F, v = l;
    if (l & 0x80) {
        if (n == 0 || n > 4 || pos + n > len)
            return false;
        for (v = 0; n--; pos++)
            v = v << 8 | p[pos];
    }
    if (v > len - pos)
        return false;
    t->off = pos;
    t->len = v;
    t->end = pos + v;
    return true;
}

/* oid_is - does the OID element hold exactly these bytes? */
static bool oid_is(const struct tlv *t, const unsigned char *p,
                   const unsigned char *oid, size_t n)
{
    return t->tag == 0x06 && t->len == n && memcmp(p + t->off, oid, n) == 0;
}

/* cms_open - ContentInfo: its OID and the inner SEQUENCE of [0] */
static bool cms_open(struct tlv *oid, struct tlv *inner, const unsigned char *p,
                     size_t len)
{
    struct tlv ci, ctx;

    return der_read(&ci, p, len, 0, 0) && ci.tag == 0x30 &&
           der_read(oid, p, len, ci.off, 1) && oid->tag == 0x06 &&
           der_read(&ctx, p, len, oid->end, 1) && ctx.tag == 0xA0 &&
           der_read(inner, p, len, ctx.off, 2) && inner->tag == 0x30;
}

/* looks_plain - mostly printable? Ciphertext is near-uniform bytes, about
 * 37% printable; a CMS wrapper around clear text is nearly all printable. */
static bool looks_plain(const unsigned char *p, size_t len)
{
    size_t printable = 0;

    if (len < PLAIN_MIN_BYTES)
        return false;
    for (size_t i = 0; i < len; i++)
        printable += (p[i] >= 0x20 && p[i] < 0x7F) || p[i] == '\t' || p[i] == '\r' ||
                     p[i] == '\n';
    return printable * 10 > len * 7;
}

/* zeros - only NUL bytes (what some mailers pad a signature with)? */
static bool zeros(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* mime_crypt_cms - what kind of CMS object, if any, these bytes are */
mime_crypt mime_crypt_cms(const unsigned char *der, size_t len)
{
    struct tlv ci, oid, inner, version;

    if (!der_read(&ci, der, len, 0, 0) || !zeros(der + ci.end, len - ci.end))
        return MIME_CRYPT_NONE; /* nothing after it but padding */
    if (!cms_open(&oid, &inner, der, len) ||
        !der_read(&version, der, len, inner.off, 3) || version.tag != 0x02 ||
        version.len != 1 || der[version.off] > 5)
        return MIME_CRYPT_NONE;
    if (oid_is(&oid, der, oid_enveloped, sizeof(oid_enveloped)) ||
        oid_is(&oid, der, oid_auth_env, sizeof(oid_auth_env)))
        return looks_plain(der, len) ? MIME_CRYPT_NONE : MIME_CRYPT_ENVELOPED;
    if (oid_is(&oid, der, oid_signed, sizeof(oid_signed)))
        return MIME_CRYPT_SIGNED;
    if (oid.len > sizeof(oid_pkcs7_prefix) &&
        memcmp(der + oid.off, oid_pkcs7_prefix, sizeof(oid_pkcs7_prefix)) == 0)
        return MIME_CRYPT_OTHER_CMS;
    return MIME_CRYPT_NONE;
}

/* octets - the bytes of an OCTET STRING, primitive or constructed */
static int octets(msg_sb *out, const unsigned char *p, size_t len,
                  const struct tlv *t, unsigned depth)
{
    if (t->tag == 0x04) {
        msg_sb_put(out, p + t->off, t->len);
        return 0;
    }
    if (t->tag != 0x24 || depth > DER_MAX_DEPTH)
        return PG_EPARSE;
    for (size_t pos = t->off; pos < t->off + t->len;) {
        struct tlv c;
        if (p[pos] == 0 && pos + 1 < len && p[pos + 1] == 0)
            break; /* the EOC of an indefinite string */
        if (!der_read(&c, p, len, pos, depth) || octets(out, p, len, &c, depth + 1) < 0)
            return PG_EPARSE;
        pos = c.end;
    }
    return 0;
}

/* mime_crypt_cms_content - the encapsulated content of a SignedData */
int mime_crypt_cms_content(unsigned char **out, size_t *out_len,
                           const unsigned char *der, size_t len)
{
    struct tlv oid, sd, version, algs, encap, type, ctx, str;
    msg_sb b = {0};

    if (!cms_open(&oid, &sd, der, len) ||
        !oid_is(&oid, der, oid_signed, sizeof(oid_signed)) ||
        !der_read(&version, der, len, sd.off, 3) || version.tag != 0x02 ||
        !der_read(&algs, der, len, version.end, 3) || algs.tag != 0x31 ||
        !der_read(&encap, der, len, algs.end, 3) || encap.tag != 0x30 ||
        !der_read(&type, der, len, encap.off, 4) || type.tag != 0x06 ||
        !der_read(&ctx, der, len, type.end, 4) || ctx.tag != 0xA0 ||
        !der_read(&str, der, len, ctx.off, 5))
        return PG_ENOTFOUND;
    if (octets(&b, der, len, &str, 5) < 0) {
        msg_sb_free(&b);
        return PG_ENOTFOUND;
    }
    return msg_sb_take((char **)out, out_len, &b);
}

/* --- OpenPGP ------------------------------------------------------------- */

/* One packet header: tag, and where the next packet starts. */
struct packet {
    unsigned tag;
    size_t body, next;
    bool partial; /* new-format partial length: the rest is streamed data */
};

/* pgp_new_len - a new-format length at p[*pos]; false when it does not fit */
static bool pgp_new_len(struct packet *k, const unsigned char *p, size_t len, size_t pos)
{
    size_t l;

    if (pos >= len)
        return false;
    if (p[pos] < 192) {
        l = p[pos++];
    } else if (p[pos] < 224) {
        if (pos + 2 > len)
            return false;
        l = ((size_t)(p[pos] - 192) << 8) + p[pos + 1] + 192;
        pos += 2;
    } else if (p[pos] == 255) {
        if (pos + 5 > len)
            return false;
        l = (size_t)p[pos + 1] << 24 | (size_t)p[pos + 2] << 16 |
            (size_t)p[pos + 3] << 8 | p[pos + 4];
        pos += 5;
    } else {
        k->partial = true; /* 1 << (p[pos] & 0x1F) bytes, then more */
        k->body = pos + 1;
        k->next = len;
        return true;
    }
    k->body = pos;
    k->next = pos + l;
    return l <= len - pos;
}

/* pgp_packet - the packet header at pos */
static bool pgp_packet(struct packet *k, const unsigned char *p, size_t len, size_t pos)
{
    static const size_t old_len[3] = {1, 2, 4};

    memset(k, 0, sizeof(*k));
    if (pos >= len || !(p[pos] & 0x80))
        return false;
    if (p[pos] & 0x40) {
        k->tag = p[pos] & 0x3F;
        return pgp_new_len(k, p, len, pos + 1);
    }
    k->tag = (p[pos] >> 2) & 0x0F;
    unsigned type = p[pos] & 3;
    pos++;
    if (type == 3) { /* indeterminate: to the end */
        k->body = pos;
        k->next = len;
        return true;
    }
    size_t n = old_len[type], l = 0;
    if (pos + n > len)
        return false;
    for (size_t i = 0; i < n; i++)
        l = l << 8 | p[pos + i];
    k->body = pos + n;
    k->next = k->body + l;
    return l <= len - k->body;
}

/* pgp_version_ok - a believable version byte for the packet's kind */
static bool pgp_version_ok(const struct packet *k, const unsigned char *p, size_t len)
{
    if (k->tag == 9)
        return true; /* legacy encrypted data has no version */
    if (k->body >= len)
        return false;
    unsigned v = p[k->body];
    switch (k->tag) {
    case 1: return v == 3 || v == 6;           /* PKESK */
    case 3: return v >= 4 && v <= 6;           /* SKESK */
    case 18: return v == 1 || v == 2;          /* SEIPD */
    case 20: return v == 1;                    /* AEAD */
    default: return false;
    }
}

/* pgp_encrypted_packets - one or more session keys, then encrypted data
 * that runs to the end: packets must cover the bytes exactly, so text that
 * happens to start like a packet header is not taken for a message */
static bool pgp_encrypted_packets(const unsigned char *p, size_t len)
{
    struct packet k;
    size_t pos = 0;
    unsigned keys = 0;

    for (unsigned n = 0; n < PGP_MAX_PACKETS && pgp_packet(&k, p, len, pos); n++) {
        if (!pgp_version_ok(&k, p, len))
            return false;
        if (k.tag == 9 || k.tag == 18 || k.tag == 20)
            return keys > 0 && (k.partial || k.next == len);
        if (k.partial) /* only data packets may be streamed */
            return false;
        keys++;
        pos = k.next;
    }
    return false;
}

/* crc24 - the OpenPGP armour checksum (RFC 4880 6.1) */
static uint32_t crc24(const unsigned char *p, size_t len)
{
    uint32_t crc = 0xB704CEu;

    for (size_t i = 0; i < len; i++) {
        crc ^= (uint32_t)p[i] << 16;
        for (int b = 0; b < 8; b++) {
            crc <<= 1;
            if (crc & 0x1000000u)
                crc ^= 0x1864CFBu;
        }
    }
    return crc & 0xFFFFFFu;
}

/* One armour block as found in text. */
struct armour {
    size_t body, body_end, crc, end; /* crc 0 when absent */
};

/* arm_line - the line at pos: [pos, *eol) trimmed, next at return */
static size_t arm_line(const char *s, size_t len, size_t pos, size_t *eol)
{
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - s) : len;

    *eol = e;
    while (*eol > pos && strchr(" \t\r", s[*eol - 1]))
        (*eol)--;
    return nl ? e + 1 : len;
}

/* is_line - is [pos, eol) exactly this text? */
static bool is_line(const char *s, size_t pos, size_t eol, const char *text)
{
    return eol - pos == strlen(text) && memcmp(s + pos, text, eol - pos) == 0;
}

/* arm_body_line - base64 letters only, or '=' padding */
static bool arm_body_line(const char *s, size_t pos, size_t eol)
{
    for (size_t i = pos; i < eol; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", s[i]))
            return false;
    return eol > pos;
}

/* arm_parse - an armour of this kind whose BEGIN line is at pos */
static bool arm_parse(struct armour *a, const char *s, size_t len, size_t pos,
                      const char *kind)
{
    char begin[48], end[48];
    size_t eol, next = arm_line(s, len, pos, &eol);

    snprintf(begin, sizeof(begin), "-----BEGIN PGP %s-----", kind);
    snprintf(end, sizeof(end), "-----END PGP %s-----", kind);
    if (!is_line(s, pos, eol, begin))
        return false;
    do { /* armour headers ("Key: value") up to a blank line */
        if ((pos = next) >= len)
            return false;
        next = arm_line(s, len, pos, &eol);
    } while (eol > pos && memchr(s + pos, ':', eol - pos));
    if (eol > pos)
        return false;
    a->body = next;
    a->crc = 0;
    for (pos = next; pos < len; pos = next) {
        next = arm_line(s, len, pos, &eol);
        if (is_line(s, pos, eol, end)) {
            a->body_end = a->crc ? a->crc : pos;
            a->end = next;
            return a->body_end > a->body;
        }
        if (a->crc)
            return false; /* only the END line may follow the checksum */
        if (s[pos] == '=' && eol - pos == 5)
            a->crc = pos;
        else if (!arm_body_line(s, pos, eol))
            return false;
    }
    return false;
}

/* arm_check - the body decodes, the CRC matches, the packets are right */
static bool arm_check(const struct armour *a, const char *s, bool signature)
{
    unsigned char *d, *c = NULL;
    size_t dl, cl = 0, stray;
    struct packet k;

    if (mime_base64_decode(&d, &dl, &stray, s + a->body, a->body_end - a->body) < 0)
        return false;
    bool ok = stray == 0 && dl > 0;
    if (ok && a->crc) {
        ok = mime_base64_decode(&c, &cl, NULL, s + a->crc + 1, 4) == 0 && cl == 3 &&
             crc24(d, dl) == ((uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2]);
        free(c);
    }
    if (ok && signature)
        ok = pgp_packet(&k, d, dl, 0) && k.tag == 2 && k.body < dl &&
             d[k.body] >= 3 && d[k.body] <= 6;
    else if (ok)
        ok = pgp_encrypted_packets(d, dl);
    free(d);
    return ok;
}

/* skip_space - past whitespace */
static size_t skip_space(const char *s, size_t len, size_t pos)
{
    while (pos < len && strchr(" \t\r\n", s[pos]) && s[pos])
        pos++;
    return pos;
}

/* only_armour - is text whitespace and valid armour blocks of one kind? */
static bool only_armour(const char *text, size_t len, const char *kind, bool signature)
{
    struct armour a;
    size_t pos = skip_space(text, len, 0);
    unsigned n = 0;

    while (pos < len) {
        if (!arm_parse(&a, text, len, pos, kind) || !arm_check(&a, text, signature))
            return false;
        n++;
        pos = skip_space(text, len, a.end);
    }
    return n > 0;
}

/* mime_crypt_pgp_inline - nothing but encrypted armour in this text? */
bool mime_crypt_pgp_inline(const char *text, size_t len)
{
    return only_armour(text, len, "MESSAGE", false);
}

/* mime_crypt_pgp_encrypted - encrypted armour, or binary packets when the
 * part is not text */
bool mime_crypt_pgp_encrypted(const unsigned char *data, size_t len, bool text)
{
    return mime_crypt_pgp_inline((const char *)data, len) ||
           (!text && pgp_encrypted_packets(data, len));
}

/* mime_crypt_pgp_signature - a valid detached signature armour */
bool mime_crypt_pgp_signature(const unsigned char *data, size_t len)
{
    return only_armour((const char *)data, len, "SIGNATURE", true);
}

/* mime_crypt_pgp_clear_armours - the payload of each armour that is not
 * encrypted, decoded */
int mime_crypt_pgp_clear_armours(const char *text, size_t len,
                                 int (*fn)(const unsigned char *body, size_t blen,
                                           void *payload),
                                 void *payload)
{
    static const char begin[] = "-----BEGIN PGP MESSAGE-----";
    const char *hit;
    size_t pos = 0;
    int rc = 0;

    while (rc >= 0 && (hit = memmem(text + pos, len - pos, begin, sizeof(begin) - 1))) {
        struct armour a;
        size_t at = (size_t)(hit - text);
        pos = at + 1;
        if ((at > 0 && text[at - 1] != '\n') || !arm_parse(&a, text, len, at, "MESSAGE") ||
            arm_check(&a, text, false))
            continue;
        unsigned char *d;
        size_t dl;
        if (mime_base64_decode(&d, &dl, NULL, text + a.body, a.body_end - a.body) < 0)
            return PG_ENOMEM;
        rc = fn(d, dl, payload);
        free(d);
        pos = a.end;
    }
    return rc < 0 ? rc : 0;
}
