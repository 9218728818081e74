/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * html5.h - the HTML5 named character references libxml2's HTML 4 parser
 * does not know and leaves in the text as written ("&hyphen;"), limited
 * to the ones that can hide PII: separators and punctuation inside
 * numbers and addresses, spaces, and invisible characters. A mail client
 * renders "4111&hyphen;1111&hyphen;1111&hyphen;1111" as a card number;
 * html.c must read it as one too (html5.c).
 */
#ifndef PIIGUARD_MSG_HTML5_H
#define PIIGUARD_MSG_HTML5_H

#include <stddef.h>
#include <stdint.h>

/* msg_html5_entity - the code point @name (without '&' and ';', @len
 * bytes) stands for, or -1 when it is not in the table */
int32_t msg_html5_entity(const char *name, size_t len);

/* msg_html5_ref - a reference "&name;" at the start of the NUL-terminated
 * @s: its character as UTF-8 in @out (*out_len bytes, at most 4); returns
 * the bytes the reference takes, 0 when @s holds no such reference */
size_t msg_html5_ref(const char *s, char out[4], size_t *out_len);

#endif /* PIIGUARD_MSG_HTML5_H */
