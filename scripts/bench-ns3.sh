#!/usr/bin/env bash
# strata against ns-3 3.37 on the "web request" and UDP echo workloads
# (issue 10 item 7; docs/ns3-comparison.md explains the method):
#
#   H clients - switch - R1 - 100 Mb/s 5 ms - R2 - 1 Gb/s 10 ms - R3 - server LAN (S=4)
#   tcp: each client opens N=10 sequential connections, 500 B request, 10 KiB response
#   udp: each client sends 100 x 512 B echoes, 10 ms apart (H=100) / 100 ms apart (H=1000)
#
# 1. installs Debian's libns3-dev/ns3 when /usr/include/ns3 is missing (apt-get; root);
# 2. builds ns3_web (the peer program, ns-3's --routing=static) in a temporary
#    directory with the peer's own build command (g++ -std=c++17 -O2, the
#    ns-3 libraries listed explicitly);
# 3. builds strata_web (Release) in build/bench-ns3;
# 4. runs both for tcp and udp at H=100 and H=1000 under /usr/bin/time -v,
#    pinned to one CPU (taskset -c $CPU), and prints one table: wall time and
#    peak RSS with the ratios, and the counts side by side.
#
#   scripts/bench-ns3.sh                    REPS=3 for everything but ns-3 at H=1000 (1 rep)
#   REPS=1 scripts/bench-ns3.sh             quicker
#   NS3_REPS_BIG=3 scripts/bench-ns3.sh     ns-3 H=1000 three times too (about 3 minutes more)
#   CPU=0 scripts/bench-ns3.sh              another CPU; CPU=none: no pinning
#   ONLY="tcp-100 udp-100" scripts/bench-ns3.sh   a subset of the scenarios
#
# Logs stay in $OUT (default build/bench-ns3/logs). The wall time is the
# median of the reps (the whole process under /usr/bin/time, timed to the ns
# by this script: time -v's "Elapsed" has 10 ms steps); CPU is user + system
# from time -v; RSS is the largest "Maximum resident set size" of the reps.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/bench-ns3}
OUT=${OUT:-$BUILD/logs}
REPS=${REPS:-3}
NS3_REPS_BIG=${NS3_REPS_BIG:-1}
CPU=${CPU:-1}
ONLY=${ONLY:-"tcp-100 tcp-1000 udp-100 udp-1000"}
# DIAG=1: for tcp also strata with TIME-WAIT 1 s (--msl=0.5), a diagnostic
# row: the TCP engine scans every connection it holds on each poll, and the
# servers hold every connection they closed in TIME-WAIT (60 s).
DIAG=${DIAG:-0}
# PROPOSED=1 with PROPOSED_PATCH=file: also strata_web built against include/
# with that patch applied (in a temporary copy), as rows "strata + proposed
# fixes" — how the first comparison measured the changes it pointed to (the
# TCP engine's timer heap, TIME-WAIT without a send buffer, the host's
# slow-path buffer, the ARP front table), which are now in the library.
PROPOSED=${PROPOSED:-0}
PROPOSED_PATCH=${PROPOSED_PATCH:-}
# The peer program: the shared copy when present, else the verbatim copy in bench/ns3/.
NS3_SRC=${NS3_SRC:-/work/shared/peers/ns3/ns3_web.cc}
[[ -f $NS3_SRC ]] || NS3_SRC=$ROOT/bench/ns3/ns3_web.cc

# --- 1. ns-3 --------------------------------------------------------------------
if [[ ! -f /usr/include/ns3/core-module.h ]]; then
  echo "== installing libns3-dev ns3 (Debian)"
  if [[ $(id -u) -ne 0 ]]; then
    echo "bench-ns3: libns3-dev is missing and this is not root: apt-get install libns3-dev ns3" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libns3-dev ns3
fi
for tool in /usr/bin/time python3 g++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "bench-ns3: $tool is missing" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp "$NS3_SRC" "$TMP/ns3_web.cc"
echo "== building ns3_web from $NS3_SRC ($(sha256sum "$NS3_SRC" | cut -c1-12))"
# /work/shared/peers/ns3/build.sh's command: C++17 (the 3.37 headers do not
# compile as C++20) and explicit -lns3-* (Debian's pkg-config files are broken).
g++ -std=c++17 -O2 -o "$TMP/ns3_web" "$TMP/ns3_web.cc" \
    -lns3-applications -lns3-bridge -lns3-point-to-point -lns3-csma -lns3-internet \
    -lns3-traffic-control -lns3-network -lns3-core

