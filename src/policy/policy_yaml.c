/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_yaml.c - typed, line-numbered access to a libyaml document
 *
 * SUMMARY
 *	int ld_mapping(policy_ld *ld, yaml_node_t *node, const char *where,
 *	               const ld_key *keys, size_t n_keys, void *target);
 *	int ld_sequence(policy_ld *ld, yaml_node_t *node, const char *where,
 *	                ld_item_fn fn, void *target);
 *	int ld_string/ld_bool/ld_number/ld_uint/ld_action/ld_date(...);
 *
 * DESCRIPTION
 *	Each helper either stores a checked value or returns PG_EPARSE with
 *	"FILE:LINE: what is wrong; what to do" in pg_error_last(). Strings
 *	are copied into the policy arena (PG_ENOMEM when that fails).
 *
 *	libyaml does no type resolution, which suits us: `yes`, `on` and
 *	`true` mean true only where a boolean is expected, and a number is
 *	parsed only where a number is expected, with its range in the error.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_yaml.h"

/* ld_line - 1-based line of a node (libyaml counts from 0) */
unsigned ld_line(const yaml_node_t *node)
{
    return node ? (unsigned)node->start_mark.line + 1 : 1;
}

/* ld_fail - "FILE:LINE: message" as the thread's last error */
int ld_fail(policy_ld *ld, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pg_error_set(PG_EPARSE, "%s:%u: %s", ld->name, ld_line(node), msg);
}

