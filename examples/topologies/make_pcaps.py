#!/usr/bin/env python3
"""Writes the input captures of the example topologies (docs/strata-net.md).

    python3 examples/topologies/make_pcaps.py [OUT_DIR]   # default: this folder

Every frame is built here from the RFCs' header layouts with the struct
module (no scapy), so the pcaps are reproducible byte for byte from this
file: classic pcap, microsecond timestamps, LINKTYPE_ETHERNET; each frame is
padded to Ethernet's 60-byte minimum (without FCS) as a NIC pads it.

A replay node only sends its capture, so each neighbour of a router is
scripted: at t = 0 it asks for the router's address (an ARP request, RFC 826,
which also teaches the router the neighbour's own address), and its other
frames come later at fixed times.
"""
import os
import struct
import sys


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


def checksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ethernet(dst, src, ethertype, payload):
    frame = mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def arp_request(src_mac, src_ip, target_ip):
    """who-has target_ip tell src_ip, broadcast (RFC 826)."""
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
    body += mac(src_mac) + ip(src_ip) + b"\0" * 6 + ip(target_ip)
    return ethernet("ff:ff:ff:ff:ff:ff", src_mac, 0x0806, body)


class Host:
    """One scripted station: its MAC, the MAC of its next hop, an IPv4 id counter."""

    def __init__(self, mac_addr, next_hop_mac, ident=0x100):
        self.mac = mac_addr
        self.next_hop = next_hop_mac
        self.ident = ident

    def ipv4(self, src, dst, proto, payload, ttl=64):
        # RFC 791 header, no options, DF set (as Linux sends).
        self.ident = (self.ident + 1) & 0xFFFF
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), self.ident, 0x4000,
                             ttl, proto, 0, ip(src), ip(dst))
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        return ethernet(self.next_hop, self.mac, 0x0800, header + payload)

    def udp(self, src, sport, dst, dport, data, ttl=64):
        # RFC 768, checksum over the pseudo-header.
        length = 8 + len(data)
        pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 17, length)
        seg = struct.pack("!HHHH", sport, dport, length, 0) + data
        c = checksum(pseudo + seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
        return self.ipv4(src, dst, 17, seg, ttl)

    def tcp(self, src, sport, dst, dport, seq, ack, flags, data=b""):
        # RFC 9293 §3.1: data offset 5 (no options), window 64240.
        names = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}
        bits = sum(names[f] for f in flags)
        seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, bits, 64240, 0, 0) + data
        pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 6, len(seg))
        seg = seg[:16] + struct.pack("!H", checksum(pseudo + seg)) + seg[18:]
        return self.ipv4(src, dst, 6, seg)

    def icmp_echo(self, src, dst, reply, ident, seq, data=b"strata"):
        # RFC 792: type 8 request, 0 reply.
        msg = struct.pack("!BBHHH", 0 if reply else 8, 0, 0, ident, seq) + data
        msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
        return self.ipv4(src, dst, 1, msg)


