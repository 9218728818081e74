/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_engine.c - the detection engine, end to end on short texts.
 *
 * Tables of named cases: what must be found (with its exact span), what
 * must not (hard negatives), and what evasion must not hide. Plus the
 * edges: invalid UTF-8, NUL bytes, empty input, offsets mapped back to the
 * original bytes, and a match straddling a stream chunk boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "piiguard/pg_engine.h"
#include "piiguard/pg_limits.h"

typedef struct hit {
    pg_entity e;
    size_t start, end;
    float score;
} hit;

typedef struct hits {
    hit h[64];
    size_t n;
} hits;

static int collect(const pg_finding *f, void *payload)
{
    hits *hs = payload;
    if (hs->n < 64)
        hs->h[hs->n++] = (hit){f->entity, f->start, f->end, f->score};
    return 0;
}

static pg_engine *engine;
static pg_scratch *scratch;

static int setup(void **state)
{
    (void)state;
    if (pg_engine_new(&engine, NULL) < 0 || pg_scratch_new(&scratch, engine) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pg_scratch_free(scratch);
    pg_engine_free(engine);
    return 0;
}

static hits scan(const char *text, size_t len)
{
    hits hs = {.n = 0};
    assert_int_equal(pg_engine_scan(engine, scratch, text, len, collect, &hs), 0);
    return hs;
}

/* find - the finding of entity e, or NULL */
static const hit *find(const hits *hs, pg_entity e)
{
    for (size_t i = 0; i < hs->n; i++)
        if (hs->h[i].e == e)
            return &hs->h[i];
    return NULL;
}

struct pos_case {
    const char *name;
    const char *text;
    pg_entity entity;
    const char *value; /* the exact bytes the finding must cover */
};

static const struct pos_case positives[] = {
    {"ssn dashed with context", "Your SSN is 536-22-1234.", PG_ENT_US_SSN, "536-22-1234"},
    {"ssn dashed bare", "ref 536-22-1234 ok", PG_ENT_US_SSN, "536-22-1234"},
    {"ssn bare with context", "social security number 536221234", PG_ENT_US_SSN, "536221234"},
    {"itin", "ITIN 912-78-1234", PG_ENT_US_ITIN, "912-78-1234"},
    {"visa spaced", "card 4111 1111 1111 1111 exp 12/29", PG_ENT_CREDIT_CARD, "4111 1111 1111 1111"},
    {"visa dashed", "4111-1111-1111-1111", PG_ENT_CREDIT_CARD, "4111-1111-1111-1111"},
    {"amex 4-6-5", "Amex 3782 822463 10005", PG_ENT_CREDIT_CARD, "3782 822463 10005"},
    {"mastercard compact", "mc 5555555555554444.", PG_ENT_CREDIT_CARD, "5555555555554444"},
    {"iban grouped", "IBAN: DE89 3704 0044 0532 0130 00", PG_ENT_IBAN_CODE, "DE89 3704 0044 0532 0130 00"},
    {"iban compact lower", "gb82west12345698765432", PG_ENT_IBAN_CODE, "gb82west12345698765432"},
    {"iban letters group", "GB82 WEST 1234 5698 7654 32", PG_ENT_IBAN_CODE, "GB82 WEST 1234 5698 7654 32"},
    {"aba with context", "routing number 121000358", PG_ENT_ABA_ROUTING_NUMBER, "121000358"},
    {"bank account with context", "bank account number 12345678901", PG_ENT_US_BANK_NUMBER, "12345678901"},
    {"swift", "SWIFT code: DEUTDEFF500", PG_ENT_SWIFT_CODE, "DEUTDEFF500"},
    {"email", "write to jane.doe+x@mail.example.co.uk today", PG_ENT_EMAIL_ADDRESS, "jane.doe+x@mail.example.co.uk"},
    {"email punycode tld", "mail ivan@example.xn--p1ai today", PG_ENT_EMAIL_ADDRESS, "ivan@example.xn--p1ai"},
    {"email idn", "\xd0\xbf\xd0\xb8\xd1\x88\xd0\xb8 ivan@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84, ok",
     PG_ENT_EMAIL_ADDRESS, "ivan@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84"},
    {"email utf8 local part", "to jos\xc3\xa9@correo.es", PG_ENT_EMAIL_ADDRESS, "jos\xc3\xa9@correo.es"},
    {"email in curly quotes", "to \xe2\x80\x9c" "ann@example.com\xe2\x80\x9d now", PG_ENT_EMAIL_ADDRESS, "ann@example.com"},
    {"phone nanp parens", "call (212) 555-0147 now", PG_ENT_PHONE_NUMBER, "(212) 555-0147"},
    {"phone intl", "mobile +44 20 7946 0958", PG_ENT_PHONE_NUMBER, "+44 20 7946 0958"},
    {"ipv4", "from 203.0.113.77 at", PG_ENT_IP_ADDRESS, "203.0.113.77"},
    {"ipv6", "addr 2001:db8::8a2e:370:7334 seen", PG_ENT_IP_ADDRESS, "2001:db8::8a2e:370:7334"},
    {"dob numeric", "DOB: 03/04/1985", PG_ENT_DATE_OF_BIRTH, "03/04/1985"},
    {"dob worded", "she was born March 3, 1985 in Ohio", PG_ENT_DATE_OF_BIRTH, "March 3, 1985"},
    {"dob label clusters with the day", "DOB 19 November 1946", PG_ENT_DATE_OF_BIRTH, "19 November 1946"},
    {"person salutation", "Dear Maria Gonzalez,\nthanks", PG_ENT_PERSON, "Maria Gonzalez"},
    {"person signoff", "Kind regards,\nPeter Miller\n", PG_ENT_PERSON, "Peter Miller"},
    {"password", "your password: Tr0ub4dor&3 works", PG_ENT_PASSWORD, "Tr0ub4dor&3"},
    {"pin", "the PIN is 4821.", PG_ENT_PIN, "4821"},
    {"aws key", "key AKIAIOSFODNN7EXAMPLE here", PG_ENT_API_TOKEN, "AKIAIOSFODNN7EXAMPLE"},
    {"github token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", PG_ENT_API_TOKEN, "ghp_abcdefghijklmnopqrstuvwxyz0123456789"},
    {"uk nino", "NI number AB 12 34 56 C", PG_ENT_UK_NINO, "AB 12 34 56 C"},
    {"uk nhs", "NHS number 943 476 5919", PG_ENT_UK_NHS, "943 476 5919"},
    {"ca sin", "SIN 130 692 544", PG_ENT_CA_SIN, "130 692 544"},
    {"in aadhaar", "Aadhaar 2345 6789 0124", PG_ENT_IN_AADHAAR, NULL},
    {"in pan", "PAN ABCPE1234F", PG_ENT_IN_PAN, NULL},
    {"es nie", "NIE X1234567L", PG_ENT_ES_NIE, "X1234567L"},
    {"es nif", "DNI 12345678Z", PG_ENT_ES_NIF, "12345678Z"},
    {"it fiscal", "codice fiscale RSSMRA85T10A562S", PG_ENT_IT_FISCAL_CODE, "RSSMRA85T10A562S"},
    {"fi hetu", "hetu 131052-308T", PG_ENT_FI_PERSONAL_IDENTITY_CODE, "131052-308T"},
    {"br cpf", "CPF 111.444.777-35", PG_ENT_BR_CPF, "111.444.777-35"},
    {"us mbi", "Medicare MBI 1EG4-TE5-MK73", PG_ENT_US_MBI, "1EG4-TE5-MK73"},
    {"bitcoin", "send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now", PG_ENT_CRYPTO,
     "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"},
    {"pwd label", "pwd: s3cret!x", PG_ENT_PASSWORD, "s3cret!x"},
    {"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----",
     PG_ENT_PRIVATE_KEY, NULL},
};

static void test_positives(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(positives) / sizeof(positives[0]); i++) {
        const struct pos_case *c = &positives[i];
        hits hs = scan(c->text, strlen(c->text));
        const hit *h = find(&hs, c->entity);
        if (!h)
            fail_msg("%s: %s not found", c->name, pg_entity_name(c->entity));
        if (c->value) {
            const char *at = strstr(c->text, c->value);
            if ((size_t)(at - c->text) != h->start || h->end - h->start != strlen(c->value))
                fail_msg("%s: span %zu-%zu, want '%s'", c->name, h->start, h->end, c->value);
        }
        assert_true(h->score >= PG_ENGINE_DEFAULT_MIN_SCORE);
    }
}