/* key_list - "a, b, c" for an unknown-key message */
static void key_list(char *out, size_t cap, const ld_key *keys, size_t n)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && len + 1 < cap; i++) {
        int w = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", keys[i].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* unknown_key - the error for a key the table does not know */
static int unknown_key(policy_ld *ld, yaml_node_t *key, const char *name,
                       const char *where, const ld_key *keys, size_t n)
{
    char valid[300];

    if (strstr(name, "consent"))
        return ld_fail(ld, key, "unknown key '%.60s' in %s; consent is never "
                       "an override, so no setting can honour it (see "
                       "docs/policy.md, consent)", name, where);
    key_list(valid, sizeof(valid), keys, n);
    return ld_fail(ld, key, "unknown key '%.60s' in %s; use one of: %s",
                   name, where, valid);
}

/* find_key - index of name in the table, or -1 */
static int find_key(const ld_key *keys, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ld_mapping - check and walk a mapping by its key table */
int ld_mapping(policy_ld *ld, yaml_node_t *node, const char *where,
               const ld_key *keys, size_t n_keys, void *target)
{
    uint64_t seen = 0;
    int err;

    assert(n_keys <= 64);
    if (node->type != YAML_MAPPING_NODE)
        return ld_fail(ld, node, "%s must be a mapping of keys to values; "
                       "indent its keys under it", where);
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
         pr < node->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(ld->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(ld->doc, pr->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return ld_fail(ld, k, "a key in %s is not a plain name; write "
                           "key: value", where);
        const char *name = (const char *)k->data.scalar.value;
        int i = find_key(keys, n_keys, name);
        if (i < 0)
            return unknown_key(ld, k, name, where, keys, n_keys);
        if (seen & ((uint64_t)1 << i))
            return ld_fail(ld, k, "'%s' appears twice in %s; keep one",
                           name, where);
        seen |= (uint64_t)1 << i;
        if ((err = keys[i].fn(ld, v, target, keys[i].arg)) < 0)
            return err;
    }
    for (size_t i = 0; i < n_keys; i++)
        if (keys[i].required && !(seen & ((uint64_t)1 << i)))
            return ld_fail(ld, node, "%s has no '%s'; add it (see "
                           "docs/policy.md)", where, keys[i].name);
    return 0;
}

/* ld_sequence_len - items in a list; a lone non-empty scalar is one */
size_t ld_sequence_len(policy_ld *ld, yaml_node_t *node)
{
    (void)ld;
    if (node->type == YAML_SEQUENCE_NODE)
        return (size_t)(node->data.sequence.items.top -
                        node->data.sequence.items.start);
    return node->type == YAML_SCALAR_NODE && node->data.scalar.length ? 1 : 0;
}

/* ld_sequence - call fn for each item of a list */
int ld_sequence(policy_ld *ld, yaml_node_t *node, const char *where,
                ld_item_fn fn, void *target)
{
    int err;

    if (node->type == YAML_SCALAR_NODE && node->data.scalar.length)
        return fn(ld, node, 0, target);
    if (node->type != YAML_SEQUENCE_NODE)
        return ld_fail(ld, node, "%s must be a list; write [a, b] or one "
                       "'- item' per line", where);
    if (ld_sequence_len(ld, node) > POLICY_MAX_LIST)
        return ld_fail(ld, node, "%s has more than %u items; split it or "
                       "use domains instead of addresses", where, POLICY_MAX_LIST);
    size_t i = 0;
    for (yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++, i++) {
        yaml_node_t *item = yaml_document_get_node(ld->doc, *it);
        if (!item)
            return ld_fail(ld, node, "%s has an empty item; remove it", where);
        if ((err = fn(ld, item, i, target)) < 0)
            return err;
    }
    return 0;
}

/* ld_scalar - a scalar's text, borrowed from the document */
int ld_scalar(policy_ld *ld, yaml_node_t *node, const char *what,
              const char **value)
{
    if (node->type != YAML_SCALAR_NODE)
        return ld_fail(ld, node, "%s must be a single value, not a list or "
                       "mapping", what);
    const char *s = (const char *)node->data.scalar.value;
    if (strlen(s) != node->data.scalar.length)
        return ld_fail(ld, node, "%s contains a NUL byte; remove it", what);
    if (node->data.scalar.length > POLICY_MAX_STRING)
        return ld_fail(ld, node, "%s is longer than %u bytes; shorten it",
                       what, POLICY_MAX_STRING);
    *value = s;
    return 0;
}

/* ld_string - a non-empty scalar, copied into the arena */
int ld_string(policy_ld *ld, yaml_node_t *node, const char *what,
              const char **out)
{
    const char *s = NULL;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    if (!*s)
        return ld_fail(ld, node, "%s is empty; give it a value or remove "
                       "the key", what);
    if (!(*out = arena_strdup(&ld->p->arena, s)))
        return PG_ENOMEM;
    return 0;
}

/* ld_bool - true/false, yes/no, on/off */
int ld_bool(policy_ld *ld, yaml_node_t *node, const char *what, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    const char *s = NULL;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
            *out = strcasecmp(s, yes[i]) == 0;
            return 0;
        }
    }
    return ld_fail(ld, node, "%s is '%.40s'; use true or false", what, s);
}

/* ld_number - a finite decimal number within [min, max] */
int ld_number(policy_ld *ld, yaml_node_t *node, const char *what,
              double min, double max, double *out)
{
    const char *s = NULL;
    char *end;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        return ld_fail(ld, node, "%s is '%.40s', not a number; write e.g. %g",
                       what, s, min);
    if (v < min || v > max)
        return ld_fail(ld, node, "%s is %g; use a number from %g to %g",
                       what, v, min, max);
    *out = v;
    return 0;
}

/* size_suffix - multiplier for K, M, G (1024-based), or 0 */
static unsigned long long size_suffix(const char *s)
{
    if (!*s)
        return 1;
    if (s[1] && strcasecmp(s + 1, "iB") != 0 && strcasecmp(s + 1, "B") != 0)
        return 0;
    switch (toupper((unsigned char)*s)) {
    case 'K': return 1ull << 10;
    case 'M': return 1ull << 20;
    case 'G': return 1ull << 30;
    default: return 0;
    }
}

/* ld_uint - a whole number within [min, max], sizes may carry K/M/G */
int ld_uint(policy_ld *ld, yaml_node_t *node, const char *what,
            unsigned long long min, unsigned long long max, bool sizes,
            unsigned long long *out)
{
    const char *s = NULL;
    char *end;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    errno = 0;
    unsigned long long v = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
    unsigned long long mul = isdigit((unsigned char)*s) && !errno ?
                             (sizes ? size_suffix(end) : (*end ? 0 : 1)) : 0;
    if (mul == 0)
        return ld_fail(ld, node, "%s is '%.40s', not a whole number%s", what,
                       s, sizes ? "; write e.g. 25M or 26214400" : "");
    if (v > max / mul || v * mul < min || v * mul > max)
        return ld_fail(ld, node, "%s is %.40s; use a value from %llu to %llu",
                       what, s, min, max);
    *out = v * mul;
    return 0;
}

/* allowed_list - "allow, secure" for an action error */
static void allowed_list(char *out, size_t cap, unsigned allowed)
{
    size_t len = 0;

    out[0] = '\0';
    for (int a = PG_ACT_ALLOW; a <= PG_ACT_REJECT; a++) {
        if (!(allowed & LD_ACT(a)))
            continue;
        int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "",
                         pg_action_name((pg_action)a));
        if (w < 0 || (size_t)w >= cap - len)
            return;
        len += (size_t)w;
    }
}

