/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service_check.c - one check, start to end: parse, scan, decide, record.
 *
 * The path a message takes from a front end (milter, HTTP, CLI) to a
 * decision. Every step that can fail turns into a tempfail decision with a
 * reason that names the step and never the content: the message is held
 * back, not waved through. Recording the incident is part of the check:
 * if the store cannot take it, the message is tempfailed too, because a
 * blocked message nobody can find later is a compliance gap.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "piiguard/pg_service.h"
#include "piiguard/pg_store.h"
#include "store/service_internal.h"

/* tempfail - replace whatever decision there is with a tempfail */
static int tempfail(pg_verdict *v, const char *reason)
{
    pg_decision_free(v->decision);
    v->decision = NULL;
    pg_log(PG_LOG_ERROR, "service", "tempfail reason=\"%s\" detail=\"%s\"", reason,
           pg_error_last());
    return pg_decision_tempfail(&v->decision, v->env ? v->env->channel : PG_CHAN_EMAIL,
                                reason);
}

/* json_text - a JSON member as compact text, or a default */
static char *json_text(json_t *obj, const char *key, const char *dflt)
{
    json_t *m = json_object_get(obj, key);
    return m ? json_dumps(m, JSON_COMPACT) : strdup(dflt);
}

/* email_domains - the domains of the recipients that are mail addresses.
 * A chat handle or an SMS number is not a domain, and a customer's phone
 * number is itself PII: it is left out of the incident. */
static int email_domains(char **out, const pg_envelope *env)
{
    const char **mail = calloc(env->n_recipients + 1, sizeof(*mail));
    size_t n = 0;

    if (!mail)
        return PG_ENOMEM;
    for (size_t i = 0; i < env->n_recipients; i++)
        if (env->recipients[i] && strchr(env->recipients[i], '@'))
            mail[n++] = env->recipients[i];
    int rc = pg_store_domains(out, mail, n);
    free(mail);
    return rc;
}

/* record - write the incident for a non-allow decision */
static int record(pg_service *svc, pg_verdict *v, const pg_envelope *env)
{
    pg_action a = pg_decision_action(v->decision);
    char *domains = NULL, *rules, *counts;
    json_t *j;
    int rc;

    if (!svc->store || a == PG_ACT_ALLOW || a == PG_ACT_TEMPFAIL)
        return 0;
    if (!(j = pg_decision_to_json(v->decision)))
        return PG_ENOMEM;
    rules = json_text(j, "rules", "[]");
    counts = json_text(j, "counts", "{}");
    rc = email_domains(&domains, env);
    if (rc >= 0 && rules && counts) {
        pg_store_incident inc = {
            .channel = pg_channel_name(env->channel),
            .sender = env->auth_user ? env->auth_user : (env->sender ? env->sender : ""),
            .recipient_domains = domains, .action = pg_action_name(a),
            .rules = rules, .entity_counts = counts,
            .consent_claimed = pg_decision_consent_claimed(v->decision),
            .severity = pg_decision_severity(v->decision),
            .breach_notifiable = pg_decision_breach_notifiable(v->decision),
            .exposure = pg_decision_exposure(v->decision),
            .message_id = v->msg ? pg_msg_header(v->msg, "Message-ID") : NULL,
        };
        char id[PG_STORE_ID_SIZE];
        rc = pg_store_incident_add(id, svc->store, &inc);
        if (rc >= 0)
            snprintf(v->incident_id, sizeof(v->incident_id), "%s", id);
    } else if (rc >= 0) {
        rc = PG_ENOMEM;
    }
    free(domains);
    free(rules);
    free(counts);
    json_decref(j);
    return rc;
}

/* maybe_expire - run quarantine retention when it is due (once an hour);
 * a failure is logged and retried next time, it never fails a check */
