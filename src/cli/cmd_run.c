/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_run.c - piiguard run (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_run - not yet built: say so and fail, never pretend success */
int pg_cli_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("run", "not built yet in this version");
}
