#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_api.sh - the HTTP check API end to end, against a real `piiguard
# serve` on a free loopback port with etc/piiguard.yaml and a temporary
# state directory.
#
# What it holds the server to:
#   - /v1/check gives the decision `piiguard check --format json` gives for
#     the same message (email: the same .eml both ways; chat and SMS: the
#     same text through `check --channel chat|sms`);
#   - no response ever carries a raw PII value;
#   - each bad request gets its JSON error and status (400, 401, 404, 405,
#     413, 415, 429), and the server keeps serving;
#   - a client that stalls mid-request is timed out while others are
#     answered meanwhile;
#   - /metrics passes `promtool check metrics`;
#   - loopback-only without tokens (403 from another address), TLS, SIGHUP
#     reload, and a clean SIGTERM exit (which is where ASan checks leaks).
#
# Ports are chosen by the kernel (--listen 127.0.0.1:0) and read from the
# server's "port=" log line, so parallel test runs never collide.
set -uo pipefail

: "${PG_BIN:?set PG_BIN to the piiguard binary}"
: "${PG_SOURCE_DIR:?set PG_SOURCE_DIR to the source tree}"

POLICY=$PG_SOURCE_DIR/etc/piiguard.yaml
tmp=$(mktemp -d /tmp/pg-http-test.XXXXXX)
chmod 755 "$tmp" # serve started as root runs as piiguard, which must reach its state dir
pids=()
pass=0
fail=0

cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; return 1; fi
}

# The system interpreter: a version manager's shim can cost a second a call.
PY=$(command -v /usr/bin/python3 || command -v python3)
export PY

