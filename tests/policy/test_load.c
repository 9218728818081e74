/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_load.c - loading policies: the default one, and each kind of bad
 * one with the FILE:LINE it must name and the words that say what to do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "piiguard/pg_limits.h"
#include "policy/policy_helpers.h"

/* test_default_loads - etc/piiguard.yaml, and what it asks for */
static void test_default_loads(void **state)
{
    pg_policy *p = NULL;
    pg_engine_opts eo;
    pg_msg_limits lim, def;

    (void)state;
    if (pg_policy_load(&p, th_default_path()) < 0)
        fail_msg("%s", pg_error_last());
    assert_string_equal(pg_policy_path(p), th_default_path());
    assert_int_equal(pg_policy_rule_count(p), 4);
    assert_string_equal(pg_policy_secure_header(p), "X-PIIGuard-Route: secure");
    pg_policy_engine_opts(p, &eo);
    assert_true(eo.min_score == 0.5f);
    assert_int_equal(eo.context_window, 64);
    assert_int_equal(eo.entities, 0);
    pg_policy_msg_limits(p, &lim);
    pg_msg_limits_init(&def);
    assert_int_equal(lim.max_message_bytes, 64u << 20);
    assert_true(lim.isolate_extractors);
    assert_int_equal(lim.max_depth, def.max_depth);
    assert_int_equal(lim.max_parts, def.max_parts);
    assert_int_equal(pg_policy_warnings(p, 0, NULL, NULL), 0);
    pg_policy_free(p);
}

/* test_minimal_builtin_notices - no notices section: built-in templates */
static void test_minimal_builtin_notices(void **state)
{
    static const char y[] = "version: 1\nrules: []\n";
    pg_policy *p = NULL;
    pg_msg_limits lim, def;

    (void)state;
    assert_int_equal(pg_policy_load_buffer(&p, y, strlen(y), "min.yaml"), 0);
    assert_int_equal(pg_policy_rule_count(p), 0);
    assert_null(pg_policy_secure_header(p));
    pg_policy_msg_limits(p, &lim);
    pg_msg_limits_init(&def);
    assert_int_equal(lim.max_message_bytes, def.max_message_bytes);
    assert_int_equal(lim.max_decoded_bytes, def.max_decoded_bytes);
    assert_int_equal(lim.extractor_timeout_ms, def.extractor_timeout_ms);
    assert_int_equal(lim.isolate_extractors, def.isolate_extractors);
    pg_policy_free(p);
}

typedef struct bad_case {
    const char *name;
    const char *yaml;
    unsigned line;
    const char *says;
} bad_case;

#define HEAD "version: 1\n"
#define RULES "rules:\n  - id: r1\n    action: reject\n"

