/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_load.c - a YAML policy file becomes an immutable pg_policy
 *
 * SUMMARY
 *	int pg_policy_load(pg_policy **out, const char *path);
 *	int pg_policy_load_buffer(pg_policy **out, const char *yaml, size_t len,
 *	                          const char *name);
 *	void pg_policy_free(pg_policy *policy);
 *	const char *pg_policy_path(const pg_policy *policy);
 *	size_t pg_policy_rule_count(const pg_policy *policy);
 *	size_t pg_policy_warnings(const pg_policy *policy, time_t now,
 *	                          pg_policy_warning_cb cb, void *payload);
 *	const char *pg_policy_secure_header(const pg_policy *policy);
 *	void pg_policy_engine_opts(const pg_policy *policy, pg_engine_opts *opts);
 *	void pg_policy_msg_limits(const pg_policy *policy, pg_msg_limits *lim);
 *
 * DESCRIPTION
 *	Loading is three steps: defaults, a walk of the document against the
 *	key tables (policy_sections.c, policy_rules.c), and a finish that
 *	resolves what depends on more than one key (thresholds, checks
 *	between rules and engine entities) and builds the tables a decision
 *	uses (consent automaton, notice templates).
 *
 *	Loading is side-effect-free: it reads the policy file and the notice
 *	templates and writes nothing, logs nothing. On any error the whole
 *	arena is freed and *out is left untouched.
 *
 * DIAGNOSTICS
 *	PG_EIO when the file cannot be read; PG_EPARSE with
 *	"FILE:LINE: what is wrong; what to do" for everything in it;
 *	PG_ENOMEM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_yaml.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The four classes the company rule calls high-risk. */
static uint64_t high_risk_entities(void)
{
    uint64_t m = 0;

    for (int e = 0; e < PG_ENT_COUNT; e++)
        if (pg_entity_class_of((pg_entity)e) != PG_CLASS_CONTACT)
            m |= POLICY_ENT_BIT(e);
    return m;
}

/* class_entities - every entity of one class */
static uint64_t class_entities(pg_entity_class c)
{
    uint64_t m = 0;

    for (int e = 0; e < PG_ENT_COUNT; e++)
        if (pg_entity_class_of((pg_entity)e) == c)
            m |= POLICY_ENT_BIT(e);
    return m;
}

/* set_defaults - what a key that is absent means (docs/policy.md) */
static void set_defaults(pg_policy *p, load_state *st)
{
    pg_engine_opts_init(&p->engine);
    pg_msg_limits_init(&p->limits);
    p->default_action = PG_ACT_ALLOW;
    p->unredactable = PG_ACT_QUARANTINE;
    p->uninspectable = PG_ACT_QUARANTINE;
    p->encrypted = PG_ACT_ALLOW;
    p->combo = (policy_combo){
        .enabled = true, .display_name = true, .action = PG_ACT_ALLOW,
        .scope = SCOPE_EXTERNAL,
        .entities = class_entities(PG_CLASS_GOVERNMENT_ID) |
                    class_entities(PG_CLASS_FINANCIAL)};
    p->exposure_entities = high_risk_entities();
    p->cost_per_record = 183.0; /* IBM/Ponemon 2023, docs/exposure.md */
    p->currency = "USD";
    p->mask = PG_MASK_SHAPE;
    for (int i = 0; i < PG_CLASS_COUNT; i++)
        st->class_score[i] = -1.0;
    for (int i = 0; i < PG_ENT_COUNT; i++)
        st->ent_score[i] = -1.0;
}

/* top_version - version: 1 (the only one there is) */
static int top_version(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    unsigned long long v;
    int err = ld_uint(ld, val, "version", 1, 1, false, &v);

    (void)target, (void)arg;
    return err;
}

/* top_internal - internal_domains */
static int top_internal(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return ld_domains(ld, val, "internal_domains", &ld->p->internal,
                      &ld->p->n_internal);
}

