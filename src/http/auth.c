/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	auth.c - API tokens: stored hashed, checked in constant time, each
 *	with its own token-bucket rate limit
 *
 * SUMMARY
 *	The token file holds one line a token:
 *
 *	    NAME  RATE  BURST  blake2b$SALT$DIGEST
 *
 *	NAME is [A-Za-z0-9._-], 1-64 characters, unique, and is what logs
 *	and incidents name the client by; RATE is requests per second (a
 *	decimal > 0), BURST the bucket size (>= 1); SALT is 16 random bytes
 *	and DIGEST is BLAKE2b-256(key = SALT, message = token), both in hex.
 *	'#' starts a comment line. `piiguard serve token NAME` prints a new
 *	token and its line.
 *
 * DESCRIPTION
 *	Why a fast keyed hash and not crypto_pwhash (Argon2): a token is 32
 *	random bytes, not something a person chose, so there is no dictionary
 *	to try; recovering one from its digest means a 2^256 preimage search
 *	whatever the hash costs. Argon2's deliberate slowness buys nothing
 *	against that and would cost tens of milliseconds and megabytes on
 *	every request, where the API's budget is well under one. The per-line
 *	salt keys BLAKE2b so that equal tokens never share a digest and
 *	digests from two files cannot be compared.
 *
 *	A request's token is hashed with every line's salt and compared with
 *	sodium_memcmp(), without stopping at the first match, so the time
 *	taken says nothing about which line matched. That is linear in the
 *	number of tokens, which is meant to be tens (one per relay), not
 *	thousands; PG_HTTP_MAX_TOKENS bounds it.
 *
 *	Each token's bucket is guarded by its own mutex; nothing else in a
 *	pg_http_auth changes after load, so lookups need no lock.
 *
 * DIAGNOSTICS
 *	Load errors read "FILE:LINE: what is wrong; what to do".
 *
 * BUGS
 *	The file is read once at start; adding a token means a restart.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "http/http.h"

/* A deployment has one token per relay or gateway: tens. A thousand is
 * far past that and keeps the per-request linear scan under a millisecond. */
#define PG_HTTP_MAX_TOKENS 1024
#define SALT_BYTES 16
#define DIGEST_BYTES 32
#define SECRET_BYTES 32
#define TOKEN_PREFIX "pgt_"
/* The longest Authorization value worth hashing: a token is 47 bytes. */
#define MAX_TOKEN_LEN 256
#define MAX_NAME_LEN 64
#define MAX_LINE 1024

_Static_assert(SALT_BYTES >= crypto_generichash_KEYBYTES_MIN, "salt is the BLAKE2b key");
_Static_assert(DIGEST_BYTES >= crypto_generichash_BYTES_MIN, "digest size");

typedef struct token_entry {
    char name[MAX_NAME_LEN + 1];
    unsigned char salt[SALT_BYTES];
    unsigned char digest[DIGEST_BYTES];
    double rate, burst;
    pthread_mutex_t mu; /* guards tokens and last */
    double tokens;      /* requests the bucket holds now */
    double last;        /* monotonic seconds at the last refill */
} token_entry;

struct pg_http_auth {
    token_entry *tok;
    size_t n, cap;
};

/* now_s - monotonic seconds: wall-clock steps must not refill buckets */
static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* valid_name - the name rule of the file format */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > MAX_NAME_LEN)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
            return false;
    return true;
}

/* parse_hash - "blake2b$SALT$DIGEST" into the entry */
static bool parse_hash(token_entry *t, const char *s)
{
    size_t n;
    const char *end;

    if (strncmp(s, "blake2b$", 8) != 0)
        return false;
    s += 8;
    if (sodium_hex2bin(t->salt, SALT_BYTES, s, strlen(s), NULL, &n, &end) != 0 ||
        n != SALT_BYTES || *end != '$')
        return false;
    s = end + 1;
    if (sodium_hex2bin(t->digest, DIGEST_BYTES, s, strlen(s), NULL, &n, &end) != 0 ||
        n != DIGEST_BYTES || *end != '\0')
        return false;
    return true;
}

/* parse_number - a finite decimal within [min, max] */
static bool parse_number(double *out, const char *s, double min, double max)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' && isfinite(*out) &&
           *out >= min && *out <= max;
}

