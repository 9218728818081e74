/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_rules.c - the rules: and exceptions: sections
 *
 * SUMMARY
 *	int ld_rules(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
 *	int ld_exceptions(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
 *
 * DESCRIPTION
 *	A rule selects findings by channel, recipient scope, class or entity,
 *	quoted or not, in an attachment or not, and names an action. Every
 *	selector is precomputed into a bit set here, so a decision tests a
 *	finding against a rule with a few AND operations.
 *
 *	An exception is owned by compliance and so must say who approved it,
 *	why, and until when; it must name senders or recipient domains (an
 *	exception for everyone is a policy change). Its action can only be
 *	allow or secure, and at decision time it can only lower a rule's
 *	action to that, never raise it. Nothing in a message can create one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_yaml.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct rule_tmp {
    ld_sel sel; /* first: the selector handlers cast to it */
    policy_rule *r;
    char where[96];
} rule_tmp;

/* ru_id - rules[i].id */
static int ru_id(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;

    (void)arg;
    return ld_id(ld, val, "rule id", &t->r->id);
}

/* ru_desc - rules[i].description */
static int ru_desc(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;

    (void)arg;
    return ld_string(ld, val, "rule description", &t->r->description);
}

/* ru_channels - rules[i].channels */
static int ru_channels(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_channels(ld, val, &((rule_tmp *)target)->r->channels);
}

/* ru_scope - rules[i].recipients */
static int ru_scope(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;
    char what[128];

    (void)arg;
    snprintf(what, sizeof(what), "%s.recipients", t->where);
    return ld_scope(ld, val, what, &t->r->scope);
}

/* ru_quoted - rules[i].quoted */
static int ru_quoted(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;
    char what[128];

    (void)arg;
    snprintf(what, sizeof(what), "%s.quoted", t->where);
    return ld_tri(ld, val, what, &t->r->quoted);
}

/* ru_attachment - rules[i].attachment */
static int ru_attachment(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;
    char what[128];

    (void)arg;
    snprintf(what, sizeof(what), "%s.attachment", t->where);
    return ld_tri(ld, val, what, &t->r->attachment);
}

/* ru_action - rules[i].action */
static int ru_action(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    rule_tmp *t = target;
    char what[128];

    (void)arg;
    snprintf(what, sizeof(what), "%s.action", t->where);
    return ld_action(ld, val, what, LD_ACTS_ALL, &t->r->action);
}

/* rule_unique - no two rules share an id */
static int rule_unique(policy_ld *ld, yaml_node_t *item, size_t i)
{
    const policy_rule *rules = ld->p->rules;

    for (size_t j = 0; j < i; j++)
        if (strcmp(rules[j].id, rules[i].id) == 0)
            return ld_fail(ld, item, "rule id '%s' is already used on line %u; "
                           "give each rule its own id", rules[i].id, rules[j].line);
    return 0;
}

/* rule_item - one rule: defaults, keys, then the selector */
static int rule_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    static const ld_key keys[] = {
        {"id", ru_id, NULL, true},
        {"description", ru_desc, NULL, false},
        {"channels", ru_channels, NULL, false},
        {"recipients", ru_scope, NULL, false},
        {"classes", ld_sel_classes, NULL, false},
        {"entities", ld_sel_entities, NULL, false},
        {"quoted", ru_quoted, NULL, false},
        {"attachment", ru_attachment, NULL, false},
        {"action", ru_action, NULL, true},
    };
    policy_rule *r = &ld->p->rules[i];
    rule_tmp t = {{0, 0, false}, r, ""};
    int err;

    (void)target;
    *r = (policy_rule){.line = ld_line(item), .channels = POLICY_ALL_CHANNELS};
    snprintf(t.where, sizeof(t.where), "rules[%zu]", i);
    if ((err = ld_mapping(ld, item, t.where, keys, N(keys), &t)) < 0)
        return err;
    if (t.sel.set && !t.sel.mask)
        return ld_fail(ld, item, "rule '%s' selects no entities; name classes "
                       "or entities, or remove both to select all", r->id);
    r->entities = t.sel.set ? t.sel.mask : POLICY_ALL_ENTITIES;
    r->named = t.sel.named;
    ld->p->n_rules = i + 1;
    return rule_unique(ld, item, i);
}

/* ld_rules - the list of rules, in file order */
int ld_rules(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    size_t n = ld_sequence_len(ld, val);

    (void)arg;
    if (n > POLICY_MAX_RULES)
        return ld_fail(ld, val, "rules has %zu entries, more than %u; merge "
                       "rules that share an action", n, POLICY_MAX_RULES);
    if (!(ld->p->rules = arena_calloc(&ld->p->arena, n ? n : 1, sizeof(policy_rule))))
        return PG_ENOMEM;
    if (val->type == YAML_SCALAR_NODE)
        return ld_fail(ld, val, "rules must be a list of mappings, each with "
                       "id and action; write rules: [] for none");
    return ld_sequence(ld, val, "rules", rule_item, target);
}

typedef struct exc_tmp {
    ld_sel sel; /* first: the selector handlers cast to it */
    policy_exception *e;
    char where[96];
} exc_tmp;

/* ex_id - exceptions[i].id */
static int ex_id(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_id(ld, val, "exception id", &((exc_tmp *)target)->e->id);
}

/* ex_approved - exceptions[i].approved_by: who in compliance owns it */
static int ex_approved(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_string(ld, val, "exception approved_by",
                     &((exc_tmp *)target)->e->approved_by);
}

/* ex_reason - exceptions[i].reason */
static int ex_reason(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_string(ld, val, "exception reason", &((exc_tmp *)target)->e->reason);
}

/* ex_until - exceptions[i].until: the last day it applies */
static int ex_until(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    policy_exception *e = ((exc_tmp *)target)->e;

    (void)arg;
    return ld_date(ld, val, "exception until", &e->until, e->until_text);
}

/* address_ok - "local@domain" or a domain, lower-cased in place */
static bool address_ok(char *s)
{
    char *at = strchr(s, '@');

    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (at && (at == s || strchr(at + 1, '@')))
        return false;
    const char *dom = at ? at + 1 : s;
    if (!*dom || *dom == '.')
        return false;
    for (const char *p = dom; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
            return false;
    return true;
}

/* ex_senders - exceptions[i].senders: addresses or domains */
static int ex_senders(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    policy_exception *e = ((exc_tmp *)target)->e;
    int err = ld_strings(ld, val, "exception senders", &e->senders, &e->n_senders);

    (void)arg;
    for (size_t i = 0; err == 0 && i < e->n_senders; i++)
        if (!address_ok((char *)e->senders[i]))
            return ld_fail(ld, val, "exception senders: '%.60s' is neither an "
                           "address nor a domain; write name@example.com or "
                           "example.com", e->senders[i]);
    return err;
}

/* ex_rcpt - exceptions[i].recipient_domains */
static int ex_rcpt(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    policy_exception *e = ((exc_tmp *)target)->e;

    (void)arg;
    return ld_domains(ld, val, "exception recipient_domains", &e->rcpt_domains,
                      &e->n_rcpt_domains);
}

/* ex_channels - exceptions[i].channels */
static int ex_channels(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_channels(ld, val, &((exc_tmp *)target)->e->channels);
}

/* ex_action - exceptions[i].action: allow or secure only */
static int ex_action(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_action(ld, val, "exception action",
                     LD_ACT(PG_ACT_ALLOW) | LD_ACT(PG_ACT_SECURE),
                     &((exc_tmp *)target)->e->action);
}

/* exc_check - the whole-exception rules: scoped, unique */
static int exc_check(policy_ld *ld, yaml_node_t *item, size_t i)
{
    const policy_exception *e = &ld->p->exc[i];

    if (!e->n_senders && !e->n_rcpt_domains)
        return ld_fail(ld, item, "exception '%s' names neither senders nor "
                       "recipient_domains; an exception for everyone is a "
                       "policy change, so scope it", e->id);
    for (size_t j = 0; j < i; j++)
        if (strcmp(ld->p->exc[j].id, e->id) == 0)
            return ld_fail(ld, item, "exception id '%s' is already used on "
                           "line %u; give each its own id", e->id,
                           ld->p->exc[j].line);
    return 0;
}

/* exc_item - one exception */
static int exc_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    static const ld_key keys[] = {
        {"id", ex_id, NULL, true},
        {"approved_by", ex_approved, NULL, true},
        {"reason", ex_reason, NULL, true},
        {"until", ex_until, NULL, true},
        {"senders", ex_senders, NULL, false},
        {"recipient_domains", ex_rcpt, NULL, false},
        {"channels", ex_channels, NULL, false},
        {"classes", ld_sel_classes, NULL, false},
        {"entities", ld_sel_entities, NULL, false},
        {"action", ex_action, NULL, true},
    };
    policy_exception *e = &ld->p->exc[i];
    exc_tmp t = {{0, 0, false}, e, ""};
    int err;

    (void)target;
    *e = (policy_exception){.line = ld_line(item), .channels = POLICY_ALL_CHANNELS};
    snprintf(t.where, sizeof(t.where), "exceptions[%zu]", i);
    if ((err = ld_mapping(ld, item, t.where, keys, N(keys), &t)) < 0)
        return err;
    if (t.sel.set && !t.sel.mask)
        return ld_fail(ld, item, "exception '%s' selects no entities; name "
                       "classes or entities, or remove both", e->id);
    e->entities = t.sel.set ? t.sel.mask : POLICY_ALL_ENTITIES;
    ld->p->n_exc = i + 1;
    return exc_check(ld, item, i);
}

/* ld_exceptions - compliance-owned, scoped, expiring exceptions */
int ld_exceptions(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    size_t n = ld_sequence_len(ld, val);

    (void)arg;
    if (n > POLICY_MAX_EXCEPTIONS)
        return ld_fail(ld, val, "exceptions has %zu entries, more than %u; "
                       "exceptions are meant to be rare", n, POLICY_MAX_EXCEPTIONS);
    if (!(ld->p->exc = arena_calloc(&ld->p->arena, n ? n : 1, sizeof(policy_exception))))
        return PG_ENOMEM;
    if (val->type == YAML_SCALAR_NODE)
        return ld_fail(ld, val, "exceptions must be a list of mappings; "
                       "write exceptions: [] for none");
    return ld_sequence(ld, val, "exceptions", exc_item, target);
}
