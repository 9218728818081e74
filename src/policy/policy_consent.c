/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_consent.c - notice, and only notice, that a sender claims the
 *	customer agreed
 *
 * SUMMARY
 *	int consent_build(const policy_consent **out, policy_arena *arena,
 *	                  const char *const *extra, size_t n_extra);
 *	const char *consent_find(const policy_consent *c, const pg_msg *msg);
 *	bool consent_phrase_ok(const char *phrase);
 *
 * DESCRIPTION
 *	Staff often write "as you requested, here is your SSN". The company
 *	rule is that consent is never an override, so a phrase like that is
 *	recorded (consent_claimed) and shown back in the notice, and the
 *	caller never passes the result to anything that decides. The tests
 *	prove it pairwise: every scenario decides the same with and without
 *	the phrase.
 *
 *	Matching is an Aho-Corasick automaton built at load over a normalised
 *	alphabet: letters folded to lower case, digits, one space for any run
 *	of blanks and punctuation, apostrophes of every kind dropped (so
 *	"it's", "it’s", "itʼs" and "its" are the same word) and zero-width
 *	characters dropped. Phrases are stored with a space on each side, so
 *	they match whole words only. A decision walks one table lookup per
 *	byte and compiles nothing.
 *
 *	Only the sender's own words count: the bodies and the Subject. Quoted
 *	regions, attachments, file names and display names are skipped (the
 *	customer's quoted "please send it" is not the sender claiming
 *	consent). Scanning stops after CONSENT_SCAN_MAX
 *	bytes: the phrase is a record, never a decision input, and a bound
 *	keeps a huge body from costing more than its scan.
 *
 * LIMITS
 *	At most CONSENT_MAX_EXTRA configured phrases (checked at load), so
 *	the automaton fits 16-bit states.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"

#define CS_SPACE 0
#define CS_DIGIT 27
#define CS_OTHER 37
#define CS_NSYM 38
#define CS_DROP (-1)
#define CS_MAX_STATES 65535u

/* Byte classes for the fast path: an ASCII byte's symbol, or one of these. */
#define CS_WIDE 0xFE  /* a UTF-8 lead or continuation byte: decode */
#define CS_SKIP 0xFF  /* an apostrophe: dropped */

/* A transition is the target's row offset (state * CS_NSYM), so a step
 * is one load with no multiply; CS_ACCEPT marks targets where a phrase
 * ends, so the common step needs no second load either. */
#define CS_ACCEPT 0x80000000u

struct policy_consent {
    const uint32_t *next;    /* [row + symbol] -> row | CS_ACCEPT */
    const int16_t *out;      /* phrase ending in state (row / CS_NSYM) */
    const char *const *text; /* phrases as written */
    uint8_t byte[256];       /* byte -> symbol, CS_WIDE or CS_SKIP */
};

/* The phrases staff use when they believe the customer's word makes it
 * fine. Variants of "ok"/"okay" and spelling are listed; apostrophes and
 * case are normalised away. */
static const char *const builtin_phrases[] = {
    "you said it's ok", "you said it's okay", "you said it was ok",
    "you said it was okay", "you said it's fine", "you said that's fine",
    "you said that was fine", "you told me it was ok", "you told us it was ok",
    "you told me it's ok", "as you requested", "as requested by you",
    "as per your request", "per your request", "at your request",
    "per your permission", "with your permission", "you gave permission",
    "you gave me permission", "you gave us permission",
    "you have given permission", "since you sent it to us",
    "since you sent it to me", "since you already sent it",
    "you asked me to send", "you asked us to send", "you asked me to email",
    "you asked me to text", "with your consent", "per your consent",
    "you consented", "you have consented", "you authorized",
    "you authorised", "you have authorized", "you have authorised",
    "as authorized by you", "as discussed, here is your",
    "as discussed, here are your", "as discussed, please find your",
    "you agreed to receive", "you are ok with", "you're ok with",
    "you're okay with", "the customer said it's ok",
    "the customer said it was ok", "the customer agreed",
    "the customer consented", "customer gave permission",
    "the client said it's ok", "the client agreed",
};
#define N_BUILTIN (sizeof(builtin_phrases) / sizeof(builtin_phrases[0]))

