/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_incidents.c - piiguard incidents (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_incidents - not yet built: say so and fail, never pretend success */
int pg_cli_incidents(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("incidents", "not built yet in this version");
}
