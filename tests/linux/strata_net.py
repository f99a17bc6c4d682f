"""Runs a case through strata-net (tools/strata-net, ../shared/topology-schema.md).

The topology is the case's router as a `router` node, and one `replay` node
per router port (`end_<port>`) standing for the case's end there: it sends
that port's input frames and records what the router sent back
(`end_<port>.rx.pcap`).

Steps are 100 ms apart in virtual time. A step may depend on what came out
before it (a NAT reply goes to the public port the router chose), so the
topology is run once per step: run k sends steps 0..k, its output decides
step k+1. The run is deterministic (same seed, same bytes), so each run
repeats the previous one's output before adding to it; a run that does not is
reported.
"""

import ipaddress
import json
import os
import subprocess

import netpkt as P

STEP_NS = 100_000_000
FRAME_NS = 1_000_000  # between frames of one step, as Linux gets them (order kept)


class StrataError(Exception):
    pass


def is_connected(case, rt):
    """The route Linux and strata both make from a port's address (Linux's
    `proto kernel` route; strata's RouterConfig connected route): listed in
    the case for Linux's `ip route replace`, left out of the topology, where
    it would be a duplicate."""
    if rt.via or rt.metric or not rt.port:
        return False
    net = ipaddress.ip_interface(case.port(rt.port).ip).network
    return ipaddress.ip_network(rt.prefix) == net


def topology(case, files, starts_ms, until_ms):
    router = {"name": "r", "type": "router",
              "ports": [{"name": p.name, "mac": p.mac, "ip": p.ip, "mtu": p.mtu}
                        for p in case.ports],
              "routes": []}
    for rt in case.routes:
        if is_connected(case, rt):
            continue  # the router derives it from the port's address
        entry = {"prefix": rt.prefix}
        if rt.via:
            entry["via"] = rt.via
        if rt.port:
            entry["port"] = rt.port
        if rt.metric:
            entry["metric"] = rt.metric
        router["routes"].append(entry)
    if case.nat:
        router["nat"] = {"inside": case.nat.inside, "outside": case.nat.outside,
                         "public_ip": case.nat.public_ip, "ports": list(case.nat.ports)}
        if case.nat.forwards:
            router["nat"]["forwards"] = [{"proto": f.proto, "public_port": f.public_port,
                                          "to": f.to} for f in case.nat.forwards]
    nodes = [router]
    links = []
    for p in case.ports:
        nodes.append({"name": f"end_{p.name}", "type": "replay", "file": files[p.name],
                      "start_ms": starts_ms[p.name]})
        # The links only carry frames: fast, no delay, no loss; their MTU is
        # above any frame here so that only the router's port MTU matters.
        links.append({"name": f"link_{p.name}", "a": f"end_{p.name}.0", "b": f"r.{p.name}",
                      "rate_mbps": 1000, "delay_us": 0, "mtu": 9000, "queue_frames": 1000})
    return {"schema": 1, "seed": 1, "until_ms": until_ms, "nodes": nodes, "links": links}


def run_once(exe, case, timed_inputs, outdir):
    """timed_inputs: list of (time ns, port, frame). Returns port -> list of
    (time ns, frame) that arrived at that port's end."""
    os.makedirs(outdir, exist_ok=True)
    files, starts = {}, {}
    for p in case.ports:
        mine = [(t, f) for t, port, f in timed_inputs if port == p.name]
        first = mine[0][0] if mine else 0
        # start_ms is whole milliseconds; the capture's own times are kept
        # relative to its first frame, which is at 0, so either reading of
        # the schema (relative to the first frame or to 0) gives the same.
        starts[p.name] = first // 1_000_000
        files[p.name] = os.path.join(outdir, f"in.{p.name}.pcap")
        P.write_pcap(files[p.name], [(t - starts[p.name] * 1_000_000, f) for t, f in mine])
    last = max((t for t, _, _ in timed_inputs), default=0)
    topo = topology(case, files, starts, last // 1_000_000 + max(1000, case.settle_ms + 200))
    path = os.path.join(outdir, "topology.json")
    with open(path, "w") as out:
        json.dump(topo, out, indent=2)
    r = subprocess.run([exe, path, "--out", outdir], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise StrataError(f"strata-net exited {r.returncode}: {(r.stderr or r.stdout).strip()}")
    result = {}
    for p in case.ports:
        rx = os.path.join(outdir, f"end_{p.name}.rx.pcap")
        if not os.path.exists(rx):
            raise StrataError(f"strata-net wrote no {rx}")
        result[p.name] = P.read_pcap(rx)
    return result


def run(exe, case, workdir):
    """Runs every step; writes strata.<port>.pcap in workdir (the final run's
    output per port) and returns {port: [frame bytes]}."""
    steps = case.all_steps()
    timed = []
    outs = {p.name: [] for p in case.ports}
    previous = None
    for k, step in enumerate(steps):
        t0 = k * STEP_NS
        for i, (port, frame) in enumerate(step(outs)):
            timed.append((t0 + i * FRAME_NS, port, frame))
        got = run_once(exe, case, timed, os.path.join(workdir, f"strata-run{k}"))
        if previous is not None:
            for port, frames in previous.items():
                before = [f for t, f in got[port] if t < t0]
                if before != [f for t, f in frames if t < t0]:
                    raise StrataError(f"run {k} did not repeat run {k - 1}'s output on {port} "
                                      f"before step {k}: strata-net is not deterministic")
        previous = got
        outs = {port: [P.parse_frame(f) for _, f in frames] for port, frames in got.items()}
    for port, frames in previous.items():
        P.write_pcap(os.path.join(workdir, f"strata.{port}.pcap"), frames)
    return {port: [f for _, f in frames] for port, frames in previous.items()}
