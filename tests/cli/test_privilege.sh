#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_privilege.sh - daemons started as root bind, hand the state
# directory to the daemon user and become it for good (src/cli/privilege.c);
# a store whose key or database others may read is refused at start, and
# the daemon says why.
#
#   1 serve: every thread runs as piiguard with no capability, the state
#     directory is piiguard's, the key and database stay 0600, a check is
#     still recorded (the store is writable by the new owner)
#   2 milter: the worker is piiguard, the supervisor stays root (it holds
#     no message), the spool is piiguard's
#   3 run (milter and HTTP API in one worker): every thread is piiguard
#   4 --user: unknown user, root, and a state directory the user cannot
#     reach are refused with the reason; a hard link planted in the state
#     directory is refused, not handed over
#   5 not root: --user is ignored, nothing fails
#   6 key or database readable by others (serve, milter, run): the daemon
#     does not start, exits 2, and names the file and the chmod
#
# env: PG_BIN, PG_SOURCE_DIR (from ctest). Needs root and the piiguard
# user (scripts/install-deps.sh); skipped (exit 0, with a line saying so)
# otherwise.
set -uo pipefail

: "${PG_BIN:?set PG_BIN to the piiguard binary}"
: "${PG_SOURCE_DIR:?set PG_SOURCE_DIR to the source tree}"
POLICY=$PG_SOURCE_DIR/etc/piiguard.yaml

if [ "$(id -u)" -ne 0 ]; then echo "skip: needs root"; exit 0; fi
if ! PUID=$(id -u piiguard 2>/dev/null); then
    echo "skip: no piiguard user (scripts/install-deps.sh creates it)"; exit 0
fi
PGID=$(id -g piiguard)

