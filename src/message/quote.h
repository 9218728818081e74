/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.h - find quoted-reply regions in text: "> " lines, "On ... wrote:"
 * blocks, Outlook "From:/Sent:/To:/Subject:" reply headers and "-----Original
 * Message-----". Everything from an attribution line to the end of the text
 * is quoted, which is how replies are written; "> " lines are quoted
 * wherever they are. HTML blockquote ranges come from msg_html_to_text()
 * and are merged in by msg_quote_mark_merge().
 */
#ifndef PIIGUARD_MSG_QUOTE_H
#define PIIGUARD_MSG_QUOTE_H

#include "message/msg_internal.h"

/* The quoted regions of a text, sorted and disjoint. *out is malloc'd
 * (NULL when there are none). Returns 0 or PG_ENOMEM. */
int msg_quote_find(pg_range **out, size_t *n, const char *text, size_t len);

/* Mark the quoted regions of segment idx's text. Returns 0 or PG_ENOMEM. */
int msg_quote_mark_plain(pg_msg *msg, size_t idx);

/* As msg_quote_mark_plain(), plus @n_extra ranges found another way (HTML
 * blockquotes), in any order. */
int msg_quote_mark_merge(pg_msg *msg, size_t idx, const pg_range *extra,
                         size_t n_extra);

#endif /* PIIGUARD_MSG_QUOTE_H */
