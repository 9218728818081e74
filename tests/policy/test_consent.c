/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_consent.c - which texts claim consent, and which do not.
 *
 * Each row is the sender's text (with one SSN, so that there is something
 * to decide about) and whether consent_claimed must be set. Variants of
 * case, apostrophes, blanks and punctuation match; quoted text, attachment
 * text and words that merely contain a phrase do not. The action is the
 * same in every row: that is the point.
 *
 * The scan skips words that start no phrase; test_skip_is_walk compares
 * it with a walk of every byte over generated texts built to hit the
 * skip's edges (apostrophes and UTF-8 inside and before words, phrases
 * that start with a digit, a one-letter word or a non-ASCII letter,
 * first letters whose second byte is a blank, a mark or the run's end,
 * runs that end mid-word, the 2 KiB bound).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_helpers.h"
#include "policy/policy_internal.h"

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

/* Pieces of generated text: phrase words, near misses, every kind of
 * separator the normaliser knows, and bytes that are not text at all. */
static const char *const pieces[] = {
    "you", "said", "it's", "it\xE2\x80\x99s", "its", "ok", "okay", "as", "requested",
    "the", "customer", "client", "agreed", "per", "your", "request", "with",
    "consent", "at", "since", "to", "us", "that", "them", "a", "ok!", "2nd",
    "\xC3\xBC" "ber", "cust\xE2\x80\x8Bomer", "'you", "`as", "Y", "OU", "AS",
    " ", "  ", "\t", "\n", ",", ". ", "-", "'", "`", "\xC2\xA0", "\xE2\x80\x94",
    "\xE2\x80\x8B", "\xEF\xBB\xBF", "\xC3\xA9", "\xFF", "\xE2\x80", "7", "1234",
    "\n> you said it's ok\n", "xyzzy", "Thanks for getting back to us about the",
    "you said it's ok", "AS YOU  REQUESTED", "as you re\xE2\x80\x8Bquested",
    "the customer\xC2\xA0" "agreed", "2nd request ok", "a ok by them",
    "\xC3\xBC" "ber ok with it", "as you request", "you said it\xE2\x80\x99s okay",
    "golf ok", "customers ok", "customer", "customers", "them okay", "mike", "Kilo OK",
    "yo'u said it's ok", "th\xE2\x80\x8B" "e customer agreed", "a`s you requested",
    /* first letters whose second byte ends, continues or hides the word */
    "t", "y", "tq", "ax", "ya", "a'", "t\xE2\x80\x99he", "y\xC3\xA9", "w-", "c7",
};

/* next_rand - xorshift32: the same texts on every run */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* gen_text - up to cap - 1 bytes of pieces, sometimes blank-separated */
static size_t gen_text(char *buf, size_t cap, uint32_t *x)
{
    size_t n = 0, want = next_rand(x) % (next_rand(x) % 8 ? 120 : cap);

    while (n < want) {
        const char *p = pieces[next_rand(x) % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t len = strlen(p);
        if (n + len + 2 >= cap)
            break;
        memcpy(buf + n, p, len);
        n += len;
        if (next_rand(x) % 3)
            buf[n++] = ' ';
    }
    buf[n] = '\0';
    return n;
}

/* compare - consent_find and consent_find_walk agree on 20,000 texts;
 * how many claim consent */
static unsigned compare(const pg_policy *p, uint32_t seed)
{
    static char text[3200];
    uint32_t x = seed;
    unsigned found = 0;

    for (int i = 0; i < 20000; i++) {
        size_t n = gen_text(text, sizeof(text), &x);
        th_msg m = {.segs = {{"chat", PG_SEG_CHAT, text, false}}};
        pg_msg *msg = th_build(&m, NULL);
        const char *skip = consent_find(p->consent, msg);
        const char *walk = consent_find_walk(p->consent, msg);
        if (skip != walk)
            fail_msg("text %d (%zu bytes): skip found '%s', walk '%s'", i, n,
                     skip ? skip : "-", walk ? walk : "-");
        found += walk != NULL;
        pg_msg_free(msg);
    }
    print_message("%u of 20000 texts claim consent\n", found);
    return found;
}

/* test_skip_is_walk - skipping words finds what a walk of every byte
 * finds: with configured phrases that start with a digit, a one-letter
 * word and a letter outside ASCII; with a long first word; with many */
static void test_skip_is_walk(void **state)
{
    static const char *const extra[] = {
        "\"2nd request ok\", \"a ok by them\", \"\xC3\xBC" "ber ok with it\"",
        "\"customers ok\", \"them okay\", \"golf ok\"",
        "\"2nd request ok\", \"a ok by them\", \"alpha ok\", \"bravo ok\", "
        "\"delta ok\", \"echo ok\", \"foxtrot ok\", \"golf ok\", \"hotel ok\", "
        "\"india ok\", \"juliet ok\", \"kilo ok\", \"lima ok\", \"mike ok\", "
        "\"them okay\", \"customers ok\"",
    };
    char yaml[1024];

    (void)state;
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
        pg_policy *p = NULL;
        snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - {id: all, action: "
                 "reject}\nconsent:\n  extra_phrases: [%s]\n", extra[i]);
        if (th_policy_string(&p, yaml) < 0)
            fail_msg("%s", pg_error_last());
        unsigned found = compare(p, 2463534242u + (uint32_t)i);
        /* The texts must exercise both outcomes. */
        assert_true(found > 1000 && found < 19000);
        pg_policy_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_attachment_words_do_not_count),
        cmocka_unit_test(test_html_and_subject),
        cmocka_unit_test(test_display_name_does_not_count),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_skip_is_walk),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
