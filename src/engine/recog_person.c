/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_person.c - names, from cues.
 *
 * A name is one to three capitalised words (initials allowed) right after
 * a cue: a salutation ("Dear"), a title ("Mrs."), "my name is", a "Name:"
 * field, or on the line after a sign-off ("Regards,"). Names score below
 * validated numbers: the policy uses them for combinations (name + ID),
 * rarely alone.
 */
#include <string.h>

#include "engine/span.h"
#include "engine/words.h"

/* name_word_end - end of a capitalised word or initial at i, or 0 */
static size_t name_word_end(const scan_ctx *ctx, size_t i)
{
    unsigned char c = (unsigned char)ctx->s[i];

    if (i >= ctx->n || !(is_upper(c) || c >= 0xC0))
        return 0;
    size_t e = i + 1;
    while (e < ctx->n && e - i < 40) {
        unsigned char d = (unsigned char)ctx->s[e];
        if (is_lower(d) || d >= 0x80 || d == '\'' || (d == '-' && e + 1 < ctx->n &&
                                                      is_upper((unsigned char)ctx->s[e + 1])))
            e++;
        else if (is_upper(d) && e - i == 1 && 0)
            e++;
        else
            break;
    }
    if (e < ctx->n && ctx->s[e] == '.' && e - i == 1)
        e++; /* an initial: "J." */
    if (e < ctx->n && is_alnum((unsigned char)ctx->s[e]))
        return 0;
    return e;
}

/* name_at - one to three name words starting at i; returns end or 0 */
static size_t name_at(const scan_ctx *ctx, size_t i, int max_words)
{
    size_t end = 0;

    for (int w = 0; w < max_words; w++) {
        size_t e = name_word_end(ctx, i);
        if (!e)
            break;
        end = e;
        if (e >= ctx->n || ctx->s[e] != ' ')
            break;
        i = e + 1;
    }
    while (end && ctx->s[end - 1] == '.' && end >= 2 && !is_upper((unsigned char)ctx->s[end - 2]))
        end--;
    return end;
}

/* after_signoff - the name on the line after "Regards," */
static void after_signoff(scan_ctx *ctx, size_t i)
{
    while (i < ctx->n && (ctx->s[i] == ' ' || ctx->s[i] == '\r'))
        i++;
    if (i >= ctx->n || ctx->s[i] != '\n')
        return;
    i++;
    while (i < ctx->n && (ctx->s[i] == ' ' || ctx->s[i] == '>'))
        i++;
    size_t e = name_at(ctx, i, 3);
    if (e && (e == ctx->n || ctx->s[e] == '\n' || ctx->s[e] == '\r'))
        engine_emit(ctx, PG_ENT_PERSON, i, e, 0.6f, false, 0);
}

/* recog_person_cue - a name after a cue */
void recog_person_cue(scan_ctx *ctx, const word_hit *h, word_kind kind)
{
    size_t i = h->end, e;

    if (h->start > 0 && is_alnum((unsigned char)ctx->s[h->start - 1]))
        return;
    if (kind == W_SIGNOFF) {
        after_signoff(ctx, i);
        return;
    }
    while (i < ctx->n && ctx->s[i] == ' ')
        i++;
    e = name_at(ctx, i, kind == W_TITLE ? 3 : 3);
    if (!e)
        return;
    float score = kind == W_TITLE || kind == W_NAME_FIELD ? 0.7f : 0.6f;
    engine_emit(ctx, PG_ENT_PERSON, i, e, score, false, 0);
}
