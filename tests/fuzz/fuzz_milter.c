/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_milter.c - libFuzzer target: the milter's message assembly, driven
 * the way libmilter drives it, without a socket.
 *
 * Input: byte 0 is a set of knobs (spool threshold: spill at once, 256 B,
 * 64 KiB, 1 MiB; body chunk size; a small or the default message
 * ceiling); the rest is a message as an MTA receives it. A stand-in for
 * Postfix cuts it the way Postfix hands it to a milter: one (name, value)
 * pair per header field with folds as bare LF and NULs gone (libmilter
 * strings end at NUL), the end of the header, then the body as CRLF lines
 * in chunks. The session (conn.c), the spool (spool.c) and the header
 * rebuilding (headers.c) collect it exactly as callbacks.c does; end of
 * message maps the spool and parses and scans what it holds, and runs
 * the two helpers end of message uses on what it found (the entity
 * summary, the SMTP reply lines).
 *
 * Invariants:
 *   - the spool holds what was appended, or a sticky error (then the
 *     message would be tempfailed; nothing more to check);
 *   - the rebuilt header block reads back (pg_milter_hdr_next/_value)
 *     into the same fields, in order, with the same values, and ends
 *     where the empty line is;
 *   - parsing and scanning the rebuilt message keep fuzz_msg's
 *     invariants;
 *   - a redacted copy's header block holds the same field names in the
 *     same order (act.c changes headers pairwise and tempfails otherwise);
 *   - the entity summary and the reply lines fit their buffers, and a
 *     reply line holds no control byte, no 8-bit byte and no lone '%'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "milter/milter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 512

/* One header field as libmilter would pass it to cb_header. */
typedef struct field {
    char *name, *value;
} field;

typedef struct session {
    field f[MAX_FIELDS];
    size_t n;
    size_t hdr_bytes;   /* bytes pg_milter_hdr_append wrote, computed here */
} session;

/* fuzz_milter - the shared milter object the callbacks would see */
static pg_milter *fuzz_milter(size_t threshold, size_t max)
{
    static pg_milter_opts opts;
    static pg_milter m;
    static int made;

    if (!made) {
        char dir[] = "/tmp/pg-fuzz-spool.XXXXXX";
        if (!mkdtemp(dir))
            abort();
        snprintf(m.spool_dir, sizeof(m.spool_dir), "%s", dir);
        pg_milter_opts_init(&opts);
        m.opts = &opts;
        made = 1;
    }
    opts.spool_threshold = threshold;
    opts.max_message = max;
    return &m;
}

/* clean_copy - a libmilter string: NULs made '?', CR before LF dropped */
static char *clean_copy(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1), *w = s;

    if (!s)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
            continue;
        *w++ = p[i] ? (char)p[i] : '?';
    }
    *w = '\0';
    return s;
}

/* header_name_len - length of "name" in "name:" at p, 0 when not a field */
static size_t header_name_len(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
        i++;
    return i > 0 && i < n && p[i] == ':' ? i : 0;
}

/* line_len - bytes up to (not including) the next LF, or to the end */
static size_t line_len(const uint8_t *p, size_t n)
{
    const uint8_t *lf = memchr(p, '\n', n);

    return lf ? (size_t)(lf - p) : n;
}

/* cut_headers - the fields as Postfix hands them to libmilter (each
 * physical line without its LF or CRLF, folds joined by LF); returns
 * where the body starts */
static size_t cut_headers(session *ss, const uint8_t *p, size_t n)
{
    size_t pos = 0, vstart = 0, vend = 0, nl;
    bool open = false;

    while (pos < n) {
        size_t len = line_len(p + pos, n - pos), next = pos + len + (pos + len < n);
        size_t text = len && p[pos + len - 1] == '\r' ? len - 1 : len;
        if (text > 0 && open && (p[pos] == ' ' || p[pos] == '\t')) {
            vend = pos + text;                        /* a fold */
            pos = next;
            continue;
        }
        if (open)
            ss->f[ss->n - 1].value = clean_copy(p + vstart, vend - vstart);
        open = false;
        if (text == 0)
            return next;                              /* the empty line */
        if (ss->n >= MAX_FIELDS || !(nl = header_name_len(p + pos, text)))
            return pos;                               /* not a field: body starts */
        ss->f[ss->n++].name = clean_copy(p + pos, nl);
        vstart = pos + nl + 1;
        if (vstart < pos + text && p[vstart] == ' ')
            vstart++;                                 /* libmilter drops one space */
        vend = pos + text;
        open = true;
        pos = next;
    }
    if (open)
        ss->f[ss->n - 1].value = clean_copy(p + vstart, vend - vstart);
    return pos;
}

/* appended_bytes - what pg_milter_hdr_append writes for one field: a
 * bare LF fold becomes CRLF, a CRLF stays two bytes */
static size_t appended_bytes(const field *f)
{
    size_t n = strlen(f->name) + 2 + strlen(f->value) + 2;

    for (const char *v = f->value; (v = strchr(v, '\n')) != NULL; v++)
        if (v == f->value || v[-1] != '\r')
            n++;
    return n;
}

/* same_value - a value read back equals the one sent, but for a CR
 * before a fold's LF, which pg_milter_hdr_append drops (Postfix sends one
 * only for a line that ended in CR CR LF) */
static bool same_value(const char *got, const char *sent)
{
    for (;;) {
        if (sent[0] == '\r' && sent[1] == '\n')
            sent++;
        if (*got != *sent)
            return false;
        if (!*got)
            return true;
        got++, sent++;
    }
}

