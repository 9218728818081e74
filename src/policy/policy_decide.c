/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_decide.c - findings + envelope -> one decision
 *
 * SUMMARY
 *	int pg_policy_decide(pg_decision **out, const pg_policy *policy,
 *	                     const pg_msg *msg, const pg_envelope *env);
 *	int policy_decide_findings(pg_decision **out, const pg_policy *policy,
 *	                           const pg_msg *msg, const pg_msg_finding *f,
 *	                           size_t n, const pg_envelope *env);
 *
 * DESCRIPTION
 *	A finding counts when its score reaches its entity's min_score and
 *	its group (class, or the entity when overridden) reaches min_count.
 *	Every rule whose channel and recipient scope match fires on the
 *	counted findings it selects; the most restrictive action wins. Then
 *	come the built-in rules: breach notification (a name with a
 *	government ID or financial account), encrypted content and parts
 *	that could not be inspected. When nothing fires, default_action.
 *
 *	Two adjustments are made per finding, in this order. A finding that
 *	a redact rule selects but that lives in an attachment (or a header)
 *	cannot be redacted, so its action becomes `unredactable`. An active
 *	exception that covers the finding's entity then lowers the action to
 *	the exception's (allow or secure) - never raises it.
 *
 *	Consent phrases are looked for only after the action, rules and
 *	severity are final, and only to record them: no line below reads
 *	consent_claimed.
 *
 *	Recipients: a message is internal only when every recipient has an
 *	internal domain; one external recipient, or none at all, makes it
 *	external. The sender for exceptions is the authenticated user when
 *	that is an address, else the envelope sender; never a header, which
 *	is message content.
 *
 *	Cost: one pass over the findings per rule, no allocation per rule,
 *	no compilation; the consent scan is bounded and runs only when
 *	something was found.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_internal.h"

#define NO_ACTION 0xFFu

enum { B_BODY, B_QUOTED, B_ATTACH, B_HEADER, B_COUNT };
static const char *const bucket_names[B_COUNT] = {
    "body", "quoted text", "attachments", "headers"};

typedef struct decide_ctx {
    const pg_policy *p;
    const pg_msg *msg;
    const pg_msg_finding *f;
    size_t n;
    const pg_envelope *env;
    pg_decision *d;
    policy_scope scope;
    size_t n_rcpt, n_external;
    time_t now;
    uint8_t *counted;  /* per finding: passed the thresholds */
    uint8_t *fact;     /* per finding: strongest action, NO_ACTION if none */
    size_t n_counted;
    uint8_t stack[2 * DECIDE_STACK_FINDINGS]; /* counted + fact, small n */
    uint8_t cap[PG_ENT_COUNT];        /* exception cap, NO_ACTION if none */
    uint8_t cap_exc[PG_ENT_COUNT];    /* which exception set it */
} decide_ctx;

/* seg_of - the segment of finding i (NULL when the index is bad) */
static const pg_segment *seg_of(const decide_ctx *c, size_t i)
{
    if (c->f[i].segment >= pg_msg_segment_count(c->msg))
        return NULL;
    return pg_msg_segment(c->msg, c->f[i].segment);
}

/* in_attachment - text that lives in an attachment or its file name */
static bool in_attachment(const pg_segment *s)
{
    return s->in_attachment || s->kind == PG_SEG_ATTACHMENT ||
           s->kind == PG_SEG_FILENAME;
}

/* redactable - pg_msg_redact rewrites text, HTML and chat bodies and the
 * top-level Subject; not attachments, file names or display names */
static bool redactable(const pg_segment *s)
{
    if (in_attachment(s))
        return false;
    if (s->kind == PG_SEG_HEADER)
        return strcmp(s->path, "header:subject") == 0;
    return s->kind == PG_SEG_TEXT || s->kind == PG_SEG_HTML || s->kind == PG_SEG_CHAT;
}

/* bucket_of - where a finding sits, for reasons */
static int bucket_of(const decide_ctx *c, size_t i)
{
    const pg_segment *s = seg_of(c, i);

    if (in_attachment(s))
        return B_ATTACH;
    if (s->kind == PG_SEG_HEADER)
        return B_HEADER;
    return c->f[i].quoted ? B_QUOTED : B_BODY;
}

