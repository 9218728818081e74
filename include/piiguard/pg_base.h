/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_base.h
 * @brief The floor every room stands on: error codes, the last-error
 *        message, logging that never formats below its level, and the one
 *        masking rule that keeps raw PII out of every output.
 *
 * Ownership: nothing here allocates on the caller's behalf except
 * pg_mask(), which writes into a caller-supplied buffer.
 */
#ifndef PIIGUARD_PG_BASE_H
#define PIIGUARD_PG_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Return codes: 0 is success, every failure is negative. */
typedef enum pg_err {
    PG_OK = 0,
    PG_ENOMEM = -1,   /**< allocation failed */
    PG_EINVAL = -2,   /**< an argument or option is wrong */
    PG_EPARSE = -3,   /**< input could not be parsed */
    PG_ETOOBIG = -4,  /**< a size, depth or count limit was reached */
    PG_EIO = -5,      /**< a read, write or system call failed */
    PG_ETIMEOUT = -6, /**< a time limit was reached */
    PG_ENOTFOUND = -7,/**< the named thing does not exist */
    PG_ESTATE = -8,   /**< the object is not in a state that allows this */
    PG_EPERM = -9,    /**< permissions are unsafe or insufficient */
    PG_EINTERNAL = -10/**< a library we depend on failed unexpectedly */
} pg_err;

/** Short constant name of an error code, e.g. "ETOOBIG". */
const char *pg_err_name(int err);

/**
 * Record a human-readable message for the last error on this thread and
 * return @p err, so callers can write `return pg_error_set(PG_EPARSE, ...)`.
 * The message must never contain a raw PII value.
 */
int pg_error_set(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The last error message on this thread ("" if none). Borrowed. */
const char *pg_error_last(void);

/** Clear this thread's last error. */
void pg_error_clear(void);

/** Log levels, most verbose first. */
typedef enum pg_log_level {
    PG_LOG_DEBUG = 0,
    PG_LOG_INFO = 1,
    PG_LOG_WARN = 2,
    PG_LOG_ERROR = 3,
    PG_LOG_NONE = 4
} pg_log_level;

/** Where log lines go; @p line has no trailing newline. */
typedef void (*pg_log_sink)(pg_log_level level, const char *line, void *payload);

/**
 * Set the process-wide log level and sink. Front ends call this once at
 * start-up, before any thread exists; a NULL sink means stderr.
 */
void pg_log_configure(pg_log_level level, pg_log_sink sink, void *payload);

/** True when @p level would be written; check before costly formatting. */
int pg_log_enabled(pg_log_level level);

/**
 * Write one log line: "<id> <room> key=value ...". Lines are clipped at
 * PG_LOG_LINE_MAX bytes and control characters are escaped. Never pass a
 * raw match: use pg_mask().
 */
void pg_log(pg_log_level level, const char *room, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Make room for @p need elements of @p elem bytes in a doubling array
 * (@p *arr, capacity @p *cap, in elements). The size multiplication is
 * checked before realloc. *arr may move; old pointers into it are invalid
 * afterwards. @return 0 or PG_ENOMEM (the array is unchanged).
 */
int pg_array_grow(void **arr, size_t *cap, size_t need, size_t elem);

/** Mask styles: keep the shape, or name the type. */
typedef enum pg_mask_style {
    PG_MASK_SHAPE = 0, /**< "***-**-6789": separators kept, last 4 alnum shown */
    PG_MASK_LABEL = 1  /**< "[US_SSN]" */
} pg_mask_style;

/**
 * Write a masked form of @p value (length @p len) into @p out (capacity
 * @p cap, always NUL-terminated when cap > 0). In PG_MASK_SHAPE at most the
 * last four letters or digits survive, and fewer for short values (never
 * more than a third of them), so the output can never reconstruct the
 * value. Multi-byte characters become a single '*'.
 * @return the length written (excluding NUL).
 */
size_t pg_mask(char *out, size_t cap, const char *value, size_t len,
               pg_mask_style style, const char *label);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_BASE_H */
