/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	cmd_policy.c - piiguard policy check: validate a policy file
 *
 * SYNOPSIS
 *	piiguard policy check [FILE]
 *
 * DESCRIPTION
 *	Loads FILE exactly as the service would (notice templates included)
 *	and prints "FILE: ok (N rules)", then any warnings (an expired
 *	exception, secure without a secure route) on stderr. Without FILE,
 *	the default policy (pg_cli_default_policy_path()).
 *
 * DIAGNOSTICS
 *	Exit 0 when the policy is valid (warnings included), 2 with
 *	"FILE:LINE: what is wrong; what to do" on stderr when it is not.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "piiguard/pg_policy.h"

/* usage - policy's help */
static int usage(FILE *f, int code)
{
    fprintf(f, "usage: piiguard policy check [FILE]\n\n"
               "Validate a policy file as the service would load it: every key,\n"
               "every rule, the notice templates. Prints \"FILE: ok (N rules)\"\n"
               "and exits 0, or prints FILE:LINE: what is wrong; what to do\n"
               "and exits 2. Warnings (an expired exception, secure without a\n"
               "secure route) go to stderr and do not fail the check.\n\n"
               "FILE defaults to $PIIGUARD_POLICY, then the installed policy.\n"
               "The format: man 5 piiguard-policy, docs/policy.md.\n");
    return code;
}

/* print_warning - one warning line on stderr */
static void print_warning(const char *line, void *payload)
{
    (void)payload;
    fprintf(stderr, "%s\n", line);
}

/* check - load, report, free */
static int check(const char *path)
{
    pg_policy *p = NULL;

    if (pg_policy_load(&p, path) < 0) {
        fprintf(stderr, "%s\n", pg_error_last());
        return PG_EXIT_ERROR;
    }
    size_t n = pg_policy_rule_count(p);
    printf("%s: ok (%zu rule%s)\n", path, n, n == 1 ? "" : "s");
    pg_policy_warnings(p, 0, print_warning, NULL);
    pg_policy_free(p);
    return PG_EXIT_CLEAN;
}

/* pg_cli_policy - piiguard policy check [FILE] */
int pg_cli_policy(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, PG_EXIT_ERROR);
    if (pg_cli_is_help(argv[1]))
        return usage(stdout, PG_EXIT_CLEAN);
    if (strcmp(argv[1], "check") != 0)
        return pg_cli_error("policy", "unknown subcommand '%s'; try "
                            "'piiguard policy --help'", argv[1]);
    if (argc > 2 && pg_cli_is_help(argv[2]))
        return usage(stdout, PG_EXIT_CLEAN);
    if (argc > 3)
        return pg_cli_error("policy", "check takes one FILE; try "
                            "'piiguard policy --help'");
    return check(argc == 3 ? argv[2] : pg_cli_default_policy_path());
}
