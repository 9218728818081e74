#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# gateway_bench.sh - end-to-end mail throughput through a private Postfix:
# (a) no milter, (b) a no-op milter that buffers and accepts
# (bench/noop_milter.c), (c) piiguard's milter with the default policy.
#
# Load: smtp-source sends MESSAGES messages of about 20 KB over SESSIONS
# parallel sessions, one message per session as a mail client would; one
# message in ten carries PII (an SSN and a card number). smtp-source gives
# up at the first 5xx, so (c) runs the default policy with the clear-text
# rule's action turned from reject into tag: the milter does all the work
# of a refusal (full check, incident record) plus a header change, and
# every message of every configuration reaches the sink. The
# three configurations run interleaved, ROUNDS times, on one Postfix
# (postconf + reload between runs). A run ends when smtp-source is done and
# Postfix's queue is empty (every message delivered to the sink or
# refused). Prints messages/s per run, the median per configuration, the
# milter's p50/p99 check time per message (from its "ms=" log lines), and
# whether (c) reaches 0.9 x (b).
#
# usage: bench/gateway_bench.sh [BUILD_DIR]   (root; make bench runs it)
# env:   MESSAGES=2000 SESSIONS=20 ROUNDS=3 SIZE_KB=20
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
BIN=$BUILD/piiguard
NOOP=$BUILD/noop_milter
MESSAGES=${MESSAGES:-2000}
SESSIONS=${SESSIONS:-20}
ROUNDS=${ROUNDS:-3}
SIZE_KB=${SIZE_KB:-20}
ROOT=/tmp/piiguard-gw/bench

. "$SRC/tests/gateway/lib.sh"
gw_require
command -v smtp-source >/dev/null || [ -x /usr/sbin/smtp-source ] || gw_die "smtp-source missing (postfix package)"
[ -x "$BIN" ] || gw_die "build first: no $BIN"
[ -x "$NOOP" ] || gw_die "build first: no $NOOP"
export PATH=$PATH:/usr/sbin

trap 'gw_postfix_stop $ROOT; gw_cleanup' EXIT

gw_free_port SMTP 26000
gw_free_port SINK 26000
gw_free_port SECURE 26000
gw_free_port MNOOP 26000 # sets MNOOP
gw_free_port MPG 26000

# make_message FILE PII - a ~SIZE_KB message; PII=1 puts customer data in
make_message() {
    {
        echo "From: agent@corp.example"
        echo "To: customer@example.net"
        echo "Subject: your account"
        echo "MIME-Version: 1.0"
        echo "Content-Type: text/plain; charset=us-ascii"
        echo
        echo "Dear customer,"
        [ "$2" = 1 ] && echo "your SSN 536-22-1934 and card 4539 1488 0343 6467 are on file."
        local i=0
        while [ $((i * 72)) -lt $((SIZE_KB * 1024)) ]; do
            echo "Line $i of the quarterly statement text, nothing to see here, move along."
            i=$((i + 1))
        done
        echo "Regards, Corp"
    } > "$1"
}

gw_setup "$ROOT" "$SMTP" "$SINK" "$SECURE" ""
postconf -c "$ROOT/etc" -e in_flow_delay=0 "default_process_limit=200"
mkdir -p "$ROOT/state"
make_message "$ROOT/clean.eml" 0
make_message "$ROOT/pii.eml" 1

gw_bg "$ROOT/sink.log" smtp-sink -u nobody 127.0.0.1:"$SINK" 512
gw_wait_port "$SINK" 10 || gw_die "smtp-sink did not start"
gw_bg "$ROOT/secure.log" smtp-sink -u nobody 127.0.0.1:"$SECURE" 512
gw_bg "$ROOT/noop.log" "$NOOP" "inet:$MNOOP@127.0.0.1"
mkdir -p "$ROOT/policy"
cp -r "$SRC/etc/notices" "$ROOT/policy/"
sed '0,/^    action: reject$/s//    action: tag/' "$SRC/etc/piiguard.yaml" > "$ROOT/policy/piiguard.yaml"
gw_bg "$ROOT/milter.log" "$BIN" milter --foreground --listen "inet:$MPG@127.0.0.1" \
    --policy "$ROOT/policy/piiguard.yaml" --state-dir "$ROOT/state"
