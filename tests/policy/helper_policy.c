/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper_policy.c - build messages and findings for the policy tests.
 *
 * Messages are assembled through the message room's internal helpers
 * (msg_internal.h) so that headers, attachments, uninspectable parts and
 * the encrypted flag can be set without a MIME parser; findings go through
 * the policy room's test seam, policy_decide_findings().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "message/msg_internal.h"
#include "message/quote.h"
#include "policy/policy_helpers.h"
#include "policy/policy_internal.h"

/* th_default_path - etc/piiguard.yaml in the source tree */
const char *th_default_path(void)
{
    static char path[4096];
    const char *src = getenv("PG_SOURCE_DIR");

    snprintf(path, sizeof(path), "%s/etc/piiguard.yaml", src ? src : ".");
    return path;
}

/* slurp - a whole file into a malloc'd string */
static char *slurp(const char *path, size_t extra)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + extra + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* th_policy - the default policy plus extra YAML */
pg_policy *th_policy(const char *extra)
{
    size_t el = extra ? strlen(extra) : 0;
    char *yaml = slurp(th_default_path(), el + 1);
    pg_policy *p = NULL;

    if (extra) {
        strcat(yaml, "\n");
        strcat(yaml, extra);
    }
    int rc = pg_policy_load_buffer(&p, yaml, strlen(yaml), th_default_path());
    if (rc < 0)
        fail_msg("policy: %s", pg_error_last());
    free(yaml);
    return p;
}

/* th_policy_string - a whole policy, named as if beside the default */
int th_policy_string(pg_policy **out, const char *yaml)
{
    return pg_policy_load_buffer(out, yaml, strlen(yaml), th_default_path());
}

/* add_seg - one segment, with "> " lines marked quoted */
static void add_seg(pg_msg *msg, const th_seg *s, const char *prefix)
{
    size_t pl = prefix ? strlen(prefix) : 0, tl = strlen(s->text);
    char *text = malloc(pl + tl + 1);

    assert_non_null(text);
    memcpy(text, prefix ? prefix : "", pl);
    memcpy(text + pl, s->text, tl + 1);
    int idx = msg_add_segment(msg, s->path, s->kind, text, pl + tl, s->in_attachment);
    assert_true(idx >= 0);
    assert_int_equal(msg_quote_mark_plain(msg, (size_t)idx), 0);
    free(text);
}

/* is_body - the segment a prefix goes into */
static bool is_body(const th_seg *s)
{
    return !s->in_attachment && (s->kind == PG_SEG_TEXT || s->kind == PG_SEG_CHAT ||
                                 s->kind == PG_SEG_HTML);
}

/* th_build - segments, headers, uninspectable parts, encrypted flag */
pg_msg *th_build(const th_msg *m, const char *prefix)
{
    pg_msg *msg = NULL;
    bool used = false;

    assert_int_equal(msg_new(&msg), 0);
    for (int i = 0; i < TH_MAX_SEGS && m->segs[i].path; i++) {
        bool here = prefix && !used && is_body(&m->segs[i]);
        add_seg(msg, &m->segs[i], here ? prefix : NULL);
        used |= here;
    }
    if (prefix)
        assert_true(used);
    if (m->to)
        assert_int_equal(msg_add_header(msg, "To", m->to), 0);
    if (m->unins)
        assert_int_equal(msg_add_uninspectable(msg, m->unins, "encrypted archive"), 0);
    msg->encrypted = m->encrypted;
    return msg;
}

/* in_ranges - is offset inside one of the segment's quoted ranges? */
static bool in_ranges(const pg_segment *s, size_t off)
{
    for (size_t i = 0; i < s->n_quoted; i++)
        if (off >= s->quoted[i].start && off < s->quoted[i].end)
            return true;
    return false;
}

/* place - findings by value, searched in order within each segment */
static size_t place(pg_msg_finding *out, const pg_msg *msg, const th_msg *m)
{
    size_t next[TH_MAX_SEGS] = {0}, n = 0;

    for (int i = 0; i < TH_MAX_FINDS && m->finds[i].value; i++) {
        const th_find *tf = &m->finds[i];
        const pg_segment *s = pg_msg_segment(msg, (size_t)tf->seg);
        const char *at = strstr(s->text + next[tf->seg], tf->value);
        if (!at)
            fail_msg("finding %d ('%s') not in segment %d", i, tf->value, tf->seg);
        size_t start = (size_t)(at - s->text), end = start + strlen(tf->value);
        next[tf->seg] = end;
        out[n++] = (pg_msg_finding){
            .f = {.entity = tf->entity, .start = start, .end = end,
                  .score = tf->score > 0 ? tf->score : 0.9f,
                  .validated = !tf->unvalidated},
            .segment = (size_t)tf->seg, .quoted = in_ranges(s, start)};
    }
    return n;
}

/* th_decide - build, place, decide, free the message */
pg_decision *th_decide(const pg_policy *p, const th_msg *m, const char *prefix,
                       const pg_envelope *env)
{
    pg_msg_finding f[TH_MAX_FINDS];
    pg_msg *msg = th_build(m, prefix);
    pg_decision *d = NULL;
    size_t n = place(f, msg, m);

    if (policy_decide_findings(&d, p, msg, f, n, env) < 0)
        fail_msg("decide: %s", pg_error_last());
    pg_msg_free(msg);
    return d;
}

/* th_has_rule - did rule id fire? */
bool th_has_rule(const pg_decision *d, const char *id)
{
    for (size_t i = 0; i < pg_decision_rule_count(d); i++)
        if (strcmp(pg_decision_rule_at(d, i)->id, id) == 0)
            return true;
    return false;
}
