/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_internal.h - what the engine's files share: the compiled engine,
 * the per-thread scratch, the normalised view, clusters and the emit path.
 *
 * The scan runs in four steps:
 *   normalize.c  original bytes -> normalised view + shift map
 *   scan.c       sweep the view for digits and '@' (trigger.c); build
 *                clusters; run the cluster recognizers
 *   words.c      the Hyperscan word pass, then the name sweep
 *                (name_sweep.c) over every capitalised word
 *   recog_*.c    recognizers: turn a cluster or a word hit into candidates
 *   emit.c       context words, score, threshold, then collect; at the end
 *                overlaps are resolved and offsets mapped back
 * cpu.c picks, once per engine, the widest vectors the first passes use.
 * Invariant: all offsets inside the engine are offsets into the normalised
 * view until emit.c maps them back, once, just before the callback.
 */
#ifndef PIIGUARD_ENGINE_INTERNAL_H
#define PIIGUARD_ENGINE_INTERNAL_H

#include <hs/hs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "piiguard/pg_engine.h"
#include "piiguard/pg_limits.h"

/* Most groups one cluster holds; longer runs are cut into windows. */
#define CLUSTER_MAX_GROUPS 12

/* Context-word boost added to a base score when a context word is near. */
#define CONTEXT_BOOST 0.35f

/* Recognizer flags */
#define RF_NEEDS_CONTEXT 1u  /* dropped unless a context word is near */

/* One alphanumeric group inside a cluster, e.g. "123" in "123-45-6789". */
typedef struct group {
    uint32_t start, end; /* into the normalised view */
    uint8_t ndigit, nalpha, nupper;
    char sep_before;     /* the joiner before it ('\0' for the first) */
    uint8_t nsep_before; /* how many joiner bytes before it */
} group;

/* A run of groups joined by single separators around a digit. */
typedef struct cluster {
    uint32_t start, end;
    bool plus;           /* a '+' immediately precedes the first group */
    int ng;
    unsigned nalnum;     /* the groups' bytes together, joiners left out */
    unsigned ndigit;     /* the digits among them */
    group g[CLUSTER_MAX_GROUPS];
} cluster;

/* A candidate before overlap resolution (normalised offsets). */
typedef struct cand {
    pg_entity entity;
    uint32_t start, end;
    float score;
    bool validated;
    bool ctx_pending;  /* context not looked up yet (see emit.c) */
    uint8_t n_context;
    uint16_t context[PG_FINDING_MAX_CONTEXT];
} cand;

/* A literal or pattern hit from the Hyperscan word pass. */
typedef struct word_hit {
    uint32_t id;
    uint32_t start, end;
} word_hit;

/* Where normalised offset >= norm_off, original = normalised + delta. */
typedef struct shift {
    size_t norm_off;
    int64_t delta;
} shift;

/* Word lists recog_person.c consults for every capitalised word. */
#define ENGINE_NAME_LISTS 6
#define ENGINE_LIST_BLOOM_WORDS 128   /* 8,192 bits a list: ~2% false hits */
#define ENGINE_MAX_ENDINGS 255       /* surname endings names.c may list */
#define ENGINE_GIVEN_BLOOM_WORDS 1024 /* 65,536 bits */

/* Instruction sets the first passes have code for; the best one the CPU
 * has is chosen once, in pg_engine_new(), and read from the engine. */
enum engine_isa { ENGINE_ISA_SCALAR, ENGINE_ISA_SSE2, ENGINE_ISA_AVX2, ENGINE_ISA_AVX512 };

/* A context-word list (its first 64 words) by first and second byte:
 * built once, so that a lookup starts from it (see context.c). */
typedef struct ctx_index {
    uint32_t letters;           /* bit c - 'a': some word starts with c */
    uint64_t by_letter[26];     /* bit k: words[k] starts with 'a' + i */
    uint64_t by_second[32];     /* bit k: words[k][1] & 31 == i, or
                                   words[k] is one byte long */
    uint8_t second[16];         /* the second bytes as a set, for the
                                   start finders (context_scan.h) */
} ctx_index;

