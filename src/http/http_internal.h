/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * http_internal.h - what server.c and api.c share and nobody else sees.
 *
 * struct pg_http is written once by pg_http_start() before the daemon's
 * threads exist and only read afterwards (the metrics and the token
 * buckets have their own atomics and locks), so handlers read it without
 * a lock. A pg_http_reply is per request and owned by the request's thread.
 */
#ifndef PIIGUARD_HTTP_INTERNAL_H
#define PIIGUARD_HTTP_INTERNAL_H

#include <microhttpd.h>

#include "http/http.h"

struct pg_http {
    struct MHD_Daemon *daemon;
    pg_service *svc;        /* borrowed */
    pg_metrics *metrics;    /* owned */
    pg_http_auth *auth;     /* owned; NULL: loopback clients only */
    size_t max_body;
    char *openapi;          /* the OpenAPI document, or NULL when not found */
    size_t openapi_len;
    char *tls_cert, *tls_key; /* PEM, kept until stop, the key wiped then */
    size_t tls_key_len;
    uint16_t port;
    unsigned threads;       /* the pool size actually started */
};

/* What a handler answers; server.c turns it into an MHD response. */
typedef struct pg_http_reply {
    unsigned status;
    char *body;               /* malloc'd, or NULL with static_body */
    const char *static_body;  /* borrowed for the server's lifetime */
    size_t len;
    const char *content_type;
    const char *allow;        /* the Allow header of a 405 */
    bool challenge;           /* add WWW-Authenticate (401) */
    bool retry_after;         /* add Retry-After (429) */
} pg_http_reply;

/* pg_http__reply_json - answer @status with @body (reference stolen).
 * Returns 0 or PG_ENOMEM (the reply is then a bare 500). */
int pg_http__reply_json(pg_http_reply *r, unsigned status, json_t *body);

/* pg_http__reply_error - answer {"error", "hint"} with @status */
int pg_http__reply_error(pg_http_reply *r, unsigned status, const char *error,
                         const char *hint);

/* A route's handler; @body is the request body (NUL-terminated, wiped and
 * freed by the caller afterwards), empty for GET. */
typedef int (*pg_http_handler)(pg_http_reply *r, pg_http *srv,
                               const char *body, size_t len);

int pg_http__check(pg_http_reply *r, pg_http *srv, const char *body, size_t len);
int pg_http__scan(pg_http_reply *r, pg_http *srv, const char *body, size_t len);
int pg_http__healthz(pg_http_reply *r, pg_http *srv, const char *body, size_t len);
int pg_http__metrics(pg_http_reply *r, pg_http *srv, const char *body, size_t len);
int pg_http__openapi(pg_http_reply *r, pg_http *srv, const char *body, size_t len);

/* pg_http__on_request - the MHD access handler (request.c) */
enum MHD_Result pg_http__on_request(void *cls, struct MHD_Connection *c,
                                    const char *url, const char *method,
                                    const char *version, const char *upload,
                                    size_t *upload_size, void **req_cls);

/* pg_http__on_completed - MHD's request-completed callback (request.c) */
void pg_http__on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                           enum MHD_RequestTerminationCode toe);

/* pg_http__on_connection - MHD's connection open/close callback (request.c) */
void pg_http__on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                            enum MHD_ConnectionNotificationCode toe);

#endif /* PIIGUARD_HTTP_INTERNAL_H */