/* utf8_cp - decode one sequence; invalid bytes become U+FFFD, length 1 */
static size_t utf8_cp(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    uint32_t v = s[0] & (0x7F >> len);

    *cp = 0xFFFD;
    if (len == 1 || len > n)
        return 1;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 1;
        v = (v << 6) | (s[k] & 0x3F);
    }
    *cp = v;
    return len;
}

/* wide_symbol - the symbol for a non-ASCII code point */
static int wide_symbol(uint32_t cp)
{
    switch (cp) {
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x00B4:
    case 0x2032: case 0xFF07:                  /* apostrophes */
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
    case 0x00AD:                               /* invisible */
        return CS_DROP;
    case 0x00A0: case 0x202F: case 0x205F: case 0x3000: case 0x2028:
    case 0x2029: case 0x201C: case 0x201D: case 0x2026:
        return CS_SPACE;
    default:
        if ((cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x2015))
            return CS_SPACE;
        return CS_OTHER;
    }
}

/* cs_symbol - the symbol for the character at s[*i]; advances *i */
static int cs_symbol(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    uint32_t cp;

    if (c >= 0x80) {
        *i += utf8_cp(s + *i, n - *i, &cp);
        return wide_symbol(cp);
    }
    (*i)++;
    if (c >= 'a' && c <= 'z')
        return 1 + (c - 'a');
    if (c >= 'A' && c <= 'Z')
        return 1 + (c - 'A');
    if (c >= '0' && c <= '9')
        return CS_DIGIT + (c - '0');
    return c == '\'' || c == '`' ? CS_DROP : CS_SPACE;
}

/* normalise - a phrase as symbols, one space each side; returns count */
static size_t normalise(const char *phrase, uint8_t *sym, size_t cap,
                        size_t *words_chars)
{
    const unsigned char *s = (const unsigned char *)phrase;
    size_t n = strlen(phrase), i = 0, k = 0;

    *words_chars = 0;
    sym[k++] = CS_SPACE;
    while (i < n && k + 1 < cap) {
        int c = cs_symbol(s, n, &i);
        if (c == CS_DROP || (c == CS_SPACE && sym[k - 1] == CS_SPACE))
            continue;
        sym[k++] = (uint8_t)c;
        *words_chars += c != CS_SPACE;
    }
    if (sym[k - 1] != CS_SPACE)
        sym[k++] = CS_SPACE;
    return k;
}

/* fill_bytes - the fast path's byte table, from cs_symbol itself */
static void fill_bytes(uint8_t byte[256])
{
    for (unsigned b = 0; b < 256; b++) {
        unsigned char one = (unsigned char)b;
        size_t i = 0;
        int sym = b >= 0x80 ? CS_WIDE : cs_symbol(&one, 1, &i);
        byte[b] = sym == CS_DROP ? CS_SKIP : (uint8_t)sym;
    }
}

/* consent_phrase_ok - long enough to mean something, short enough */
bool consent_phrase_ok(const char *phrase)
{
    uint8_t sym[POLICY_MAX_PHRASE + 2];
    size_t chars;

    if (strlen(phrase) > POLICY_MAX_PHRASE)
        return false;
    normalise(phrase, sym, sizeof(sym), &chars);
    return chars >= POLICY_MIN_PHRASE;
}

typedef struct cs_build {
    uint16_t *go;
    int16_t *out;
    size_t n_states, max_states;
} cs_build;

/* trie_step - the child of state s on sym, created if missing */
static size_t trie_step(cs_build *b, size_t s, uint8_t sym)
{
    uint16_t *edge = &b->go[s * CS_NSYM + sym];

    if (*edge == 0) {
        *edge = (uint16_t)b->n_states;
        b->out[b->n_states++] = -1;
    }
    return *edge;
}