/* ld_action - an action name from the allowed set */
int ld_action(policy_ld *ld, yaml_node_t *node, const char *what,
              unsigned allowed, pg_action *out)
{
    char list[120];
    const char *s = NULL;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    allowed_list(list, sizeof(list), allowed);
    if (strcmp(s, "tempfail") == 0)
        return ld_fail(ld, node, "%s: tempfail is reserved for internal "
                       "errors; use one of: %s", what, list);
    for (int a = PG_ACT_ALLOW; a <= PG_ACT_REJECT; a++) {
        if (strcmp(s, pg_action_name((pg_action)a)) != 0)
            continue;
        if (!(allowed & LD_ACT(a)))
            return ld_fail(ld, node, "%s cannot be '%s' here; use one of: %s",
                           what, s, list);
        *out = (pg_action)a;
        return 0;
    }
    return ld_fail(ld, node, "%s is '%.40s', not an action; use one of: %s",
                   what, s, list);
}

/* ld_scope - internal, external or any */
int ld_scope(policy_ld *ld, yaml_node_t *node, const char *what,
             policy_scope *out)
{
    static const char *const names[] = {"any", "internal", "external"};
    const char *s = NULL;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (policy_scope)i;
            return 0;
        }
    }
    return ld_fail(ld, node, "%s is '%.40s'; use internal, external or any",
                   what, s);
}

/* ld_tri - yes/true, no/false or any */
int ld_tri(policy_ld *ld, yaml_node_t *node, const char *what, policy_tri *out)
{
    const char *s = NULL;
    bool b;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    if (strcmp(s, "any") == 0) {
        *out = TRI_ANY;
        return 0;
    }
    if (ld_bool(ld, node, what, &b) < 0)
        return ld_fail(ld, node, "%s is '%.40s'; use yes, no or any", what, s);
    *out = b ? TRI_YES : TRI_NO;
    return 0;
}

/* channel_item - one channel name into the bit set */
static int channel_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    unsigned *mask = target;
    const char *s = NULL;
    pg_channel ch;
    int err = ld_scalar(ld, item, "a channel", &s);

    (void)i;
    if (err < 0)
        return err;
    if (strcmp(s, "any") == 0) {
        *mask |= POLICY_ALL_CHANNELS;
        return 0;
    }
    if (pg_channel_from_name(&ch, s) < 0)
        return ld_fail(ld, item, "unknown channel '%.40s'; use email, chat, "
                       "sms or any", s);
    *mask |= 1u << ch;
    return 0;
}

/* ld_channels - a channel list (or "any") into a bit set */
int ld_channels(policy_ld *ld, yaml_node_t *node, unsigned *out)
{
    *out = 0;
    int err = ld_sequence(ld, node, "channels", channel_item, out);
    if (err == 0 && *out == 0)
        return ld_fail(ld, node, "channels is empty; name at least one of "
                       "email, chat, sms, or write any");
    return err;
}

/* ld_id - a short identifier for logs, JSON and notices */
int ld_id(policy_ld *ld, yaml_node_t *node, const char *what, const char **out)
{
    const char *s = NULL;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    size_t n = strlen(s);
    bool ok = n > 0 && n <= POLICY_MAX_ID;
    for (size_t i = 0; ok && i < n; i++)
        ok = islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
             s[i] == '-' || s[i] == '_';
    if (!ok)
        return ld_fail(ld, node, "%s '%.40s' is not a valid id; use 1 to %d "
                       "of a-z, 0-9, '-' and '_'", what, s, POLICY_MAX_ID);
    if (!(*out = arena_strdup(&ld->p->arena, s)))
        return PG_ENOMEM;
    return 0;
}

struct str_list {
    const char **v;
    size_t n;
    const char *what;
    bool domains;
};

/* domain_ok - letters, digits, '-' and '.', not starting with '.' or '@' */
static bool domain_ok(const char *s)
{
    if (!*s || *s == '.' || *s == '-' || strlen(s) > 253)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
            return false;
    return true;
}

