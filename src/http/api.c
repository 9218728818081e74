/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	api.c - the endpoints: /v1/check, /v1/scan, /healthz, /metrics,
 *	/openapi.yaml
 *
 * SUMMARY
 *	POST /v1/check {"channel", "sender"?, "recipients"?, "text" |
 *	"eml_base64"} answers the report `piiguard check --format json`
 *	prints - built by the same function, pg_report_json(), so the
 *	two cannot drift - with the "decision", plus "incident_id", "notice"
 *	and the redacted message when the action is redact. POST /v1/scan {"text"} answers
 *	masked findings only, and decides and records nothing.
 *
 * DESCRIPTION
 *	A decision is HTTP 200 whatever its action: the status says whether
 *	the API answered, the body's decision.action what the relay must do.
 *	A relay must post the original text only on allow or tag, post
 *	"redacted_text" on redact, and post nothing otherwise (tempfail:
 *	retry later). 500 means no decision at all, which a relay must treat
 *	as tempfail.
 *
 *	Fail closed: when the decision is redact but the message cannot be
 *	redacted, or an email to quarantine cannot be kept there, the answer
 *	becomes a tempfail decision rather than the original text, a
 *	half-masked one, or a hold nobody can review.
 *
 *	The request's text is wiped inside the parsed JSON tree before the
 *	tree is freed, and the decoded email with it. Error messages name a
 *	field or a position, never a value: a JSON syntax error's "near ..."
 *	text from jansson could quote the customer's data, so it is dropped.
 *
 * BUGS
 *	jansson's lexer keeps its own copy of each string while parsing and
 *	frees it unwiped (man piiguard-serve, BUGS).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/http_internal.h"

/* Recipients beyond this are not a chat message or an SMS: a bulk send
 * should be split, and the bound keeps one request's work bounded. */
#define MAX_RECIPIENTS 1000

/* A parsed /v1/check request; strings are borrowed from the JSON tree. */
typedef struct check_req {
    pg_channel channel;
    const char *text;       /* the chat/SMS text, or the decoded email */
    size_t len;
    unsigned char *eml;     /* decoded eml_base64, owned, wiped on clear */
    size_t eml_cap;
    const char *sender;
    const char **rcpts;     /* owned array of borrowed strings */
    size_t n_rcpts;
} check_req;

/* wipe_string - zero a string's bytes inside the JSON tree (the tree is
 * ours alone, so writing through the const is safe) */
static void wipe_string(json_t *s)
{
    if (json_is_string(s))
        sodium_memzero((char *)json_string_value(s), json_string_length(s));
}

/* parse_object - the body as a JSON object, or NULL with a 400 in @r */
static json_t *parse_object(pg_http_reply *r, const char *body, size_t len)
{
    json_error_t e;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
    char msg[96];

    if (!j) {
        snprintf(msg, sizeof(msg), "request body is not valid JSON (line %d, column %d)",
                 e.line, e.column);
        pg_http__reply_error(r, MHD_HTTP_BAD_REQUEST, msg,
                             "send one JSON object, e.g. {\"channel\":\"chat\",\"text\":\"...\"}; "
                             "GET /openapi.yaml describes every field");
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        pg_http__reply_error(r, MHD_HTTP_BAD_REQUEST, "request body must be a JSON object",
                             "wrap the fields in {...}; GET /openapi.yaml describes them");
        return NULL;
    }
    return j;
}

/* bad_field - a 400 naming the field; returns false for the caller */
static bool bad_field(pg_http_reply *r, const char *fmt, const char *field, const char *hint)
{
    char msg[128];

    snprintf(msg, sizeof(msg), fmt, field);
    pg_http__reply_error(r, MHD_HTTP_BAD_REQUEST, msg, hint);
    return false;
}

/* oom - a 500 for a failed allocation; returns false for the caller */
static bool oom(pg_http_reply *r)
{
    pg_http__reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory",
                         "retry shortly; if it persists, check the server's memory");
    return false;
}

