/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_sections.c - the policy file's settings sections
 *
 * SUMMARY
 *	int ld_engine(...);        engine: min_score, context_window, entities
 *	int ld_limits(...);        limits: the pg_msg_limits fields
 *	int ld_classes(...);       classes: <class>: {min_score, min_count}
 *	int ld_overrides(...);     overrides: <ENTITY>: {min_score, min_count}
 *	int ld_breach(...);        breach_notification: the name + ID rule
 *	int ld_exposure(...);      exposure: cost per record and what counts
 *	int ld_consent(...);       consent: extra phrases to record
 *	int ld_secure_route(...);  secure_route: header
 *	int ld_notices(...);       notices: templates and what they say
 *	int ld_mask(...);          mask: shape | label
 *
 * DESCRIPTION
 *	Each handler checks its keys against a table (ld_mapping), so an
 *	unknown or misspelt key is an error with its line. Values that depend
 *	on other sections (thresholds default to engine.min_score) are kept
 *	in the load_state and resolved by policy_load.c after the walk.
 *
 *	Bounds: every number has a range, and the limits can only be set
 *	within the hard ceilings of pg_limits.h.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "piiguard/pg_limits.h"
#include "policy/policy_yaml.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ld_sel_classes - `classes:` into the selector that heads the target */
int ld_sel_classes(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    ld_sel *s = target;

    (void)arg;
    s->set = true;
    return ld_class_list(ld, val, &s->mask);
}

/* ld_sel_entities - `entities:` into the selector that heads the target */
int ld_sel_entities(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    ld_sel *s = target;
    uint64_t m = 0;

    (void)arg;
    s->set = true;
    int err = ld_entity_list(ld, val, &m);
    s->mask |= m;
    s->named |= m;
    return err;
}

/* eng_min_score - engine.min_score: what the engine reports at all */
static int eng_min_score(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    double v;
    int err = ld_number(ld, val, "engine.min_score", 0.0, 1.0, &v);

    (void)target, (void)arg;
    if (err == 0)
        ld->p->engine.min_score = (float)v;
    return err;
}

/* eng_window - engine.context_window in bytes */
static int eng_window(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    unsigned long long v;
    int err = ld_uint(ld, val, "engine.context_window", 0,
                      PG_MAX_CONTEXT_WINDOW, false, &v);

    (void)target, (void)arg;
    if (err == 0)
        ld->p->engine.context_window = (uint32_t)v;
    return err;
}

/* eng_entities - engine.entities: "all" or a list of entity names */
static int eng_entities(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    uint64_t m = 0;

    (void)target, (void)arg;
    if (val->type == YAML_SCALAR_NODE && strcmp((char *)val->data.scalar.value, "all") == 0) {
        ld->p->engine.entities = 0;
        return 0;
    }
    int err = ld_entity_list(ld, val, &m);
    if (err == 0 && m == 0)
        return ld_fail(ld, val, "engine.entities is empty; list entity names "
                       "or write all");
    ld->p->engine.entities = m;
    return err;
}

/* ld_engine - the engine section */
int ld_engine(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"min_score", eng_min_score, NULL, false},
        {"context_window", eng_window, NULL, false},
        {"entities", eng_entities, NULL, false},
    };
    load_state *st = target;

    (void)arg;
    st->engine_line = ld_line(val);
    return ld_mapping(ld, val, "engine", keys, N(keys), target);
}

enum { LIM_SIZE, LIM_UINT, LIM_BOOL };

typedef struct limit_desc {
    const char *what;
    size_t off;
    int type;
    unsigned long long min, max;
} limit_desc;

#define LIM(f, t, lo, hi) {"limits." #f, offsetof(pg_msg_limits, f), t, lo, hi}
/* The same ranges as the message room's table (mime_limits.c), so that a
 * value it would clamp is an error here, with its line. */
