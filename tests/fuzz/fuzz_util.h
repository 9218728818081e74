/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_util.h - what the message-level fuzz targets share: one engine per
 * process, limits for in-process extraction, and the invariants every
 * parsed (or extracted) and scanned message keeps. Header-only: each
 * tests/fuzz/fuzz_*.c is its own program.
 */
#ifndef PIIGUARD_FUZZ_UTIL_H
#define PIIGUARD_FUZZ_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "piiguard/pg_msg.h"

/* fuzz_engine - the process's engine and scratch, made on first use */
static inline void fuzz_engine(pg_engine **engine, pg_scratch **scratch)
{
    static pg_engine *e;
    static pg_scratch *s;

    if (!e && (pg_engine_new(&e, NULL) < 0 || pg_scratch_new(&s, e) < 0))
        abort();
    *engine = e;
    *scratch = s;
}

/* fuzz_limits - the defaults, extractors in-process (a fork per input
 * would hide crashes from the fuzzer), 8 MiB of decoded text */
static inline void fuzz_limits(pg_msg_limits *lim)
{
    pg_msg_limits_init(lim);
    lim->isolate_extractors = false;
    lim->max_decoded_bytes = 8u << 20;
}

/* fuzz_check_msg - every segment has a path and is NUL-terminated at its
 * length, quoted ranges and findings lie inside their segment, every
 * uninspectable entry has a segment and a reason. @prefix, when not NULL,
 * is the path every segment and entry must start with. */
static inline void fuzz_check_msg(const pg_msg *m, const char *prefix)
{
    size_t pn = prefix ? strlen(prefix) : 0;

    for (size_t i = 0; i < pg_msg_segment_count(m); i++) {
        const pg_segment *s = pg_msg_segment(m, i);
        if (!s->path || !s->text || s->text[s->len] != '\0' ||
            (prefix && strncmp(s->path, prefix, pn) != 0))
            abort();
        for (size_t q = 0; q < s->n_quoted; q++)
            if (s->quoted[q].start > s->quoted[q].end || s->quoted[q].end > s->len)
                abort();
    }
    for (size_t i = 0; i < pg_msg_finding_count(m); i++) {
        const pg_msg_finding *f = pg_msg_finding_at(m, i);
        if (f->segment >= pg_msg_segment_count(m) || f->f.start >= f->f.end ||
            f->f.end > pg_msg_segment(m, f->segment)->len)
            abort();
    }
    for (size_t i = 0; i < pg_msg_uninspectable_count(m); i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(m, i);
        if (!u->reason || !u->segment || (prefix && strncmp(u->segment, prefix, pn) != 0))
            abort();
    }
}

/* fuzz_parse_scan - parse raw bytes as a message with fuzz_limits() and
 * scan it with the process's engine; NULL when the parse refuses the
 * input (a defined error), abort() when a parsed message fails to scan
 * or breaks fuzz_check_msg(). The caller frees the message. */
static inline pg_msg *fuzz_parse_scan(const char *raw, size_t len)
{
    pg_engine *engine;
    pg_scratch *scratch;
    pg_msg_limits lim;
    pg_msg *m = NULL;

    fuzz_engine(&engine, &scratch);
    fuzz_limits(&lim);
    if (pg_msg_parse(&m, raw, len, &lim) < 0)
        return NULL;
    if (pg_msg_scan(m, engine, scratch) < 0)
        abort();
    fuzz_check_msg(m, NULL);
    return m;
}

#endif /* PIIGUARD_FUZZ_UTIL_H */
