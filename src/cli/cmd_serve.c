/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	cmd_serve.c - piiguard serve: the HTTP check API for chat and SMS
 *
 * SYNOPSIS
 *	piiguard serve --state-dir DIR [--listen ADDR:PORT] [--policy FILE]
 *	               [--token-file FILE] [--tls-cert FILE --tls-key FILE]
 *	               [--openapi FILE] [--log-level LEVEL] [--user NAME]
 *	               [--TUNABLE N ...]
 *	piiguard serve token NAME [--rate N] [--burst N] [--append FILE]
 *
 * DESCRIPTION
 *	serve opens the service (policy, engine, store), starts the HTTP
 *	server and then waits for signals on the main thread: SIGHUP reloads
 *	the policy (a bad policy is refused and the old one stays live),
 *	SIGINT and SIGTERM stop the server after the requests in flight.
 *	The signals are blocked before any thread starts, so that only this
 *	thread's sigwait() ever sees them.
 *
 *	The tunables (--max-body, --timeout, --threads, ...) come from the
 *	table in src/http/server.c, so their flags, defaults and bounds are
 *	written in one place.
 *
 *	serve token makes a new API token: the token goes to the client once,
 *	only its salted hash goes into the token file (man piiguard-serve).
 *
 *	--state-dir is required: a check that records no incident is not a
 *	check a compliance officer can audit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/privilege.h"
#include "http/http.h"

/* usage - serve's help, with the tunables listed from their table */
static int usage(FILE *f, int code)
{
    size_t n;
    const pg_http_tunable *t = pg_http_tunables(&n);

    fprintf(f, "usage: piiguard serve --state-dir DIR [--listen ADDR:PORT] [--policy FILE]\n"
               "                      [--token-file FILE] [--tls-cert FILE --tls-key FILE]\n"
               "                      [--openapi FILE] [--log-level debug|info|warn|error]\n"
               "                      [--user NAME]\n"
               "       piiguard serve token NAME [--rate N] [--burst N] [--append FILE]\n\n"
               "Serve POST /v1/check, POST /v1/scan, GET /healthz, GET /metrics and\n"
               "GET /openapi.yaml. Default --listen 127.0.0.1:8470. Without\n"
               "--token-file only loopback clients are served. Started as root, it\n"
               "runs as --user (piiguard) once bound.\n\ntunables:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  --%-13s %s (default %zu, %zu..%zu)\n", t[i].name, t[i].what,
                t[i].def, t[i].min, t[i].max);
    fprintf(f, "\nSIGHUP reloads the policy; SIGTERM stops. See man piiguard-serve.\n");
    return code;
}

/* parse_size - a decimal count for a tunable */
static bool parse_size(size_t *out, const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = (size_t)v;
    return true;
}

/* set_tunable - --NAME VALUE for a tunable; 1 when it was one, -1 when bad */
static int set_tunable(pg_http_opts *o, const char *flag, const char *value)
{
    size_t n;
    const pg_http_tunable *t = pg_http_tunables(&n);

    for (size_t i = 0; i < n; i++) {
        if (strncmp(flag, "--", 2) != 0 || strcmp(flag + 2, t[i].name) != 0)
            continue;
        return parse_size((size_t *)((char *)o + t[i].offset), value) ? 1 : -1;
    }
    return 0;
}

/* parse_level - a --log-level name */
static bool parse_level(pg_log_level *out, const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (pg_log_level)i;
            return true;
        }
    return false;
}

/* set_flag - one --flag VALUE pair; false when unknown or bad */
static bool set_flag(pg_http_opts *h, pg_service_opts *s, pg_log_level *lvl,
                     const char *flag, const char *v)
{
    int t = set_tunable(h, flag, v);

    if (t != 0)
        return t > 0;
    if (strcmp(flag, "--listen") == 0)
        h->listen = v;
    else if (strcmp(flag, "--policy") == 0)
        s->policy_path = v;
    else if (strcmp(flag, "--state-dir") == 0)
        s->state_dir = v;
    else if (strcmp(flag, "--token-file") == 0)
        h->token_file = v;
    else if (strcmp(flag, "--tls-cert") == 0)
        h->tls_cert = v;
    else if (strcmp(flag, "--tls-key") == 0)
        h->tls_key = v;
    else if (strcmp(flag, "--openapi") == 0)
        h->openapi_path = v;
    else if (strcmp(flag, "--log-level") == 0)
        return parse_level(lvl, v);
    else
        return false;
    return true;
}