static const bad_case bad[] = {
    {"empty file", "", 1, "the policy is empty"},
    {"YAML syntax", HEAD "rules:\n  - id: r1\n   action: [reject\n", 4, "YAML syntax error"},
    {"two documents", HEAD RULES "---\nversion: 1\n", 6, "second YAML document"},
    {"unknown top-level key", HEAD RULES "rulez: []\n", 5, "unknown key 'rulez'"},
    {"consent override key", HEAD RULES "honor_consent: true\n", 5, "consent is never an override"},
    {"duplicate key", HEAD RULES "mask: shape\nmask: label\n", 6, "appears twice"},
    {"missing version", RULES, 1, "has no 'version'"},
    {"wrong version", "version: 2\n" RULES, 1, "use a value from 1 to 1"},
    {"missing rules", HEAD "mask: shape\n", 1, "has no 'rules'"},
    {"rules not a list", HEAD "rules: reject\n", 2, "rules must be a list"},
    {"rule without action", HEAD "rules:\n  - id: r1\n    quoted: no\n", 3, "has no 'action'"},
    {"rule without id", HEAD "rules:\n  - action: tag\n", 3, "has no 'id'"},
    {"bad rule id", HEAD "rules:\n  - id: \"R 1\"\n    action: tag\n", 3, "not a valid id"},
    {"duplicate rule ids", HEAD RULES "  - id: r1\n    action: tag\n", 5, "already used on line 3"},
    {"unknown rule key", HEAD RULES "    recipient: external\n", 5, "unknown key 'recipient' in rules[0]"},
    {"tempfail is reserved", HEAD "rules:\n  - id: r1\n    action: tempfail\n", 4, "reserved for internal errors"},
    {"unknown action", HEAD "rules:\n  - id: r1\n    action: block\n", 4, "not an action"},
    {"unknown entity", HEAD RULES "    entities: [US_SNN]\n", 5, "unknown entity 'US_SNN'"},
    {"unknown class", HEAD RULES "    classes: [finance]\n", 5, "unknown class 'finance'"},
    {"unknown channel", HEAD RULES "    channels: [email, fax]\n", 5, "unknown channel 'fax'"},
    {"bad scope", HEAD RULES "    recipients: partners\n", 5, "use internal, external or any"},
    {"bad quoted", HEAD RULES "    quoted: maybe\n", 5, "use yes, no or any"},
    {"class key typo", HEAD RULES "classes:\n  financial: {min_scroe: 0.7}\n", 6,
     "unknown key 'min_scroe' in classes.financial; use one of: min_score, min_count"},
    {"unknown class section", HEAD RULES "classes:\n  finance: {min_score: 0.7}\n", 6, "unknown key 'finance'"},
    {"min_score out of range", HEAD RULES "classes:\n  health:\n    min_score: 1.5\n", 7, "from 0 to 1"},
    {"min_score not a number", HEAD RULES "engine:\n  min_score: high\n", 6, "not a number"},
    {"min_count zero", HEAD RULES "overrides:\n  PIN: {min_count: 0}\n", 6, "from 1 to 1000"},
    {"override unknown entity", HEAD RULES "overrides:\n  SSN: {min_score: 0.7}\n", 6, "'SSN' is not an entity"},
    {"class below engine threshold", HEAD RULES "engine: {min_score: 0.6}\nclasses:\n  contact:\n    min_score: 0.3\n",
     8, "below engine.min_score"},
    {"rule names undetected entity", HEAD RULES "    entities: [PIN]\nengine:\n  entities: [US_SSN]\n", 3,
     "engine.entities does not detect"},
    {"limit out of range", HEAD RULES "limits:\n  max_depth: 1000\n", 6, "limits.max_depth"},
    {"limit bad size", HEAD RULES "limits:\n  max_message_bytes: 12Q\n", 6, "not a whole number"},
    {"limit unknown", HEAD RULES "limits:\n  max_bytes: 1M\n", 6, "unknown key 'max_bytes' in limits"},
    {"bad bool", HEAD RULES "limits:\n  isolate_extractors: maybe\n", 6, "use true or false"},
    {"unredactable too weak", HEAD RULES "unredactable: tag\n", 5, "cannot be 'tag'"},
    {"bad mask", HEAD RULES "mask: stars\n", 5, "use shape"},
    {"secure header", HEAD RULES "secure_route:\n  header: secure\n", 6, "\"Name: value\""},
    {"secure route without header", HEAD RULES "secure_route: {}\n", 5, "has no 'header'"},
    {"internal domain with @", HEAD RULES "internal_domains: [\"@example.com\"]\n", 5, "not a domain"},
    {"currency", HEAD RULES "exposure:\n  currency: usd\n", 6, "ISO 4217"},
    {"negative cost", HEAD RULES "exposure:\n  cost_per_record: -5\n", 6, "from 0 to"},
    {"short consent phrase", HEAD RULES "consent:\n  extra_phrases: [\"ok\"]\n", 6, "not a usable phrase"},
    {"policy_url", HEAD RULES "notices:\n  policy_url: intranet/policy\n", 6, "not a URL"},
    {"secure url must be https", HEAD RULES "notices:\n  secure_channel: {name: P, url: \"http://x\"}\n", 6,
     "not an https URL"},
    {"notices dir missing", HEAD RULES "notices:\n  dir: no-such-notices\n", 6, "is not a directory"},
    {"reply placeholder", HEAD RULES "notices:\n  suggested_reply: \"use {{portal}}\"\n", 6,
     "unknown placeholder {{portal}}"},
    {"exception action reject", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n    until: 2030-01-01\n"
     "    senders: [a@example.com]\n    action: reject\n", 11, "cannot be 'reject'"},
    {"exception without until", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n"
     "    senders: [a@example.com]\n    action: allow\n", 6, "has no 'until'"},
    {"exception without approval", HEAD RULES
     "exceptions:\n  - id: x\n    reason: r\n    until: 2030-01-01\n"
     "    senders: [a@example.com]\n    action: allow\n", 6, "has no 'approved_by'"},
    {"exception bad date", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n    until: 2030-02-30\n"
     "    senders: [a@example.com]\n    action: allow\n", 9, "not a day of the calendar"},
    {"exception date format", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n    until: 31/12/2030\n"
     "    senders: [a@example.com]\n    action: allow\n", 9, "YYYY-MM-DD"},
    {"exception for everyone", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n    until: 2030-01-01\n"
     "    action: allow\n", 6, "names neither senders nor recipient_domains"},
    {"exception bad sender", HEAD RULES
     "exceptions:\n  - id: x\n    approved_by: c\n    reason: r\n    until: 2030-01-01\n"
     "    senders: [\"a@@b\"]\n    action: allow\n", 10, "neither an address"},
};