def write_pcap(path, frames):
    """frames: (time in microseconds, bytes), in order."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t_us, frame in frames:
            f.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


MS = 1000  # microseconds


def five_routes(out):
    """The book's five routes (five_routes.json): a source on e0 sends 1, 2,
    3, 4 and 5 UDP datagrams to a destination of each route, then one with
    TTL 1."""
    r1 = {p: "02:00:00:00:01:%02x" % i for i, p in enumerate(["e0", "e1", "e2", "e3", "e4", "e5"])}
    src = Host("02:00:00:00:a0:0a", r1["e0"])
    frames = [(0, arp_request(src.mac, "172.16.0.10", "172.16.0.1"))]
    t = 10 * MS
    dests = [("10.10.1.50", 1),     # 10.10.1.0/24, on-link out e2
             ("10.10.1.101", 2),    # 10.10.1.101/32 via 10.10.2.2 (e3): longer than the /24
             ("192.168.1.77", 3),   # 192.168.1.0/24 via 192.168.2.2 (e4)
             ("192.168.1.10", 4),   # 192.168.1.10/32 via 192.168.3.2 (e5)
             ("8.8.8.8", 5)]        # 0.0.0.0/0 via 192.0.2.1 (e1)
    for dst, count in dests:
        for k in range(count):
            frames.append((t, src.udp("172.16.0.10", 40000 + k, dst, 9, b"route test")))
            t += 1 * MS
    # TTL 1: the router answers time exceeded (RFC 792; RFC 1812 §5.3.1).
    frames.append((t, src.udp("172.16.0.10", 40099, "8.8.8.8", 9, b"ttl 1", ttl=1)))
    write_pcap(os.path.join(out, "five_routes_src.pcap"), frames)

    # Each neighbour announces itself (ARP request to the router's port).
    neighbours = {"five_routes_lan.pcap": ("02:00:00:00:b0:02", "10.10.1.50", "10.10.1.1"),
                  "five_routes_gw101.pcap": ("02:00:00:00:b0:03", "10.10.2.2", "10.10.2.1"),
                  "five_routes_gw192.pcap": ("02:00:00:00:b0:04", "192.168.2.2", "192.168.2.1"),
                  "five_routes_gw10.pcap": ("02:00:00:00:b0:05", "192.168.3.2", "192.168.3.1"),
                  "five_routes_isp.pcap": ("02:00:00:00:b0:01", "192.0.2.1", "192.0.2.2")}
    for name, (m, addr, router_addr) in neighbours.items():
        write_pcap(os.path.join(out, name), [(0, arp_request(m, addr, router_addr))])


def nat_lan(out):
    """A PC behind a NAPT router (nat_lan.json) talks UDP, TCP and ICMP echo
    to 198.51.100.10; "inet" stands for the Internet (the router's gateway
    203.0.113.1) and answers. The NAT's port range is the one port 40000, so
    every mapping's public port (and ICMP id) is 40000 and the answers can be
    scripted."""
    gw_lan, gw_wan = "02:00:00:00:02:01", "02:00:00:00:02:02"
    pc = Host("02:00:00:00:c0:0a", gw_lan)
    server = "198.51.100.10"
    frames = [(0, arp_request(pc.mac, "192.168.1.10", "192.168.1.1")),
              (10 * MS, pc.udp("192.168.1.10", 5000, server, 7, b"hello")),
              (11 * MS, pc.tcp("192.168.1.10", 40000, server, 80, 1000, 0, "S")),
              (12 * MS, pc.icmp_echo("192.168.1.10", server, False, 0x1234, 1)),
              # A second UDP flow finds the one public port taken.
              (13 * MS, pc.udp("192.168.1.10", 5001, server, 7, b"no port left"))]
    write_pcap(os.path.join(out, "nat_lan_pc.pcap"), frames)

    inet = Host("02:00:00:00:d0:01", gw_wan)
    public = "203.0.113.2"
    frames = [(0, arp_request(inet.mac, "203.0.113.1", public)),
              (20 * MS, inet.udp(server, 7, public, 40000, b"hello")),
              (21 * MS, inet.tcp(server, 80, public, 40000, 5000, 1001, "SA")),
              (22 * MS, inet.icmp_echo(server, public, True, 40000, 1)),
              # Unsolicited: no mapping has public port 41000.
              (23 * MS, inet.udp(server, 9, public, 41000, b"unsolicited"))]
    write_pcap(os.path.join(out, "nat_lan_inet.pcap"), frames)


def firewall(out):
    """A client on the Internet side of a filtering router (firewall.json)
    and the web server 203.0.113.10 behind it."""
    fw_wan, fw_dmz = "02:00:00:00:03:01", "02:00:00:00:03:02"
    client = Host("02:00:00:00:e0:07", fw_wan)
    c, web = "198.51.100.7", "203.0.113.10"
    frames = [(0, arp_request(client.mac, c, "198.51.100.1")),
              (10 * MS, client.tcp(c, 40001, web, 80, 7000, 0, "S")),       # rule 0: accept
              (30 * MS, client.tcp(c, 40001, web, 80, 7001, 9001, "A")),    # rule 1: accept
              (31 * MS, client.tcp(c, 40002, web, 22, 8000, 0, "S")),       # rule 4: reject (RST)
              (32 * MS, client.udp(c, 40003, web, 9, b"discard?")),            # default: drop
              (33 * MS, client.icmp_echo(c, web, False, 7, 1))]             # default: drop
    write_pcap(os.path.join(out, "firewall_client.pcap"), frames)

    server = Host("02:00:00:00:f0:0a", fw_dmz)
    frames = [(0, arp_request(server.mac, web, "203.0.113.1")),
              (20 * MS, server.tcp(web, 80, c, 40001, 9000, 7001, "SA")),   # rule 3: accept
              # The server opening a connection from port 80: rule 2 drops it.
              (40 * MS, server.tcp(web, 80, c, 9999, 1, 0, "S"))]
    write_pcap(os.path.join(out, "firewall_web.pcap"), frames)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    five_routes(out)
    nat_lan(out)
    firewall(out)


if __name__ == "__main__":
    main()
