#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_postfix.sh - the mail gateway end to end: a private Postfix on
# loopback with piiguard as its milter, swaks as the agent's mail client,
# a sink standing in for the internet (and one for the encryption
# gateway). Each numbered case is one assertion or a few:
#
#   1 clear-text SSN to an external recipient: 550 5.7.1 with the notice
#     (no raw value in it), nothing reaches the sink
#   2 the same with a consent phrase: the same result
#   3 a card number in an attached PDF: whatever `piiguard check` says the
#     default policy does with the same message
#   4 the customer's SSN quoted back: a redacted copy reaches the sink
#   5 S/MIME (openssl cms -encrypt, real EnvelopedData) with PII inside:
#     delivered
#   6 clean mail: delivered, body byte-identical
#   7 quarantine (a policy reloaded with SIGHUP): accepted, kept only in
#     the store (no copy in Postfix's queue); `quarantine release`
#     delivers it; audit verifies
#  10 (after 7) a policy that redacts: an SSN in the Subject and the body
#     is masked in both on the delivered copy
#   8 the milter killed with SIGKILL in the middle of DATA: 4xx, nothing
#     delivered; the supervisor restarts it and mail flows again
#   9 no leaks: no seeded value in any log, the store or the sink, except
#     in the one released message
#   plus: a broken policy on SIGHUP is refused with file:line, the old one
#   stays in force.
#
# env: PG_BIN, PG_SOURCE_DIR (from ctest). Needs root, postfix, swaks.
set -uo pipefail

SRC=${PG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PG_BIN:-$SRC/build/piiguard}
HERE=$SRC/tests/gateway
T=/tmp/piiguard-gw/test
. "$HERE/lib.sh"
gw_require
[ -x "$BIN" ] || gw_die "no binary at $BIN"
export PATH=$PATH:/usr/sbin
gw_scenario "$T" 120 25500

gw_setup "$T" "$SMTP" "$SINK" "$SECURE" "inet:127.0.0.1:$MPORT"
mkdir -p "$T/policy" "$T/state" "$T/msg" "$T/out"
cp -r "$SRC/etc/piiguard.yaml" "$SRC/etc/notices" "$T/policy/"
POLICY=$T/policy/piiguard.yaml
# The secure route the policy asks for, as the Postfix map must match it.
ROUTE=$(sed -n 's/^ *header: *"\(.*\)".*/\1/p' "$POLICY" | head -1)
[ -n "$ROUTE" ] && printf '/^%s/ FILTER smtp:[127.0.0.1]:%s\n' "$ROUTE" "$SECURE" \
    > "$T/etc/milter_header_checks"

# Everything starts at once; then wait for each port.
gw_sink_start "$T/sink" "$SINK"
gw_sink_start "$T/secure" "$SECURE"
# --notify mails the full notice through this instance's sendmail
# (MAIL_CONFIG points Postfix's sendmail at the private configuration).
MAIL_CONFIG=$T/etc gw_bg "$T/milter.log" "$BIN" milter --foreground \
    --listen "inet:$MPORT@127.0.0.1" --policy "$POLICY" --state-dir "$T/state" \
    --notify --spool-threshold 64K --log-level info
MILTER_PID=$GW_LAST
gw_postfix_start "$T"
gw_wait_port "$SINK" 10 || gw_die "the sink did not start"
gw_wait_port "$SECURE" 10 || gw_die "the secure sink did not start"
gw_wait_port "$MPORT" 30 || { cat "$T/milter.log" >&2; gw_die "the milter did not start"; }
gw_postfix_wait "$T" "$SMTP"

