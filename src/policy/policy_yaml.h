/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_yaml.h - schema-driven walking of a libyaml document
 *
 * SUMMARY
 *	A mapping is checked against a table of keys (ld_key): unknown keys,
 *	duplicate keys and missing required keys are errors, because a typo
 *	that silently drops a key silently weakens the policy. Every error
 *	reads "FILE:LINE: what is wrong; what to do" and is recorded with
 *	pg_error_set(PG_EPARSE, ...).
 *
 *	Values are copied into the policy's arena, so the document can be
 *	deleted as soon as the walk is over.
 */
#ifndef PIIGUARD_POLICY_YAML_H
#define PIIGUARD_POLICY_YAML_H

#include <yaml.h>

#include "policy/policy_internal.h"

typedef struct policy_ld {
    pg_policy *p;
    yaml_document_t *doc;
    const char *name; /* the file name errors start with */
} policy_ld;

/* A key handler: parse @p val into @p target; @p arg is the table's. */
typedef int (*ld_fn)(policy_ld *ld, yaml_node_t *val, void *target,
                     const void *arg);

typedef struct ld_key {
    const char *name;
    ld_fn fn;
    const void *arg;
    bool required;
} ld_key;

/* ld_fail - record "FILE:LINE: ..." for node and return PG_EPARSE */
int ld_fail(policy_ld *ld, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ld_line - 1-based line of a node */
unsigned ld_line(const yaml_node_t *node);

/* ld_mapping - walk a mapping by its key table; @p where names it */
int ld_mapping(policy_ld *ld, yaml_node_t *node, const char *where,
               const ld_key *keys, size_t n_keys, void *target);

/* A handler called once per sequence item (a lone scalar is a one-item
 * sequence, so `channels: email` works as `channels: [email]`). */
typedef int (*ld_item_fn)(policy_ld *ld, yaml_node_t *item, size_t i,
                          void *target);
int ld_sequence(policy_ld *ld, yaml_node_t *node, const char *where,
                ld_item_fn fn, void *target);
/* Number of items ld_sequence() would visit. */
size_t ld_sequence_len(policy_ld *ld, yaml_node_t *node);

/* Scalars. @p what names the key in messages. */
int ld_scalar(policy_ld *ld, yaml_node_t *node, const char *what,
              const char **value);
int ld_string(policy_ld *ld, yaml_node_t *node, const char *what,
              const char **out);
int ld_bool(policy_ld *ld, yaml_node_t *node, const char *what, bool *out);
int ld_number(policy_ld *ld, yaml_node_t *node, const char *what,
              double min, double max, double *out);
/* An integer, with an optional K, M or G (x1024) suffix when @p sizes. */
int ld_uint(policy_ld *ld, yaml_node_t *node, const char *what,
            unsigned long long min, unsigned long long max, bool sizes,
            unsigned long long *out);
/* An action name; @p allowed is a bit set of (1 << pg_action). */
int ld_action(policy_ld *ld, yaml_node_t *node, const char *what,
              unsigned allowed, pg_action *out);
int ld_scope(policy_ld *ld, yaml_node_t *node, const char *what,
             policy_scope *out);
int ld_tri(policy_ld *ld, yaml_node_t *node, const char *what,
           policy_tri *out);
int ld_channels(policy_ld *ld, yaml_node_t *node, unsigned *out);
/* An id: [a-z0-9_-], 1..POLICY_MAX_ID characters. */
int ld_id(policy_ld *ld, yaml_node_t *node, const char *what,
          const char **out);
/* A list of strings copied into the arena. */
int ld_strings(policy_ld *ld, yaml_node_t *node, const char *what,
               const char ***out, size_t *n);
/* A list of lower-case domains ("example.com"). */
int ld_domains(policy_ld *ld, yaml_node_t *node, const char *what,
               const char ***out, size_t *n);
/* Entity names or class names into a bit set. */
int ld_entity_list(policy_ld *ld, yaml_node_t *node, uint64_t *out);
int ld_class_list(policy_ld *ld, yaml_node_t *node, uint64_t *out);
/* "YYYY-MM-DD" -> the first second after that day ends (UTC). */
int ld_date(policy_ld *ld, yaml_node_t *node, const char *what, time_t *out,
            char text[11]);

/* Action bit sets for ld_action(). */
#define LD_ACT(a) (1u << (a))
#define LD_ACTS_ALL (LD_ACT(PG_ACT_ALLOW) | LD_ACT(PG_ACT_TAG) | \
                     LD_ACT(PG_ACT_REDACT) | LD_ACT(PG_ACT_SECURE) | \
                     LD_ACT(PG_ACT_QUARANTINE) | LD_ACT(PG_ACT_REJECT))

/* What the walk collects before it can be resolved: values that depend on
 * others (thresholds default to engine.min_score, which may come later in
 * the file) and inputs to tables built once the walk is over. */
typedef struct load_state {
    double class_score[PG_CLASS_COUNT];  /* < 0: not set */
    unsigned class_count[PG_CLASS_COUNT];/* 0: not set */
    unsigned class_line[PG_CLASS_COUNT];
    double ent_score[PG_ENT_COUNT];
    unsigned ent_count[PG_ENT_COUNT];
    unsigned ent_line[PG_ENT_COUNT];
    unsigned engine_line;
    const char **phrases;
    size_t n_phrases;
    bool has_notices;
    const char *notices_dir;             /* NULL: built-in templates */
    unsigned notices_line;
    const char *suggested_reply;         /* NULL: built-in */
    unsigned reply_line;
} load_state;

/* A class/entity selector. Section scratch structs put it first, so that
 * one pair of handlers serves every section's `classes:` and `entities:`. */
typedef struct ld_sel {
    uint64_t mask;  /* selected entities */
    uint64_t named; /* of which named one by one */
    bool set;
} ld_sel;

int ld_sel_classes(policy_ld *ld, yaml_node_t *val, void *target,
                   const void *arg);
int ld_sel_entities(policy_ld *ld, yaml_node_t *val, void *target,
                    const void *arg);

/* Section parsers (policy_sections.c and policy_rules.c). The target is
 * the load_state; the policy is ld->p. */
int ld_engine(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_limits(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_classes(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_overrides(policy_ld *ld, yaml_node_t *val, void *target,
                 const void *arg);
int ld_breach(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_exposure(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_consent(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_secure_route(policy_ld *ld, yaml_node_t *val, void *target,
                    const void *arg);
int ld_notices(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_mask(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_rules(policy_ld *ld, yaml_node_t *val, void *target, const void *arg);
int ld_exceptions(policy_ld *ld, yaml_node_t *val, void *target,
                  const void *arg);

#endif /* PIIGUARD_POLICY_YAML_H */
