/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_addr.c - the display names in From, To and Cc.
 *
 * A display name is free text a sender controls ("Jane Doe SSN 536-22-1234"
 * <jane@example.com>), so it is scanned; the addresses themselves are not
 * (every message has one, and the policy knows them from the envelope).
 * We read the list ourselves rather than through GMime's address parser:
 * its names come through the RFC 2047 decoder of GMime #133, and deep
 * nesting there once overflowed the stack (upstream #15). This scanner is
 * one flat loop: quotes, comments (any depth, counted not recursed) and
 * angle brackets are states, ',' ends a mailbox, ':' ends a group name.
 *
 * Output: each non-empty name, RFC 2047-decoded, on its own line. For an
 * address without a name, the text of its comments ("jane@x (Jane Doe)").
 */
#include <stdlib.h>
#include <string.h>

#include "message/mime.h"

/* The scanner's place in the list. */
struct scan {
    const char *s;
    size_t len, i;
    int quote, paren, angle;
};

/* step - advance over one byte, updating quote/comment/angle state */
static void step(struct scan *sc)
{
    char c = sc->s[sc->i];

    if (c == '\\' && (sc->quote || sc->paren) && sc->i + 1 < sc->len)
        sc->i++;
    else if (c == '"' && !sc->paren)
        sc->quote = !sc->quote;
    else if (!sc->quote && c == '(')
        sc->paren++;
    else if (!sc->quote && c == ')' && sc->paren)
        sc->paren--;
    else if (!sc->quote && !sc->paren && c == '<')
        sc->angle = 1;
    else if (!sc->quote && !sc->paren && c == '>')
        sc->angle = 0;
    sc->i++;
}

/* put_name - decode [a, b) without quote marks and add it as one line */
static void put_name(msg_sb *out, const char *s, size_t a, size_t b, bool comments)
{
    msg_sb raw = {0};
    int depth = 0;

    for (size_t i = a; i < b; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < b) {
            c = s[++i];
        } else if (c == '"') {
            continue;
        } else if (comments) { /* keep only what is inside comments */
            if (c == '(' && depth++ == 0)
                c = ' ';
            else if (c == ')' && depth > 0 && --depth == 0)
                c = ' ';
            else if (depth == 0)
                continue;
        }
        msg_sb_putc(&raw, c);
    }
    char *dec = NULL;
    size_t dlen = 0;
    if (raw.err || mime_rfc2047_decode(&dec, &dlen, raw.p ? raw.p : "", raw.len) < 0)
        out->err = PG_ENOMEM;
    else if (dlen) {
        msg_sb_put(out, dec, dlen);
        msg_sb_putc(out, '\n');
    }
    free(dec);
    msg_sb_free(&raw);
}

/* mailbox - one mailbox [a, b): its name, or its comments */
static void mailbox(msg_sb *out, const char *s, size_t a, size_t b)
{
    struct scan sc = {s, b, a, 0, 0, 0};

    while (sc.i < b) {
        if (!sc.quote && !sc.paren && s[sc.i] == '<') {
            put_name(out, s, a, sc.i, false);
            return;
        }
        step(&sc);
    }
    put_name(out, s, a, b, true);
}

/* mime_addr_names - the display names of an address list, one per line */
int mime_addr_names(char **out, size_t *out_len, const char *value, size_t len)
{
    struct scan sc = {value, len, 0, 0, 0, 0};
    msg_sb names = {0};
    size_t start = 0;

    *out = NULL;
    *out_len = 0;
    while (sc.i <= len) {
        char c = sc.i < len ? value[sc.i] : ',';
        bool free_text = !sc.quote && !sc.paren && !sc.angle;
        if (sc.i == len || (free_text && (c == ',' || c == ';'))) {
            mailbox(&names, value, start, sc.i);
            start = ++sc.i;
        } else if (free_text && c == ':') {
            put_name(&names, value, start, sc.i, false); /* a group's name */
            start = ++sc.i;
        } else {
            step(&sc);
        }
    }
    if (names.len == 0 && !names.err)
        return 0;
    if (msg_sb_take(out, out_len, &names) < 0)
        return PG_ENOMEM;
    if (*out_len && (*out)[*out_len - 1] == '\n')
        (*out)[--*out_len] = '\0';
    return 0;
}
