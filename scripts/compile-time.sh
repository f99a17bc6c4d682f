#!/usr/bin/env bash
# Times the compilation of one translation unit that decodes and encodes
# Ethernet<IPv4<TCP<HTTP>>> (bench/compile_time/web_frame.cpp), with g++ -O2
# and clang++-14 -O2: best of 5 wall-clock runs each.
set -euo pipefail
cd "$(dirname "$0")/.."
tu=bench/compile_time/web_frame.cpp
TIMEFORMAT=%R
for cxx in g++ clang++-14; do
  command -v "$cxx" >/dev/null || continue
  times=()
  for _ in 1 2 3 4 5; do
    times+=("$({ time "$cxx" -std=c++20 -O2 -Iinclude -c "$tu" -o /dev/null; } 2>&1)")
  done
  printf '%-12s best of 5: %s s\n' "$cxx" "$(printf '%s\n' "${times[@]}" | sort -n | head -1)"
done
