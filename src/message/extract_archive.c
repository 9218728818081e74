/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_archive.c - archives (zip, tar, 7z, rar, cpio, cab, iso) and
 * single compressed files (gz, bz2, xz, zst, lz4...) through libarchive,
 * every member dispatched again one level deeper.
 *
 * Each member's name is text (a PG_SEG_FILENAME segment: "SSN 536-22-1234
 * scan.pdf" is a leak by itself), and its bytes become a part at
 * "<archive path>/entry:<name>". A compressed single file (raw format) has
 * no stored name; it is read as the archive's own name without the
 * compression suffix, so "report.csv.gz" is read as "report.csv".
 *
 * Bombs: a member may unpack to at most max_part_bytes (checked against
 * the stored size first, then while reading); once an archive has unpacked
 * more than MSG_RATIO_FLOOR bytes, more than max_compression_ratio times its
 * own size stops it whole ("compression ratio exceeded"), so a 100 MB run
 * of zeros costs ratio x packed bytes of work, not 100 MB. At most
 * max_archive_entries members are read per archive ("entry limit"); depth
 * is checked by the dispatcher. Encrypted members and archives whose
 * headers are encrypted are "encrypted archive".
 *
 * Only built-in decompressors are enabled: support_filter_all would also
 * register the external-program ones (lrzip, lzop, grzip).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "message/extract_int.h"

/* Entry read outcomes beyond 0 / PG_ENOMEM. */
#define UNPACK_SIZE PG_ETOOBIG
#define UNPACK_RATIO PG_ESTATE
#define UNPACK_BAD PG_EPARSE
#define UNPACK_ENCRYPTED PG_EPERM

static const char *const compress_suffixes[] = {".gz", ".bz2", ".xz", ".zst", ".lz4",
                                                ".lz", ".lzma", ".z", ".Z"};

/* msg_archive_open - a reader over the part's bytes, or NULL (out of
 * memory); open errors surface at the first archive_read_next_header */
struct archive *msg_archive_open(const msg_part *part)
{
    struct archive *a = archive_read_new();

    if (!a)
        return NULL;
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_lzip(a);
    archive_read_support_filter_compress(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_raw(a); /* bids last: a lone compressed file */
    archive_read_open_memory(a, part->data, part->len);
    return a;
}

/* too_packed - has this archive unpacked more than the ratio allows? */
static bool too_packed(const msg_unpack *u, const pg_msg_limits *lim)
{
    unsigned ratio = lim->max_compression_ratio;

    return ratio && u->unpacked > MSG_RATIO_FLOOR && u->unpacked / ratio > u->packed;
}

/* msg_archive_read - the current member's bytes into b (capped at
 * max_part_bytes), counted in u; 0, PG_ENOMEM or an UNPACK_* code */
int msg_archive_read(struct archive *a, msg_sb *b, msg_unpack *u,
                     const pg_msg_limits *lim)
{
    char chunk[65536];

    msg_sb_init(b, lim->max_part_bytes);
    for (;;) {
        la_ssize_t k = archive_read_data(a, chunk, sizeof(chunk));
        if (k == 0)
            return 0;
        if (k < 0)
            return UNPACK_BAD;
        u->unpacked += (size_t)k;
        if (too_packed(u, lim))
            return UNPACK_RATIO;
        msg_sb_put(b, chunk, (size_t)k);
        if (b->err)
            return b->err == PG_ETOOBIG ? UNPACK_SIZE : b->err;
    }
}

/* msg_archive_why - the uninspectable reason for an UNPACK_* code */
const char *msg_archive_why(int code, const char *unparseable)
{
    switch (code) {
    case UNPACK_SIZE: return MSG_WHY_SIZE;
    case UNPACK_RATIO: return MSG_WHY_RATIO;
    case UNPACK_ENCRYPTED: return MSG_WHY_ENC_ARCHIVE;
    default: return unparseable;
    }
}

/* raw_name - the name a lone compressed file had before compression */
static void raw_name(char *out, size_t cap, const char *outer)
{
    size_t n = outer ? strlen(outer) : 0;

    for (size_t i = 0; i < sizeof(compress_suffixes) / sizeof(*compress_suffixes); i++) {
        size_t sn = strlen(compress_suffixes[i]);
        if (n > sn && strcmp(outer + n - sn, compress_suffixes[i]) == 0) {
            n -= sn;
            break;
        }
    }
    snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), outer ? outer : "");
}

