#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*.cpp, clang 14 with ASan + UBSan),
# writes their seed corpora from the test captures and sample frames, and
# runs every target for SECONDS (default 30), one after another.
#
#   bash scripts/fuzz.sh            # 30 s per target (what CI runs)
#   bash scripts/fuzz.sh 3600       # an hour per target
#
# Layout (under build/fuzz, never in the source tree):
#   seeds/<target>/      regenerated on every run by strata_fuzz_make_seeds
#   corpus/<target>/     what libFuzzer found; kept between runs, so each run
#                        starts where the last one stopped
#   artifacts/<target>/  crash-*, leak-*, timeout-* inputs
#   logs/<target>.log    libFuzzer's output
# Exits non-zero if any target crashed (or failed to build). Installs
# nothing: scripts/install-deps.sh does that. docs/fuzzing.md has more.
#
# Environment: STRATA_FUZZ_SEED (libFuzzer -seed; default 1, so a run on the
# same corpus takes the same path and a CI finding can be replayed; 0 lets
# libFuzzer pick a new seed each run, which long campaigns want),
# STRATA_FUZZ_BUILD_DIR (default build/fuzz),
# STRATA_FUZZ_TARGETS (space-separated names such as "dns http" to run only
# those), STRATA_FUZZ_SOURCE_DIR (the CMake source dir, default the repo).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

seconds=${1:-30}
seed=${STRATA_FUZZ_SEED:-1}
if ! [[ $seed =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: STRATA_FUZZ_SEED must be a number (0 = random)" >&2
  exit 2
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS]   (seconds per target, default 30)" >&2
  exit 2
fi

cxx=${STRATA_FUZZ_CXX:-clang++-14}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found. The fuzzers need clang 14 and its libFuzzer runtime" >&2
  echo "         (Debian: clang-14 libclang-rt-14-dev; scripts/install-deps.sh installs them)." >&2
  exit 1
fi
# -fsanitize=fuzzer needs the compiler-rt libFuzzer archive.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
  >"$probe_dir/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" 2>"$probe_dir/err"; then
  echo "fuzz.sh: $cxx cannot link -fsanitize=fuzzer:" >&2
  cat "$probe_dir/err" >&2
  echo "         (Debian: install libclang-rt-14-dev)" >&2
  exit 1
fi

build=${STRATA_FUZZ_BUILD_DIR:-$repo/build/fuzz}
source_dir=${STRATA_FUZZ_SOURCE_DIR:-$repo}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

echo "=== [fuzz] configure ($build)"
cmake -S "$source_dir" -B "$build" -G Ninja "${launcher[@]}" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTRATA_BUILD_FUZZERS=ON -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCHMARKS=OFF \
  -DSTRATA_BUILD_EXAMPLES=OFF -DSTRATA_BUILD_TOOLS=OFF >/dev/null
list=$(find "$build" -name fuzz_targets.txt -path '*fuzz*' | head -n1)
if [ -z "$list" ]; then
  echo "fuzz.sh: no fuzz targets configured (does CMakeLists.txt add_subdirectory(fuzz) when STRATA_BUILD_FUZZERS is ON?)" >&2
  exit 1
fi
bin_dir=$(dirname "$list")

echo "=== [fuzz] build"
cmake --build "$build" --target strata_fuzzers

echo "=== [fuzz] seeds"
rm -rf "$build/seeds"
"$bin_dir/strata_fuzz_make_seeds" "$build/seeds"

targets=()
while IFS= read -r t; do
  [ -n "$t" ] || continue
  name=${t#fuzz_}
  if [ -n "${STRATA_FUZZ_TARGETS:-}" ] && ! [[ " $STRATA_FUZZ_TARGETS " == *" $name "* ]]; then
    continue
  fi
  targets+=("$name")
done <"$list"

mkdir -p "$build/logs"
summary=()
failed=0
for name in "${targets[@]}"; do
  corpus="$build/corpus/$name"
  artifacts="$build/artifacts/$name"
  log="$build/logs/$name.log"
  mkdir -p "$corpus" "$artifacts"
  dirs=("$corpus")
  [ -d "$build/seeds/$name" ] && dirs+=("$build/seeds/$name")
  echo "=== [fuzz] $name: ${seconds}s, seed $seed"
  rc=0
  "$bin_dir/fuzz_$name" "${dirs[@]}" -max_total_time="$seconds" -seed="$seed" -rss_limit_mb=2048 \
    -timeout=25 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  if [ "$rc" -eq 0 ]; then
    status=ok
  else
    status="CRASH (exit $rc, see $log and $artifacts)"
    failed=$((failed + 1))
    grep -m3 -E 'ERROR|invariant|runtime error' "$log" | sed 's/^/    /' || true
    # The build directory of a CI run is gone afterwards: print the input
    # (base64, first 4 KiB) so it can be replayed from the log alone.
    for a in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
      [ -f "$a" ] || continue
      echo "    input $(basename "$a") ($(wc -c <"$a") bytes), base64:"
      head -c 4096 "$a" | base64 -w 76 | sed 's/^/      /'
    done
  fi
  summary+=("$(printf '%-12s %-4s execs=%-10s exec/s=%-7s cov=%-5s ft=%-6s corpus=%s' \
    "$name" "$status" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
done

echo "=== [fuzz] summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: $failed target(s) crashed" >&2
  exit 1
fi
echo "fuzz.sh: all ${#targets[@]} targets ran clean"
