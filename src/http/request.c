/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	request.c - one HTTP request's life: route, admit, read the body,
 *	hand it to a handler, answer, count
 *
 * SUMMARY
 *	libmicrohttpd calls pg_http__on_request() once when the headers are
 *	in, once per body chunk, and once more when the body is complete.
 *	Everything that can be refused without the body (unknown path,
 *	wrong method, client not admitted, token over its rate, wrong
 *	content type, declared length over the limit) is refused on the
 *	first call, before one body byte is read or buffered.
 *
 * DESCRIPTION
 *	Admission: with no token file, only loopback clients are served, on
 *	every path (403 otherwise). With tokens, /v1/... and /metrics need
 *	"Authorization: Bearer" (401) and take one request from the token's
 *	bucket (429); /healthz and /openapi.yaml stay open, as they say
 *	nothing about any message.
 *
 *	Body: kept in a buffer that grows to at most max_body + 1 bytes;
 *	when it must move, the old copy is wiped first (it holds a customer's
 *	message). A chunked body that outgrows the limit is read and dropped
 *	up to twice the limit, then answered 413; past that the connection
 *	is closed, since a client that far over is not making a mistake.
 *	The buffer is wiped and freed in pg_http__on_completed(), whatever
 *	way the request ended.
 *
 *	Per-request state is one calloc'd http_req, owned by MHD's request
 *	slot and so by one thread at a time.
 *
 * BUGS
 *	MHD copies body chunks through its own connection buffer, which it
 *	does not wipe; that memory is reused by the next request on the
 *	connection and bounded by conn_memory.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "http/http_internal.h"

/* Body bytes reserved up front from Content-Length; more is grown. */
#define PREALLOC_MAX (64u * 1024)

/* One endpoint. GET routes answer HEAD too (MHD drops the body). */
typedef struct route {
    const char *path;
    const char *method;
    const char *allow;
    pg_metrics_endpoint ep;
    bool open;      /* served without a token (still loopback-only without a token file) */
    bool json_body; /* POST with a JSON body */
    pg_http_handler fn;
} route;

static const route routes[] = {
    {"/v1/check", "POST", "POST", PG_EP_CHECK, false, true, pg_http__check},
    {"/v1/scan", "POST", "POST", PG_EP_SCAN, false, true, pg_http__scan},
    {"/healthz", "GET", "GET, HEAD", PG_EP_HEALTHZ, true, false, pg_http__healthz},
    {"/metrics", "GET", "GET, HEAD", PG_EP_METRICS, false, false, pg_http__metrics},
    {"/openapi.yaml", "GET", "GET, HEAD", PG_EP_OPENAPI, true, false, pg_http__openapi},
};

typedef struct http_req {
    const route *rt;       /* NULL when answered before routing succeeded */
    uint64_t t0;           /* monotonic ns when the headers were in */
    char *body;            /* NUL-terminated, wiped before free */
    size_t len, cap;
    size_t dropped;        /* bytes read past max_body */
    unsigned status;       /* 0 until a response is queued */
} http_req;

/* now_ns - monotonic nanoseconds, for latency */
static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* find_route - the route for a path, or NULL */
static const route *find_route(const char *url)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strcmp(routes[i].path, url) == 0)
            return &routes[i];
    return NULL;
}