/* header_failed - why the next member could not be read */
static int header_failed(pg_msg *msg, struct archive *a, const char *seg_path)
{
    const char *e = archive_error_string(a);
    bool enc = archive_read_has_encrypted_entries(a) > 0 ||
               (e && (strstr(e, "ncrypt") || strstr(e, "assphrase")));

    return msg_add_uninspectable(msg, seg_path, enc ? MSG_WHY_ENC_ARCHIVE : "unparseable archive");
}

/* member_data - read a regular member and dispatch it; 1 stops the archive */
static int member_data(pg_msg *msg, struct archive *a, struct archive_entry *e,
                       const msg_part *sub, const char *path, msg_unpack *u,
                       const pg_msg_limits *lim)
{
    msg_sb data = {0};
    int rc;

    if (archive_entry_is_encrypted(e))
        rc = UNPACK_ENCRYPTED;
    else if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
             (uint64_t)archive_entry_size(e) > lim->max_part_bytes)
        rc = UNPACK_SIZE;
    else
        rc = msg_archive_read(a, &data, u, lim);
    if (rc == 0) {
        msg_part p = *sub;
        p.data = (const unsigned char *)data.p;
        p.len = data.len;
        rc = msg_extract_dispatch(msg, &p, path, lim);
    } else if (rc == UNPACK_RATIO) {
        rc = msg_add_uninspectable(msg, sub->path, MSG_WHY_RATIO);
        rc = rc < 0 ? rc : 1;
    } else if (rc != PG_ENOMEM) {
        rc = msg_add_uninspectable(msg, path, msg_archive_why(rc, "unparseable archive"));
    }
    msg_sb_free(&data);
    return rc;
}

/* member - one member: its name as text, then its bytes as a part */
static int member(pg_msg *msg, struct archive *a, struct archive_entry *e,
                  const msg_part *part, const char *seg_path, msg_unpack *u,
                  const pg_msg_limits *lim)
{
    char rawbuf[MSG_NAME_CLIP + 1], *path;
    bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
    const char *name = archive_entry_pathname_utf8(e);

    if (raw && archive_filter_count(a) <= 1)
        return msg_add_uninspectable(msg, seg_path, "unparseable archive");
    if (raw)
        raw_name(rawbuf, sizeof(rawbuf), part->filename);
    name = raw ? rawbuf : name ? name : archive_entry_pathname(e);
    name = name ? name : "";
    int rc = msg_extract_path(&path, seg_path, "entry", name);
    if (rc < 0)
        return rc == PG_ENOMEM ? rc : msg_add_uninspectable(msg, seg_path, MSG_WHY_DEPTH);
    if (!raw)
        rc = msg_extract_emit(msg, path, PG_SEG_FILENAME, name, strlen(name), lim);
    if (rc == 0 && archive_entry_filetype(e) == AE_IFREG) {
        msg_part sub = {seg_path, name, "application/octet-stream", NULL, 0,
                        part->depth + 1, -1};
        rc = member_data(msg, a, e, &sub, path, u, lim);
    }
    free(path);
    return rc;
}

/* msg_extract_archive - every member of an archive, recursively */
int msg_extract_archive(pg_msg *msg, const msg_part *part, const char *seg_path,
                        const pg_msg_limits *lim)
{
    struct archive *a = msg_archive_open(part);
    struct archive_entry *e;
    msg_unpack u = {part->len, 0};
    unsigned entries = 0;
    int rc = 0;

    if (!a)
        return PG_ENOMEM;
    while (rc == 0) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            rc = header_failed(msg, a, seg_path);
        else if (++entries > lim->max_archive_entries)
            rc = msg_add_uninspectable(msg, seg_path, MSG_WHY_ENTRIES);
        else
            rc = member(msg, a, e, part, seg_path, &u, lim);
        if (r < ARCHIVE_WARN || entries > lim->max_archive_entries)
            break;
    }
    archive_read_free(a);
    return rc < 0 ? rc : 0;
}
