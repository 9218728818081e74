/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	reply.c - JSON answers and JSON errors, and their trip into MHD
 *
 * SUMMARY
 *	Every answer the API gives is JSON except /metrics and
 *	/openapi.yaml, and every error is {"error": what went wrong,
 *	"hint": what to do about it}, so a relay's operator can act on the
 *	body alone.
 *
 * DESCRIPTION
 *	A reply's body is either malloc'd (handed to MHD, which frees it with
 *	free() once sent: jansson allocates with malloc unless told
 *	otherwise, and nothing in piiguard tells it otherwise) or a static
 *	string borrowed for the server's lifetime.
 *
 *	Responses carry Cache-Control: no-store because a check result names
 *	what a message contained, even masked, and no proxy should keep it.
 *
 * DIAGNOSTICS
 *	When even the error cannot be built (out of memory), the reply falls
 *	back to a static 500 body; the client always gets JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

static const char oom_body[] =
    "{\"error\":\"out of memory\",\"hint\":\"retry shortly; if it persists, "
    "check the server's memory and logs\"}";

/* reply_oom - the static last-resort answer */
static int reply_oom(pg_http_reply *r)
{
    r->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    r->body = NULL;
    r->static_body = oom_body;
    r->len = sizeof(oom_body) - 1;
    r->content_type = "application/json";
    return PG_ENOMEM;
}

/* pg_http__reply_json - serialise @body (stolen) as the answer */
int pg_http__reply_json(pg_http_reply *r, unsigned status, json_t *body)
{
    /* 15 significant digits print 0.85 as "0.85" and an exposure of
     * 1234567.5 whole; the default 17 prints binary noise */
    char *s = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;

    json_decref(body);
    if (!s)
        return reply_oom(r);
    r->status = status;
    r->body = s;
    r->static_body = NULL;
    r->len = strlen(s);
    r->content_type = "application/json";
    return 0;
}

/* pg_http__reply_error - {"error", "hint"} with a status */
int pg_http__reply_error(pg_http_reply *r, unsigned status, const char *error,
                         const char *hint)
{
    return pg_http__reply_json(r, status, json_pack("{s:s, s:s}", "error", error,
                                                    "hint", hint));
}
