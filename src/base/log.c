/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * log.c - one-line logging: "<room> key=value ...", level checked first.
 *
 * The level and sink are set once by a front end before threads start and
 * are read-only afterwards; that is why they may be file-scope statics (the
 * only other mutable global is the reloadable config snapshot). Control
 * characters are escaped so that untrusted strings cannot forge log lines.
 * Callers are responsible for never passing a raw match: use pg_mask().
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "piiguard/pg_base.h"
#include "piiguard/pg_limits.h"

static pg_log_level log_level = PG_LOG_INFO;
static pg_log_sink log_sink;
static void *log_payload;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

/* pg_log_configure - set level and sink, once, before threads exist */
void pg_log_configure(pg_log_level level, pg_log_sink sink, void *payload)
{
    log_level = level;
    log_sink = sink;
    log_payload = payload;
}

/* pg_log_enabled - would a line at this level be written? */
int pg_log_enabled(pg_log_level level)
{
    return level >= log_level && level < PG_LOG_NONE;
}

/* escape_controls - replace control bytes in place so one call is one line */
static void escape_controls(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

/* pg_log - format and emit one line */
void pg_log(pg_log_level level, const char *room, const char *fmt, ...)
{
    char line[PG_LOG_LINE_MAX];
    va_list ap;
    int n;

    if (!pg_log_enabled(level))
        return;
    n = snprintf(line, sizeof(line), "%s %s ", level_names[level], room);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    escape_controls(line);
    if (log_sink) {
        log_sink(level, line, log_payload);
        return;
    }
    fprintf(stderr, "piiguard: %s\n", line);
}
