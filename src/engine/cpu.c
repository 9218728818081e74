/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cpu.c - which instruction set the first passes may use.
 *
 * The build targets baseline x86-64 (SSE2), as Debian's packages do, so
 * wider code is compiled per function (target attributes) and chosen at
 * run time, once per engine: the engine is immutable afterwards, so every
 * thread scanning with it takes the same path.
 *
 * PIIGUARD_ISA=scalar|sse2|avx2 caps the choice. It exists so that the
 * narrower paths can be tested and measured on a machine that has the
 * wider ones; it can only lower the level, never raise it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

/* cap_from_env - the level PIIGUARD_ISA allows (AVX-512 when unset) */
static unsigned cap_from_env(void)
{
    const char *v = getenv("PIIGUARD_ISA");

    if (!v || !*v)
        return ENGINE_ISA_AVX512;
    if (strcmp(v, "scalar") == 0)
        return ENGINE_ISA_SCALAR;
    if (strcmp(v, "sse2") == 0)
        return ENGINE_ISA_SSE2;
    if (strcmp(v, "avx2") == 0)
        return ENGINE_ISA_AVX2;
    return ENGINE_ISA_AVX512;
}

/* engine_cpu_isa - the best instruction set this CPU and build have */
unsigned engine_cpu_isa(void)
{
    unsigned isa = ENGINE_ISA_SCALAR;

#if defined(__SSE2__)
    isa = ENGINE_ISA_SSE2;
#endif
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        isa = ENGINE_ISA_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        isa = ENGINE_ISA_AVX512;
#endif
    unsigned cap = cap_from_env();
    return isa < cap ? isa : cap;
}
