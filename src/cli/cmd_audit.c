/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_audit.c - piiguard audit (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_audit - not yet built: say so and fail, never pretend success */
int pg_cli_audit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("audit", "not built yet in this version");
}