static const limit_desc lim_desc[] = {
    LIM(max_message_bytes, LIM_SIZE, 64ull << 10, PG_HARD_MAX_MESSAGE),
    LIM(max_decoded_bytes, LIM_SIZE, 1ull << 20, 2048ull << 20),
    LIM(max_part_bytes, LIM_SIZE, 64ull << 10, PG_HARD_MAX_MESSAGE),
    LIM(max_depth, LIM_UINT, 2, PG_HARD_MAX_DEPTH),
    LIM(max_parts, LIM_UINT, 8, 100000),
    LIM(max_archive_entries, LIM_UINT, 1, 1000000),
    LIM(max_compression_ratio, LIM_UINT, 10, 100000),
    LIM(extractor_timeout_ms, LIM_UINT, 100, 600000),
    LIM(extractor_memory_bytes, LIM_SIZE, 64ull << 20, 16384ull << 20),
    LIM(isolate_extractors, LIM_BOOL, 0, 1),
};
#undef LIM

/* limit_field - one pg_msg_limits field, by its descriptor */
static int limit_field(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const limit_desc *d = arg;
    char *field = (char *)&ld->p->limits + d->off;
    unsigned long long v;

    (void)target;
    if (d->type == LIM_BOOL)
        return ld_bool(ld, val, d->what, (bool *)field);
    int err = ld_uint(ld, val, d->what, d->min, d->max, d->type == LIM_SIZE, &v);
    if (err < 0)
        return err;
    if (d->type == LIM_SIZE)
        *(size_t *)field = (size_t)v;
    else
        *(unsigned *)field = (unsigned)v;
    return 0;
}

/* ld_limits - the limits section, table-driven over pg_msg_limits */
int ld_limits(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"max_message_bytes", limit_field, &lim_desc[0], false},
        {"max_decoded_bytes", limit_field, &lim_desc[1], false},
        {"max_part_bytes", limit_field, &lim_desc[2], false},
        {"max_depth", limit_field, &lim_desc[3], false},
        {"max_parts", limit_field, &lim_desc[4], false},
        {"max_archive_entries", limit_field, &lim_desc[5], false},
        {"max_compression_ratio", limit_field, &lim_desc[6], false},
        {"extractor_timeout_ms", limit_field, &lim_desc[7], false},
        {"extractor_memory_bytes", limit_field, &lim_desc[8], false},
        {"isolate_extractors", limit_field, &lim_desc[9], false},
    };
    _Static_assert(N(keys) == N(lim_desc), "one key per limit");

    (void)arg;
    return ld_mapping(ld, val, "limits", keys, N(keys), target);
}

/* Where one threshold pair goes, and its name for messages. */
typedef struct thr_target {
    double *score;
    unsigned *count;
    unsigned *line;
    char where[80];
} thr_target;

/* thr_score - a min_score inside classes/overrides */
static int thr_score(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    thr_target *t = target;
    char what[96];

    (void)arg;
    snprintf(what, sizeof(what), "%s.min_score", t->where);
    *t->line = ld_line(val);
    return ld_number(ld, val, what, 0.0, 1.0, t->score);
}

/* thr_count - a min_count inside classes/overrides */
static int thr_count(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    thr_target *t = target;
    unsigned long long v;
    char what[96];

    (void)arg;
    snprintf(what, sizeof(what), "%s.min_count", t->where);
    int err = ld_uint(ld, val, what, 1, 1000, false, &v);
    *t->count = (unsigned)v;
    return err;
}

/* thr_entry - {min_score, min_count} for one class or entity */
static int thr_entry(policy_ld *ld, yaml_node_t *val, thr_target *t)
{
    static const ld_key keys[] = {
        {"min_score", thr_score, NULL, false},
        {"min_count", thr_count, NULL, false},
    };

    return ld_mapping(ld, val, t->where, keys, N(keys), t);
}

/* class_entry - one class under classes: */
static int class_entry(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    load_state *st = target;
    pg_entity_class c = *(const pg_entity_class *)arg;
    thr_target t = {&st->class_score[c], &st->class_count[c], &st->class_line[c], ""};

    snprintf(t.where, sizeof(t.where), "classes.%s", pg_entity_class_name(c));
    return thr_entry(ld, val, &t);
}

