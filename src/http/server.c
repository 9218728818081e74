/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	server.c - start and stop the HTTP check API (libmicrohttpd)
 *
 * SUMMARY
 *	pg_http_start() validates the options against the tunables table,
 *	loads the token file, the OpenAPI document and the TLS pair, binds,
 *	and leaves libmicrohttpd serving from its own thread pool;
 *	pg_http_stop() stops the daemon (which waits for the requests in
 *	flight) and frees what start made.
 *
 * DESCRIPTION
 *	Threading: MHD_USE_EPOLL_INTERNAL_THREAD with a pool of epoll
 *	threads, THREADS_PER_CPU per CPU by default. Each pool thread runs
 *	its own connections' checks to completion: no hand-off, no queue.
 *	More threads than CPUs because a check can block (the store's
 *	durable incident write) and a thread can be preempted, and either
 *	stalls every connection the thread owns. docs/performance.md ("HTTP
 *	API") has the measurements that chose this over poll(), a single
 *	epoll thread and a pool of one thread per CPU.
 *
 *	Limits: MHD enforces the idle timeout, the per-connection memory
 *	(headers and read buffer), the total and the per-address connection
 *	counts; request.c enforces the body size.
 *
 *	The OpenAPI document is read once at start, from --openapi, else
 *	$PIIGUARD_OPENAPI, else docs/openapi.yaml of the source tree this
 *	binary was built from, else /usr/share/piiguard/openapi.yaml. Reading
 *	it rather than embedding it keeps the build free of generated
 *	sources; a missing document is a warning and a 404, not a failure.
 *
 *	TLS: with --tls-cert and --tls-key, MHD serves HTTPS through GnuTLS.
 *	The key's PEM stays in memory while the daemon runs and is wiped at
 *	stop.
 *
 * DIAGNOSTICS
 *	Errors read "what is wrong; what to do" through pg_error_last().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "http/http_internal.h"

/* Documents and PEM files are small; anything larger is a wrong path. */
#define MAX_AUX_FILE (1u << 20)

/* Pool threads per CPU when --threads is 0. More threads than CPUs: a
 * pool thread that blocks (an incident's fsync) or is preempted stalls
 * every connection it owns; with more, smaller shares the others go on.
 * docs/performance.md, "HTTP API", has the measurements. */
#define THREADS_PER_CPU 8
#define PG_STR_(x) #x
#define PG_STR(x) PG_STR_(x)

#define T(field) offsetof(pg_http_opts, field)
static const pg_http_tunable tunables[] = {
    {"max-body", T(max_body), 4u << 20, 1024, 256u << 20,
     "request body ceiling in bytes: a chat message is small, an email in "
     "base64 is not; larger bodies get 413"},
    {"timeout", T(timeout_s), 10, 1, 3600,
     "seconds a connection may stay idle, mid-request or between requests"},
    {"threads", T(threads), 0, 0, 256,
     "worker threads; 0 = " PG_STR(THREADS_PER_CPU) " per online CPU"},
    {"per-ip-limit", T(per_ip_limit), 256, 1, 65536,
     "concurrent connections from one address, so one client cannot take them all"},
    {"conn-limit", T(conn_limit), 1024, 1, 65536, "concurrent connections in all"},
    {"conn-memory", T(conn_memory), 32768, 8192, 1u << 20,
     "bytes per connection for headers and read buffers"},
};
#undef T
#define N_TUNABLES (sizeof(tunables) / sizeof(tunables[0]))

/* tunable_at - the size_t a tunable names inside an options struct */
static size_t *tunable_at(pg_http_opts *opts, const pg_http_tunable *t)
{
    return (size_t *)((char *)opts + t->offset);
}

/* pg_http_tunables - the table, for the CLI's flags and docs */
const pg_http_tunable *pg_http_tunables(size_t *n_out)
{
    *n_out = N_TUNABLES;
    return tunables;
}

/* pg_http_opts_init - loopback on the default port, table defaults */
void pg_http_opts_init(pg_http_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->listen = "127.0.0.1:8470";
    for (size_t i = 0; i < N_TUNABLES; i++)
        *tunable_at(opts, &tunables[i]) = tunables[i].def;
}

/* check_opts - every tunable within its bounds, TLS as a pair */
static int check_opts(const pg_http_opts *opts)
{
    for (size_t i = 0; i < N_TUNABLES; i++) {
        size_t v = *tunable_at((pg_http_opts *)opts, &tunables[i]);
        if (v < tunables[i].min || v > tunables[i].max)
            return pg_error_set(PG_EINVAL, "--%s %zu is outside [%zu, %zu]",
                                tunables[i].name, v, tunables[i].min, tunables[i].max);
    }
    if (!opts->tls_cert != !opts->tls_key)
        return pg_error_set(PG_EINVAL, "TLS needs both --tls-cert and --tls-key");
    return 0;
}

/* parse_listen - "ADDR:PORT" or "[ADDR6]:PORT" into a socket address */
static int parse_listen(struct sockaddr_storage *ss, const char *s)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *colon = strrchr(s, ':');
    char *end;
    unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
    size_t hl = colon ? (size_t)(colon - s) : 0;
    bool v6 = hl >= 2 && s[0] == '[' && s[hl - 1] == ']';

    if (!colon || colon[1] == '\0' || *end || port > 65535 || hl == 0 || hl >= sizeof(host))
        return pg_error_set(PG_EINVAL, "--listen %s: expected ADDRESS:PORT, "
                            "e.g. 127.0.0.1:8470 or [::1]:8470", s);
    memcpy(host, s + v6, hl - 2 * v6);
    host[hl - 2 * v6] = '\0';
    memset(ss, 0, sizeof(*ss));
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) == 1)
            return 0;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) == 1)
            return 0;
    }
    return pg_error_set(PG_EINVAL, "--listen %s: '%s' is not an IP address "
                        "(names are not resolved)", s, host);
}

