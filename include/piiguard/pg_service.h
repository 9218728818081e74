/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_service.h
 * @brief The top of the library: one object that binds the engine, the
 *        policy and the store for the daemons (milter, HTTP) and the CLI.
 *
 * It holds the reloadable config snapshot: engine + policy, compiled
 * together, reference-counted. A check takes the current snapshot, and a
 * reload builds a new one beside it and swaps it in only when it is good,
 * so a bad policy never replaces a good one and a check in flight keeps
 * the snapshot it started with.
 *
 * Every check ends in a decision: an internal error becomes tempfail, never
 * a silent pass.
 */
#ifndef PIIGUARD_PG_SERVICE_H
#define PIIGUARD_PG_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "pg_base.h"
#include "pg_engine.h"
#include "pg_msg.h"
#include "pg_policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pg_service_opts {
    const char *policy_path; /**< YAML policy file */
    const char *state_dir;   /**< store, quarantine, key; NULL = no store */
} pg_service_opts;

typedef struct pg_service pg_service;

/** The outcome of one check: the parsed message and its decision. */
typedef struct pg_verdict {
    pg_msg *msg;           /**< owned; NULL when parsing itself failed */
    pg_decision *decision; /**< owned; never NULL after a successful call */
    char incident_id[40];  /**< "" when nothing was recorded */
    const pg_envelope *env;/**< borrowed from the caller of the check; the
                                quarantine copy keeps it for release */
} pg_verdict;

/**
 * Open: load the policy, compile the engine, open the store.
 * @return 0, or PG_EPARSE (policy; pg_error_last() has file:line),
 *         PG_EIO / PG_EPERM (store), PG_ENOMEM.
 */
int pg_service_open(pg_service **out, const pg_service_opts *opts);

/** Close; waits for nothing (callers stop their threads first). */
void pg_service_close(pg_service *svc);

/**
 * Reload the policy (SIGHUP). On error the old snapshot stays live and
 * the error (file:line) is returned and logged.
 */
int pg_service_reload(pg_service *svc);

/**
 * Check a raw RFC 5322 message: parse, scan, decide, record an incident
 * when the action is not allow. Internal errors yield a tempfail decision
 * and still return 0; only a failure to allocate the verdict returns < 0.
 */
int pg_service_check_mime(pg_verdict *out, pg_service *svc,
                          const char *raw, size_t len,
                          const pg_envelope *env);

/** The same for a chat or SMS text. */
int pg_service_check_text(pg_verdict *out, pg_service *svc,
                          const char *text, size_t len,
                          const pg_envelope *env);

/** Scan a text and report findings only (no policy, no record). */
int pg_service_scan_text(pg_service *svc, const char *text, size_t len,
                         pg_finding_cb cb, void *payload);

/**
 * Keep an encrypted copy of @p raw in quarantine and link it to the
 * verdict's incident. @p id_out (>= 40 bytes) receives the quarantine id.
 * The verdict's envelope (sender, recipients) must still be alive.
 */
int pg_service_quarantine(pg_service *svc, const pg_verdict *verdict,
                          const char *raw, size_t len, char *id_out);

/** Release what a verdict owns (not the struct itself). */
void pg_verdict_clear(pg_verdict *verdict);

/**
 * Copy the live policy's secure-route header ("Name: value") into @p out
 * (capacity @p cap). A copy, because a reload may free the policy the
 * moment after this returns.
 * @return 0, PG_ENOTFOUND (the policy declares no secure route; the
 *         gateway then escalates secure to reject) or PG_ETOOBIG.
 */
int pg_service_secure_header(pg_service *svc, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_SERVICE_H */
