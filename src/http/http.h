/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	http.h - the HTTP check API front end, its metrics registry and its
 *	token store
 *
 * SUMMARY
 *	A chat relay, bot or SMS gateway POSTs a message to /v1/check and
 *	gets, within milliseconds, the same decision `piiguard check` would
 *	give. The server is libmicrohttpd with an internal thread pool; every
 *	check goes through pg_service, which records the incident.
 *
 * SYNOPSIS
 *	Server (server.c):
 *	void pg_http_opts_init(pg_http_opts *opts)
 *	const pg_http_tunable *pg_http_tunables(size_t *n_out)
 *	int pg_http_start(pg_http **out, pg_service *svc, const pg_http_opts *opts)
 *	void pg_http_stop(pg_http *srv)
 *	uint16_t pg_http_port(const pg_http *srv)
 *	pg_metrics *pg_http_metrics(pg_http *srv)
 *
 *	Metrics registry (metrics.c), which the milter may bump too:
 *	int pg_metrics_new(pg_metrics **out)
 *	void pg_metrics_free(pg_metrics *m)
 *	void pg_metrics_decision(pg_metrics *m, pg_channel ch, const pg_verdict *v)
 *	void pg_metrics_scanned(pg_metrics *m, pg_metrics_front fe, size_t bytes)
 *	void pg_metrics_milter_enable(pg_metrics *m)
 *	void pg_metrics_milter_connection(pg_metrics *m)
 *	void pg_metrics_milter_message(pg_metrics *m, const pg_verdict *v,
 *	                               size_t bytes, uint64_t elapsed_ns)
 *	void pg_metrics_milter_error(pg_metrics *m)
 *	void pg_metrics_reload(pg_metrics *m, bool ok)
 *	int pg_metrics_render(char **out, size_t *out_len, const pg_metrics *m)
 *
 *	Tokens (auth.c):
 *	int pg_http_auth_load(pg_http_auth **out, const char *path)
 *	void pg_http_auth_free(pg_http_auth *auth)
 *	size_t pg_http_auth_count(const pg_http_auth *auth)
 *	pg_http_auth_result pg_http_auth_check(const char **name_out,
 *	                    pg_http_auth *auth, const char *authorization)
 *	int pg_http_token_new(char *token, size_t token_cap, char *line,
 *	                      size_t line_cap, const char *name, double rate,
 *	                      double burst)
 *
 * DESCRIPTION
 *	Ownership: a `**out` result belongs to the caller and is freed by the
 *	matching _free/_stop, which accept NULL. pg_http_metrics() returns a
 *	pointer borrowed from the server: it lives until pg_http_stop(), so a
 *	milter in the same process must be stopped first.
 *
 *	Every pg_metrics_* bump is a relaxed atomic add and may be called from
 *	any thread; rendering reads without locks, so a scrape may see a
 *	histogram's count one request ahead of its sum, which Prometheus
 *	tolerates.
 *
 *	Nothing here ever emits a raw matched value: /v1/check answers the
 *	report of `piiguard check` (pg_report_json(), masked values and
 *	paths) and pg_decision_to_json() (counts, never values); /v1/scan
 *	masks through pg_mask().
 */
#ifndef PIIGUARD_HTTP_H
#define PIIGUARD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "piiguard/pg_service.h"

/* ---- server ------------------------------------------------------------ */

/* Runtime settings; pg_http_opts_init() fills the defaults of the tunables
 * table (pg_http_tunables()), and pg_http_start() refuses values outside
 * it. The size_t fields are the tunables. */
typedef struct pg_http_opts {
    const char *listen;       /* "127.0.0.1:8470", "[::1]:8470"; port 0 = any */
    const char *token_file;   /* NULL: no tokens, loopback clients only */
    const char *tls_cert;     /* PEM; both or neither of cert and key */
    const char *tls_key;
    const char *openapi_path; /* NULL: search (see server.c) */
    size_t max_body;          /* request body ceiling, bytes (413 above) */
    size_t timeout_s;         /* idle connection timeout, seconds */
    size_t threads;           /* thread pool size; 0 = 8 per online CPU */
    size_t per_ip_limit;      /* concurrent connections per client address */
    size_t conn_limit;        /* concurrent connections in all */
    size_t conn_memory;       /* per-connection buffer for headers and body chunks */
} pg_http_opts;

/* One runtime tunable: its --flag name, where it lives in pg_http_opts,
 * its default and its bounds, and why it exists. */
typedef struct pg_http_tunable {
    const char *name;
    size_t offset;
    size_t def, min, max;
    const char *what;
} pg_http_tunable;

/* pg_http_tunables - the table, @n_out entries; borrowed, static */
const pg_http_tunable *pg_http_tunables(size_t *n_out);

typedef struct pg_http pg_http;
typedef struct pg_metrics pg_metrics;

/* pg_http_opts_init - the documented defaults */
void pg_http_opts_init(pg_http_opts *opts);

/* pg_http_start - listen and serve in background threads until
 * pg_http_stop(). @svc is borrowed and must outlive the server.
 * Returns 0, PG_EINVAL (bad option; pg_error_last() says which),
 * PG_EIO (cannot bind, cannot read the token or TLS files), PG_ENOMEM. */
int pg_http_start(pg_http **out, pg_service *svc, const pg_http_opts *opts);

/* pg_http_stop - stop accepting, finish the requests in flight, free;
 * NULL is allowed */