/* ld_classes - thresholds per entity class */
int ld_classes(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const pg_entity_class ids[] = {
        PG_CLASS_FINANCIAL, PG_CLASS_GOVERNMENT_ID, PG_CLASS_HEALTH,
        PG_CLASS_CREDENTIALS, PG_CLASS_CONTACT};
    static const ld_key keys[] = {
        {"financial", class_entry, &ids[0], false},
        {"government_id", class_entry, &ids[1], false},
        {"health", class_entry, &ids[2], false},
        {"credentials", class_entry, &ids[3], false},
        {"contact", class_entry, &ids[4], false},
    };

    (void)arg;
    return ld_mapping(ld, val, "classes", keys, N(keys), target);
}

/* ld_overrides - thresholds for single entities, keyed by entity name */
int ld_overrides(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    load_state *st = target;
    uint64_t seen = 0;
    int err;

    (void)arg;
    if (val->type != YAML_MAPPING_NODE)
        return ld_fail(ld, val, "overrides must map entity names to "
                       "thresholds; write e.g. US_SSN: {min_score: 0.8}");
    for (yaml_node_pair_t *pr = val->data.mapping.pairs.start;
         pr < val->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(ld->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(ld->doc, pr->value);
        pg_entity e;
        if (!k || !v || k->type != YAML_SCALAR_NODE ||
            pg_entity_from_name(&e, (char *)k->data.scalar.value) < 0)
            return ld_fail(ld, k, "overrides: '%.60s' is not an entity name; "
                           "use one such as US_SSN (docs/policy.md lists them)",
                           k && k->type == YAML_SCALAR_NODE ? (char *)k->data.scalar.value : "?");
        if (seen & POLICY_ENT_BIT(e))
            return ld_fail(ld, k, "overrides: %s appears twice; keep one",
                           pg_entity_name(e));
        seen |= POLICY_ENT_BIT(e);
        thr_target t = {&st->ent_score[e], &st->ent_count[e], &st->ent_line[e], ""};
        snprintf(t.where, sizeof(t.where), "overrides.%s", pg_entity_name(e));
        if ((err = thr_entry(ld, v, &t)) < 0)
            return err;
    }
    return 0;
}

typedef struct breach_tmp {
    ld_sel sel; /* first: the selector handlers cast to it */
    policy_combo *c;
} breach_tmp;

/* br_enabled - breach_notification.enabled */
static int br_enabled(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_bool(ld, val, "breach_notification.enabled",
                   &((breach_tmp *)target)->c->enabled);
}

/* br_display - breach_notification.recipient_display_name */
static int br_display(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_bool(ld, val, "breach_notification.recipient_display_name",
                   &((breach_tmp *)target)->c->display_name);
}

/* br_action - breach_notification.action, a floor when it fires */
static int br_action(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_action(ld, val, "breach_notification.action", LD_ACTS_ALL,
                     &((breach_tmp *)target)->c->action);
}

/* br_scope - breach_notification.recipients: where the floor applies */
static int br_scope(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    return ld_scope(ld, val, "breach_notification.recipients",
                    &((breach_tmp *)target)->c->scope);
}

/* ld_breach - the name + government ID / financial account combination */
int ld_breach(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"enabled", br_enabled, NULL, false},
        {"recipient_display_name", br_display, NULL, false},
        {"classes", ld_sel_classes, NULL, false},
        {"entities", ld_sel_entities, NULL, false},
        {"action", br_action, NULL, false},
        {"recipients", br_scope, NULL, false},
    };
    breach_tmp t = {{0, 0, false}, &ld->p->combo};

    (void)target, (void)arg;
    ld->p->combo.line = ld_line(val);
    int err = ld_mapping(ld, val, "breach_notification", keys, N(keys), &t);
    if (err == 0 && t.sel.set) {
        if (!t.sel.mask)
            return ld_fail(ld, val, "breach_notification selects no entities; "
                           "name classes or entities, or remove both keys");
        ld->p->combo.entities = t.sel.mask;
        ld->p->combo.named = t.sel.named;
    }
    return err;
}