/* raise - the most restrictive action wins */
static void raise_action(pg_decision *d, pg_action a)
{
    if (a > d->action)
        d->action = a;
}

/* find_scope - internal only when every recipient is internal */
static void find_scope(decide_ctx *c)
{
    c->n_rcpt = c->env->recipients ? c->env->n_recipients : 0;
    for (size_t i = 0; i < c->n_rcpt; i++)
        if (!c->env->recipients[i] ||
            !policy_is_internal(c->p, c->env->recipients[i]))
            c->n_external++;
    c->scope = c->n_rcpt > 0 && c->n_external == 0 ? SCOPE_INTERNAL
                                                   : SCOPE_EXTERNAL;
}

/* count_findings - thresholds per entity, then min_count per group */
static void count_findings(decide_ctx *c)
{
    unsigned groups[POLICY_GROUPS] = {0};

    for (size_t i = 0; i < c->n; i++) {
        pg_entity e = c->f[i].f.entity;
        c->fact[i] = NO_ACTION;
        c->counted[i] = (unsigned)e < PG_ENT_COUNT && seg_of(c, i) &&
                        c->f[i].f.score >= c->p->thr[e].min_score;
        if (c->counted[i])
            groups[c->p->thr[e].group]++;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (!c->counted[i])
            continue;
        const policy_threshold *t = &c->p->thr[c->f[i].f.entity];
        c->counted[i] = groups[t->group] >= t->min_count;
        if (c->counted[i]) {
            c->d->counts[c->f[i].f.entity]++;
            c->n_counted++;
        }
    }
}

