/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper_extract.c - fixtures for the extractor tests; see
 * extract_fixtures.h. Linked into every tests/message program, so all
 * names carry the xfix_ prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "message/extract_fixtures.h"

/* xfix_put - append bytes */
static void xfix_put(xfix_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap < b->len + n)
            ncap *= 2;
        b->p = realloc(b->p, ncap);
        assert_non_null(b->p);
        b->cap = ncap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* xfix_printf - append formatted text */
static void xfix_printf(xfix_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void xfix_printf(xfix_buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    xfix_put(b, tmp, (size_t)n);
}

/* write_cb - libarchive's writer appends here */
static la_ssize_t write_cb(struct archive *a, void *payload, const void *buf, size_t n)
{
    xfix_put(payload, buf, n);
    return (la_ssize_t)n;
}

/* writer - a libarchive writer into out */
static struct archive *writer(xfix_buf *out, const char *format, const char *filter,
                              const char *options, const char *passphrase)
{
    struct archive *a = archive_write_new();

    assert_int_equal(archive_write_set_format_by_name(a, format), ARCHIVE_OK);
    if (filter)
        assert_int_equal(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK);
    if (options && archive_write_set_options(a, options) != ARCHIVE_OK)
        fail_msg("options %s: %s", options, archive_error_string(a));
    if (passphrase)
        assert_int_equal(archive_write_set_passphrase(a, passphrase), ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open(a, out, NULL, write_cb, NULL), ARCHIVE_OK);
    return a;
}

/* add_member - one regular file */
static void add_member(struct archive *a, const char *name, const void *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();

    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    if (len)
        assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
}

/* xfix_archive - an archive of the given members */
void xfix_archive(xfix_buf *out, const char *format, const char *filter,
                  const char *options, const char *passphrase,
                  const xfix_entry *entries, size_t n)
{
    struct archive *a = writer(out, format, filter, options, passphrase);

    for (size_t i = 0; i < n; i++) {
        size_t len = entries[i].len == (size_t)-1 ? strlen(entries[i].data) : entries[i].len;
        add_member(a, entries[i].name, entries[i].data, len);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

/* xfix_zeros_zip - one member of zeros, streamed in chunks */
void xfix_zeros_zip(xfix_buf *out, const char *member, size_t zeros)
{
    struct archive *a = writer(out, "zip", NULL, NULL, NULL);
    struct archive_entry *e = archive_entry_new();
    static const char chunk[1 << 16];

    archive_entry_set_pathname(e, member);
    archive_entry_set_size(e, (la_int64_t)zeros);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    for (size_t done = 0; done < zeros; done += sizeof(chunk)) {
        size_t n = zeros - done < sizeof(chunk) ? zeros - done : sizeof(chunk);
        assert_int_equal(archive_write_data(a, chunk, n), (la_ssize_t)n);
    }
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

/* xfix_pdf - a minimal one-page PDF; objects numbered 1..n, xref computed */
void xfix_pdf(xfix_buf *out, const char *text, bool encrypted, const char *extra)
{
    char stream[512];
    size_t off[8];
    int sn = snprintf(stream, sizeof(stream), "BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
    const char *objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        NULL, /* the content stream */
        "<< /Filter /Standard /V 1 /R 2 /P -4 "
        "/O <1fa2b3c4d5e6f708192a3b4c5d6e7f801fa2b3c4d5e6f708192a3b4c5d6e7f80> "
        "/U <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> >>",
    };
    int n = encrypted ? 6 : 5;

    xfix_printf(out, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n");
    if (extra)
        xfix_printf(out, "%s\n", extra);
    for (int i = 0; i < n; i++) {
        off[i] = out->len;
        if (i == 4)
            xfix_printf(out, "5 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n",
                        sn, stream);
        else
            xfix_printf(out, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = out->len;
    xfix_printf(out, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
    for (int i = 0; i < n; i++)
        xfix_printf(out, "%010zu 00000 n \n", off[i]);
    xfix_printf(out, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%zu\n%%%%EOF\n",
                n + 1,
                encrypted ? " /Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff>"
                            "<00112233445566778899aabbccddeeff>]" : "",
                xref);
}

/* xfix_limits - test limits */
void xfix_limits(pg_msg_limits *lim, bool isolate)
{
    *lim = (pg_msg_limits){
        .max_message_bytes = 64u << 20,
        .max_decoded_bytes = 256u << 20,
        .max_part_bytes = 64u << 20,
        .max_depth = 8,
        .max_parts = 1000,
        .max_archive_entries = 1000,
        .max_compression_ratio = 100,
        .extractor_timeout_ms = 10000,
        .extractor_memory_bytes = 512u << 20,
        .isolate_extractors = isolate,
    };
}

/* xfix_extract - one attachment into a fresh message */
pg_msg *xfix_extract(const xfix_buf *buf, const char *filename, const char *ct,
                     const pg_msg_limits *lim)
{
    pg_msg *m;
    msg_part part = {"2", filename, ct, buf->p, buf->len, 1, -1};

    assert_int_equal(msg_new(&m), 0);
    assert_int_equal(msg_extract_attachment(m, &part, lim), 0);
    return m;
}

/* xfix_segment - the segment at a path */
const pg_segment *xfix_segment(const pg_msg *m, const char *path)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        if (!strcmp(s->path, path))
            return s;
    }
    return NULL;
}

/* xfix_reason - the uninspectable reason for a path */
const char *xfix_reason(const pg_msg *m, const char *path)
{
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++)
        if (!strcmp(pg_msg_uninspectable_at(m, i)->segment, path))
            return pg_msg_uninspectable_at(m, i)->reason;
    return NULL;
}

/* dump - every segment and entry, to explain a failure */
static void dump(const pg_msg *m)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        print_message("  seg %s kind %d [%.200s]\n", s->path, (int)s->kind, s->text);
    }
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++)
        print_message("  unins %s: %s\n", pg_msg_uninspectable_at(m, i)->segment,
                      pg_msg_uninspectable_at(m, i)->reason);
}

/* xfix_assert_text - a segment of this kind at this path holds the needle
 * (an archive member has two: its name and its text) */
void xfix_assert_text(const pg_msg *m, const char *path, pg_seg_kind kind,
                      const char *needle)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        if (!strcmp(s->path, path) && s->kind == kind && s->in_attachment &&
            strstr(s->text, needle))
            return;
    }
    dump(m);
    fail_msg("no %s in a kind %d segment at %s", needle, (int)kind, path);
}

/* xfix_assert_reason - the path is uninspectable for this reason */
void xfix_assert_reason(const pg_msg *m, const char *path, const char *reason)
{
    const char *why = xfix_reason(m, path);

    if (!why || strcmp(why, reason) != 0) {
        dump(m);
        fail_msg("%s: want reason \"%s\", got \"%s\"", path, reason, why ? why : "(none)");
    }
}
