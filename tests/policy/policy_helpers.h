/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * policy_helpers.h - what the policy tests share: the default policy (with
 * extra YAML appended), messages built segment by segment, and findings
 * placed by value, so that decisions are tested without the engine.
 *
 * A finding is given by its entity and the exact text it covers; the
 * helper finds that text in the segment (after any prefix was inserted),
 * so a test that prepends a consent phrase keeps its offsets right.
 */
#ifndef PIIGUARD_TESTS_POLICY_HELPERS_H
#define PIIGUARD_TESTS_POLICY_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "piiguard/pg_policy.h"

#define TH_MAX_SEGS 4
#define TH_MAX_FINDS 64

typedef struct th_seg {
    const char *path;      /* NULL ends the list */
    pg_seg_kind kind;
    const char *text;      /* '>' lines are quoted */
    bool in_attachment;
} th_seg;

typedef struct th_find {
    pg_entity entity;
    const char *value;     /* NULL ends the list */
    int seg;               /* index into segs */
    float score;           /* 0 means 0.9 */
    bool unvalidated;
} th_find;

typedef struct th_msg {
    const char *to;        /* To: header value, or NULL */
    th_seg segs[TH_MAX_SEGS];
    th_find finds[TH_MAX_FINDS];
    const char *unins;     /* an uninspectable part's path, or NULL */
    bool encrypted;
} th_msg;

/* The source tree's etc/piiguard.yaml path (from PG_SOURCE_DIR). */
const char *th_default_path(void);

/* Load the default policy with @p extra YAML appended (may be NULL);
 * fails the test on error. */
pg_policy *th_policy(const char *extra);

/* Load a whole policy from a string; returns the pg_err and fills *out. The
 * name is set beside etc/piiguard.yaml so that `notices: {dir: notices}`
 * resolves to etc/notices. */
int th_policy_string(pg_policy **out, const char *yaml);

/* Build the message, with @p prefix inserted at the start of the first
 * body segment (NULL for none). Fails the test on error. */
pg_msg *th_build(const th_msg *m, const char *prefix);

/* Decide on a th_msg for the envelope; fails the test on error. */
pg_decision *th_decide(const pg_policy *p, const th_msg *m, const char *prefix,
                       const pg_envelope *env);

/* Does the decision contain rule @p id? */
bool th_has_rule(const pg_decision *d, const char *id);

#endif /* PIIGUARD_TESTS_POLICY_HELPERS_H */