static const char *const negatives[] = {
    "order number 4111111111111112 shipped",          /* Luhn-invalid */
    "tracking 1Z999AA10123456784",
    "invoice INV-2024-00123, ticket #48213, case 00123456",
    "ISBN 978-3-16-148410-0",
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "timestamp 2024-05-01T10:30:00Z and 1700000000",
    "release v1.2.3.4 and version 10.2.0.1",
    "total $1,234.56 or EUR 99.90",
    "meeting on 03/04/1985 at noon",                   /* a date, no DOB word */
    "SSN 000-12-3456",                                 /* area 000 */
    "SSN 666-12-3456",                                 /* area 666 */
    "number 912-34-5678",                              /* 9xx: ITIN space, bad group */
    "bare 536221234 number",                           /* 9 digits, no context */
    "the password reset link expired",
};

static void test_hard_negatives(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(negatives) / sizeof(negatives[0]); i++) {
        hits hs = scan(negatives[i], strlen(negatives[i]));
        for (size_t k = 0; k < hs.n; k++)
            if (hs.h[k].e != PG_ENT_PERSON)
                fail_msg("'%s': unexpected %s at %zu-%zu", negatives[i],
                         pg_entity_name(hs.h[k].e), hs.h[k].start, hs.h[k].end);
    }
}

