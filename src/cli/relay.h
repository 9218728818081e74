/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay.h - a minimal SMTP client for re-injecting released mail:
 * EHLO (HELO as fallback), MAIL FROM, RCPT TO, DATA with dot-stuffing.
 *
 * Use: pg_cli_relay_open, pg_cli_relay_envelope, pg_cli_relay_data (any
 * number of times), pg_cli_relay_finish, then pg_cli_relay_close always.
 * A relay closed before finish never sends the final "." and so never
 * delivers a partial message. Errors come back as pg_err codes with the
 * server's reply (clipped, control characters removed) in pg_error_last().
 */
#ifndef PIIGUARD_CLI_RELAY_H
#define PIIGUARD_CLI_RELAY_H

#include <stddef.h>

#include "piiguard/pg_store.h"

typedef struct pg_cli_relay pg_cli_relay;

/* pg_cli_relay_open - connect to "HOST:PORT" ("[v6]:PORT", or HOST for
 * port 25), read the greeting, EHLO as helo. timeout_s bounds every read,
 * write and the connect. Returns 0, PG_EIO, PG_ETIMEOUT, PG_EINVAL. */
int pg_cli_relay_open(pg_cli_relay **out, const char *hostport, const char *helo,
                      int timeout_s);

/* pg_cli_relay_envelope - MAIL FROM, every RCPT TO (all must be accepted),
 * DATA. Returns 0 or PG_EIO with the refusing reply. */
int pg_cli_relay_envelope(pg_cli_relay *r, const pg_store_envelope *env);

/* pg_cli_relay_data - send message bytes: bare LF becomes CRLF and a line
 * starting with '.' gets another. Returns 0 or PG_EIO. */
int pg_cli_relay_data(pg_cli_relay *r, const char *data, size_t len);

/* pg_cli_relay_finish - end the data, require 250, QUIT. */
int pg_cli_relay_finish(pg_cli_relay *r);

/* pg_cli_relay_close - close (QUIT unless inside DATA); NULL is allowed. */
void pg_cli_relay_close(pg_cli_relay *r);

#endif /* PIIGUARD_CLI_RELAY_H */
