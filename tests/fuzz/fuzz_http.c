/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_http.c - libFuzzer target: HTTP request handling, without a
 * listening socket.
 *
 * Input: byte 0 picks a mode, the rest is the input of that mode.
 *   0  a POST /v1/check body, straight into its handler (api.c)
 *   1  a POST /v1/scan body, straight into its handler
 *   2  a whole HTTP/1.1 request (request line, headers, body) through
 *      libmicrohttpd with the server's own callbacks (request.c): routing,
 *      admission, content type, declared and chunked lengths, the body
 *      buffer, then the handler. The request arrives from 127.0.0.1 over
 *      a socketpair handed to MHD_add_connection(); there is no token
 *      file, so loopback clients are admitted.
 *   3  an Authorization header value against a token file of one token;
 *      when the input starts with 'T', the real token follows "Bearer "
 *      and the input is appended (the fuzzer cannot guess a token).
 *
 * The service behind the handlers is the real one, with etc/piiguard.yaml
 * rewritten only to parse attachments in-process (a fork per input would
 * hide crashes from the fuzzer) and with no store: an incident per input
 * would grow a database for the length of the run, and the store's input
 * comes from the service, not from the wire.
 *
 * Invariants: a handler always answers (a status and a content type); an
 * application/json answer is one JSON object, a 200 from /v1/check holds
 * decision.action; an answer on the wire starts with an HTTP status line;
 * every connection is closed and every request's state freed by the end
 * of the input (LeakSanitizer checks the rest).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How long one raw request may take, in MHD_run rounds of at most 1 ms. */
#define MAX_ROUNDS 2000

static pg_http fuzz_srv;
static char fuzz_token[128];

/* discard - a log sink that formats (so formatting is fuzzed) and drops */
static void discard(pg_log_level level, const char *line, void *payload)
{
    if (!line)
        abort();
}

/* replace - copy @s with the first @from made @to; aborts when absent */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    char *out;

    if (!at || !(out = malloc(strlen(s) + strlen(to) + 1))) {
        fprintf(stderr, "fuzz_http: '%s' not found in %s\n", from, PG_SOURCE_POLICY);
        abort();
    }
    sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

/* write_temp - @text into a fresh 0600 file; returns its path (static) */
static const char *write_temp(const char *tmpl, const char *text)
{
    static char paths[2][64];
    static int next;
    char *p = paths[next++ % 2];
    int fd;

    snprintf(p, 64, "%s", tmpl);
    if ((fd = mkstemp(p)) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        abort();
    close(fd);
    return p;
}

/* fuzz_policy - etc/piiguard.yaml with in-process extractors and an
 * absolute notices directory, in a temporary file */
static const char *fuzz_policy(void)
{
    FILE *f = fopen(PG_SOURCE_POLICY, "r");
    static char buf[1 << 16];
    char notices[4200];
    size_t n;

    if (!f || (n = fread(buf, 1, sizeof(buf) - 1, f)) == 0)
        abort();
    fclose(f);
    buf[n] = '\0';
    snprintf(notices, sizeof(notices), "dir: %.*snotices",
             (int)(strlen(PG_SOURCE_POLICY) - strlen("piiguard.yaml")), PG_SOURCE_POLICY);
    char *a = replace(buf, "isolate_extractors: true", "isolate_extractors: false");
    char *b = replace(a, "dir: notices", notices);
    const char *path = write_temp("/tmp/pg-fuzz-policy.XXXXXX", b);
    free(a);
    free(b);
    return path;
}

/* setup - the service, the metrics and a token file, once */
static void setup(void)
{
    static char line[512];
    pg_service_opts so = {.policy_path = fuzz_policy(), .state_dir = NULL};

    pg_log_configure(PG_LOG_DEBUG, discard, NULL);
    if (pg_service_open(&fuzz_srv.svc, &so) < 0 || pg_metrics_new(&fuzz_srv.metrics) < 0 ||
        pg_http_token_new(fuzz_token, sizeof(fuzz_token), line, sizeof(line), "fuzz", 1e9, 1e9) < 0) {
        fprintf(stderr, "fuzz_http: setup: %s\n", pg_error_last());
        abort();
    }
    strcat(line, "\n");
    const char *tokens = write_temp("/tmp/pg-fuzz-tokens.XXXXXX", line);
    if (pg_http_auth_load(&fuzz_srv.auth, tokens) < 0)
        abort();
    unlink(tokens);
    unlink(so.policy_path);
    fuzz_srv.max_body = 4u << 20;
}

/* check_reply - what every handler answer must be */
static void check_reply(const pg_http_reply *r, bool is_check)
{
    if (r->status < 100 || r->status > 599 || !r->content_type)
        abort();
    const char *body = r->body ? r->body : r->static_body;
    if (!body)
        abort();
    if (strncmp(r->content_type, "application/json", 16) != 0)
        return;
    json_t *j = json_loadb(body, r->len, 0, NULL);
    if (!json_is_object(j))
        abort();
    if (is_check && r->status == 200 &&
        !json_is_string(json_object_get(json_object_get(j, "decision"), "action")))
        abort();
    json_decref(j);
}

/* handler - modes 0 and 1 */
static void handler(pg_http_handler fn, const uint8_t *data, size_t size, bool is_check)
{
    pg_http_reply r = {0};
    char *body = malloc(size + 1);

    if (!body)
        return;
    memcpy(body, data, size);
    body[size] = '\0';
    /* the auth pointer is unused by handlers; hide it as request.c would */
    pg_http_auth *auth = fuzz_srv.auth;
    fuzz_srv.auth = NULL;
    if (fn(&r, &fuzz_srv, body, size) < 0 && !r.status)
        pg_http__reply_error(&r, 500, "internal error", "x"); /* as request.c run() */
    fuzz_srv.auth = auth;
    check_reply(&r, is_check);
    free(r.body);
    free(body);
}

/* current_connections - MHD's count of open connections */
static unsigned current_connections(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return i ? i->num_connections : 0;
}

/* pump - write the request, read the answer, run MHD, until the server
 * closes or the rounds run out; returns the answer's first bytes */
static size_t pump(struct MHD_Daemon *d, int fd, const uint8_t *data, size_t size,
                   char *ans, size_t cap)
{
    size_t sent = 0, got = 0;
    bool shut = false;

    for (int round = 0; round < MAX_ROUNDS; round++) {
        if (sent < size) {
            ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n > 0)
                sent += (size_t)n;
            else if (n < 0 && errno != EAGAIN)
                sent = size; /* the server closed: the rest is lost */
        } else if (!shut) {
            shutdown(fd, SHUT_WR);
            shut = true;
        }
        MHD_run(d);
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n == 0)
            break;
        if (n > 0 && got < cap) {
            size_t k = (size_t)n < cap - got ? (size_t)n : cap - got;
            memcpy(ans + got, buf, k);
            got += k;
        }
        if (n < 0)
            poll(&(struct pollfd){fd, POLLIN, 0}, 1, round < 20 ? 0 : 1);
    }
    return got;
}

