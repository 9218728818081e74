/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_decision.c - the pg_decision object: storage, accessors, JSON
 *
 * SUMMARY
 *	int pg_decision_tempfail(pg_decision **out, pg_channel channel,
 *				 const char *reason);
 *	void pg_decision_free(pg_decision *d);
 *	pg_action pg_decision_action(const pg_decision *d);
 *	... accessors ...
 *	bool pg_decision_redact_select(const pg_msg_finding *f, void *payload);
 *	json_t *pg_decision_to_json(const pg_decision *d);
 *
 * DESCRIPTION
 *	A decision owns everything it hands out (all in its arena, the three
 *	notice forms included) and borrows nothing from the policy or the
 *	message, so a reload may free the policy while a verdict is being
 *	written.
 *
 *	A decision holds counts and masked values only. The JSON is built
 *	from the same fields, so it can hold nothing else either.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"

static const char *const severity_names[] = {
    "none", "low", "medium", "high", "critical"};

/* decision_new - an empty allow decision with its own arena */
int decision_new(pg_decision **out)
{
    pg_decision *d = calloc(1, sizeof(*d));

    if (!d)
        return PG_ENOMEM;
    d->action = PG_ACT_ALLOW;
    memcpy(d->currency, "USD", 4);
    *out = d;
    return 0;
}

/* decision_add_rule - copy a fired rule into the decision */
int decision_add_rule(pg_decision *d, const char *id, pg_action action,
                      const char *reason)
{
    if (!d->rules && !(d->rules = arena_calloc(&d->arena, d->cap_rules, sizeof(*d->rules))))
        return PG_ENOMEM;
    if (d->n_rules >= d->cap_rules)
        return pg_error_set(PG_EINTERNAL, "policy: more rules fired than exist");
    pg_decision_rule *r = &d->rules[d->n_rules];
    r->id = arena_strdup(&d->arena, id);
    r->reason = arena_strdup(&d->arena, reason);
    r->action = action;
    if (!r->id || !r->reason)
        return PG_ENOMEM;
    d->n_rules++;
    return 0;
}

/* tempfail_text - the notice for a check that could not run */
static int tempfail_text(pg_decision *d, const char *reason)
{
    char text[601], html[1201];
    policy_sb sb;

    sb_init_buf(&sb, text, sizeof(text), 600, true);
    sb_puts(&sb, "Not sent (temporary failure): piiguard could not check this "
            "message (");
    sb_put_clean(&sb, reason, strnlen(reason, 200));
    sb_puts(&sb, ").\nNothing was delivered. Please try again in a few minutes; "
            "if it keeps failing, contact IT.");
    d->notice[FORM_SHORT] = d->notice[FORM_TEXT] = arena_strdup(&d->arena, text);
    sb_init_buf(&sb, html, sizeof(html), 1200, true);
    sb_puts(&sb, "<p>");
    sb_put_html(&sb, text, strlen(text));
    sb_puts(&sb, "</p>");
    d->notice[FORM_HTML] = arena_strdup(&d->arena, html);
    return d->notice[FORM_SHORT] && d->notice[FORM_HTML] ? 0 : PG_ENOMEM;
}

