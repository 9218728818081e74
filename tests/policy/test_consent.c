/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_consent.c - which texts claim consent, and which do not.
 *
 * Each row is the sender's text (with one SSN, so that there is something
 * to decide about) and whether consent_claimed must be set. Variants of
 * case, apostrophes, blanks and punctuation match; quoted text, attachment
 * text and words that merely contain a phrase do not. The action is the
 * same in every row: that is the point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_helpers.h"

#define SSN "212-56-7890"

typedef struct consent_case {
    const char *text;
    bool claimed;
} consent_case;

static const consent_case cases[] = {
    {"you said it's ok, so: " SSN, true},
    {"YOU SAID IT'S OK: " SSN, true},
    {"You said it\xE2\x80\x99s OK: " SSN, true},      /* right single quote */
    {"You said it\xCA\xBCs okay: " SSN, true},        /* modifier apostrophe */
    {"you said its ok " SSN, true},
    {"you said it`s ok " SSN, true},
    {"you  said\n  it's\tok " SSN, true},
    {"you said it\xC2\xA0is... no; you said it's fine " SSN, true},
    {"As discussed, here is your SSN " SSN, true},
    {"as discussed here is your ssn " SSN, true},
    {"Per your permission: " SSN, true},
    {"since you sent it to us, " SSN, true},
    {"You asked me to send it: " SSN, true},
    {"with your consent. " SSN, true},
    {"You authorised this. " SSN, true},
    {"at your request " SSN, true},
    {"You gave permission! " SSN, true},
    {"as you re\xE2\x80\x8Bquested " SSN, true},      /* zero-width space */
    {"As the customer requested, " SSN, true},        /* the policy's extra phrase */
    {"Here it is: " SSN, false},
    {"the alias you requested is ready " SSN, false}, /* 'alias' is not 'as' */
    {"you said it is not ok " SSN, false},
    {"yousaid it's ok " SSN, false},
    {"with your consents " SSN, false},
    {"> as you requested\nhere: " SSN, false},        /* the customer's words */
};

static const char *const rcpt[] = {"cust@gmail.example"};

/* test_cases - each text, claimed or not, and the action never moves */
static void test_cases(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_CHAT, .recipients = rcpt, .n_recipients = 1};

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        th_msg m = {.segs = {{"chat", PG_SEG_CHAT, cases[i].text, false}},
                    .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};
        pg_decision *d = th_decide(p, &m, NULL, &env);
        if (pg_decision_consent_claimed(d) != cases[i].claimed)
            fail_msg("'%s': consent_claimed %d", cases[i].text,
                     pg_decision_consent_claimed(d));
        assert_int_equal(pg_decision_action(d), PG_ACT_REJECT);
        pg_decision_free(d);
    }
    pg_policy_free(p);
}

/* test_attachment_words_do_not_count - only the sender's own words */
static void test_attachment_words_do_not_count(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"1", PG_SEG_TEXT, "Attached.\n", false},
                         {"2/attachment:letter.txt", PG_SEG_ATTACHMENT,
                          "As you requested, your SSN is " SSN "\n", true}},
                .finds = {{PG_ENT_US_SSN, SSN, 1, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_false(pg_decision_consent_claimed(d));
    assert_int_equal(pg_decision_action(d), PG_ACT_REJECT);
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_html_and_subject - HTML bodies and the subject are the sender's too */
static void test_html_and_subject(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"header:subject", PG_SEG_HEADER, "Re: as requested by you", false},
                         {"1", PG_SEG_HTML, "SSN " SSN, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 1, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_true(pg_decision_consent_claimed(d));
    assert_string_equal(pg_decision_consent_phrase(d), "as requested by you");
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_display_name_does_not_count - a name is not the sender's words */
static void test_display_name_does_not_count(void **state)
{
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_EMAIL, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"header:to", PG_SEG_HEADER, "As You Requested Ltd", false},
                         {"1", PG_SEG_TEXT, "SSN " SSN, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 1, 0, false}}};
    pg_decision *d = th_decide(p, &m, NULL, &env);

    (void)state;
    assert_false(pg_decision_consent_claimed(d));
    pg_decision_free(d);
    pg_policy_free(p);
}

/* test_bounded - a phrase past the scan bound is not looked for */
static void test_bounded(void **state)
{
    static char text[8192];
    pg_policy *p = th_policy(NULL);
    pg_envelope env = {.channel = PG_CHAN_CHAT, .recipients = rcpt, .n_recipients = 1};
    th_msg m = {.segs = {{"chat", PG_SEG_CHAT, text, false}},
                .finds = {{PG_ENT_US_SSN, SSN, 0, 0, false}}};

    (void)state;
    memset(text, 'x', 4000);
    snprintf(text + 4000, sizeof(text) - 4000, " as you requested " SSN);
    pg_decision *d = th_decide(p, &m, NULL, &env);
    assert_false(pg_decision_consent_claimed(d));
    assert_int_equal(pg_decision_action(d), PG_ACT_REJECT);
    pg_decision_free(d);
    pg_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_attachment_words_do_not_count),
        cmocka_unit_test(test_html_and_subject),
        cmocka_unit_test(test_display_name_does_not_count),
        cmocka_unit_test(test_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
