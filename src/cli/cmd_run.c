/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   cmd_run.c - piiguard run: the whole gateway with defaults, in the
 *   foreground, for a first try and for `make run`.
 *
 * SUMMARY
 *   int pg_cli_run(int argc, char **argv);
 *
 * DESCRIPTION
 *   Starts the milter (pg_milter_run, src/milter) on inet:8891@127.0.0.1
 *   and the HTTP check API on 127.0.0.1:8890, with the default policy and
 *   the given state directory, in the foreground. The HTTP server starts
 *   in the milter's worker through its start hook, once the service is
 *   open, so both front ends share one service, one store, one reload
 *   (SIGHUP) and one metrics registry (/metrics shows the milter too).
 *   It stops after the milter, before the service is closed.
 *
 *   Production runs the two as separate services (piiguard-milter(8),
 *   piiguard-serve(8)), so that one can restart without the other.
 */
#include <getopt.h>

#include "cli/cli.h"
#include "cli/privilege.h"
#include "http/http.h"
#include "milter/milter.h"

static const char usage_text[] =
    "usage: piiguard run --state-dir DIR [--policy FILE] [--listen SPEC]\n"
    "                    [--http ADDR:PORT] [--token-file FILE] [--no-http]\n"
    "                    [--user NAME]\n\n"
    "Run the mail gateway (milter on inet:8891@127.0.0.1) and the HTTP check\n"
    "API (127.0.0.1:8890) in the foreground with the default policy.\n"
    "Stop with Ctrl-C; reload the policy with SIGHUP. Started as root, it runs\n"
    "as --user (piiguard) once bound.\n"
    "For production use 'piiguard milter' and 'piiguard serve' (see man).\n";

/* What the worker's hooks need: the HTTP options and the server, and
 * whom to become once both front ends are bound. */
typedef struct run_http {
    pg_http_opts opts;
    pg_http *srv;
    bool enabled;
    pg_cli_privilege priv;
} run_http;

/* start_http - the HTTP API beside the milter, sharing its service */
static int start_http(pg_metrics **metrics, pg_service *svc, void *payload)
{
    run_http *h = payload;
    int err = h->enabled ? pg_http_start(&h->srv, svc, &h->opts) : 0;
    char why[256];

    if (!h->enabled)
        return pg_cli_privilege_drop(&h->priv);
    if (err < 0) {
        snprintf(why, sizeof(why), "%s", pg_error_last());
        return pg_error_set(err, "http api on %s: %s", h->opts.listen, why);
    }
    *metrics = pg_http_metrics(h->srv);
    pg_log(PG_LOG_INFO, "run", "http api listening on %s", h->opts.listen);
    return pg_cli_privilege_drop(&h->priv); /* both bound: root is no longer needed */
}

/* stop_http - finish the requests in flight and free the server */
static void stop_http(void *payload)
{
    run_http *h = payload;

    pg_http_stop(h->srv);
    h->srv = NULL;
}

/* the long options (getopt_long) */
static const struct option longopts[] = {
    {"state-dir", required_argument, 0, 's'},
    {"policy", required_argument, 0, 'p'},
    {"listen", required_argument, 0, 'l'},
    {"http", required_argument, 0, 'H'},
    {"token-file", required_argument, 0, 'k'},
    {"no-http", no_argument, 0, 'N'},
    {"user", required_argument, 0, 'u'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

/* pg_cli_run - the milter and the HTTP API with defaults, in the foreground */
int pg_cli_run(int argc, char **argv)
{
    run_http http = {.srv = NULL, .enabled = true};
    pg_milter_opts opts;
    int c;

    pg_milter_opts_init(&opts);
    pg_http_opts_init(&http.opts);
    http.opts.listen = "127.0.0.1:8890";
    opts.policy_path = pg_cli_default_policy_path();
    opts.foreground = true;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': opts.state_dir = optarg; break;
        case 'p': opts.policy_path = optarg; break;
        case 'l': opts.listen = optarg; break;
        case 'H': http.opts.listen = optarg; break;
        case 'k': http.opts.token_file = optarg; break;
        case 'N': http.enabled = false; break;
        case 'u': http.priv.user = optarg; break;
        case 'h': fputs(usage_text, stdout); return PG_EXIT_CLEAN;
        default: return pg_cli_error("run", "try 'piiguard run --help'");
        }
    }
    if (!opts.state_dir)
        return pg_cli_error("run", "--state-dir DIR is required");
    http.priv.state_dir = opts.state_dir;
    http.priv.policy_path = opts.policy_path;
    opts.start_extra = start_http;
    opts.stop_extra = stop_http;
    opts.extra_payload = &http;
    return pg_milter_run(&opts);
}