void pg_http_stop(pg_http *srv);

/* pg_http_port - the port actually bound (useful with port 0) */
uint16_t pg_http_port(const pg_http *srv);

/* pg_http_metrics - the server's registry, borrowed until pg_http_stop() */
pg_metrics *pg_http_metrics(pg_http *srv);

/* ---- metrics registry ---------------------------------------------------- */

/* Which front end scanned the bytes. */
typedef enum pg_metrics_front {
    PG_METRICS_HTTP = 0,
    PG_METRICS_MILTER = 1,
    PG_METRICS_FRONT_COUNT = 2
} pg_metrics_front;

/* HTTP endpoints, as the requests and latency families label them. */
typedef enum pg_metrics_endpoint {
    PG_EP_CHECK = 0,
    PG_EP_SCAN,
    PG_EP_HEALTHZ,
    PG_EP_METRICS,
    PG_EP_OPENAPI,
    PG_EP_OTHER,
    PG_EP_COUNT
} pg_metrics_endpoint;

/* Failures that are not a client's fault, or not a status at all. */
typedef enum pg_metrics_error {
    PG_MERR_INTERNAL = 0, /* 500: the service could not answer */
    PG_MERR_TEMPFAIL,     /* the service answered tempfail */
    PG_MERR_TIMEOUT,      /* a connection timed out mid-request */
    PG_MERR_ABORTED,      /* the client went away mid-request */
    PG_MERR_COUNT
} pg_metrics_error;

/* pg_metrics_new - an all-zero registry. Returns 0 or PG_ENOMEM. */
int pg_metrics_new(pg_metrics **out);

/* pg_metrics_free - free; NULL is allowed */
void pg_metrics_free(pg_metrics *m);

/* pg_metrics_decision - count one decision by channel and action, and by
 * every entity type found in the verdict's message */
void pg_metrics_decision(pg_metrics *m, pg_channel channel, const pg_verdict *v);

/* pg_metrics_scanned - add bytes handed to the engine by a front end */
void pg_metrics_scanned(pg_metrics *m, pg_metrics_front fe, size_t bytes);

/* pg_metrics_http_request - one HTTP request finished with @status */
void pg_metrics_http_request(pg_metrics *m, pg_metrics_endpoint ep,
                             unsigned status, uint64_t elapsed_ns);

/* pg_metrics_error_inc - one failure of kind @kind */
void pg_metrics_error_inc(pg_metrics *m, pg_metrics_error kind);

/* pg_metrics_connections - the open HTTP connection gauge moves by @delta */
void pg_metrics_connections(pg_metrics *m, int delta);

/* pg_metrics_milter_enable - the milter runs in this process: render its
 * families from now on */
void pg_metrics_milter_enable(pg_metrics *m);

/* pg_metrics_milter_connection - one SMTP connection reached the milter */
void pg_metrics_milter_connection(pg_metrics *m);

/* pg_metrics_milter_message - one message decided by the milter: counts the
 * decision (as pg_metrics_decision on the email channel), the bytes and the
 * check's duration */
void pg_metrics_milter_message(pg_metrics *m, const pg_verdict *v,
                               size_t bytes, uint64_t elapsed_ns);

/* pg_metrics_milter_error - a milter protocol or session error */
void pg_metrics_milter_error(pg_metrics *m);

/* pg_metrics_reload - one policy reload, good or refused */
void pg_metrics_reload(pg_metrics *m, bool ok);

/* pg_metrics_render - the Prometheus text exposition (format 0.0.4) into a
 * malloc'd buffer for the caller. Returns 0 or PG_ENOMEM. */
int pg_metrics_render(char **out, size_t *out_len, const pg_metrics *m);

/* ---- tokens ------------------------------------------------------------ */

typedef struct pg_http_auth pg_http_auth;

typedef enum pg_http_auth_result {
    PG_AUTH_OK = 0,
    PG_AUTH_MISSING,  /* no "Authorization: Bearer" header */
    PG_AUTH_BAD,      /* a token no line of the file matches */
    PG_AUTH_LIMITED   /* a good token over its rate: 429 */
} pg_http_auth_result;

/* pg_http_auth_load - read a token file (format in docs and auth.c).
 * Returns 0, PG_EIO, PG_EPARSE ("FILE:LINE: ..."), PG_EPERM (the file is
 * writable by others), PG_ENOMEM. */
int pg_http_auth_load(pg_http_auth **out, const char *path);

/* pg_http_auth_free - free; NULL is allowed */
void pg_http_auth_free(pg_http_auth *auth);

/* pg_http_auth_count - how many tokens were loaded */
size_t pg_http_auth_count(const pg_http_auth *auth);

/* pg_http_auth_check - authenticate an Authorization header value (may be
 * NULL) and take one request from the token's bucket. *name_out is the
 * token's name (borrowed) when the token matched. Thread-safe. */
pg_http_auth_result pg_http_auth_check(const char **name_out, pg_http_auth *auth,
                                       const char *authorization);

/* pg_http_token_new - make a fresh random token and the token-file line
 * that admits it. The token is shown once and stored nowhere.
 * Returns 0 or PG_EINVAL (bad name, rate or burst; buffers too small). */
int pg_http_token_new(char *token, size_t token_cap, char *line,
                      size_t line_cap, const char *name, double rate,
                      double burst);

#endif /* PIIGUARD_HTTP_H */
