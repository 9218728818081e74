/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_util.c - the small pieces every store file uses: ids, hex, time
 *   in and out, recipient domains, field validation, paths.
 *
 * DESCRIPTION
 *   Ids are 16 random bytes from libsodium as 32 lowercase hex digits. An
 *   id is also a file name under quarantine/, so pg_store__valid_id() is
 *   the only gate a caller-supplied id passes before it touches a path.
 *
 *   Field checks refuse control characters: every stored string ends up in
 *   a log line, a CSV cell or a terminal, and must not be able to forge a
 *   line there.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/store_int.h"

/* pg_store__random_id - a fresh random id */
void pg_store__random_id(char out[PG_STORE_ID_SIZE])
{
    uint8_t raw[(PG_STORE_ID_SIZE - 1) / 2];

    randombytes_buf(raw, sizeof(raw));
    pg_store__hex(out, raw, sizeof(raw));
}

/* pg_store__valid_id - exactly 32 lowercase hex digits (safe as a file name) */
bool pg_store__valid_id(const char *id)
{
    size_t i;

    if (!id)
        return false;
    for (i = 0; id[i]; i++)
        if (i >= PG_STORE_ID_SIZE - 1 || !strchr("0123456789abcdef", id[i]))
            return false;
    return i == PG_STORE_ID_SIZE - 1;
}

/* pg_store__hex - lowercase hex of n bytes; out holds 2n+1 */
void pg_store__hex(char *out, const uint8_t *bin, size_t n)
{
    sodium_bin2hex(out, 2 * n + 1, bin, n);
}

/* pg_store__unhex - exactly 2n hex digits into n bytes */
int pg_store__unhex(uint8_t *out, size_t n, const char *hex)
{
    size_t got = 0;

    if (!hex || strlen(hex) != 2 * n ||
        sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) != 0 || got != n)
        return PG_EPARSE;
    return 0;
}

/* pg_store__now - the given time, or the clock when it is 0 */
int64_t pg_store__now(int64_t now)
{
    return now ? now : (int64_t)time(NULL);
}

/* pg_store_format_time - ISO 8601 UTC, the only time format we print */
char *pg_store_format_time(char buf[32], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "@%lld", (long long)t);
    return buf;
}

/* parse_relative - "7d", "12h", "30m" before now */
static int parse_relative(int64_t *out, const char *text, int64_t now)
{
    char *end;
    long long n = strtoll(text, &end, 10);
    int64_t unit;

    if (end == text || n < 0 || end[0] == '\0' || end[1] != '\0')
        return PG_EPARSE;
    switch (end[0]) {
    case 'd': unit = 86400; break;
    case 'h': unit = 3600; break;
    case 'm': unit = 60; break;
    default: return PG_EPARSE;
    }
    if (n > INT64_MAX / unit / 2)
        return PG_EPARSE;
    *out = now - n * unit;
    return 0;
}

/* parse_calendar - "YYYY-MM-DD" or "YYYY-MM-DD[T ]HH:MM[:SS][Z]", UTC */
static int parse_calendar(int64_t *out, const char *text)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0;

    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
        return PG_EPARSE;
    if (text[n] == 'T' || text[n] == ' ') {
        const char *t = text + n + 1;
        int m = 0;
        if (sscanf(t, "%2d:%2d%n", &h, &mi, &m) != 2)
            return PG_EPARSE;
        n += 1 + m;
        if (text[n] == ':' && sscanf(text + n + 1, "%2d%n", &s, &m) == 1)
            n += 1 + m;
        if (text[n] == 'Z')
            n++;
    }
    if (text[n] != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
        return PG_EPARSE;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    *out = (int64_t)timegm(&tm);
    return 0;
}

/* pg_store_parse_time - a time as a person types it */
int pg_store_parse_time(int64_t *out, const char *text, int64_t now)
{
    char *end;

    if (!text || !*text)
        return pg_error_set(PG_EPARSE, "empty time");
    if (text[0] == '@') {
        long long v = strtoll(text + 1, &end, 10);
        if (end != text + 1 && *end == '\0' && v >= 0) {
            *out = v;
            return 0;
        }
    } else if (parse_calendar(out, text) == 0 ||
               parse_relative(out, text, pg_store__now(now)) == 0) {
        return 0;
    }
    return pg_error_set(PG_EPARSE, "cannot read time '%.40s': use YYYY-MM-DD, "
                        "YYYY-MM-DDTHH:MM:SSZ, @UNIXTIME or 7d/12h/30m", text);
}

/* domain_of - the lowercase domain of one address into a fresh string */
static char *domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');
    const char *d = at ? at + 1 : addr;
    size_t n = strcspn(d, ">");
    char *out;

    if (n == 0 || n > 255)
        return NULL;
    if (!(out = strndup(d, n)))
        return NULL;
    for (char *p = out; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (!isalnum((unsigned char)*p) && !strchr(".-_[]:", *p)) {
            free(out);
            return NULL;
        }
    }
    return out;
}

/* cmp_str - qsort comparator for char * */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* join_unique - sorted, deduplicated, comma-joined; frees nothing */
static int join_unique(char **out, char **v, size_t n)
{
    size_t total = 1;
    char *s, *p;

    if (n > 1) /* qsort(NULL, 0, ...) is undefined */
        qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]) + 1;
    if (!(s = p = malloc(total)))
        return PG_ENOMEM;
    *p = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
            continue;
        p += sprintf(p, "%s%s", p == s ? "" : ",", v[i]);
    }
    *out = s;
    return 0;
}

/* pg_store_domains - addresses to "a.example,b.example" */
int pg_store_domains(char **out, const char *const *addresses, size_t n)
{
    char **v = n ? calloc(n, sizeof(*v)) : NULL;
    int err = 0;

    if (n && !v)
        return PG_ENOMEM;
    for (size_t i = 0; i < n && err == 0; i++)
        if (!addresses[i] || !(v[i] = domain_of(addresses[i])))
            err = pg_error_set(PG_EINVAL, "recipient %zu has no usable domain", i + 1);
    if (err == 0)
        err = join_unique(out, v, n);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return err;
}

/* pg_store__check_text - printable, bounded, maybe non-empty */
int pg_store__check_text(const char *what, const char *s, bool may_be_empty)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 && !may_be_empty)
        return pg_error_set(PG_EINVAL, "%s is empty", what);
    if (n > PG_STORE_FIELD_MAX)
        return pg_error_set(PG_EINVAL, "%s is longer than %u bytes", what,
                            PG_STORE_FIELD_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return pg_error_set(PG_EINVAL, "%s holds a control character", what);
    return 0;
}

/* pg_store__check_token - a short lowercase word like "email" or "reject" */
int pg_store__check_token(const char *what, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 32 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
        return pg_error_set(PG_EINVAL, "%s must be a short lowercase word", what);
    return 0;
}

/* pg_store__join_path - dir/name into out, refusing to clip */
int pg_store__join_path(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= cap)
        return pg_error_set(PG_ETOOBIG, "path %s/%s is too long", dir, name);
    return 0;
}

/* pg_store__write_all - all n bytes, retrying on EINTR; -1 with errno set */
int pg_store__write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;

    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}
