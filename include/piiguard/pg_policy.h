/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_policy.h
 * @brief The policy room: findings + message context -> a decision that a
 *        compliance officer configures, a sender understands, and a staff
 *        member cannot argue around.
 *
 * A pg_policy is loaded from YAML once and is immutable afterwards (a reload
 * loads a new one; the old one stays live until the new one is good). A
 * pg_decision belongs to the caller and is freed with pg_decision_free().
 *
 * Invariant: nothing in the message content can lower the action. Consent
 * phrases are recorded (consent_claimed) and change nothing.
 */
#ifndef PIIGUARD_PG_POLICY_H
#define PIIGUARD_PG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "pg_base.h"
#include "pg_engine.h"
#include "pg_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Actions, least to most restrictive; the most restrictive wins. */
typedef enum pg_action {
    PG_ACT_ALLOW = 0,
    PG_ACT_TAG = 1,
    PG_ACT_REDACT = 2,
    PG_ACT_SECURE = 3,      /**< route to the encryption transport */
    PG_ACT_QUARANTINE = 4,
    PG_ACT_REJECT = 5,
    PG_ACT_TEMPFAIL = 6     /**< internal errors only, never configured */
} pg_action;

/** Channels a message leaves by. */
typedef enum pg_channel {
    PG_CHAN_EMAIL = 0,
    PG_CHAN_CHAT = 1,
    PG_CHAN_SMS = 2
} pg_channel;

/** Who sends to whom, by which channel, and when. */
typedef struct pg_envelope {
    pg_channel channel;
    const char *sender;        /**< envelope sender / chat user; may be NULL */
    const char *auth_user;     /**< authenticated identity; may be NULL */
    const char *const *recipients;
    size_t n_recipients;
    time_t now;                /**< for exception time limits; 0 = time(NULL) */
} pg_envelope;

typedef struct pg_policy pg_policy;
typedef struct pg_decision pg_decision;

/** One rule that fired. Strings are borrowed from the decision. */
typedef struct pg_decision_rule {
    const char *id;      /**< the policy's rule id, or a built-in one such
                              as "uninspectable" or "breach-notification" */
    pg_action action;    /**< what this rule asked for */
    const char *reason;  /**< in words, counts only, never a value */
} pg_decision_rule;

/** Called once per policy warning with a "FILE:LINE: warning: ..." line. */
typedef void (*pg_policy_warning_cb)(const char *line, void *payload);

/** "allow", "tag", ... */
const char *pg_action_name(pg_action action);
/** "email", "chat", "sms" */
const char *pg_channel_name(pg_channel channel);
/** Parse a channel name; @return 0 or PG_ENOTFOUND. */
int pg_channel_from_name(pg_channel *out, const char *name);

/**
 * Load and validate a policy file. On error pg_error_last() reads
 * "FILE:LINE: what is wrong; what to do".
 * @return 0, PG_ENOMEM, PG_EIO, PG_EPARSE.
 */
int pg_policy_load(pg_policy **out, const char *path);

/** Load from memory; @p name stands for the file name in errors. */
int pg_policy_load_buffer(pg_policy **out, const char *yaml, size_t len,
                          const char *name);

/** Free; NULL is allowed. */
void pg_policy_free(pg_policy *policy);

/** The file the policy was loaded from. Borrowed. */
const char *pg_policy_path(const pg_policy *policy);

/** How many rules the policy file declares. */
size_t pg_policy_rule_count(const pg_policy *policy);

/**
 * Report what is valid but probably not meant: an exception whose until:
 * date lies before @p now (0 = time(NULL)) and is therefore ignored, a
 * rule asking for `secure` when there is no secure route.
 * @return the number of warnings.
 */
size_t pg_policy_warnings(const pg_policy *policy, time_t now,
                          pg_policy_warning_cb cb, void *payload);

/**
 * The header that routes a message to the secure (encryption) transport,
 * as "Name: value", or NULL when the policy declares no secure route; the
 * gateway then escalates `secure` to `reject`.
 */
const char *pg_policy_secure_header(const pg_policy *policy);

/** The engine options the policy asks for (entities, threshold, window). */
void pg_policy_engine_opts(const pg_policy *policy, pg_engine_opts *opts);

/** The parsing limits the policy asks for. */
void pg_policy_msg_limits(const pg_policy *policy, pg_msg_limits *lim);

/**
 * Decide. @p msg must have been scanned (pg_msg_scan).
 * @return 0 or PG_ENOMEM.
 */
int pg_policy_decide(pg_decision **out, const pg_policy *policy,
                     const pg_msg *msg, const pg_envelope *env);

/**
 * A decision for an internal error: tempfail on @p channel (the channel
 * the message came by, so the report names it), with @p reason (no PII).
 * Front ends use it so that every failure still produces a decision.
 */
int pg_decision_tempfail(pg_decision **out, pg_channel channel, const char *reason);

/** Free; NULL is allowed. */
void pg_decision_free(pg_decision *decision);

pg_action pg_decision_action(const pg_decision *d);
bool pg_decision_consent_claimed(const pg_decision *d);
bool pg_decision_breach_notifiable(const pg_decision *d);
/** "none", "low", "medium", "high", "critical" */
const char *pg_decision_severity(const pg_decision *d);
/** Records exposed x cost per record, in the policy's currency units. */
double pg_decision_exposure(const pg_decision *d);

/** Distinct high-risk records the message would expose (see exposure). */
unsigned pg_decision_records(const pg_decision *d);

/** The consent phrase that was found, or NULL. Borrowed. */
const char *pg_decision_consent_phrase(const pg_decision *d);

/** How many rules fired. */
size_t pg_decision_rule_count(const pg_decision *d);

/** Rule @p i (< pg_decision_rule_count()). Borrowed. */
const pg_decision_rule *pg_decision_rule_at(const pg_decision *d, size_t i);

/** Findings of @p entity that counted (passed the thresholds). */
unsigned pg_decision_count(const pg_decision *d, pg_entity entity);

/**
 * The short notice: fits an SMTP reply (<= 10 lines of <= 400 chars,
 * lines separated by '\n'). "" when the action needs no notice (allow,
 * tag). Values appear only masked.
 */
const char *pg_decision_notice_short(const pg_decision *d);

/** The full notice for email and the API; @p html selects the HTML form.
 *  "" when the action needs no notice. */
const char *pg_decision_notice_full(const pg_decision *d, bool html);

/**
 * Should this finding be masked when the action is redact? (Used as the
 * select callback of pg_msg_redact; @p payload is the decision.)
 */
bool pg_decision_redact_select(const pg_msg_finding *f, void *payload);

/** The mask style the policy asks for. */
pg_mask_style pg_decision_mask_style(const pg_decision *d);

/**
 * The decision as JSON: action, rules [{id, action, reason}], counts per
 * entity type (never values), consent_claimed, severity,
 * breach_notifiable, exposure, notice. New reference for the caller.
 */
json_t *pg_decision_to_json(const pg_decision *d);

/**
 * The report `piiguard check` prints and the HTTP API answers: "encrypted",
 * "segments", "findings" (masked), "uninspectable", and "decision" when
 * @p d is not NULL. @p msg may be NULL (a message that did not parse): the
 * arrays are then empty. Values are masked everywhere, file names in
 * segment paths included. New reference, or NULL on allocation failure.
 */
json_t *pg_report_json(const pg_msg *msg, const pg_decision *d);

/** Print a report built by pg_report_json() for people. */
void pg_report_print(FILE *f, const json_t *report);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_POLICY_H */
