/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_notice.c - notices and the decision's outputs: the short form fits
 * an SMTP reply, values appear only masked (a known SSN is seeded and its
 * digits must never appear in a notice or the JSON), paths are masked,
 * HTML is escaped, substituted text is never re-scanned. Templates are
 * bound at load (the policy's values substituted, escaped per form): the
 * suggested reply still renders per decision when it holds findings, and
 * an output past NOTICE_MAX_OUTPUT is clipped where it was before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/policy_helpers.h"
#include "policy/policy_internal.h"

#define SSN "212-56-7890"
#define EXT "cust@gmail.example"

static const char *const rcpt[] = {EXT};

/* policy_for - one rule selecting everything, with the given action */
static pg_policy *policy_for(pg_action a, const char *extra)
{
    char y[1024];
    pg_policy *p = NULL;

    snprintf(y, sizeof(y),
             "version: 1\nrules:\n  - id: all\n    action: %s\n"
             "secure_route: {header: \"X-Route: secure\"}\n"
             "notices:\n  dir: notices\n"
             "  secure_channel: {name: Secure Message portal, url: \"https://secure.example.com\"}\n"
             "  policy_url: https://intranet.example.com/p\n%s",
             pg_action_name(a), extra ? extra : "");
    if (th_policy_string(&p, y) < 0)
        fail_msg("%s", pg_error_last());
    return p;
}

/* no_raw - the seeded value, in any spelling, appears nowhere */
static void no_raw(const char *what, const char *s)
{
    static const char *const raw[] = {SSN, "212567890", "56-7890", "212 56 7890"};

    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
        if (strstr(s, raw[i]))
            fail_msg("%s holds the raw value %s:\n%s", what, raw[i], s);
}

/* check_short - at most 10 lines of at most 400 bytes, no CR */
static void check_short(const char *s)
{
    int lines = 0;

    assert_true(*s);
    assert_null(strchr(s, '\r'));
    while (*s) {
        size_t len = strcspn(s, "\n");
        if (len > 400)
            fail_msg("short notice line of %zu bytes", len);
        lines++;
        s += len + (s[len] == '\n');
    }
    if (lines > 10)
        fail_msg("short notice of %d lines", lines);
}

/* check_clean - every output of a decision: no raw value, short fits */
static void check_clean(const pg_decision *d)
{
    json_t *j = pg_decision_to_json(d);
    char *dump = json_dumps(j, 0);

    check_short(pg_decision_notice_short(d));
    no_raw("short notice", pg_decision_notice_short(d));
    no_raw("text notice", pg_decision_notice_full(d, false));
    no_raw("html notice", pg_decision_notice_full(d, true));
    no_raw("json", dump);
    for (size_t i = 0; i < pg_decision_rule_count(d); i++)
        no_raw("reason", pg_decision_rule_at(d, i)->reason);
    free(dump);
    json_decref(j);
}

/* test_every_action_and_channel - short form and masking, everywhere */
static void test_every_action_and_channel(void **state)
{
    (void)state;
    for (int a = PG_ACT_REDACT; a <= PG_ACT_REJECT; a++) {
        pg_policy *p = policy_for((pg_action)a, NULL);
        for (int ch = 0; ch < 3; ch++) {
            pg_envelope env = {.channel = (pg_channel)ch, .recipients = rcpt, .n_recipients = 1};
            th_msg m = {.segs = {{ch ? "chat" : "1", ch ? PG_SEG_CHAT : PG_SEG_TEXT,
                                  "Your SSN is " SSN ", you said it's ok.\n", false}},
                        .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
            pg_decision *d = th_decide(p, &m, NULL, &env);
            assert_int_equal(pg_decision_action(d), a);
            check_clean(d);
            assert_non_null(strstr(pg_decision_notice_full(d, false), "***-**-*"));
            assert_non_null(strstr(pg_decision_notice_full(d, false), "secure.example.com"));
            assert_non_null(strstr(pg_decision_notice_full(d, false), "intranet.example.com/p"));
            pg_decision_free(d);
        }
        pg_policy_free(p);
    }
}

/* test_many_findings - 60 values and a long path still fit */
static void test_many_findings(void **state)
{
    static char text[4096], path[1200];
    static char vals[60][16];
    th_msg m = {0};
    pg_policy *p = policy_for(PG_ACT_REJECT, NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    size_t len = 0;

    (void)state;
    memset(path, 'x', sizeof(path) - 1);
    memcpy(path, "2/attachment:", 13);
    m.segs[0] = (th_seg){path, PG_SEG_TEXT, text, false};
    for (int i = 0; i < 60; i++) {
        snprintf(vals[i], sizeof(vals[i]), "212-56-%04d", 1000 + i);
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", vals[i]);
        m.finds[i] = (th_find){PG_ENT_US_SSN, vals[i], 0, 0, false};
    }
    pg_decision *d = th_decide(p, &m, NULL, &env);
    check_clean(d);
    assert_non_null(strstr(pg_decision_notice_full(d, false), "and 40 more"));
    assert_non_null(strstr(pg_decision_notice_short(d), "more"));
    assert_int_equal(pg_decision_count(d, PG_ENT_US_SSN), 60);
    assert_int_equal(pg_decision_records(d), 60);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_paths_are_masked_and_escaped - file names can carry PII and HTML */
static void test_paths_are_masked_and_escaped(void **state)
{
    pg_policy *p = policy_for(PG_ACT_QUARANTINE, NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"2/attachment:" SSN " <b>{{policy_url}}</b>.pdf", PG_SEG_ATTACHMENT,
                          "ssn " SSN "\n", true}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);
    const char *html = pg_decision_notice_full(d, true);
    const char *text = pg_decision_notice_full(d, false);

    (void)state;
    check_clean(d);
    assert_non_null(strstr(html, "&lt;b&gt;"));
    assert_null(strstr(html, "<b>{{"));
    /* Substituted text is not re-scanned: the braces stay as they were. */
    assert_non_null(strstr(text, "{{policy_url}}"));
    assert_non_null(strstr(text, "***-**-****"));
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_consent_answered - the notice answers the consent claim */
static void test_consent_answered(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"1", PG_SEG_TEXT, "As you requested, it is " SSN ".\n", false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_true(pg_decision_consent_claimed(d));
    assert_string_equal(pg_decision_consent_phrase(d), "as you requested");
    assert_non_null(strstr(pg_decision_notice_full(d, false), "consent does not change"));
    assert_non_null(strstr(pg_decision_notice_short(d), "consent does not change"));
    check_clean(d);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_label_mask - mask: label shows the type only */
static void test_label_mask(void **state)
{
    pg_policy *p = policy_for(PG_ACT_REJECT, "mask: label\n");
    pg_envelope env = {.channel = PG_CHAN_CHAT, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"chat", PG_SEG_CHAT, "ssn " SSN, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_int_equal(pg_decision_mask_style(d), PG_MASK_LABEL);
    assert_non_null(strstr(pg_decision_notice_full(d, false), "[US_SSN]"));
    assert_null(strstr(pg_decision_notice_full(d, false), "789"));
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_redact_select - exactly the quoted high-risk findings are masked */
static void test_redact_select(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"1", PG_SEG_TEXT, "Call 415-555-0134.\n> ssn " SSN "\n> card 4111111111111111\n", false}},
                .finds = {{PG_ENT_PHONE_NUMBER, "415-555-0134", 0, 0, true},
                          {PG_ENT_US_SSN, SSN, 0, 0, false},
                          {PG_ENT_CREDIT_CARD, "4111111111111111", 0, 0, false}}};
    pg_msg *msg = th_build(&m, NULL);
    const char *t = pg_msg_segment(msg, 0)->text;
    pg_decision *d = th_decide(p, &m, NULL, &env);
    size_t ssn = (size_t)(strstr(t, SSN) - t), card = (size_t)(strstr(t, "4111") - t);
    pg_msg_finding phone = {.f = {.entity = PG_ENT_PHONE_NUMBER, .start = 5, .end = 17}};
    pg_msg_finding s = {.f = {.entity = PG_ENT_US_SSN, .start = ssn, .end = ssn + 11}, .quoted = true};
    pg_msg_finding c = {.f = {.entity = PG_ENT_CREDIT_CARD, .start = card, .end = card + 16}, .quoted = true};
    pg_msg_finding other = s;

    (void)state;
    other.segment = 1;
    assert_int_equal(pg_decision_action(d), PG_ACT_REDACT);
    assert_true(pg_decision_redact_select(&s, d));
    assert_true(pg_decision_redact_select(&c, d));
    assert_false(pg_decision_redact_select(&phone, d));
    assert_false(pg_decision_redact_select(&other, d));
    check_clean(d);
    pg_decision_free(d);
    pg_msg_free(msg);
    pg_policy_free(p);
}

/* test_allow_has_no_notice - nothing to say, and JSON says null */
static void test_allow_has_no_notice(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"1", PG_SEG_TEXT, "Your order shipped.\n", false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);
    json_t *j = pg_decision_to_json(d);

    (void)state;
    assert_string_equal(pg_decision_notice_short(d), "");
    assert_string_equal(pg_decision_notice_full(d, true), "");
    assert_true(json_is_null(json_object_get(j, "notice")));
    assert_string_equal(json_string_value(json_object_get(j, "action")), "allow");
    assert_string_equal(json_string_value(json_object_get(j, "severity")), "none");
    json_decref(j);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_json_shape - the fields the service and API rely on */
static void test_json_shape(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.to = "Jane Doe <" EXT ">",
                .segs = {{"1", PG_SEG_TEXT, "ssn " SSN " and again " SSN "\n", false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}, {PG_ENT_US_SSN, SSN, 0, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);
    json_t *j = pg_decision_to_json(d);

    (void)state;
    assert_string_equal(json_string_value(json_object_get(j, "action")), "reject");
    assert_string_equal(json_string_value(json_object_get(j, "severity")), "critical");
    assert_true(json_is_true(json_object_get(j, "breach_notifiable")));
    assert_true(json_is_false(json_object_get(j, "consent_claimed")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "US_SSN")), 2);
    /* Two findings, one value: one record. */
    assert_int_equal(json_integer_value(json_object_get(j, "exposure_records")), 1);
    assert_true(json_real_value(json_object_get(j, "exposure")) == 183.0);
    assert_string_equal(json_string_value(json_object_get(j, "currency")), "USD");
    json_t *r = json_array_get(json_object_get(j, "rules"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "id")), "high-risk-external");
    assert_string_equal(json_string_value(json_object_get(r, "action")), "reject");
    assert_non_null(json_string_value(json_object_get(r, "reason")));
    assert_true(json_is_string(json_object_get(j, "notice")));
    check_clean(d);
    json_decref(j);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_tempfail - internal errors still produce a decision */
static void test_tempfail(void **state)
{
    pg_decision *d = NULL;
    json_t *j;

    (void)state;
    assert_int_equal(pg_decision_tempfail(&d, PG_CHAN_SMS, "engine\nscratch exhausted"), 0);
    assert_int_equal(pg_decision_action(d), PG_ACT_TEMPFAIL);
    check_short(pg_decision_notice_short(d));
    assert_non_null(strstr(pg_decision_notice_short(d), "engine scratch exhausted"));
    assert_int_equal(pg_decision_rule_count(d), 1);
    j = pg_decision_to_json(d);
    assert_string_equal(json_string_value(json_object_get(j, "action")), "tempfail");
    /* the report names the channel the message came by, not "email" */
    assert_string_equal(json_string_value(json_object_get(j, "channel")), "sms");
    json_decref(j);
    pg_decision_free(d);
    pg_decision_free(NULL);
    pg_policy_free(NULL);
}

/* test_reply_per_decision - a reply with findings in it, nested once */
static void test_reply_per_decision(void **state)
{
    pg_policy *p = NULL;
    pg_envelope chat = {.channel = PG_CHAN_CHAT, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"chat", PG_SEG_CHAT, "ssn " SSN, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
    th_msg c = {.segs = {{"chat", PG_SEG_CHAT, "card 4111111111111111", false}},
                .finds = {{PG_ENT_CREDIT_CARD, "4111111111111111", 0, 0, false}}};

    (void)state;
    if (th_policy_string(&p, "version: 1\nrules:\n  - {id: all, action: reject}\n"
                         "notices:\n  organisation: \"A&B\"\n  suggested_reply: "
                         "\"[{{organisation}} {{channel}}: {{findings_inline}}"
                         "{{suggested_reply}}]\"\n") < 0)
        fail_msg("%s", pg_error_last());
    pg_decision *d = th_decide(p, &m, NULL, &chat);
    pg_decision *e = th_decide(p, &c, NULL, &chat);
    assert_non_null(strstr(pg_decision_notice_full(d, false), "[A&B chat: US_SSN ***-**-*890]"));
    assert_non_null(strstr(pg_decision_notice_full(d, true), "[A&amp;B chat: US_SSN ***-**-*890]"));
    assert_non_null(strstr(pg_decision_notice_full(e, false), "[A&B chat: CREDIT_CARD "));
    assert_null(strstr(pg_decision_notice_full(e, false), "US_SSN"));
    check_clean(d);
    pg_decision_free(d);
    pg_decision_free(e);
    pg_policy_free(p);
}

/* write_file - a whole file, or fail the test */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* test_clipped_at_max_output - the policy's values fill the full notice
 * past 64 KiB: it is cut at exactly NOTICE_MAX_OUTPUT bytes, and what
 * the template says after that point (the reasons) is not there */
static void test_clipped_at_max_output(void **state)
{
    static char big[NOTICE_MAX_TEMPLATE];
    char dir[] = "/tmp/pg-notice-XXXXXX", yaml[512], org[201];
    pg_policy *p = NULL;
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"1", PG_SEG_TEXT, "ssn " SSN, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};

    (void)state;
    assert_non_null(mkdtemp(dir));
    memset(org, 'o', sizeof(org) - 1);
    org[sizeof(org) - 1] = '\0';
    size_t n = (size_t)snprintf(big, sizeof(big), "{{findings}}");
    memset(big + n, 'x', 65300);
    snprintf(big + n + 65300, sizeof(big) - n - 65300, "%s",
             "{{organisation}}{{organisation}}{{reasons}}");
    write_file(dir, "default.txt", big);
    write_file(dir, "default.short.txt", "{{findings_inline}}\n");
    write_file(dir, "default.html", "<ul>{{reasons}}</ul>");
    snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - {id: all, action: reject}\n"
             "notices:\n  dir: %s\n  organisation: %s\n", dir, org);
    if (th_policy_string(&p, yaml) < 0)
        fail_msg("%s", pg_error_last());
    pg_decision *d = th_decide(p, &m, NULL, &env);
    const char *text = pg_decision_notice_full(d, false);
    assert_int_equal(strlen(text), NOTICE_MAX_OUTPUT);
    assert_int_equal(strncmp(text, "  - US_SSN ***-**-*890 in 1\n", 28), 0);
    assert_int_equal(text[NOTICE_MAX_OUTPUT - 1], 'o');
    assert_null(strstr(text, "(reject)"));
    assert_non_null(strstr(pg_decision_notice_full(d, true), "<li>all (reject): "));
    check_clean(d);
    pg_decision_free(d);
    pg_policy_free(p);
    for (const char *f = "default.txt\0default.short.txt\0default.html\0"; *f; f += strlen(f) + 1) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, f);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_and_channel),
        cmocka_unit_test(test_many_findings),
        cmocka_unit_test(test_paths_are_masked_and_escaped),
        cmocka_unit_test(test_consent_answered),
        cmocka_unit_test(test_label_mask),
        cmocka_unit_test(test_redact_select),
        cmocka_unit_test(test_allow_has_no_notice),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_tempfail),
        cmocka_unit_test(test_reply_per_decision),
        cmocka_unit_test(test_clipped_at_max_output),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