struct evasion_case {
    const char *name;
    const char *text;
    const char *value; /* original bytes the finding must cover */
};

static const struct evasion_case evasions[] = {
    {"full-width digits", "SSN \xef\xbc\x95\xef\xbc\x93\xef\xbc\x96-22-1234",
     "\xef\xbc\x95\xef\xbc\x93\xef\xbc\x96-22-1234"},
    {"zero-width spaces", "SSN 536\xe2\x80\x8b-22-\xe2\x80\x8b" "1234", "536\xe2\x80\x8b-22-\xe2\x80\x8b" "1234"},
    {"unicode dashes", "SSN 536\xe2\x80\x91" "22\xe2\x80\x94" "1234", "536\xe2\x80\x91" "22\xe2\x80\x94" "1234"},
    {"nbsp in card", "SSN 536\xc2\xa0" "22\xc2\xa0" "1234", "536\xc2\xa0" "22\xc2\xa0" "1234"},
    {"soft hyphen", "SSN 536-2\xc2\xad" "2-1234", "536-2\xc2\xad" "2-1234"},
};

static void test_evasion_offsets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(evasions) / sizeof(evasions[0]); i++) {
        const struct evasion_case *c = &evasions[i];
        hits hs = scan(c->text, strlen(c->text));
        const hit *h = find(&hs, PG_ENT_US_SSN);
        if (!h)
            fail_msg("%s: SSN not found", c->name);
        const char *at = strstr(c->text, c->value);
        if ((size_t)(at - c->text) != h->start || h->end - h->start != strlen(c->value))
            fail_msg("%s: span %zu-%zu, want %zu-%zu", c->name, h->start, h->end,
                     (size_t)(at - c->text), (size_t)(at - c->text) + strlen(c->value));
    }
}

static void test_bad_bytes(void **state)
{
    (void)state;
    static const char nul[] = "SSN\0" "536-22-1234\0" "card 4111 1111 1111 1111";
    hits hs = scan(nul, sizeof(nul) - 1);
    assert_non_null(find(&hs, PG_ENT_US_SSN));
    assert_non_null(find(&hs, PG_ENT_CREDIT_CARD));

    static const char bad[] = "SSN \xff\xfe 536-22-1234 \xc3\x28 4111 1111 1111 1111\xe2\x82";
    hs = scan(bad, sizeof(bad) - 1);
    assert_non_null(find(&hs, PG_ENT_US_SSN));
    assert_non_null(find(&hs, PG_ENT_CREDIT_CARD));

    /* invalid bytes separate: a number glued to garbage is still a number */
    static const char glued[] = "card\xff" "4111111111111111\xff";
    hs = scan(glued, sizeof(glued) - 1);
    assert_non_null(find(&hs, PG_ENT_CREDIT_CARD));

    hs = scan("", 0);
    assert_int_equal(hs.n, 0);
}