/* ex_cost - exposure.cost_per_record */
static int ex_cost(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return ld_number(ld, val, "exposure.cost_per_record", 0.0, 1e7,
                     &ld->p->cost_per_record);
}

/* ex_currency - exposure.currency, an ISO 4217 code */
static int ex_currency(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const char *s = NULL;
    int err = ld_string(ld, val, "exposure.currency", &s);

    (void)target, (void)arg;
    if (err < 0)
        return err;
    if (strlen(s) != 3 || !isupper((unsigned char)s[0]) ||
        !isupper((unsigned char)s[1]) || !isupper((unsigned char)s[2]))
        return ld_fail(ld, val, "exposure.currency is '%.20s'; use a "
                       "three-letter ISO 4217 code such as USD or EUR", s);
    ld->p->currency = s;
    return 0;
}

/* ex_source - exposure.source: where the figure comes from (for people) */
static int ex_source(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const char *s = NULL;

    (void)target, (void)arg;
    return ld_string(ld, val, "exposure.source", &s);
}

/* ld_exposure - the cost model: records x cost per record */
int ld_exposure(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"cost_per_record", ex_cost, NULL, false},
        {"currency", ex_currency, NULL, false},
        {"source", ex_source, NULL, false},
        {"classes", ld_sel_classes, NULL, false},
        {"entities", ld_sel_entities, NULL, false},
    };
    ld_sel sel = {0, 0, false};

    (void)target, (void)arg;
    int err = ld_mapping(ld, val, "exposure", keys, N(keys), &sel);
    if (err == 0 && sel.set)
        ld->p->exposure_entities = sel.mask;
    return err;
}

/* phrase_item - one extra consent phrase, checked for length */
static int phrase_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    load_state *st = target;
    const char *s = NULL;
    int err = ld_string(ld, item, "consent.extra_phrases", &s);

    if (err < 0)
        return err;
    if (strlen(s) > POLICY_MAX_PHRASE || !consent_phrase_ok(s))
        return ld_fail(ld, item, "consent.extra_phrases: '%.60s' is not a "
                       "usable phrase; use %d to %d letters of words",
                       s, POLICY_MIN_PHRASE, POLICY_MAX_PHRASE);
    st->phrases[i] = s;
    st->n_phrases = i + 1;
    return 0;
}

/* cs_phrases - consent.extra_phrases */
static int cs_phrases(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    load_state *st = target;
    size_t n = ld_sequence_len(ld, val);

    (void)arg;
    if (n > CONSENT_MAX_EXTRA)
        return ld_fail(ld, val, "consent.extra_phrases has %zu phrases, more "
                       "than %d; keep the list short", n, CONSENT_MAX_EXTRA);
    st->phrases = arena_calloc(&ld->p->arena, n ? n : 1, sizeof(char *));
    if (!st->phrases)
        return PG_ENOMEM;
    return ld_sequence(ld, val, "consent.extra_phrases", phrase_item, st);
}

/* ld_consent - more phrases to record; nothing here can change a decision */
int ld_consent(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {{"extra_phrases", cs_phrases, NULL, false}};

    (void)arg;
    return ld_mapping(ld, val, "consent", keys, N(keys), target);
}