# A parent the daemon user can traverse, as /var/lib is.
tmp=$(mktemp -d /tmp/pg-priv-test.XXXXXX)
chmod 755 "$tmp"
pids=()
pass=0
fail=0
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# wait_log FILE REGEX - until FILE has a matching line (20 s: ASan is slow)
wait_log() {
    for _ in $(seq 200); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

# all_threads_are PID UID GID - every thread's real/effective/saved/fs IDs
# are UID/GID and its effective capability set is empty
all_threads_are() {
    local t n=0
    for t in /proc/"$1"/task/*; do
        awk -v u="$2" -v g="$3" '
            /^Uid:/ { for (i = 2; i <= 5; i++) if ($i != u) bad = 1; seen++ }
            /^Gid:/ { for (i = 2; i <= 5; i++) if ($i != g) bad = 1; seen++ }
            /^CapEff:/ { if ($2 !~ /^0+$/) bad = 1; seen++ }
            END { exit bad || seen != 3 }' "$t/status" || return 1
        n=$((n + 1))
    done
    [ "$n" -ge 1 ]
}

# owned_by_daemon DIR - everything under DIR belongs to piiguard
owned_by_daemon() {
    [ -z "$(find "$1" \( ! -user piiguard -o ! -group "$PGID" \) -print -quit)" ]
}

# mode_is FILE MODE
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }

# start_serve NAME ARGS... - serve on a kernel-chosen port; sets PORT, SPID
start_serve() {
    local name=$1
    shift
    "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --log-level info "$@" \
        2>"$tmp/$name.log" &
    SPID=$!
    pids+=("$SPID")
    PORT=
    for _ in $(seq 200); do
        grep -q "privilege user=\|piiguard serve:" "$tmp/$name.log" 2>/dev/null && break
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
    done
    PORT=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$tmp/$name.log" | head -1)
}

# exits_with NAME CODE REGEX CMD... - CMD ends by itself with CODE and its
# output matches REGEX
exits_with() {
    local name=$1 code=$2 re=$3 rc
    shift 3
    timeout 60 "$@" >"$tmp/$name.out" 2>&1
    rc=$?
    if [ "$rc" -ne "$code" ]; then
        echo "# $name: exit $rc, wanted $code:"; sed 's/^/#   /' "$tmp/$name.out" | head -20
        return 1
    fi
    grep -Eq -- "$re" "$tmp/$name.out" ||
        { echo "# $name: no '$re' in:"; sed 's/^/#   /' "$tmp/$name.out" | head -20; return 1; }
}

# stop PID - SIGTERM and wait
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# worker_of PID - the milter's worker (the supervisor's child)
worker_of() { ps -o pid= --ppid "$1" | tr -d ' ' | head -1; }

# ---- 1 serve --------------------------------------------------------------------
S=$tmp/serve-state
start_serve serve --state-dir "$S"
check "1 serve started and dropped to piiguard" grep -q "privilege user=piiguard uid=$PUID gid=$PGID" "$tmp/serve.log"
check "1 serve: every thread is piiguard, no capability" all_threads_are "$SPID" "$PUID" "$PGID"
check "1 serve: the state directory is piiguard's" owned_by_daemon "$S"
check "1 serve: key 0600" mode_is "$S/piiguard.key" 600
check "1 serve: database 0600" mode_is "$(ls "$S"/*.db | head -1)" 600
curl -s -m 30 -H 'Content-Type: application/json' \
    -d '{"channel":"chat","text":"SSN 536-22-1934 as asked","recipients":["#support"]}' \
    "http://127.0.0.1:$PORT/v1/check" >"$tmp/serve.check"
check "1 serve: a check is decided and recorded after the drop" \
    grep -q '"incident_id": *"[^"]' "$tmp/serve.check"
stop "$SPID"

# ---- 2 milter -------------------------------------------------------------------
M=$tmp/milter-state
"$PG_BIN" milter --foreground --listen "unix:$tmp/milter.sock" --policy "$POLICY" \
    --state-dir "$M" 2>"$tmp/milter.log" &
MPID=$!
pids+=("$MPID")
wait_log "$tmp/milter.log" "privilege user=|piiguard milter:"
WPID=$(worker_of "$MPID")
check "2 milter: the worker dropped to piiguard" grep -q "privilege user=piiguard" "$tmp/milter.log"
check "2 milter: every worker thread is piiguard" all_threads_are "${WPID:-0}" "$PUID" "$PGID"
check "2 milter: the supervisor stays root (it holds no message)" \
    [ "$(ps -o uid= -p "$MPID" | tr -d ' ')" = 0 ]
check "2 milter: state and spool are piiguard's" owned_by_daemon "$M"
check "2 milter: the spool stays 0700" mode_is "$M/spool" 700
stop "$MPID"

# ---- 3 run ------------------------------------------------------------------------
R=$tmp/run-state
"$PG_BIN" run --listen "unix:$tmp/run.sock" --http 127.0.0.1:0 --policy "$POLICY" \
    --state-dir "$R" 2>"$tmp/run.log" &
RPID=$!
pids+=("$RPID")
wait_log "$tmp/run.log" "privilege user=|piiguard milter:"
WPID=$(worker_of "$RPID")
check "3 run: milter and HTTP threads are all piiguard" all_threads_are "${WPID:-0}" "$PUID" "$PGID"
check "3 run: the state directory is piiguard's" owned_by_daemon "$R"
stop "$RPID"

# ---- 4 --user ------------------------------------------------------------------------
check "4 an unknown --user is refused, naming it" exits_with nouser 2 "no user 'pg-no-such-user'" \
    "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$tmp/s4a" --user pg-no-such-user
check "4 --user root is refused" exits_with rootuser 2 "--user root is root" \
    "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$tmp/s4b" --user root
mkdir -m 700 "$tmp/closed"
check "4 a state directory piiguard cannot reach is refused, saying why" exits_with closed 2 \
    "cannot use the state directory .*chmod o\+x" \
    "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$tmp/closed/state"
check "4 ...the milter too" exits_with closedm 2 "cannot use the state directory" \
    "$PG_BIN" milter --foreground --listen "unix:$tmp/m4.sock" --policy "$POLICY" \
    --state-dir "$tmp/closed/mstate"
mkdir -p "$tmp/linked" && touch "$tmp/victim" && ln "$tmp/victim" "$tmp/linked/planted"
check "4 a hard link planted in the state directory is refused" exits_with linked 2 \
    "planted has 2 hard links" \
    "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$tmp/linked"
check "4 ...and the file it names was not handed over" [ "$(stat -c %u "$tmp/victim")" = 0 ]

# ---- 5 not root ------------------------------------------------------------------------
N=$tmp/nonroot
mkdir -p "$N" && chown piiguard: "$N"
if command -v setpriv >/dev/null; then
    setpriv --reuid=piiguard --regid=piiguard --init-groups \
        "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$N/state" \
        --user nobody 2>"$tmp/nonroot.log" &
    NPID=$!
    pids+=("$NPID")
    wait_log "$tmp/nonroot.log" "port=|piiguard serve:"
    check "5 not root: --user is ignored and said so" grep -q "user=nobody ignored: not started as root" "$tmp/nonroot.log"
    check "5 not root: serve runs" kill -0 "$NPID"
    stop "$NPID"
else
    echo "# setpriv missing: case 5 not run"
fi

# ---- 6 a store others may read ------------------------------------------------------------
for f in piiguard.key db; do
    D=$tmp/open-$f
    start_serve mk-$f --state-dir "$D"   # creates the store, 0600, piiguard's
    stop "$SPID"
    target=$D/piiguard.key
    [ $f = db ] && target=$(ls "$D"/*.db | head -1)
    chmod 644 "$target"
    check "6 $f readable by others: serve refuses to start and says why" exits_with open-s-$f 2 \
        "open to group or others \(mode 0644\); run: chmod 600" \
        "$PG_BIN" serve --policy "$POLICY" --listen 127.0.0.1:0 --state-dir "$D"
    check "6 $f readable by others: milter refuses to start and says why" exits_with open-m-$f 2 \
        "open to group or others .*chmod 600" \
        "$PG_BIN" milter --foreground --listen "unix:$tmp/m6.sock" --policy "$POLICY" --state-dir "$D"
    check "6 $f readable by others: run refuses to start and says why" exits_with open-r-$f 2 \
        "open to group or others .*chmod 600" \
        "$PG_BIN" run --listen "unix:$tmp/r6.sock" --http 127.0.0.1:0 --policy "$POLICY" --state-dir "$D"
    check "6 $f: the refusal changed nothing (still 0644, no drop)" mode_is "$target" 644
done

echo "privilege: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
