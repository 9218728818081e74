/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.h - find quoted-reply regions in plain text: "> " lines, "On ...
 * wrote:" blocks and Outlook "From:/Sent:/To:/Subject:" reply headers.
 * Everything from an attribution line to the end of the text is quoted,
 * which is how replies are written; "> " lines are quoted wherever they are.
 */
#ifndef PIIGUARD_MSG_QUOTE_H
#define PIIGUARD_MSG_QUOTE_H

#include "message/msg_internal.h"

/* Mark the quoted regions of segment idx's text. Returns 0 or PG_ENOMEM. */
int msg_quote_mark_plain(pg_msg *msg, size_t idx);

#endif /* PIIGUARD_MSG_QUOTE_H */
