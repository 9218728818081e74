/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_serve.c - piiguard serve (placeholder until its issue lands).
 */
#include "cli/cli.h"

/* pg_cli_serve - not yet built: say so and fail, never pretend success */
int pg_cli_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return pg_cli_error("serve", "not built yet in this version");
}
