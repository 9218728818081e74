/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_fixture.h - a cmocka group fixture: one engine with default
 * options and its scratch, handed to every test through *state.
 * Defined in helper_engine_fixture.c, linked into every engine test.
 */
#ifndef PIIGUARD_TESTS_ENGINE_FIXTURE_H
#define PIIGUARD_TESTS_ENGINE_FIXTURE_H

#include "piiguard/pg_engine.h"

typedef struct engine_fixture {
    pg_engine *engine;
    pg_scratch *scratch;
} engine_fixture;

/* Group setup: compile the engine into a new fixture at *state. */
int engine_fixture_setup(void **state);

/* Group teardown: free the fixture at *state. */
int engine_fixture_teardown(void **state);

#endif /* PIIGUARD_TESTS_ENGINE_FIXTURE_H */