struct pg_engine {
    pg_engine_opts opts;
    unsigned isa;             /* enum engine_isa */
    hs_database_t *words;     /* literal/word database below AVX2, see words.c */
    struct lit_index *lits;   /* the same literals for word_lits.c */
    struct name_slot *name_slots; /* the hashed given names, see recog_person.c */
    uint32_t name_mask;       /* slots - 1 (a power of two) */
    /* Bloom filters of recog_person.c's word lists and surname endings:
     * most capitalised words are in none, and one bit test says so. */
    uint64_t name_list_bloom[ENGINE_NAME_LISTS][ENGINE_LIST_BLOOM_WORDS];
    uint64_t ending_bloom[ENGINE_LIST_BLOOM_WORDS];
    /* The surname endings by last byte c, in list order:
     * ending_ids[ending_at[c] .. ending_at[c + 1]). */
    uint8_t ending_at[257];
    uint8_t ending_ids[ENGINE_MAX_ENDINGS];
    /* recog_person.c's cue and sign-off lists by their last two bytes:
     * bit k is the list's literal k. */
    uint16_t cue_tails[256], signoff_tails[256];
    /* Bloom filter of the given names by length and first four bytes:
     * 8 KiB, so it stays in L1 where the name table (64 KiB) does not. */
    uint64_t given_bloom[ENGINE_GIVEN_BLOOM_WORDS];
    ctx_index ctx_lists[PG_ENT_COUNT]; /* each entity's context words */
};

/* Passes that emit candidates: sweep, word pass, name sweep (+1 spare). */
#define ENGINE_MAX_RUNS 4

struct pg_scratch {
    const pg_engine *engine;
    hs_scratch_t *hs;
    char *norm;               /* normalised view (when the input needs one) */
    size_t norm_cap;
    shift *shifts;
    size_t n_shifts, cap_shifts;
    cand *cands;
    size_t n_cands, cap_cands;
    word_hit *hits;
    size_t n_hits, cap_hits;
    int err;                  /* sticky: PG_ENOMEM once an append failed */
    struct ctx_window *win;   /* context window cache, see context.c */
    /* Where each pass's candidates end: the nearly sorted runs that
     * cand_sort.c merges. */
    size_t run_end[ENGINE_MAX_RUNS];
    unsigned n_runs;
    cand *sort_tmp;           /* merge buffer, see cand_sort.c */
    size_t cap_sort_tmp;
};

/* engine_end_run - the candidates emitted so far form one run */
static inline void engine_end_run(pg_scratch *s)
{
    if (s->n_runs < ENGINE_MAX_RUNS)
        s->run_end[s->n_runs++] = s->n_cands;
    else
        s->run_end[ENGINE_MAX_RUNS - 1] = s->n_cands; /* one longer run */
}

/* The view one scan works on. */
typedef struct scan_ctx {
    const pg_engine *engine;
    pg_scratch *scratch;
    const char *s;            /* normalised text */
    size_t n;
    /* The cluster being recognised: its candidates share one context
     * window (around the whole cluster), indexed once. 0/0 = none. */
    size_t unit_start, unit_end;
    struct ctx_window *win;   /* scratch-owned cache for that window */
    bool win_valid;
    /* A span of the cluster already claimed by a strong (>= CLAIM_SCORE)
     * candidate: weaker recognizers skip spans inside it, since they could
     * never win the overlap. 0/0 = none. */
    size_t claim_start, claim_end;
} scan_ctx;

/* A candidate this strong is not displaced by anything found inside it. */
#define CLAIM_SCORE 0.9f

/* engine.c: reset the scratch and build buf's view into ctx: the first
 * step of pg_engine_scan(), which then runs engine_sweep(),
 * engine_words_scan() and engine_deliver() (each step is also timed on
 * its own by bench/pg_bench_phases.c). */
int engine_scan_begin(scan_ctx *ctx, const pg_engine *engine, pg_scratch *scratch,
                      const char *buf, size_t len);

/* cpu.c: the best instruction set this CPU and build have. */
unsigned engine_cpu_isa(void);

/* normalize.c: build the normalised view; *view points to buf itself when
 * no byte needs changing. Returns 0 or PG_ENOMEM. */
int engine_normalize(pg_scratch *scratch, const char *buf, size_t len,
                     const char **view, size_t *view_len);

