/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_quarantine.c - piiguard quarantine (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_quarantine - not yet built: say so and fail, never pretend success */
int pg_cli_quarantine(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("quarantine", "not built yet in this version");
}