# send NAME KIND [ARG] - write the message of KIND and send it with swaks;
# the transcript is out/NAME.txt, the Subject (and Message-ID) is NAME-$$
send() {
    "$GW_PY" "$HERE/mkmsg.py" "$2" "$T/msg/$1.eml" "$1-$$" ${3:+"$3"}
    swaks --server 127.0.0.1:"$SMTP" --from agent@corp.example.com \
        --to customer@example.net --data "@$T/msg/$1.eml" --timeout 40 \
        > "$T/out/$1.txt" 2>&1
    return 0
}
replied() { grep -q "^<\*\* *$2" "$T/out/$1.txt"; }
accepted() { grep -q "^<- *250 .*queued as" "$T/out/$1.txt"; }
in_sink() { gw_wait_grep "$T/${2:-sink}" "Subject: $1-$$" "${3:-10}" >/dev/null; }
not_in_sink() { sleep 0.5; ! grep -qlx "Subject: $1-$$"$'\r' "$T"/sink/*.eml "$T"/secure/*.eml 2>/dev/null; }
sink_file() { gw_wait_grep "$T/${2:-sink}" "Subject: $1-$$" 10; }
SSN=536-22-1934
SSN_RE='536[- ]?22[- ]?1934'
CARD_RE='4539[- ]?1488[- ]?0343[- ]?6467'
no_value_in_reply() { ! grep '^<\*\*' "$T/out/$1.txt" | grep -Eq "$SSN_RE|$CARD_RE"; }

# ---- 1, 2: clear text SSN, with and without consent --------------------------
send case1 ssn
check "1 clear-text SSN: 550 5.7.1" replied case1 "550[ -]5\.7\.1"
check "1 the notice is in the reply, values masked" no_value_in_reply case1
check "1 nothing reached the sink" not_in_sink case1
NOTICE=$(gw_wait_grep "$T/sink" "X-Data-Protection-Notice: " 15)
check "1 --notify: the full notice reached the sender" test -n "$NOTICE"
[ -n "$NOTICE" ] && check "1 --notify: to the sender, from <>, values masked" bash -c \
    "grep -q '^To: <agent@corp.example.com>' '$NOTICE' && grep -qi '^MAIL FROM:<>' '${NOTICE%.eml}.env' && ! grep -Eq '$SSN_RE' '$NOTICE'"
send case2 consent
check "2 consent phrase changes nothing: 550 5.7.1" replied case2 "550[ -]5\.7\.1"
check "2 nothing reached the sink" not_in_sink case2

# ---- 3: card in an attached PDF: the default policy's action -----------------
send case3 pdf
PIIGUARD_POLICY=$POLICY "$BIN" check --format json --from agent@corp.example.com \
    --to customer@example.net "$T/msg/case3.eml" > "$T/out/case3.json" 2>"$T/out/case3.check.err"
EXPECT=$("$GW_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision"]["action"])' \
    "$T/out/case3.json" 2>/dev/null)
case "$EXPECT" in
    reject) check "3 PDF card: check says reject, gateway 550" replied case3 "550[ -]5\.7\.1" ;;
    quarantine) check "3 PDF card: check says quarantine, gateway quarantines (250)" accepted case3 ;;
    tempfail) check "3 PDF card: check says tempfail, gateway 451" replied case3 "451" ;;
    allow|tag|redact|secure)
        check "3 PDF card: check says $EXPECT, gateway delivers" in_sink case3 \
            "$([ "$EXPECT" = secure ] && echo secure || echo sink)" ;;
    *) not_ok "3 PDF card: 'piiguard check --format json' gave no decision.action ($(head -c 200 "$T/out/case3.check.err"))" ;;
esac
case "$EXPECT" in reject|tempfail) check "3 nothing reached the sink" not_in_sink case3 ;; esac

# ---- 4: quoted SSN is redacted -------------------------------------------------
send case4 quoted
if in_sink case4 sink; then
    F4=$(sink_file case4)
    check "4 quoted SSN: redacted copy delivered without the value" \
        bash -c "! grep -Eq '$SSN_RE' '$F4'"
    check "4 the redacted copy says so (X-PIIGuard-Action: redact)" \
        grep -q "^X-PIIGuard-Action: redact" "$F4"
    check "4 the rest of the reply is intact" grep -q "your file is up to date" "$F4"
else
    not_ok "4 quoted SSN: nothing delivered ($(grep '^<\*\*' "$T/out/case4.txt" | head -2))"
fi

# ---- 5: S/MIME ----------------------------------------------------------------
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/msg/key.pem" -out "$T/msg/cert.pem" \
        -subj /CN=customer.example.net -days 2 >/dev/null 2>&1
    printf 'Content-Type: text/plain\n\nYour SSN is %s and card %s.\n' "$SSN" "4539 1488 0343 6467" |
        openssl cms -encrypt -aes256 -recip "$T/msg/cert.pem" -out "$T/msg/smime.txt"
    send case5 smime "$T/msg/smime.txt"
    check "5 S/MIME with PII inside: delivered" in_sink case5
    check "5 the CMS EnvelopedData is what arrived" \
        bash -c "grep -q 'application/pkcs7-mime' '$(sink_file case5)'"
else
    not_ok "5 S/MIME: openssl is not installed (add it to scripts/install-deps.sh)"
fi

# ---- 6: clean mail, byte-identical body -------------------------------------------
# (sent with smtp_client.py: swaks appends a line break of its own). The
# sender also wrote X-PIIGuard-Action and the secure-route header himself:
# they are removed, and the message goes the ordinary way.
"$GW_PY" "$HERE/mkmsg.py" forged "$T/msg/case6.eml" "case6-$$"
"$GW_PY" "$HERE/smtp_client.py" "$SMTP" "$T/msg/case6.eml" > "$T/out/case6.txt" 2>&1
if in_sink case6; then
    F6=$(sink_file case6)
    "$GW_PY" - "$T/msg/case6.eml" "$F6" > "$T/out/case6.cmp" <<'EOF'
import sys
sent = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
got = open(sys.argv[2], "rb").read()
body = lambda m: m.split(b"\r\n\r\n", 1)[1]
print("same" if body(sent) == body(got) else "differs")
EOF
    check "6 clean mail: delivered, body byte-identical" grep -qx same "$T/out/case6.cmp"
    check "6 the X-PIIGuard headers the sender forged are gone" bash -c "! grep -qi '^X-PIIGuard' '$F6'"
else
    not_ok "6 clean mail: not delivered ($(cat "$T/out/case6.txt"))"
fi

# ---- 6b: a message above the spool threshold (64K here) goes through the
# private spool file and still arrives byte for byte
"$GW_PY" "$HERE/mkmsg.py" big "$T/msg/case6b.eml" "case6b-$$"
"$GW_PY" "$HERE/smtp_client.py" "$SMTP" "$T/msg/case6b.eml" > "$T/out/case6b.txt" 2>&1
if in_sink case6b; then
    "$GW_PY" - "$T/msg/case6b.eml" "$(sink_file case6b)" > "$T/out/case6b.cmp" <<'EOF'
import sys
sent = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
got = open(sys.argv[2], "rb").read()
body = lambda m: m.split(b"\r\n\r\n", 1)[1]
print("same" if body(sent) == body(got) else "differs")
EOF
    check "6b 400 KB message through the spool file: body byte-identical" \
        grep -qx same "$T/out/case6b.cmp"
else
    not_ok "6b 400 KB message: not delivered ($(cat "$T/out/case6b.txt"))"
fi

# ---- reload: a broken policy is refused, the old one stays ----------------------
cp "$POLICY" "$T/policy/good.yaml"
printf 'no_such_key: 1\n' >> "$POLICY"
kill -HUP "$MILTER_PID"
gw_wait_log "$T/milter.log" "milter reload refused" 5
check "reload: a broken policy is refused, logged with file:line" \
    grep -Eq "piiguard\.yaml:[0-9]+: unknown key" "$T/milter.log"
send reload1 ssn
check "reload: the old policy is still in force (550)" replied reload1 "550[ -]5\.7\.1"

# ---- 7: quarantine ----------------------------------------------------------------
# The second policy: clear-text customer PII to external recipients is
# quarantined instead of rejected.
sed '0,/^    action: reject$/s//    action: quarantine/' "$T/policy/good.yaml" > "$POLICY"
kill -HUP "$MILTER_PID"
gw_wait_log "$T/milter.log" "reload ok" 5
check "reload: the quarantine policy is live" grep -q "reload ok" "$T/milter.log"
send case7 quarantine
check "7 quarantine: accepted (250)" accepted case7
QID=$(sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p' "$T/out/case7.txt" | head -1)
check "7 Postfix keeps no copy (its queue files are clear text)" bash -c \
    "test -n '$QID' && ! postqueue -c '$T/etc' -j | grep -qF '\"queue_id\": \"$QID\"'"
check "7 nothing reached the sink" not_in_sink case7
QUAR=$(gw_first_held "$BIN" "$T/state" "$T/out/qlist.json")
check "7 the message is in the store's quarantine" test -n "$QUAR"
if [ -n "$QUAR" ]; then
    "$BIN" quarantine release "$QUAR" --relay 127.0.0.1:"$SINK" --state-dir "$T/state" \
        > "$T/out/release.txt" 2>&1
    check "7 quarantine release delivers it to the sink" in_sink case7
fi
check "7 audit verify passes" "$BIN" audit verify --state-dir "$T/state"

# ---- 10: redaction reaches the headers ----------------------------------------------
# A third policy redacts what the default rejects. The SSN is in the Subject
# and the body; the delivered copy holds it in neither, and the Subject
# keeps its other words (smfi_chgheader, not a dropped header).
sed '0,/^    action: reject$/s//    action: redact/' "$T/policy/good.yaml" > "$POLICY"
kill -HUP "$MILTER_PID"
for _ in $(seq 1 50); do [ "$(grep -c 'reload ok' "$T/milter.log")" -ge 2 ] && break; sleep 0.1; done
check "reload: the redact policy is live" \
    bash -c "[ \"\$(grep -c 'reload ok' '$T/milter.log')\" -ge 2 ]"
send case10 subject
if in_sink case10 sink; then
    F10=$(sink_file case10)
    check "10 header redaction: no SSN in the delivered copy, Subject included" \
        bash -c "! grep -Eq '$SSN_RE' '$F10'"
    check "10 the Subject is kept, its value masked" grep -Eq "^Subject: case10-$$ SSN [*]" "$F10"
else
    not_ok "10 redact policy: nothing delivered ($(grep '^<\*\*' "$T/out/case10.txt" | head -2))"
fi

# ---- 8: the milter dies in the middle of DATA -------------------------------------
cp "$T/policy/good.yaml" "$POLICY"
kill -HUP "$MILTER_PID"
"$GW_PY" "$HERE/mkmsg.py" clean "$T/msg/case8.eml" "case8-$$"
mkdir -p "$T/sync"
"$GW_PY" "$HERE/smtp_client.py" "$SMTP" "$T/msg/case8.eml" "$T/sync" > "$T/out/case8.txt" 2>&1 &
CLIENT=$!
for _ in $(seq 1 100); do [ -e "$T/sync/in-data" ] && break; sleep 0.1; done
WORKER=$(ps -o pid= --ppid "$MILTER_PID" | tr -d ' ' | head -1)
[ -n "$WORKER" ] && kill -9 "$WORKER"
touch "$T/sync/go"
wait "$CLIENT"
check "8 milter killed mid-DATA: Postfix answers 4xx" grep -q '^4[0-9][0-9] ' "$T/out/case8.txt"
check "8 nothing was delivered" not_in_sink case8
gw_wait_log "$T/milter.log" "worker restarted" 5
gw_wait_port "$MPORT" 10
send after8 clean
check "8 the supervisor restarted the worker: mail flows again" in_sink after8

# ---- SIGTERM: a clean stop -------------------------------------------------------------
kill -TERM "$MILTER_PID"
if gw_wait_gone "$MILTER_PID" 20; then
    wait "$MILTER_PID"
    check "stop: SIGTERM ends the milter with status 0" test "$?" -eq 0
else
    not_ok "stop: the milter did not stop within 20 s of SIGTERM"
fi

# ---- 9: no leaks ----------------------------------------------------------------------
gw_postfix_stop "$T"
RELEASED=$(grep -lF "Subject: case7-$$" "$T"/sink/*.eml 2>/dev/null | head -1)
LEAKS=$(grep -rlEa "$SSN_RE|536221934|$CARD_RE" "$T/postfix.log" "$T/milter.log" \
    "$T/state" "$T/sink" "$T/secure" "$T/sink.log" "$T/secure.log" 2>/dev/null |
    grep -vxF "${RELEASED:-/none}")
check "9 no seeded value in logs, store or sink (except the released message)" test -z "$LEAKS"
[ -n "$LEAKS" ] && echo "     leaked into: $LEAKS"
check "9 the milter logged one line per message, counts only" \
    grep -Eq " milter action=reject entities=[A-Z_]+:[0-9]" "$T/milter.log"
check "9 the spool is empty" test -z "$(ls -A "$T/state/spool" 2>/dev/null)"

echo "gateway: $FAILED failed, $(( $(date +%s) - START )) s"
[ "$FAILED" -eq 0 ]