static void maybe_expire(pg_service *svc)
{
    int64_t now = (int64_t)time(NULL);
    bool due = false;
    size_t n = 0;

    if (!svc->store)
        return;
    pthread_mutex_lock(&svc->lock);
    if (now >= svc->next_expire) {
        svc->next_expire = now + SERVICE_EXPIRE_INTERVAL;
        due = true;
    }
    pthread_mutex_unlock(&svc->lock);
    if (due && pg_store_expire(&n, svc->store, now, "piiguard") < 0)
        pg_log(PG_LOG_WARN, "service", "quarantine retention failed: %s", pg_error_last());
    else if (n)
        pg_log(PG_LOG_INFO, "service", "quarantine retention expired=%zu", n);
}

/* decide - scan the parsed message and decide, with the snapshot's engine */
static int decide(pg_service *svc, snapshot *s, pg_verdict *v, const pg_envelope *env)
{
    pg_scratch *sc = scratch_take(s);
    int rc;

    if (!sc)
        return tempfail(v, "out of memory");
    rc = pg_msg_scan(v->msg, s->engine, sc);
    scratch_give(s, sc);
    if (rc < 0)
        return tempfail(v, "scan failed");
    if (pg_policy_decide(&v->decision, s->policy, v->msg, env) < 0)
        return tempfail(v, "policy evaluation failed");
    if (record(svc, v, env) < 0)
        return tempfail(v, "incident store unavailable");
    return 0;
}

/* check - shared body of the MIME and text checks */
static int check(pg_verdict *v, pg_service *svc, const char *buf, size_t len,
                 const pg_envelope *env, bool mime)
{
    snapshot *s = svc_acquire(svc);
    int rc;

    memset(v, 0, sizeof(*v));
    v->env = env;
    rc = mime ? pg_msg_parse(&v->msg, buf, len, &s->limits)
              : pg_msg_from_text(&v->msg, buf, len, pg_channel_name(env->channel));
    if (rc == PG_ETOOBIG)
        rc = tempfail(v, "message larger than the policy's max_message_bytes");
    else if (rc < 0)
        rc = tempfail(v, "message could not be parsed");
    else
        rc = decide(svc, s, v, env);
    svc_release(svc, s);
    maybe_expire(svc);
    return rc < 0 && !v->decision ? rc : 0;
}

/* pg_service_check_mime - check a raw RFC 5322 message */
int pg_service_check_mime(pg_verdict *out, pg_service *svc, const char *raw,
                          size_t len, const pg_envelope *env)
{
    return check(out, svc, raw, len, env, true);
}

/* pg_service_check_text - check a chat or SMS text */
int pg_service_check_text(pg_verdict *out, pg_service *svc, const char *text,
                          size_t len, const pg_envelope *env)
{
    return check(out, svc, text, len, env, false);
}

/* pg_service_scan_text - findings only, with the live engine */
int pg_service_scan_text(pg_service *svc, const char *text, size_t len,
                         pg_finding_cb cb, void *payload)
{
    snapshot *s = svc_acquire(svc);
    pg_scratch *sc = scratch_take(s);
    int rc = PG_ENOMEM;

    if (sc) {
        rc = pg_engine_scan(s->engine, sc, text, len, cb, payload);
        scratch_give(s, sc);
    }
    svc_release(svc, s);
    return rc;
}

/* pg_service_quarantine - encrypted copy of the message, linked to its incident */
int pg_service_quarantine(pg_service *svc, const pg_verdict *v, const char *raw,
                          size_t len, char *id_out)
{
    char id[PG_STORE_ID_SIZE];
    const pg_envelope *env = v->env;

    if (!svc->store)
        return pg_error_set(PG_ESTATE, "no state directory: quarantine needs --state-dir");
    pg_store_envelope se = {env && env->sender ? env->sender : "",
                            env ? env->recipients : NULL, env ? env->n_recipients : 0};
    int rc = pg_store_quarantine_put(id, svc->store, &se, raw, len, v->incident_id);
    if (rc < 0)
        return rc;
    snprintf(id_out, 40, "%s", id);
    return 0;
}
