/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   reply.c - what the sender reads: the policy's short notice as SMTP
 *   reply lines, and the counts-only entity summary for headers and logs.
 *
 * SUMMARY
 *   pg_milter_reply_split, pg_milter_entity_summary (see milter.h).
 *
 * DESCRIPTION
 *   smfi_setmlreply() takes printf-like text, so '%' must be doubled; a CR
 *   or LF inside a line would forge a reply line, and 8-bit bytes upset
 *   clients that did not ask for SMTPUTF8. So every control byte becomes a
 *   space and every non-ASCII character one '?'. Lines longer than
 *   PG_MILTER_REPLY_LINE_MAX wrap at the last space; blank lines are
 *   dropped (a reply has no paragraphs). A notice that still needs more
 *   than PG_MILTER_REPLY_LINES lines ends in " [...]" on the last line, so
 *   the cut is visible rather than silent.
 *
 *   The entity summary carries types and counts, never values: it goes
 *   into X-PIIGuard-Entities and the log line.
 */
#include <stdio.h>
#include <string.h>

#include "milter/milter.h"

#define MORE_MARK " [...]"

typedef struct reply_buf {
    char (*lines)[PG_MILTER_REPLY_LINE_MAX + 1];
    size_t n;        /* finished lines */
    size_t len;      /* bytes in lines[n] */
    bool overflow;   /* text was left over */
} reply_buf;

/* end_line - finish the current line unless it is empty */
static void end_line(reply_buf *rb)
{
    if (rb->len == 0 || rb->n >= PG_MILTER_REPLY_LINES)
        return;
    rb->lines[rb->n][rb->len] = '\0';
    rb->n++;
    rb->len = 0;
}

/* wrap - the current line is full: break it at its last space */
static void wrap(reply_buf *rb)
{
    char *cur = rb->lines[rb->n];
    char *sp = memrchr(cur, ' ', rb->len);
    size_t keep = sp && sp > cur ? (size_t)(sp - cur) : rb->len;
    size_t tail = sp && sp > cur ? rb->len - keep - 1 : 0;

    rb->len = keep;
    end_line(rb);
    if (rb->n >= PG_MILTER_REPLY_LINES) {
        rb->overflow = true;
        return;
    }
    memmove(rb->lines[rb->n], cur + keep + 1, tail);
    rb->len = tail;
}

/* put - append k bytes that must stay together (one char or "%%") */
static void put(reply_buf *rb, const char *s, size_t k)
{
    if (rb->n >= PG_MILTER_REPLY_LINES) {
        rb->overflow = true;
        return;
    }
    if (rb->len + k > PG_MILTER_REPLY_LINE_MAX)
        wrap(rb);
    if (rb->n >= PG_MILTER_REPLY_LINES)
        return;
    memcpy(rb->lines[rb->n] + rb->len, s, k);
    rb->len += k;
}

/* mark_more - end the last line with MORE_MARK, keeping "%%" pairs whole */
static void mark_more(reply_buf *rb)
{
    char *last = rb->lines[PG_MILTER_REPLY_LINES - 1];
    size_t len = strlen(last), max = PG_MILTER_REPLY_LINE_MAX - strlen(MORE_MARK);
    size_t pct = 0;

    if (len > max)
        len = max;
    while (pct < len && last[len - 1 - pct] == '%')
        pct++;
    if (pct % 2)
        len--;
    memcpy(last + len, MORE_MARK, sizeof(MORE_MARK));
}

/* pg_milter_reply_split - sanitise, escape and wrap a notice */
size_t pg_milter_reply_split(char lines[][PG_MILTER_REPLY_LINE_MAX + 1],
                             const char *notice)
{
    reply_buf rb = {.lines = lines};
    const unsigned char *p = (const unsigned char *)(notice ? notice : "");

    for (unsigned char prev = 0; *p; prev = *p++) {
        if (*p == '\n')
            end_line(&rb);
        else if (*p == '%')
            put(&rb, "%%", 2);
        else if (*p >= 0x80 && *p < 0xc0 && prev >= 0x80)
            continue;   /* a continuation byte: its character is one '?' */
        else if (*p >= 0x80)
            put(&rb, "?", 1);
        else
            put(&rb, *p < 0x20 || *p == 0x7f ? " " : (const char *)p, 1);
    }
    end_line(&rb);
    if (rb.overflow && rb.n == PG_MILTER_REPLY_LINES)
        mark_more(&rb);
    if (rb.n == 0) {
        snprintf(lines[0], PG_MILTER_REPLY_LINE_MAX + 1,
                 "Message refused by the data protection policy");
        rb.n = 1;
    }
    return rb.n;
}

/* pg_milter_entity_summary - "TYPE:N,TYPE:N" in entity order, or "none" */
size_t pg_milter_entity_summary(char *out, size_t cap, const pg_msg *msg)
{
    unsigned counts[PG_ENT_COUNT] = {0};
    size_t n = msg ? pg_msg_finding_count(msg) : 0, len = 0;

    for (size_t i = 0; i < n; i++) {
        pg_entity e = pg_msg_finding_at(msg, i)->f.entity;
        if ((unsigned)e < PG_ENT_COUNT)
            counts[e]++;
    }
    if (cap > 0)
        out[0] = '\0';
    for (int e = 0; e < PG_ENT_COUNT && cap > 0; e++) {
        int w;
        if (!counts[e])
            continue;
        w = snprintf(out + len, cap - len, "%s%s:%u", len ? "," : "",
                     pg_entity_name((pg_entity)e), counts[e]);
        if (w < 0 || (size_t)w >= cap - len) {
            out[len] = '\0';   /* clipped at the last whole entry */
            break;
        }
        len += (size_t)w;
    }
    if (len == 0 && cap > 0)
        len = (size_t)snprintf(out, cap, "none");
    return len < cap ? len : cap - 1;
}