/* read_aux - a whole small file, NUL-terminated, malloc'd; NULL on error */
static char *read_aux(size_t *len_out, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf = NULL;

    if (!f) {
        pg_error_set(PG_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_AUX_FILE)
        pg_error_set(PG_EIO, "%s is not a regular file under 1 MiB", path);
    else if ((buf = malloc((size_t)st.st_size + 1)) &&
             fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
        buf[st.st_size] = '\0';
        *len_out = (size_t)st.st_size;
    } else {
        pg_error_set(PG_EIO, "cannot read %s", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* source_openapi - docs/openapi.yaml beside the policy of the source tree
 * this binary was built from (the build only tells us that path) */
static void source_openapi(char *buf, size_t cap)
{
    static const char policy[] = PG_SOURCE_POLICY, suffix[] = "etc/piiguard.yaml";
    size_t n = sizeof(policy) - 1, k = sizeof(suffix) - 1;

    buf[0] = '\0';
    if (n >= k && strcmp(policy + n - k, suffix) == 0)
        snprintf(buf, cap, "%.*sdocs/openapi.yaml", (int)(n - k), policy);
}

/* load_openapi - the document, from the first place that has it */
static int load_openapi(pg_http *srv, const pg_http_opts *opts)
{
    char src[4096];
    const char *env = getenv("PIIGUARD_OPENAPI");
    const char *where[] = {env && *env ? env : NULL, src, "/usr/share/piiguard/openapi.yaml"};

    if (opts->openapi_path) /* asked for by name: it must be there */
        return (srv->openapi = read_aux(&srv->openapi_len, opts->openapi_path)) ? 0 : PG_EIO;
    source_openapi(src, sizeof(src));
    for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
        if (where[i] && *where[i] && access(where[i], R_OK) == 0 &&
            (srv->openapi = read_aux(&srv->openapi_len, where[i])))
            return 0;
    pg_log(PG_LOG_WARN, "http", "openapi=missing GET /openapi.yaml will answer 404; "
           "pass --openapi FILE");
    return 0;
}

/* load_tls - the certificate and key PEM, when configured */
static int load_tls(pg_http *srv, const pg_http_opts *opts)
{
    size_t cert_len;

    if (!opts->tls_cert)
        return 0;
    if (!(srv->tls_cert = read_aux(&cert_len, opts->tls_cert)) ||
        !(srv->tls_key = read_aux(&srv->tls_key_len, opts->tls_key)))
        return PG_EIO;
    return 0;
}

/* load_auth - the token file, or the loopback-only warning */
static int load_auth(pg_http *srv, const pg_http_opts *opts)
{
    if (opts->token_file)
        return pg_http_auth_load(&srv->auth, opts->token_file);
    pg_log(PG_LOG_WARN, "http", "tokens=none serving loopback clients only; "
           "others get 403 until --token-file is given");
    return 0;
}

/* mhd_log - libmicrohttpd's messages into our log, one line each */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    if (!pg_log_enabled(PG_LOG_WARN))
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    pg_log(PG_LOG_WARN, "http", "mhd: %s", line);
}

/* start_daemon - bind and start MHD's thread pool */
static int start_daemon(pg_http *srv, const pg_http_opts *opts)
{
    struct sockaddr_storage ss;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = opts->threads ? (unsigned)opts->threads
                                     : THREADS_PER_CPU * (unsigned)(cpus > 0 ? cpus : 1);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    int err = parse_listen(&ss, opts->listen);
    const union MHD_DaemonInfo *di;

    if (err < 0)
        return err;
    flags |= (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (srv->tls_cert ? MHD_USE_TLS : 0);
    struct MHD_OptionItem o[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL}, /* first, or MHD warns */
        {MHD_OPTION_SOCK_ADDR, 0, &ss},
        {MHD_OPTION_THREAD_POOL_SIZE, threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)opts->timeout_s, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)opts->conn_limit, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)opts->per_ip_limit, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)opts->conn_memory, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)pg_http__on_completed, srv},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)pg_http__on_connection, srv},
        {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
        /* without TLS the array ends here and the key item is never read */
        {srv->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, pg_http__on_request, srv,
                                   MHD_OPTION_ARRAY, o, MHD_OPTION_END);
    if (!srv->daemon)
        return pg_error_set(PG_EIO, "cannot serve on %s (address in use, not local, "
                            "or a bad TLS pair); see the mhd: lines above", opts->listen);
    di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : 0;
    srv->threads = threads;
    return 0;
}