/* header_ok - "Name: value": a header name token, then printable ASCII */
static bool header_ok(const char *s)
{
    const char *colon = strchr(s, ':');

    if (!colon || colon == s || strlen(s) > 998)
        return false;
    for (const char *p = s; p < colon; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
    const char *v = colon + 1;
    while (*v == ' ')
        v++;
    if (!*v)
        return false;
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
            return false;
    return true;
}

/* sr_header - secure_route.header */
static int sr_header(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const char *s = NULL;
    int err = ld_string(ld, val, "secure_route.header", &s);

    (void)target, (void)arg;
    if (err < 0)
        return err;
    if (!header_ok(s))
        return ld_fail(ld, val, "secure_route.header '%.60s' is not a header; "
                       "write it as \"Name: value\", e.g. \"X-PIIGuard-Route: "
                       "secure\"", s);
    ld->p->secure_header = s;
    return 0;
}

/* ld_secure_route - how `secure` reaches the encryption transport */
int ld_secure_route(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {{"header", sr_header, NULL, true}};

    (void)arg;
    return ld_mapping(ld, val, "secure_route", keys, N(keys), target);
}

/* url_field - a URL string; secure ones must be https */
static int url_field(policy_ld *ld, yaml_node_t *val, const char *what,
                     bool https_only, const char **out)
{
    int err = ld_string(ld, val, what, out);

    if (err < 0)
        return err;
    if (strncmp(*out, "https://", 8) != 0 &&
        (https_only || strncmp(*out, "http://", 7) != 0))
        return ld_fail(ld, val, "%s '%.60s' is not a%s URL; write it as "
                       "https://host/path", what, *out, https_only ? "n https" : "");
    return 0;
}

/* sc_name - notices.secure_channel.name */
static int sc_name(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return ld_string(ld, val, "notices.secure_channel.name",
                     &ld->p->notices.secure_name);
}

/* sc_url - notices.secure_channel.url */
static int sc_url(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return url_field(ld, val, "notices.secure_channel.url", true,
                     &ld->p->notices.secure_url);
}

/* nt_secure - notices.secure_channel: what staff should use instead */
static int nt_secure(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"name", sc_name, NULL, true},
        {"url", sc_url, NULL, true},
    };

    (void)arg;
    return ld_mapping(ld, val, "notices.secure_channel", keys, N(keys), target);
}

/* nt_dir - notices.dir, relative to the policy file */
static int nt_dir(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    load_state *st = target;

    (void)arg;
    st->notices_line = ld_line(val);
    return ld_string(ld, val, "notices.dir", &st->notices_dir);
}

/* nt_org - notices.organisation */
static int nt_org(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return ld_string(ld, val, "notices.organisation", &ld->p->notices.organisation);
}

/* nt_policy_url - notices.policy_url */
static int nt_policy_url(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)target, (void)arg;
    return url_field(ld, val, "notices.policy_url", false, &ld->p->notices.policy_url);
}

/* nt_reply - notices.suggested_reply (a template itself) */
static int nt_reply(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    (void)arg;
    ((load_state *)target)->reply_line = ld_line(val);
    return ld_string(ld, val, "notices.suggested_reply",
                     &((load_state *)target)->suggested_reply);
}

/* ld_notices - the just-in-time training notices */
int ld_notices(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    static const ld_key keys[] = {
        {"dir", nt_dir, NULL, false},
        {"organisation", nt_org, NULL, false},
        {"secure_channel", nt_secure, NULL, false},
        {"policy_url", nt_policy_url, NULL, false},
        {"suggested_reply", nt_reply, NULL, false},
    };
    load_state *st = target;

    (void)arg;
    st->has_notices = true;
    st->notices_line = ld_line(val);
    return ld_mapping(ld, val, "notices", keys, N(keys), target);
}

/* ld_mask - how values are shown in notices and redacted text */
int ld_mask(policy_ld *ld, yaml_node_t *val, void *target, const void *arg)
{
    const char *s = NULL;
    int err = ld_scalar(ld, val, "mask", &s);

    (void)target, (void)arg;
    if (err < 0)
        return err;
    if (strcmp(s, "shape") == 0)
        ld->p->mask = PG_MASK_SHAPE;
    else if (strcmp(s, "label") == 0)
        ld->p->mask = PG_MASK_LABEL;
    else
        return ld_fail(ld, val, "mask is '%.40s'; use shape (***-**-*789) or "
                       "label ([US_SSN])", s);
    return 0;
}
