"""The NAPT cases: a LAN behind a router doing NAPT (Linux: nftables
masquerade), checked for mapping behaviour rather than the ports drawn. See
cases.py for what a case is.
"""

from case_model import (Case, End, Forward, Nat, Port, Route, check_arp, check_ports, from_end,
                        icmp_error, ip_frames, match, pattern)
import netpkt as P


# --- NAPT ----------------------------------------------------------------------------
#
#   lan 10.0.0.1/24 (end: host 10.0.0.10)    wan 192.0.2.2/24 (end: gateway 192.0.2.1)
#   default via 192.0.2.1; NAPT inside lan, outside wan, public 192.0.2.2,
#   ports 20000-59999. Private ports are inside that range so that Linux's
#   masquerade keeps them (it only preserves a port that lies in the range);
#   the comparison never looks at the port chosen, only at how it is used.

NLAN_MAC, NLAN_END = "02:00:00:00:0a:01", "02:00:00:00:0a:02"
NWAN_MAC, NWAN_END = "02:00:00:00:0b:01", "02:00:00:00:0b:02"
HOST, PUBLIC = "10.0.0.10", "192.0.2.2"
NAT_RANGE = (20000, 59999)


def nat_case(name, title, steps, expect, lan_hosts=(HOST,)):
    return Case(name, title,
                [Port("lan", NLAN_MAC, "10.0.0.1/24"), Port("wan", NWAN_MAC, "192.0.2.2/24")],
                [End("lan", NLAN_END, list(lan_hosts)), End("wan", NWAN_END, ["192.0.2.1"])],
                [Route("10.0.0.0/24", port="lan"), Route("192.0.2.0/24", port="wan"),
                 Route("0.0.0.0/0", via="192.0.2.1", port="wan")],
                steps, expect, nat=Nat(["lan"], "wan", PUBLIC, NAT_RANGE))


def in_range(v):
    """a public port or id in the configured range 20000-59999"""
    return isinstance(v, int) and NAT_RANGE[0] <= v <= NAT_RANGE[1]


def out_of(outs, port, **fields):
    """The IPv4 frames on `port` whose fields match."""
    return [f for f in ip_frames(outs.get(port, []))
            if all(f.get(k.replace("_", ".", 1)) == v for k, v in fields.items())]


def translated_out(src_port_key, dst, dport_key=None, dport=None):
    """RFC 4787 / RFC 5382 outbound: source becomes the public address and a
    port in the range; TTL−1; every checksum valid after the rewrite."""
    exp = {"eth.src": NWAN_MAC, "eth.dst": NWAN_END, "ip.src": PUBLIC, "ip.dst": dst,
           "ip.ttl": 63, "ip.csum_ok": True, src_port_key: in_range}
    if dport_key:
        exp[dport_key] = dport
    return exp


def case_nat_tcp():
    syn = P.ipv4(HOST, "203.0.113.5", P.PROTO_TCP,
                 P.tcp(HOST, "203.0.113.5", 40001, 80, 1000, 0, P.TCP_SYN,
                       options=bytes([2, 4, 5, 0xB4])), ident=0x0A01)

    def public_port(outs):
        got = out_of(outs, "wan", ip_dst="203.0.113.5", tcp_dport=80)
        return got[0]["tcp.sport"] if got else None

    def step1(outs):
        return [from_end(c, "lan", syn)]

    def step2(outs):
        pp = public_port(outs)
        if pp is None:
            return []
        synack = P.ipv4("203.0.113.5", PUBLIC, P.PROTO_TCP,
                        P.tcp("203.0.113.5", PUBLIC, 80, pp, 5000, 1001, P.TCP_SYN | P.TCP_ACK,
                              options=bytes([2, 4, 5, 0xB4])), ident=0x0B01)
        return [from_end(c, "wan", synack)]

    def step3(outs):
        ack = P.ipv4(HOST, "203.0.113.5", P.PROTO_TCP,
                     P.tcp(HOST, "203.0.113.5", 40001, 80, 1001, 5001, P.TCP_ACK), ident=0x0A02)
        return [from_end(c, "lan", ack)]

    def expect(outs):
        pp = public_port(outs)
        out = translated_out("tcp.sport", "203.0.113.5", "tcp.dport", 80)
        out.update({"tcp.csum_ok": True})
        syn_out = dict(out, **{"tcp.flags": P.TCP_SYN, "tcp.seq": 1000})
        ack_out = dict(out, **{"tcp.flags": P.TCP_ACK, "tcp.seq": 1001, "tcp.ack": 5001,
                               "tcp.sport": pp})
        back = {"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": "203.0.113.5", "ip.dst": HOST,
                "ip.ttl": 63, "ip.csum_ok": True, "tcp.sport": 80, "tcp.dport": 40001,
                "tcp.flags": P.TCP_SYN | P.TCP_ACK, "tcp.ack": 1001, "tcp.csum_ok": True}
        return check_ports(c, outs, {"wan": [syn_out, ack_out], "lan": [back]})

    c = nat_case("nat_tcp", "NAPT of a TCP handshake: SYN out, SYN-ACK back, ACK out",
                 [step1, step2, step3], expect)
    return c


