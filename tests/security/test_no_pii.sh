#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_no_pii.sh - piiguard must not become the breach: messages seeded
# with known values (an SSN, a card number, an IBAN, a person's name and
# a password) go through the milter (private Postfix, tests/gateway/lib.sh)
# and the HTTP API at log level debug; then every log, every answer and
# CLI output, the store (database, WAL, key directory), the quarantine
# files, Postfix's queue directory and the sinks are searched for those
# values, in the spellings a
# sender might use (with and without separators). None may be found,
# except in the one message an operator deliberately released.
#
# Traffic:
#   milter, default policy: the values in a text body, an HTML body split
#     by tags and entities, a PDF attachment, the Subject-free headers of a
#     forwarded message - each rejected with the masked notice
#   milter, quarantine policy (SIGHUP): two messages quarantined (the
#     store's encrypted copy only; none left in Postfix's queue); one
#     released
#   API: /v1/check chat, SMS and email (default policy), email under a
#     quarantine policy; /v1/scan
#   CLI: quarantine list, incidents list, report, audit verify
#
# env: PG_BIN, PG_SOURCE_DIR (from ctest). Needs root, postfix, swaks,
# curl; skipped without root.
set -uo pipefail

SRC=${PG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PG_BIN:-$SRC/build/piiguard}
HERE=$SRC/tests/gateway
T=/tmp/piiguard-gw/nopii
if [ "$(id -u)" -ne 0 ]; then echo "skip: a private Postfix needs root"; exit 0; fi
. "$HERE/lib.sh"
gw_require
export PATH=$PATH:/usr/sbin
gw_scenario "$T" 600 25700

# ---- the seeded values, and every spelling searched for -------------------------
SSN=536-22-1934
CARD="4539 1488 0343 6467"
IBAN="DE89 3704 0044 0532 0130 00"
NAME="Philippa Quennell"
PASSWORD='Tr0ub4dor&3x!Zq'
LEAK_RE='536[- .]?22[- .]?1934|4539[- ]?1488[- ]?0343[- ]?6467|DE89 ?3704 ?0044 ?0532 ?0130 ?00|Quennell|Tr0ub4dor'

gw_setup "$T" "$SMTP" "$SINK" "$SECURE" "inet:127.0.0.1:$MPORT"
chmod 755 "$T"
mkdir -p "$T/policy" "$T/msg" "$T/out" "$T/client"
cp -r "$SRC/etc/piiguard.yaml" "$SRC/etc/notices" "$T/policy/"
POLICY=$T/policy/piiguard.yaml
cp "$POLICY" "$T/policy/good.yaml"
sed '0,/^    action: reject$/s//    action: quarantine/' "$POLICY" > "$T/policy/quar.yaml"

# ---- messages -------------------------------------------------------------------------
"$GW_PY" - "$HERE" "$T/msg" "$$" "$SSN" "$CARD" "$IBAN" "$NAME" "$PASSWORD" <<'EOF'
import base64, sys
sys.path.insert(0, sys.argv[1])
import mkmsg
out, tag, ssn, card, iban, name, pw = sys.argv[2:9]
facts = ("Customer %s, SSN %s, card %s, IBAN %s, online banking password: %s"
         % (name, ssn, card, iban, pw))
def put(kind, text):
    open("%s/%s.eml" % (out, kind), "w").write(text)
def head(kind, extra=""):
    return mkmsg.head("%s-%s" % (kind, tag), extra)
put("text", head("text", "Content-Type: text/plain; charset=utf-8\n")
    + "\nHi,\n\n" + facts + "\n\nRegards\n")
split = "".join("<b>%s</b>" % c if c.isdigit() and i % 3 == 0 else c
                for i, c in enumerate(ssn))
put("html", head("html", "Content-Type: text/html; charset=utf-8\n")
    + "\n<p>Dear %s,</p><p>SSN %s, card %s</p><p>IBAN %s</p>"
      "<p>password: %s</p>\n" % (name, split, card.replace(" ", "&#32;"), iban,
                                  pw.replace("&", "&amp;")))
