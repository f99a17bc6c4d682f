#!/usr/bin/env bash
# Installs what is missing, builds the demo and runs it:
#  1. it builds a few frames, prints them layer by layer, writes them to
#     out/demo.pcap and lets tshark read that file back;
#  2. it runs a small network in the simulator with strata-net — a PC on a
#     switched LAN behind a NAT router, talking to a server on the Internet
#     (examples/topologies/nat_lan.json) — and shows the trace of named
#     steps, the counters, and what tshark reads on the router's WAN link.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh demo
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCHMARKS=OFF -DSTRATA_BUILD_TOOLS=ON \
  -DSTRATA_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target example_demo strata-net
mkdir -p out
./build/demo/examples/example_demo out/demo.pcap
echo
echo "== tshark -r out/demo.pcap =="
tshark -r out/demo.pcap

echo
echo "== strata-net examples/topologies/nat_lan.json --out out/nat_lan --trace =="
rm -rf out/nat_lan
./build/demo/tools/strata-net examples/topologies/nat_lan.json --out out/nat_lan --trace
echo "-- the named steps (out/nat_lan/trace.jsonl, without frame_sent/frame_received) --"
grep -v '"frame_sent"\|"frame_received"' out/nat_lan/trace.jsonl
echo "-- the router's counters (out/nat_lan/summary.json) --"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps([n for n in s["nodes"] if n["name"]=="gw"], indent=1))' out/nat_lan/summary.json 2>/dev/null \
  || cat out/nat_lan/summary.json
echo "-- tshark -r out/nat_lan/l_wan.pcap: the flows leave with the public address --"
tshark -r out/nat_lan/l_wan.pcap