def case_nat_udp():
    dsts = ["198.51.100.7", "198.51.100.8"]

    def request(dst, seed):
        return P.ipv4(HOST, dst, P.PROTO_UDP, P.udp(HOST, dst, 40002, 53, pattern(30, seed)),
                      ident=0x0C00 + seed)

    def public_ports(outs):
        return [f["udp.sport"] for d in dsts for f in out_of(outs, "wan", ip_dst=d, udp_dport=53)]

    def step1(outs):
        return [from_end(c, "lan", request(d, i)) for i, d in enumerate(dsts)]

    def step2(outs):
        pps = public_ports(outs)
        frames = []
        for d, pp in zip(dsts, pps):
            frames.append(from_end(c, "wan", P.ipv4(d, PUBLIC, P.PROTO_UDP,
                                                    P.udp(d, PUBLIC, 53, pp, pattern(20, 9)),
                                                    ident=0x0D00)))
        # Unsolicited: a port no mapping holds (RFC 4787 §5: filtered).
        spare = 33333 if 33333 not in pps else 33334
        frames.append(from_end(c, "wan", P.ipv4("198.51.100.9", PUBLIC, P.PROTO_UDP,
                                                P.udp("198.51.100.9", PUBLIC, 53, spare,
                                                      pattern(20, 10)), ident=0x0E00)))
        return frames

    def expect(outs):
        pps = public_ports(outs)
        problems = []
        # RFC 4787 REQ-1: endpoint-independent mapping, one public port for
        # the same private address and port whatever the destination.
        if len(pps) == 2 and pps[0] != pps[1]:
            problems.append(f"wan: public ports {pps[0]} and {pps[1]} for one private "
                            "endpoint (RFC 4787 REQ-1 wants one mapping)")
        outs_exp = []
        for d in dsts:
            e = translated_out("udp.sport", d, "udp.dport", 53)
            e["udp.csum_ok"] = True
            outs_exp.append(e)
        back = [{"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": d, "ip.dst": HOST,
                 "ip.ttl": 63, "ip.csum_ok": True, "udp.sport": 53, "udp.dport": 40002,
                 "udp.csum_ok": True} for d in dsts]
        return problems + check_ports(c, outs, {"wan": outs_exp, "lan": back})

    c = nat_case("nat_udp", "NAPT of UDP: one mapping for two destinations, replies back, "
                 "unsolicited inbound dropped", [step1, step2], expect)
    return c


def case_nat_icmp_echo():
    req = P.ipv4(HOST, "198.51.100.7", P.PROTO_ICMP, P.icmp_echo(0x1234, 1, pattern(56, 15)),
                 ident=0x0F01)

    def public_id(outs):
        got = out_of(outs, "wan", ip_dst="198.51.100.7", icmp_type=8)
        return got[0]["icmp.id"] if got else None

    def step1(outs):
        return [from_end(c, "lan", req)]

    def step2(outs):
        pid = public_id(outs)
        if pid is None:
            return []
        return [from_end(c, "wan", P.ipv4("198.51.100.7", PUBLIC, P.PROTO_ICMP,
                                          P.icmp_echo(pid, 1, pattern(56, 15), reply=True),
                                          ident=0x0F02))]

    def expect(outs):
        # RFC 5508 §3 (query mode): the echo identifier plays the port's part.
        out = {"eth.src": NWAN_MAC, "eth.dst": NWAN_END, "ip.src": PUBLIC,
               "ip.dst": "198.51.100.7", "ip.ttl": 63, "ip.csum_ok": True, "icmp.type": 8,
               "icmp.seq": 1, "icmp.csum_ok": True, "icmp.data": pattern(56, 15).hex()}
        back = {"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": "198.51.100.7",
                "ip.dst": HOST, "ip.ttl": 63, "ip.csum_ok": True, "icmp.type": 0,
                "icmp.id": 0x1234, "icmp.seq": 1, "icmp.csum_ok": True}
        return check_ports(c, outs, {"wan": [out], "lan": [back]})

    c = nat_case("nat_icmp_echo", "NAPT of ICMP echo: identifier translated and back",
                 [step1, step2], expect)
    return c