pdf = base64.encodebytes(mkmsg.pdf_bytes(facts.replace("(", "").replace(")", ""))).decode()
put("pdf", head("pdf", 'Content-Type: multipart/mixed; boundary="b1"\n')
    + "\n--b1\nContent-Type: text/plain\n\nSee the attachment.\n\n--b1\n"
      'Content-Type: application/pdf; name="record.pdf"\n'
      "Content-Transfer-Encoding: base64\n\n" + pdf + "\n--b1--\n")
put("fwd", head("fwd", 'Content-Type: message/rfc822\n')
    + "\nFrom: %s <pq@example.net>\nSubject: my details\n\n%s\n" % (name, facts))
for k in ("quar1", "quar2"):
    put(k, head(k, "Content-Type: text/plain; charset=utf-8\n") + "\n" + facts + "\n")
EOF

# ---- start ------------------------------------------------------------------------------
gw_sink_start "$T/sink" "$SINK"
gw_sink_start "$T/secure" "$SECURE"
gw_bg "$T/milter.log" "$BIN" milter --foreground --listen "inet:$MPORT@127.0.0.1" \
    --policy "$POLICY" --state-dir "$T/mstate" --log-level debug
MILTER_PID=$GW_LAST
gw_postfix_start "$T"

# serve_start NAME POLICY - serve at log level debug; sets PORT_<NAME>
serve_start() {
    local port=
    gw_bg "$T/$1.log" "$BIN" serve --policy "$2" --state-dir "$T/$1" \
        --listen 127.0.0.1:0 --log-level debug
    for _ in $(seq 300); do
        port=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$T/$1.log" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$T/$1.log" >&2; gw_die "serve $1 did not start"; }
    printf -v "PORT_$1" '%s' "$port"
}
serve_start api "$POLICY"
serve_start apiq "$T/policy/quar.yaml"
gw_wait_port "$SINK" 10 || gw_die "the sink did not start"
gw_wait_port "$MPORT" 60 || { cat "$T/milter.log" >&2; gw_die "the milter did not start"; }
gw_postfix_wait "$T" "$SMTP"

# send NAME - swaks; the transcript (which holds what the client sent) is
# client/NAME.txt, the server's replies out/NAME.txt
send() {
    swaks --server 127.0.0.1:"$SMTP" --from agent@corp.example.com \
        --to customer@example.net --data "@$T/msg/$1.eml" --timeout 40 > "$T/client/$1.txt" 2>&1
    grep -E '^(<-|<\*\*)' "$T/client/$1.txt" > "$T/out/$1.txt"
}
replied() { grep -q "^<\*\* *$2" "$T/out/$1.txt"; }
accepted() { grep -q "^<- *250 .*queued as" "$T/out/$1.txt"; }

# ---- milter: rejected ------------------------------------------------------------------------
for k in text html pdf fwd; do
    send $k
    check "milter: $k message rejected (550 5.7.1)" replied $k "550[ -]5\.7\.1"
done

# ---- milter: quarantined, one released ------------------------------------------------------
cp "$T/policy/quar.yaml" "$POLICY"
kill -HUP "$MILTER_PID"
gw_wait_log "$T/milter.log" "reload ok" 20
for k in quar1 quar2; do
    send $k
    check "milter: $k accepted (250), kept only by the store" accepted $k
done
QUAR=$(gw_first_held "$BIN" "$T/mstate" "$T/out/qlist.json")
check "milter: the store holds the quarantined messages" test -n "$QUAR"
"$BIN" quarantine release "$QUAR" --relay 127.0.0.1:"$SINK" --state-dir "$T/mstate" \
    > "$T/out/release.txt" 2>&1
RELEASED=$(gw_wait_grep "$T/sink" "Quennell" 15)
check "milter: the released message reached the sink" test -n "$RELEASED"

