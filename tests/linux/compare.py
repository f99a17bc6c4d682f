"""Frame-by-frame comparison of two routers' outputs for one case.

Usage as a program:
    compare.py CASE LINUX_DIR STRATA_DIR
reads LINUX_DIR/linux.<port>.pcap and STRATA_DIR/strata.<port>.pcap (what
each router sent out of each port, in order) and prints a readable diff.

Every field the parser extracts is compared exactly, except:
- router-originated packets (ICMP errors and replies whose source is a router
  address): the IP ID (RFC 6864: any value unique enough) and so the header
  checksum value (its validity is compared instead); the TTL differs only as a
  note (RFC 1812 §4.2.2.9 leaves the originating TTL to configuration; Linux
  uses net.ipv4.ip_default_ttl = 64);
- NAPT: the public port or echo identifier chosen on the outside is replaced by
  a symbol (M1, M2, ... in order of first use), so two implementations agree
  when they use their mappings the same way (one port reused across
  destinations = endpoint-independent), whatever numbers they drew; the
  transport checksums of those frames are compared by validity, since their
  value depends on the number drawn.
"""

import difflib
import sys

import netpkt as P

# Fields that may differ without failing: (field, when, why).
TOLERATED_GENERATED = {
    "ip.ttl": "TTL of a router-originated packet is configuration (RFC 1812 §4.2.2.9)",
}


def router_addrs(case):
    return {p.addr for p in case.ports}


def is_generated(case, port, f):
    """An ICMP error or reply from a router address. On a NAT's outside port
    the public address is also every translated packet's source, and the
    cases send nothing there that the router itself would answer, so an
    error there is an inside host's, translated, and compared in full."""
    if case.nat and port == case.nat.outside:
        return False
    return (f.get("ip.src") in router_addrs(case) and f.get("ip.proto") == P.PROTO_ICMP
            and f.get("icmp.type") in (0, 3, 5, 11, 12))


def normalize(case, outs):
    """outs: port -> list of parsed frames. Returns port -> list of
    (fields, tolerated) where `tolerated` maps field -> reason."""
    symbols = {}
    result = {}
    for p in case.ports:
        norm = []
        for f in outs.get(p.name, []):
            f = {k: v for k, v in f.items() if v is not None}
            tolerated = {}
            if is_generated(case, p.name, f):
                f.pop("ip.id", None)
                f.pop("ip.csum", None)
                tolerated.update(TOLERATED_GENERATED)
            elif case.nat and p.name == case.nat.outside and f.get("ip.src") == case.nat.public_ip:
                # The quoted datagram of an error going out names the public
                # port as its destination.
                keys = ("tcp.sport", "udp.sport", "inner.tcp.dport", "inner.udp.dport")
                if f.get("icmp.type") == 8:
                    keys += ("icmp.id",)
                for key in keys:
                    if key in f:
                        proto = key.split(".")[-2]
                        f[key] = symbols.setdefault((proto, f[key]), f"M{len(symbols) + 1}")
                for key in ("tcp.csum", "udp.csum", "icmp.csum", "ip.data", "icmp.quote",
                            "inner.udp.csum", "inner.tcp.csum", "inner.udp.payload"):
                    f.pop(key, None)
            norm.append((f, tolerated))
        result[p.name] = norm
    return result


def summary(f):
    """One line naming a frame, tcpdump-like."""
    if "arp.op" in f:
        op = {1: "request", 2: "reply"}.get(f["arp.op"], f["arp.op"])
        return f"ARP {op} {f['arp.spa']} ({f['arp.sha']}) -> {f['arp.tpa']} ({f['arp.tha']})"
    if "ip.src" not in f:
        return f"ethertype 0x{f.get('eth.type', 0):04x} len {f.get('frame.len')}"
    s = f"{f['ip.src']} > {f['ip.dst']} ttl {f.get('ip.ttl')} len {f.get('ip.len')} id {f.get('ip.id', '-')}"
    if f.get("ip.mf") or f.get("ip.frag_offset"):
        s += f" frag {f['ip.frag_offset']}{'+' if f['ip.mf'] else ''}"
    if "icmp.type" in f:
        s = f"ICMP {f['icmp.type']}/{f['icmp.code']} " + s
    elif "udp.sport" in f:
        s = f"UDP {f['udp.sport']}->{f['udp.dport']} " + s
    elif "tcp.sport" in f:
        s = f"TCP {f['tcp.sport']}->{f['tcp.dport']} flags 0x{f.get('tcp.flags', 0):02x} " + s
    return s


def show(v):
    if isinstance(v, str) and len(v) > 48:
        return f"{v[:40]}...({len(v) // 2} bytes)"
    return repr(v)