/* pg_decision_tempfail - a decision for an internal error */
int pg_decision_tempfail(pg_decision **out, pg_channel channel, const char *reason)
{
    pg_decision *d;
    char clean[201];
    int err = decision_new(&d);

    if (err < 0)
        return err;
    size_t n = strnlen(reason ? reason : "internal error", 200);
    memcpy(clean, reason ? reason : "internal error", n);
    clean[n] = '\0';
    for (char *p = clean; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    d->action = PG_ACT_TEMPFAIL;
    d->channel = channel;
    d->cap_rules = 1;
    if ((err = decision_add_rule(d, "internal-error", PG_ACT_TEMPFAIL, clean)) < 0 ||
        (err = tempfail_text(d, clean)) < 0) {
        pg_decision_free(d);
        return err < 0 ? err : PG_ENOMEM;
    }
    *out = d;
    return 0;
}

/* pg_decision_free - release the decision; NULL is allowed */
void pg_decision_free(pg_decision *d)
{
    if (!d)
        return;
    arena_free(&d->arena);
    free(d);
}

pg_action pg_decision_action(const pg_decision *d) { return d->action; }
bool pg_decision_consent_claimed(const pg_decision *d) { return d->consent_claimed; }
const char *pg_decision_consent_phrase(const pg_decision *d) { return d->consent_phrase; }
bool pg_decision_breach_notifiable(const pg_decision *d) { return d->breach_notifiable; }
double pg_decision_exposure(const pg_decision *d) { return d->exposure; }
unsigned pg_decision_records(const pg_decision *d) { return d->records; }
pg_mask_style pg_decision_mask_style(const pg_decision *d) { return d->mask; }
size_t pg_decision_rule_count(const pg_decision *d) { return d->n_rules; }

/* pg_decision_severity - "none" .. "critical" */
const char *pg_decision_severity(const pg_decision *d)
{
    return severity_names[d->severity];
}

/* pg_decision_rule_at - one fired rule; NULL past the end */
const pg_decision_rule *pg_decision_rule_at(const pg_decision *d, size_t i)
{
    return i < d->n_rules ? &d->rules[i] : NULL;
}

/* pg_decision_count - counted findings of one entity type */
unsigned pg_decision_count(const pg_decision *d, pg_entity entity)
{
    return (unsigned)entity < PG_ENT_COUNT ? d->counts[entity] : 0;
}

/* pg_decision_notice_short - the SMTP-sized notice, "" when none */
const char *pg_decision_notice_short(const pg_decision *d)
{
    return d->notice[FORM_SHORT] ? d->notice[FORM_SHORT] : "";
}

/* pg_decision_notice_full - the full notice, text or HTML, "" when none */
const char *pg_decision_notice_full(const pg_decision *d, bool html)
{
    const char *s = d->notice[html ? FORM_HTML : FORM_TEXT];

    return s ? s : "";
}

/* pg_decision_redact_select - is this finding one to mask? (bsearch) */
bool pg_decision_redact_select(const pg_msg_finding *f, void *payload)
{
    const pg_decision *d = payload;
    size_t lo = 0, hi = d->n_redact;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const decision_span *s = &d->redact[mid];
        int c = s->segment != f->segment ? (s->segment < f->segment ? -1 : 1)
                : s->start != f->f.start ? (s->start < f->f.start ? -1 : 1)
                : s->end != f->f.end ? (s->end < f->f.end ? -1 : 1) : 0;
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* set - json_object_set_new with a sticky failure flag */
static void set(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(o, key, v) < 0)
        *ok = false;
}

/* rules_json - [{id, action, reason}] */
static json_t *rules_json(const pg_decision *d)
{
    json_t *a = json_array();
    bool ok = a != NULL;

    for (size_t i = 0; ok && i < d->n_rules; i++) {
        json_t *r = json_object();
        ok = r != NULL;
        if (ok) {
            set(r, "id", json_string(d->rules[i].id), &ok);
            set(r, "action", json_string(pg_action_name(d->rules[i].action)), &ok);
            set(r, "reason", json_string(d->rules[i].reason), &ok);
        }
        if (!r || json_array_append_new(a, r) < 0)
            ok = false;
    }
    if (!ok)
        json_decref(a);
    return ok ? a : NULL;
}

/* counts_json - {"US_SSN": 2, ...}, counts only */
static json_t *counts_json(const pg_decision *d)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    for (int e = 0; ok && e < PG_ENT_COUNT; e++)
        if (d->counts[e])
            set(o, pg_entity_name((pg_entity)e), json_integer(d->counts[e]), &ok);
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

/* exceptions_json - [{id, until, status}] for matching exceptions */
static json_t *exceptions_json(const pg_decision *d)
{
    json_t *a = json_array();
    bool ok = a != NULL;

    for (size_t i = 0; ok && i < d->n_exc; i++) {
        json_t *x = json_object();
        ok = x != NULL;
        if (ok) {
            set(x, "id", json_string(d->exc[i].id), &ok);
            set(x, "until", json_string(d->exc[i].until), &ok);
            set(x, "status", json_string(d->exc[i].expired ? "expired, ignored"
                                                           : "applied"), &ok);
        }
        if (!x || json_array_append_new(a, x) < 0)
            ok = false;
    }
    if (!ok)
        json_decref(a);
    return ok ? a : NULL;
}

/* notice_json - the notice string, or null when there is none */
static json_t *notice_json(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* pg_decision_to_json - the decision for the API, store and logs */
json_t *pg_decision_to_json(const pg_decision *d)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    set(o, "action", json_string(pg_action_name(d->action)), &ok);
    set(o, "channel", json_string(pg_channel_name(d->channel)), &ok);
    set(o, "severity", json_string(pg_decision_severity(d)), &ok);
    set(o, "breach_notifiable", json_boolean(d->breach_notifiable), &ok);
    set(o, "consent_claimed", json_boolean(d->consent_claimed), &ok);
    set(o, "consent_phrase", d->consent_phrase ? json_string(d->consent_phrase)
                                               : json_null(), &ok);
    set(o, "exposure", json_real(d->exposure), &ok);
    set(o, "exposure_records", json_integer(d->records), &ok);
    set(o, "cost_per_record", json_real(d->cost_per_record), &ok);
    set(o, "currency", json_string(d->currency), &ok);
    set(o, "rules", rules_json(d), &ok);
    set(o, "counts", counts_json(d), &ok);
    set(o, "exceptions", exceptions_json(d), &ok);
    set(o, "notice", notice_json(d->notice[FORM_SHORT]), &ok);
    set(o, "notice_full", notice_json(d->notice[FORM_TEXT]), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