/* cs_link - breadth-first failure links folded into a full goto table */
static int cs_link(cs_build *b)
{
    uint16_t *fail = calloc(b->n_states, sizeof(*fail));
    uint16_t *queue = malloc(b->n_states * sizeof(*queue));
    size_t head = 0, tail = 0;

    if (!fail || !queue) {
        free(fail);
        free(queue);
        return PG_ENOMEM;
    }
    for (int c = 0; c < CS_NSYM; c++)
        if (b->go[c])
            queue[tail++] = b->go[c];
    while (head < tail) {
        uint16_t r = queue[head++];
        if (b->out[r] < 0)
            b->out[r] = b->out[fail[r]];
        for (int c = 0; c < CS_NSYM; c++) {
            uint16_t *edge = &b->go[r * CS_NSYM + c];
            uint16_t via = b->go[fail[r] * CS_NSYM + c];
            if (*edge) {
                fail[*edge] = via;
                queue[tail++] = *edge;
            } else {
                *edge = via;
            }
        }
    }
    free(fail);
    free(queue);
    return 0;
}

/* add_all - insert every phrase one depth at a time, so that states are
 * numbered breadth-first: the shallow states a scan spends its time in
 * sit together at the front of the table and stay in cache */
static int add_all(cs_build *b, const char *const *text, size_t n)
{
    uint8_t (*sym)[POLICY_MAX_PHRASE + 2] = malloc(n * sizeof(*sym));
    size_t *len = malloc(n * sizeof(*len)), *at = calloc(n, sizeof(*at));
    size_t chars, depth = 0;

    if (sym && len && at) {
        for (size_t i = 0; i < n; i++) {
            len[i] = normalise(text[i], sym[i], sizeof(sym[i]), &chars);
            depth = len[i] > depth ? len[i] : depth;
        }
        for (size_t d = 0; d < depth; d++)
            for (size_t i = 0; i < n; i++) {
                if (d >= len[i])
                    continue;
                at[i] = trie_step(b, at[i], sym[i][d]);
                if (d + 1 == len[i] && b->out[at[i]] < 0)
                    b->out[at[i]] = (int16_t)i;
            }
    }
    int err = sym && len && at ? 0 : PG_ENOMEM;
    free(sym);
    free(len);
    free(at);
    return err;
}

/* rows - the scan table: row offsets with the accept flag folded in */
static int rows(policy_consent *c, policy_arena *arena, const cs_build *b)
{
    size_t n = b->n_states * CS_NSYM;
    uint32_t *next = arena_calloc(arena, n, sizeof(*next));

    if (!next)
        return PG_ENOMEM;
    for (size_t k = 0; k < n; k++)
        next[k] = (uint32_t)b->go[k] * CS_NSYM |
                  (b->out[b->go[k]] >= 0 ? CS_ACCEPT : 0);
    c->next = next;
    return 0;
}

/* states_needed - an upper bound: one state per symbol, plus the root */
static size_t states_needed(const char *const *text, size_t n)
{
    uint8_t sym[POLICY_MAX_PHRASE + 2];
    size_t chars, total = 1;

    for (size_t i = 0; i < n; i++)
        total += normalise(text[i], sym, sizeof(sym), &chars);
    return total;
}

/* consent_build - the automaton for built-in plus configured phrases */
int consent_build(const policy_consent **out, policy_arena *arena,
                  const char *const *extra, size_t n_extra)
{
    size_t n = N_BUILTIN + n_extra;
    cs_build b = {0};
    policy_consent *c = arena_alloc(arena, sizeof(*c));
    const char **text = arena_calloc(arena, n, sizeof(char *));

    _Static_assert((N_BUILTIN + CONSENT_MAX_EXTRA) * (POLICY_MAX_PHRASE + 2) + 1
                   <= CS_MAX_STATES, "consent states must fit 16 bits");
    assert(n_extra <= CONSENT_MAX_EXTRA);
    if (!c || !text)
        return PG_ENOMEM;
    memcpy(text, builtin_phrases, sizeof(builtin_phrases));
    for (size_t i = 0; i < n_extra; i++)
        text[N_BUILTIN + i] = extra[i];
    b.max_states = states_needed(text, n);
    b.go = calloc(b.max_states * CS_NSYM, sizeof(uint16_t));
    b.out = arena_calloc(arena, b.max_states, sizeof(int16_t));
    int err = b.go && b.out ? 0 : PG_ENOMEM;
    if (err == 0) {
        b.out[0] = -1;
        b.n_states = 1;
        err = add_all(&b, text, n);
    }
    if (err == 0)
        err = cs_link(&b);
    if (err == 0)
        err = rows(c, arena, &b);
    free(b.go);
    if (err < 0)
        return err;
    c->out = b.out;
    c->text = text;
    fill_bytes(c->byte);
    *out = c;
    return 0;
}

