/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   headers.c - the RFC 5322 header block, rebuilt from libmilter's pieces
 *   and read back field by field.
 *
 * SUMMARY
 *   pg_milter_hdr_append, pg_milter_hdr_block_len, pg_milter_hdr_next,
 *   pg_milter_hdr_value (see milter.h).
 *
 * DESCRIPTION
 *   libmilter gives each header as (name, value) with the leading space of
 *   the value removed and folds as bare LF. The gateway writes them back
 *   as "name: value\r\n" with every fold made CRLF, so the rebuilt message
 *   is in the same line format as the body Postfix sends (CRLF).
 *
 *   Reading a block back uses the same rule, so a block the milter wrote
 *   and a redacted copy of it (pg_msg_redact keeps every byte it does not
 *   mask) parse into the same fields in the same order; a field whose
 *   bytes differ is one the redaction touched, and act.c changes exactly
 *   that field in Postfix with smfi_chgheader.
 *
 *   Nothing here allocates except pg_milter_hdr_value().
 */
#include <stdlib.h>
#include <string.h>

#include "milter/milter.h"

/* pg_milter_hdr_append - write one field in CRLF form into the spool */
void pg_milter_hdr_append(pg_milter_spool *s, const char *name,
                          const char *value)
{
    const char *p = value, *lf;

    pg_milter_spool_append(s, name, strlen(name));
    pg_milter_spool_append(s, ": ", 2);
    while ((lf = strchr(p, '\n')) != NULL) {
        size_t n = (size_t)(lf - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        pg_milter_spool_append(s, p, n);
        pg_milter_spool_append(s, "\r\n", 2);
        p = lf + 1;
    }
    pg_milter_spool_append(s, p, strlen(p));
    pg_milter_spool_append(s, "\r\n", 2);
}

/* line_end - index of the LF ending the line at pos, or len */
static size_t line_end(const char *raw, size_t len, size_t pos)
{
    const char *lf = memchr(raw + pos, '\n', len - pos);

    return lf ? (size_t)(lf - raw) : len;
}

/* pg_milter_hdr_block_len - where the body starts (after the empty line) */
size_t pg_milter_hdr_block_len(const char *raw, size_t len)
{
    size_t pos = 0;

    while (pos < len) {
        size_t end = line_end(raw, len, pos);
        size_t n = end - pos;
        if (n == 0 || (n == 1 && raw[pos] == '\r'))
            return end < len ? end + 1 : len;
        pos = end + 1;
    }
    return len;
}

/* field_end - one past the last byte of the field starting at pos,
 * continuation lines included, before the final line break */
static size_t field_end(const char *raw, size_t len, size_t pos, size_t *next)
{
    for (;;) {
        size_t end = line_end(raw, len, pos);
        size_t stop = end > pos && raw[end - 1] == '\r' ? end - 1 : end;
        if (end + 1 >= len || (raw[end + 1] != ' ' && raw[end + 1] != '\t')) {
            *next = end < len ? end + 1 : len;
            return stop;
        }
        pos = end + 1;
    }
}

/* pg_milter_hdr_next - parse the field at *pos; false at the empty line */
bool pg_milter_hdr_next(pg_milter_hdr *h, const char *block, size_t len,
                        size_t *pos)
{
    size_t start = *pos, stop, next;
    const char *colon;

    if (start >= len || block[start] == '\n' || block[start] == '\r')
        return false;
    stop = field_end(block, len, start, &next);
    colon = memchr(block + start, ':', stop - start);
    if (!colon)
        colon = block + stop;   /* not a field: a name with no value */
    h->name = block + start;
    h->name_len = (size_t)(colon - h->name);
    h->value = colon < block + stop ? colon + 1 : colon;
    if (h->value < block + stop && *h->value == ' ')
        h->value++;
    h->value_len = (size_t)(block + stop - h->value);
    *pos = next;
    return true;
}

/* pg_milter_hdr_value - the value with CRLF folds made LF, as a string */
char *pg_milter_hdr_value(const pg_milter_hdr *h)
{
    char *out = malloc(h->value_len + 1), *w = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < h->value_len; i++) {
        if (h->value[i] == '\r' && i + 1 < h->value_len && h->value[i + 1] == '\n')
            continue;
        *w++ = h->value[i];
    }
    *w = '\0';
    return out;
}
