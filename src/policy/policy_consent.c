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
 *	const char *consent_find_walk(const policy_consent *c, const pg_msg *msg);
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
 *	byte and compiles nothing: the normalisation itself is in the table
 *	(a dropped character, and a blank after a blank, leave the state as
 *	it is), so an ASCII byte costs a class lookup and a transition.
 *
 *	Most words start no phrase, and the automaton need not see them.
 *	In the root state, plain ASCII (letters, digits, blanks) can only
 *	leave root at a letter or digit that starts a phrase's first word,
 *	right after a blank. Each run of text is mapped first (map_resumes:
 *	every word start, and every byte only the table can decode - an
 *	apostrophe, UTF-8; with SSE2, 64 bytes at a time). The automaton in
 *	root jumps to the next mark; a word whose first two bytes begin no
 *	phrase's first word ("to" when only "the" starts with 't') is passed
 *	over, as a walk would be back in root by its second byte (one table
 *	lookup: fill_pairs reads which pairs live from the built table);
 *	elsewhere it resumes in the state a walk would have reached. The
 *	result is the same as a walk of every byte (consent_find_walk;
 *	tests/policy/test_consent.c compares them).
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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "policy/policy_internal.h"

#define CS_SPACE 0
#define CS_DIGIT 27
#define CS_OTHER 37
#define CS_SKIPSYM 38 /* a dropped character: every state loops to itself */
#define CS_NSYM 39
#define CS_DROP (-1)
#define CS_MAX_STATES 65535u
_Static_assert(CS_NSYM <= 63, "a symbol and PAIR_LIVE fit live2's bits");

/* Byte classes for the fast path: an ASCII byte's symbol (an apostrophe's
 * is CS_SKIPSYM), or this. */
#define CS_WIDE 0xFE  /* a UTF-8 lead or continuation byte: decode */

/* The bit of live2 a UTF-8 byte reads: set in every entry, as a decoded
 * character may be a dropped one or a blank (CS_NSYM <= 63). */
#define PAIR_LIVE 63

/* A transition is the target's row offset (state * CS_NSYM), so a step
 * is one load with no multiply; CS_ACCEPT marks targets where a phrase
 * ends, so the common step needs no second load either. */
#define CS_ACCEPT 0x80000000u

/* How map_resumes() sees a byte. */
enum {
    K_WORD,    /* a letter or digit that starts no phrase */
    K_FIRST,   /* a letter or digit that starts one (after a blank) */
    K_BLANK,   /* an ASCII blank or punctuation: symbol CS_SPACE */
    K_SPECIAL  /* an apostrophe, or UTF-8: only the automaton knows */
};