/* method_ok - does @method fit the route (HEAD fits GET)? */
static bool method_ok(const route *rt, const char *method)
{
    return strcmp(rt->method, method) == 0 ||
           (strcmp(rt->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* is_loopback - 127.0.0.0/8, ::1, or ::ffff:127.x.y.z */
static bool is_loopback(const struct sockaddr *sa)
{
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* client_addr - the peer's address as MHD saw it */
static const struct sockaddr *client_addr(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? ci->client_addr : NULL;
}

/* admit - loopback-only without tokens; bearer token and its rate with
 * them. True when the request may go on; false with @r filled. */
static bool admit(pg_http_reply *r, pg_http *srv, struct MHD_Connection *c,
                  const route *rt)
{
    const char *name;

    if (!srv->auth) {
        if (is_loopback(client_addr(c)))
            return true;
        pg_http__reply_error(r, MHD_HTTP_FORBIDDEN, "this server answers loopback clients only",
                             "no API tokens are configured; start piiguard serve with "
                             "--token-file to admit remote clients");
        return false;
    }
    if (rt->open)
        return true;
    switch (pg_http_auth_check(&name, srv->auth, MHD_lookup_connection_value(
                                   c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))) {
    case PG_AUTH_OK:
        return true;
    case PG_AUTH_MISSING:
        pg_http__reply_error(r, MHD_HTTP_UNAUTHORIZED, "missing bearer token",
                             "send 'Authorization: Bearer TOKEN'; an operator makes "
                             "tokens with 'piiguard serve token NAME'");
        break;
    case PG_AUTH_BAD:
        pg_http__reply_error(r, MHD_HTTP_UNAUTHORIZED, "invalid token",
                             "check the token your client sends against the one issued; "
                             "the server keeps only its hash");
        break;
    case PG_AUTH_LIMITED:
        pg_http__reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "rate limit exceeded for this token",
                             "retry after the Retry-After seconds, or ask the operator to "
                             "raise RATE and BURST on this token's line");
        r->retry_after = true;
        break;
    }
    r->challenge = r->status == MHD_HTTP_UNAUTHORIZED;
    return false;
}

/* is_json_type - "application/json", with or without parameters */
static bool is_json_type(const char *ct)
{
    static const char json[] = "application/json";

    if (!ct || strncasecmp(ct, json, sizeof(json) - 1) != 0)
        return false;
    ct += sizeof(json) - 1;
    return *ct == '\0' || *ct == ';' || *ct == ' ' || *ct == '\t';
}

/* reply_too_big - the 413 answer, naming the limit */
static void reply_too_big(pg_http_reply *r, size_t max)
{
    char msg[96];

    snprintf(msg, sizeof(msg), "request body larger than %zu bytes", max);
    pg_http__reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, msg,
                         "send one message per request; the operator sets the "
                         "limit with --max-body");
}

/* body_ok - content type and declared length of a JSON POST; reserves the
 * buffer when the length is known. False with @r filled when refused. */
static bool body_ok(pg_http_reply *r, pg_http *srv, struct MHD_Connection *c, http_req *rq)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;

    if (!is_json_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_CONTENT_TYPE))) {
        pg_http__reply_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                             "content type must be application/json",
                             "send 'Content-Type: application/json' and a JSON object");
        return false;
    }
    if (n > srv->max_body) {
        reply_too_big(r, srv->max_body);
        return false;
    }
    /* reserve what a chat message needs at once; a declared 4 MiB grows
     * as it arrives, so idle connections cannot pin the whole limit */
    n = n > PREALLOC_MAX ? PREALLOC_MAX : n;
    if (n > 0 && (rq->body = malloc(n + 1)))
        rq->cap = n + 1;
    return true;
}

/* gate - everything decided on the headers alone; true when @r holds a
 * refusal to send now */
static bool gate(pg_http_reply *r, pg_http *srv, struct MHD_Connection *c,
                 http_req *rq, const char *url, const char *method)
{
    const route *rt = find_route(url);

    if (!rt) {
        pg_http__reply_error(r, MHD_HTTP_NOT_FOUND, "no such endpoint",
                             "the API is POST /v1/check, POST /v1/scan, GET /healthz, "
                             "GET /metrics and GET /openapi.yaml");
        return true;
    }
    rq->rt = rt;
    if (!method_ok(rt, method)) {
        pg_http__reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
                             "see the Allow header, or GET /openapi.yaml");
        r->allow = rt->allow;
        return true;
    }
    if (!admit(r, srv, c, rt))
        return true;
    return rt->json_body && !body_ok(r, srv, c, rq);
}

/* send_reply - hand a reply to MHD with the headers every answer carries */
static enum MHD_Result send_reply(struct MHD_Connection *c, http_req *rq, pg_http_reply *r)
{
    struct MHD_Response *resp =
        r->body ? MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE)
                : MHD_create_response_from_buffer(r->len, (void *)r->static_body,
                                                  MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!resp) {
        free(r->body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->challenge)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"piiguard\"");
    if (r->retry_after)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    rq->status = r->status;
    return ret;
}