# jget FILE EXPR - evaluate a Python expression over the JSON in FILE (as d)
jget() {
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

export -f jget
export tmp

# start NAME ARGS... - start a server, wait for its port; sets PORT and SPID
start() {
    local name=$1
    shift
    "$PG_BIN" serve --policy "$POLICY" --state-dir "$tmp/state-$name" \
        --listen 127.0.0.1:0 --log-level info "$@" 2>"$tmp/$name.log" &
    SPID=$!
    pids+=("$SPID")
    mkdir -p "$tmp/state-$name"
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$tmp/$name.log" | head -1)
        [ -n "$PORT" ] && return 0
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
    done
    echo "# server $name did not start:"
    sed 's/^/#   /' "$tmp/$name.log"
    return 1
}

# req METHOD PATH [CURL ARGS...] - body to $tmp/body, headers to $tmp/head,
# the status code on stdout
req() {
    local method=$1 path=$2
    shift 2
    curl -s -X "$method" -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' \
        --max-time 10 "$@" "http://127.0.0.1:$PORT$path"
}

# post PATH JSON [CURL ARGS...] - a JSON POST with the relay's token
post() {
    local path=$1 body=$2
    shift 2
    req POST "$path" -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
        --data-binary "$body" "$@"
}

# is_error STATUS - the last answer had STATUS and a JSON {error, hint}
is_error() {
    [ "$(cat "$tmp/status")" = "$1" ] &&
        [ "$(jget "$tmp/body" 'bool(d["error"]) and bool(d["hint"])')" = True ]
}

# no_raw FILE VALUE... - none of the raw values appears in FILE
no_raw() {
    local f=$1
    shift
    for v in "$@"; do
        if grep -qF -- "$v" "$f"; then
            echo "# raw value leaked: $v"
            return 1
        fi
    done
}

CARD='4111 1111 1111 1111'
SSN='536-22-8765'
IBAN='GB82 WEST 1234 5698 7654 32'
TEXT="Customer asked for a refund to card $CARD, SSN $SSN, IBAN $IBAN."

# --- tokens --------------------------------------------------------------------
TOKEN=$("$PG_BIN" serve token relay --rate 100000 --burst 100000 --append "$tmp/tokens")
SLOW=$("$PG_BIN" serve token flood --rate 1 --burst 3 --append "$tmp/tokens")
check "serve token prints a token and appends only its hash" \
    bash -c "[ -n '$TOKEN' ] && ! grep -qF '$TOKEN' '$tmp/tokens' && grep -q '^relay ' '$tmp/tokens'"

# --- the main server: tokens, small limits, short timeout -----------------------------
start main --token-file "$tmp/tokens" --max-body 65536 --timeout 2 || { echo "0 passed, 1 failed"; exit 1; }
MAIN_PID=$SPID

req GET /healthz >"$tmp/status"
check "healthz answers 200 ok" bash -c "[ \"\$(cat $tmp/status)\" = 200 ] && grep -q '\"ok\"' $tmp/body"

# --- /v1/check for chat: a decision, masked findings, never a raw value ---------
# recipients as the chat-relay guide asks: the readers' addresses, so the
# policy can tell internal from external
post /v1/check "{\"channel\":\"chat\",\"sender\":\"agent7@example.com\",\"recipients\":[\"customer@example.org\"],\"text\":\"$TEXT\"}" >"$tmp/status"
cp "$tmp/body" "$tmp/chat.json"
check "chat check answers 200 with a decision" \
    bash -c "[ \"\$(cat $tmp/status)\" = 200 ] && [ -n \"\$(jget $tmp/chat.json 'd[\"decision\"][\"action\"]')\" ]"
check "chat check finds the card, the SSN and the IBAN" \
    bash -c "jget $tmp/chat.json 'sorted({f[\"entity_type\"] for f in d[\"findings\"]})' | grep -q \"CREDIT_CARD.*IBAN_CODE.*US_SSN\""
check "chat check answer carries no raw value" no_raw "$tmp/chat.json" "$CARD" "$SSN" "$IBAN" "4111111111111111"
check "chat check has the report keys, notice and redacted_text" \
    bash -c "[ \"\$(jget $tmp/chat.json 'sorted(d)')\" = \"['decision', 'encrypted', 'findings', 'incident_id', 'notice', 'redacted_text', 'segments', 'uninspectable']\" ]"
ACTION=$(jget "$tmp/chat.json" 'd["decision"]["action"]')
if [ "$ACTION" = redact ]; then
    check "redact gives a redacted text without the values" \
        bash -c "[ \"\$(jget $tmp/chat.json 'type(d[\"redacted_text\"]).__name__')\" = str ]"
else
    check "no redacted text unless the action is redact ($ACTION)" \
        bash -c "[ \"\$(jget $tmp/chat.json 'd[\"redacted_text\"]')\" = None ]"
fi
if [ "$ACTION" != allow ]; then
    check "a non-allow decision names its incident" \
        bash -c "[ \"\$(jget $tmp/chat.json 'd[\"incident_id\"]')\" != None ]"
fi

post /v1/check '{"channel":"sms","sender":"+441632960001","recipients":["+441632960002"],"text":"See you at 5, the door code is on the fridge"}' >"$tmp/status"
check "a clean SMS is allowed with no findings" \
    bash -c "[ \"\$(jget $tmp/body 'd[\"decision\"][\"action\"], len(d[\"findings\"])')\" = \"('allow', 0)\" ]"
post /v1/check "{\"channel\":\"sms\",\"sender\":\"+441632960001\",\"recipients\":[\"+441632960002\"],\"text\":\"Card $CARD is active\"}" >"$tmp/status"
cp "$tmp/body" "$tmp/sms.json"
check "an SMS with a card number to a phone number is decided and recorded" \
    bash -c "[ \"\$(jget $tmp/body 'd[\"decision\"][\"action\"] not in (\"allow\", \"tempfail\") and d[\"incident_id\"] is not None')\" = True ]" ||
    echo "# sms: $(jget "$tmp/body" 'd["decision"]["action"], d["decision"]["rules"]')"

# --- same decision as the CLI ----------------------------------------------------------
# decision_of FILE - the decision and the findings' positions, normalised
decision_of() {
    jget "$1" 'json.dumps({"decision": d["decision"], "findings": sorted((f["entity_type"], f["segment"], f["start"], f["end"], f["masked"]) for f in d["findings"])}, sort_keys=True)'
}
export -f decision_of
printf 'From: agent7@example.com\r\nTo: customer@example.org\r\nSubject: your refund\r\nMessage-ID: <t1@example.com>\r\nDate: Mon, 2 Feb 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "$TEXT" >"$tmp/msg.eml"
PIIGUARD_POLICY=$POLICY "$PG_BIN" check --format json \
    --from agent7@example.com --to customer@example.org "$tmp/msg.eml" >"$tmp/cli-email.json" 2>"$tmp/cli.err"
B64=$(base64 -w0 "$tmp/msg.eml")
post /v1/check "{\"channel\":\"email\",\"sender\":\"agent7@example.com\",\"recipients\":[\"customer@example.org\"],\"eml_base64\":\"$B64\"}" >"$tmp/status"
cp "$tmp/body" "$tmp/api-email.json"
# same_json WHAT A B - two non-empty, equal normalised answers
same_json() {
    local a b
    a=$(decision_of "$2") && b=$(decision_of "$3") && [ -n "$a" ] && [ "$a" = "$b" ] && return 0
    echo "# $1 differ:"
    echo "#   cli: $(head -c 800 "$2") $(head -c 300 "$tmp/cli.err")"
    echo "#   api: $(head -c 800 "$3")"
    return 1
}
check "email: /v1/check decision and findings equal piiguard check's" \
    same_json email "$tmp/cli-email.json" "$tmp/api-email.json"
if "$PG_BIN" check --help 2>&1 | grep -q -- '--channel'; then
    # the same text through the CLI's chat mode: the whole decision and
    # every finding must agree
    printf '%s' "$TEXT" | PIIGUARD_POLICY=$POLICY "$PG_BIN" check --format json --channel chat \
        --from agent7@example.com --to customer@example.org - >"$tmp/cli-chat.json" 2>"$tmp/cli.err"
    check "chat: /v1/check decision and findings equal piiguard check --channel chat's" \
        same_json chat "$tmp/cli-chat.json" "$tmp/chat.json"
    printf '%s' "Card $CARD is active" | PIIGUARD_POLICY=$POLICY "$PG_BIN" check --format json \
        --channel sms --from +441632960001 --to +441632960002 - >"$tmp/cli-sms.json" 2>"$tmp/cli.err"
    check "sms: /v1/check decision and findings equal piiguard check --channel sms's" \
        same_json sms "$tmp/cli-sms.json" "$tmp/sms.json"
else
    # the CLI has no chat mode: the same text as an email body must count
    # the same entities (the action may differ: policies differ by channel)
    cli_counts=$(jget "$tmp/cli-email.json" 'd["decision"]["counts"]')
    api_counts=$(jget "$tmp/chat.json" 'd["decision"]["counts"]')
    check "chat: counts ($api_counts) equal the CLI's for the same text as an email body" \
        bash -c "[ -n '$cli_counts' ] && [ '$cli_counts' = '$api_counts' ]"
fi

# --- /v1/scan ----------------------------------------------------------------------------
post /v1/scan "{\"text\":\"$TEXT\"}" >"$tmp/status"
check "scan answers masked findings only" \
    bash -c "[ \"\$(cat $tmp/status)\" = 200 ] && [ \"\$(jget $tmp/body 'len(d[\"findings\"]) >= 3 and all(f[\"masked\"] for f in d[\"findings\"])')\" = True ]"
check "scan answer carries no raw value" no_raw "$tmp/body" "$CARD" "$SSN" "$IBAN"

# --- bad requests: each its JSON error, the server keeps serving ------------------------
while IFS='|' read -r what body; do
    post /v1/check "$body" >"$tmp/status"
    check "$what is 400 with error and hint" is_error 400
done <<'EOF'
bad JSON|{"channel": "chat", "text": 
missing text|{"channel":"chat"}
missing channel|{"text":"hello"}
an unknown channel|{"channel":"fax","text":"hello"}
a JSON array|["channel","chat"]
text and eml_base64 together|{"channel":"email","text":"x","eml_base64":"aGk="}
a number for text|{"channel":"chat","text":42}
recipients not an array|{"channel":"chat","text":"x","recipients":"all"}
a number among recipients|{"channel":"chat","text":"x","recipients":["a",1]}
eml_base64 on the chat channel|{"channel":"chat","eml_base64":"aGk="}
eml_base64 that is not base64|{"channel":"email","eml_base64":"@@@"}
EOF
post /v1/check '{"channel": "chat", "text": "4111 1111 1111 1111' >"$tmp/status"
check "a JSON error never quotes the input" no_raw "$tmp/body" "4111"
req POST /v1/check -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' --data 'hi' >"$tmp/status"
check "a non-JSON content type is 415" is_error 415
req GET /v1/check -H "Authorization: Bearer $TOKEN" >"$tmp/status"
check "GET /v1/check is 405" is_error 405
check "a 405 names the allowed method" grep -qi '^Allow: POST' "$tmp/head"
req GET /v2/nothing >"$tmp/status"
check "an unknown path is 404" is_error 404
"$PY" -c 'import json; print(json.dumps({"channel": "chat", "text": "a" * 70000}))' >"$tmp/big.json"
post /v1/check @"$tmp/big.json" >"$tmp/status"
check "a body over --max-body is 413" is_error 413
post /v1/check @"$tmp/big.json" -H 'Transfer-Encoding: chunked' >"$tmp/status"
check "a chunked body over --max-body is 413 too" is_error 413

# --- authentication and rate limits ------------------------------------------------------
req POST /v1/check -H 'Content-Type: application/json' --data '{"channel":"chat","text":"hi"}' >"$tmp/status"
check "no token is 401 with a Bearer challenge" \
    bash -c "[ \"\$(cat $tmp/status)\" = 401 ] && grep -qi '^WWW-Authenticate: Bearer' $tmp/head"
req POST /v1/check -H 'Content-Type: application/json' -H "Authorization: Bearer pgt_wrong" \
    --data '{"channel":"chat","text":"hi"}' >"$tmp/status"
check "a wrong token is 401" is_error 401
req GET /metrics >"$tmp/status"
check "/metrics needs the token too" is_error 401
codes=""
for _ in $(seq 10); do
    code=$(req POST /v1/check -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $SLOW" --data '{"channel":"chat","text":"hi"}')
    codes="$codes $code"
    [ "$code" = 429 ] && cp "$tmp/head" "$tmp/head429"
done
echo "# flood statuses:$codes"
check "a flood beyond the rate limit gets 429 once the burst of 3 is spent" \
    bash -c "[[ '$codes' == ' 200 200 200 '* ]] && [[ '$codes' == *429* ]]"
check "a 429 says when to retry" grep -qi '^Retry-After:' "$tmp/head429"
post /v1/check '{"channel":"chat","text":"hi"}' >"$tmp/status"
check "another token is not limited by the flood" bash -c "[ \"\$(cat $tmp/status)\" = 200 ]"

# --- a slow client is timed out; others are served meanwhile -------------------------------
slow_client() { # slow_client PARTIAL-REQUEST: seconds until the server closes it
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    printf '%b' "$1" >&3
    local t0=$SECONDS
    # meanwhile, other clients are answered at once
    for _ in 1 2 3; do
        post /v1/check '{"channel":"chat","text":"meanwhile"}' >>"$tmp/meanwhile"
        echo >>"$tmp/meanwhile"
    done
    timeout 15 cat <&3 >/dev/null
    exec 3<&-
    echo $((SECONDS - t0))
}
t=$(slow_client "POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $TOKEN\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{\"channel\": \"chat\", \"te")
check "a client stalled mid-body is closed after the timeout (${t}s)" \
    bash -c "[ $t -ge 1 ] && [ $t -le 6 ]"
check "other clients were served while it stalled" \
    bash -c "[ \"\$(sort -u $tmp/meanwhile | tr -d '\n')\" = 200 ]"
t=$(slow_client "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
check "a client stalled mid-headers is closed after the timeout (${t}s)" bash -c "[ $t -ge 1 ] && [ $t -le 6 ]"
req GET /healthz >"$tmp/status"
check "the server still answers after all the bad requests" bash -c "[ \"\$(cat $tmp/status)\" = 200 ]"

# --- metrics -------------------------------------------------------------------------------
req GET /metrics -H "Authorization: Bearer $TOKEN" >"$tmp/status"
cp "$tmp/body" "$tmp/metrics.txt"
check "/metrics passes promtool check metrics" bash -c "promtool check metrics <$tmp/metrics.txt"
for series in 'piiguard_http_requests_total{endpoint="check",code="413"} 2' \
    'piiguard_http_requests_total{endpoint="check",code="415"} 1' \
    'piiguard_http_requests_total{endpoint="check",code="429"}' \
    'piiguard_decisions_total{channel="chat",action="'"$ACTION"'"}' \
    'piiguard_decision_entities_total{action="'"$ACTION"'",entity_type="US_SSN"}' \
    'piiguard_http_request_duration_seconds_count{endpoint="check"}'; do
    check "metrics have $series" grep -qF -- "$series" "$tmp/metrics.txt"
done
check "metrics count the timed-out request" grep -qE '^piiguard_errors_total\{kind="timeout"\} [1-9]' "$tmp/metrics.txt"
check "metrics carry no raw value" no_raw "$tmp/metrics.txt" "$CARD" "$SSN" "$IBAN"

# --- the OpenAPI document ---------------------------------------------------------------------
req GET /openapi.yaml >"$tmp/status"
check "/openapi.yaml serves docs/openapi.yaml" cmp -s "$tmp/body" "$PG_SOURCE_DIR/docs/openapi.yaml"
for path in /v1/check /v1/scan /healthz /metrics /openapi.yaml; do
    check "the OpenAPI document describes $path" grep -q "^  $path:" "$PG_SOURCE_DIR/docs/openapi.yaml"
done

# --- SIGHUP reload, then a clean stop ------------------------------------------------------------
kill -HUP "$MAIN_PID"
for _ in $(seq 100); do # a reload compiles the engine anew: slow under ASan
    req GET /metrics -H "Authorization: Bearer $TOKEN" >"$tmp/status"
    grep -qF 'piiguard_policy_reloads_total{result="applied"} 1' "$tmp/body" && break
    sleep 0.2
done
check "SIGHUP reloads the policy" grep -qF 'piiguard_policy_reloads_total{result="applied"} 1' "$tmp/body"
kill -TERM "$MAIN_PID"
(sleep 10 && kill -KILL "$MAIN_PID" 2>/dev/null) &
watchdog=$!
wait "$MAIN_PID"
rc=$?
kill "$watchdog" 2>/dev/null
check "SIGTERM stops the server cleanly (exit $rc)" bash -c "[ $rc = 0 ]"
check "the log never names a raw value" no_raw "$tmp/main.log" "$CARD" "$SSN" "$IBAN"

# --- no tokens: loopback clients only -----------------------------------------------------------
start open || true
check "without tokens the server warns at start" grep -q 'loopback clients only' "$tmp/open.log"
req GET /metrics >"$tmp/status"
check "without tokens a loopback client needs no token" bash -c "[ \"\$(cat $tmp/status)\" = 200 ]"
kill "$SPID"
other=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -1)
if [ -n "$other" ] && start wide --listen 0.0.0.0:0; then
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 "http://$other:$PORT/healthz")
    echo "$code" >"$tmp/status"
    check "without tokens a client from $other gets 403" is_error 403
    kill "$SPID"
else
    echo "# skipped: no non-loopback IPv4 address to test 403 from"
fi

# --- TLS -----------------------------------------------------------------------------------------
if command -v openssl >/dev/null &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null &&
    start tls --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"; then
    code=$(curl -sk -o "$tmp/body" -w '%{http_code}' --max-time 5 "https://127.0.0.1:$PORT/healthz")
    check "TLS: https answers 200" bash -c "[ $code = 200 ]"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz")
    check "TLS: plain http is refused" bash -c "[ $code != 200 ]"
    kill "$SPID"
else
    not_ok "TLS server with a self-signed certificate"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
