/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_accuracy_floor.c - the accuracy targets on Presidio's synthetic set
 * (PG_TESTDATA/presidio_synth_dataset_v2.json), so that they cannot
 * regress. Scored by tests/engine/accuracy_score.h, the same code as
 * bench/pg_accuracy (make accuracy), under its overlap rule.
 *
 * Targets: CREDIT_CARD, US_SSN, IBAN_CODE, EMAIL_ADDRESS precision and
 * recall >= 0.99; PHONE_NUMBER precision and recall >= 0.9; PERSON
 * F1 >= 0.75. All are met today (docs/accuracy.md has the figures).
 *
 * Also checks the invariants the PERSON sweep relies on: the given-name
 * dictionary is sorted, and the last-byte filter of the surname endings
 * covers every ending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACC_SCORE_IMPLEMENTATION
#include "accuracy_score.h"
#include "engine/words.h"

/* One floor: 0 means "not asserted". */
static const struct floor {
    pg_entity entity;
    double p, r, f1;
} floors[] = {
    {PG_ENT_CREDIT_CARD, 0.99, 0.99, 0},
    {PG_ENT_US_SSN, 0.99, 0.99, 0},
    {PG_ENT_IBAN_CODE, 0.99, 0.99, 0},
    {PG_ENT_EMAIL_ADDRESS, 0.99, 0.99, 0},
    {PG_ENT_PHONE_NUMBER, 0.9, 0.9, 0},
    {PG_ENT_PERSON, 0, 0, 0.75},
};

/* test_synth_floor - every floor holds on the synthetic set */
static void test_synth_floor(void **state)
{
    const char *dir = getenv("PG_TESTDATA");
    char path[4096];
    acc_table t = {0};
    pg_engine *e = NULL;
    pg_scratch *s = NULL;
    int bad = 0;

    (void)state;
    assert_non_null(dir);
    snprintf(path, sizeof path, "%s/presidio_synth_dataset_v2.json", dir);
    assert_int_equal(pg_engine_new(&e, NULL), 0);
    assert_int_equal(pg_scratch_new(&s, e), 0);
    if (acc_score_json_file(&t, s, e, path) != 0)
        fail_msg("%s: %s", path, pg_error_last());
    acc_print(&t, "Presidio synthetic set", stdout);
    for (size_t i = 0; i < sizeof floors / sizeof floors[0]; i++) {
        const struct floor *f = &floors[i];
        acc_prf m = acc_overlap(&t.c[f->entity]);
        if (m.p < f->p || m.r < f->r || m.f1 < f->f1) {
            printf("below the floor: %s P %.3f R %.3f F1 %.3f (want %.2f/%.2f/%.2f)\n",
                   pg_entity_name(f->entity), m.p, m.r, m.f1, f->p, f->r, f->f1);
            bad++;
        }
    }
    pg_scratch_free(s);
    pg_engine_free(e);
    assert_int_equal(bad, 0);
}

/* test_names_sorted - the dictionary is in strcmp order, no duplicates */
static void test_names_sorted(void **state)
{
    (void)state;
    assert_true(engine_n_given_names > 1000);
    for (size_t i = 1; i < engine_n_given_names; i++)
        if (strcmp(engine_given_names[i - 1], engine_given_names[i]) >= 0)
            fail_msg("names.c out of order: %s before %s", engine_given_names[i - 1],
                     engine_given_names[i]);
}

/* test_endings_filter - every ending's recorded length is its length
 * (recog_person.c's filter keys on the last two bytes) */
static void test_endings_filter(void **state)
{
    (void)state;
    for (size_t i = 0; i < engine_n_surname_endings; i++) {
        const surname_ending *se = &engine_surname_endings[i];
        assert_int_equal(strlen(se->ending), se->len);
        assert_true(se->len >= 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synth_floor),
        cmocka_unit_test(test_names_sorted),
        cmocka_unit_test(test_endings_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
