/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   cmd_milter.c - piiguard milter: the mail gateway for Postfix.
 *
 * SUMMARY
 *   int pg_cli_milter(int argc, char **argv);
 *
 * DESCRIPTION
 *   Parses the options into a pg_milter_opts and hands over to
 *   pg_milter_run() (src/milter), which detaches unless --foreground,
 *   supervises the libmilter worker and returns the exit code. The
 *   options and their defaults are documented in piiguard-milter(8).
 *
 * DIAGNOSTICS
 *   Exit 0 after a clean stop (SIGTERM), 2 on a usage or start-up error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/privilege.h"
#include "milter/milter.h"
#include "piiguard/pg_limits.h"

static const char usage_text[] =
    "usage: piiguard milter --state-dir DIR [--listen SPEC] [--policy FILE]\n"
    "                       [--foreground] [--notify] [--sendmail PATH]\n"
    "                       [--spool-threshold BYTES] [--max-message BYTES]\n"
    "                       [--timeout SECONDS] [--log-level LEVEL] [--user NAME]\n\n"
    "Check every message Postfix hands over for customer PII and enforce\n"
    "the policy: reject, quarantine, redact, route securely, tag or allow.\n\n"
    "  --listen SPEC          inet:PORT@HOST or unix:PATH (inet:8891@127.0.0.1)\n"
    "  --policy FILE          the policy (default: $PIIGUARD_POLICY, etc/piiguard.yaml)\n"
    "  --state-dir DIR        store, quarantine and spool directory (required)\n"
    "  --foreground           stay attached, log to stderr (else syslog, mail)\n"
    "  --notify               mail the full notice to senders of refused mail\n"
    "  --sendmail PATH        the MTA's sendmail for --notify (/usr/sbin/sendmail)\n"
    "  --spool-threshold N    bytes per message kept in memory (1M); K, M, G\n"
    "  --max-message N        larger messages are refused with 552 (64M)\n"
    "  --timeout SECONDS      libmilter's I/O timeout towards the MTA\n"
    "  --log-level LEVEL      debug, info, warn or error (info)\n"
    "  --user NAME            started as root: run as NAME once bound (piiguard)\n\n"
    "Signals: HUP reloads the policy (a bad one is refused, the old one\n"
    "stays), TERM stops after the messages in flight. See piiguard-milter(8).\n";

/* parse_size - "1048576", "1024K", "1M", "1G" */
static int parse_size(size_t *out, const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;

    if (end == s || *s == '-')
        return PG_EINVAL;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (PG_HARD_MAX_MESSAGE >> shift))
        return PG_EINVAL;
    *out = (size_t)(v << shift);
    return 0;
}

/* parse_level - a log level by name */
static int parse_level(pg_log_level *out, const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (pg_log_level)i;
            return 0;
        }
    return PG_EINVAL;
}

/* apply - one option into opts; 0, or the exit code for a bad one */
static int apply(pg_milter_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'l': o->listen = arg; return 0;
    case 'p': o->policy_path = arg; return 0;
    case 's': o->state_dir = arg; return 0;
    case 'f': o->foreground = true; return 0;
    case 'n': o->notify = true; return 0;
    case 'm': o->sendmail = arg; return 0;
    case 'T':
        return parse_size(&o->spool_threshold, arg) < 0
                   ? pg_cli_error("milter", "--spool-threshold: bad size '%s'", arg) : 0;
    case 'M':
        return parse_size(&o->max_message, arg) < 0 || o->max_message == 0
                   ? pg_cli_error("milter", "--max-message: bad size '%s'", arg) : 0;
    case 't':
        o->timeout = atoi(arg);
        return o->timeout > 0 ? 0 : pg_cli_error("milter", "--timeout: want seconds > 0");
    case 'L':
        return parse_level(&o->log_level, arg) < 0
                   ? pg_cli_error("milter", "--log-level: debug, info, warn or error") : 0;
    default:
        return pg_cli_error("milter", "try 'piiguard milter --help'");
    }
}

/* the long options (getopt_long) */
static const struct option longopts[] = {
    {"listen", required_argument, 0, 'l'},
    {"policy", required_argument, 0, 'p'},
    {"state-dir", required_argument, 0, 's'},
    {"foreground", no_argument, 0, 'f'},
    {"notify", no_argument, 0, 'n'},
    {"sendmail", required_argument, 0, 'm'},
    {"spool-threshold", required_argument, 0, 'T'},
    {"max-message", required_argument, 0, 'M'},
    {"timeout", required_argument, 0, 't'},
    {"log-level", required_argument, 0, 'L'},
    {"user", required_argument, 0, 'u'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

/* pg_cli_milter - parse, check, run */
int pg_cli_milter(int argc, char **argv)
{
    pg_milter_opts opts;
    pg_cli_privilege priv = {0};
    int c, err;

    if (argc > 1 && pg_cli_is_help(argv[1])) {
        fputs(usage_text, stdout);
        return PG_EXIT_CLEAN;
    }
    pg_milter_opts_init(&opts);
    opts.policy_path = pg_cli_default_policy_path();
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return PG_EXIT_CLEAN;
        }
        if (c == 'u') {
            priv.user = optarg;
            continue;
        }
        if ((err = apply(&opts, c, optarg)) != 0)
            return err;
    }
    if (optind < argc)
        return pg_cli_error("milter", "unexpected argument '%s'", argv[optind]);
    if (!opts.state_dir)
        return pg_cli_error("milter", "--state-dir DIR is required (the store, "
                            "quarantine and spool live there)");
    if (opts.spool_threshold > opts.max_message)
        opts.spool_threshold = opts.max_message;
    /* the worker drops root once its socket is bound (privilege.c) */
    priv.state_dir = opts.state_dir;
    priv.policy_path = opts.policy_path;
    opts.start_extra = pg_cli_privilege_hook;
    opts.extra_payload = &priv;
    return pg_milter_run(&opts);
}
