/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_milter.c - piiguard milter (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_milter - not yet built: say so and fail, never pretend success */
int pg_cli_milter(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("milter", "not built yet in this version");
}
