/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cli.h - the piiguard subcommands and the helpers they share.
 *
 * Each subcommand lives in its own cmd_<name>.c and is reached through the
 * table in main.c. Exit codes follow grep: 0 nothing found / allowed,
 * 1 found / not allowed, 2 error. Every subcommand answers --help.
 */
#ifndef PIIGUARD_CLI_H
#define PIIGUARD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define PG_EXIT_CLEAN 0
#define PG_EXIT_FOUND 1
#define PG_EXIT_ERROR 2

/* A subcommand: argv[0] is the subcommand's name. */
typedef int (*pg_cli_cmd_fn)(int argc, char **argv);

int pg_cli_scan(int argc, char **argv);
int pg_cli_check(int argc, char **argv);
int pg_cli_policy(int argc, char **argv);
int pg_cli_milter(int argc, char **argv);
int pg_cli_serve(int argc, char **argv);
int pg_cli_run(int argc, char **argv);
int pg_cli_quarantine(int argc, char **argv);
int pg_cli_incidents(int argc, char **argv);
int pg_cli_report(int argc, char **argv);
int pg_cli_audit(int argc, char **argv);

/* pg_cli_is_help - true when argv[i] asks for help */
bool pg_cli_is_help(const char *arg);

/* pg_cli_error - print "piiguard <cmd>: <message>" and a hint; return 2 */
int pg_cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* pg_cli_read_all - read a whole file ("-" is stdin) into a malloc'd
 * buffer, refusing more than max bytes. Returns 0 or a pg_err. */
int pg_cli_read_all(char **out, size_t *out_len, const char *path, size_t max);

/* pg_cli_default_policy_path - the policy used when none is given:
 * $PIIGUARD_POLICY, then etc/piiguard.yaml beside the source tree, then
 * the installed /etc/piiguard/piiguard.yaml. Borrowed string. */
const char *pg_cli_default_policy_path(void);

#endif /* PIIGUARD_CLI_H */