/* bare_address - "addr" from "addr", "<addr>" or "Name <addr>" */
static bool bare_address(char *out, size_t cap, const char *who)
{
    const char *lt = strchr(who, '<');
    const char *s = lt ? lt + 1 : who;
    size_t n = lt ? strcspn(s, ">") : strlen(s);

    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* sender_matches - is the sender one of the exception's addresses/domains? */
static bool sender_matches(const decide_ctx *c, const policy_exception *e)
{
    const char *who = c->env->auth_user && strchr(c->env->auth_user, '@')
                          ? c->env->auth_user : c->env->sender;
    char dom[256], addr[320];

    if (!e->n_senders)
        return true;
    if (!who || !bare_address(addr, sizeof(addr), who) ||
        !policy_addr_domain(dom, sizeof(dom), addr))
        return false;
    for (size_t i = 0; i < e->n_senders; i++) {
        const char *s = e->senders[i];
        if (strchr(s, '@') ? strcasecmp(addr, s) == 0 : policy_domain_match(dom, s))
            return true;
    }
    return false;
}

/* domain_listed - is the domain one of the exception's recipient domains? */
static bool domain_listed(const char *dom, const policy_exception *e)
{
    for (size_t j = 0; j < e->n_rcpt_domains; j++)
        if (policy_domain_match(dom, e->rcpt_domains[j]))
            return true;
    return false;
}

/* rcpt_matches - every external recipient is in the exception's domains */
static bool rcpt_matches(const decide_ctx *c, const policy_exception *e)
{
    char dom[256];

    if (!e->n_rcpt_domains)
        return true;
    if (c->n_external == 0)
        return false;
    for (size_t i = 0; i < c->n_rcpt; i++) {
        const char *r = c->env->recipients[i];
        if (r && policy_is_internal(c->p, r))
            continue;
        if (!r || !policy_addr_domain(dom, sizeof(dom), r) || !domain_listed(dom, e))
            return false;
    }
    return true;
}

/* note_exception - record an applied or expired exception */
static int note_exception(decide_ctx *c, const policy_exception *e, bool expired)
{
    pg_decision *d = c->d;

    if (!d->exc && !(d->exc = arena_calloc(&d->arena, c->p->n_exc, sizeof(*d->exc))))
        return PG_ENOMEM;
    decision_exc_note *note = &d->exc[d->n_exc++];
    /* Copies: a decision must outlive a reloaded policy. */
    note->id = arena_strdup(&d->arena, e->id);
    note->until = arena_strdup(&d->arena, e->until_text);
    note->expired = expired;
    return note->id && note->until ? 0 : PG_ENOMEM;
}

/* apply_exceptions - per-entity caps from exceptions that match and live */
static int apply_exceptions(decide_ctx *c)
{
    memset(c->cap, NO_ACTION, sizeof(c->cap));
    for (size_t x = 0; x < c->p->n_exc; x++) {
        const policy_exception *e = &c->p->exc[x];
        if (!(e->channels & (1u << c->env->channel)) ||
            !sender_matches(c, e) || !rcpt_matches(c, e))
            continue;
        if (note_exception(c, e, c->now >= e->until) < 0)
            return PG_ENOMEM;
        if (c->now >= e->until)
            continue;
        for (int en = 0; en < PG_ENT_COUNT; en++) {
            if (!(e->entities & POLICY_ENT_BIT(en)) || c->cap[en] <= e->action)
                continue;
            c->cap[en] = (uint8_t)e->action;
            c->cap_exc[en] = (uint8_t)x;
        }
    }
    return 0;
}

/* tri_ok - a yes/no/any selector against a flag */
static bool tri_ok(policy_tri t, bool v)
{
    return t == TRI_ANY || (t == TRI_YES) == v;
}

/* rule_selects - does rule r select counted finding i? */
static bool rule_selects(const decide_ctx *c, const policy_rule *r, size_t i)
{
    const pg_segment *s = seg_of(c, i);

    return c->counted[i] && (r->entities & POLICY_ENT_BIT(c->f[i].f.entity)) &&
           tri_ok(r->quoted, c->f[i].quoted) && tri_ok(r->attachment, in_attachment(s));
}

/* What one rule did, for its reason. */
typedef struct rule_tally {
    unsigned n[PG_ENT_COUNT][B_COUNT];
    unsigned valid[PG_ENT_COUNT];
    bool escalated;
    int capped_by; /* exception index, or -1 */
    pg_action action;
} rule_tally;

/* finding_action - the rule's action for one finding, after both adjustments */
static pg_action finding_action(decide_ctx *c, pg_action a, size_t i, rule_tally *t)
{
    pg_entity e = c->f[i].f.entity;

    if (a == PG_ACT_REDACT && !redactable(seg_of(c, i))) {
        a = c->p->unredactable;
        t->escalated = true;
    }
    if (c->cap[e] != NO_ACTION && c->cap[e] < a) {
        a = (pg_action)c->cap[e];
        t->capped_by = c->cap_exc[e];
    }
    return a;
}

/* tally_rule - run one rule over the findings; false when it selects none */
static bool tally_rule(decide_ctx *c, const policy_rule *r, rule_tally *t)
{
    bool any = false;

    for (size_t i = 0; i < c->n; i++) {
        if (!rule_selects(c, r, i))
            continue;
        if (!any) {
            memset(t, 0, sizeof(*t));
            t->capped_by = -1;
        }
        pg_entity e = c->f[i].f.entity;
        pg_action a = finding_action(c, r->action, i, t);
        t->n[e][bucket_of(c, i)]++;
        t->valid[e] += c->f[i].f.validated;
        if (!any || a > t->action)
            t->action = a;
        if (c->fact[i] == NO_ACTION || a > c->fact[i])
            c->fact[i] = (uint8_t)a;
        any = true;
    }
    return any;
}

/* put_entity_counts - "2 validated US_SSN in body, 1 in quoted text" */
static void put_entity_counts(policy_sb *sb, const rule_tally *t, pg_entity e)
{
    unsigned total = 0;
    bool first = true;

    for (int b = 0; b < B_COUNT; b++)
        total += t->n[e][b];
    for (int b = 0; b < B_COUNT; b++) {
        if (!t->n[e][b])
            continue;
        sb_puts(sb, first ? "" : ", ");
        sb_putu(sb, t->n[e][b]);
        if (first) {
            sb_puts(sb, t->valid[e] == total ? " validated " : " ");
            sb_puts(sb, pg_entity_name(e));
        }
        sb_puts(sb, " in ");
        sb_puts(sb, bucket_names[b]);
        first = false;
    }
    if (t->valid[e] && t->valid[e] < total) {
        sb_puts(sb, " (");
        sb_putu(sb, t->valid[e]);
        sb_puts(sb, " validated)");
    }
}

/* put_audience - "; by email to 2 external recipients" */
static void put_audience(policy_sb *sb, const decide_ctx *c)
{
    sb_puts(sb, "; by ");
    sb_puts(sb, pg_channel_name(c->env->channel));
    if (c->scope == SCOPE_INTERNAL) {
        sb_puts(sb, " to internal recipients only");
    } else if (c->n_rcpt == 0) {
        sb_puts(sb, ", recipients unknown (treated as external)");
    } else {
        sb_puts(sb, " to ");
        sb_putu(sb, c->n_external);
        sb_puts(sb, c->n_external == 1 ? " external recipient" : " external recipients");
    }
}

/* put_adjustments - escalation and exception, in words */
static void put_adjustments(policy_sb *sb, const decide_ctx *c, const rule_tally *t)
{
    if (t->escalated)
        sb_printf(sb, "; PII in an attachment or a display name cannot be "
                  "redacted, so %s", pg_action_name(c->p->unredactable));
    if (t->capped_by >= 0) {
        const policy_exception *e = &c->p->exc[t->capped_by];
        sb_printf(sb, "; lowered to %s by exception '%s' (approved by ",
                  pg_action_name(e->action), e->id);
        sb_put_clean(sb, e->approved_by, strnlen(e->approved_by, 80));
        sb_printf(sb, ", until %s)", e->until_text);
    }
}

/* reason_start - a reason's builder in the caller's buffer of
 * POLICY_MAX_REASON + 1 bytes: it clips there, so it never allocates */
static void reason_start(policy_sb *sb, char *buf)
{
    sb_init_buf(sb, buf, POLICY_MAX_REASON + 1, POLICY_MAX_REASON, true);
}

/* fire - record a rule that fired (the reason is copied) and raise the
 * decision */
static int fire(decide_ctx *c, const char *id, pg_action a, policy_sb *sb)
{
    int err = sb->err;

    if (err == 0)
        err = decision_add_rule(c->d, id, a, sb->buf);
    sb_dispose(sb);
    if (err < 0)
        return err;
    raise_action(c->d, a);
    return 0;
}

/* apply_rule - one configured rule */
static int apply_rule(decide_ctx *c, const policy_rule *r)
{
    rule_tally t;
    policy_sb sb;
    char buf[POLICY_MAX_REASON + 1];
    bool first = true;

    if (c->n_counted == 0 || !(r->channels & (1u << c->env->channel)) ||
        (r->scope != SCOPE_ANY && r->scope != c->scope) || !tally_rule(c, r, &t))
        return 0;
    reason_start(&sb, buf);
    for (int e = 0; e < PG_ENT_COUNT; e++) {
        unsigned any = t.n[e][0] | t.n[e][1] | t.n[e][2] | t.n[e][3];
        if (!any)
            continue;
        if (!first)
            sb_puts(&sb, "; ");
        put_entity_counts(&sb, &t, (pg_entity)e);
        first = false;
    }
    put_audience(&sb, c);
    put_adjustments(&sb, c, &t);
    return fire(c, r->id, t.action, &sb);
}

/* name_source - a counted PERSON finding, else the To: display name */
static const char *name_source(const decide_ctx *c)
{
    char name[128];

    for (size_t i = 0; i < c->n; i++)
        if (c->counted[i] && c->f[i].f.entity == PG_ENT_PERSON)
            return "a person's name in the message";
    if (c->p->combo.display_name &&
        policy_display_name(name, sizeof(name), pg_msg_header(c->msg, "To")))
        return "the recipient's display name";
    return NULL;
}

/* combo_ids - tally the identifiers that make a name notifiable */
static bool combo_ids(decide_ctx *c, rule_tally *t)
{
    policy_rule r = {.entities = c->p->combo.entities};
    pg_action a = c->p->combo.action;
    bool floor = c->p->combo.scope == SCOPE_ANY || c->p->combo.scope == c->scope;

    r.action = floor ? a : PG_ACT_ALLOW;
    return tally_rule(c, &r, t);
}

/* apply_combination - name + government ID or financial account */
static int apply_combination(decide_ctx *c)
{
    rule_tally t;
    policy_sb sb;
    char buf[POLICY_MAX_REASON + 1];
    const char *name;

    if (!c->p->combo.enabled || c->n_counted == 0 || !(name = name_source(c)) ||
        !combo_ids(c, &t))
        return 0;
    c->d->breach_notifiable = true;
    reason_start(&sb, buf);
    sb_puts(&sb, name);
    sb_puts(&sb, " together with ");
    for (int e = 0, first = 1; e < PG_ENT_COUNT; e++) {
        if (!(t.n[e][0] | t.n[e][1] | t.n[e][2] | t.n[e][3]))
            continue;
        sb_puts(&sb, first ? "" : ", ");
        sb_puts(&sb, pg_entity_name((pg_entity)e));
        first = 0;
    }
    sb_puts(&sb, " is personal information under US state breach-notification laws");
    put_adjustments(&sb, c, &t);
    return fire(c, "breach-notification", t.action, &sb);
}

/* apply_content_state - encrypted content, and parts we could not read */
static int apply_content_state(decide_ctx *c)
{
    size_t n = pg_msg_uninspectable_count(c->msg);
    policy_sb sb;
    char buf[POLICY_MAX_REASON + 1];

    reason_start(&sb, buf);
    if (pg_msg_encrypted(c->msg)) {
        sb_puts(&sb, "the content is encrypted end to end (S/MIME or PGP), "
                "so it does not travel in clear text");
        return fire(c, "encrypted", c->p->encrypted, &sb);
    }
    if (n == 0) {
        sb_dispose(&sb);
        return 0;
    }
    sb_printf(&sb, "%zu part%s could not be inspected:", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < 3; i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(c->msg, i);
        sb_puts(&sb, i ? ", " : " ");
        policy_put_safe_path(&sb, u->segment ? u->segment : "?", false);
        sb_puts(&sb, " (");
        sb_put_clean(&sb, u->reason ? u->reason : "?", strnlen(u->reason ? u->reason : "?", 80));
        sb_puts(&sb, ")");
    }
    if (n > 3)
        sb_printf(&sb, " and %zu more", n - 3);
    return fire(c, "uninspectable", c->p->uninspectable, &sb);
}

/* severity - what the content is, independent of what we do with it */
static int severity(const decide_ctx *c)
{
    int sev = SEV_NONE;

    for (size_t i = 0; i < c->n; i++) {
        if (!c->counted[i])
            continue;
        bool contact = pg_entity_class_of(c->f[i].f.entity) == PG_CLASS_CONTACT;
        int s = contact ? SEV_LOW : c->scope == SCOPE_EXTERNAL ? SEV_HIGH : SEV_MEDIUM;
        sev = s > sev ? s : sev;
    }
    if (pg_msg_uninspectable_count(c->msg) && !pg_msg_encrypted(c->msg) &&
        sev < SEV_MEDIUM)
        sev = SEV_MEDIUM;
    if (c->d->breach_notifiable && sev > SEV_NONE && sev < SEV_CRITICAL)
        sev++;
    return sev;
}

/* Distinct values are compared by a 64-bit hash of their compact form;
 * the hashes live only for this call and the values are never copied. */
typedef struct value_key {
    uint64_t hash;
    unsigned entity;
} value_key;

/* value_hash - FNV-1a over the letters and digits, upper-cased */
static uint64_t value_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (unsigned char)(ch - 32);
        if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'))
            h = (h ^ ch) * 0x100000001b3ull;
    }
    return h;
}

