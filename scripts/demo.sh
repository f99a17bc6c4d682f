#!/usr/bin/env bash
# Installs what is missing, builds the demo and runs it:
#  1. it builds a few frames, prints them layer by layer, writes them to
#     out/demo.pcap and lets tshark read that file back;
#  2. it runs a small journey in the simulator with strata-net
#     (examples/topologies/journey.json): a browser host on a switched LAN,
#     a home router with NAT, an ISP router and a web server host. The
#     browser pings the server, fetches /index.html over strata's TCP and
#     the connection closes; the run is printed as numbered steps (ARP,
#     ping, NAT mapping, SYN, SYN-ACK, ACK, GET, 200 OK, FIN, TIME_WAIT),
#     then tshark reads the access link's capture and checks every link's.
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
echo "== strata-net examples/topologies/journey.json --out out/journey --narrate =="
rm -rf out/journey
./build/demo/tools/strata-net examples/topologies/journey.json --out out/journey --narrate
echo
echo "-- what the browser's steps did (out/journey/summary.json) --"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps(s["nodes"]["browser"]["host"]["run"], indent=1))' out/journey/summary.json 2>/dev/null \
  || cat out/journey/summary.json
echo
echo "-- tshark -r out/journey/access.pcap: home router (NAT, 203.0.113.2) <-> ISP router --"
tshark -r out/journey/access.pcap 2>/dev/null
echo
echo "-- tshark -Y '_ws.malformed || _ws.expert.severity >= warning' on every link's pcap --"
for f in out/journey/*.pcap; do
  warnings=$(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity >= warning' 2>/dev/null)
  if [ -n "$warnings" ]; then echo "$f:"; echo "$warnings"; exit 1; fi
  echo "$f: clean"
done
