/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * admin.h - what the admin commands (quarantine, incidents, report, audit)
 * share: the common options, opening the store with an error that says
 * what to do, the operator's name, and output helpers.
 *
 * Common options: --state-dir DIR (default: ./var when it exists, else
 * /var/lib/piiguard), --operator NAME (default: $SUDO_USER, then $USER),
 * --retention-days N (default 30), -h/--help.
 */
#ifndef PIIGUARD_CLI_ADMIN_H
#define PIIGUARD_CLI_ADMIN_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "piiguard/pg_store.h"

/* Long-only option codes shared by the admin commands. */
enum {
    PG_OPT_STATE_DIR = 1000,
    PG_OPT_OPERATOR,
    PG_OPT_RETENTION,
    PG_OPT_SINCE,
    PG_OPT_UNTIL,
    PG_OPT_CHANNEL,
    PG_OPT_FIRST_FREE /* each command numbers its own options from here */
};

/* The long options every admin command accepts; put first in its table. */
#define PG_ADMIN_LONGOPTS                                             \
    {"state-dir", required_argument, NULL, PG_OPT_STATE_DIR},         \
    {"operator", required_argument, NULL, PG_OPT_OPERATOR},           \
    {"retention-days", required_argument, NULL, PG_OPT_RETENTION},    \
    {"help", no_argument, NULL, 'h'}

/* The period and channel options of the commands that read incidents. */
#define PG_ADMIN_FILTER_LONGOPTS                                      \
    {"since", required_argument, NULL, PG_OPT_SINCE},                 \
    {"until", required_argument, NULL, PG_OPT_UNTIL},                 \
    {"channel", required_argument, NULL, PG_OPT_CHANNEL}

#define PG_ADMIN_FILTER_HELP                                                     \
    "  --since DATE          from DATE (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ,\n"     \
    "                        @UNIXTIME, or 7d / 12h / 30m ago); UTC\n"          \
    "  --until DATE          up to, not including, DATE\n"                      \
    "  --channel C           email, chat or sms only\n"

/* Help text for the common options, for each command's usage. */
#define PG_ADMIN_HELP                                                            \
    "  --state-dir DIR       where the store lives (default ./var if it exists,\n" \
    "                        else /var/lib/piiguard)\n"                          \
    "  --operator NAME       who is acting, for the audit log (default\n"       \
    "                        $SUDO_USER, then $USER)\n"                          \
    "  --retention-days N    quarantine retention (default 30)\n"

/* What the common options set. */
typedef struct pg_cli_admin {
    const char *cmd;          /* for messages: "quarantine" */
    const char *state_dir;    /* NULL until given: the default applies */
    const char *actor;        /* NULL until given: $SUDO_USER / $USER */
    unsigned retention_days;  /* 0 = the store's default */
} pg_cli_admin;

/* A command's own option: 1 taken, 0 not one of its options, -1 a bad
 * value (message already printed). */
typedef int (*pg_cli_admin_take_fn)(void *ctx, int opt, const char *arg);

/* A command's usage: print it to f, return code. */
typedef int (*pg_cli_admin_usage_fn)(FILE *f, int code);

/* pg_cli_admin_parse's "no exit yet" */
#define PG_CLI_GO_ON (-1)

/* pg_cli_admin_parse - getopt_long over argv (options may come anywhere):
 * -h/--help prints usage, the common options fill a, the rest go to take.
 * *first receives the index of the first non-option argument. Returns
 * PG_CLI_GO_ON, or the exit code to return now. */
int pg_cli_admin_parse(pg_cli_admin *a, int *first, int argc, char **argv,
                       const struct option *longopts, pg_cli_admin_usage_fn usage,
                       pg_cli_admin_take_fn take, void *ctx);

/* pg_cli_admin_bad - print a bad-value message; returns -1 for a take_fn */
int pg_cli_admin_bad(const pg_cli_admin *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* pg_cli_admin_open - open the existing store, or print why not and what to
 * do. Returns 0 or PG_EXIT_ERROR. */
int pg_cli_admin_open(pg_store **out, pg_cli_admin *a);

/* pg_cli_admin_actor - the operator: --operator, $SUDO_USER, $USER. */
const char *pg_cli_admin_actor(const pg_cli_admin *a);

/* pg_cli_admin_filter_option - take --since/--until/--channel into f, as a
 * pg_cli_admin_take_fn would (1, 0, -1) */
int pg_cli_admin_filter_option(const pg_cli_admin *a, pg_store_filter *f, int opt,
                               const char *arg);

/* pg_cli_admin_store_error - print the store's last error with a next step;
 * returns PG_EXIT_ERROR */
int pg_cli_admin_store_error(const pg_cli_admin *a, int err, const char *doing);

/* pg_cli_admin_unknown - the line for an unknown option or argument */
int pg_cli_admin_unknown(const pg_cli_admin *a);

/* pg_cli_admin_csv - write one CSV cell (RFC 4180 quoting; a leading = + - @
 * is defused with ' so spreadsheets do not run it as a formula) */
void pg_cli_admin_csv(FILE *f, const char *s, bool last);

#endif /* PIIGUARD_CLI_ADMIN_H */
