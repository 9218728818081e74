/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_person.c - PERSON, case by case: what the given-name dictionary,
 * the surname endings and the cues must find (with the exact span), and
 * the capitalised words they must leave alone (weekdays in mail headers,
 * words that are also names, streets and firms named after people).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "engine_fixture.h"

typedef struct people {
    size_t n, start[8], end[8];
} people;

/* on_finding - collect PERSON spans */
static int on_finding(const pg_finding *f, void *payload)
{
    people *p = payload;

    if (f->entity == PG_ENT_PERSON && p->n < 8) {
        p->start[p->n] = f->start;
        p->end[p->n++] = f->end;
    }
    return 0;
}

/* people_in - the PERSON findings of a text */
static people people_in(const engine_fixture *fx, const char *text)
{
    people p = {0, {0}, {0}};

    assert_int_equal(pg_engine_scan(fx->engine, fx->scratch, text, strlen(text), on_finding, &p),
                     0);
    return p;
}

static const struct {
    const char *name, *text, *value; /* value: the exact bytes of the one finding */
} found[] = {
    {"given and surname", "I spoke to Maria Lindqvist about it.", "Maria Lindqvist"},
    {"middle initial", "Signed by Richard M. Nixon today", "Richard M. Nixon"},
    {"particles", "Ask Ludwig van der Berg first.", "Ludwig van der Berg"},
    {"suffix", "Our founder Kevin Walker Jr. retired.", "Kevin Walker Jr."},
    {"accented", "Zoltán Kovács will call.", "Zoltán Kovács"},
    {"hyphenated given name", "Meeting with Ji-ho Park at noon.", "Ji-ho Park"},
    {"hyphen joins a second name", "and Anna-Lena Berg too", "Anna-Lena Berg"},
    {"place word that is a surname", "Anna Hill called.", "Anna Hill"},
    {"given name alone", "Why is Katrine so quiet?", "Katrine"},
    {"surname ending after unknown given", "Brunhold Magnusson signed.", "Brunhold Magnusson"},
    {"surname ending alone", "The file went to Petrossian and Andersson.", "Andersson"},
    {"initial before ending", "as Erlendur G. Hafliðason wrote", "Erlendur G. Hafliðason"},
    {"title cue", "They call me Mr. Mayers", "Mayers"},
    {"salutation cue", "Dear Tomasz Nowak,\nthanks", "Tomasz Nowak"},
    {"sign-off cue", "Thanks again.\n\nKind regards,\nPriya Raman\n", "Priya Raman"},
};

static const char *const not_found[] = {
    "Date: Thu, 22 Aug 2002 10:30:00 +0100",
    "May I ask you something?",
    "Will you be there on Monday?",
    "The Paris office is closed in August.",
    "Our office is at 1317 Kimberly Way, Laidlaw.",
    "Meet me at the corner of Kuusiku 7 and Mathias Pass.",
    "Wolfram Research is a software company.",
    "Awarded Salesperson of the Month three times.",
    "Season tickets and Reason magazine",
    "Hello I moved, please update my address.",
    "The SAdev list is quiet.",
};

/* test_found - every name found with its exact span */
static void test_found(void **state)
{
    const engine_fixture *fx = *state;

    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
        people p = people_in(fx, found[i].text);
        const char *at = strstr(found[i].text, found[i].value);
        if (p.n != 1)
            fail_msg("%s: %zu findings, want 1", found[i].name, p.n);
        if (p.start[0] != (size_t)(at - found[i].text) ||
            p.end[0] - p.start[0] != strlen(found[i].value))
            fail_msg("%s: span %zu-%zu, want '%s'", found[i].name, p.start[0], p.end[0],
                     found[i].value);
    }
}

/* test_not_found - capitalised words that are no one's name */
static void test_not_found(void **state)
{
    const engine_fixture *fx = *state;

    for (size_t i = 0; i < sizeof not_found / sizeof not_found[0]; i++) {
        people p = people_in(fx, not_found[i]);
        if (p.n)
            fail_msg("'%s': PERSON at %zu-%zu", not_found[i], p.start[0], p.end[0]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),
        cmocka_unit_test(test_not_found),
    };
    return cmocka_run_group_tests(tests, engine_fixture_setup, engine_fixture_teardown);
}
