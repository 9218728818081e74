/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_scenarios.c - the default policy, scenario by scenario.
 *
 * Each row is one message: channel, recipients, sender, segments with
 * findings placed by value, and the action the default policy (plus the
 * exceptions below, for the exception rows) must reach. A row with a
 * consent phrase is run twice, without and with the phrase in the sender's
 * own words, and the two decisions must agree on action, every fired rule
 * (id, action, reason), severity, breach flag and exposure: consent is
 * never an override.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_helpers.h"

/* Exceptions for the exception rows; "now" is NOW below. */
static const char exceptions_yaml[] =
    "exceptions:\n"
    "  - id: payroll-bank\n"
    "    approved_by: compliance@example.com\n"
    "    reason: weekly payroll file over enforced TLS (COMP-1)\n"
    "    senders: [payroll@example.com, \"hr.example.com\"]\n"
    "    recipient_domains: [bank.example]\n"
    "    classes: [financial]\n"
    "    action: secure\n"
    "    until: 2030-12-31\n"
    "  - id: old-vendor\n"
    "    approved_by: compliance@example.com\n"
    "    reason: vendor migration, finished\n"
    "    senders: [ops@example.com]\n"
    "    recipient_domains: [vendor.example]\n"
    "    action: allow\n"
    "    until: 2024-01-31\n"
    "  - id: claims-portal\n"
    "    approved_by: compliance@example.com\n"
    "    reason: insurer portal with enforced encryption\n"
    "    recipient_domains: [insurer.example]\n"
    "    classes: [health, government_id]\n"
    "    action: allow\n"
    "    until: 2030-01-01\n";

#define NOW 1748736000 /* 2025-06-01 UTC */

typedef struct scenario {
    const char *name;
    bool exceptions;         /* load exceptions_yaml too */
    pg_channel channel;
    const char *rcpt[3];
    const char *sender;
    th_msg m;
    const char *consent;     /* a phrase to pair-test, or NULL */
    pg_action want;
    const char *want_rule;   /* must fire, or NULL */
    bool want_breach;
} scenario;

#define EXT "cust@gmail.example"
#define EXT2 "other@yahoo.example"
#define INT "agent@example.com"
#define INT2 "lead@corp.example.com"
#define SSN "212-56-7890"
#define SSN2 "345-67-8901"
#define CARD "4111 1111 1111 1111"
#define IBAN "DE89 3704 0044 0532 0130 00"
#define BODY(t) {"1", PG_SEG_TEXT, (t), false}
#define CHAT(t) {"chat", PG_SEG_CHAT, (t), false}
#define ATT(p, t) {(p), PG_SEG_ATTACHMENT, (t), true}
#define F(e, v, s) {PG_ENT_##e, (v), (s), 0, false}