/* normalize.c: normalised offset -> original offset. */
size_t engine_map_offset(const pg_scratch *scratch, size_t norm_off);

/* emit.c: offer a candidate. Applies context (and drops it when the
 * recognizer needs context and none is near) and the threshold. */
void engine_emit(scan_ctx *ctx, pg_entity entity, size_t start, size_t end,
                 float base, bool validated, unsigned flags);

/* cand_sort.c: the candidate order (start, then best first), and the
 * sort of the scratch's runs into it. Returns 0 or PG_ENOMEM. */
int cand_order(const void *a, const void *b);
int engine_sort_cands(pg_scratch *scratch, const size_t *bounds, size_t nruns);

/* emit.c: sort, resolve overlaps, map offsets, call back. */
int engine_deliver(scan_ctx *ctx, const char *orig, pg_finding_cb cb, void *payload);

/* context.c: find context words for an entity near [start, end). Fills
 * up to PG_FINDING_MAX_CONTEXT ids; returns how many were found. */
unsigned engine_context(const scan_ctx *ctx, pg_entity entity, size_t start,
                        size_t end, uint16_t *ids);

/* context.c: index each entity's context words into the engine. */
void engine_context_index(pg_engine *engine);

/* context.c: allocate a context window cache (freed with free()). */
struct ctx_window *engine_window_new(void);

/* context.c: does any of a NULL-terminated word list occur (whole word,
 * case-insensitive) in [from, to) of the view? The list must be static:
 * its index is cached by address in the scratch. */
bool engine_words_near(const scan_ctx *ctx, size_t from, size_t to,
                       const char *const *words);

/* Recognizers over a cluster (recog_*.c). */
void recog_ids(scan_ctx *ctx, const cluster *c);
void recog_financial(scan_ctx *ctx, const cluster *c);
void recog_phone(scan_ctx *ctx, const cluster *c);
void recog_date(scan_ctx *ctx, const cluster *c);
void recog_ip(scan_ctx *ctx, const cluster *c);

/* Recognizers triggered by a byte (recog_contact.c). */
void recog_email_at(scan_ctx *ctx, size_t at);
size_t recog_ipv6_at(scan_ctx *ctx, size_t pos);

/* scan.c: the digit/'@' sweep over the whole view. */
void engine_sweep(scan_ctx *ctx);

/* recog_person.c: hash the given-name dictionary into the engine. */
int engine_names_index(pg_engine *engine);

/* words.c: index the word literals; find them and dispatch the hits
 * (engine_words_find), then run the name sweep after them
 * (engine_words_scan = engine_words_find, engine_end_run,
 * recog_person_sweep). */
int engine_words_compile(pg_engine *engine);
int engine_words_find(scan_ctx *ctx);
int engine_words_scan(scan_ctx *ctx);

/* Word-hit recognizers (recog_words.c / recog_person.c). */
void recog_word_hit(scan_ctx *ctx, const word_hit *hit);

/* Small helpers shared by recognizers (scan.c). */
static inline bool is_digit(unsigned char c) { return (unsigned)(c - (unsigned)'0') < 10u; }
static inline bool is_upper(unsigned char c) { return (unsigned)(c - (unsigned)'A') < 26u; }
static inline bool is_lower(unsigned char c) { return (unsigned)(c - (unsigned)'a') < 26u; }
static inline bool is_alpha(unsigned char c) { return is_upper(c) || is_lower(c); }
static inline bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
/* ascii_lower - c with A-Z lower-cased, every other byte as it is */
static inline unsigned char ascii_lower(unsigned char c)
{
    return (unsigned char)(c | (is_upper(c) << 5));
}

/* Copy groups [a, b] of a cluster as compact upper-case alnum into out
 * (cap bytes); returns the length, or 0 when it does not fit. */
size_t cluster_compact(const scan_ctx *ctx, const cluster *c, int a, int b,
                       char *out, size_t cap);

/* True when every joiner between groups a..b is the same byte (or none). */
bool cluster_same_sep(const cluster *c, int a, int b, char *sep_out);

#endif /* PIIGUARD_ENGINE_INTERNAL_H */