# ---- API ------------------------------------------------------------------------------------------
FACTS="Customer $NAME, SSN $SSN, card $CARD, IBAN $IBAN, online banking password: $PASSWORD"
# api NAME PORT PATH BODY-JSON
api() {
    curl -s -m 60 -H 'Content-Type: application/json' --data-binary "$4" \
        "http://127.0.0.1:$2$3" > "$T/out/$1.json"
}
jtext=$("$GW_PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$FACTS")
api chat "$PORT_api" /v1/check "{\"channel\":\"chat\",\"text\":$jtext,\"recipients\":[\"#support\"]}"
api sms "$PORT_api" /v1/check "{\"channel\":\"sms\",\"text\":$jtext,\"recipients\":[\"+15551234567\"]}"
api scan "$PORT_api" /v1/scan "{\"text\":$jtext}"
for k in text pdf; do
    "$GW_PY" -c 'import base64,json,sys; print(json.dumps({"channel":"email","sender":"agent@corp.example.com","recipients":["customer@example.net"],"eml_base64":base64.b64encode(open(sys.argv[1],"rb").read()).decode()}))' \
        "$T/msg/$k.eml" > "$T/msg/$k.json"
    api "email-$k" "$PORT_api" /v1/check "@$T/msg/$k.json"
    api "emailq-$k" "$PORT_apiq" /v1/check "@$T/msg/$k.json"
done
act() { "$GW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision"]["action"])' "$T/out/$1.json" 2>/dev/null; }
check "api: chat rejected" test "$(act chat)" = reject
check "api: sms rejected" test "$(act sms)" = reject
check "api: email rejected" test "$(act email-text)" = reject
check "api: email quarantined under the quarantine policy" test "$(act emailq-text)" = quarantine
check "api: /v1/scan found the values (masked)" grep -q '"US_SSN"' "$T/out/scan.json"
check "api: the answers show masked values" grep -q '\*\*\*-\*\*-\*934' "$T/out/chat.json"

# ---- CLI over the stores ---------------------------------------------------------------------------
for s in mstate api apiq; do
    "$BIN" incidents --state-dir "$T/$s" --format json > "$T/out/incidents-$s.txt" 2>&1
    "$BIN" report --state-dir "$T/$s" > "$T/out/report-$s.txt" 2>&1
    "$BIN" audit verify --state-dir "$T/$s" > "$T/out/audit-$s.txt" 2>&1
    "$BIN" quarantine list --state-dir "$T/$s" > "$T/out/qlist-$s.txt" 2>&1
done
check "cli: incidents were recorded" grep -q '"reject"' "$T/out/incidents-mstate.txt"

# ---- search (not client/ and msg/: what the senders wrote) -------------------------------------------------------------------------------------------
kill "$MILTER_PID" 2>/dev/null; gw_wait_gone "$MILTER_PID" 20
gw_postfix_stop "$T"
# $T/spool is Postfix's queue directory: a quarantined message must not
# stay there in clear text (the store's encrypted copy is the only one).
WHERE=("$T/postfix.log" "$T/milter.log" "$T/api.log" "$T/apiq.log" "$T/out" "$T/mstate"
       "$T/api" "$T/apiq" "$T/sink" "$T/secure" "$T/sink.log" "$T/secure.log" "$T/spool")
LEAKS=$(grep -rlaE "$LEAK_RE" "${WHERE[@]}" 2>/dev/null | grep -vxF "${RELEASED:-/none}")
check "no seeded value in any log, answer, CLI output, store, quarantine, Postfix queue or sink" test -z "$LEAKS"
for f in $LEAKS; do
    echo "     leaked into $f:"; grep -aoE ".{0,30}($LEAK_RE).{0,10}" "$f" | head -3 | sed 's/^/       /'
done
check "...the search itself works (the released message holds them)" \
    grep -qaE "$LEAK_RE" "${RELEASED:-/none}"
check "...and covered something: the milter logged every message" \
    test "$(grep -c ' milter action=' "$T/milter.log")" -ge 6
check "...the quarantine files exist and are encrypted (no value in them)" \
    test -n "$(ls -A "$T/mstate/quarantine" 2>/dev/null)"

echo "no-pii: $FAILED failed, $(( $(date +%s) - START )) s"
[ "$FAILED" -eq 0 ]