/* feed_body - the body as CRLF lines, in chunks of @chunk bytes */
static void feed_body(pg_milter_spool *s, const uint8_t *p, size_t n, size_t chunk)
{
    uint8_t buf[65536 + 2];
    size_t used = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
            buf[used++] = '\r';
        buf[used++] = p[i];
        if (used >= chunk) {
            pg_milter_spool_append(s, buf, used);
            used = 0;
        }
    }
    if (used)
        pg_milter_spool_append(s, buf, used);
}

/* check_readback - the rebuilt block reads back into the fields sent */
static void check_readback(const session *ss, const char *raw, size_t len)
{
    size_t block = pg_milter_hdr_block_len(raw, len), pos = 0, i = 0;
    pg_milter_hdr h;

    if (block != ss->hdr_bytes + 2)
        abort();
    while (pg_milter_hdr_next(&h, raw, block, &pos)) {
        if (i >= ss->n || h.name_len != strlen(ss->f[i].name) ||
            memcmp(h.name, ss->f[i].name, h.name_len) != 0)
            abort();
        char *v = pg_milter_hdr_value(&h);
        if (!v || !same_value(v, ss->f[i].value))
            abort();
        free(v);
        i++;
    }
    if (i != ss->n)
        abort();
}

/* select_all - redact every finding */
static bool select_all(const pg_msg_finding *f, void *payload)
{
    return true;
}

/* check_redacted - the redacted copy keeps the header fields' names and order */
static void check_redacted(const pg_msg *m, const char *raw, size_t len)
{
    char *red = NULL;
    size_t rlen = 0, pa = 0, pb = 0;
    pg_milter_hdr a, b;

    if (pg_msg_redact(&red, &rlen, m, select_all, NULL, PG_MASK_SHAPE) < 0)
        return;
    size_t ho = pg_milter_hdr_block_len(raw, len), hr = pg_milter_hdr_block_len(red, rlen);
    while (pg_milter_hdr_next(&a, raw, ho, &pa)) {
        if (!pg_milter_hdr_next(&b, red, hr, &pb) || a.name_len != b.name_len ||
            strncasecmp(a.name, b.name, a.name_len) != 0)
            abort();
    }
    free(red);
}

/* check_replies - the summary and the reply lines keep their promises */
static void check_replies(const pg_msg *m, const session *ss)
{
    char small[24], big[1024];
    char lines[PG_MILTER_REPLY_LINES][PG_MILTER_REPLY_LINE_MAX + 1];

    if (pg_milter_entity_summary(small, sizeof(small), m) >= sizeof(small) ||
        pg_milter_entity_summary(big, sizeof(big), m) >= sizeof(big))
        abort();
    size_t n = pg_milter_reply_split(lines, ss->n ? ss->f[0].value : "");
    if (n < 1 || n > PG_MILTER_REPLY_LINES)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t len = strnlen(lines[i], PG_MILTER_REPLY_LINE_MAX + 1), pct = 0;
        if (len > PG_MILTER_REPLY_LINE_MAX)
            abort();
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)lines[i][k];
            if (c < 0x20 || c >= 0x7f)
                abort();
            pct = c == '%' ? pct + 1 : (pct % 2 ? (abort(), 0) : 0);
        }
        if (pct % 2)
            abort();
    }
}

/* check_message - parse and scan what the spool holds */
static void check_message(const session *ss, const char *raw, size_t len)
{
    pg_msg *m = fuzz_parse_scan(raw, len);

    if (!m)
        return;
    check_redacted(m, raw, len);
    check_replies(m, ss);
    pg_msg_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t thresholds[] = {0, 256, 64u << 10, 1u << 20};
    static const size_t chunks[] = {13, 1024, 65535, 4096};
    session ss = {.n = 0};
    pg_milter_conn *c;
    const char *raw;
    size_t len;

    if (size < 1)
        return 0;
    uint8_t knobs = data[0];
    pg_milter *m = fuzz_milter(thresholds[knobs & 3],
                               knobs & 0x10 ? 4096 : PG_MILTER_DEFAULT_MAX_MESSAGE);
    data++, size--;
    size_t body = cut_headers(&ss, data, size);

    if (pg_milter_conn_new(&c) < 0)
        return 0;
    /* cb_envfrom, cb_envrcpt */
    pg_milter_conn_sender(c, NULL, "<agent@corp.example.com>", knobs & 0x20 ? "agent" : NULL);
    pg_milter_conn_rcpt(c, "customer@example.net", NULL);
    pg_milter_conn_rcpt(c, NULL, "<other@example.org>");
    /* cb_header, cb_eoh, cb_body, cb_eom */
    for (size_t i = 0; i < ss.n; i++) {
        pg_milter_spool *s = pg_milter_conn_spool(c, m);
        if (s)
            pg_milter_hdr_append(s, ss.f[i].name, ss.f[i].value);
        ss.hdr_bytes += appended_bytes(&ss.f[i]);
    }
    if (pg_milter_conn_spool(c, m))
        pg_milter_spool_append(c->spool, "\r\n", 2);
    if (c->spool)
        feed_body(c->spool, data + body, size - body, chunks[(knobs >> 2) & 3]);
    if (!c->error && c->spool && pg_milter_spool_map(&raw, &len, c->spool) == 0) {
        if (len < ss.hdr_bytes + 2)
            abort();
        check_readback(&ss, raw, len);
        check_message(&ss, raw, len);
    } else if (!c->error && c->spool && pg_milter_spool_error(c->spool) == 0) {
        abort(); /* a map that failed must leave its error behind */
    }
    pg_milter_conn_free(c);
    for (size_t i = 0; i < ss.n; i++) {
        free(ss.f[i].name);
        free(ss.f[i].value);
    }
    return 0;
}