def case_nat_icmp_error():
    dgram = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP,
                   P.udp(HOST, "198.51.100.7", 40003, 9, pattern(24, 16)), ident=0x1001)

    def public(outs):
        got = out_of(outs, "wan", ip_dst="198.51.100.7", udp_dport=9)
        return got[0] if got else None

    def step1(outs):
        return [from_end(c, "lan", dgram)]

    def step2(outs):
        sent = public(outs)
        if sent is None:
            return []
        # The outside host answers as a Linux host would (RFC 1122 §3.2.2.1,
        # RFC 1812 §4.3.2.3): port unreachable quoting the datagram as it
        # arrived, the translated one, whole.
        as_arrived = P.ipv4(PUBLIC, "198.51.100.7", P.PROTO_UDP,
                            P.udp(PUBLIC, "198.51.100.7", sent["udp.sport"], 9, pattern(24, 16)),
                            ident=sent["ip.id"], ttl=sent["ip.ttl"])
        err = P.ipv4("198.51.100.7", PUBLIC, P.PROTO_ICMP, P.icmp(3, 3, b"\0\0\0\0", as_arrived),
                     ident=0x1002, tos=0xC0)
        return [from_end(c, "wan", err)]

    def expect(outs):
        out = translated_out("udp.sport", "198.51.100.7", "udp.dport", 9)
        # RFC 5508 §4 (ICMP error messages): the error goes to the private host
        # with the quoted header translated back (source address and port)
        # and the quoted IP checksum and the ICMP checksum made valid again.
        back = {"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": "198.51.100.7",
                "ip.dst": HOST, "ip.ttl": 63, "ip.csum_ok": True, "icmp.type": 3,
                "icmp.code": 3, "icmp.csum_ok": True, "inner.ip.src": HOST,
                "inner.ip.dst": "198.51.100.7", "inner.ip.csum_ok": True,
                "inner.udp.sport": 40003, "inner.udp.dport": 9, "inner.udp.csum_ok": True}
        return check_ports(c, outs, {"wan": [out], "lan": [back]})

    c = nat_case("nat_icmp_error", "an ICMP port unreachable about a translated UDP datagram "
                 "comes back through the NAPT", [step1, step2], expect)
    return c


def case_nat_two_hosts():
    hosts = [HOST, "10.0.0.11"]

    def request(h):
        return P.ipv4(h, "198.51.100.7", P.PROTO_UDP, P.udp(h, "198.51.100.7", 40005, 53,
                                                           pattern(16, 30)), ident=0x1201)

    def public_ports(outs):
        return [f["udp.sport"] for f in out_of(outs, "wan", ip_dst="198.51.100.7", udp_dport=53)]

    def step1(outs):
        return [from_end(c, "lan", request(h)) for h in hosts]

    def step2(outs):
        return [from_end(c, "wan", P.ipv4("198.51.100.7", PUBLIC, P.PROTO_UDP,
                                          P.udp("198.51.100.7", PUBLIC, 53, pp, pattern(12, i)),
                                          ident=0x1202 + i))
                for i, pp in enumerate(public_ports(outs))]

    def expect(outs):
        problems = []
        pps = public_ports(outs)
        # Two private endpoints, one destination: the mappings must differ or
        # the replies could not be told apart (RFC 4787 §4.1).
        if len(pps) == 2 and pps[0] == pps[1]:
            problems.append(f"wan: both hosts mapped to public port {pps[0]}")
        out = [dict(translated_out("udp.sport", "198.51.100.7", "udp.dport", 53),
                    **{"udp.csum_ok": True}) for _ in hosts]
        back = [{"eth.dst": NLAN_END, "ip.src": "198.51.100.7", "ip.dst": h, "ip.ttl": 63,
                 "udp.sport": 53, "udp.dport": 40005, "udp.csum_ok": True,
                 "udp.payload": pattern(12, i).hex()} for i, h in enumerate(hosts)]
        return problems + check_ports(c, outs, {"wan": out, "lan": back})

    c = nat_case("nat_two_hosts", "two private hosts, same private port, same destination: two "
                 "mappings, each reply to its host", [step1, step2], expect, lan_hosts=hosts)
    return c