def diff_value(a, b):
    """For long hex strings, where they first differ."""
    if isinstance(a, str) and isinstance(b, str) and len(a) > 48:
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        return f" (first difference at byte {at // 2}: {a[at & ~1:(at & ~1) + 16]} vs {b[at & ~1:(at & ~1) + 16]})"
    return ""


def identity(case, f):
    """What makes two frames the same frame for alignment: addresses, protocol,
    ICMP type/code, fragment offset, and the IP ID of the datagram (of the
    quoted one for a router-originated error, whose own ID is drawn)."""
    if "arp.op" in f:
        return ("arp", f["arp.op"], f.get("arp.spa"), f.get("arp.tpa"))
    k = (f.get("ip.src"), f.get("ip.dst"), f.get("ip.proto"), f.get("icmp.type"),
         f.get("icmp.code"), f.get("ip.frag_offset"))
    if "ip.id" in f:
        return k + (f["ip.id"],)
    return k + (f.get("inner.ip.id"), f.get("icmp.seq"))


def compare(case, linux_outs, strata_outs, names=("linux", "strata")):
    """Returns (mismatches, notes): lists of readable lines. Empty mismatches
    means the two routers agree on every compared field of every frame.

    Per port the two sequences are aligned first (difflib on identity()), so
    one missing frame shows as one missing frame rather than shifting every
    later comparison; aligned frames are then compared field by field."""
    a, b = normalize(case, linux_outs), normalize(case, strata_outs)
    mismatches, notes = [], []
    for p in case.ports:
        fa, fb = a[p.name], b[p.name]
        sink = notes if p.name in case.deliberate else mismatches
        if len(fa) != len(fb):
            sink.append(f"{case.name} port {p.name}: {names[0]} sent {len(fa)} frames, "
                        f"{names[1]} {len(fb)}")
        ka = [identity(case, f) for f, _ in fa]
        kb = [identity(case, f) for f, _ in fb]
        pairs = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
            if op == "equal" or op == "replace":
                n = min(i2 - i1, j2 - j1)
                pairs += [(i1 + k, j1 + k) for k in range(n)]
                pairs += [(i, None) for i in range(i1 + n, i2)]
                pairs += [(None, j) for j in range(j1 + n, j2)]
            elif op == "delete":
                pairs += [(i, None) for i in range(i1, i2)]
            else:
                pairs += [(None, j) for j in range(j1, j2)]
        for i, j in pairs:
            if j is None:
                sink.append(f"  {p.name} {names[0]} #{i} only in {names[0]}: {summary(fa[i][0])}")
                continue
            if i is None:
                sink.append(f"  {p.name} {names[1]} #{j} only in {names[1]}: {summary(fb[j][0])}")
                continue
            (x, tol), (y, _) = fa[i], fb[j]
            lines = []
            where = f"#{i}" if i == j else f"{names[0]} #{i} / {names[1]} #{j}"
            for key in sorted(set(x) | set(y)):
                vx, vy = x.get(key, "<absent>"), y.get(key, "<absent>")
                if vx == vy:
                    continue
                line = f"      {key}: {names[0]} {show(vx)}, {names[1]} {show(vy)}{diff_value(vx, vy)}"
                if key in tol:
                    notes.append(f"{case.name} {p.name} {where} {summary(x)}: {line.strip()} "
                                 f"(tolerated: {tol[key]})")
                else:
                    lines.append(line)
            if lines and p.name in case.deliberate:
                notes.append(f"{case.name} {p.name} {where} differs (deliberate: "
                             f"{case.deliberate[p.name]}):")
                notes.extend(line.strip() for line in lines)
            elif lines:
                mismatches.append(f"  {p.name} {where} {names[0]}: {summary(x)}")
                mismatches.append(f"  {' ' * len(p.name)} {' ' * len(where)} {names[1]}: {summary(y)}")
                mismatches.extend(lines)
    return mismatches, notes


def load(case, directory, who):
    import os
    outs = {}
    for p in case.ports:
        path = os.path.join(directory, f"{who}.{p.name}.pcap")
        outs[p.name] = [P.parse_frame(frame) for _, frame in P.read_pcap(path)]
    return outs


def main(argv):
    import cases
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    case = next((c for c in cases.all_cases() if c.name == argv[1]), None)
    if case is None:
        print(f"no case {argv[1]}", file=sys.stderr)
        return 2
    mismatches, notes = compare(case, load(case, argv[2], "linux"), load(case, argv[3], "strata"))
    for line in notes:
        print("note:", line)
    for line in mismatches:
        print(line)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