/* parse_line - one non-comment line into @t; false when malformed */
static bool parse_line(token_entry *t, char *line)
{
    char *save = NULL, *f[5];
    size_t nf = 0;

    for (char *w = strtok_r(line, " \t\r\n", &save); w && nf < 5;
         w = strtok_r(NULL, " \t\r\n", &save))
        f[nf++] = w;
    if (nf != 4 || !valid_name(f[0]))
        return false;
    memcpy(t->name, f[0], strlen(f[0]) + 1);
    return parse_number(&t->rate, f[1], 1e-3, 1e9) &&
           parse_number(&t->burst, f[2], 1, 1e9) && parse_hash(t, f[3]);
}

/* add_entry - append a parsed entry, refusing duplicates and excess */
static int add_entry(pg_http_auth *a, const token_entry *t, const char *path, unsigned lineno)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->tok[i].name, t->name) == 0)
            return pg_error_set(PG_EPARSE, "%s:%u: token name '%s' is used twice; "
                                "give each client its own name", path, lineno, t->name);
    if (a->n == PG_HTTP_MAX_TOKENS)
        return pg_error_set(PG_EPARSE, "%s:%u: more than %d tokens; "
                            "one token per relay is the intended use", path, lineno,
                            PG_HTTP_MAX_TOKENS);
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        token_entry *nt = realloc(a->tok, cap * sizeof(*nt));
        if (!nt)
            return PG_ENOMEM;
        a->tok = nt;
        a->cap = cap;
    }
    a->tok[a->n] = *t;
    a->tok[a->n].tokens = t->burst; /* a fresh bucket is full */
    a->tok[a->n].last = now_s();
    pthread_mutex_init(&a->tok[a->n].mu, NULL);
    a->n++;
    return 0;
}

/* is_blank_or_comment - lines the format ignores */
static bool is_blank_or_comment(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '#' || *s == '\n' || *s == '\r' || *s == '\0';
}

/* read_lines - parse every line of an open token file */
static int read_lines(pg_http_auth *a, FILE *f, const char *path)
{
    char line[MAX_LINE];
    unsigned lineno = 0;
    int err = 0;

    while (err == 0 && fgets(line, sizeof(line), f)) {
        token_entry t = {0};
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            return pg_error_set(PG_EPARSE, "%s:%u: line longer than %d bytes",
                                path, lineno, MAX_LINE - 1);
        if (is_blank_or_comment(line))
            continue;
        if (!parse_line(&t, line))
            return pg_error_set(PG_EPARSE, "%s:%u: expected 'NAME RATE BURST "
                                "blake2b$SALT$DIGEST'; make lines with "
                                "'piiguard serve token NAME'", path, lineno);
        err = add_entry(a, &t, path, lineno);
    }
    if (err == 0 && ferror(f))
        err = pg_error_set(PG_EIO, "cannot read %s: %s", path, strerror(errno));
    return err;
}

/* check_mode - refuse a token file that others may write: they could
 * admit themselves */
static int check_mode(FILE *f, const char *path)
{
    struct stat st;

    if (fstat(fileno(f), &st) != 0)
        return pg_error_set(PG_EIO, "cannot stat %s: %s", path, strerror(errno));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return pg_error_set(PG_EPERM, "%s is writable by group or others; "
                            "run: chmod go-w %s", path, path);
    return 0;
}

/* pg_http_auth_load - read and validate a token file */
int pg_http_auth_load(pg_http_auth **out, const char *path)
{
    pg_http_auth *a = NULL;
    FILE *f = NULL;
    int err;

    if (sodium_init() < 0)
        return pg_error_set(PG_EINTERNAL, "libsodium failed to initialise");
    if (!(f = fopen(path, "r")))
        return pg_error_set(PG_EIO, "cannot open token file %s: %s", path, strerror(errno));
    if ((err = check_mode(f, path)) < 0)
        goto out;
    if (!(a = calloc(1, sizeof(*a)))) {
        err = PG_ENOMEM;
        goto out;
    }
    if ((err = read_lines(a, f, path)) == 0 && a->n == 0)
        err = pg_error_set(PG_EPARSE, "%s: no tokens; add one with "
                           "'piiguard serve token NAME', or drop --token-file "
                           "to serve loopback clients only", path);
out:
    fclose(f);
    if (err < 0) {
        pg_http_auth_free(a);
        return err;
    }
    *out = a;
    return 0;
}

/* pg_http_auth_free - destroy the mutexes and free */
void pg_http_auth_free(pg_http_auth *auth)
{
    if (!auth)
        return;
    for (size_t i = 0; i < auth->n; i++)
        pthread_mutex_destroy(&auth->tok[i].mu);
    sodium_memzero(auth->tok, auth->cap * sizeof(*auth->tok));
    free(auth->tok);
    free(auth);
}

