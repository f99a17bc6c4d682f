"""What a case is made of (ports, ends, routes, NAPT, steps) and the helpers
the cases use to build frames and to state what the RFCs require of the
output. cases.py lists the cases; cases_router.py and cases_nat.py hold them.
"""

from dataclasses import dataclass, field
from typing import Callable, Optional

import netpkt as P


@dataclass
class Port:
    name: str
    mac: str
    ip: str  # A.B.C.D/len
    mtu: int = 1500

    @property
    def addr(self):
        return self.ip.split("/")[0]


@dataclass
class End:
    port: str
    mac: str
    ips: list


@dataclass
class Route:
    prefix: str
    via: Optional[str] = None
    port: Optional[str] = None
    metric: int = 0


@dataclass
class Forward:
    proto: str  # "tcp" or "udp"
    public_port: int
    to: str  # "A.B.C.D:port"


@dataclass
class Nat:
    inside: list
    outside: str
    public_ip: str
    ports: tuple = (20000, 59999)
    forwards: list = field(default_factory=list)


@dataclass
class Case:
    name: str
    title: str
    ports: list
    ends: list
    routes: list
    steps: list  # of Callable[[dict port -> list of parsed frames], list of (port, bytes)]
    expect: Callable  # (outs: dict port -> list of parsed frames) -> list of problems
    nat: Optional[Nat] = None
    notes: list = field(default_factory=list)
    # How long the last step may take to show everything: ARP giving up
    # takes 3 s (3 requests 1 s apart, Linux's and strata's default).
    settle_ms: int = 150
    # port -> why the routers may differ there: the diff is printed as notes,
    # and `expect` (the RFC) alone judges that port. Kept for differences
    # where both routers follow the RFC and Linux chose otherwise.
    deliberate: dict = field(default_factory=dict)
    # A known mismatch with an RFC or Linux, reported to the owner: the
    # driver prints the problems and says "known", without failing; when it
    # stops failing the driver says so, so the marker can go.
    known: str = ""

    def port(self, name):
        return next(p for p in self.ports if p.name == name)

    def end(self, port):
        return next(e for e in self.ends if e.port == port)

    def priming(self):
        """Step 0: one ARP request per end address, for the router's port."""
        frames = []
        for e in self.ends:
            p = self.port(e.port)
            for ip in e.ips:
                frames.append((e.port, P.ethernet("ff:ff:ff:ff:ff:ff", e.mac, P.ETH_ARP,
                                                  P.arp(1, e.mac, ip, "00:00:00:00:00:00",
                                                        p.addr))))
        return frames

    def all_steps(self):
        return [lambda outs: self.priming()] + list(self.steps)


# --- frame helpers ---------------------------------------------------------------


def from_end(case, port, packet):
    """An IPv4 packet sent by the end on `port` to the router's port MAC."""
    return (port, P.ethernet(case.port(port).mac, case.end(port).mac, P.ETH_IPV4, packet))


def pattern(n, seed=0):
    return bytes((seed + i * 7) & 0xFF for i in range(n))


def ip_frames(frames):
    return [f for f in frames if f.get("eth.type") == P.ETH_IPV4]


def check_arp(case, outs, problems):
    """RFC 826: one reply per request, to the asker, from the port's MAC."""
    for e in case.ends:
        p = case.port(e.port)
        replies = [f for f in outs.get(e.port, []) if f.get("eth.type") == P.ETH_ARP]
        want = [{"eth.dst": e.mac, "eth.src": p.mac, "arp.op": 2, "arp.sha": p.mac,
                 "arp.spa": p.addr, "arp.tha": e.mac, "arp.tpa": ip} for ip in e.ips]
        if len(replies) != len(want):
            problems.append(f"{e.port}: {len(replies)} ARP frames, expected {len(want)} replies")
        for i, (got, exp) in enumerate(zip(replies, want)):
            match(problems, f"{e.port} ARP #{i}", got, exp)


def match(problems, where, got, exp):
    for key, value in exp.items():
        have = got.get(key, "<absent>")
        ok = value(have) if callable(value) else have == value
        if not ok:
            shown = getattr(value, "__doc__", None) or value
            problems.append(f"{where}: {key} = {have!r}, expected {shown}")


def check_ports(case, outs, want):
    """want: port -> list of field dicts, one per IPv4 frame expected there in
    order; every port not named must see no IPv4 frame."""
    problems = []
    check_arp(case, outs, problems)
    for p in case.ports:
        got = ip_frames(outs.get(p.name, []))
        exp = want.get(p.name, [])
        if len(got) != len(exp):
            problems.append(f"{p.name}: {len(got)} IPv4 frames, expected {len(exp)}")
        for i, (g, e) in enumerate(zip(got, exp)):
            match(problems, f"{p.name} #{i}", g, e)
    return problems


def positive(v):
    """a TTL above 0 (RFC 1812 §4.2.2.9)"""
    return isinstance(v, int) and v > 0


def forwarded(case, in_port, out_port, next_hop_mac, packet, ttl_in):
    """RFC 1812 §5.2 / §5.3.1: new link header, TTL−1, header checksum
    updated, everything else unchanged."""
    f = P.parse_ipv4(packet)
    exp = {k: v for k, v in f.items() if k not in ("ip.ttl", "ip.csum")}
    exp.update({"eth.src": case.port(out_port).mac, "eth.dst": next_hop_mac, "ip.ttl": ttl_in - 1,
                "ip.csum_ok": True})
    return exp


def icmp_error(case, port, to_ip, icmp_type, code, original, rest=b"\0\0\0\0"):
    """RFC 792 + RFC 1812 §4.3.2.3: an error from the port's address, quoting
    the offending datagram as received: its header and at least 8 bytes, and
    no more than keeps the ICMP datagram within 576 bytes."""
    def quote_ok(q):
        """a prefix of the offending datagram, >= header + 8 bytes, total <= 576"""
        raw = bytes.fromhex(q)
        return len(raw) >= 28 and 20 + 8 + len(raw) <= 576 and original.startswith(raw)

    return {"eth.src": case.port(port).mac, "eth.dst": case.end(port).mac,
            "ip.src": case.port(port).addr, "ip.dst": to_ip, "ip.proto": P.PROTO_ICMP,
            "ip.ttl": positive, "ip.csum_ok": True, "ip.mf": False, "ip.frag_offset": 0,
            "icmp.type": icmp_type, "icmp.code": code, "icmp.csum_ok": True,
            "icmp.rest": rest.hex(), "icmp.quote": quote_ok}