typedef struct act_field {
    const char *what;
    size_t off;
    unsigned allowed;
} act_field;

/* top_action - one of the top-level action settings */
static int top_action(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const act_field *f = arg;

    (void)target;
    return ld_action(ld, val, f->what, f->allowed,
                     (pg_action *)((char *)ld->p + f->off));
}

static const act_field act_default = {"default_action", offsetof(pg_policy, default_action), LD_ACTS_ALL};
static const act_field act_unredactable = {
    "unredactable", offsetof(pg_policy, unredactable),
    LD_ACT(PG_ACT_SECURE) | LD_ACT(PG_ACT_QUARANTINE) | LD_ACT(PG_ACT_REJECT)};
static const act_field act_uninspectable = {"uninspectable", offsetof(pg_policy, uninspectable), LD_ACTS_ALL};
static const act_field act_encrypted = {"encrypted", offsetof(pg_policy, encrypted), LD_ACTS_ALL};

static const ld_key top_keys[] = {
    {"version", top_version, NULL, true},
    {"internal_domains", top_internal, NULL, false},
    {"engine", ld_engine, NULL, false},
    {"limits", ld_limits, NULL, false},
    {"classes", ld_classes, NULL, false},
    {"overrides", ld_overrides, NULL, false},
    {"rules", ld_rules, NULL, true},
    {"default_action", top_action, &act_default, false},
    {"unredactable", top_action, &act_unredactable, false},
    {"uninspectable", top_action, &act_uninspectable, false},
    {"encrypted", top_action, &act_encrypted, false},
    {"breach_notification", ld_breach, NULL, false},
    {"exceptions", ld_exceptions, NULL, false},
    {"consent", ld_consent, NULL, false},
    {"exposure", ld_exposure, NULL, false},
    {"mask", ld_mask, NULL, false},
    {"secure_route", ld_secure_route, NULL, false},
    {"notices", ld_notices, NULL, false},
};

/* resolve_score - an explicit threshold, or the class's, or the engine's */
static int resolve_score(policy_ld *ld, const load_state *st, pg_entity e)
{
    pg_entity_class c = pg_entity_class_of(e);
    double s = st->ent_score[e] >= 0 ? st->ent_score[e] : st->class_score[c];
    unsigned line = st->ent_score[e] >= 0 ? st->ent_line[e] : st->class_line[c];

    if (s < 0) {
        ld->p->thr[e].min_score = ld->p->engine.min_score;
        return 0;
    }
    if ((float)s < ld->p->engine.min_score)
        return pg_error_set(PG_EPARSE, "%s:%u: min_score %g for %s is below "
                            "engine.min_score %g, so it can never apply; raise "
                            "it or lower engine.min_score", ld->name, line, s,
                            pg_entity_name(e), (double)ld->p->engine.min_score);
    ld->p->thr[e].min_score = (float)s;
    return 0;
}

/* resolve_thresholds - per-entity score and counting group */
static int resolve_thresholds(policy_ld *ld, const load_state *st)
{
    int err;

    for (int e = 0; e < PG_ENT_COUNT; e++) {
        pg_entity_class c = pg_entity_class_of((pg_entity)e);
        policy_threshold *t = &ld->p->thr[e];
        if ((err = resolve_score(ld, st, (pg_entity)e)) < 0)
            return err;
        if (st->ent_count[e]) {
            t->min_count = st->ent_count[e];
            t->group = PG_CLASS_COUNT + (unsigned)e;
        } else {
            t->min_count = st->class_count[c] ? st->class_count[c] : 1;
            t->group = (unsigned)c;
        }
    }
    return 0;
}

/* first_entity - the lowest entity in a non-empty set */
static pg_entity first_entity(uint64_t m)
{
    return (pg_entity)__builtin_ctzll(m);
}

