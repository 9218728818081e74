/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote.c - quoted-reply detection in plain text (placeholder: "> " lines
 * only; the message-pipeline work extends it).
 */
#include <string.h>

#include "message/quote.h"

/* msg_quote_mark_plain - mark every line that starts with '>' */
int msg_quote_mark_plain(pg_msg *msg, size_t idx)
{
    const char *t = msg->segs[idx].text;
    size_t len = msg->segs[idx].pub.len, i = 0;

    while (i < len) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - t) + 1 : len;
        if (t[i] == '>' && msg_add_quoted(msg, idx, i, end) < 0)
            return PG_ENOMEM;
        i = end;
    }
    return 0;
}