static int count_cb(const pg_finding *f, void *payload)
{
    (void)f;
    (*(size_t *)payload)++;
    return 0;
}

/* Work per byte stays bounded on long runs that put a trigger every few
 * bytes: hex digits (each digit asks whether an IPv6 address is near),
 * dotted digits, digit groups. A read that went to the end of the run
 * for every cluster took 12 s on a fuzzer's input, and 15 s of CPU on
 * 256 KB of hex digits. Linear, each run here takes under 0.1 s in a
 * release build and under 0.8 s under ASan at -O0, so 5 s is a wide
 * margin either way. */
static void test_linear_on_long_runs(void **state)
{
    (void)state;
    static const char *const units[] = {"a1b2c3d4e5f6", "1.2.", "12 34 ", "1-2-", "@a1"};
    const size_t len = 256u << 10;
    char *buf = malloc(len);
    pg_engine *e;
    pg_scratch *s;

    assert_non_null(buf);
    assert_int_equal(pg_engine_new(&e, NULL), 0);
    assert_int_equal(pg_scratch_new(&s, e), 0);
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t ul = strlen(units[u]), found = 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = units[u][i % ul];
        clock_t t0 = clock();
        assert_int_equal(pg_engine_scan(e, s, buf, len, count_cb, &found), 0);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        if (secs > 5.0)
            fail_msg("256 KB of \"%s\" took %.2f s of CPU", units[u], secs);
    }
    pg_scratch_free(s);
    pg_engine_free(e);
    free(buf);
}

/* A long digit-free text with one SSN placed across every chunk boundary. */
static void test_stream_straddle(void **state)
{
    (void)state;
    size_t len = PG_STREAM_CHUNK * 2 + 4096;
    char *buf = malloc(len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = "lorem ipsum dolor "[i % 18];
    const char *ssn = "SSN 536-22-1234 ";
    size_t boundary = PG_STREAM_CHUNK + PG_STREAM_OVERLAP; /* first window end */
    size_t at = boundary - 8;
    memcpy(buf + at, ssn, strlen(ssn));

    for (size_t piece = 1; piece <= 65536; piece *= 16) {
        hits hs = {.n = 0};
        pg_stream *st;
        assert_int_equal(pg_stream_new(&st, engine, collect, &hs), 0);
        for (size_t off = 0; off < len; off += piece)
            assert_int_equal(pg_stream_feed(st, buf + off, len - off < piece ? len - off : piece), 0);
        assert_int_equal(pg_stream_finish(st), 0);
        pg_stream_free(st);
        assert_int_equal(hs.n, 1);
        assert_int_equal(hs.h[0].e, PG_ENT_US_SSN);
        assert_int_equal(hs.h[0].start, at + 4);
        assert_int_equal(hs.h[0].end, at + 15);
    }
    free(buf);
}

static void test_entity_names(void **state)
{
    (void)state;
    pg_entity e;
    assert_true(PG_ENT_COUNT >= 40);
    for (unsigned i = 0; i < PG_ENT_COUNT; i++) {
        assert_int_equal(pg_entity_from_name(&e, pg_entity_name((pg_entity)i)), 0);
        assert_int_equal(e, i);
        assert_non_null(pg_entity_class_name(pg_entity_class_of((pg_entity)i)));
    }
    assert_int_equal(pg_entity_from_name(&e, "NOPE"), PG_ENOTFOUND);
}

static void test_context_words(void **state)
{
    (void)state;
    const char *t = "My social security number: 536-22-1234";
    hits hs = scan(t, strlen(t));
    assert_int_equal(hs.n, 1);
    assert_true(hs.h[0].score > 0.9f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positives),
        cmocka_unit_test(test_hard_negatives),
        cmocka_unit_test(test_evasion_offsets),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_linear_on_long_runs),
        cmocka_unit_test(test_stream_straddle),
        cmocka_unit_test(test_entity_names),
        cmocka_unit_test(test_context_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