/* next_symbol - the symbol at s[*i] through the byte table; advances *i */
static int next_symbol(const policy_consent *c, const unsigned char *s, size_t n,
                       size_t *i)
{
    uint8_t b = c->byte[s[*i]];

    if (b == CS_WIDE)
        return cs_symbol(s, n, i);
    (*i)++;
    return b == CS_SKIP ? CS_DROP : b;
}

/* scan_region - feed one run of text; the matched phrase index or -1.
 * Every phrase starts with a space, so in the root state (row 0) the rest
 * of a word cannot matter and is skipped without a transition. */
static int scan_region(const policy_consent *c, const unsigned char *s, size_t n)
{
    size_t i = 0;
    uint32_t row = c->next[CS_SPACE];
    int last = CS_SPACE;

    while (i < n) {
        if (row == 0) {
            while (i < n && c->byte[s[i]] != CS_SPACE && c->byte[s[i]] != CS_WIDE)
                i++;
            if (i == n)
                break;
        }
        int sym = next_symbol(c, s, n, &i);
        if (sym == CS_DROP || (sym == CS_SPACE && last == CS_SPACE))
            continue;
        row = c->next[row + (unsigned)sym];
        last = sym;
        if (row & CS_ACCEPT)
            return c->out[(row & ~CS_ACCEPT) / CS_NSYM];
    }
    if (last != CS_SPACE)
        row = c->next[row + CS_SPACE];
    return row & CS_ACCEPT ? c->out[(row & ~CS_ACCEPT) / CS_NSYM] : -1;
}

/* is_subject - the Subject header segment ("header:subject", or below a
 * forwarded part "2/header:subject"); other headers hold display names */
static bool is_subject(const pg_segment *seg)
{
    size_t n = strlen(seg->path);

    return n >= 14 && strcmp(seg->path + n - 14, "header:subject") == 0;
}

/* sender_text - segments that hold the sender's own words */
static bool sender_text(const pg_segment *seg)
{
    return !seg->in_attachment &&
           (seg->kind == PG_SEG_TEXT || seg->kind == PG_SEG_HTML ||
            seg->kind == PG_SEG_CHAT || (seg->kind == PG_SEG_HEADER && is_subject(seg)));
}

/* scan_segment - the non-quoted runs of one segment, within the budget */
static int scan_segment(const policy_consent *c, const pg_segment *seg,
                        size_t *budget)
{
    size_t pos = 0;

    for (size_t q = 0; q <= seg->n_quoted && *budget > 0; q++) {
        size_t end = q < seg->n_quoted ? seg->quoted[q].start : seg->len;
        if (end > pos) {
            size_t n = end - pos < *budget ? end - pos : *budget;
            int hit = scan_region(c, (const unsigned char *)seg->text + pos, n);
            *budget -= n;
            if (hit >= 0)
                return hit;
        }
        if (q < seg->n_quoted && seg->quoted[q].end > pos)
            pos = seg->quoted[q].end;
    }
    return -1;
}

/* consent_find - the first consent phrase in the sender's own words */
const char *consent_find(const policy_consent *c, const pg_msg *msg)
{
    size_t budget = CONSENT_SCAN_MAX;

    for (size_t i = 0; i < pg_msg_segment_count(msg) && budget > 0; i++) {
        const pg_segment *seg = pg_msg_segment(msg, i);
        if (!sender_text(seg))
            continue;
        int hit = scan_segment(c, seg, &budget);
        if (hit >= 0)
            return c->text[hit];
    }
    return NULL;
}
