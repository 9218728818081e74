/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * error.c - pg_err names and the thread-local last-error message.
 *
 * Each thread has its own message buffer, so a scan on one milter thread
 * never reads another's error. Messages are fixed-size and clipped: an
 * error path must not allocate.
 */
#include <stdio.h>
#include <string.h>

#include "piiguard/pg_base.h"

static _Thread_local char last_error[512];

/* pg_err_name - short constant name of an error code */
const char *pg_err_name(int err)
{
    switch (err) {
    case PG_OK: return "OK";
    case PG_ENOMEM: return "ENOMEM";
    case PG_EINVAL: return "EINVAL";
    case PG_EPARSE: return "EPARSE";
    case PG_ETOOBIG: return "ETOOBIG";
    case PG_EIO: return "EIO";
    case PG_ETIMEOUT: return "ETIMEOUT";
    case PG_ENOTFOUND: return "ENOTFOUND";
    case PG_ESTATE: return "ESTATE";
    case PG_EPERM: return "EPERM";
    case PG_EINTERNAL: return "EINTERNAL";
    default: return "EUNKNOWN";
    }
}

/* pg_error_set - record this thread's last error and pass the code through */
int pg_error_set(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    return err;
}

/* pg_error_last - this thread's last error message */
const char *pg_error_last(void)
{
    return last_error;
}

/* pg_error_clear - forget this thread's last error */
void pg_error_clear(void)
{
    last_error[0] = '\0';
}
