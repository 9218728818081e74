/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_msg.c - libFuzzer target: any bytes as an RFC 5322 message through
 * pg_msg_parse and pg_msg_scan, extractors in-process (a fork per input
 * would hide crashes from the fuzzer and cost a process per run). Every
 * segment must be NUL-terminated at its length, every finding inside its
 * segment, every quoted range inside its text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_engine *engine;
    pg_scratch *scratch;
    pg_msg_limits lim;
    pg_msg *m = NULL;

    fuzz_engine(&engine, &scratch);
    fuzz_limits(&lim);
    if (pg_msg_parse(&m, (const char *)data, size, &lim) < 0)
        return 0;
    if (pg_msg_scan(m, engine, scratch) < 0)
        abort();
    fuzz_check_msg(m, NULL);
    pg_msg_free(m);
    return 0;
}
