#!/bin/bash
# test_mime_cli.sh - piiguard check from the outside: --help, exit codes
# (0 clean, 1 PII, 2 error), the JSON report's shape, and no raw value
# anywhere in the output - not in values, not in paths built from file
# names.
set -u
bin=${PG_BIN:?PG_BIN not set}
data=${PG_SOURCE_DIR:?PG_SOURCE_DIR not set}/tests/message/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}
no_raw() { ! grep -q -e '536-22-1234' -e '4111 1111 1111 1111' "$1"; }

"$bin" check --help > "$tmp/out" 2>&1; rc=$?
check "--help exits 0" test $rc -eq 0
check "--help shows usage" grep -q 'usage: piiguard check' "$tmp/out"

printf 'Subject: hello\n\nNothing to see.\n' > "$tmp/clean.eml"
"$bin" check "$tmp/clean.eml" > "$tmp/out" 2>&1; rc=$?
check "clean message exits 0" test $rc -eq 0

"$bin" check --format json "$data/smime_fake.eml" > "$tmp/out"; rc=$?
check "PII exits 1" test $rc -eq 1
check "no raw value in JSON" no_raw "$tmp/out"
check "JSON report has its shape" python3 - "$tmp/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["encrypted"] is False
assert all(set(s) >= {"path", "kind", "bytes"} for s in r["segments"])
keys = {"entity_type", "segment", "start", "end", "score", "quoted", "masked"}
assert r["findings"] and all(set(f) >= keys for f in r["findings"])
ssn = [f for f in r["findings"] if f["entity_type"] == "US_SSN"]
assert ssn and ssn[0]["segment"] == "1" and ssn[0]["masked"].endswith("234")
assert isinstance(r["uninspectable"], list)
PY

"$bin" check --format json < "$data/smime_enveloped.eml" - > "$tmp/out"; rc=$?
check "encrypted message from stdin exits 0" test $rc -eq 0
check "encrypted is true" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["encrypted"]' "$tmp/out"

cat > "$tmp/name.eml" <<'MSG'
Subject: files
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain
Content-Disposition: attachment; filename="SSN 536-22-1234.txt"

card 4111 1111 1111 1111
--b--
MSG
"$bin" check --format json --from a@example.com --to b@customer.test,c@customer.test \
    "$tmp/name.eml" > "$tmp/out"; rc=$?
check "attachment PII to external recipients exits 1" test $rc -eq 1
check "file name masked in every path" no_raw "$tmp/out"
check "the decision is not allow" python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["decision"]; assert d["action"] not in ("allow","tag"), d' "$tmp/out"
"$bin" check "$tmp/name.eml" > "$tmp/out"; rc=$?
check "human format lists findings" grep -q 'US_SSN' "$tmp/out"
check "human format has no raw value" no_raw "$tmp/out"

"$bin" check "$tmp/missing.eml" > "$tmp/out" 2>&1; rc=$?
check "missing file exits 2" test $rc -eq 2
"$bin" check --format xml "$tmp/clean.eml" > "$tmp/out" 2>&1; rc=$?
check "bad format exits 2" test $rc -eq 2
"$bin" check a b > "$tmp/out" 2>&1; rc=$?
check "two files exit 2" test $rc -eq 2

echo "$fails failed"
exit $((fails > 0))
