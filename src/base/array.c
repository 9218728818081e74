/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * array.c - the one doubling-array helper, so that every growable array in
 * piiguard checks its size arithmetic the same way (SQLite's habit: check
 * before allocating, never after).
 */
#include <stdint.h>
#include <stdlib.h>

#include "piiguard/pg_base.h"

/* pg_array_grow - make room for need elements, doubling */
int pg_array_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap = *cap ? *cap : 8;

    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return PG_ENOMEM;
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem)
        return PG_ENOMEM;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return PG_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}
