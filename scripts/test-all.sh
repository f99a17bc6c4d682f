#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test in every
# configuration CI checks:
#   1. g++ 12, Release: everything (library, tests, examples, tools, benchmarks)
#   2. g++ 12 with AddressSanitizer + UndefinedBehaviorSanitizer: tests, examples, tools
#   3. clang++ 14, Release: everything
#   4. the libFuzzer targets, 30 s each (scripts/fuzz.sh)
# The Release builds also compile every public header alone, and again with
# strict warnings as errors (-Wconversion -Wsign-conversion -Wshadow, target
# strata_header_warnings), and every C++ block of the documentation (these
# compile-only checks are not repeated under the sanitizers); each build
# builds two outside projects with the same
# generator (Ninja): one against the installed package (ctest
# consumer_find_package), one with add_subdirectory (consumer_add_subdirectory).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh all

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

total_passed=0
total_failed=0
summary=()

run_config() {
  local name=$1
  shift
  echo "=== [$name] configure"
  cmake -S . -B "build/$name" -G Ninja "${launcher[@]}" "$@" >/dev/null
  echo "=== [$name] build"
  cmake --build "build/$name"
  echo "=== [$name] test"
  local log="build/$name/ctest.log"
  local rc=0
  ctest --test-dir "build/$name" --output-on-failure --timeout 900 2>&1 | tee "$log" || rc=$?
  local line passed failed
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1 || true)
  if [[ -z $line ]]; then
    echo "=== [$name] ctest printed no summary" >&2
    exit 1
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  local of
  of=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((of - failed))
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("$name: $passed passed, $failed failed")
  if ((rc != 0)); then
    echo "=== [$name] FAILED" >&2
    printf '%s\n' "${summary[@]}"
    echo "$total_passed passed, $total_failed failed"
    exit 1
  fi
}

run_config gcc-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++
run_config gcc-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_COMPILER=g++ -DSTRATA_SANITIZE=address,undefined -DSTRATA_BUILD_BENCHMARKS=OFF \
  -DSTRATA_BUILD_HEADER_CHECKS=OFF -DSTRATA_BUILD_DOC_SNIPPETS=OFF
run_config clang-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14

# 4. Every libFuzzer target for 30 s (clang 14, ASan + UBSan), seeded with the
#    test frames; a crash fails the run (docs/fuzzing.md: how to run longer).
fuzz_rc=0
bash scripts/fuzz.sh 30 || fuzz_rc=$?
if ((fuzz_rc != 0)); then
  summary+=("fuzz: FAILED")
  total_failed=$((total_failed + 1))
else
  summary+=("fuzz: every target ran 30 s without a crash")
fi

printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