/* opt_string - an optional string field; false (400) when of another type */
static bool opt_string(pg_http_reply *r, json_t *j, const char *key, const char **out)
{
    json_t *v = json_object_get(j, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return bad_field(r, "field '%s' must be a string", key, "see GET /openapi.yaml");
    *out = json_string_value(v);
    return true;
}

/* parse_channel - the required "channel" */
static bool parse_channel(pg_http_reply *r, json_t *j, check_req *cr)
{
    const char *name;

    if (!opt_string(r, j, "channel", &name))
        return false;
    if (!name)
        return bad_field(r, "missing field '%s'", "channel",
                         "add \"channel\": \"chat\", \"sms\" or \"email\"");
    if (pg_channel_from_name(&cr->channel, name) < 0)
        return bad_field(r, "field '%s' must be chat, sms or email", "channel",
                         "name the channel the message leaves by");
    return true;
}

/* parse_recipients - the optional "recipients" array of strings */
static bool parse_recipients(pg_http_reply *r, json_t *j, check_req *cr)
{
    json_t *a = json_object_get(j, "recipients"), *v;
    size_t i;

    if (!a || json_is_null(a))
        return true;
    if (!json_is_array(a))
        return bad_field(r, "field '%s' must be an array of strings", "recipients",
                         "e.g. \"recipients\": [\"#support\"]");
    if (json_array_size(a) > MAX_RECIPIENTS)
        return bad_field(r, "field '%s' has more than 1000 entries", "recipients",
                         "split the send into several checks");
    if (json_array_size(a) && !(cr->rcpts = calloc(json_array_size(a), sizeof(char *))))
        return oom(r);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v))
            return bad_field(r, "field '%s' must be an array of strings", "recipients",
                             "e.g. \"recipients\": [\"#support\"]");
        cr->rcpts[cr->n_rcpts++] = json_string_value(v);
    }
    return true;
}

