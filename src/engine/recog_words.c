/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_words.c - recognizers behind the word triggers of words.c.
 *
 * Each reads forward from its trigger: a key block to its END line, a
 * token prefix over the token's alphabet, "password:" to the value after
 * it, "PIN" to its digits, "SWIFT"/"BIC" to the code after it. Names come
 * from cues (salutations, titles, "my name is", sign-offs): a name is one
 * to three capitalised words right after the cue.
 */
#include <string.h>

#include "engine/span.h"
#include "engine/words.h"

/* run_while - end of the run of bytes at i accepted by ok(), capped */
static size_t run_while(const scan_ctx *ctx, size_t i, bool (*ok)(unsigned char), size_t cap)
{
    size_t e = i;
    while (e < ctx->n && ok((unsigned char)ctx->s[e]) && e - i < cap)
        e++;
    return e;
}

static bool tok_char(unsigned char c) { return is_alnum(c) || c == '_' || c == '-'; }
static bool tok_dot_char(unsigned char c) { return tok_char(c) || c == '.'; }
static bool value_char(unsigned char c) { return c > ' ' && c != 0x7f; }
static bool upper_alnum(unsigned char c) { return is_upper(c) || is_digit(c); }

/* word_start_ok - the trigger starts a word (nothing alnum before it) */
static bool word_start_ok(const scan_ctx *ctx, size_t start)
{
    return start == 0 || !is_alnum((unsigned char)ctx->s[start - 1]);
}

/* key_block - "-----BEGIN ... PRIVATE KEY-----" through its END line */
static void key_block(scan_ctx *ctx, const word_hit *h)
{
    size_t lim = h->end + 64 < ctx->n ? h->end + 64 : ctx->n;
    const char *nl = memchr(ctx->s + h->end, '\n', lim - h->end);
    size_t le = nl ? (size_t)(nl - ctx->s) : lim;

    if (!memmem(ctx->s + h->end, le - h->end, "PRIVATE KEY", 11))
        return;
    size_t end = le, max = h->start + 16384 < ctx->n ? h->start + 16384 : ctx->n;
    const char *endl = memmem(ctx->s + le, max - le, "-----END ", 9);
    if (endl) {
        const char *close = memmem(endl + 9, (size_t)(ctx->s + max - endl - 9), "-----", 5);
        if (close)
            end = (size_t)(close - ctx->s) + 5;
    }
    engine_emit(ctx, PG_ENT_PRIVATE_KEY, h->start, end, 1.0f, true, 0);
}

/* token - a prefix followed by at least min token characters */
static void token(scan_ctx *ctx, const word_hit *h, size_t min, bool dots, float score)
{
    if (!word_start_ok(ctx, h->start))
        return;
    size_t e = run_while(ctx, h->end, dots ? tok_dot_char : tok_char, 512);
    if (e - h->end < min)
        return;
    if (e < ctx->n && is_alnum((unsigned char)ctx->s[e]))
        return;
    engine_emit(ctx, PG_ENT_API_TOKEN, h->start, e, score, true, 0);
}

/* aws_key - AKIA/ASIA + 16 upper-case letters or digits, exactly */
static void aws_key(scan_ctx *ctx, const word_hit *h)
{
    size_t e = run_while(ctx, h->end, upper_alnum, 32);
    if (e - h->end == 16 && word_start_ok(ctx, h->start) &&
        (e == ctx->n || !is_alnum((unsigned char)ctx->s[e])))
        engine_emit(ctx, PG_ENT_API_TOKEN, h->start, e, 0.9f, true, 0);
}

/* label_end - end of the label word a trigger starts with: triggers carry
 * their punctuation ("PIN:", "pwd="), the value parser wants the word */
static size_t label_end(const scan_ctx *ctx, const word_hit *h)
{
    size_t e = h->start;
    while (e < h->end && is_alpha((unsigned char)ctx->s[e]))
        e++;
    return e;
}

/* after_label - skip ": ", "=", " is ", " code" after a label; 0 if none */
static size_t after_label(const scan_ctx *ctx, size_t i, bool *strong)
{
    static const char *const fillers[] = {" is: ", " is ", ": ", ":", " = ", "=",
                                          " - ", " number: ", " code: ", " code is ",
                                          " number is ", " code ", " ", NULL};
    for (int k = 0; fillers[k]; k++) {
        size_t fl = strlen(fillers[k]);
        if (i + fl <= ctx->n && strncasecmp(ctx->s + i, fillers[k], fl) == 0) {
            *strong = strchr(fillers[k], ':') || strchr(fillers[k], '=');
            return i + fl;
        }
    }
    return 0;
}