def case_nat_forward():
    server = "10.0.0.5"

    def step1(outs):
        syn = P.ipv4("203.0.113.7", PUBLIC, P.PROTO_TCP,
                     P.tcp("203.0.113.7", PUBLIC, 51000, 8080, 7000, 0, P.TCP_SYN), ident=0x1301)
        # Unsolicited: no mapping and no forward for port 28081.
        stray = P.ipv4("203.0.113.7", PUBLIC, P.PROTO_TCP,
                       P.tcp("203.0.113.7", PUBLIC, 51001, 28081, 9000, 0, P.TCP_SYN), ident=0x1302)
        return [from_end(c, "wan", syn), from_end(c, "wan", stray)]

    def step2(outs):
        synack = P.ipv4(server, "203.0.113.7", P.PROTO_TCP,
                        P.tcp(server, "203.0.113.7", 80, 51000, 3000, 7001,
                              P.TCP_SYN | P.TCP_ACK), ident=0x1303)
        return [from_end(c, "lan", synack)]

    def expect(outs):
        # A static forward (configuration; no RFC fixes it): in
        # to 10.0.0.5:80, the reply out from the public address and port 8080.
        inb = {"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": "203.0.113.7", "ip.dst": server,
               "ip.ttl": 63, "ip.csum_ok": True, "tcp.sport": 51000, "tcp.dport": 80,
               "tcp.flags": P.TCP_SYN, "tcp.csum_ok": True}
        out = {"eth.src": NWAN_MAC, "eth.dst": NWAN_END, "ip.src": PUBLIC, "ip.dst": "203.0.113.7",
               "ip.ttl": 63, "ip.csum_ok": True, "tcp.sport": 8080, "tcp.dport": 51000,
               "tcp.flags": P.TCP_SYN | P.TCP_ACK, "tcp.ack": 7001, "tcp.csum_ok": True}
        return check_ports(c, outs, {"lan": [inb], "wan": [out]})

    # The schema's own example: public port 8080, outside the dynamic range.
    c = nat_case("nat_forward", "a static port forward (public 8080 -> 10.0.0.5:80) both ways; "
                 "an unsolicited SYN to another port dropped", [step1, step2], expect,
                 lan_hosts=(HOST, server))
    c.nat.forwards.append(Forward("tcp", 8080, f"{server}:80"))
    return c


def case_nat_fragments():
    whole = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP,
                   P.udp(HOST, "198.51.100.7", 40006, 5000, pattern(1000, 31)), ident=0x1401)
    data = whole[20:]
    first = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP, data[:512], ident=0x1401, mf=True)
    second = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP, data[512:], ident=0x1401,
                    frag_offset=512)

    def step(outs):
        return [from_end(c, "lan", first), from_end(c, "lan", second)]

    def expect(outs):
        # RFC 4787 REQ-14: a NAT MUST pass fragmented datagrams. What leaves
        # must reassemble (RFC 791) into the datagram with the public source
        # address and one public port, and a UDP checksum valid over it all.
        problems = []
        check_arp(c, outs, problems)
        got = ip_frames(outs.get("wan", []))
        rebuilt = b""
        for i, f in enumerate(got):
            match(problems, f"wan #{i}", f, {"ip.src": PUBLIC, "ip.ttl": 63, "ip.csum_ok": True,
                                             "ip.frag_offset": len(rebuilt)})
            rebuilt += bytes.fromhex(f.get("ip.data", ""))
        if got and got[-1].get("ip.mf"):
            problems.append("wan: the last fragment out has MF set: the datagram is incomplete")
        if len(rebuilt) != len(data):
            problems.append(f"wan: {len(got)} fragments carrying {len(rebuilt)} bytes, the "
                            f"datagram has {len(data)}")
        else:
            f = P.parse_ipv4(P.ipv4(PUBLIC, "198.51.100.7", P.PROTO_UDP, rebuilt))
            match(problems, "wan reassembled", f, {"udp.sport": in_range, "udp.dport": 5000,
                                                   "udp.csum_ok": True})
        if ip_frames(outs.get("lan", [])):
            problems.append("lan: unexpected IPv4 frames")
        return problems

    c = nat_case("nat_fragments", "a UDP datagram in two fragments through the NAPT (Linux "
                 "reassembles, translates and fragments again)", [step], expect)
    return c


