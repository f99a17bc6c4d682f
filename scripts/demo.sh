#!/usr/bin/env bash
# Installs what is missing, builds the demo and runs it: it builds a few
# frames, prints them layer by layer, writes them to out/demo.pcap and lets
# tshark read that file back.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh demo
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCHMARKS=OFF -DSTRATA_BUILD_TOOLS=OFF \
  -DSTRATA_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target example_demo
mkdir -p out
./build/demo/examples/example_demo out/demo.pcap
echo
echo "== tshark -r out/demo.pcap =="
tshark -r out/demo.pcap