/* decode_eml - eml_base64 into cr->eml (padding optional, line breaks ignored) */
static bool decode_eml(pg_http_reply *r, check_req *cr, json_t *b64)
{
    const char *s = json_string_value(b64);
    size_t n = json_string_length(b64), out_len;

    cr->eml_cap = n / 4 * 3 + 3;
    if (!(cr->eml = malloc(cr->eml_cap)))
        return oom(r);
    if (sodium_base642bin(cr->eml, cr->eml_cap, s, n, " \t\r\n", &out_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 &&
        sodium_base642bin(cr->eml, cr->eml_cap, s, n, " \t\r\n", &out_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return bad_field(r, "field '%s' is not valid base64", "eml_base64",
                         "send the raw RFC 5322 message in standard base64");
    cr->text = (const char *)cr->eml;
    cr->len = out_len;
    return true;
}

/* parse_content - exactly one of "text" and "eml_base64" */
static bool parse_content(pg_http_reply *r, json_t *j, check_req *cr)
{
    json_t *text = json_object_get(j, "text"), *eml = json_object_get(j, "eml_base64");

    if (!text == !eml)
        return bad_field(r, "send exactly one of 'text' and '%s'", "eml_base64",
                         "'text' for a chat message or SMS, 'eml_base64' for an email");
    if (eml) {
        if (!json_is_string(eml))
            return bad_field(r, "field '%s' must be a string", "eml_base64", "see GET /openapi.yaml");
        if (cr->channel != PG_CHAN_EMAIL)
            return bad_field(r, "'%s' needs \"channel\": \"email\"", "eml_base64",
                             "send chat and SMS messages as 'text'");
        return decode_eml(r, cr, eml);
    }
    if (!json_is_string(text))
        return bad_field(r, "field '%s' must be a string", "text", "see GET /openapi.yaml");
    cr->text = json_string_value(text);
    cr->len = json_string_length(text);
    return true;
}

/* check_req_clear - wipe the decoded email and free what the request owns */
static void check_req_clear(check_req *cr)
{
    if (cr->eml) {
        sodium_memzero(cr->eml, cr->eml_cap);
        free(cr->eml);
    }
    free(cr->rcpts);
}

/* to_tempfail - replace the decision by a tempfail: the fail-closed
 * answer when the decided action cannot be carried out */
static int to_tempfail(pg_verdict *v, const char *reason)
{
    pg_log(PG_LOG_WARN, "http", "incident=%s %s (%s); answering tempfail",
           v->incident_id, reason, pg_error_last());
    pg_decision_free(v->decision);
    v->decision = NULL;
    return pg_decision_tempfail(&v->decision, v->env ? v->env->channel : PG_CHAN_EMAIL,
                                reason);
}

/* redact - the redacted message when the action is redact; never the
 * original, never half-masked */
static int redact(char **out, size_t *out_len, pg_verdict *v)
{
    *out = NULL;
    if (!v->msg || pg_decision_action(v->decision) != PG_ACT_REDACT)
        return 0;
    if (pg_msg_redact(out, out_len, v->msg, pg_decision_redact_select, v->decision,
                      pg_decision_mask_style(v->decision)) == 0)
        return 0;
    return to_tempfail(v, "the message could not be redacted");
}

/* keep - an email held in quarantine leaves an encrypted copy for review
 * and release (which delivers by SMTP, so email only); chat and SMS are
 * held by the relay and recorded as incidents */
static int keep(char *qid, pg_http *srv, pg_verdict *v, const check_req *cr)
{
    qid[0] = '\0';
    if (!cr->eml || pg_decision_action(v->decision) != PG_ACT_QUARANTINE)
        return 0;
    if (pg_service_quarantine(srv->svc, v, cr->text, cr->len, qid) == 0)
        return 0;
    qid[0] = '\0';
    return to_tempfail(v, "the message could not be kept in quarantine");
}

/* redacted_json - the redacted text as JSON, base64 for an email */
static json_t *redacted_json(const char *red, size_t len, bool eml)
{
    json_t *j;
    char *b64;
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);

    if (!red)
        return json_null();
    if (!eml)
        return json_stringn(red, len); /* NULL on bad UTF-8: the caller fails closed */
    if (!(b64 = malloc(cap)))
        return NULL;
    sodium_bin2base64(b64, cap, (const unsigned char *)red, len, sodium_base64_VARIANT_ORIGINAL);
    j = json_string(b64);
    free(b64);
    return j;
}

/* nullable - a JSON string, or null for NULL and "" */
static json_t *nullable(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* report - the check report of the verdict's message; when the message
 * could not even be parsed, the same keys, empty */
static json_t *report(const pg_verdict *v)
{
    return pg_report_json(v->msg, NULL);
}

/* build_answer - the report, the decision, incident, notice, and the
 * redacted message or the quarantine id of an email */
static int build_answer(pg_http_reply *r, pg_http *srv, const check_req *cr, pg_verdict *v)
{
    char *red = NULL, qid[64];
    size_t red_len = 0;
    int err = keep(qid, srv, v, cr);
    json_t *j = err < 0 || (err = redact(&red, &red_len, v)) < 0 ? NULL : report(v);
    int bad = !j;

    if (j) {
        bad |= json_object_set_new(j, "decision", pg_decision_to_json(v->decision));
        bad |= json_object_set_new(j, "incident_id", nullable(v->incident_id));
        bad |= json_object_set_new(j, "notice", nullable(pg_decision_notice_short(v->decision)));
        bad |= json_object_set_new(j, cr->eml ? "redacted_eml_base64" : "redacted_text",
                                   redacted_json(red, red_len, cr->eml != NULL));
        if (cr->eml)
            bad |= json_object_set_new(j, "quarantine_id", nullable(qid));
    }
    free(red);
    if (bad) {
        json_decref(j);
        return err < 0 ? err : PG_ENOMEM;
    }
    return pg_http__reply_json(r, MHD_HTTP_OK, j);
}

/* decide - run the service on a parsed request and count the result */
static int decide(pg_http_reply *r, pg_http *srv, const check_req *cr)
{
    pg_envelope env = {.channel = cr->channel, .sender = cr->sender,
                       .recipients = cr->rcpts, .n_recipients = cr->n_rcpts};
    pg_verdict v = {0};
    int err = cr->eml ? pg_service_check_mime(&v, srv->svc, cr->text, cr->len, &env)
                      : pg_service_check_text(&v, srv->svc, cr->text, cr->len, &env);

    if (err == 0)
        err = build_answer(r, srv, cr, &v);
    if (err == 0) {
        pg_metrics_decision(srv->metrics, cr->channel, &v);
        pg_metrics_scanned(srv->metrics, PG_METRICS_HTTP, cr->len);
    } else {
        pg_log(PG_LOG_WARN, "http", "check failed: %s %s", pg_err_name(err), pg_error_last());
    }
    pg_verdict_clear(&v);
    return err;
}

/* pg_http__check - POST /v1/check */
int pg_http__check(pg_http_reply *r, pg_http *srv, const char *body, size_t len)
{
    check_req cr = {0};
    json_t *j = parse_object(r, body, len);
    int err = 0;

    if (!j)
        return 0;
    if (parse_channel(r, j, &cr) && opt_string(r, j, "sender", &cr.sender) &&
        parse_recipients(r, j, &cr) && parse_content(r, j, &cr))
        err = decide(r, srv, &cr);
    check_req_clear(&cr);
    wipe_string(json_object_get(j, "text"));
    wipe_string(json_object_get(j, "eml_base64"));
    json_decref(j);
    return err;
}

typedef struct scan_ctx {
    json_t *findings;
    const char *text;
} scan_ctx;

/* on_finding - append one masked finding; stop on allocation failure. The
 * mask is ASCII ('*' for every multi-byte character), so always valid JSON;
 * a value longer than the buffer is cut, never shown. */
static int on_finding(const pg_finding *f, void *payload)
{
    scan_ctx *ctx = payload;
    const char *name = pg_entity_name(f->entity);
    char mask[256];

    pg_mask(mask, sizeof(mask), ctx->text + f->start, f->end - f->start, PG_MASK_SHAPE, name);
    return json_array_append_new(ctx->findings,
                                 json_pack("{s:s, s:I, s:I, s:f, s:s}", "entity_type", name,
                                           "start", (json_int_t)f->start, "end", (json_int_t)f->end,
                                           "score", round((double)f->score * 1000) / 1000,
                                           "masked", mask)) ? 1 : 0;
}

/* scan_text - findings for one text, as the /v1/scan answer */
static int scan_text(pg_http_reply *r, pg_http *srv, json_t *text)
{
    scan_ctx ctx = {json_array(), json_string_value(text)};
    size_t n = json_string_length(text);
    int err = ctx.findings ? pg_service_scan_text(srv->svc, ctx.text, n, on_finding, &ctx)
                           : PG_ENOMEM;

    if (err != 0) {
        json_decref(ctx.findings);
        return err > 0 ? PG_ENOMEM : err;
    }
    pg_metrics_scanned(srv->metrics, PG_METRICS_HTTP, n);
    return pg_http__reply_json(r, MHD_HTTP_OK, json_pack("{s:I, s:o}", "bytes", (json_int_t)n,
                                                         "findings", ctx.findings));
}

/* pg_http__scan - POST /v1/scan */
int pg_http__scan(pg_http_reply *r, pg_http *srv, const char *body, size_t len)
{
    json_t *j = parse_object(r, body, len), *text;
    int err = 0;

    if (!j)
        return 0;
    text = json_object_get(j, "text");
    if (!text)
        bad_field(r, "missing field '%s'", "text", "send {\"text\": \"...\"}");
    else if (!json_is_string(text))
        bad_field(r, "field '%s' must be a string", "text", "send {\"text\": \"...\"}");
    else
        err = scan_text(r, srv, text);
    wipe_string(text);
    json_decref(j);
    return err;
}

static const char healthz_body[] = "{\"status\":\"ok\",\"version\":\"" PG_VERSION "\"}";

/* pg_http__healthz - GET /healthz: the server is up and answering */
int pg_http__healthz(pg_http_reply *r, pg_http *srv, const char *body, size_t len)
{
    r->status = MHD_HTTP_OK;
    r->static_body = healthz_body;
    r->len = sizeof(healthz_body) - 1;
    r->content_type = "application/json";
    return 0;
}

/* pg_http__metrics - GET /metrics: the Prometheus exposition */
int pg_http__metrics(pg_http_reply *r, pg_http *srv, const char *body, size_t len)
{
    int err = pg_metrics_render(&r->body, &r->len, srv->metrics);

    if (err < 0)
        return err;
    r->status = MHD_HTTP_OK;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

/* pg_http__openapi - GET /openapi.yaml: the document read at start */
int pg_http__openapi(pg_http_reply *r, pg_http *srv, const char *body, size_t len)
{
    if (!srv->openapi)
        return pg_http__reply_error(r, MHD_HTTP_NOT_FOUND, "the OpenAPI document was not found at start",
                                    "start piiguard serve with --openapi FILE, or install "
                                    "docs/openapi.yaml as /usr/share/piiguard/openapi.yaml");
    r->status = MHD_HTTP_OK;
    r->static_body = srv->openapi;
    r->len = srv->openapi_len;
    r->content_type = "application/yaml";
    return 0;
}