def case_nat_icmp_error_out():
    req = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP,
                 P.udp(HOST, "198.51.100.7", 40007, 53, pattern(20, 32)), ident=0x1501)

    def public_port(outs):
        got = out_of(outs, "wan", ip_dst="198.51.100.7", udp_dport=53)
        return got[0]["udp.sport"] if got else None

    def step1(outs):
        return [from_end(c, "lan", req)]

    def step2(outs):
        pp = public_port(outs)
        if pp is None:
            return []
        return [from_end(c, "wan", P.ipv4("198.51.100.7", PUBLIC, P.PROTO_UDP,
                                          P.udp("198.51.100.7", PUBLIC, 53, pp, pattern(16, 33)),
                                          ident=0x1502))]

    def step3(outs):
        # The host has closed its socket: port unreachable about the reply as
        # it arrived (translated to 10.0.0.10:40007, TTL 63), quoted whole.
        got = out_of(outs, "lan", ip_src="198.51.100.7", udp_dport=40007)
        if not got:
            return []
        as_arrived = P.ipv4("198.51.100.7", HOST, P.PROTO_UDP,
                            P.udp("198.51.100.7", HOST, 53, 40007, pattern(16, 33)),
                            ident=got[0]["ip.id"], ttl=got[0]["ip.ttl"])
        return [from_end(c, "lan", P.ipv4(HOST, "198.51.100.7", P.PROTO_ICMP,
                                          P.icmp(3, 3, bytes(4), as_arrived), ident=0x1503,
                                          tos=0xC0))]

    def expect(outs):
        pp = public_port(outs)
        # RFC 5508 §4: an error from inside about a translated flow leaves with
        # the public address outside and the quoted datagram translated too
        # (its destination is the public address and port), checksums valid.
        err = {"eth.src": NWAN_MAC, "eth.dst": NWAN_END, "ip.src": PUBLIC,
               "ip.dst": "198.51.100.7", "ip.ttl": 63, "ip.csum_ok": True, "icmp.type": 3,
               "icmp.code": 3, "icmp.csum_ok": True, "inner.ip.src": "198.51.100.7",
               "inner.ip.dst": PUBLIC, "inner.ip.csum_ok": True, "inner.udp.sport": 53,
               "inner.udp.dport": pp, "inner.udp.csum_ok": True}
        out = dict(translated_out("udp.sport", "198.51.100.7", "udp.dport", 53))
        back = {"eth.dst": NLAN_END, "ip.dst": HOST, "udp.dport": 40007, "udp.csum_ok": True}
        return check_ports(c, outs, {"wan": [out, err], "lan": [back]})

    c = nat_case("nat_icmp_error_out", "an ICMP error from the inside host about a reply goes "
                 "out with the public address, inside and out", [step1, step2, step3], expect)
    return c


def case_nat_icmp_error_echo():
    req = P.ipv4(HOST, "198.51.100.7", P.PROTO_ICMP, P.icmp_echo(0x4321, 7, pattern(32, 25)),
                 ident=0x1101)
    # TTL 1 from the inside: the NAT router itself answers, before any mapping.
    short = P.ipv4(HOST, "198.51.100.7", P.PROTO_UDP,
                   P.udp(HOST, "198.51.100.7", 40004, 33434, pattern(12, 26)), ttl=1, ident=0x1102)

    def step1(outs):
        return [from_end(c, "lan", req), from_end(c, "lan", short)]

    def step2(outs):
        got = out_of(outs, "wan", ip_dst="198.51.100.7", icmp_type=8)
        if not got:
            return []
        sent = got[0]
        # A router further on (203.0.113.1) says time exceeded, quoting the
        # translated request's header and first 8 bytes (RFC 792's minimum).
        as_arrived = P.ipv4(PUBLIC, "198.51.100.7", P.PROTO_ICMP,
                            P.icmp_echo(sent["icmp.id"], 7, pattern(32, 25)), ident=sent["ip.id"],
                            ttl=1)[:28]
        err = P.ipv4("203.0.113.1", PUBLIC, P.PROTO_ICMP, P.icmp(11, 0, bytes(4), as_arrived),
                     ident=0x1103, tos=0xC0)
        return [from_end(c, "wan", err)]

    def expect(outs):
        out = {"eth.src": NWAN_MAC, "ip.src": PUBLIC, "ip.dst": "198.51.100.7", "ip.ttl": 63,
               "icmp.type": 8, "icmp.csum_ok": True}
        ttl_err = icmp_error(c, "lan", HOST, 11, 0, short)
        # RFC 5508 §4: the quoted echo's identifier goes back to 0x4321.
        back = {"eth.src": NLAN_MAC, "eth.dst": NLAN_END, "ip.src": "203.0.113.1", "ip.dst": HOST,
                "ip.ttl": 63, "ip.csum_ok": True, "icmp.type": 11, "icmp.code": 0,
                "icmp.csum_ok": True, "inner.ip.src": HOST, "inner.ip.csum_ok": True,
                "inner.icmp.type": 8, "inner.icmp.id": 0x4321, "inner.icmp.seq": 7}
        return check_ports(c, outs, {"wan": [out], "lan": [ttl_err, back]})

    c = nat_case("nat_icmp_error_echo", "time exceeded about a translated echo request comes back "
                 "with the identifier restored; TTL 1 from inside is answered by the router",
                 [step1, step2], expect)
    return c