gw_wait_port "$MNOOP" 10 || gw_die "noop milter did not start"
gw_wait_port "$MPG" 30 || { cat "$ROOT/milter.log" >&2; gw_die "piiguard milter did not start"; }
gw_postfix_start "$ROOT"
gw_postfix_wait "$ROOT" "$SMTP"

# queue_empty - nothing left for Postfix to deliver
queue_empty() {
    [ -z "$(find "$ROOT/spool/incoming" "$ROOT/spool/active" "$ROOT/spool/deferred" \
        "$ROOT/spool/maildrop" -type f -print -quit 2>/dev/null)" ]
}

# sent_count - deliveries so far, from Postfix's log
sent_count() { grep -c ' status=sent ' "$ROOT/postfix.log" || true; }

# run_once MILTER - send the load with MILTER ("" = none); print msgs/s
# and how many reached the sink
run_once() {
    local pii=$((MESSAGES / 10)) clean s_pii t0 t1 i before
    clean=$((MESSAGES - pii))
    s_pii=$(( SESSIONS / 10 > 0 ? SESSIONS / 10 : 1 ))
    postconf -c "$ROOT/etc" -e "smtpd_milters = $1" "non_smtpd_milters = $1"
    postfix -c "$ROOT/etc" reload >/dev/null 2>&1
    sleep 1.5
    before=$(sent_count)
    t0=$(date +%s.%N)
    smtp-source -s $((SESSIONS - s_pii)) -m "$clean" -F "$ROOT/clean.eml" \
        -f agent@corp.example -t customer@example.net 127.0.0.1:"$SMTP" >/dev/null 2>&1 &
    local p1=$!
    smtp-source -s "$s_pii" -m "$pii" -F "$ROOT/pii.eml" \
        -f agent@corp.example -t customer@example.net 127.0.0.1:"$SMTP" >/dev/null 2>&1 &
    local p2=$!
    wait $p1 $p2 || true
    for i in $(seq 1 1200); do queue_empty && break; sleep 0.05; done
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk -v n="$MESSAGES" '{printf "%.1f", n / ($2 - $1)}'
    echo " $(( $(sent_count) - before ))"
}

declare -A RESULTS
for r in $(seq 1 "$ROUNDS"); do
    for cfg in a b c; do
        case $cfg in
            a) m="" ;;
            b) m="inet:127.0.0.1:$MNOOP" ;;
            c) m="inet:127.0.0.1:$MPG" ;;
        esac
        read -r v delivered < <(run_once "$m")
        RESULTS[$cfg]="${RESULTS[$cfg]:-} $v"
        echo "round $r config $cfg: $v msg/s, $delivered/$MESSAGES delivered"
    done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
A=$(echo "${RESULTS[a]}" | median)
B=$(echo "${RESULTS[b]}" | median)
C=$(echo "${RESULTS[c]}" | median)
P=$(grep -o ' milter action=[a-z]* .* ms=[0-9.]*' "$ROOT/milter.log" | sed 's/.*ms=//' |
    sort -n | awk '{a[NR]=$1} END {if (NR) printf "p50=%.2fms p99=%.2fms n=%d", a[int(NR*0.5+0.5)], a[int(NR*0.99+0.5)], NR}')
echo
echo "gateway bench: $MESSAGES msgs of ${SIZE_KB} KB, 10% PII, $SESSIONS sessions, $ROUNDS rounds (median msg/s)"
echo "  (a) no milter     $A"
echo "  (b) no-op milter  $B"
echo "  (c) piiguard      $C   milter check $P"
awk -v b="$B" -v c="$C" 'BEGIN {r = c / b; v = "NOT met"; if (r >= 0.9) v = "met"; printf "  (c)/(b) = %.2f, target >= 0.90: %s\n", r, v}'
echo "  actions: $(grep -o 'milter action=[a-z]*' "$ROOT/milter.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
