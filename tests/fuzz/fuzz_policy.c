/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_policy.c - libFuzzer target: any bytes as a policy file. Loading
 * either succeeds or fails with a FILE:LINE message; nothing in between.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "piiguard/pg_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_policy *p = NULL;
    int rc = pg_policy_load_buffer(&p, (const char *)data, size, "fuzz.yaml");

    if (rc == 0) {
        if (!p)
            abort();
        pg_policy_free(p);
    } else if (strncmp(pg_error_last(), "fuzz.yaml", 9) != 0 && rc != PG_ENOMEM) {
        abort(); /* every load error must name the file (and line) */
    }
    return 0;
}