/* str_item - copy one string (lower-case for domains) into the list */
static int str_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    struct str_list *l = target;
    const char *s = NULL;
    int err = ld_string(ld, item, l->what, &s);

    if (err < 0)
        return err;
    if (l->domains) {
        for (char *p = (char *)s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!domain_ok(s))
            return ld_fail(ld, item, "%s: '%.60s' is not a domain; write it "
                           "as example.com (no '@', no scheme)", l->what, s);
    }
    l->v[i] = s;
    l->n = i + 1;
    return 0;
}

/* load_strings - a list of strings, optionally checked as domains */
static int load_strings(policy_ld *ld, yaml_node_t *node, const char *what,
                        bool domains, const char ***out, size_t *n)
{
    struct str_list l = {NULL, 0, what, domains};
    size_t len = ld_sequence_len(ld, node);

    if (!(l.v = arena_calloc(&ld->p->arena, len ? len : 1, sizeof(char *))))
        return PG_ENOMEM;
    int err = ld_sequence(ld, node, what, str_item, &l);
    if (err < 0)
        return err;
    *out = l.v;
    *n = l.n;
    return 0;
}

/* ld_strings - a list of non-empty strings */
int ld_strings(policy_ld *ld, yaml_node_t *node, const char *what,
               const char ***out, size_t *n)
{
    return load_strings(ld, node, what, false, out, n);
}

/* ld_domains - a list of lower-cased domain names */
int ld_domains(policy_ld *ld, yaml_node_t *node, const char *what,
               const char ***out, size_t *n)
{
    return load_strings(ld, node, what, true, out, n);
}

/* entity_item - one entity name into the bit set */
static int entity_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    uint64_t *mask = target;
    const char *s = NULL;
    pg_entity e;
    int err = ld_scalar(ld, item, "an entity", &s);

    (void)i;
    if (err < 0)
        return err;
    if (pg_entity_from_name(&e, s) < 0)
        return ld_fail(ld, item, "unknown entity '%.60s'; use an entity name "
                       "such as US_SSN or CREDIT_CARD (docs/policy.md lists "
                       "them all)", s);
    *mask |= POLICY_ENT_BIT(e);
    return 0;
}

/* ld_entity_list - entity names into a bit set */
int ld_entity_list(policy_ld *ld, yaml_node_t *node, uint64_t *out)
{
    return ld_sequence(ld, node, "entities", entity_item, out);
}

/* class_from_name - a class by name, or PG_CLASS_COUNT */
static pg_entity_class class_from_name(const char *s)
{
    for (int c = 0; c < PG_CLASS_COUNT; c++)
        if (strcmp(s, pg_entity_class_name((pg_entity_class)c)) == 0)
            return (pg_entity_class)c;
    return PG_CLASS_COUNT;
}

/* class_item - every entity of one class into the bit set */
static int class_item(policy_ld *ld, yaml_node_t *item, size_t i, void *target)
{
    uint64_t *mask = target;
    const char *s = NULL;
    int err = ld_scalar(ld, item, "a class", &s);

    (void)i;
    if (err < 0)
        return err;
    pg_entity_class c = class_from_name(s);
    if (c == PG_CLASS_COUNT)
        return ld_fail(ld, item, "unknown class '%.60s'; use financial, "
                       "government_id, health, credentials or contact", s);
    for (int e = 0; e < PG_ENT_COUNT; e++)
        if (pg_entity_class_of((pg_entity)e) == c)
            *mask |= POLICY_ENT_BIT(e);
    return 0;
}

/* ld_class_list - class names into an entity bit set */
int ld_class_list(policy_ld *ld, yaml_node_t *node, uint64_t *out)
{
    return ld_sequence(ld, node, "classes", class_item, out);
}

/* ld_date - YYYY-MM-DD; the result is the first second of the next day */
int ld_date(policy_ld *ld, yaml_node_t *node, const char *what, time_t *out,
            char text[11])
{
    const char *s = NULL;
    int y, m, d, end = 0;
    int err = ld_scalar(ld, node, what, &s);

    if (err < 0)
        return err;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &end) != 3 ||
        end != 10 || y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
        return ld_fail(ld, node, "%s is '%.40s'; write a date as YYYY-MM-DD",
                       what, s);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d)
        return ld_fail(ld, node, "%s: %s is not a day of the calendar; fix "
                       "the date", what, s);
    *out = t + 86400;
    memcpy(text, s, 11);
    return 0;
}
