/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_report.c - piiguard report (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_report - not yet built: say so and fail, never pretend success */
int pg_cli_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("report", "not built yet in this version");
}
