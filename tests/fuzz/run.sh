#!/bin/bash
# run.sh BUILD_DIR SECONDS [TARGET...] - run libFuzzer targets for SECONDS
# each (every fuzz_* in BUILD_DIR when no TARGET is named).
#
# Seeds: tests/fuzz/seeds/<target>/ (committed), plus what mkseeds.py
# writes at run time into BUILD_DIR/fuzz-seeds/<target>/ (attachments of
# every extractor's format, HTTP requests, the test messages and a sample
# of 200 SpamAssassin messages when scripts/fetch-corpus.sh installed
# them; the corpus itself is never committed). What a run finds is kept
# in BUILD_DIR/fuzz-corpus/<target>/ for the next run.
#
# A crash, leak, timeout (10 s per input) or out-of-memory (2 GiB) fails
# the run and leaves the reproducer in BUILD_DIR/fuzz-out/<target>/;
# replay it with `BUILD_DIR/<target> FILE`. Each target's exec count is
# printed as "fuzz: <target> stat::number_of_executed_units: N".
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:-60}
shift 2 2>/dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
status=0

if [ ! -d "$build/fuzz-seeds" ] || [ "$here/mkseeds.py" -nt "$build/fuzz-seeds" ]; then
    rm -rf "$build/fuzz-seeds"
    python3 "$here/mkseeds.py" "$src" "$build/fuzz-seeds" 200 ||
        echo "fuzz: mkseeds.py failed; running on the committed seeds only"
fi

if [ $# -gt 0 ]; then
    bins=()
    for t in "$@"; do bins+=("$build/$t"); done
else
    bins=("$build"/fuzz_*)
fi

for bin in "${bins[@]}"; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name=$(basename "$bin")
    out="$build/fuzz-out/$name"
    corpus="$build/fuzz-corpus/$name"
    mkdir -p "$out" "$corpus"
    seeds=()
    [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
    [ -d "$build/fuzz-seeds/$name" ] && seeds+=("$build/fuzz-seeds/$name")
    echo "fuzz: $name for ${secs}s"
    if ! "$bin" -max_total_time="$secs" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$out/" -print_final_stats=1 "$corpus" "${seeds[@]}" \
            > "$out/log" 2>&1; then
        echo "fuzz: $name FAILED; see $out/log"; tail -30 "$out/log"; status=1
    else
        grep -E 'stat::number_of_executed_units' "$out/log" | sed "s/^/fuzz: $name /"
    fi
done
exit $status