/* test_bad_policies - every bad case names its line and what to do */
static void test_bad_policies(void **state)
{
    char want[64];
    int failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pg_policy *p = NULL;
        int rc = pg_policy_load_buffer(&p, bad[i].yaml, strlen(bad[i].yaml), "bad.yaml");
        const char *msg = pg_error_last();
        assert_null(p);
        snprintf(want, sizeof(want), "bad.yaml:%u: ", bad[i].line);
        if (rc != PG_EPARSE || strncmp(msg, want, strlen(want)) != 0 ||
            !strstr(msg, bad[i].says) || !strchr(msg, ';')) {
            print_error("%s: rc %d, want '%s...%s', got '%s'\n", bad[i].name,
                        rc, want, bad[i].says, msg);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* test_missing_file - PG_EIO, and the path in the message */
static void test_missing_file(void **state)
{
    pg_policy *p = NULL;

    (void)state;
    assert_int_equal(pg_policy_load(&p, "/nonexistent/piiguard.yaml"), PG_EIO);
    assert_null(p);
    assert_non_null(strstr(pg_error_last(), "/nonexistent/piiguard.yaml"));
}

/* test_too_big - a policy is a page of YAML */
static void test_too_big(void **state)
{
    size_t n = (1u << 20) + 10;
    char *y = malloc(n);
    pg_policy *p = NULL;

    (void)state;
    memset(y, '#', n);
    assert_int_equal(pg_policy_load_buffer(&p, y, n, "big.yaml"), PG_EPARSE);
    assert_non_null(strstr(pg_error_last(), "big.yaml:1: "));
    free(y);
}

/* write_file - a small file for the template tests */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_non_null(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
}

/* test_template_errors - a bad template names its file and line */
static void test_template_errors(void **state)
{
    char dir[] = "/tmp/pg-notices-XXXXXX", policy[600], cmd[600];
    pg_policy *p = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(policy, sizeof(policy), "version: 1\nrules: []\nnotices:\n  dir: %s\n", dir);
    write_file(dir, "default.txt", "ok {{action}}\n");
    write_file(dir, "default.html", "<p>{{verdict}}</p>\n");
    assert_int_equal(pg_policy_load_buffer(&p, policy, strlen(policy), "t.yaml"), PG_EPARSE);
    assert_non_null(strstr(pg_error_last(), "has no default.short.txt"));
    write_file(dir, "default.short.txt", "{{verdict}}\n");
    write_file(dir, "reject.email.txt", "line one\nline two {{findings}\n");
    assert_int_equal(pg_policy_load_buffer(&p, policy, strlen(policy), "t.yaml"), PG_EPARSE);
    assert_non_null(strstr(pg_error_last(), "reject.email.txt:2: '{{' is never closed"));
    write_file(dir, "reject.email.txt", "a\nb\n\n{{ policy_link }}\n");
    assert_int_equal(pg_policy_load_buffer(&p, policy, strlen(policy), "t.yaml"), PG_EPARSE);
    assert_non_null(strstr(pg_error_last(), "reject.email.txt:4: unknown placeholder {{policy_link}}"));
    write_file(dir, "reject.email.txt", "{{ policy_url }}\n");
    assert_int_equal(pg_policy_load_buffer(&p, policy, strlen(policy), "t.yaml"), 0);
    pg_policy_free(p);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* warning_count - a pg_policy_warning_cb that counts and checks format */
static void warning_count(const char *line, void *payload)
{
    assert_non_null(strstr(line, ": warning: "));
    (*(int *)payload)++;
}

/* test_warnings - expired exceptions and secure without a route */
static void test_warnings(void **state)
{
    static const char y[] =
        "version: 1\nrules:\n  - id: s\n    action: secure\n"
        "exceptions:\n  - id: old\n    approved_by: c\n    reason: r\n"
        "    until: 2020-01-01\n    senders: [a@example.com]\n    action: allow\n";
    pg_policy *p = NULL;
    int n = 0;

    (void)state;
    assert_int_equal(pg_policy_load_buffer(&p, y, strlen(y), "w.yaml"), 0);
    assert_int_equal(pg_policy_warnings(p, 0, warning_count, &n), 2);
    assert_int_equal(n, 2);
    /* The day itself is still inside the exception. */
    assert_int_equal(pg_policy_warnings(p, 1577836800 + 86399, NULL, NULL), 1);
    pg_policy_free(p);
}

/* test_names - action and channel names round-trip */
static void test_names(void **state)
{
    pg_channel ch;

    (void)state;
    assert_string_equal(pg_action_name(PG_ACT_QUARANTINE), "quarantine");
    assert_string_equal(pg_action_name(PG_ACT_TEMPFAIL), "tempfail");
    assert_string_equal(pg_channel_name(PG_CHAN_SMS), "sms");
    assert_int_equal(pg_channel_from_name(&ch, "chat"), 0);
    assert_int_equal(ch, PG_CHAN_CHAT);
    assert_int_equal(pg_channel_from_name(&ch, "fax"), PG_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_loads),
        cmocka_unit_test(test_minimal_builtin_notices),
        cmocka_unit_test(test_bad_policies),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_template_errors),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
