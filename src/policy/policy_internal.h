/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_internal.h - the pg_policy and pg_decision objects as the
 *	policy room's files share them
 *
 * SUMMARY
 *	A pg_policy is built once by policy_load.c from YAML and is immutable
 *	afterwards: every table a decision needs (thresholds per entity, rule
 *	bitmasks, the consent automaton, compiled notice templates) is
 *	precomputed there, so that pg_policy_decide() compiles nothing and
 *	allocates only for the decision it returns.
 *
 * OWNERSHIP
 *	Everything a policy holds lives in its arena and goes with one
 *	arena_free(); a half-built policy is freed the same way, which is why
 *	a load that fails leaves nothing behind. A decision has its own arena
 *	too, so it outlives the policy that made it (a reload may free the
 *	policy while a verdict is still being written).
 *
 * LIMITS
 *	Every count and length below is bounded at load; the bounds are here
 *	so that a hostile or mistaken policy file cannot make a decision slow.
 */
#ifndef PIIGUARD_POLICY_INTERNAL_H
#define PIIGUARD_POLICY_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "piiguard/pg_engine.h"
#include "piiguard/pg_msg.h"
#include "piiguard/pg_policy.h"

/* A policy file is a page or two of YAML; 1 MiB is a mistake or an attack. */
#define POLICY_MAX_FILE_BYTES (1u << 20)
/* Rules and exceptions are read by people; hundreds are already too many.
 * Exceptions are a 64-bit set during a decision. */
#define POLICY_MAX_RULES 256
#define POLICY_MAX_EXCEPTIONS 64
/* Any one list (domains, senders, phrases). */
#define POLICY_MAX_LIST 4096
/* Any one string value from the policy file. */
#define POLICY_MAX_STRING 4096
/* Rule and exception ids: short, for logs and JSON. */
#define POLICY_MAX_ID 63
/* Consent phrases: long enough for a sentence, short enough to be a phrase. */
#define POLICY_MIN_PHRASE 6
#define POLICY_MAX_PHRASE 200
/* Configured consent phrases: the automaton uses 16-bit states. */
#define CONSENT_MAX_EXTRA 256
/* A notice template file. */
#define NOTICE_MAX_TEMPLATE (64u * 1024)
/* A rendered full notice; the builder clips beyond it. */
#define NOTICE_MAX_OUTPUT (64u * 1024)
/* Notices are rendered on the stack up to this size (the default ones are
 * 0.4 to 2.5 KiB), on the heap beyond. */
#define NOTICE_STACK_BYTES 4096
/* The SMTP-reply form (RFC 5321 allows 512 per line with the code). */
#define NOTICE_SHORT_LINES 10
#define NOTICE_SHORT_LINE_MAX 400
/* Findings listed one per line in a full notice, and inline in a short one. */
#define NOTICE_MAX_LISTED 20
#define NOTICE_MAX_INLINE 3
/* Consent phrases are a record, not a decision input: scanning stops after
 * this much of the sender's own text, which is where staff write "as you
 * requested" - and a bound keeps the record from costing more than the
 * scan that found the PII. */
#define CONSENT_SCAN_MAX (2u * 1024)
/* Findings per message decided with scratch on the stack (no malloc). */
#define DECIDE_STACK_FINDINGS 128
/* A rule's reason, in words. */
#define POLICY_MAX_REASON 1024

/* --- arena: one free for a whole policy or decision ------------------- */

typedef struct policy_chunk policy_chunk;
typedef struct policy_arena {
    policy_chunk *head;
} policy_arena;

void *arena_alloc(policy_arena *a, size_t n);
void *arena_calloc(policy_arena *a, size_t n, size_t size);
char *arena_strndup(policy_arena *a, const char *s, size_t n);
char *arena_strdup(policy_arena *a, const char *s);
void arena_free(policy_arena *a);

/* --- sticky string builder ----------------------------------------------- */

/* After a failure (allocation or the cap) appends do nothing; the caller
 * checks once with sb_finish(). Output beyond max is clipped, not an error,
 * when clip is set: a notice that is too long is still a notice. The text
 * is NUL-terminated after every append. A builder may start in the
 * caller's buffer (sb_init_buf): a decision's reasons and notices then
 * cost no allocation unless they outgrow it, and it moves to the heap if
 * they do. */
typedef struct policy_sb {
    char *buf;
    size_t len, cap, max;
    int err;
    bool clip;
    bool heap;   /* buf is malloc'd (ours to realloc and free) */
} policy_sb;

void sb_init(policy_sb *sb, size_t max, bool clip);
/* Start in buf[cap] (cap >= 1), which must outlive the builder. */
void sb_init_buf(policy_sb *sb, char *buf, size_t cap, size_t max, bool clip);
/* Empty the builder, keeping its buffer (and a sticky error). */
void sb_reset(policy_sb *sb);
void sb_putn_slow(policy_sb *sb, const char *s, size_t n);

