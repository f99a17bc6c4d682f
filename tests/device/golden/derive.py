#!/usr/bin/env python3
"""Derives the router's golden transcripts (*.txt here) from the RFCs.

Independent of strata: every expected byte below is written from RFC 791
(IPv4 header, fragmentation, options), RFC 792 (ICMP), RFC 826 (ARP),
RFC 1071 (the Internet checksum, computed by csum() below), RFC 1191
(next-hop MTU) and RFC 1812 (what a router sends and quotes). Run it to
regenerate the .txt files: python3 tests/device/golden/derive.py

Generated datagrams (ICMP errors, echo replies) carry an identification the
router draws from its random stream: the runner accepts any value for the
bytes written `??` here (identification and the header checksum that
covers it) and checks that header checksum on its own.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(data):
    """RFC 1071: one's complement of the one's complement sum of 16-bit words."""
    if len(data) % 2:
        data = data + b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


def u16(v):
    return bytes([v >> 8, v & 0xFF])


def u32(v):
    return u16(v >> 16) + u16(v & 0xFFFF)


# A frame is a list of segments (bytes or None per byte for a wildcard, comment).
def eth(dst, src, ethertype):
    return [(list(mac(dst) + mac(src) + u16(ethertype)),
             f"ethernet: dst {dst} src {src} type 0x{ethertype:04x}")]


def ipv4(src, dst, proto, payload_len, ttl, ident=0, df=False, mf=False, offset=0, tos=0,
         options=b"", wild_ident=False, note=""):
    """RFC 791 §3.1 header; checksum per RFC 1071 over the header."""
    hl = 20 + len(options)
    assert hl % 4 == 0
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (offset // 8)
    h = bytes([0x40 | hl // 4, tos]) + u16(hl + payload_len) + u16(ident) + u16(flags) + \
        bytes([ttl, proto]) + b"\0\0" + ip(src) + ip(dst) + options
    c = csum(h)
    h = h[:10] + u16(c) + h[12:]
    b = list(h)
    if wild_ident:
        b[4] = b[5] = b[10] = b[11] = None
    flag_text = ("DF " if df else "") + ("MF " if mf else "")
    text = (f"ipv4: ihl {hl // 4} tos 0x{tos:02x} len {hl + payload_len} "
            f"id {'??' if wild_ident else ident} {flag_text}off {offset} ttl {ttl} proto {proto} "
            f"sum {'??' if wild_ident else hex(c)} {src} > {dst}")
    segs = [(b[:20], text + (" " + note if note else ""))]
    if options:
        segs.append((b[20:], "ipv4 options"))
    return segs


def flat(segs):
    out = []
    for b, _ in segs:
        out.extend(b)
    return out


def raw(segs):
    return bytes(flat(segs))


def udp(src, dst, sport, dport, data):
    """RFC 768, checksum over the pseudo-header."""
    length = 8 + len(data)
    pseudo = ip(src) + ip(dst) + b"\0\x11" + u16(length)
    h = u16(sport) + u16(dport) + u16(length) + b"\0\0"
    c = csum(pseudo + h + data) or 0xFFFF
    h = h[:6] + u16(c)
    return [(list(h), f"udp: {sport} > {dport} len {length} sum {hex(c)}"),
            (list(data), f"data ({len(data)} bytes)")]


def icmp(type_, code, rest, data, what):
    h = bytes([type_, code]) + b"\0\0" + u32(rest)
    c = csum(h + data)
    h = h[:2] + u16(c) + h[4:]
    return [(list(h), f"icmp: {what} type {type_} code {code} sum {hex(c)}"),
            (list(data), f"icmp data ({len(data)} bytes)")]


def arp_frame(op, sha, spa, tha, tpa, dst):
    body = u16(1) + u16(0x0800) + bytes([6, 4]) + u16(op) + mac(sha) + ip(spa) + mac(tha) + ip(tpa)
    what = "request who-has" if op == 1 else "reply"
    return eth(dst, sha, 0x0806) + [(list(body),
                                    f"arp: {what} tpa {tpa} tha {tha} from {spa} {sha}")]


def udp_packet(src, dst, ttl, data, ident=0x1234, df=False, tos=0, options=b""):
    u = udp(src, dst, 40000, 9, data)
    return ipv4(src, dst, 17, len(raw(u)), ttl, ident=ident, df=df, tos=tos, options=options) + u


def icmp_error(router_ip, offending_ip_bytes, type_, code, rest, what):
    """RFC 1812 §4.3.2.3: quote as much of the datagram as fits in 576 bytes;
    TTL 64, TOS 0xC0 | the offending TOS bits (Linux), DF clear."""
    quote = bytes(offending_ip_bytes[:576 - 28])
    tos = 0xC0 | (offending_ip_bytes[1] & 0x1E)
    src = ".".join(str(x) for x in offending_ip_bytes[12:16])
    body = icmp(type_, code, rest, quote, what)
    body[1] = (body[1][0], f"quote: the offending datagram as it arrived ({len(quote)} bytes)")
    return ipv4(router_ip, src, 1, len(raw(body)), 64, tos=tos, wild_ident=True) + body


# ------------------------------------------------------------------ writers
def hexlines(b, comment, indent="  "):
    lines = []
    for i in range(0, len(b), 16):
        chunk = " ".join("??" if x is None else f"{x:02x}" for x in b[i:i + 16])
        c = f"  # {comment}" if i == 0 else ""
        lines.append(f"{indent}{chunk}{c}")
    return lines


def frame_lines(segs):
    lines = []
    for b, c in segs:
        if b:
            lines += hexlines(b, c)
    return lines


class Transcript:
    def __init__(self, name, title):
        self.name, self.lines = name, [f"# {title}", "# Derived by tests/device/golden/derive.py "
                                       "from the RFCs; see the comments there.", ""]

    def say(self, *text):
        self.lines += [f"# {t}" for t in text]

    def raw(self, line):
        self.lines.append(line)

    def receive(self, port, segs, at=None):
        self.lines.append(f"receive {port}" + (f" at {at}" if at is not None else ""))
        self.lines += frame_lines(segs)

    def poll(self, at):
        self.lines.append(f"poll at {at}")

    def expect(self, port, segs):
        self.lines.append(f"expect {port}")
        self.lines += frame_lines(segs)

    def write(self):
        with open(os.path.join(HERE, self.name), "w") as f:
            f.write("\n".join(self.lines) + "\n")


R0, R1, R2 = "02:00:00:00:00:01", "02:00:00:00:01:01", "02:00:00:00:02:01"
A, A_MAC = "10.0.0.10", "02:aa:00:00:00:0a"
B, B_MAC = "10.0.1.20", "02:bb:00:00:00:14"
G, G_MAC = "10.0.1.254", "02:bb:00:00:00:fe"
C, C_MAC = "10.0.2.30", "02:cc:00:00:00:1e"
BCAST = "ff:ff:ff:ff:ff:ff"


def common(t, warm=True):
    t.raw("port 0 02:00:00:00:00:01 10.0.0.1/24 mtu 1500")
    t.raw("port 1 02:00:00:00:01:01 10.0.1.1/24 mtu 1500")
    t.raw("port 2 02:00:00:00:02:01 10.0.2.1/24 mtu 576")
    t.raw("route 172.16.0.0/12 via 10.0.1.254 metric 0    # port found from the gateway")
    t.raw("route 198.51.100.0/24 via 10.0.1.254 metric 10")
    t.raw("route 198.51.100.0/24 via 10.0.2.30 metric 5   # same prefix: metric 5 wins")
    t.raw("route 203.0.113.0/24 port 1 metric 0           # on-link: no gateway")
    if warm:
        t.raw(f"neighbour {A} {A_MAC} 0")
        t.raw(f"neighbour {B} {B_MAC} 1")
        t.raw(f"neighbour {G} {G_MAC} 1")
        t.raw(f"neighbour {C} {C_MAC} 2")
        t.raw(f"neighbour 203.0.113.7 02:bb:00:00:00:07 1")
    t.raw("")


def forwarded(pkt, ttl_before):
    """RFC 1812 §5.3.1: TTL - 1; the checksum recomputed (RFC 1624 gives the
    same value as a fresh RFC 1071 sum)."""
    b = bytearray(raw(pkt))
    b[8] = ttl_before - 1
    b[10:12] = b"\0\0"
    b[10:12] = u16(csum(bytes(b[:(b[0] & 15) * 4])))
    return b


def as_segs(b, note):
    hl = (b[0] & 15) * 4
    c = (b[10] << 8) | b[11]
    return [(list(b[:hl]), f"ipv4: {note} ttl {b[8]} sum {hex(c)}"), (list(b[hl:]), "unchanged")]


def forward():
    t = Transcript("forward.txt", "Forwarding: TTL - 1 with the checksum, on-link vs gateway, "
                   "metric tie-break, frames not for the router")
    common(t)
    data = b"hello, router!"
    p = udp_packet(A, B, 64, data)
    t.say("A (port 0) sends UDP to B, on port 1's network: connected route, next hop = B itself.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    t.expect(1, eth(B_MAC, R1, 0x0800) + as_segs(forwarded(p, 64), "TTL 64 -> 63,"))
    p = udp_packet(A, "172.16.5.5", 17, data)
    t.say("To 172.16.5.5: 172.16.0.0/12 via 10.0.1.254: the frame goes to the gateway's MAC.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(1, eth(G_MAC, R1, 0x0800) + as_segs(forwarded(p, 17), "TTL 17 -> 16,"))
    p = udp_packet(A, "198.51.100.9", 64, data)
    t.say("198.51.100.0/24 has two routes; metric 5 (via 10.0.2.30, port 2) beats metric 10.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(2, eth(C_MAC, R2, 0x0800) + as_segs(forwarded(p, 64), "TTL 64 -> 63,"))
    p = udp_packet(A, "203.0.113.7", 64, data)
    t.say("203.0.113.0/24 is on-link on port 1: the next hop is the destination.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(1, eth("02:bb:00:00:00:07", R1, 0x0800) + as_segs(forwarded(p, 64), "TTL 64 -> 63,"))
    t.say("Destination MAC of another station: not for the router, dropped silently.")
    t.receive(0, eth("02:99:00:00:00:99", A_MAC, 0x0800) + udp_packet(A, B, 64, data))
    t.say("IPv4 in a link-layer broadcast: not forwarded (RFC 1812 §5.3.4), no error.")
    t.receive(0, eth(BCAST, A_MAC, 0x0800) + udp_packet(A, B, 64, data))
    t.say("A corrupted header checksum: dropped (RFC 1812 §5.2.2), no error.")
    bad = flat(udp_packet(A, B, 64, data))
    bad[10] ^= 0xFF
    t.receive(0, eth(R0, A_MAC, 0x0800) + [(bad, "ipv4 + udp with the checksum's high byte flipped")])
    t.raw("drops not_for_me 2")
    t.raw("drops bad_checksum 1")
    t.write()


def errors():
    t = Transcript("icmp_errors.txt", "ICMP errors: time exceeded, net unreachable, and the "
                   "datagrams no error is sent about (RFC 1812 §4.3.2.7)")
    common(t)
    data = b"\x00" * 8 + b"payload of a probe"
    p = udp_packet(A, B, 1, data, tos=0x10)
    t.say("TTL 1: time exceeded (11/0) back to A from port 0's address; the quote is the",
          "datagram as it arrived (TTL 1), whole since it is short; TOS 0xc0 | 0x10.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    t.expect(0, eth(A_MAC, R0, 0x0800) + icmp_error("10.0.0.1", raw(p), 11, 0, 0, "time exceeded"))
    long = udp_packet(A, B, 1, bytes(range(256)) * 3)  # 20 + 8 + 768 = 796 bytes
    t.say("A long datagram with TTL 1: the quote stops at 548 bytes (576 - 20 - 8).")
    t.receive(0, eth(R0, A_MAC, 0x0800) + long)
    t.expect(0, eth(A_MAC, R0, 0x0800) + icmp_error("10.0.0.1", raw(long), 11, 0, 0, "time exceeded"))
    p = udp_packet(A, "192.0.2.99", 64, data)
    t.say("No route to 192.0.2.99 (no default route here): net unreachable (3/0).")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(0, eth(A_MAC, R0, 0x0800) + icmp_error("10.0.0.1", raw(p), 3, 0, 0, "net unreachable"))
    err = icmp(3, 1, 0, raw(udp_packet(B, A, 60, data)), "host unreachable")
    p = ipv4(A, "192.0.2.99", 1, len(raw(err)), 64) + err
    t.say("An ICMP error (3/1) to nowhere: no error about an error.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    u = udp(A, "192.0.2.99", 40000, 9, data)
    frag = ipv4(A, "192.0.2.99", 17, 24, 64, ident=7, offset=24) + [(flat(u)[:24], "fragment data")]
    t.say("A fragment other than the first (offset 24) to nowhere: no error.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + frag)
    p = udp_packet(A, "10.0.1.255", 64, data)
    t.say("To port 1's directed broadcast: for the router, not forwarded, no error.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    p = udp_packet("0.0.0.0", "192.0.2.99", 64, data)
    t.say("From 0.0.0.0 (not a host): dropped, no error.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.raw("drops ttl_expired 2")
    t.raw("drops no_route 3")
    t.raw("drops unsupported 1")
    t.raw("drops malformed 1")
    t.write()


def echo():
    t = Transcript("echo.txt", "Echo: the router answers a ping of any of its addresses (RFC 792)")
    common(t)
    data = bytes(range(0x10, 0x10 + 32))
    req = icmp(8, 0, (0x4242 << 16) | 7, data, "echo request id 0x4242 seq 7")
    p = ipv4(A, "10.0.1.1", 1, len(raw(req)), 64, ident=0x99, df=True) + req
    t.say("A pings port 1's address from port 0: the reply comes from 10.0.1.1, same id, seq",
          "and data, TTL 64, DF clear.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    rep = icmp(0, 0, (0x4242 << 16) | 7, data, "echo reply id 0x4242 seq 7")
    t.expect(0, eth(A_MAC, R0, 0x0800) + ipv4("10.0.1.1", A, 1, len(raw(rep)), 64, wild_ident=True) + rep)
    t.write()


def arp():
    t = Transcript("arp.txt", "ARP (RFC 826): requests answered, resolution with a queue, "
                   "giving up with host unreachable")
    common(t, warm=False)
    t.raw(f"neighbour {A} {A_MAC} 0")
    t.raw("")
    t.say("A asks who has 10.0.0.1: the router answers from port 0's MAC.")
    t.receive(0, arp_frame(1, A_MAC, A, "00:00:00:00:00:00", "10.0.0.1", BCAST), at=0)
    t.expect(0, arp_frame(2, R0, "10.0.0.1", A_MAC, A, A_MAC))
    t.say("A asks for someone else: not for the router (counted), no answer.")
    t.receive(0, arp_frame(1, A_MAC, A, "00:00:00:00:00:00", "10.0.0.77", BCAST))
    data = b"queued until B answers"
    p1 = udp_packet(A, B, 64, data, ident=1)
    p2 = udp_packet(A, B, 64, data, ident=2)
    t.say("Two datagrams to B, whose MAC is unknown: the first sends a request, both wait.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p1)
    t.expect(1, arp_frame(1, R1, "10.0.1.1", "00:00:00:00:00:00", B, BCAST))
    t.receive(0, eth(R0, A_MAC, 0x0800) + p2)
    t.say("B replies: both leave, in order, TTL 63.")
    t.receive(1, arp_frame(2, B_MAC, B, R1, "10.0.1.1", R1), at="0.5")
    t.expect(1, eth(B_MAC, R1, 0x0800) + as_segs(forwarded(p1, 64), "TTL 64 -> 63,"))
    t.expect(1, eth(B_MAC, R1, 0x0800) + as_segs(forwarded(p2, 64), "TTL 64 -> 63,"))
    p3 = udp_packet(A, "10.0.1.99", 64, data, ident=3)
    t.say("To 10.0.1.99, which never answers: requests at 0, 1 and 2 s past 1 s ...")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p3, at=1)
    t.expect(1, arp_frame(1, R1, "10.0.1.1", "00:00:00:00:00:00", "10.0.1.99", BCAST))
    t.poll(2)
    t.expect(1, arp_frame(1, R1, "10.0.1.1", "00:00:00:00:00:00", "10.0.1.99", BCAST))
    t.poll(3)
    t.expect(1, arp_frame(1, R1, "10.0.1.1", "00:00:00:00:00:00", "10.0.1.99", BCAST))
    t.say("... then at 4 s it gives up: host unreachable (3/1) to A, quoting the datagram as it",
          "was queued (TTL already 63, as Linux quotes it).")
    t.poll(4)
    t.expect(0, eth(A_MAC, R0, 0x0800) +
             icmp_error("10.0.0.1", bytes(forwarded(p3, 64)), 3, 1, 0, "host unreachable"))
    t.raw("drops not_for_me 1")
    t.raw("drops arp_unresolved 1")
    t.write()


def fragmentation():
    t = Transcript("fragment.txt", "Fragmentation for port 2's MTU 576 (RFC 791 §3.2, "
                   "RFC 1812 §5.2.6), and DF -> fragmentation needed (RFC 1191)")
    common(t)
    data = bytes((i * 7) & 0xFF for i in range(1472))  # UDP 8 + 1472 = 1480 = 1500 - 20
    p = udp_packet(A, C, 64, data, ident=0xABCD)
    whole = forwarded(p, 64)
    payload = bytes(whole[20:])
    t.say("A 1500-byte datagram to C (port 2, MTU 576): (576 - 20) // 8 * 8 = 552 data bytes",
          "per fragment: 552 + 552 + 376 = 1480; offsets 0, 552, 1104; MF on the first two;",
          "lengths 572, 572, 396; TTL 63; identification kept.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    for i, (off, n) in enumerate([(0, 552), (552, 552), (1104, 376)]):
        t.expect(2, eth(C_MAC, R2, 0x0800) +
                 ipv4(A, C, 17, n, 63, ident=0xABCD, mf=i < 2, offset=off,
                      note=f"fragment {i + 1}") + [(list(payload[off:off + n]), f"data {off}..{off + n - 1}")])
    pdf = udp_packet(A, C, 64, data, ident=0xABCE, df=True)
    t.say("The same with DF: fragmentation needed (3/4), next-hop MTU 576 in the low 16 bits",
          "of the second word (RFC 1191 §4); quote cut at 548 bytes; TTL as it arrived.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + pdf)
    t.expect(0, eth(A_MAC, R0, 0x0800) + icmp_error("10.0.0.1", raw(pdf), 3, 4, 576, "fragmentation needed"))
    mid = ipv4(A, C, 17, 800, 30, ident=0x55, mf=True, offset=1600) + [(list(range(200)) * 4, "800 data bytes")]
    mid_data = bytes(flat(mid)[20:])
    t.say("A fragment (offset 1600, MF) of 820 bytes: fragments at 1600 and 2152 (552 + 248),",
          "both with MF since more of the original follows.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + mid)
    t.expect(2, eth(C_MAC, R2, 0x0800) + ipv4(A, C, 17, 552, 29, ident=0x55, mf=True, offset=1600) +
             [(list(mid_data[:552]), "data")])
    t.expect(2, eth(C_MAC, R2, 0x0800) + ipv4(A, C, 17, 248, 29, ident=0x55, mf=True, offset=2152) +
             [(list(mid_data[552:]), "data")])
    t.raw("drops fragmentation_needed 1")
    t.write()


def record_route():
    t = Transcript("options.txt", "IP options (RFC 791 §3.1, RFC 1812 §5.2.4): record route "
                   "filled with the egress address")
    common(t)
    # RR: type 7, length 11 (two slots), pointer 4; then EOL: 12 bytes of options.
    opts = bytes([7, 11, 4]) + bytes(8) + bytes([0])
    data = b"rr"
    p = udp_packet(A, B, 64, data, options=opts)
    out = bytearray(raw(p))
    out[8] = 63
    out[20 + 3:20 + 7] = ip("10.0.1.1")  # first slot: the address of the egress port
    out[20 + 2] = 8  # pointer advanced by 4
    out[10:12] = b"\0\0"
    out[10:12] = u16(csum(bytes(out[:32])))
    t.say("Record route with two free slots: the router writes 10.0.1.1 (port 1, the egress)",
          "at the pointer (4) and advances it to 8; TTL 63; checksum over the 32-byte header.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    c = (out[10] << 8) | out[11]
    t.expect(1, eth(B_MAC, R1, 0x0800) + [(list(out[:20]), f"ipv4: ihl 8 ttl 63 sum {hex(c)}"),
                                            (list(out[20:32]), "options: rr len 11 ptr 8 [10.0.1.1, 0.0.0.0], eol"),
                                            (list(out[32:]), "udp unchanged")])
    bad = bytes([7, 2, 1, 0])  # RR of length 2 (no pointer: Linux's "optlen < 3"), NOP, EOL
    p = udp_packet(A, B, 64, data, options=bad)
    t.say("A record route of length 2 (no pointer octet): parameter problem (12/0) pointing at",
          "its length octet, offset 21 from the start of the header.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(0, eth(A_MAC, R0, 0x0800) + icmp_error("10.0.0.1", raw(p), 12, 0, 21 << 24, "parameter problem"))
    t.raw("drops malformed 1")
    t.write()


def book():
    t = Transcript("book_table.txt", "The book's five-route table (§3.3.1): 10.10.1.0/24, "
                   "10.10.1.101/32, 192.168.1.0/24, 192.168.1.10/32, default via 192.0.2.1")
    t.raw("port 0 02:00:00:00:00:01 192.168.1.1/24 mtu 1500   # the LAN")
    t.raw("port 1 02:00:00:00:01:01 10.10.1.1/24 mtu 1500     # 10.10.1.0/24 is connected")
    t.raw("port 2 02:00:00:00:02:01 192.0.2.2/24 mtu 1500     # towards the provider")
    t.raw("route 10.10.1.101/32 via 192.0.2.1 metric 0     # a host route elsewhere")
    t.raw("route 192.168.1.10/32 via 10.10.1.254 metric 0  # another host route")
    t.raw("route 0.0.0.0/0 via 192.0.2.1 metric 0          # default")
    t.raw("neighbour 192.168.1.50 02:aa:00:00:00:32 0")
    t.raw("neighbour 10.10.1.100 02:bb:00:00:00:64 1")
    t.raw("neighbour 10.10.1.254 02:bb:00:00:00:fe 1")
    t.raw("neighbour 192.0.2.1 02:cc:00:00:00:01 2")
    t.raw("")
    H = "192.168.1.50"
    cases = [("10.10.1.100", "02:bb:00:00:00:64", 1, R1, "10.10.1.0/24 on-link: to the host"),
             ("10.10.1.101", "02:cc:00:00:00:01", 2, R2, "the /32 beats the /24: via 192.0.2.1"),
             ("192.168.1.10", "02:bb:00:00:00:fe", 1, R1, "the /32 beats the /24: via 10.10.1.254"),
             ("8.8.8.8", "02:cc:00:00:00:01", 2, R2, "only the default matches")]
    first = True
    for dst, nmac, port, rmac, why in cases:
        p = udp_packet(H, dst, 64, b"book")
        t.say(f"To {dst}: {why}.")
        t.receive(0, eth(R0, "02:aa:00:00:00:32", 0x0800) + p, at=0 if first else None)
        first = False
        t.expect(port, eth(nmac, rmac, 0x0800) + as_segs(forwarded(p, 64), "TTL 64 -> 63,"))
    t.write()


def rate_limit():
    t = Transcript("rate_limit.txt", "ICMP errors through a token bucket: 1 a second, 2 saved "
                   "(RFC 1812 §4.3.2.8; Linux's icmp_msgs_per_sec / icmp_msgs_burst)")
    common(t)
    t.raw("icmp_rate 1 2")
    t.raw("")
    data = b"rate"
    p = udp_packet(A, B, 1, data)
    err = icmp_error("10.0.0.1", raw(p), 11, 0, 0, "time exceeded")
    t.say("Three expired datagrams at 0 s: the bucket holds two tokens, the third error is held.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=0)
    t.expect(0, eth(A_MAC, R0, 0x0800) + err)
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.expect(0, eth(A_MAC, R0, 0x0800) + err)
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.say("Half a second later: half a token, still nothing.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at="0.5")
    t.say("At 1 s one token has come back: one error, then none.")
    t.receive(0, eth(R0, A_MAC, 0x0800) + p, at=1)
    t.expect(0, eth(A_MAC, R0, 0x0800) + err)
    t.receive(0, eth(R0, A_MAC, 0x0800) + p)
    t.raw("drops ttl_expired 6")
    t.raw("suppressed 3")
    t.write()


if __name__ == "__main__":
    forward()
    errors()
    echo()
    arp()
    fragmentation()
    record_route()
    book()
    rate_limit()
