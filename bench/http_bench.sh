#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# http_bench.sh - POST /v1/check throughput and tail latency under wrk.
#
# Starts `piiguard serve` with etc/piiguard.yaml, a temporary state
# directory and one API token (every request is authenticated and
# rate-checked, as in production), then drives /v1/check with wrk: chat
# messages of about 200 bytes of text from a small rotating set, to an
# external recipient. Two mixes: every message clean (the common case:
# scan, decide, answer), and one in PII_EVERY carrying customer data (a
# card number or an SSN), which the policy rejects and the store records
# as an incident with a durable write (concurrent incidents share one
# commit and one sync: docs/store.md, "Group commit"). A WARMUP run first,
# then the measured run. Prints requests/s and p50/p99 latency and whether
# the targets (>= 20,000 requests/s, p99 <= 5 ms) were met.
#
# Before each mix it also prints how long one synchronous 4 KiB write
# takes on the state directory's disk (O_DSYNC, the mean of 200): every
# recorded incident waits for at least one such sync, so on a shared disk
# the PII mix follows this figure more than anything in piiguard.
#
# Note: wrk runs on the same machine and takes CPU from the server; on
# the 2-core reference machine it gets one thread (WRK_THREADS=1).
#
# usage: bench/http_bench.sh [BUILD_DIR]        (make bench runs it)
# env:   DURATION=10s WARMUP=3s CONNECTIONS=16 WRK_THREADS=1 PII_EVERY=10
#        SERVER_THREADS=0 (= one per CPU) MIXES="0 $PII_EVERY" (0 = no PII)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
BIN=$BUILD/piiguard
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-1}
PII_EVERY=${PII_EVERY:-10}
SERVER_THREADS=${SERVER_THREADS:-0}
MIXES=${MIXES:-0 $PII_EVERY}

command -v wrk >/dev/null || { echo "http_bench: wrk missing (scripts/install-deps.sh)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "http_bench: build first: $BIN" >&2; exit 2; }

tmp=$(mktemp -d /tmp/pg-http-bench.XXXXXX)
chmod 755 "$tmp" # serve started as root runs as piiguard, which must reach its state dir
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

TOKEN=$("$BIN" serve token bench --rate 1e9 --burst 1e9 --append "$tmp/tokens")
mkdir -p "$tmp/state"
"$BIN" serve --listen 127.0.0.1:0 --policy "$SRC/etc/piiguard.yaml" --state-dir "$tmp/state" \
    --token-file "$tmp/tokens" --threads "$SERVER_THREADS" --log-level info 2>"$tmp/serve.log" &
server=$!
for _ in $(seq 100); do
    PORT=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$tmp/serve.log" | head -1)
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "${PORT:-}" ] || { cat "$tmp/serve.log" >&2; exit 1; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# lua MIX - a wrk script: a rotating set of ~200-byte chat texts, one in
# MIX with customer data (0: none); p50/p99 in microseconds for the summary
lua() {
    cat <<EOF
local clean = {
  "Hi Sam, thanks for waiting. I checked the order and it ships tomorrow morning from the Leeds warehouse; tracking follows by email. Anything else I can help with today? Have a lovely evening and weekend.",
  "Morning team: the release train leaves at 14:00, please merge reviewed changes before noon and leave the staging cluster alone after that. Retro moves to Thursday, same room, bring your notes and snacks.",
  "Your table for four is booked for Friday at 19:30. If plans change, reply to this chat at least two hours ahead and we will move it for you. Parking is free after six behind the station, entrance on the left.",
}
local pii = {
  "Refund done: I sent it back to the card ending on file, 4539 1488 0343 6467, it can take three to five working days to show. Reference number is on the confirmation email we just sent to you. Anything else?",
  "For the claim form I used the SSN you gave me, 536-22-1934, and your date of birth; please check the PDF before you sign it. The adjuster will call you on Tuesday between nine and twelve about the next steps.",
}
local every = $1
local bodies = {}
for i = 1, math.max(every, 1) * #clean do
  local text
  if every > 0 and i % every == 0 then text = pii[(i / every) % #pii + 1] else text = clean[i % #clean + 1] end
  bodies[i] = '{"channel":"chat","sender":"agent7@example.com","recipients":["customer@example.net"],"text":"' .. text .. '"}'
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${TOKEN}"
request = function()
  n = n % #bodies + 1
  return wrk.format(nil, "/v1/check", nil, bodies[n])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_us=%d p99_us=%d errors=%d non2xx=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50),
    latency:percentile(99), summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status))
end
EOF
}

# sync_ms - milliseconds per synchronous 4 KiB overwrite beside the state
# directory (dd oflag=dsync, 200 writes into an existing file, so no size
# change is synced: the floor under one incident commit)
sync_ms() {
    local t0 t1
    dd if=/dev/zero of="$tmp/sync-probe" bs=4k count=200 conv=fsync status=none
    t0=$(date +%s%N)
    dd if=/dev/zero of="$tmp/sync-probe" bs=4k count=200 oflag=dsync conv=notrunc status=none
    t1=$(date +%s%N)
    rm -f "$tmp/sync-probe"
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 200 / 1e6 }'
}

# field NAME LINE - one number of the RESULT line
field() { sed "s/.*$1=\\([0-9]*\\).*/\\1/" <<<"$2"; }

URL=http://127.0.0.1:$PORT/v1/check
for mix in $MIXES; do
    lua "$mix" >"$tmp/check.lua"
    what="no PII"
    [ "$mix" -gt 0 ] && what="1 in $mix with PII (rejected, recorded)"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$tmp/check.lua" "$URL" >/dev/null
    sync_lat=$(sync_ms)
    line=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$tmp/check.lua" "$URL" | grep '^RESULT')
    rps=$(field rps "$line") p50=$(field p50_us "$line") p99=$(field p99_us "$line")
    bad="$(field errors "$line") $(field non2xx "$line")"
    awk -v w="$what" -v r="$rps" -v a="$p50" -v b="$p99" -v e="$bad" -v s="$sync_lat" -v c="wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION" 'BEGIN {
        printf "http_bench: %-40s %6d requests/s  p50 %.2f ms  p99 %.2f ms  (%s; errors, non-2xx: %s; disk sync %s ms)\n", w, r, a / 1000, b / 1000, c, e, s }'
    if [ "$rps" -ge 20000 ] && [ "$p99" -le 5000 ] && [ "$bad" = "0 0" ]; then
        echo "http_bench: targets (>= 20000 requests/s, p99 <= 5 ms) met for $what"
    else
        echo "http_bench: targets (>= 20000 requests/s, p99 <= 5 ms) NOT met for $what"
    fi
done
echo "http_bench: $(nproc) CPUs, load average before: $LOAD0"
exit 0
