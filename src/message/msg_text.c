/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msg_text.c - a chat or SMS text as a one-segment message.
 *
 * Chat has no MIME, but it has quoting: "> " lines are the customer's words
 * echoed back, and the policy treats them as it treats quoted mail.
 */
#include <string.h>

#include "message/msg_internal.h"
#include "message/quote.h"

/* pg_msg_from_text - wrap a text as a message with one PG_SEG_CHAT segment */
int pg_msg_from_text(pg_msg **out, const char *text, size_t len, const char *path)
{
    pg_msg *m;
    int rc = msg_new(&m);

    if (rc < 0)
        return rc;
    rc = msg_add_segment(m, path ? path : "chat", PG_SEG_CHAT, text, len, false);
    if (rc >= 0)
        rc = msg_quote_mark_plain(m, (size_t)rc);
    if (rc < 0) {
        pg_msg_free(m);
        return rc;
    }
    *out = m;
    return 0;
}
