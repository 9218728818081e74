#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_admin_cli.sh - drive 'piiguard quarantine|incidents|report|audit' on a
# temporary state directory seeded by store_test_seed (tests/store/test_seed.c):
# help, listing, show without and with --reveal, release to a relay that is
# not there, delete, exports in three formats, the report, audit verify
# before and after tampering with sqlite3, and the errors an operator meets
# (no store, unsafe key mode, bad arguments). Throughout: no output except
# --reveal holds the seeded SSN or the customer's address.
set -euo pipefail

: "${PG_BIN:?PG_BIN must name the built piiguard binary}"
: "${PG_BUILD_DIR:?PG_BUILD_DIR must name the build directory}"
SEED="$PG_BUILD_DIR/store_test_seed"
SSN=536-22-1234
RCPT=jane.customer@gmail.com

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir="$work/state"
out="$work/out"
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# run EXPECTED_EXIT NAME CMD... - run, keep stdout+stderr in $out, check the exit
run() {
    local want=$1 name=$2 rc=0
    shift 2
    "$@" >"$out" 2>&1 || rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, wanted $want"
        sed 's/^/    /' "$out" >&2
        return 0
    fi
    ok "$name"
}

# has / lacks PATTERN NAME - grep the last output
has() { grep -qE -- "$1" "$out" || { fail "$2: no '$1' in output"; sed 's/^/    /' "$out" >&2; }; }
lacks() { ! grep -qE -- "$1" "$out" || fail "$2: '$1' should not be in output"; }
no_pii() { lacks "$SSN" "$1"; lacks "$RCPT" "$1"; }

