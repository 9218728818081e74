#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_faults.sh - every failure ends in a defined, fail-closed state,
# through the real front ends: a private Postfix with the milter
# (tests/gateway/lib.sh) and `piiguard serve`, both started as root and so
# running as piiguard.
#
#   A disk full under the milter: the store cannot record the incident, so
#     the message is tempfailed (451 4.7.1), the log says why, nothing is
#     delivered; clean mail still flows; once space is back, 550 again and
#     the audit chain verifies
#   B disk full under the API: decision tempfail with the log line; back
#     to reject with an incident once space is back
#   C quarantine directory unwritable (API, quarantine policy): tempfail
#     with the log line; quarantined again once writable
#   D extractor crash (CLI, milter) and timeout (CLI, API): the part is
#     uninspectable ("extractor crashed" / "extractor timeout") and the
#     policy's action follows: quarantine (the default) - in the store
#     only (Postfix keeps no copy), never delivered
#   E SIGHUP with a broken policy (serve and milter): refused with
#     file:line, the old policy stays in force
#   F slow-loris: 300 connections from 127.0.0.2 trickling header bytes
#     while a client on 127.0.0.1 gets every answer promptly
#   G SIGTERM under load: messages in flight (paused mid-DATA) and
#     arriving meanwhile each get an answer; none with PII is delivered;
#     every 250 is delivered (none lost); afterwards Postfix tempfails
#
# How the faults are made, and why:
#   disk full  RLIMIT_FSIZE of the running daemon lowered to 1 KiB with
#              prlimit(1) (run as piiguard, the daemon's user) and lifted
#              again; the daemon was started with
#              SIGXFSZ ignored, so a write past the limit fails with EFBIG
#              (what ENOSPC does) instead of killing it. A full tmpfs
#              needs mount(2), which a container does not grant, and a
#              read-only bind mount likewise. Logs go through a pipe,
#              which the limit does not touch.
#   unwritable the daemon runs as piiguard after the drop, so a 0500
#              directory stops it even though the test runs as root.
#   crash/hang the isolate.c test hook (PIIGUARD_TEST_EXTRACTOR_FAULT and
#              the %PIIGUARD-TEST-FAULT marker in a PDF), acting in the
#              forked extractor child only.
#
# env: PG_BIN, PG_SOURCE_DIR (from ctest). Needs root, postfix, swaks,
# prlimit and setpriv (util-linux), python3; skipped without root.
set -uo pipefail

SRC=${PG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PG_BIN:-$SRC/build/piiguard}
HERE=$SRC/tests/gateway
T=/tmp/piiguard-gw/faults
if [ "$(id -u)" -ne 0 ]; then echo "skip: a private Postfix needs root"; exit 0; fi
. "$HERE/lib.sh"
gw_require
command -v prlimit >/dev/null || gw_die "prlimit (util-linux) is needed"
command -v curl >/dev/null || gw_die "curl is needed"
export PATH=$PATH:/usr/sbin
SLOW=1; [ "${PG_SANITIZE:-0}" = 1 ] && SLOW=4   # ASan: everything takes longer
gw_scenario "$T" 600 25600
gw_setup "$T" "$SMTP" "$SINK" "$SECURE" "inet:127.0.0.1:$MPORT"
chmod 755 "$T"
mkdir -p "$T/policy" "$T/msg" "$T/out" "$T/sync"
cp -r "$SRC/etc/piiguard.yaml" "$SRC/etc/notices" "$T/policy/"
POLICY=$T/policy/piiguard.yaml
cp "$POLICY" "$T/policy/good.yaml"
# the API's policy: a short extractor timeout for case D
sed 's/^limits:$/limits:\n  extractor_timeout_ms: 1500/' "$POLICY" > "$T/policy/api.yaml"
grep -q extractor_timeout_ms "$T/policy/api.yaml" || gw_die "could not set the timeout"
# quarantine instead of reject (case C), as tests/gateway/test_postfix.sh does
sed '0,/^    action: reject$/s//    action: quarantine/' "$POLICY" > "$T/policy/quar.yaml"

