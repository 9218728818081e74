/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_report.h - the report `piiguard check` prints, as a JSON object.
 *
 * Built once (pg_cli_check_report) and rendered as JSON or for people
 * (pg_cli_check_print), so both formats always say the same thing. Other
 * subcommands and the policy add their own members to the object (a
 * "decision", an "envelope") before printing.
 */
#ifndef PIIGUARD_CLI_CHECK_REPORT_H
#define PIIGUARD_CLI_CHECK_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "piiguard/pg_msg.h"

/*
 * The report of a scanned message:
 *   {"encrypted": bool,
 *    "segments": [{"path", "kind", "bytes"}],
 *    "findings": [{"entity_type", "segment", "start", "end", "score",
 *                  "quoted", "masked"}],
 *    "uninspectable": [{"segment", "reason"}]}
 * Offsets are UTF-8 byte offsets into the segment's text. No raw value is
 * ever written: "masked" comes from pg_mask(), and a path that contains a
 * found value (a file name) carries its masked form instead.
 * *out belongs to the caller (json_decref). Returns 0 or PG_ENOMEM.
 */
int pg_cli_check_report(json_t **out, const pg_msg *msg);

/* Print a report for people: a summary line, findings, uninspectable parts. */
void pg_cli_check_print(FILE *f, const json_t *report);

#endif /* PIIGUARD_CLI_CHECK_REPORT_H */