"$SEED" --seed "$dir" >"$work/seed"
qid=$(sed -n 's/^quarantine //p' "$work/seed")
[ ${#qid} -eq 32 ] || { echo "seed gave no quarantine id" >&2; exit 1; }
S=(--state-dir "$dir" --operator tester)

# --- help -----------------------------------------------------------------
for c in quarantine incidents report audit; do
    run 0 "$c --help" "$PG_BIN" "$c" --help
    has "^usage: piiguard $c" "$c --help"
    has "examples:" "$c --help"
    has "--state-dir" "$c --help"
done

# --- quarantine -------------------------------------------------------------
run 0 "quarantine list" "$PG_BIN" quarantine list "${S[@]}"
has "$qid +held" "list"
has "alice@corp.example +gmail.com" "list"
no_pii "list"
run 0 "quarantine list --format json" "$PG_BIN" quarantine list --format json "${S[@]}"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$out" \
    || fail "list json does not parse"

run 0 "quarantine show" "$PG_BIN" quarantine show "$qid" "${S[@]}"
has "state: +held" "show"
no_pii "show"

run 0 "quarantine show --reveal" "$PG_BIN" quarantine show "$qid" --reveal "${S[@]}"
has "$SSN" "reveal"
has "envelope-to: +$RCPT" "reveal"
has "audited" "reveal"

run 2 "release to a closed port" "$PG_BIN" quarantine release "$qid" --relay 127.0.0.1:1 "${S[@]}"
has "cannot connect to relay" "release"
has "still held" "release"
run 0 "still held" "$PG_BIN" quarantine show "$qid" "${S[@]}"
has "state: +held" "still held"

run 2 "show an unknown id" "$PG_BIN" quarantine show 0123456789abcdef0123456789abcdef "${S[@]}"
has "quarantine list" "unknown id says where to look"
run 2 "show a path as id" "$PG_BIN" quarantine show ../piiguard.key "${S[@]}"
run 2 "show without id" "$PG_BIN" quarantine show "${S[@]}"
has "--help" "missing id points at --help"
run 2 "unknown action" "$PG_BIN" quarantine frobnicate "${S[@]}"
run 2 "unknown option" "$PG_BIN" quarantine list --bogus "${S[@]}"
run 2 "bad state" "$PG_BIN" quarantine list --state lost "${S[@]}"
has "held, released, deleted or expired" "bad state"

run 0 "quarantine delete" "$PG_BIN" quarantine delete "$qid" "${S[@]}"
[ ! -e "$dir/quarantine/$qid" ] || fail "delete left the ciphertext"
run 0 "show deleted" "$PG_BIN" quarantine show "$qid" "${S[@]}"
has "state: +deleted" "show deleted"
run 2 "reveal deleted" "$PG_BIN" quarantine show "$qid" --reveal "${S[@]}"
has "ciphertext is gone" "reveal deleted"
run 2 "delete twice" "$PG_BIN" quarantine delete "$qid" "${S[@]}"
run 0 "quarantine expire" "$PG_BIN" quarantine expire "${S[@]}"
has "expired 0 messages" "expire"

# --- incidents ----------------------------------------------------------------
run 0 "incidents table" "$PG_BIN" incidents "${S[@]}"
has "alice@corp.example" "incidents table"
has "US_SSN=2" "incidents table"
no_pii "incidents table"
[ "$(wc -l <"$out")" -eq 5 ] || fail "incidents table: want a header and 4 rows"

run 0 "incidents csv" "$PG_BIN" incidents --format csv "${S[@]}"
has "^id,time,channel,sender,recipient_domains,action" "csv header"
no_pii "incidents csv"
run 0 "incidents csv filtered" "$PG_BIN" incidents --format csv --channel chat "${S[@]}"
[ "$(grep -c '^"' "$out")" -eq 1 ] || fail "channel filter: want 1 chat incident"
run 0 "incidents by sender and time" "$PG_BIN" incidents --format csv --sender ALICE@corp.example \
    --since 2026-01-01T00:30:00Z --until 2026-01-02 "${S[@]}"
[ "$(grep -c '^"' "$out")" -eq 1 ] || fail "sender+since filter: want 1 incident"
run 0 "incidents by message id" "$PG_BIN" incidents --format csv \
    --message-id '<seed-1@corp.example>' "${S[@]}"
[ "$(grep -c '^"' "$out")" -eq 1 ] || fail "message-id filter: want 1 incident"
lacks "seed-1@corp.example" "message-id is never printed"

run 0 "incidents json" "$PG_BIN" incidents --format json --action quarantine "${S[@]}"
sed -n '/^\[/,/^\]/p' "$out" >"$work/inc.json"
python3 - "$work/inc.json" <<'EOF' || fail "incidents json"
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 1, v
i = v[0]
assert i["entity_counts"] == {"US_SSN": 2}, i
assert i["recipient_domains"] == ["gmail.com"], i
assert i["rules"][0]["id"] == "ssn-external", i
assert len(i["message_id_hash"]) == 64, i
EOF
run 2 "incidents bad date" "$PG_BIN" incidents --since yesterday "${S[@]}"
has "YYYY-MM-DD" "bad date says the formats"
run 2 "incidents bad format" "$PG_BIN" incidents --format xml "${S[@]}"

# --- report --------------------------------------------------------------------
run 0 "report" "$PG_BIN" report "${S[@]}"
has "incidents: 4" "report"
has "US_SSN +3" "report entities"
has "Repeat senders" "report"
has "alice@corp.example +2" "report repeat sender"
has "Consent claimed: +1" "report consent"
has "Exposure \(estimate\): +500.00" "report exposure"
no_pii "report"
run 0 "report json" "$PG_BIN" report --format json --since 2026-01-01T02:00:00Z "${S[@]}"
python3 - "$out" <<'EOF' || fail "report json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["incidents"] == 2, r
assert r["by_channel"] == {"chat": 1, "sms": 1}, r
assert r["repeat_senders"] == [], r
EOF

# --- audit ----------------------------------------------------------------------
SUDO_USER=sudoer run 0 "operator from SUDO_USER" "$PG_BIN" incidents --format csv --limit 1 \
    --state-dir "$dir"
run 0 "audit list" "$PG_BIN" audit list "${S[@]}"
has "tester	quarantine.read	$qid	purpose=reveal" "audit: reveal"
has "tester	quarantine.delete	$qid" "audit: delete"
has "tester	incidents.export	incidents	format=csv" "audit: export"
has "sudoer	incidents.export" "audit: operator from SUDO_USER"
no_pii "audit list"

run 0 "audit verify" "$PG_BIN" audit verify "${S[@]}"
has "audit log intact: [0-9]+ rows, head [0-9a-f]{64}" "verify"
sqlite3 "$dir/piiguard.db" "DROP TRIGGER audit_no_update;
    UPDATE audit SET actor = 'mallory' WHERE seq = 2;"
run 1 "audit verify after tampering" "$PG_BIN" audit verify "${S[@]}"
has "BROKEN at row 2" "verify names the row"

# --- the errors an operator meets ------------------------------------------------------
run 2 "no store there" "$PG_BIN" incidents --state-dir "$work/nowhere"
has "--state-dir" "no store says what to pass"
[ ! -e "$work/nowhere" ] || fail "an admin command created a store"
chmod 644 "$dir/piiguard.key"
run 2 "key readable by others" "$PG_BIN" quarantine list "${S[@]}"
has "chmod 600 '$dir/piiguard.key'" "unsafe key says the chmod"
chmod 600 "$dir/piiguard.key"
chmod 640 "$dir/piiguard.db"
run 2 "database readable by group" "$PG_BIN" report "${S[@]}"
has "database .* chmod 600" "unsafe database says the chmod"
chmod 600 "$dir/piiguard.db"
run 2 "audit without action" "$PG_BIN" audit "${S[@]}"

# --- nothing in clear at rest ---------------------------------------------------------
for f in "$dir"/piiguard.db* "$dir"/quarantine/*; do
    [ -f "$f" ] || continue
    ! grep -qa -e "$SSN" -e "$RCPT" "$f" || fail "$f holds PII in clear"
done

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
echo "all admin CLI checks passed"