/* grow - make room for @need more bytes plus a NUL, wiping the old copy */
static bool grow(http_req *rq, size_t need, size_t max)
{
    size_t cap = rq->cap ? rq->cap : 1024;
    char *nb;

    while (cap < rq->len + need + 1)
        cap *= 2;
    if (cap > max + 1)
        cap = max + 1;
    if (!(nb = malloc(cap)))
        return false;
    if (rq->body) {
        memcpy(nb, rq->body, rq->len);
        sodium_memzero(rq->body, rq->cap);
        free(rq->body);
    }
    rq->body = nb;
    rq->cap = cap;
    return true;
}

/* absorb - take one body chunk; false when the connection should close */
static bool absorb(pg_http *srv, http_req *rq, const char *data, size_t n)
{
    if (!rq->rt || !rq->rt->json_body || rq->status)
        return true; /* a GET's body, or one already answered: dropped */
    if (rq->dropped || n > srv->max_body - rq->len) {
        rq->dropped += n;
        return rq->dropped <= srv->max_body;
    }
    if (rq->len + n + 1 > rq->cap && !grow(rq, n, srv->max_body))
        return false;
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    rq->body[rq->len] = '\0';
    return true;
}

/* run - the body is complete: call the handler and answer */
static enum MHD_Result run(pg_http *srv, struct MHD_Connection *c, http_req *rq)
{
    pg_http_reply r = {0};

    if (rq->dropped)
        reply_too_big(&r, srv->max_body);
    else if (rq->rt->fn(&r, srv, rq->body ? rq->body : "", rq->len) < 0 && !r.status)
        pg_http__reply_error(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error",
                             "retry shortly; the server log has the cause");
    if (r.status == MHD_HTTP_INTERNAL_SERVER_ERROR)
        pg_metrics_error_inc(srv->metrics, PG_MERR_INTERNAL);
    return send_reply(c, rq, &r);
}

/* begin - the headers are in: allocate the request, refuse it early if
 * it must be refused */
static enum MHD_Result begin(pg_http *srv, struct MHD_Connection *c, const char *url,
                             const char *method, void **req_cls)
{
    http_req *rq = calloc(1, sizeof(*rq));
    pg_http_reply r = {0};

    if (!rq)
        return MHD_NO;
    rq->t0 = now_ns();
    *req_cls = rq;
    if (gate(&r, srv, c, rq, url, method))
        return send_reply(c, rq, &r);
    return MHD_YES;
}

/* pg_http__on_request - MHD's access handler: begin, absorb, run */
enum MHD_Result pg_http__on_request(void *cls, struct MHD_Connection *c,
                                    const char *url, const char *method,
                                    const char *version, const char *upload,
                                    size_t *upload_size, void **req_cls)
{
    pg_http *srv = cls;
    http_req *rq = *req_cls;

    if (!rq)
        return begin(srv, c, url, method, req_cls);
    if (*upload_size) {
        bool go_on = absorb(srv, rq, upload, *upload_size);
        *upload_size = 0;
        return go_on ? MHD_YES : MHD_NO;
    }
    if (rq->status)
        return MHD_YES; /* refused on the headers; MHD is finishing the send */
    return run(srv, c, rq);
}

/* pg_http__on_completed - count the request, wipe and free its state */
void pg_http__on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                           enum MHD_RequestTerminationCode toe)
{
    pg_http *srv = cls;
    http_req *rq = *req_cls;

    if (!rq)
        return;
    if (rq->status)
        pg_metrics_http_request(srv->metrics, rq->rt ? rq->rt->ep : PG_EP_OTHER,
                                rq->status, now_ns() - rq->t0);
    if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
        pg_metrics_error_inc(srv->metrics, PG_MERR_TIMEOUT);
    else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
             toe != MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN)
        pg_metrics_error_inc(srv->metrics, PG_MERR_ABORTED);
    if (rq->body) {
        sodium_memzero(rq->body, rq->cap);
        free(rq->body);
    }
    free(rq);
    *req_cls = NULL;
}

/* pg_http__on_connection - keep the open-connections gauge */
void pg_http__on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                            enum MHD_ConnectionNotificationCode toe)
{
    pg_http *srv = cls;

    pg_metrics_connections(srv->metrics, toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}
