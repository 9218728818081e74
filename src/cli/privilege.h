/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * privilege.h - daemons started as root give root up once they are bound.
 *
 * The milter, serve and run call pg_cli_privilege_drop() after their
 * sockets are bound and the service (policy, engine, store) is open: the
 * state directory is handed to the daemon user, then the process becomes
 * that user for good. Not root: nothing happens. See privilege.c.
 */
#ifndef PIIGUARD_CLI_PRIVILEGE_H
#define PIIGUARD_CLI_PRIVILEGE_H

#include <stdbool.h>

#include "http/http.h"

/* The user daemons run as when started as root and no --user is given;
 * scripts/install-deps.sh creates it (a system user, no login). */
#define PG_CLI_DAEMON_USER "piiguard"

/* What a drop needs; every string borrowed. */
typedef struct pg_cli_privilege {
    const char *user;        /* NULL: PG_CLI_DAEMON_USER */
    const char *state_dir;   /* handed to the user; must stay usable by it */
    const char *policy_path; /* must stay readable, or SIGHUP could never reload */
} pg_cli_privilege;

/* pg_cli_privilege_drop - as root: chown the state directory to the user,
 * then setgroups/setgid/setuid to it and check that root cannot be
 * regained, in every thread; not root: nothing. Returns 0, or PG_EPERM /
 * PG_ENOTFOUND / PG_EIO with pg_error_last() saying why and what to do. */
int pg_cli_privilege_drop(const pg_cli_privilege *p);

/* pg_cli_privilege_hook - pg_cli_privilege_drop() as the milter worker's
 * start hook (pg_milter_start_fn): @payload is a pg_cli_privilege. */
int pg_cli_privilege_hook(pg_metrics **metrics, pg_service *svc, void *payload);

#endif /* PIIGUARD_CLI_PRIVILEGE_H */
