/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper_engine_fixture.c - the engine group fixture of engine_fixture.h.
 */
#include <stdlib.h>

#include "engine_fixture.h"

/* engine_fixture_setup - an engine with defaults and its scratch */
int engine_fixture_setup(void **state)
{
    engine_fixture *fx = calloc(1, sizeof(*fx));

    if (!fx || pg_engine_new(&fx->engine, NULL) < 0 ||
        pg_scratch_new(&fx->scratch, fx->engine) < 0) {
        if (fx)
            pg_engine_free(fx->engine);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

/* engine_fixture_teardown - free what engine_fixture_setup made */
int engine_fixture_teardown(void **state)
{
    engine_fixture *fx = *state;

    if (fx) {
        pg_scratch_free(fx->scratch);
        pg_engine_free(fx->engine);
        free(fx);
    }
    return 0;
}