struct policy_consent {
    const uint32_t *next;    /* [row + symbol] -> row | CS_ACCEPT */
    const int16_t *out;      /* phrase ending in state (row / CS_NSYM) */
    const char *const *text; /* phrases as written */
    uint32_t blank;          /* the row after a blank, where phrases start */
    uint8_t byte[256];       /* byte -> symbol, or CS_WIDE */
    uint8_t kind[256];       /* byte -> K_* */
    uint64_t live2[256];     /* letter or digit -> bit per next symbol
                                that keeps a walk from the blank state out
                                of root (0 for K_WORD; all ones for other
                                bytes, whose marks always resume) */
    uint8_t pair_sym[256];   /* byte -> its bit in live2: the symbol, or
                                PAIR_LIVE where only a decode can tell */
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

/* fill_bytes - the fast path's byte tables, from cs_symbol itself and
 * the built table (which letters leave the state after a blank) */
static void fill_bytes(policy_consent *c)
{
    for (unsigned b = 0; b < 256; b++) {
        unsigned char one = (unsigned char)b;
        size_t i = 0;
        int sym = b >= 0x80 ? CS_WIDE : cs_symbol(&one, 1, &i);
        c->byte[b] = sym == CS_DROP ? CS_SKIPSYM : (uint8_t)sym;
    }
    c->blank = c->next[CS_SPACE];
    for (unsigned b = 0; b < 256; b++) {
        uint8_t sym = c->byte[b];
        c->kind[b] = sym == CS_WIDE || sym == CS_SKIPSYM ? K_SPECIAL
                     : sym == CS_SPACE ? K_BLANK
                     : c->next[c->blank + sym] != 0 ? K_FIRST : K_WORD;
    }
}

/* fill_pairs - for each letter or digit, the symbols after it that a
 * phrase's first word can continue with, read from the built table: a
 * walk in the blank state that reads the byte and then any other symbol
 * is back in root (every state's string starts with a blank, so no
 * shorter suffix survives) and has passed no accepting state. A K_WORD
 * byte alone takes the walk back to root: none. */
static void fill_pairs(policy_consent *c)
{
    for (unsigned b = 0; b < 256; b++) {
        c->pair_sym[b] = c->byte[b] == CS_WIDE ? PAIR_LIVE : c->byte[b];
        c->live2[b] = c->kind[b] == K_WORD ? 0 : ~(uint64_t)0;
        if (c->kind[b] != K_FIRST)
            continue;
        uint32_t one = c->next[c->blank + c->byte[b]];
        uint64_t live = ~(uint64_t)0 << CS_NSYM;
        for (unsigned t = 0; t < CS_NSYM; t++)
            live |= (uint64_t)((one & CS_ACCEPT) || c->next[(one & ~CS_ACCEPT) + t]) << t;
        c->live2[b] = live;
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
    uint8_t *sym;      /* the symbol every edge into a state reads */
    size_t n_states, max_states;
} cs_build;

/* trie_step - the child of state s on sym, created if missing */
static size_t trie_step(cs_build *b, size_t s, uint8_t sym)
{
    uint16_t *edge = &b->go[s * CS_NSYM + sym];

    if (*edge == 0) {
        *edge = (uint16_t)b->n_states;
        b->sym[b->n_states] = sym;
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

/* row_of - state s as a scan-table entry: its row, flagged if accepting */
static uint32_t row_of(const cs_build *b, size_t s)
{
    return (uint32_t)(s * CS_NSYM) | (b->out[s] >= 0 ? CS_ACCEPT : 0);
}

/* rows - the scan table: row offsets with the accept flag folded in, and
 * the normalisation as self-loops. Every edge into a state reads the same
 * symbol (a trie edge or a failure shortcut to a state that ends in it),
 * so "the last symbol was a blank" is a property of the state: a blank
 * there loops, as a dropped character does everywhere. The root is never
 * entered on a blank (every phrase starts with one). */
static int rows(policy_consent *c, policy_arena *arena, const cs_build *b)
{
    size_t n = b->n_states * CS_NSYM;
    uint32_t *next = arena_calloc(arena, n, sizeof(*next));

    if (!next)
        return PG_ENOMEM;
    for (size_t k = 0; k < n; k++)
        next[k] = row_of(b, b->go[k]);
    for (size_t s = 0; s < b->n_states; s++) {
        next[s * CS_NSYM + CS_SKIPSYM] = row_of(b, s);
        if (s > 0 && b->sym[s] == CS_SPACE)
            next[s * CS_NSYM + CS_SPACE] = row_of(b, s);
    }
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
    b.sym = calloc(b.max_states, 1);
    b.out = arena_calloc(arena, b.max_states, sizeof(int16_t));
    int err = b.go && b.sym && b.out ? 0 : PG_ENOMEM;
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
    free(b.sym);
    if (err < 0)
        return err;
    c->out = b.out;
    c->text = text;
    fill_bytes(c);
    fill_pairs(c);
    *out = c;
    return 0;
}

/* Where a run of text may take the automaton out of root: bit k of w. A
 * run is at most CONSENT_SCAN_MAX bytes (the budget). */
typedef struct cs_map {
    uint64_t w[CONSENT_SCAN_MAX / 64];
} cs_map;

_Static_assert(CONSENT_SCAN_MAX % 64 == 0, "the map is whole words");

#if defined(__SSE2__)
/* alnum16 - 0xFF where a byte is an ASCII letter or digit */
static __m128i alnum16(__m128i v)
{
    const __m128i bias = _mm_set1_epi8((char)0x80);
    const __m128i a = _mm_set1_epi8('a'), lim_a = _mm_set1_epi8((char)(0x80 + 26));
    const __m128i z = _mm_set1_epi8('0'), lim_z = _mm_set1_epi8((char)(0x80 + 10));
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));

    return _mm_or_si128(
        _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(lower, a), bias), lim_a),
        _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(v, z), bias), lim_z));
}

/* special16 - 0xFF where a byte is UTF-8 or an apostrophe (K_SPECIAL) */
static __m128i special16(__m128i v)
{
    return _mm_or_si128(_mm_cmplt_epi8(v, _mm_setzero_si128()),
                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
}
#endif

/* map_resumes - mark where the automaton, in root, may leave it: at a
 * byte only it can read (K_SPECIAL), and at a letter or digit right after
 * a blank (a word's start; resume() tests whether it can start a
 * phrase). Anywhere else in root, plain ASCII keeps it in root or the
 * blank state, never further. With SSE2, 64 bytes are classified at
 * once, 16 at a time. */
static void map_resumes(const policy_consent *c, const unsigned char *s,
                        size_t n, cs_map *map)
{
    unsigned prev_blank = 1; /* a run starts as if after a blank */
    size_t k = 0;

    assert(n <= CONSENT_SCAN_MAX);
    memset(map->w, 0, (n + 63) / 64 * sizeof(map->w[0]));
#if defined(__SSE2__)
    for (; k + 64 <= n; k += 64) {
        uint64_t al = 0, sp = 0;
        for (unsigned j = 0; j < 64; j += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + k + j));
            al |= (uint64_t)(unsigned)_mm_movemask_epi8(alnum16(v)) << j;
            sp |= (uint64_t)(unsigned)_mm_movemask_epi8(special16(v)) << j;
        }
        uint64_t blank = ~(al | sp);
        map->w[k / 64] = sp | (al & (blank << 1 | prev_blank));
        prev_blank = (unsigned)(blank >> 63);
    }
