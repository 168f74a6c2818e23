#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# each for SECONDS, starting from the seed corpus in tests/fuzz/corpus/<target>/. Fails on the
# first finding and names the input that caused it (copy it into the corpus as finding-*).
# Usage: tests/fuzz/run-fuzzers.sh SECONDS|--runs=N [BUILD_DIR [TARGET...]]
#   --runs=N: N inputs per target from a fixed seed and the committed corpus alone, the same
#   inputs on every run (the test suite's fuzz_smoke: landing must not depend on luck).
#   BUILD_DIR defaults to build-fuzz/ in the repository; TARGETs default to all of them.
set -euo pipefail

if [ $# -lt 1 ] || ! [[ "$1" =~ ^([0-9]+|--runs=[0-9]+)$ ]]; then
    echo "usage: $0 SECONDS|--runs=N [BUILD_DIR [TARGET...]]" >&2
    exit 2
fi
if [[ "$1" == --runs=* ]]; then
    limit=(-runs="${1#--runs=}" -seed=1)
    description="${1#--runs=} inputs"
    fresh_corpus=1
else
    limit=(-max_total_time="$1")
    description="$1 s"
    fresh_corpus=0
fi
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${2:-$source_dir/build-fuzz}
shift $(($# < 2 ? $# : 2))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(safetensors caffemodel image settings_json png_text recovery_manifest)
fi

fail() {
    echo "run-fuzzers.sh: $*" >&2
    exit 1
}

command -v clang++ >/dev/null ||
    fail "clang++ is missing; install clang and libclang-rt-dev (packaging/install-deps.sh does)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$probe/probe.cpp"
clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>"$probe/log" ||
    fail "clang++ cannot link libFuzzer ($(head -n 1 "$probe/log")); install libclang-rt-dev \
(packaging/install-deps.sh does)"

mkdir -p "$build_dir"
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DIMPASTO_FUZZ=ON >"$build_dir/configure.log" 2>&1 ||
    { cat "$build_dir/configure.log" >&2; fail "configuring $build_dir failed"; }
cmake --build "$build_dir" || fail "building the fuzz targets failed"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for target in "${targets[@]}"; do
    program="$build_dir/tests/fuzz/fuzz_$target"
    [ -x "$program" ] || fail "no fuzz target $target"
    # New inputs go to a working corpus in the build folder; the committed seeds are only read.
    work="$build_dir/runs/$target"
    if [ "$fresh_corpus" = 1 ]; then
        rm -rf "$work/corpus"
    fi
    mkdir -p "$work/corpus" "$work/findings"
    echo "fuzz_$target: $description"
    if ! "$program" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/findings/" -print_final_stats=1 \
        "$work/corpus" "$source_dir/tests/fuzz/corpus/$target" >"$work/log" 2>&1; then
        tail -n 40 "$work/log" >&2
        fail "fuzz_$target found a problem: $(ls "$work/findings" | head -n 1) in $work/findings"
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" | tr '\n' ' '
    echo
done
echo "run-fuzzers.sh: no findings in ${#targets[@]} targets x ${description}"
