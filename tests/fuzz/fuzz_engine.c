/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_engine.c - libFuzzer target: any bytes through pg_engine_scan and,
 * split at a fuzzer-chosen point, through a stream. Every finding must lie
 * inside the input and be ordered; the stream must find what one scan
 * finds when the input fits in one window.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "piiguard/pg_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
    size_t len, last_start, count;
};

static int check_cb(const pg_finding *f, void *payload)
{
    struct check *c = payload;

    if (f->start >= f->end || f->end > c->len || f->start < c->last_start ||
        f->score < 0.0f || f->score > 1.0f || (unsigned)f->entity >= PG_ENT_COUNT)
        abort();
    c->last_start = f->start;
    c->count++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pg_engine *engine;
    static pg_scratch *scratch;

    if (!engine && (pg_engine_new(&engine, NULL) < 0 || pg_scratch_new(&scratch, engine) < 0))
        abort();
    struct check one = {size, 0, 0}, two = {size, 0, 0};
    if (pg_engine_scan(engine, scratch, (const char *)data, size, check_cb, &one) != 0)
        abort();
    pg_stream *st;
    if (pg_stream_new(&st, engine, check_cb, &two) < 0)
        abort();
    size_t cut = size ? data[0] % (size + 1) : 0;
    if (pg_stream_feed(st, (const char *)data, cut) != 0 ||
        pg_stream_feed(st, (const char *)data + cut, size - cut) != 0 ||
        pg_stream_finish(st) != 0)
        abort();
    pg_stream_free(st);
    if (one.count != two.count)
        abort();
    return 0;
}