/* sb_putn - append n bytes (clipped at max when the builder clips); the
 * common case, room and no error, inline */
static inline void sb_putn(policy_sb *sb, const char *s, size_t n)
{
    if (n < sb->cap - sb->len && n <= sb->max - sb->len && !sb->err) {
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
        return;
    }
    sb_putn_slow(sb, s, n);
}

/* sb_puts - append a string; inline, so a literal's length is known */
static inline void sb_puts(policy_sb *sb, const char *s)
{
    sb_putn(sb, s, strlen(s));
}

/* Append an unsigned number in decimal (no vsnprintf). */
void sb_putu(policy_sb *sb, size_t v);
void sb_printf(policy_sb *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append with control characters turned into spaces (untrusted text). */
void sb_put_clean(policy_sb *sb, const char *s, size_t n);
/* Append HTML-escaped, control characters turned into spaces. */
void sb_put_html(policy_sb *sb, const char *s, size_t n);
/* Take the string (malloc'd, caller frees) or NULL with *err set. */
char *sb_finish(policy_sb *sb, int *err);
void sb_dispose(policy_sb *sb);

/* --- the policy ------------------------------------------------------------ */

typedef enum policy_scope {
    SCOPE_ANY = 0,
    SCOPE_INTERNAL = 1,
    SCOPE_EXTERNAL = 2
} policy_scope;

typedef enum policy_tri {
    TRI_ANY = 0,
    TRI_YES = 1,
    TRI_NO = 2
} policy_tri;

#define POLICY_ALL_CHANNELS 0x7u
#define POLICY_ENT_BIT(e) ((uint64_t)1 << (unsigned)(e))
#define POLICY_ALL_ENTITIES ((((uint64_t)1) << PG_ENT_COUNT) - 1)

/* Counting groups: one per class, plus one per entity that has its own
 * min_count override. */
#define POLICY_GROUPS (PG_CLASS_COUNT + PG_ENT_COUNT)

/* What a finding of one entity needs before it counts. */
typedef struct policy_threshold {
    float min_score;
    unsigned min_count;
    unsigned group; /* < POLICY_GROUPS */
} policy_threshold;

typedef struct policy_rule {
    const char *id;
    const char *description; /* may be NULL */
    unsigned line;
    unsigned channels;       /* bit (1 << pg_channel) */
    policy_scope scope;
    uint64_t entities;       /* bit (1 << pg_entity) */
    uint64_t named;          /* entities named one by one (load checks) */
    policy_tri quoted;
    policy_tri attachment;
    pg_action action;
} policy_rule;

typedef struct policy_exception {
    const char *id;
    const char *approved_by;
    const char *reason;
    unsigned line;
    const char **senders;     /* "user@dom" exact, or "dom" and subdomains */
    size_t n_senders;
    const char **rcpt_domains;
    size_t n_rcpt_domains;
    unsigned channels;
    uint64_t entities;
    pg_action action;         /* PG_ACT_ALLOW or PG_ACT_SECURE */
    time_t until;             /* first second after the until: day (UTC) */
    char until_text[11];      /* "YYYY-MM-DD" */
} policy_exception;

typedef struct policy_combo {
    bool enabled;
    bool display_name;   /* the To: display name counts as a name */
    uint64_t entities;   /* what makes a name notifiable */
    uint64_t named;      /* entities named one by one (load checks) */
    pg_action action;    /* PG_ACT_ALLOW: severity and flag only */
    policy_scope scope;
    unsigned line;
} policy_combo;

/* The consent-phrase automaton (policy_consent.c). */
typedef struct policy_consent policy_consent;

/* Notice forms and the compiled templates (policy_notice.c). */
typedef enum notice_form {
    FORM_SHORT = 0,
    FORM_TEXT = 1,
    FORM_HTML = 2,
    FORM_COUNT = 3
} notice_form;

/* Notices exist for redact and above; tag and allow pass without one. */
#define NOTICE_FIRST_ACTION PG_ACT_REDACT
#define NOTICE_ACTIONS (PG_ACT_REJECT - PG_ACT_REDACT + 1)
#define NOTICE_CHANNELS 3

typedef struct notice_tpl notice_tpl;

/* The notices, bound at load (policy_notice.c): for every action, channel
 * and form, literal text with the policy's values substituted and escaped,
 * and the placeholders that depend on the decision. */
typedef struct policy_notices {
    const notice_tpl *tpl[NOTICE_ACTIONS][NOTICE_CHANNELS][FORM_COUNT];
    const notice_tpl *reply[NOTICE_ACTIONS][NOTICE_CHANNELS][FORM_COUNT];
    const char *breach_note[FORM_COUNT]; /* escaped for the form */
    /* As the policy file gives them (NULL: a default); read while binding. */
    const char *organisation;
    const char *secure_name;
    const char *secure_url;
    const char *policy_url;
} policy_notices;

struct pg_policy {
    policy_arena arena;
    const char *path;
    const char *dir;          /* where relative paths start */
    pg_engine_opts engine;
    pg_msg_limits limits;
    const char **internal;    /* lower-case domains */
    size_t n_internal;
    policy_threshold thr[PG_ENT_COUNT];
    policy_rule *rules;
    size_t n_rules;
    policy_exception *exc;
    size_t n_exc;
    pg_action default_action;
    pg_action unredactable;
    pg_action uninspectable;
    pg_action encrypted;
    policy_combo combo;
    uint64_t exposure_entities;
    double cost_per_record;
    const char *currency;
    pg_mask_style mask;
    const char *secure_header; /* NULL when there is no secure route */
    const policy_consent *consent;
    policy_notices notices;
};

/* --- the decision ------------------------------------------------------------ */

/* A finding the notice may list: where and what, never the value. */
typedef struct decision_item {
    pg_entity entity;
    size_t segment;
    bool quoted;
    bool attachment;
    pg_action action;
    char masked[96];
} decision_item;

/* A finding to mask when the action is redact. */
typedef struct decision_span {
    size_t segment, start, end;
} decision_span;

typedef struct decision_exc_note {
    const char *id;
    const char *until;
    bool expired;
} decision_exc_note;

struct pg_decision {
    policy_arena arena;
    pg_action action;
    pg_channel channel;
    int severity;               /* index into the severity names */
    bool consent_claimed;
    const char *consent_phrase; /* the built-in or configured phrase */
    bool breach_notifiable;
    unsigned records;
    double exposure;
    double cost_per_record;
    char currency[4];           /* ISO 4217, checked at load */
    pg_mask_style mask;
    pg_decision_rule *rules;    /* allocated when the first rule fires */
    size_t n_rules, cap_rules;
    unsigned counts[PG_ENT_COUNT];
    decision_span *redact;      /* sorted by (segment, start, end) */
    size_t n_redact;
    decision_exc_note *exc;     /* allocated with the first note */
    size_t n_exc, cap_exc;
    const char *notice[FORM_COUNT]; /* in the arena; NULL when none */
};

/* Severity levels (pg_decision_severity names them). */
enum { SEV_NONE = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

/* --- internal functions ------------------------------------------------------ */

/* The test seam and the body of pg_policy_decide(): decide on @p n findings
 * that the caller placed in @p msg's segments (so tests can exercise the
 * policy without the engine). @p msg supplies segments, headers,
 * uninspectable parts and the encrypted flag; its own findings are ignored. */
int policy_decide_findings(pg_decision **out, const pg_policy *policy,
                           const pg_msg *msg, const pg_msg_finding *findings,
                           size_t n, const pg_envelope *env);

/* Lower-case domain part of an address ("Jane <j@Ex.COM>" -> "ex.com"),
 * written into out; false when there is none. */
bool policy_addr_domain(char *out, size_t cap, const char *addr);
/* Does @p domain equal @p pattern or sit below it? Both lower-case. */
bool policy_domain_match(const char *domain, const char *pattern);
/* Is the address internal to the policy's organisation? */
bool policy_is_internal(const pg_policy *policy, const char *addr);
/* The display name of the first address in a To: header, into out;
 * false when there is none. */
bool policy_display_name(char *out, size_t cap, const char *to_header);
/* Append a segment path with every token that holds four or more digits
 * masked: paths come from attachment file names, which can carry PII.
 * Other characters are HTML-escaped when @p html, else cleaned. */
void policy_put_safe_path(policy_sb *sb, const char *path, bool html);

/* Consent: build from built-in plus extra phrases; scan non-quoted text. */
int consent_build(const policy_consent **out, policy_arena *arena,
                  const char *const *extra, size_t n_extra);
/* The phrase found in @p msg's non-quoted, non-attachment text, or NULL. */
const char *consent_find(const policy_consent *c, const pg_msg *msg);
/* The same without skipping words that start no phrase: a walk of every
 * byte, the reference consent_find() is tested against. */
const char *consent_find_walk(const policy_consent *c, const pg_msg *msg);
/* Normalise a phrase as the scanner sees text; false if it is too short. */
bool consent_phrase_ok(const char *phrase);

/* Notices: load and bind templates (FILE:LINE errors); render for a
 * decision. */
int notice_load(pg_policy *p, const char *dir, unsigned line,
                const char *suggested_reply, unsigned reply_line);
/* Render the three forms into d; @p items are the first @p n_items of
 * @p n_total findings the notice is about. */
int notice_render(pg_decision *d, const pg_policy *p, const pg_msg *msg,
                  const decision_item *items, size_t n_items, size_t n_total);

/* Decision storage helpers (policy_decision.c). */
int decision_new(pg_decision **out);
int decision_add_rule(pg_decision *d, const char *id, pg_action action,
                      const char *reason);

#endif /* PIIGUARD_POLICY_INTERNAL_H */
