#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test_valgrind.sh - the key CLI invocations under valgrind memcheck: no
# invalid read or write, no use of uninitialised memory, no definite leak.
# The ASan+UBSan build runs the whole suite; this covers what ASan cannot
# see (uninitialised reads) and the libraries ASan does not instrument
# (GMime, poppler, libarchive, libxml2, Vectorscan run in-process here).
#
#   scan: text, --format json, --input jsonl
#   check: a clear-text SSN, a PDF attachment, a zip holding a DOCX and a
#     CSV beside an HTML body with entities, a quoted reply, S/MIME and
#     PGP/MIME from tests/message/data; each with the extractors
#     in-process (a copy of the policy with isolate_extractors: false), and
#     the PDF once more with the default forked extractor (valgrind
#     follows a fork; --trace-children=no keeps it out of exec'd programs)
#   check --channel chat, policy check (good and broken)
#
# Each run must also give its documented exit status, so a run that fails
# early cannot pass by checking nothing. Inputs are small: the whole test
# takes about a minute.
#
# env: PG_BIN, PG_SOURCE_DIR, PG_SANITIZE (from ctest). Skipped in the
# sanitized build (valgrind and ASan do not mix) and without valgrind.
set -uo pipefail

: "${PG_BIN:?set PG_BIN to the piiguard binary}"
: "${PG_SOURCE_DIR:?set PG_SOURCE_DIR to the source tree}"
if [ "${PG_SANITIZE:-0}" = 1 ]; then echo "skip: sanitized build (valgrind does not run ASan binaries)"; exit 0; fi
command -v valgrind >/dev/null || { echo "skip: valgrind not installed (scripts/install-deps.sh)"; exit 0; }

SRC=$PG_SOURCE_DIR
PY=$(command -v /usr/bin/python3 || command -v python3)
tmp=$(mktemp -d /tmp/pg-valgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# vg NAME EXPECTED_STATUS ARGS... - run piiguard under memcheck
vg() {
    local name=$1 want=$2 rc
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --trace-children=no --child-silent-after-fork=no \
        --log-file="$tmp/$name.vg" "$PG_BIN" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    if [ "$rc" -eq "$want" ] && [ ! -s "$tmp/$name.vg" ]; then
        pass=$((pass + 1)); echo "ok - $name (exit $rc, memcheck clean)"
    else
        fail=$((fail + 1)); echo "not ok - $name: exit $rc (want $want)"
        sed 's/^/#   /' "$tmp/$name.vg" "$tmp/$name.err" | head -60
    fi
}

# ---- inputs ---------------------------------------------------------------------
printf 'Customer SSN 536-22-1234 and card 4111 1111 1111 1111.\n' > "$tmp/pii.txt"
printf '{"id":1,"text":"card 4111 1111 1111 1111"}\n{"id":"b","text":"nothing"}\n' > "$tmp/in.jsonl"
printf '{"id":1,"text":"SSN 536-22-1234"}\nnot json\n' > "$tmp/bad.jsonl"
printf 'Hi, as you asked: your SSN is 536-22-1934.\n' > "$tmp/chat.txt"
for k in ssn pdf quoted; do
    "$PY" "$SRC/tests/gateway/mkmsg.py" "$k" "$tmp/$k.eml" "vg-$k"
done
"$PY" - "$tmp/zip.eml" <<'EOF'
import base64, io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("word/document.xml", "<w:document xmlns:w='w'><w:body><w:p><w:r>"
               "<w:t>IBAN DE89 3704 0044 0532 0130 00</w:t></w:r></w:p></w:body></w:document>")
docx = b.getvalue()
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("letter.docx", docx)
    z.writestr("customers.csv", "name,ssn\nJane Roe,536-22-1934\n")
att = base64.encodebytes(b.getvalue()).decode()
open(sys.argv[1], "w").write(
    "From: a@corp.example.com\nTo: c@example.net\nSubject: files\nMIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
    "Content-Type: text/html; charset=utf-8\n\n"
    "<p>SSN&#58; &#53;&#51;&#54;-22-<b>1934</b></p>\n--b\n"
    'Content-Type: application/zip; name="files.zip"\n'
    "Content-Transfer-Encoding: base64\n\n" + att + "--b--\n")
EOF
# the policy with extractors in-process, so memcheck sees poppler & co.
sed -e 's/isolate_extractors: true/isolate_extractors: false/' \
    -e "s|dir: notices|dir: $SRC/etc/notices|" "$SRC/etc/piiguard.yaml" > "$tmp/inproc.yaml"
grep -q 'isolate_extractors: false' "$tmp/inproc.yaml" || echo "# note: policy copy still isolates"
printf 'version: 1\nno_such_key: 1\n' > "$tmp/broken.yaml"

# ---- runs -------------------------------------------------------------------------
vg scan-text 1 scan "$tmp/pii.txt"
vg scan-json 1 scan --format json "$tmp/pii.txt"
vg scan-jsonl 1 scan --input jsonl "$tmp/in.jsonl"
vg scan-jsonl-bad 2 scan --input jsonl "$tmp/bad.jsonl"
for k in ssn pdf zip quoted; do
    vg "check-$k" 1 check --format json --policy "$tmp/inproc.yaml" \
        --from agent@corp.example.com --to customer@example.net "$tmp/$k.eml"
done
vg check-pdf-forked 1 check --format json --policy "$SRC/etc/piiguard.yaml" \
    --from agent@corp.example.com --to customer@example.net "$tmp/pdf.eml"
# the forked child really read the PDF under memcheck (not "extractor crashed")
if grep -q '"CREDIT_CARD"' "$tmp/check-pdf-forked.out" && ! grep -q 'extractor' "$tmp/check-pdf-forked.out"; then
    pass=$((pass + 1)); echo "ok - check-pdf-forked: the card in the PDF was found by the child"
else
    fail=$((fail + 1)); echo "not ok - check-pdf-forked: the child did not read the PDF"
    head -c 1500 "$tmp/check-pdf-forked.out" | sed 's/^/#   /'
fi
for m in smime_enveloped pgp_mime; do
    [ -f "$SRC/tests/message/data/$m.eml" ] || continue
    # encrypted mail is not clear text: allowed (exit 0) by the default policy
    vg "check-$m" 0 check --policy "$tmp/inproc.yaml" --from agent@corp.example.com \
        --to customer@example.net "$SRC/tests/message/data/$m.eml"
done
vg check-chat 1 check --channel chat --policy "$tmp/inproc.yaml" --from agent7 \
    --to customer@example.net "$tmp/chat.txt"
vg policy-check 0 policy check "$SRC/etc/piiguard.yaml"
vg policy-broken 2 policy check "$tmp/broken.yaml"

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
