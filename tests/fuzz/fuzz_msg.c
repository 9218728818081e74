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

#include "piiguard/pg_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_msg - the invariants every parsed message keeps */
static void check_msg(const pg_msg *m)
{
    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        if (!s->path || !s->text || s->text[s->len] != '\0')
            abort();
        for (size_t q = 0; q < s->n_quoted; q++)
            if (s->quoted[q].start > s->quoted[q].end || s->quoted[q].end > s->len)
                abort();
    }
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->segment >= pg_msg_segment_count(m) ||
            f->f.end > pg_msg_segment(m, f->segment)->len)
            abort();
    }
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++)
        if (!pg_msg_uninspectable_at(m, i)->reason)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pg_engine *engine;
    static pg_scratch *scratch;
    pg_msg_limits lim;
    pg_msg *m = NULL;

    if (!engine && (pg_engine_new(&engine, NULL) < 0 || pg_scratch_new(&scratch, engine) < 0))
        abort();
    pg_msg_limits_init(&lim);
    lim.isolate_extractors = false;
    lim.max_decoded_bytes = 8u << 20;
    if (pg_msg_parse(&m, (const char *)data, size, &lim) < 0)
        return 0;
    if (pg_msg_scan(m, engine, scratch) < 0)
        abort();
    check_msg(m);
    pg_msg_free(m);
    return 0;
}