/* pg_http_auth_count - tokens loaded */
size_t pg_http_auth_count(const pg_http_auth *auth)
{
    return auth ? auth->n : 0;
}

/* bearer_token - the token of "Bearer TOKEN" (scheme case-insensitive,
 * RFC 7235), or NULL */
static const char *bearer_token(const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    authorization += 7;
    while (*authorization == ' ')
        authorization++;
    return *authorization ? authorization : NULL;
}

/* find_token - the matching entry, comparing against every line so the
 * time taken does not depend on which one matched */
static token_entry *find_token(pg_http_auth *a, const char *token, size_t len)
{
    unsigned char d[DIGEST_BYTES];
    token_entry *hit = NULL;

    for (size_t i = 0; i < a->n; i++) {
        crypto_generichash(d, sizeof(d), (const unsigned char *)token, len,
                           a->tok[i].salt, SALT_BYTES);
        if (sodium_memcmp(d, a->tok[i].digest, DIGEST_BYTES) == 0)
            hit = &a->tok[i];
    }
    sodium_memzero(d, sizeof(d));
    return hit;
}

/* take - one request out of the token's bucket, refilled by elapsed time */
static bool take(token_entry *t)
{
    double now = now_s();
    bool ok;

    pthread_mutex_lock(&t->mu);
    t->tokens = fmin(t->burst, t->tokens + (now - t->last) * t->rate);
    t->last = now;
    ok = t->tokens >= 1.0;
    if (ok)
        t->tokens -= 1.0;
    pthread_mutex_unlock(&t->mu);
    return ok;
}

/* pg_http_auth_check - authenticate and rate-limit one request */
pg_http_auth_result pg_http_auth_check(const char **name_out, pg_http_auth *auth,
                                       const char *authorization)
{
    const char *token = bearer_token(authorization);
    token_entry *t;
    size_t len;

    *name_out = NULL;
    if (!token)
        return PG_AUTH_MISSING;
    len = strlen(token);
    if (len > MAX_TOKEN_LEN || !(t = find_token(auth, token, len)))
        return PG_AUTH_BAD;
    *name_out = t->name;
    return take(t) ? PG_AUTH_OK : PG_AUTH_LIMITED;
}

/* pg_http_token_new - a random token and the line that admits it */
int pg_http_token_new(char *token, size_t token_cap, char *line,
                      size_t line_cap, const char *name, double rate,
                      double burst)
{
    unsigned char secret[SECRET_BYTES], salt[SALT_BYTES], d[DIGEST_BYTES];
    char b64[sodium_base64_ENCODED_LEN(SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    char salt_hex[2 * SALT_BYTES + 1], d_hex[2 * DIGEST_BYTES + 1];
    int n, err = 0;

    if (!valid_name(name) || !(rate >= 1e-3 && rate <= 1e9) || !(burst >= 1 && burst <= 1e9))
        return pg_error_set(PG_EINVAL, "name must be [A-Za-z0-9._-]{1,64}, "
                            "rate in [0.001, 1e9] and burst >= 1");
    if (token_cap < sizeof(TOKEN_PREFIX) + sizeof(b64) - 1)
        return pg_error_set(PG_EINVAL, "token buffer too small");
    if (sodium_init() < 0)
        return pg_error_set(PG_EINTERNAL, "libsodium failed to initialise");
    randombytes_buf(secret, sizeof(secret));
    randombytes_buf(salt, sizeof(salt));
    sodium_bin2base64(b64, sizeof(b64), secret, sizeof(secret),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(token, token_cap, TOKEN_PREFIX "%s", b64);
    crypto_generichash(d, sizeof(d), (const unsigned char *)token, strlen(token),
                       salt, sizeof(salt));
    sodium_bin2hex(salt_hex, sizeof(salt_hex), salt, sizeof(salt));
    sodium_bin2hex(d_hex, sizeof(d_hex), d, sizeof(d));
    n = snprintf(line, line_cap, "%s %g %g blake2b$%s$%s", name, rate, burst, salt_hex, d_hex);
    if (n < 0 || (size_t)n >= line_cap) {
        sodium_memzero(token, token_cap);
        err = pg_error_set(PG_EINVAL, "line buffer too small");
    }
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(b64, sizeof(b64));
    return err;
}