static const scenario scenarios[] = {
    {"email external SSN in body", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Your SSN is " SSN ".\n")}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"email external SSN, consent 'you said it's ok'", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Your SSN is " SSN ".\n")}, .finds = {F(US_SSN, SSN, 0)}},
     "Hi, you said it's ok to email this.\n", PG_ACT_REJECT, "high-risk-external", false},
    {"email external SSN only in quoted text", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Thanks, we updated your file.\n> my ssn is " SSN "\n")},
      .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REDACT, "quoted-customer-pii", false},
    {"email quoted SSN, consent 'as you requested'", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Done.\n> my ssn is " SSN "\n")}, .finds = {F(US_SSN, SSN, 0)}},
     "As you requested:\n", PG_ACT_REDACT, "quoted-customer-pii", false},
    {"email quoted and unquoted SSN", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("It is " SSN2 ".\n> my ssn is " SSN "\n")},
      .finds = {F(US_SSN, SSN2, 0), F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"email internal SSN", false, PG_CHAN_EMAIL, {INT2}, INT,
     {.segs = {BODY("Customer SSN " SSN "\n")}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_TAG, "high-risk-internal", false},
    {"email internal SSN, consent 'with your consent'", false, PG_CHAN_EMAIL, {INT2}, INT,
     {.segs = {BODY("Customer SSN " SSN "\n")}, .finds = {F(US_SSN, SSN, 0)}},
     "With your consent, forwarding.\n", PG_ACT_TAG, "high-risk-internal", false},
    {"email mixed recipients SSN", false, PG_CHAN_EMAIL, {INT2, EXT}, INT,
     {.segs = {BODY("SSN " SSN "\n")}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"email external phone only", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Call me at 415-555-0134.\n")}, .finds = {F(PHONE_NUMBER, "415-555-0134", 0)}},
     NULL, PG_ACT_TAG, "contact-info", false},
    {"email external nothing found", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Your order has shipped.\n")}},
     NULL, PG_ACT_ALLOW, NULL, false},
    {"email external phone, consent 'you authorized'", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Call me at 415-555-0134.\n")}, .finds = {F(PHONE_NUMBER, "415-555-0134", 0)}},
     "As you authorized, ", PG_ACT_TAG, "contact-info", false},
    {"email external card in attachment", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("See attached.\n"), ATT("2/attachment:statement.pdf", "Card " CARD "\n")},
      .finds = {F(CREDIT_CARD, CARD, 1)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"email quoted card in attachment cannot be redacted", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("See attached.\n"), ATT("2/attachment:thread.txt", "> card " CARD "\n")},
      .finds = {F(CREDIT_CARD, CARD, 1)}},
     NULL, PG_ACT_QUARANTINE, "quoted-customer-pii", false},
    {"email encrypted, nothing readable", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {{"header:subject", PG_SEG_HEADER, "your documents", false}}, .encrypted = true},
     NULL, PG_ACT_ALLOW, "encrypted", false},
    {"email encrypted, SSN in the clear-text subject", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {{"header:subject", PG_SEG_HEADER, "SSN " SSN, false}}, .encrypted = true,
      .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"email encrypted with an unreadable part", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("")}, .encrypted = true, .unins = "1"},
     NULL, PG_ACT_ALLOW, "encrypted", false},
    {"email uninspectable part, external", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Documents attached.\n")}, .unins = "2/attachment:docs.zip"},
     NULL, PG_ACT_QUARANTINE, "uninspectable", false},
    {"email uninspectable, consent 'at your request'", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Documents attached.\n")}, .unins = "2/attachment:docs.zip"},
     "At your request, ", PG_ACT_QUARANTINE, "uninspectable", false},
    {"email uninspectable part, internal", false, PG_CHAN_EMAIL, {INT2}, INT,
     {.segs = {BODY("Documents attached.\n")}, .unins = "2/attachment:docs.zip"},
     NULL, PG_ACT_QUARANTINE, "uninspectable", false},
    {"chat external SSN", false, PG_CHAN_CHAT, {EXT}, INT,
     {.segs = {CHAT("your ssn: " SSN)}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"chat SSN, consent 'per your permission'", false, PG_CHAN_CHAT, {EXT}, INT,
     {.segs = {CHAT("your ssn: " SSN)}, .finds = {F(US_SSN, SSN, 0)}},
     "Per your permission - ", PG_ACT_REJECT, "high-risk-external", false},
    {"chat quoted SSN", false, PG_CHAN_CHAT, {EXT}, INT,
     {.segs = {CHAT("> it's " SSN "\nthanks, updated")}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REDACT, "quoted-customer-pii", false},
    {"chat without recipients counts as external", false, PG_CHAN_CHAT, {NULL}, INT,
     {.segs = {CHAT("ssn " SSN)}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"sms IBAN", false, PG_CHAN_SMS, {"+14155550134"}, INT,
     {.segs = {CHAT("IBAN " IBAN)}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"sms card, consent 'you gave permission'", false, PG_CHAN_SMS, {"+14155550134"}, INT,
     {.segs = {CHAT("card " CARD)}, .finds = {F(CREDIT_CARD, CARD, 0)}},
     "You gave permission so: ", PG_ACT_REJECT, "high-risk-external", false},
    {"email person name + SSN", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("Jane Doe, SSN " SSN "\n")},
      .finds = {F(PERSON, "Jane Doe", 0), F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "breach-notification", true},
    {"email display name + quoted SSN", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.to = "\"Doe, Jane\" <" EXT ">", .segs = {BODY("Updated.\n> ssn " SSN "\n")},
      .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REDACT, "breach-notification", true},
    {"email display name + card, consent 'you asked me to send'", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.to = "Jane Doe <" EXT ">", .segs = {BODY("card " CARD "\n")},
      .finds = {F(CREDIT_CARD, CARD, 0)}},
     "You asked me to send it. ", PG_ACT_REJECT, "breach-notification", true},
    {"email internal display name + SSN", false, PG_CHAN_EMAIL, {INT2}, INT,
     {.to = "Lead <" INT2 ">", .segs = {BODY("ssn " SSN "\n")}, .finds = {F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_TAG, "breach-notification", true},
    {"email display name + phone is not notifiable", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.to = "Jane Doe <" EXT ">", .segs = {BODY("phone 415-555-0134\n")},
      .finds = {F(PHONE_NUMBER, "415-555-0134", 0)}},
     NULL, PG_ACT_TAG, "contact-info", false},
    {"date of birth below its override", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("born 1980-01-02\n")}, .finds = {{PG_ENT_DATE_OF_BIRTH, "1980-01-02", 0, 0.65f, true}}},
     NULL, PG_ACT_ALLOW, NULL, false},
    {"date of birth above its override", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("born 1980-01-02\n")}, .finds = {{PG_ENT_DATE_OF_BIRTH, "1980-01-02", 0, 0.8f, true}}},
     NULL, PG_ACT_TAG, "contact-info", false},
    {"SSN below the class threshold", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("ref 212-56-7890\n")}, .finds = {{PG_ENT_US_SSN, SSN, 0, 0.45f, true}}},
     NULL, PG_ACT_ALLOW, NULL, false},
    {"password to external", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("password: hunter2hunter2\n")}, .finds = {F(PASSWORD, "hunter2hunter2", 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"NPI to external (health)", false, PG_CHAN_EMAIL, {EXT}, INT,
     {.segs = {BODY("NPI 1234567893\n")}, .finds = {F(US_NPI, "1234567893", 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"exception: payroll IBAN to the bank goes secure", true, PG_CHAN_EMAIL, {"ops@bank.example"},
     "payroll@example.com",
     {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     NULL, PG_ACT_SECURE, "high-risk-external", false},
    {"exception: sender by domain, consent 'as discussed, here is your'", true, PG_CHAN_EMAIL,
     {"ops@bank.example"}, "clerk@hr.example.com",
     {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     "As discussed, here is your file. ", PG_ACT_SECURE, "high-risk-external", false},
    {"exception: sender in angle brackets", true, PG_CHAN_EMAIL, {"<ops@bank.example>"},
     "<Payroll@Example.com>",
     {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     NULL, PG_ACT_SECURE, "high-risk-external", false},
    {"exception: other sender gets no exception", true, PG_CHAN_EMAIL, {"ops@bank.example"},
     "agent@example.com",
     {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"exception: one recipient outside the bank", true, PG_CHAN_EMAIL,
     {"ops@bank.example", EXT}, "payroll@example.com",
     {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"exception: covers financial, not the SSN beside it", true, PG_CHAN_EMAIL,
     {"ops@bank.example"}, "payroll@example.com",
     {.segs = {BODY("IBAN " IBAN " SSN " SSN "\n")},
      .finds = {F(IBAN_CODE, IBAN, 0), F(US_SSN, SSN, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"exception: expired, ignored", true, PG_CHAN_EMAIL, {"it@vendor.example"},
     "ops@example.com",
     {.segs = {BODY("card " CARD "\n")}, .finds = {F(CREDIT_CARD, CARD, 0)}},
     NULL, PG_ACT_REJECT, "high-risk-external", false},
    {"exception: recipient-domain only, allow for health", true, PG_CHAN_EMAIL,
     {"claims@insurer.example"}, "agent@example.com",
     {.segs = {BODY("NPI 1234567893\n")}, .finds = {F(US_NPI, "1234567893", 0)}},
     NULL, PG_ACT_ALLOW, "high-risk-external", false},
    {"exception never lowers uninspectable", true, PG_CHAN_EMAIL,
     {"claims@insurer.example"}, "agent@example.com",
     {.segs = {BODY("see zip\n")}, .unins = "2/attachment:a.zip"},
     NULL, PG_ACT_QUARANTINE, "uninspectable", false},
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* envelope - the row's envelope */
static pg_envelope envelope(const scenario *s)
{
    size_t n = 0;

    while (n < 3 && s->rcpt[n])
        n++;
    return (pg_envelope){.channel = s->channel, .sender = s->sender,
                         .recipients = s->rcpt, .n_recipients = n, .now = NOW};
}

/* same_decision - everything but the consent record must agree */
static void same_decision(const char *name, const pg_decision *a, const pg_decision *b)
{
    if (pg_decision_action(a) != pg_decision_action(b))
        fail_msg("%s: action %s without consent, %s with", name,
                 pg_action_name(pg_decision_action(a)), pg_action_name(pg_decision_action(b)));
    assert_string_equal(pg_decision_severity(a), pg_decision_severity(b));
    assert_int_equal(pg_decision_breach_notifiable(a), pg_decision_breach_notifiable(b));
    assert_true(pg_decision_exposure(a) == pg_decision_exposure(b));
    assert_int_equal(pg_decision_rule_count(a), pg_decision_rule_count(b));
    for (size_t i = 0; i < pg_decision_rule_count(a); i++) {
        const pg_decision_rule *x = pg_decision_rule_at(a, i), *y = pg_decision_rule_at(b, i);
        assert_string_equal(x->id, y->id);
        assert_int_equal(x->action, y->action);
        assert_string_equal(x->reason, y->reason);
    }
    for (int e = 0; e < PG_ENT_COUNT; e++)
        assert_int_equal(pg_decision_count(a, (pg_entity)e), pg_decision_count(b, (pg_entity)e));
}

/* check_row - the expected action, rule and breach flag */
static void check_row(const scenario *s, const pg_decision *d)
{
    if (pg_decision_action(d) != s->want)
        fail_msg("%s: want %s, got %s", s->name, pg_action_name(s->want),
                 pg_action_name(pg_decision_action(d)));
    if (s->want_rule && !th_has_rule(d, s->want_rule))
        fail_msg("%s: rule %s did not fire", s->name, s->want_rule);
    if (!s->want_rule)
        assert_int_equal(pg_decision_rule_count(d), 0);
    if (pg_decision_breach_notifiable(d) != s->want_breach)
        fail_msg("%s: breach_notifiable %d", s->name, pg_decision_breach_notifiable(d));
}

/* test_scenarios - every row, and every consent row as a pair */
static void test_scenarios(void **state)
{
    pg_policy *plain = th_policy(NULL), *with_exc = th_policy(exceptions_yaml);

    (void)state;
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        const scenario *s = &scenarios[i];
        const pg_policy *p = s->exceptions ? with_exc : plain;
        pg_envelope env = envelope(s);
        pg_decision *d = th_decide(p, &s->m, NULL, &env);
        check_row(s, d);
        assert_false(pg_decision_consent_claimed(d));
        if (s->consent) {
            pg_decision *dc = th_decide(p, &s->m, s->consent, &env);
            same_decision(s->name, d, dc);
            if (!pg_decision_consent_claimed(dc))
                fail_msg("%s: consent phrase not recorded", s->name);
            pg_decision_free(dc);
        }
        pg_decision_free(d);
    }
    pg_policy_free(plain);
    pg_policy_free(with_exc);
}

/* test_enough_rows - the issue asks for 30 scenarios and consent pairs */
static void test_enough_rows(void **state)
{
    size_t pairs = 0;

    (void)state;
    for (size_t i = 0; i < N_SCENARIOS; i++)
        pairs += scenarios[i].consent != NULL;
    assert_true(N_SCENARIOS >= 30);
    assert_true(pairs >= 8);
}

/* test_expired_is_said - an expired exception shows up in the JSON */
static void test_expired_is_said(void **state)
{
    pg_policy *p = th_policy(exceptions_yaml);
    const char *rcpt[] = {"it@vendor.example"};
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .sender = "ops@example.com",
                       .recipients = rcpt, .n_recipients = 1, .now = NOW};
    th_msg m = {.segs = {BODY("card " CARD "\n")}, .finds = {F(CREDIT_CARD, CARD, 0)}};
    pg_decision *d = th_decide(p, &m, NULL, &env);
    json_t *j = pg_decision_to_json(d);
    json_t *x = json_array_get(json_object_get(j, "exceptions"), 0);

    (void)state;
    assert_non_null(x);
    assert_string_equal(json_string_value(json_object_get(x, "id")), "old-vendor");
    assert_string_equal(json_string_value(json_object_get(x, "status")), "expired, ignored");
    json_decref(j);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_exception_reason - the lowered rule says by which exception */
static void test_exception_reason(void **state)
{
    pg_policy *p = th_policy(exceptions_yaml);
    const char *rcpt[] = {"ops@bank.example"};
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .sender = "payroll@example.com",
                       .recipients = rcpt, .n_recipients = 1, .now = NOW};
    th_msg m = {.segs = {BODY("IBAN " IBAN "\n")}, .finds = {F(IBAN_CODE, IBAN, 0)}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_non_null(strstr(pg_decision_rule_at(d, 0)->reason,
                           "lowered to secure by exception 'payroll-bank'"));
    pg_decision_free(d);
    /* The same exception, a year after it ended. */
    env.now = 1924992000 + 86400 * 400;
    d = th_decide(p, &m, NULL, &env);
    assert_int_equal(pg_decision_action(d), PG_ACT_REJECT);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_reason_words - "2 validated US_SSN in body, 1 in quoted text" */
static void test_reason_words(void **state)
{
    pg_policy *p = th_policy(NULL);
    const char *rcpt[] = {EXT};
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {BODY("a " SSN " b " SSN2 "\n> c 456-78-9012\n")},
                .finds = {F(US_SSN, SSN, 0), F(US_SSN, SSN2, 0), F(US_SSN, "456-78-9012", 0)}};
    pg_decision *d = th_decide(p, &m, NULL, &env);
    const char *reason = NULL;

    (void)state;
    for (size_t i = 0; i < pg_decision_rule_count(d); i++)
        if (strcmp(pg_decision_rule_at(d, i)->id, "high-risk-external") == 0)
            reason = pg_decision_rule_at(d, i)->reason;
    assert_non_null(reason);
    assert_non_null(strstr(reason, "2 validated US_SSN in body"));
    assert_null(strstr(reason, "quoted"));
    assert_int_equal(pg_decision_count(d, PG_ENT_US_SSN), 3);
    assert_int_equal(pg_decision_records(d), 3);
    assert_true(pg_decision_exposure(d) == 3 * 183.0);
    pg_decision_free(d);
    pg_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enough_rows),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_expired_is_said),
        cmocka_unit_test(test_exception_reason),
        cmocka_unit_test(test_reason_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
