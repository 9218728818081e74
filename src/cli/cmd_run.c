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
 *   Starts the milter (pg_milter_run, src/milter) on inet:11332@127.0.0.1
 *   with the default policy and the given state directory, in the
 *   foreground. The HTTP check API joins it through the milter's
 *   start_extra hook, which runs in the worker once the service is open,
 *   so both front ends share one service, one store and one reload.
 *
 * BUGS
 *   The HTTP API is not started yet: the hook below waits for the HTTP
 *   room's server (pg_http_start in src/http/server.c) to land.
 */
#include <getopt.h>

#include "cli/cli.h"
#include "milter/milter.h"

static const char usage_text[] =
    "usage: piiguard run --state-dir DIR [--policy FILE] [--listen SPEC]\n\n"
    "Run the mail gateway (milter on inet:11332@127.0.0.1) in the foreground\n"
    "with the default policy. Stop with Ctrl-C; reload with SIGHUP.\n"
    "For production use 'piiguard milter' and 'piiguard serve' (see man).\n";

/* start_http - TODO(http): call pg_http_start(&srv, svc, &opts) here once
 * src/http/server.c exists, and stop it after the milter; until then the
 * gateway runs alone */
static int start_http(pg_service *svc, void *payload)
{
    (void)svc;
    (void)payload;
    pg_log(PG_LOG_INFO, "run", "http api not started (not built yet)");
    return 0;
}

/* pg_cli_run - the milter with defaults, in the foreground */
int pg_cli_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"state-dir", required_argument, 0, 's'},
        {"policy", required_argument, 0, 'p'},
        {"listen", required_argument, 0, 'l'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    pg_milter_opts opts;
    int c;

    pg_milter_opts_init(&opts);
    opts.policy_path = pg_cli_default_policy_path();
    opts.foreground = true;
    opts.start_extra = start_http;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 's')
            opts.state_dir = optarg;
        else if (c == 'p')
            opts.policy_path = optarg;
        else if (c == 'l')
            opts.listen = optarg;
        else if (c == 'h')
            return fputs(usage_text, stdout), PG_EXIT_CLEAN;
        else
            return pg_cli_error("run", "try 'piiguard run --help'");
    }
    if (!opts.state_dir)
        return pg_cli_error("run", "--state-dir DIR is required");
    return pg_milter_run(&opts);
}