#endif
    for (; k < n; k++) {
        uint8_t kind = c->kind[s[k]];
        bool alnum = kind == K_WORD || kind == K_FIRST;
        bool bit = kind == K_SPECIAL || (alnum && prev_blank);
        map->w[k / 64] |= (uint64_t)bit << (k % 64);
        prev_blank = kind == K_BLANK;
    }
}

/* live_pair - may a walk in the blank state that reads a then b be
 * anywhere but root? (b is ' ' past the run's end: a blank follows) */
static bool live_pair(const policy_consent *c, unsigned char a, unsigned char b)
{
    return c->live2[a] >> c->pair_sym[b] & 1;
}

/* resume - the first mark at or after i (i > 0) where the walk, in root
 * before it, would not be back in root two bytes on, with *row set to
 * the state the walk is in there; n when there is none. A word start is passed
 * over when its first letter starts no phrase, or its second byte is one
 * no phrase's first word continues with (fill_pairs): with the built-in
 * phrases, "for", "to", "about" and "we" take no steps at all. A word
 * start always follows a blank, so the walk is in the blank state there,
 * as live2 assumes; a K_SPECIAL mark is always live. */
static size_t resume(const policy_consent *c, const cs_map *map,
                     const unsigned char *s, size_t i, size_t n, uint32_t *row)
{
    size_t w = i / 64;
    uint64_t bits = map->w[w] & (~(uint64_t)0 << (i % 64));

    for (;;) {
        while (bits == 0) {
            if (++w * 64 >= n)
                return n;
            bits = map->w[w];
        }
        i = w * 64 + (size_t)__builtin_ctzll(bits);
        bits &= bits - 1;
        if (live_pair(c, s[i], i + 1 < n ? s[i + 1] : ' '))
            break;
    }
    *row = c->kind[s[i - 1]] == K_BLANK ? c->blank : 0;
    return i;
}

/* wide_at - the symbol of the UTF-8 sequence at s (n bytes left), and
 * its length in *len (the scan's own index stays in a register) */
static unsigned wide_at(const unsigned char *s, size_t n, size_t *len)
{
    size_t i = 0;
    int sym = cs_symbol(s, n, &i);

    *len = i;
    return sym == CS_DROP ? CS_SKIPSYM : (unsigned)sym;
}

/* scan_region - feed one run of text; the matched phrase index or -1.
 * The run starts as if after a blank and ends as if a blank followed
 * (phrases start and end with one). One test per step catches both rare
 * rows: an accepting one (negative) and root (0). With @p skip, the
 * automaton in root jumps to the next mark of map_resumes() that a walk
 * would not leave within two bytes (resume) and resumes in the state a
 * walk would have reached: s[i - 1] is plain ASCII there (or i did not
 * move, and root is right), so the blank state after a blank and root
 * otherwise. Without, every byte is walked (the tests
 * compare both). */
static int scan_region(const policy_consent *c, const unsigned char *s, size_t n,
                       bool skip)
{
    const uint32_t *next = c->next;
    uint32_t row = c->blank;
    size_t i = 0;
    cs_map map;

    if (skip)
        map_resumes(c, s, n, &map);
    while (i < n) {
        unsigned sym = c->byte[s[i]];
        if (sym != CS_WIDE) {
            i++;
        } else {
            size_t len;
            sym = wide_at(s + i, n - i, &len);
            i += len;
        }
        row = next[row + sym];
        if ((int32_t)row > 0)
            continue;
        if (row & CS_ACCEPT)
            return c->out[(row & ~CS_ACCEPT) / CS_NSYM];
        if (skip && i < n && (i = resume(c, &map, s, i, n, &row)) == n)
            break;
    }
    row = next[row + CS_SPACE];
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
                        size_t *budget, bool skip)
{
    size_t pos = 0;

    for (size_t q = 0; q <= seg->n_quoted && *budget > 0; q++) {
        size_t end = q < seg->n_quoted ? seg->quoted[q].start : seg->len;
        if (end > pos) {
            size_t n = end - pos < *budget ? end - pos : *budget;
            int hit = scan_region(c, (const unsigned char *)seg->text + pos, n, skip);
            *budget -= n;
            if (hit >= 0)
                return hit;
        }
        if (q < seg->n_quoted && seg->quoted[q].end > pos)
            pos = seg->quoted[q].end;
    }
    return -1;
}

/* find - the first consent phrase in the sender's own words */
static const char *find(const policy_consent *c, const pg_msg *msg, bool skip)
{
    size_t budget = CONSENT_SCAN_MAX;

    for (size_t i = 0; i < pg_msg_segment_count(msg) && budget > 0; i++) {
        const pg_segment *seg = pg_msg_segment(msg, i);
        if (!sender_text(seg))
            continue;
        int hit = scan_segment(c, seg, &budget, skip);
        if (hit >= 0)
            return c->text[hit];
    }
    return NULL;
}

/* consent_find - the first consent phrase in the sender's own words */
const char *consent_find(const policy_consent *c, const pg_msg *msg)
{
    return find(c, msg, true);
}

/* consent_find_walk - the same, walking every byte (the tests' reference) */
const char *consent_find_walk(const policy_consent *c, const pg_msg *msg)
{
    return find(c, msg, false);
}
