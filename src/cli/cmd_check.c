/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_check.c - piiguard check (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_check - not yet built: say so and fail, never pretend success */
int pg_cli_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("check", "not built yet in this version");
}
