/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_policy.c - piiguard policy (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_policy - not yet built: say so and fail, never pretend success */
int pg_cli_policy(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("policy", "not built yet in this version");
}
