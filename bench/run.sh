#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run.sh - the benchmarks behind docs/performance.md (make bench).
#
#   1. The corpus: bench/out/corpus.txt, >= 100 MB of support mail from
#      bench/gen_corpus.py (fixed seed), generated once and kept (bench/out
#      is git-ignored).
#   2. Engine throughput: build/pg_bench_engine over the corpus, single
#      thread, best of ROUNDS.
#   3. ripgrep over the same file, one thread, no Unicode, twice: with
#      five plain patterns for what a regex DLP would look for (SSN, card,
#      IBAN, e-mail, phone), and with bench/rg_patterns.txt, one pattern
#      per entity shape the engine claims; the ratio engine / ripgrep
#      after each. ripgrep only counts
#      matches; the engine also validates, scores and resolves, so the
#      ratio is the price of that work against a bare regex scan.
#   4. bench/http_bench.sh and bench/gateway_bench.sh, when present and
#      executable (written by others; their own output).
#   4b. Messages: bench/gen_mail.py's 20 KB plain mail and 2 MB-attachment
#      mail through build/pg_bench_msg (msgs/s, decision cost share), and
#      the peak RSS of `piiguard check` on its 25 MB mail.
#   5. Memory: `piiguard scan` over a 1 GB file (the corpus repeated) must
#      stay under 64 MB RSS (/usr/bin/time -f %M); the file is deleted.
#
# usage: bench/run.sh [BUILD_DIR]
# env:   ROUNDS=3  CORPUS_MB=110  SKIP_OTHERS=1 (skip step 4)  SKIP_RSS=1
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${ROUNDS:-3}
CORPUS_MB=${CORPUS_MB:-110}
OUT=$HERE/out
CORPUS=$OUT/corpus.txt
RSS_LIMIT_KB=$((64 * 1024))

# Plain patterns for a regex DLP scan, one per entity.
RG_PATTERNS=(
    -e '\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b'
    -e '\b(?:[0-9]{4}[ -]?){3}[0-9]{1,4}\b'
    -e '\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b'
    -e '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
    -e '(?:\+[0-9]{1,3}[ .-]?)?\(?[0-9]{2,4}\)?[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}\b'
)

# now - seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# corpus - generate the corpus once
corpus() {
    mkdir -p "$OUT"
    if [ ! -s "$CORPUS" ]; then
        echo "generating $CORPUS (${CORPUS_MB} MB, once)..."
        python3 "$HERE/gen_corpus.py" "$CORPUS" "$CORPUS_MB"
    fi
    size=$(stat -c %s "$CORPUS")
    echo "corpus: $CORPUS, $((size / 1000000)) MB"
}

# engine - single-thread engine MB/s; sets ENGINE_MBS
engine() {
    local line
    line=$("$BUILD/pg_bench_engine" "$CORPUS" "$ROUNDS")
    echo "$line"
    ENGINE_MBS=$(sed -n 's/.*= \([0-9.]*\) MB\/s.*/\1/p' <<<"$line")
}

# rg_best LABEL ARGS... - best of ROUNDS for one ripgrep pattern set;
# sets RG_MBS
rg_best() {
    local label=$1 best=999999 t0 t1 count
    shift
    rg -j1 --no-unicode --count-matches "$@" "$CORPUS" >/dev/null || true
    for _ in $(seq "$ROUNDS"); do
        t0=$(now)
        count=$(rg -j1 --no-unicode --count-matches "$@" "$CORPUS" || true)
        t1=$(now)
        best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = b - a; print (d < m ? d : m) }')
    done
    RG_MBS=$(awk -v s="$size" -v t="$best" 'BEGIN { print s / 1e6 / t }')
    printf 'ripgrep: rg -j1 --no-unicode --count-matches (%s): %.0f MB/s, %s matches\n' \
        "$label" "$RG_MBS" "${count:-0}"
}

# ripgrep - the five core patterns, then one pattern per entity shape the
# engine claims (bench/rg_patterns.txt: the equivalent set, without the
# checksums, context and names it cannot express); ratio() after each
ripgrep() {
    command -v rg >/dev/null || { echo "ripgrep: rg missing (scripts/install-deps.sh)"; RG_MBS=""; return; }
    rg_best "5 patterns" "${RG_PATTERNS[@]}"
    ratio
    rg_best "$(grep -c . "$HERE/rg_patterns.txt") patterns, one per entity shape" -f "$HERE/rg_patterns.txt"
    ratio
}

# ratio - engine throughput as a share of ripgrep's
ratio() {
    [ -n "${RG_MBS:-}" ] && [ -n "${ENGINE_MBS:-}" ] || return 0
    printf 'engine / ripgrep: %.2f\n' "$(awk -v e="$ENGINE_MBS" -v r="$RG_MBS" 'BEGIN { print e / r }')"
}

# others - the HTTP and gateway benchmarks, if present
others() {
    [ "${SKIP_OTHERS:-0}" = 1 ] && { echo "other benchmarks skipped (SKIP_OTHERS=1)"; return; }
    for b in http_bench.sh gateway_bench.sh; do
        if [ -x "$HERE/$b" ]; then
            echo "--- $b"
            "$HERE/$b" "$BUILD" || echo "$b failed (exit $?)"
        else
            echo "--- $b: not present or not executable, skipped"
        fi
    done
}

# rss - scan a 1 GB file and check the peak resident set
rss() {
    [ "${SKIP_RSS:-0}" = 1 ] && { echo "RSS check skipped (SKIP_RSS=1)"; return; }
    local big=$OUT/corpus-1g.txt tfile=$OUT/time.out kb
    trap 'rm -f "$big" "$tfile"' RETURN
    : >"$big"
    while [ "$(stat -c %s "$big")" -lt 1000000000 ]; do cat "$CORPUS" >>"$big"; done
    /usr/bin/time -o "$tfile" -f %M "$BUILD/piiguard" scan "$big" >/dev/null 2>&1 || true
    kb=$(tail -n 1 "$tfile")
    printf 'memory: piiguard scan of %d MB: peak RSS %d KB (limit %d KB): %s\n' \
        "$(($(stat -c %s "$big") / 1000000))" "$kb" "$RSS_LIMIT_KB" \
        "$([ "$kb" -lt "$RSS_LIMIT_KB" ] && echo ok || echo OVER)"
    [ "$kb" -lt "$RSS_LIMIT_KB" ]
}

# messages - the message pipeline (parse, scan, decide) on a 20 KB plain
# mail and on a mail with a 1 MB PDF and a 1 MB DOCX, with the decision's
# share of the time; and the peak RSS of `piiguard check` on a 25 MB mail
messages() {
    local dir=$OUT/mail tfile=$OUT/time.out
    [ -s "$dir/big25m.eml" ] || python3 "$HERE/gen_mail.py" "$dir"
    "$BUILD/pg_bench_msg" "$SRC/etc/piiguard.yaml" 3 "$dir/plain20k.eml" "$dir/attach2m.eml"
    /usr/bin/time -o "$tfile" -f %M "$BUILD/piiguard" check --to c@customer.test \
        "$dir/big25m.eml" >/dev/null 2>&1 || true
    printf 'message: piiguard check of a %d MB mail: peak RSS %d KB (target 102400 KB)\n' \
        "$(($(stat -c %s "$dir/big25m.eml") / 1000000))" "$(tail -n 1 "$tfile")"
}

corpus
engine
ripgrep
messages
others
rss