/* check_detected - what rules name one by one must be detected at all */
static int check_detected(policy_ld *ld)
{
    uint64_t on = ld->p->engine.entities;

    if (on == 0)
        return 0;
    for (size_t i = 0; i < ld->p->n_rules; i++) {
        const policy_rule *r = &ld->p->rules[i];
        if (r->named & ~on)
            return pg_error_set(PG_EPARSE, "%s:%u: rule '%s' names %s, which "
                                "engine.entities does not detect; add it there "
                                "or remove it from the rule", ld->name, r->line,
                                r->id, pg_entity_name(first_entity(r->named & ~on)));
    }
    if (ld->p->combo.named & ~on)
        return pg_error_set(PG_EPARSE, "%s:%u: breach_notification names %s, "
                            "which engine.entities does not detect; add it "
                            "there", ld->name, ld->p->combo.line,
                            pg_entity_name(first_entity(ld->p->combo.named & ~on)));
    return 0;
}

/* finish - resolve and build what the walk collected */
static int finish(policy_ld *ld, load_state *st)
{
    int err;

    if ((err = resolve_thresholds(ld, st)) < 0 || (err = check_detected(ld)) < 0)
        return err;
    err = consent_build(&ld->p->consent, &ld->p->arena, st->phrases, st->n_phrases);
    if (err < 0)
        return err;
    return notice_load(ld->p, st->notices_dir, st->notices_line,
                       st->suggested_reply, st->reply_line);
}

/* syntax_error - libyaml's complaint, as FILE:LINE */
static int syntax_error(const char *name, const yaml_parser_t *parser)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return PG_ENOMEM;
    return pg_error_set(PG_EPARSE, "%s:%zu: YAML syntax error: %s%s%s; check "
                        "indentation and quoting", name,
                        parser->problem_mark.line + 1,
                        parser->problem ? parser->problem : "unreadable",
                        parser->context ? " " : "",
                        parser->context ? parser->context : "");
}

/* only_one_document - a second document would be silently ignored */
static int only_one_document(const char *name, yaml_parser_t *parser)
{
    yaml_document_t more;

    if (!yaml_parser_load(parser, &more))
        return syntax_error(name, parser);
    yaml_node_t *root = yaml_document_get_root_node(&more);
    unsigned line = root ? (unsigned)root->start_mark.line + 1 : 0;
    yaml_document_delete(&more);
    if (root)
        return pg_error_set(PG_EPARSE, "%s:%u: a second YAML document ('---') "
                            "follows the policy; keep one", name, line);
    return 0;
}

/* walk - the document against the top-level key table, then finish */
static int walk(policy_ld *ld, yaml_parser_t *parser)
{
    load_state st = {0};
    yaml_node_t *root = yaml_document_get_root_node(ld->doc);
    int err;

    set_defaults(ld->p, &st);
    if (!root)
        return pg_error_set(PG_EPARSE, "%s:1: the policy is empty; start from "
                            "etc/piiguard.yaml", ld->name);
    if ((err = ld_mapping(ld, root, "the policy", top_keys, N(top_keys), &st)) < 0)
        return err;
    if ((err = only_one_document(ld->name, parser)) < 0)
        return err;
    return finish(ld, &st);
}

/* policy_dir - the directory of name, where relative paths start */
static char *policy_dir(policy_arena *a, const char *name)
{
    const char *slash = strrchr(name, '/');

    if (!slash)
        return arena_strdup(a, ".");
    if (slash == name)
        return arena_strdup(a, "/");
    return arena_strndup(a, name, (size_t)(slash - name));
}

/* parse - run libyaml over the buffer and walk the document */
static int parse(pg_policy *p, const char *yaml, size_t len, const char *name)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    policy_ld ld = {p, &doc, name};
    int err;

    if (!yaml_parser_initialize(&parser))
        return PG_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        err = syntax_error(name, &parser);
        yaml_parser_delete(&parser);
        return err;
    }
    err = walk(&ld, &parser);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return err;
}

