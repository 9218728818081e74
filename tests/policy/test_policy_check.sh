#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_policy_check.sh - `piiguard policy check FILE`: exit 0 and
# "FILE: ok (N rules)" for a good policy, exit 2 and FILE:LINE for a bad
# one, warnings on stderr without failing, --help.
set -u
: "${PG_BIN:?PG_BIN is not set}" "${PG_SOURCE_DIR:?PG_SOURCE_DIR is not set}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# matches FILE RE - the file matches RE; RE "EMPTY" means the file is empty
matches() {
    if [ "$2" = EMPTY ]; then
        [ ! -s "$1" ]
    else
        grep -Eq -- "$2" "$1"
    fi
}

# expect NAME WANT_RC WANT_STDOUT_RE WANT_STDERR_RE -- ARGS...
expect() {
    local name=$1 want_rc=$2 out_re=$3 err_re=$4
    shift 5
    "$PG_BIN" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want_rc" ] ||
       ! matches "$tmp/out" "$out_re" || ! matches "$tmp/err" "$err_re"; then
        echo "FAIL $name: rc=$rc (want $want_rc)"
        echo "  stdout: $(cat "$tmp/out")"
        echo "  stderr: $(cat "$tmp/err")"
        fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}

policy="$PG_SOURCE_DIR/etc/piiguard.yaml"
expect "default policy" 0 "^$policy: ok \(4 rules\)$" EMPTY -- policy check "$policy"

printf 'version: 1\nrules:\n  - id: r1\n    action: reject\n    quoted: maybe\n' >"$tmp/bad.yaml"
expect "bad value" 2 EMPTY "^$tmp/bad.yaml:5: .*yes, no or any" -- policy check "$tmp/bad.yaml"

printf 'version: 1\nrules: []\nrulez: []\n' >"$tmp/typo.yaml"
expect "unknown key" 2 EMPTY "^$tmp/typo.yaml:3: unknown key 'rulez'" -- policy check "$tmp/typo.yaml"

printf 'version: 1\nrules:\n  - id: one\n    action: tag\n' >"$tmp/one.yaml"
expect "one rule" 0 "^$tmp/one.yaml: ok \(1 rule\)$" EMPTY -- policy check "$tmp/one.yaml"

cat >"$tmp/expired.yaml" <<'YAML'
version: 1
rules: []
exceptions:
  - id: old
    approved_by: compliance@example.com
    reason: finished project
    senders: [a@example.com]
    action: allow
    until: 2020-01-31
YAML
expect "expired exception warns" 0 "ok \(0 rules\)" \
    "^$tmp/expired.yaml:4: warning: exception 'old' .*ignored" -- policy check "$tmp/expired.yaml"

expect "missing file" 2 EMPTY "/nonexistent.yaml: cannot open" -- policy check /nonexistent.yaml
expect "help" 0 "usage: piiguard policy check" EMPTY -- policy --help
expect "check help" 0 "usage: piiguard policy check" EMPTY -- policy check --help
expect "no subcommand" 2 EMPTY "usage: piiguard policy" -- policy
expect "unknown subcommand" 2 EMPTY "unknown subcommand 'lint'" -- policy lint x
export PIIGUARD_POLICY="$policy"
expect "default path" 0 "ok \(4 rules\)" EMPTY -- policy check
unset PIIGUARD_POLICY

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all policy check scenarios passed"