/* wait_signals - the main thread's life: reload on HUP, return on INT/TERM */
static void wait_signals(const sigset_t *set, pg_service *svc, pg_http *srv)
{
    int sig;

    for (;;) {
        if (sigwait(set, &sig) != 0 || sig != SIGHUP)
            break;
        int err = pg_service_reload(svc);
        pg_metrics_reload(pg_http_metrics(srv), err == 0);
        if (err == 0)
            pg_log(PG_LOG_INFO, "http", "policy=reloaded");
        else
            pg_log(PG_LOG_WARN, "http", "policy=refused %s; the previous policy stays live",
                   pg_error_last());
    }
    pg_log(PG_LOG_INFO, "http", "signal=%d stopping after the requests in flight", sig);
}

/* serve - open the service, start the server, drop root, wait, stop */
static int serve(const pg_http_opts *h, const pg_service_opts *s, const char *user)
{
    pg_cli_privilege priv = {user, s->state_dir, s->policy_path};
    sigset_t set;
    pg_service *svc = NULL;
    pg_http *srv = NULL;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a capped disk fails a write, not the daemon */
    if (pg_service_open(&svc, s) < 0)
        return pg_cli_error("serve", "%s", pg_error_last());
    if (pg_http_start(&srv, svc, h) < 0) {
        int rc = pg_cli_error("serve", "%s", pg_error_last());
        pg_service_close(svc);
        return rc;
    }
    if (pg_cli_privilege_drop(&priv) < 0) {
        int rc = pg_cli_error("serve", "%s", pg_error_last());
        pg_http_stop(srv);
        pg_service_close(svc);
        return rc;
    }
    wait_signals(&set, svc, srv);
    pg_http_stop(srv);
    pg_service_close(svc);
    return PG_EXIT_CLEAN;
}

/* append_line - add a token line to a token file, creating it 0600 */
static int append_line(const char *path, const char *line)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    size_t n = strlen(line);
    bool ok;

    if (fd < 0)
        return pg_cli_error("serve token", "cannot open %s: %s", path, strerror(errno));
    ok = write(fd, line, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok = (close(fd) == 0) && ok;
    if (!ok)
        return pg_cli_error("serve token", "cannot write %s: %s", path, strerror(errno));
    return PG_EXIT_CLEAN;
}

/* token_cmd - piiguard serve token NAME [--rate N] [--burst N] [--append FILE] */
static int token_cmd(int argc, char **argv)
{
    char token[128], line[512];
    double rate = 100, burst = 200;
    const char *append = NULL;
    int rc = PG_EXIT_CLEAN;

    if (argc < 2 || pg_cli_is_help(argv[1]))
        return usage(argc < 2 ? stderr : stdout, argc < 2 ? PG_EXIT_ERROR : PG_EXIT_CLEAN);
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc)
            return pg_cli_error("serve token", "%s needs a value", argv[i]);
        if (strcmp(argv[i], "--rate") == 0)
            rate = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--burst") == 0)
            burst = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--append") == 0)
            append = argv[i + 1];
        else
            return pg_cli_error("serve token", "unknown option %s; try --help", argv[i]);
    }
    if (pg_http_token_new(token, sizeof(token), line, sizeof(line), argv[1], rate, burst) < 0)
        return pg_cli_error("serve token", "%s", pg_error_last());
    if (append)
        rc = append_line(append, line);
    if (rc == PG_EXIT_CLEAN && append)
        printf("%s\n", token);
    else if (rc == PG_EXIT_CLEAN)
        printf("token: %s\nline: %s\n", token, line);
    return rc;
}

/* pg_cli_serve - parse, then serve until a signal */
int pg_cli_serve(int argc, char **argv)
{
    pg_http_opts h;
    pg_service_opts s = {.policy_path = pg_cli_default_policy_path(), .state_dir = NULL};
    pg_log_level lvl = PG_LOG_INFO;
    const char *user = NULL;

    if (argc > 1 && strcmp(argv[1], "token") == 0)
        return token_cmd(argc - 1, argv + 1);
    pg_http_opts_init(&h);
    for (int i = 1; i < argc; i += 2) {
        if (pg_cli_is_help(argv[i]))
            return usage(stdout, PG_EXIT_CLEAN);
        if (i + 1 >= argc)
            return pg_cli_error("serve", "%s needs a value; try --help", argv[i]);
        if (strcmp(argv[i], "--user") == 0) {
            user = argv[i + 1];
            continue;
        }
        if (!set_flag(&h, &s, &lvl, argv[i], argv[i + 1]))
            return pg_cli_error("serve", "bad option %s %s; try --help", argv[i], argv[i + 1]);
    }
    if (!s.state_dir)
        return pg_cli_error("serve", "--state-dir DIR is required: incidents are "
                            "recorded there");
    pg_log_configure(lvl, NULL, NULL);
    return serve(&h, &s, user);
}