# --- 2. strata ------------------------------------------------------------------
echo "== building strata_web (Release, $BUILD)"
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_EXAMPLES=OFF -DSTRATA_BUILD_TOOLS=OFF \
    -DSTRATA_BUILD_BENCHMARKS=ON >/dev/null
fi
ninja -C "$BUILD" -j1 strata_web >/dev/null
STRATA=$BUILD/bench/strata_web
STRATA_PROPOSED=
if [[ $PROPOSED == 1 ]]; then
  mkdir -p "$TMP/proposed"
  cp -r "$ROOT/include" "$TMP/proposed/"
  if (cd "$TMP/proposed" && patch -s -p1 <"$PROPOSED_PATCH"); then
    echo "== building strata_web + $PROPOSED_PATCH (g++ -O3 -DNDEBUG, as Release)"
    g++ -std=c++20 -O3 -DNDEBUG -I"$TMP/proposed/include" -o "$TMP/strata_web_proposed" \
        "$ROOT/bench/ns3/strata_web.cpp"
    STRATA_PROPOSED=$TMP/strata_web_proposed
  else
    echo "== $PROPOSED_PATCH does not apply: no 'proposed fixes' rows"
  fi
fi

# --- 3. runs --------------------------------------------------------------------
mkdir -p "$OUT"
rm -f "$OUT"/*.log
PIN=()
if [[ $CPU != none ]] && command -v taskset >/dev/null; then PIN=(taskset -c "$CPU"); fi
echo "== load before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) CPUs; pinned: ${PIN[*]:-no}"

# run NAME REPS PROGRAM ARGS...: NAME.i.log = program output + time -v
run() {
  local name=$1 reps=$2; shift 2
  for i in $(seq 1 "$reps"); do
    local t0 t1
    t0=$(date +%s%N)
    "${PIN[@]}" /usr/bin/time -v "$@" >"$OUT/$name.$i.log" 2>"$OUT/$name.$i.time" || true
    t1=$(date +%s%N)
    cat "$OUT/$name.$i.time" >>"$OUT/$name.$i.log"
    # time -v's Elapsed has 10 ms steps: the process wall time in ns as well
    echo "process_wall_ns=$((t1 - t0))" >>"$OUT/$name.$i.log"
    rm -f "$OUT/$name.$i.time"
    printf '   %-20s rep %d: %6.3f s wall, %s\n' "$name" "$i" "$(((t1 - t0) / 1000000))e-3" \
      "$(grep -o 'Maximum resident.*' "$OUT/$name.$i.log")"
  done
}

# Warm-up, not measured: the first start of ns3_web loads ~20 ns-3 shared
# libraries from disk (seconds on a cold cache).
"$TMP/ns3_web" --H=2 --N=1 --routing=static >/dev/null 2>&1 || true
"$STRATA" --H=2 --N=1 >/dev/null 2>&1 || true

for sc in $ONLY; do
  mode=${sc%-*} h=${sc#*-}
  args=(--mode="$mode" --H="$h" --routing=static)
  # ns3_web's UDP at H=1000 runs at 100 ms so the offered load stays ~45 Mb/s
  # (the peer's udp-switch-H1000-static row).
  [[ $mode == udp && $h -ge 1000 ]] && args+=(--udpInterval=0.1)
  nreps=$REPS
  [[ $h -ge 1000 ]] && nreps=$NS3_REPS_BIG
  echo "== $sc: ${args[*]}"
  run "ns3-$sc" "$nreps" "$TMP/ns3_web" "${args[@]}"
  run "strata-$sc" "$REPS" "$STRATA" "${args[@]}"
  if [[ -n $STRATA_PROPOSED ]]; then
    run "strataprop-$sc" "$REPS" "$STRATA_PROPOSED" "${args[@]}"
  fi
  if [[ $DIAG == 1 && $mode == tcp ]]; then
    run "strata-tw1s-$sc" "$REPS" "$STRATA" "${args[@]}" --msl=0.5
  fi
done
echo "== load after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 4. the table -----------------------------------------------------------------
python3 - "$OUT" $ONLY <<'EOF'
import glob, re, statistics, sys
out, scenarios = sys.argv[1], sys.argv[2:]

def wall(text):
    # the process under /usr/bin/time -v, start to exit, timed in ns by the script
    return int(re.search(r"process_wall_ns=(\d+)", text).group(1)) / 1e9

def cpu(text):
    u = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    s = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    return u + s

def rss_mib(text):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024

def field(text, key):
    m = re.search(r"\b" + key + r"=([\d.]+)", text)
    return m.group(1) if m else "?"

def load(prefix):
    logs = sorted(glob.glob(f"{out}/{prefix}.*.log"))
    texts = [open(p).read() for p in logs]
    if not texts:
        return None
    t = texts[0]
    r = dict(reps=len(texts), wall=statistics.median(wall(x) for x in texts),
             wall_min=min(wall(x) for x in texts), wall_max=max(wall(x) for x in texts),
             cpu=statistics.median(cpu(x) for x in texts),
             rss=max(rss_mib(x) for x in texts), sim=float(field(t, "sim_seconds")),
             events=int(field(t, "events")), frames=int(field(t, "frames_tx")),
             ip=int(field(t, "ip_sent")))
    if "conn_done" in t:
        r["done"] = f"{field(t, 'conn_done')} ok / {field(t, 'conn_failed')} failed"
        r["complete"] = field(t, "conn_failed") == "0"
    else:
        r["done"] = f"{field(t, 'udp_rx')}/{field(t, 'expected')} back"
        r["complete"] = field(t, "udp_rx") == field(t, "expected")
    # Every rep must give the same counts (both simulators are deterministic).
    for x in texts[1:]:
        for k in ("events", "frames_tx", "ip_sent", "sim_seconds"):
            if field(x, k) != field(t, k):
                r["done"] += f" (reps differ in {k}!)"
    return r

rows = []
print()
print("| scenario | sim | wall s (median, min-max) | wall ratio ns-3/strata | CPU s (user+sys) | CPU ratio | peak RSS MiB | RSS strata/ns-3 | sim s | events | frames tx | IP pkts sent | completed |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for sc in scenarios:
    n, s = load(f"ns3-{sc}"), load(f"strata-{sc}")
    p, d = load(f"strataprop-{sc}"), load(f"strata-tw1s-{sc}")
    if not n or not s:
        continue
    variants = [("ns-3", n), ("strata", s)]
    if p:
        variants.append(("strata + proposed fixes", p))
    if d:
        variants.append(("strata, TIME-WAIT 1 s (diagnostic)", d))
    for name, r in variants:
        ours = name != "ns-3"
        ratio = f"**{n['wall'] / r['wall']:.1f}x**" if ours else ""
        rss = f"**{r['rss'] / n['rss']:.2f}x**" if ours else ""
        cr = f"{n['cpu'] / max(r['cpu'], 0.005):.1f}x" if ours else ""
        print(f"| {sc} | {name} | {r['wall']:.3f} ({r['wall_min']:.3f}-{r['wall_max']:.3f}, {r['reps']} reps) "
              f"| {ratio} | {r['cpu']:.2f} | {cr} | {r['rss']:.1f} | {rss} | {r['sim']:.3f} | {r['events']:,} | {r['frames']:,} "
              f"| {r['ip']:,} | {r['done']} |")
    for name, r in variants[1:]:
        rows.append((sc, name, n['wall'] / r['wall'], r['rss'] / n['rss'], r['complete']))
    if not n['complete']:
        print(f"| {sc} | | ns-3 itself did not complete: {n['done']} | | | | | | | | | | |")
print()
for sc, name, speed, mem, ok in rows:
    print(f"{sc}, {name}: {speed:.1f}x faster (goal >= 10x: {'met' if speed >= 10 else 'NOT met'}), "
          f"RSS {mem:.2f}x ns-3's (goal <= 0.2x: {'met' if mem <= 0.2 else 'NOT met'}), "
          f"all completed: {'yes' if ok else 'NO'}")
EOF