/* password_value - "password: <value>" */
static void password_value(scan_ctx *ctx, const word_hit *h)
{
    static const char *const stop[] = {"reset", "required", "the", "your", "a",
        "is", "will", "must", "should", "and", "to", "for", "has", "was", "of",
        "link", "expired", "change", "changed", "manager", "protected", "here",
        "below", "sent", "you", "it", "that", "please", "field", NULL};
    bool strong = false;

    if (!word_start_ok(ctx, h->start))
        return;
    size_t v = after_label(ctx, label_end(ctx, h), &strong);
    if (!v || !strong)
        return;
    size_t e = run_while(ctx, v, value_char, 128);
    while (e > v && strchr(".,;)", ctx->s[e - 1]))
        e--;
    if (e - v < 4)
        return;
    for (int k = 0; stop[k]; k++)
        if (strlen(stop[k]) == e - v && strncasecmp(ctx->s + v, stop[k], e - v) == 0)
            return;
    engine_emit(ctx, PG_ENT_PASSWORD, v, e, 0.8f, false, 0);
}

/* pin_value - "PIN 1234", "PIN: 123456", "PIN is 0000" */
static void pin_value(scan_ctx *ctx, const word_hit *h)
{
    bool strong = false;

    size_t le = label_end(ctx, h);

    if (!word_start_ok(ctx, h->start) || (le < ctx->n && is_alnum((unsigned char)ctx->s[le])))
        return;
    size_t v = after_label(ctx, le, &strong);
    if (!v)
        return;
    size_t e = run_while(ctx, v, (bool (*)(unsigned char))is_digit, 9);
    if (e - v < 4 || e - v > 8 || (e < ctx->n && is_alnum((unsigned char)ctx->s[e])))
        return;
    engine_emit(ctx, PG_ENT_PIN, v, e, 0.8f, false, 0);
}

/* swift_code - the next 8- or 11-character BIC within a few words */
static void swift_code(scan_ctx *ctx, const word_hit *h)
{
    size_t lim = h->end + 40 < ctx->n ? h->end + 40 : ctx->n;

    if (!word_start_ok(ctx, h->start))
        return;
    for (size_t i = h->end; i < lim; i++) {
        if (!is_upper((unsigned char)ctx->s[i]) || is_alnum((unsigned char)ctx->s[i - 1]))
            continue;
        size_t e = run_while(ctx, i, upper_alnum, 12);
        pg_validator_fn f = pg_validator_for(PG_ENT_SWIFT_CODE);
        if ((e - i == 8 || e - i == 11) && (e == ctx->n || !is_alnum((unsigned char)ctx->s[e])) &&
            f && f(ctx->s + i, e - i)) {
            engine_emit(ctx, PG_ENT_SWIFT_CODE, i, e, 0.85f, true, 0);
            return;
        }
    }
}

/* recog_word_hit - dispatch one trigger */
void recog_word_hit(scan_ctx *ctx, const word_hit *h)
{
    word_kind k = engine_word_patterns[h->id].kind;

    switch (k) {
    case W_KEY_BLOCK: key_block(ctx, h); break;
    case W_TOKEN_AWS: aws_key(ctx, h); break;
    case W_TOKEN_GITHUB: token(ctx, h, 36, false, 0.9f); break;
    case W_TOKEN_GITHUB_PAT: token(ctx, h, 60, false, 0.9f); break;
    case W_TOKEN_SLACK: token(ctx, h, 20, false, 0.9f); break;
    case W_TOKEN_STRIPE: token(ctx, h, 20, false, 0.9f); break;
    case W_TOKEN_GOOGLE: token(ctx, h, 35, false, 0.85f); break;
    case W_TOKEN_GITLAB: token(ctx, h, 20, false, 0.9f); break;
    case W_TOKEN_NPM: token(ctx, h, 36, false, 0.85f); break;
    case W_TOKEN_JWT: token(ctx, h, 40, true, 0.7f); break;
    case W_PASSWORD: password_value(ctx, h); break;
    case W_PIN: pin_value(ctx, h); break;
    case W_SWIFT: swift_code(ctx, h); break;
    default: recog_person_cue(ctx, h, k); break;
    }
}