# daemon NAME LOG ENV... -- CMD...: start CMD with SIGXFSZ ignored and its
# output through a pipe into LOG; DAEMON_PID is CMD's pid
daemon() {
    local log=$1
    shift
    ( trap '' XFSZ; exec env "$@" ) > >(cat > "$log") 2>&1 &
    DAEMON_PID=$!
    GW_PIDS="$DAEMON_PID $GW_PIDS"
}

# serve_start NAME POLICY [ENV...] - serve on a kernel-chosen port; sets
# PORT_<NAME> and PID_<NAME>
serve_start() {
    local name=$1 pol=$2 port=
    shift 2
    daemon "$T/$name.log" "$@" "$BIN" serve --policy "$pol" --state-dir "$T/$name" \
        --listen 127.0.0.1:0 --log-level info
    printf -v "PID_$name" '%s' "$DAEMON_PID"
    for _ in $(seq $((200 * SLOW))); do
        port=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$T/$name.log" | head -1)
        [ -n "$port" ] && grep -q "privilege user=" "$T/$name.log" && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$T/$name.log" >&2; gw_die "serve $name did not start"; }
    printf -v "PORT_$name" '%s' "$port"
}

# api NAME PORT BODY - POST /v1/check; the answer is out/NAME.json
api() {
    curl -s -m $((30 * SLOW)) -H 'Content-Type: application/json' --data-binary "$3" \
        "http://127.0.0.1:$2/v1/check" > "$T/out/$1.json"
}
# jq_ FILE EXPR - a Python expression over the JSON in FILE (as d)
jq_() { "$GW_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
action_is() { [ "$(jq_ "$T/out/$1.json" 'd["decision"]["action"]')" = "$2" ]; }

CHAT_SSN='{"channel":"chat","text":"Hi, as you asked: your SSN is 536-22-1934.","recipients":["#support"]}'
# eml_json FILE - an /v1/check body for an email
eml_json() {
    "$GW_PY" -c 'import base64,json,sys; print(json.dumps({"channel":"email","sender":"agent@corp.example.com","recipients":["customer@example.net"],"eml_base64":base64.b64encode(open(sys.argv[1],"rb").read()).decode()}))' "$1"
}
# mkmsg KIND NAME - tests/gateway/mkmsg.py, Subject NAME-$$
mkmsg() { "$GW_PY" "$HERE/mkmsg.py" "$1" "$T/msg/$2.eml" "$2-$$"; }
# faultpdf NAME - a message whose PDF carries the test hook's marker
faultpdf() {
    "$GW_PY" - "$HERE" "$T/msg/$1.eml" "$1-$$" <<'EOF'
import base64, sys
sys.path.insert(0, sys.argv[1])
import mkmsg
pdf = mkmsg.pdf_bytes("Statement %PIIGUARD-TEST-FAULT")
b64 = base64.encodebytes(pdf).decode()
open(sys.argv[2], "w").write(mkmsg.head(sys.argv[3], 'Content-Type: multipart/mixed; boundary="b1"\n') +
    "\n--b1\nContent-Type: text/plain\n\nYour statement is attached.\n\n"
    "--b1\nContent-Type: application/pdf; name=\"statement.pdf\"\n"
    "Content-Disposition: attachment; filename=\"statement.pdf\"\n"
    "Content-Transfer-Encoding: base64\n\n" + b64 + "\n--b1--\n")
EOF
}
# smtp NAME [SYNC] - send msg/NAME.eml; the final reply is out/NAME.txt
smtp() { "$GW_PY" "$HERE/smtp_client.py" "$SMTP" "$T/msg/$1.eml" ${2:+"$2"} > "$T/out/$1.txt" 2>&1; }
replied() { grep -q "^$2" "$T/out/$1.txt"; }
in_sink() { gw_wait_grep "$T/sink" "Subject: $1-$$" "${2:-10}" >/dev/null; }
not_in_sink() { sleep 0.5; ! grep -lqx "Subject: $1-$$"$'\r' "$T"/sink/*.eml 2>/dev/null; }
# worker - the milter's worker: the supervisor's child named piiguard (the
# log pipe's cat is a child too)
worker() { ps -o pid=,comm= --ppid "$MILTER_PID" | awk '$2 == "piiguard" { print $1; exit }'; }
# fsize PID SOFT:HARD - set a daemon's RLIMIT_FSIZE. As piiguard, whose
# IDs the daemon now has: root in a container may lack CAP_SYS_RESOURCE,
# which setting another user's limits needs.
fsize() {
    [ -n "$1" ] || { echo "fsize: no pid"; return 1; }
    setpriv --reuid=piiguard --regid=piiguard --clear-groups prlimit --pid "$1" --fsize="$2"
}

# ---- start everything --------------------------------------------------------------
gw_sink_start "$T/sink" "$SINK"
gw_sink_start "$T/secure" "$SECURE"
daemon "$T/milter.log" PIIGUARD_TEST_EXTRACTOR_FAULT=crash "$BIN" milter --foreground \
    --listen "inet:$MPORT@127.0.0.1" --policy "$POLICY" --state-dir "$T/mstate" --log-level info
MILTER_PID=$DAEMON_PID
gw_postfix_start "$T"
serve_start api "$T/policy/api.yaml" PIIGUARD_TEST_EXTRACTOR_FAULT=hang
serve_start quar "$T/policy/quar.yaml"
gw_wait_port "$SINK" 10 || gw_die "the sink did not start"
gw_wait_port "$MPORT" $((30 * SLOW)) || { cat "$T/milter.log" >&2; gw_die "the milter did not start"; }
gw_postfix_wait "$T" "$SMTP"

# ---- A: disk full under the milter ------------------------------------------------------
mkmsg ssn a1; smtp a1
check "A baseline: SSN is rejected (550)" replied a1 "550"
W=$(worker)
fsize "$W" 1024:unlimited
mkmsg ssn a2; smtp a2
check "A disk full: SSN mail is tempfailed (451 4.7.1)" replied a2 "451 4.7.1"
check "A disk full: the log says the store could not take the incident" \
    gw_wait_log "$T/milter.log" 'tempfail reason="incident store unavailable"' 5
check "A disk full: nothing delivered" not_in_sink a2
mkmsg clean a3; smtp a3
check "A disk full: clean mail (nothing to record) still flows" in_sink a3
fsize "$W" unlimited:unlimited
mkmsg ssn a4; smtp a4
check "A space back: SSN is rejected again (550)" replied a4 "550"
check "A the audit chain verifies (nothing half-written)" \
    "$BIN" audit verify --state-dir "$T/mstate"

# ---- B: disk full under the API -----------------------------------------------------------
api b1 "$PORT_api" "$CHAT_SSN"
check "B baseline: chat SSN rejected" action_is b1 reject
fsize "$PID_api" 1024:unlimited
api b2 "$PORT_api" "$CHAT_SSN"
check "B disk full: the API answers tempfail" action_is b2 tempfail
check "B disk full: the log says why" \
    gw_wait_log "$T/api.log" 'tempfail reason="incident store unavailable"' 5
fsize "$PID_api" unlimited:unlimited
api b3 "$PORT_api" "$CHAT_SSN"
check "B space back: rejected and recorded again" \
    test "$(jq_ "$T/out/b3.json" 'd["decision"]["action"] + ":" + str(bool(d["incident_id"]))')" = "reject:True"

# ---- C: the quarantine directory unwritable (API) ------------------------------------------
mkmsg ssn c1
eml_json "$T/msg/c1.eml" > "$T/msg/c1.json"
chmod 500 "$T/quar/quarantine"
api c1 "$PORT_quar" "@$T/msg/c1.json"
check "C quarantine unwritable: tempfail" action_is c1 tempfail
check "C the log says the message could not be kept" \
    gw_wait_log "$T/quar.log" "could not be kept in quarantine" 5
chmod 700 "$T/quar/quarantine"
api c2 "$PORT_quar" "@$T/msg/c1.json"
check "C writable again: quarantined, with an id" \
    test "$(jq_ "$T/out/c2.json" 'd["decision"]["action"] + ":" + str(bool(d.get("quarantine_id")))')" = "quarantine:True"

# ---- D: extractor crash and timeout -----------------------------------------------------------
faultpdf d1
PIIGUARD_TEST_EXTRACTOR_FAULT=crash "$BIN" check --format json --policy "$POLICY" \
    --from agent@corp.example.com --to customer@example.net "$T/msg/d1.eml" > "$T/out/d1.json"
check "D CLI crash: uninspectable 'extractor crashed', then quarantine" \
    test "$(jq_ "$T/out/d1.json" '[u["reason"] for u in d["uninspectable"]] == ["extractor crashed"] and d["decision"]["action"]')" = quarantine
PIIGUARD_TEST_EXTRACTOR_FAULT=hang "$BIN" check --format json --policy "$T/policy/api.yaml" \
    --from agent@corp.example.com --to customer@example.net "$T/msg/d1.eml" > "$T/out/d2.json"
check "D CLI hang: uninspectable 'extractor timeout', then quarantine" \
    test "$(jq_ "$T/out/d2.json" '[u["reason"] for u in d["uninspectable"]] == ["extractor timeout"] and d["decision"]["action"]')" = quarantine
faultpdf d3; smtp d3
check "D milter crash: accepted (250) into the store's quarantine" replied d3 "250"
QID=$(sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p' "$T/out/d3.txt" | head -1)
check "D milter crash: Postfix keeps no copy in any queue" bash -c \
    "test -n '$QID' && ! postqueue -c '$T/etc' -j | grep -qF '\"queue_id\": \"$QID\"'"
check "D milter crash: logged as quarantine" gw_wait_log "$T/milter.log" "milter action=quarantine" 5
check "D milter crash: never delivered" not_in_sink d3
check "D milter crash: the worker lives on (only the child died)" kill -0 "$(worker)"
eml_json "$T/msg/d1.eml" > "$T/msg/d4.json"
api d4 "$PORT_api" "@$T/msg/d4.json"
check "D API hang: 'extractor timeout', quarantined" \
    test "$(jq_ "$T/out/d4.json" '"extractor timeout" in [u["reason"] for u in d["uninspectable"]] and d["decision"]["action"]')" = quarantine

# ---- E: SIGHUP with a broken policy --------------------------------------------------------------
printf 'no_such_key: 1\n' >> "$T/policy/api.yaml"
kill -HUP "$PID_api"
check "E serve: the broken policy is refused with file:line" \
    gw_wait_log "$T/api.log" "policy=refused .*api\.yaml:[0-9]+" $((10 * SLOW))
api e1 "$PORT_api" "$CHAT_SSN"
check "E serve: the old policy is still in force (reject)" action_is e1 reject
printf 'no_such_key: 1\n' >> "$POLICY"
kill -HUP "$MILTER_PID"
check "E milter: the broken policy is refused with file:line" \
    gw_wait_log "$T/milter.log" "piiguard\.yaml:[0-9]+: unknown key" $((10 * SLOW))
mkmsg ssn e2; smtp e2
check "E milter: the old policy is still in force (550)" replied e2 "550"
cp "$T/policy/good.yaml" "$POLICY"

# ---- F: slow-loris against the API -----------------------------------------------------------------
"$GW_PY" - "$PORT_api" "$SLOW" > "$T/out/loris.txt" 2>&1 <<'EOF'
import json, socket, sys, threading, time, urllib.request
port, slow = int(sys.argv[1]), int(sys.argv[2])
conns, stop = [], threading.Event()
for _ in range(300):                      # more than --per-ip-limit (256)
    s = socket.socket()
    s.settimeout(2)
    try:
        s.bind(("127.0.0.2", 0)); s.connect(("127.0.0.1", port))
        s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\n")
        conns.append(s)
    except OSError:
        s.close()
def trickle():                            # a header byte per second each
    while not stop.is_set():
        for s in list(conns):
            try: s.sendall(b"X")
            except OSError: conns.remove(s)
        time.sleep(1)
t = threading.Thread(target=trickle); t.start()
time.sleep(2)
body = json.dumps({"channel": "chat", "text": "hello, your order shipped",
                   "recipients": ["#support"]}).encode()
worst, good = 0.0, 0
t_end = time.time() + 12                  # beyond the 10 s idle timeout
while time.time() < t_end:
    t0 = time.time()
    req = urllib.request.Request("http://127.0.0.1:%d/v1/check" % port, body,
                                 {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10 * slow) as r:
            good += r.status == 200
    except Exception as e:
        print("request failed:", e)
    worst = max(worst, time.time() - t0)
    time.sleep(0.2)
alive = 0
for s in conns:                            # still held open by trickling
    try: s.sendall(b"X"); alive += 1
    except OSError: pass
stop.set(); t.join()
print("slow_open=%d good=%d worst=%.3f" % (alive, good, worst))
EOF
read -r LORIS < <(grep '^slow_open=' "$T/out/loris.txt")
echo "     $LORIS"
ALIVE=$(echo "$LORIS" | sed -n 's/slow_open=\([0-9]*\).*/\1/p')
GOOD=$(echo "$LORIS" | sed -n 's/.*good=\([0-9]*\).*/\1/p')
WORST=$(echo "$LORIS" | sed -n 's/.*worst=\([0-9.]*\).*/\1/p')
check "F the slow clients really held connections (>= 200 open at the end)" test "${ALIVE:-0}" -ge 200
check "F another client was served throughout (>= 20 answers)" test "${GOOD:-0}" -ge 20
check "F ...each within $((2 * SLOW)) s" "$GW_PY" -c "import sys; sys.exit(not ${WORST:-99} < 2 * $SLOW)"

# ---- G: SIGTERM under load -------------------------------------------------------------------------
# 6 sessions paused in the middle of DATA (3 with an SSN), then SIGTERM,
# then 10 more sessions while the milter stops, then the paused ones go on.
G=""
for i in 1 2 3 4 5 6; do
    k=clean; [ $((i % 2)) -eq 0 ] && k=ssn
    mkmsg $k "g$i"; mkdir -p "$T/sync/g$i"
    smtp "g$i" "$T/sync/g$i" &
    G="$G $!"
done
for i in 1 2 3 4 5 6; do
    for _ in $(seq 100); do [ -e "$T/sync/g$i/in-data" ] && break; sleep 0.1; done
done
kill -TERM "$MILTER_PID"
for i in 7 8 9 10 11 12 13 14 15 16; do
    k=clean; [ $((i % 2)) -eq 0 ] && k=ssn
    mkmsg $k "g$i"; smtp "g$i" &
    G="$G $!"
done
for i in 1 2 3 4 5 6; do touch "$T/sync/g$i/go"; done
for p in $G; do wait "$p"; done
wait "$MILTER_PID"
check "G the milter stopped cleanly (status 0)" test $? -eq 0
# smtp_client.py prints the reply to DATA's end, or to DATA itself when
# MAIL was already refused (451 at MAIL, then 503 at DATA: still refused)
ANSWERED=0; UNCHECKED=0; LOST=""
for i in $(seq 16); do
    code=$(grep -o '^[245][0-9][0-9]' "$T/out/g$i.txt" | head -1)
    [ -n "$code" ] && ANSWERED=$((ANSWERED + 1))
    if [ $((i % 2)) -eq 0 ] && [ "$code" = 250 ]; then UNCHECKED=$((UNCHECKED + 1)); fi
    if [ $((i % 2)) -eq 1 ] && [ "$code" = 250 ] && ! in_sink "g$i" 20; then LOST="$LOST g$i"; fi
done
echo "     replies: $(cat "$T"/out/g*.txt | grep -o '^[245][0-9][0-9]' | sort | uniq -c | tr '\n' ' ')"
check "G every session got an answer (16 of 16)" test "$ANSWERED" -eq 16
check "G no message with an SSN was accepted" test "$UNCHECKED" -eq 0
check "G no SSN in the sink" bash -c "! grep -rqE '536-?22-?1934' '$T/sink'"
check "G every accepted message was delivered (none lost)" test -z "$LOST"
mkmsg clean g17
swaks --server 127.0.0.1:"$SMTP" --from agent@corp.example.com --to customer@example.net \
    --data "@$T/msg/g17.eml" --timeout 40 > "$T/out/g17.txt" 2>&1
check "G with the milter gone, Postfix tempfails (4xx)" grep -q '^<\*\* *4[0-9][0-9]' "$T/out/g17.txt"
check "G ...and queues nothing" bash -c "! grep -q 'queued as' '$T/out/g17.txt'"
check "G ...and delivers nothing unchecked" not_in_sink g17

echo "faults: $FAILED failed, $(( $(date +%s) - START )) s"
[ "$FAILED" -eq 0 ]