/* key_cmp - order by entity, then hash */
static int key_cmp(const void *a, const void *b)
{
    const value_key *x = a, *y = b;

    if (x->entity != y->entity)
        return x->entity < y->entity ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* collect_keys - hashes of the validated high-risk values; count */
static size_t collect_keys(const decide_ctx *c, value_key *keys)
{
    size_t k = 0;

    for (size_t i = 0; i < c->n; i++) {
        const pg_finding *f = &c->f[i].f;
        const pg_segment *s = seg_of(c, i);
        if (!c->counted[i] || !f->validated || f->end > s->len ||
            f->start >= f->end || !(c->p->exposure_entities & POLICY_ENT_BIT(f->entity)))
            continue;
        keys[k].hash = value_hash(s->text + f->start, f->end - f->start);
        keys[k++].entity = (unsigned)f->entity;
    }
    return k;
}

/* count_records - distinct values per entity; the largest is the estimate
 * (a message with 3 SSNs and 3 card numbers is likely 3 customers) */
static int count_records(decide_ctx *c)
{
    value_key *keys;
    unsigned best = 0, run = 0;

    if (c->scope != SCOPE_EXTERNAL || pg_msg_encrypted(c->msg) || c->n == 0)
        return 0;
    if (!(keys = malloc(c->n * sizeof(*keys))))
        return PG_ENOMEM;
    size_t k = collect_keys(c, keys);
    qsort(keys, k, sizeof(*keys), key_cmp);
    for (size_t i = 0; i < k; i++) {
        bool same_entity = i > 0 && keys[i].entity == keys[i - 1].entity;
        run = same_entity ? run + (keys[i].hash != keys[i - 1].hash) : 1;
        best = run > best ? run : best;
    }
    free(keys);
    c->d->records = best;
    c->d->exposure = best * c->p->cost_per_record;
    return 0;
}

/* span_cmp - order redaction spans by segment, start, end */
static int span_cmp(const void *a, const void *b)
{
    const decision_span *x = a, *y = b;

    if (x->segment != y->segment)
        return x->segment < y->segment ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* collect_redactions - what pg_decision_redact_select() will say yes to */
static int collect_redactions(decide_ctx *c)
{
    size_t k = 0;

    for (size_t i = 0; i < c->n; i++)
        k += c->fact[i] == PG_ACT_REDACT && redactable(seg_of(c, i));
    if (k == 0)
        return 0;
    c->d->redact = arena_calloc(&c->d->arena, k, sizeof(decision_span));
    if (!c->d->redact)
        return PG_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        if (c->fact[i] != PG_ACT_REDACT || !redactable(seg_of(c, i)))
            continue;
        c->d->redact[c->d->n_redact++] =
            (decision_span){c->f[i].segment, c->f[i].f.start, c->f[i].f.end};
    }
    qsort(c->d->redact, c->d->n_redact, sizeof(decision_span), span_cmp);
    return 0;
}

/* collect_items - the findings a notice lists: masked, with where */
static size_t collect_items(const decide_ctx *c, decision_item *items, size_t *total)
{
    size_t k = 0;

    *total = 0;
    for (size_t i = 0; i < c->n; i++) {
        const pg_finding *f = &c->f[i].f;
        const pg_segment *s = seg_of(c, i);
        if (c->fact[i] == NO_ACTION || c->fact[i] < NOTICE_FIRST_ACTION ||
            f->end > s->len || f->start >= f->end)
            continue;
        if (++*total > NOTICE_MAX_LISTED)
            continue;
        decision_item *it = &items[k++];
        it->entity = f->entity;
        it->segment = c->f[i].segment;
        it->quoted = c->f[i].quoted;
        it->attachment = in_attachment(s);
        it->action = (pg_action)c->fact[i];
        pg_mask(it->masked, sizeof(it->masked), s->text + f->start,
                f->end - f->start, c->p->mask, pg_entity_name(f->entity));
    }
    return k;
}

/* decide_rules - every rule, then the built-in ones, then the default */
static int decide_rules(decide_ctx *c)
{
    int err = 0;

    for (size_t r = 0; r < c->p->n_rules && err == 0; r++)
        err = apply_rule(c, &c->p->rules[r]);
    if (err == 0)
        err = apply_combination(c);
    if (err == 0)
        err = apply_content_state(c);
    if (err == 0 && c->d->n_rules == 0 && c->p->default_action != PG_ACT_ALLOW) {
        policy_sb sb;
        char buf[POLICY_MAX_REASON + 1];
        reason_start(&sb, buf);
        sb_puts(&sb, "no rule matched; the policy's default_action applies");
        err = fire(c, "default", c->p->default_action, &sb);
    }
    return err;
}

/* decide_record - after the decision: severity, exposure, consent, notice */
static int decide_record(decide_ctx *c)
{
    decision_item items[NOTICE_MAX_LISTED];
    int err;

    c->d->severity = severity(c);
    if ((err = count_records(c)) < 0 || (err = collect_redactions(c)) < 0)
        return err;
    if (c->n_counted > 0 || c->d->action > PG_ACT_ALLOW) {
        const char *phrase = consent_find(c->p->consent, c->msg);
        if (phrase && !(c->d->consent_phrase = arena_strdup(&c->d->arena, phrase)))
            return PG_ENOMEM;
        c->d->consent_claimed = phrase != NULL;
    }
    if (c->d->action < NOTICE_FIRST_ACTION)
        return 0;
    size_t total, listed = collect_items(c, items, &total);
    return notice_render(c->d, c->p, c->msg, items, listed, total);
}

/* ctx_init - the decision, scratch arrays and the context for one call */
static int ctx_init(decide_ctx *c, const pg_policy *p)
{
    pg_decision *d;
    int err = decision_new(&d);

    if (err < 0)
        return err;
    c->d = d;
    d->channel = c->env->channel;
    d->mask = p->mask;
    d->cost_per_record = p->cost_per_record;
    memcpy(d->currency, p->currency, sizeof(d->currency)); /* 3 letters, checked at load */
    d->cap_rules = p->n_rules + 4; /* each rule once, and the built-in ones */
    c->counted = c->n <= DECIDE_STACK_FINDINGS ? c->stack : malloc(2 * c->n);
    if (!c->counted)
        return PG_ENOMEM;
    c->fact = c->counted + c->n;
    c->now = c->env->now ? c->env->now : time(NULL);
    return 0;
}

/* policy_decide_findings - decide on findings placed in msg's segments */
int policy_decide_findings(pg_decision **out, const pg_policy *policy,
                           const pg_msg *msg, const pg_msg_finding *findings,
                           size_t n, const pg_envelope *env)
{
    decide_ctx c = {.p = policy, .msg = msg, .f = findings, .n = n, .env = env};
    int err;

    if ((unsigned)env->channel > PG_CHAN_SMS)
        return pg_error_set(PG_EINVAL, "policy: unknown channel %d", (int)env->channel);
    if ((err = ctx_init(&c, policy)) == 0) {
        find_scope(&c);
        count_findings(&c);
        err = apply_exceptions(&c);
    }
    if (err == 0)
        err = decide_rules(&c);
    if (err == 0)
        err = decide_record(&c);
    if (c.counted != c.stack)
        free(c.counted);
    if (err < 0) {
        pg_decision_free(c.d);
        return err;
    }
    *out = c.d;
    return 0;
}

/* pg_policy_decide - decide on a scanned message */
int pg_policy_decide(pg_decision **out, const pg_policy *policy,
                     const pg_msg *msg, const pg_envelope *env)
{
    size_t n = pg_msg_finding_count(msg);
    const pg_msg_finding *first = n ? pg_msg_finding_at(msg, 0) : NULL;
    pg_msg_finding *copy;
    int err;

    assert(policy && msg && env);
    /* The message room keeps findings in one array; if that ever changes,
     * copy rather than read past the first. */
    if (n == 0 || pg_msg_finding_at(msg, n - 1) == first + (n - 1))
        return policy_decide_findings(out, policy, msg, first, n, env);
    if (!(copy = malloc(n * sizeof(*copy))))
        return PG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        copy[i] = *pg_msg_finding_at(msg, i);
    err = policy_decide_findings(out, policy, msg, copy, n, env);
    free(copy);
    return err;
}
