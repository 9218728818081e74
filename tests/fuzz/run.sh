#!/bin/bash
# run.sh BUILD_DIR SECONDS - run every libFuzzer target for SECONDS each.
# Seeds: tests/fuzz/seeds/<target>/ (committed) plus, for message targets,
# the test messages under tests/message/data. A crash fails the run and
# leaves the reproducer in BUILD_DIR/fuzz-out/<target>/.
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    out="$build/fuzz-out/$name"
    corpus="$build/fuzz-corpus/$name"
    mkdir -p "$out" "$corpus"
    seeds=()
    [ -d "$here/seeds/$name" ] && seeds+=("$here/seeds/$name")
    case $name in
        fuzz_msg*|fuzz_milter*) [ -d "$here/../message/data" ] && seeds+=("$here/../message/data") ;;
    esac
    echo "fuzz: $name for ${secs}s"
    if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$out/" -print_final_stats=1 "$corpus" "${seeds[@]}" \
            > "$out/log" 2>&1; then
        echo "fuzz: $name FAILED; see $out/log"; tail -30 "$out/log"; status=1
    else
        grep -E 'stat::number_of_executed_units' "$out/log" | sed "s/^/fuzz: $name /"
    fi
done
exit $status
