#!/bin/bash
# test_scan.sh - piiguard scan from the outside: exit codes, masking,
# JSON lines in and out, malformed input, and no raw value without
# --show-values.
set -u
bin=${PG_BIN:?PG_BIN not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

printf 'Hello, the weather is nice.\n' > "$tmp/clean.txt"
printf 'Customer SSN 536-22-1234 and card 4111 1111 1111 1111.\n' > "$tmp/pii.txt"

"$bin" scan "$tmp/clean.txt" > "$tmp/out" 2>&1; rc=$?
check "clean file exits 0" test $rc -eq 0
"$bin" scan "$tmp/pii.txt" > "$tmp/out" 2>&1; rc=$?
check "PII file exits 1" test $rc -eq 1
check "SSN reported" grep -q US_SSN "$tmp/out"
check "SSN masked" grep -q '\*\*\*-\*\*-\*234' "$tmp/out"
check "no raw SSN" bash -c "! grep -q 536-22-1234 '$tmp/out'"
check "no raw card" bash -c "! grep -q '4111 1111 1111 1111' '$tmp/out'"

"$bin" scan --show-values "$tmp/pii.txt" > "$tmp/out" 2>&1
check "--show-values shows the value" grep -q 536-22-1234 "$tmp/out"

"$bin" scan --format json "$tmp/pii.txt" > "$tmp/out"; rc=$?
check "json output exits 1" test $rc -eq 1
check "json is valid" python3 -c "import json,sys; d=json.load(open('$tmp/out')); assert d[0]['findings'][0]['entity_type']"

printf '{"id": 1, "text": "SSN 536-22-1234"}\n{"id": "b", "text": "nothing here"}\n' \
    | "$bin" scan --input jsonl - > "$tmp/out"; rc=$?
check "jsonl exits 1" test $rc -eq 1
check "jsonl one line per input" test "$(wc -l < "$tmp/out")" -eq 2
check "jsonl offsets" python3 -c "
import json
a,b=[json.loads(l) for l in open('$tmp/out')]
f=a['findings'][0]
assert a['id']==1 and f['entity_type']=='US_SSN' and f['start']==4 and f['end']==15, a
assert b['id']=='b' and b['findings']==[]"

printf '{"id": 1, "text": "ok"}\n{"id": 2, "text": \n' | "$bin" scan --input jsonl - > "$tmp/out" 2> "$tmp/err"; rc=$?
check "malformed jsonl exits 2" test $rc -eq 2
check "malformed jsonl names line 2" grep -q 'line 2' "$tmp/err"

"$bin" scan "$tmp/does-not-exist" > /dev/null 2> "$tmp/err"; rc=$?
check "missing file exits 2" test $rc -eq 2
: > "$tmp/empty.txt"
"$bin" scan "$tmp/empty.txt" > /dev/null 2>&1; rc=$?
check "empty file exits 0" test $rc -eq 0
"$bin" scan --entities CREDIT_CARD "$tmp/pii.txt" > "$tmp/out"; rc=$?
check "--entities filters" bash -c "! grep -q US_SSN '$tmp/out' && grep -q CREDIT_CARD '$tmp/out'"
"$bin" scan --help > "$tmp/out"; rc=$?
check "--help exits 0" test $rc -eq 0

# A single 1 GiB line in bounded memory (64 MiB under the sanitizers,
# which are ten times slower): prose, one SSN at the very end.
mib=1024
[ "${PG_SANITIZE:-0}" = 1 ] && mib=64
python3 -c "
import sys
block = ('lorem ipsum dolor sit amet ' * 40000).encode()
left = $mib * 1024 * 1024
out = sys.stdout.buffer
while left > len(block):
    out.write(block); left -= len(block)
out.write(b'x' * (left - 15) + b'SSN 536-22-1234')" > "$tmp/big.txt"
if [ "${PG_SANITIZE:-0}" = 1 ]; then
    "$bin" scan "$tmp/big.txt" > "$tmp/out"; rc=$?
else
    /usr/bin/time -f '%M' -o "$tmp/rss" "$bin" scan "$tmp/big.txt" > "$tmp/out"; rc=$?
    check "${mib} MiB single line under 64 MB RSS" test "$(tail -n 1 "$tmp/rss")" -lt 65536
fi
check "big line found the SSN" grep -q US_SSN "$tmp/out"

echo "$fails failed"
[ $fails -eq 0 ]
