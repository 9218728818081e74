/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c - the piiguard binary: find the subcommand, hand it argv.
 *
 * Nothing else happens here, so that each subcommand's file tells its whole
 * story and the front ends stay independent of each other.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct subcommand {
    const char *name;
    pg_cli_cmd_fn fn;
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"scan", pg_cli_scan, "find PII in text files or JSON lines"},
    {"check", pg_cli_check, "parse an email, find its PII, decide by policy"},
    {"policy", pg_cli_policy, "validate a policy file (policy check FILE)"},
    {"milter", pg_cli_milter, "run the mail filter for Postfix or Sendmail"},
    {"serve", pg_cli_serve, "run the HTTP check API for chat and SMS"},
    {"run", pg_cli_run, "run the milter and the HTTP API with defaults"},
    {"quarantine", pg_cli_quarantine, "list, show, release or delete held mail"},
    {"incidents", pg_cli_incidents, "list, filter and export incidents"},
    {"report", pg_cli_report, "summarise incidents for compliance"},
    {"audit", pg_cli_audit, "verify the audit log's hash chain"},
};

/* usage - the top-level help */
static int usage(FILE *f, int code)
{
    fprintf(f, "usage: piiguard COMMAND [OPTIONS]\n\n"
               "Find customer PII in outbound mail, chat and SMS, and enforce\n"
               "the company's clear-text policy.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        fprintf(f, "  %-11s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f, "\nRun 'piiguard COMMAND --help' for a command's options,\n"
               "or 'man piiguard'.\n");
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, PG_EXIT_ERROR);
    if (pg_cli_is_help(argv[1]))
        return usage(stdout, PG_EXIT_CLEAN);
    if (strcmp(argv[1], "--version") == 0) {
        printf("piiguard %s\n", PG_VERSION);
        return PG_EXIT_CLEAN;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "piiguard: unknown command '%s'\n\n", argv[1]);
    return usage(stderr, PG_EXIT_ERROR);
}
