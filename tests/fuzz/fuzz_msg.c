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
    pg_msg_free(fuzz_parse_scan((const char *)data, size));
    return 0;
}