/* pg_policy_load_buffer - load from memory; name stands for the file */
int pg_policy_load_buffer(pg_policy **out, const char *yaml, size_t len,
                          const char *name)
{
    pg_policy *p;
    int err;

    if (!name)
        name = "<policy>";
    if (len > POLICY_MAX_FILE_BYTES)
        return pg_error_set(PG_EPARSE, "%s:1: the policy is larger than %u "
                            "bytes; a policy is a page of YAML, not data",
                            name, POLICY_MAX_FILE_BYTES);
    if (!(p = calloc(1, sizeof(*p))))
        return PG_ENOMEM;
    if (!(p->path = arena_strdup(&p->arena, name)) ||
        !(p->dir = policy_dir(&p->arena, name)))
        err = PG_ENOMEM;
    else
        err = parse(p, yaml, len, name);
    if (err < 0) {
        pg_policy_free(p);
        return err;
    }
    *out = p;
    return 0;
}

/* pg_policy_load - read a policy file (bounded) and load it */
int pg_policy_load(pg_policy **out, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t len;
    int err;

    if (!f)
        return pg_error_set(PG_EIO, "%s: cannot open the policy: %s; check "
                            "the path and permissions", path, strerror(errno));
    if (!(buf = malloc(POLICY_MAX_FILE_BYTES + 1))) {
        fclose(f);
        return PG_ENOMEM;
    }
    len = fread(buf, 1, POLICY_MAX_FILE_BYTES + 1, f);
    err = ferror(f) ? pg_error_set(PG_EIO, "%s: cannot read the policy: %s",
                                   path, strerror(errno)) : 0;
    fclose(f);
    if (err == 0)
        err = pg_policy_load_buffer(out, buf, len, path);
    free(buf);
    return err;
}

/* pg_policy_free - release the policy; NULL is allowed */
void pg_policy_free(pg_policy *policy)
{
    if (!policy)
        return;
    arena_free(&policy->arena);
    free(policy);
}

/* pg_policy_path - the file the policy came from */
const char *pg_policy_path(const pg_policy *policy)
{
    return policy->path;
}

/* pg_policy_rule_count - rules declared in the file */
size_t pg_policy_rule_count(const pg_policy *policy)
{
    return policy->n_rules;
}

/* pg_policy_secure_header - "Name: value" or NULL */
const char *pg_policy_secure_header(const pg_policy *policy)
{
    return policy->secure_header;
}

/* pg_policy_engine_opts - the engine options the policy asks for */
void pg_policy_engine_opts(const pg_policy *policy, pg_engine_opts *opts)
{
    *opts = policy->engine;
}

/* pg_policy_msg_limits - the parsing limits the policy asks for */
void pg_policy_msg_limits(const pg_policy *policy, pg_msg_limits *lim)
{
    *lim = policy->limits;
}

/* warn - format one warning line and hand it to the callback */
static void warn(pg_policy_warning_cb cb, void *payload, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(pg_policy_warning_cb cb, void *payload, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (!cb)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    cb(line, payload);
}

/* pg_policy_warnings - valid but probably not meant */
size_t pg_policy_warnings(const pg_policy *policy, time_t now,
                          pg_policy_warning_cb cb, void *payload)
{
    size_t n = 0;

    if (now == 0)
        now = time(NULL);
    for (size_t i = 0; i < policy->n_exc; i++) {
        const policy_exception *e = &policy->exc[i];
        if (now < e->until)
            continue;
        warn(cb, payload, "%s:%u: warning: exception '%s' expired on %s and "
             "is ignored; renew it with compliance or remove it",
             policy->path, e->line, e->id, e->until_text);
        n++;
    }
    for (size_t i = 0; i < policy->n_rules && !policy->secure_header; i++) {
        if (policy->rules[i].action != PG_ACT_SECURE)
            continue;
        warn(cb, payload, "%s:%u: warning: rule '%s' asks for secure but there "
             "is no secure_route, so the gateway rejects instead; add "
             "secure_route.header", policy->path, policy->rules[i].line,
             policy->rules[i].id);
        n++;
    }
    return n;
}