/* pg_http_start - everything start needs, in order; undone on failure */
int pg_http_start(pg_http **out, pg_service *svc, const pg_http_opts *opts)
{
    pg_http *srv;
    int err = check_opts(opts);

    if (err < 0)
        return err;
    if (!(srv = calloc(1, sizeof(*srv))))
        return PG_ENOMEM;
    srv->svc = svc;
    srv->max_body = opts->max_body;
    if ((err = pg_metrics_new(&srv->metrics)) < 0 || (err = load_auth(srv, opts)) < 0 ||
        (err = load_openapi(srv, opts)) < 0 || (err = load_tls(srv, opts)) < 0 ||
        (err = start_daemon(srv, opts)) < 0) {
        pg_http_stop(srv);
        return err;
    }
    pg_log(PG_LOG_INFO, "http", "listening=%s port=%u threads=%u tls=%s tokens=%zu",
           opts->listen, srv->port, srv->threads, srv->tls_cert ? "on" : "off",
           pg_http_auth_count(srv->auth));
    *out = srv;
    return 0;
}

/* pg_http_stop - stop serving (MHD joins its threads), then free */
void pg_http_stop(pg_http *srv)
{
    if (!srv)
        return;
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    pg_http_auth_free(srv->auth);
    pg_metrics_free(srv->metrics);
    free(srv->openapi);
    free(srv->tls_cert);
    if (srv->tls_key) {
        sodium_memzero(srv->tls_key, srv->tls_key_len);
        free(srv->tls_key);
    }
    free(srv);
}

/* pg_http_port - the bound port */
uint16_t pg_http_port(const pg_http *srv)
{
    return srv->port;
}

/* pg_http_metrics - the server's registry, borrowed */
pg_metrics *pg_http_metrics(pg_http *srv)
{
    return srv->metrics;
}