/* mhd_quiet - MHD's own complaints about the input are expected */
static void mhd_quiet(void *cls, const char *fmt, va_list ap)
{
}

/* raw_request - mode 2: the bytes as an HTTP connection from 127.0.0.1 */
static void raw_request(const uint8_t *data, size_t size)
{
    struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    pg_http_auth *auth = fuzz_srv.auth;
    struct MHD_Daemon *d;
    char ans[64];
    int sv[2];

    fuzz_srv.auth = NULL; /* no token file: loopback is admitted */
    d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                         pg_http__on_request, &fuzz_srv,
                         MHD_OPTION_EXTERNAL_LOGGER, mhd_quiet, NULL, /* first, or MHD warns */
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)1,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
                         MHD_OPTION_NOTIFY_COMPLETED, pg_http__on_completed, &fuzz_srv,
                         MHD_OPTION_NOTIFY_CONNECTION, pg_http__on_connection, &fuzz_srv,
                         MHD_OPTION_END);
    if (!d || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    if (MHD_add_connection(d, sv[1], (struct sockaddr *)&lo, sizeof(lo)) != MHD_YES)
        abort();
    size_t got = pump(d, sv[0], data, size, ans, sizeof(ans));
    if (got >= 5 && strncmp(ans, "HTTP/", 5) != 0)
        abort();
    close(sv[0]);
    for (int i = 0; i < 100 && current_connections(d) > 0; i++)
        MHD_run(d);
    MHD_stop_daemon(d); /* closes what is left; on_completed frees it */
    fuzz_srv.auth = auth;
}

/* auth_header - mode 3 */
static void auth_header(const uint8_t *data, size_t size)
{
    bool real = size > 0 && data[0] == 'T';
    size_t pre = real ? strlen("Bearer ") + strlen(fuzz_token) : 0;
    char *h = malloc(pre + size + 1);
    const char *name = NULL;

    if (!h)
        return;
    if (real)
        sprintf(h, "Bearer %s", fuzz_token);
    memcpy(h + pre, data + real, size - real);
    h[pre + size - real] = '\0';
    pg_http_auth_result r = pg_http_auth_check(&name, fuzz_srv.auth, h);
    if (r == PG_AUTH_OK && (!name || strcmp(name, "fuzz") != 0))
        abort();
    if (real && size == 1 && r != PG_AUTH_OK)
        abort(); /* the real token alone is admitted (rate 1e9/s) */
    free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_srv.svc)
        setup();
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0: handler(pg_http__check, data + 1, size - 1, true); break;
    case 1: handler(pg_http__scan, data + 1, size - 1, false); break;
    case 2: raw_request(data + 1, size - 1); break;
    default: auth_header(data + 1, size - 1); break;
    }
    return 0;
}
