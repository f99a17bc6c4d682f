"""Frames for the Linux comparison: build, parse, and classic pcap files.

Standard library only (the harness must run on a plain Debian python3, where
scapy is not installed). Everything here follows the RFCs directly, so that
both routers are judged by code that owes nothing to either of them:
RFC 894 (Ethernet II), RFC 826 (ARP), RFC 791 (IPv4), RFC 792 (ICMP),
RFC 768 (UDP), RFC 793 (TCP), RFC 1071 (the Internet checksum).
"""

import ipaddress
import struct

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_UDP = 17

# --- helpers -------------------------------------------------------------------


def mac_bytes(text):
    return bytes(int(part, 16) for part in text.split(":"))


def mac_text(raw):
    return ":".join(f"{b:02x}" for b in raw)


def ip_bytes(text):
    return ipaddress.IPv4Address(text).packed


def ip_text(raw):
    return str(ipaddress.IPv4Address(bytes(raw)))


def inet_checksum(data):
    """RFC 1071: ones' complement of the ones' complement sum of 16-bit words."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def pseudo_header(src, dst, proto, length):
    """RFC 793 §3.1 / RFC 768: the pseudo-header TCP and UDP checksums cover."""
    return ip_bytes(src) + ip_bytes(dst) + struct.pack("!BBH", 0, proto, length)


# --- building ------------------------------------------------------------------


def ethernet(dst, src, ethertype, payload):
    return mac_bytes(dst) + mac_bytes(src) + struct.pack("!H", ethertype) + payload


def arp(op, sha, spa, tha, tpa):
    """RFC 826 for Ethernet/IPv4: hrd 1, pro 0x0800, hln 6, pln 4."""
    return struct.pack("!HHBBH", 1, ETH_IPV4, 6, 4, op) + mac_bytes(sha) + ip_bytes(spa) + \
        mac_bytes(tha) + ip_bytes(tpa)


def ipv4(src, dst, proto, payload, ttl=64, ident=0, df=False, mf=False, frag_offset=0, tos=0,
         options=b"", total_length=None, checksum=None):
    """RFC 791 header (options padded to 32 bits) followed by payload."""
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    ihl = 5 + len(options) // 4
    length = total_length if total_length is not None else ihl * 4 + len(payload)
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_offset // 8)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, length, ident, flags, ttl, proto, 0,
                         ip_bytes(src), ip_bytes(dst)) + options
    if checksum is None:
        checksum = inet_checksum(header)
    header = header[:10] + struct.pack("!H", checksum) + header[12:]
    return header + payload


def icmp(icmp_type, code, rest, payload):
    """RFC 792: type, code, checksum over the whole message, 4 bytes of rest."""
    body = struct.pack("!BBH", icmp_type, code, 0) + rest + payload
    return body[:2] + struct.pack("!H", inet_checksum(body)) + body[4:]


def icmp_echo(ident, seq, data, reply=False):
    return icmp(0 if reply else 8, 0, struct.pack("!HH", ident, seq), data)


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + data
    csum = inet_checksum(pseudo_header(src, dst, PROTO_UDP, length) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", csum) + seg[8:]


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp(src, dst, sport, dport, seq, ack, flags, window=64240, data=b"", options=b""):
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    offset = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, window, 0,
                      0) + options + data
    csum = inet_checksum(pseudo_header(src, dst, PROTO_TCP, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", csum) + seg[18:]


# --- parsing -------------------------------------------------------------------


def parse_ipv4(data, quoted=False):
    """Fields of an IPv4 datagram as a flat dict; `quoted` for the copy inside
    an ICMP error, which may be cut short (RFC 792: header + 64 bits at least)."""
    f = {}
    if len(data) < 20:
        f["ip.truncated"] = data.hex()
        return f
    vihl, tos, length, ident, flags, ttl, proto, csum = struct.unpack("!BBHHHBBH", data[:12])
    ihl = (vihl & 0xF) * 4
    f["ip.version"] = vihl >> 4
    f["ip.ihl"] = ihl
    f["ip.tos"] = tos
    f["ip.len"] = length
    f["ip.id"] = ident
    f["ip.df"] = bool(flags & 0x4000)
    f["ip.mf"] = bool(flags & 0x2000)
    f["ip.frag_offset"] = (flags & 0x1FFF) * 8
    f["ip.ttl"] = ttl
    f["ip.proto"] = proto
    f["ip.csum"] = csum
    f["ip.src"] = ip_text(data[12:16])
    f["ip.dst"] = ip_text(data[16:20])
    if ihl > 20:
        f["ip.options"] = data[20:ihl].hex()
    f["ip.csum_ok"] = len(data) >= ihl and inet_checksum(data[:ihl]) == 0
    end = len(data) if quoted else min(len(data), length)
    if not quoted and length > len(data):
        f["ip.short"] = True
    payload = data[ihl:end]
    if not quoted:
        f["ip.data"] = payload.hex()
    if f["ip.frag_offset"] != 0:
        f["ip.payload"] = payload.hex()
        return f
    if proto == PROTO_ICMP:
        # A first fragment holds only part of the message its checksum covers.
        f.update(parse_icmp(payload, quoted or f["ip.mf"]))
    elif proto == PROTO_UDP and len(payload) >= 8:
        sport, dport, ulen, ucsum = struct.unpack("!HHHH", payload[:8])
        f.update({"udp.sport": sport, "udp.dport": dport, "udp.len": ulen, "udp.csum": ucsum})
        # A quoted datagram may be whole (an ICMP error quoting a small one):
        # then its checksum can be checked too.
        whole = not f["ip.mf"] and 8 <= ulen <= len(payload) and (quoted or ulen == len(payload))
        if whole and ucsum != 0:
            f["udp.csum_ok"] = inet_checksum(
                pseudo_header(f["ip.src"], f["ip.dst"], PROTO_UDP, ulen) + payload[:ulen]) == 0
        f["udp.payload"] = payload[8:].hex()
    elif proto == PROTO_TCP and len(payload) >= 8:
        sport, dport = struct.unpack("!HH", payload[:4])
        f.update({"tcp.sport": sport, "tcp.dport": dport})
        if len(payload) >= 20:
            seq, ack, off, flags, win, tcsum, urg = struct.unpack("!IIBBHHH", payload[4:20])
            f.update({"tcp.seq": seq, "tcp.ack": ack, "tcp.flags": flags, "tcp.window": win,
                      "tcp.csum": tcsum, "tcp.urg": urg})
            if not quoted and not f["ip.mf"]:
                f["tcp.csum_ok"] = inet_checksum(
                    pseudo_header(f["ip.src"], f["ip.dst"], PROTO_TCP, len(payload)) + payload) == 0
            f["tcp.rest"] = payload[20:].hex()
        else:
            f["tcp.rest"] = payload[4:].hex()
    else:
        f["ip.payload"] = payload.hex()
    return f


def parse_icmp(data, quoted=False):
    f = {}
    if len(data) < 8:
        f["icmp.truncated"] = data.hex()
        return f
    t, code, csum = struct.unpack("!BBH", data[:4])
    f["icmp.type"] = t
    f["icmp.code"] = code
    f["icmp.csum"] = csum
    if not quoted:
        f["icmp.csum_ok"] = inet_checksum(data) == 0
    rest = data[4:8]
    body = data[8:]
    if t in (0, 8):
        ident, seq = struct.unpack("!HH", rest)
        f["icmp.id"] = ident
        f["icmp.seq"] = seq
        f["icmp.data"] = body.hex()
    elif t in (3, 4, 5, 11, 12) and not quoted:
        f["icmp.rest"] = rest.hex()
        if t == 3 and code == 4:
            # RFC 1191 §4: the next-hop MTU in the low 16 bits of the rest.
            f["icmp.next_hop_mtu"] = struct.unpack("!H", rest[2:4])[0]
        f["icmp.quote_len"] = len(body)
        f["icmp.quote"] = body.hex()
        for key, value in parse_ipv4(body, quoted=True).items():
            f["inner." + key] = value
    else:
        f["icmp.rest"] = rest.hex()
        f["icmp.body"] = body.hex()
    return f


def parse_frame(frame):
    """Flat dict of every field the comparison may look at."""
    f = {"frame.len": len(frame)}
    if len(frame) < 14:
        f["frame.truncated"] = frame.hex()
        return f
    f["eth.dst"] = mac_text(frame[0:6])
    f["eth.src"] = mac_text(frame[6:12])
    ethertype = struct.unpack("!H", frame[12:14])[0]
    f["eth.type"] = ethertype
    body = frame[14:]
    if ethertype == ETH_ARP and len(body) >= 28:
        hrd, pro, hln, pln, op = struct.unpack("!HHBBH", body[:8])
        f.update({"arp.hrd": hrd, "arp.pro": pro, "arp.hln": hln, "arp.pln": pln, "arp.op": op,
                  "arp.sha": mac_text(body[8:14]), "arp.spa": ip_text(body[14:18]),
                  "arp.tha": mac_text(body[18:24]), "arp.tpa": ip_text(body[24:28])})
        f["frame.len"] = None  # padding to 60 bytes or not: see parse_ipv4's case below
    elif ethertype == ETH_IPV4:
        f.update(parse_ipv4(body))
        # Linux's veth sends short frames unpadded (a 42-byte ARP reply); a
        # NIC pads them to 60 bytes (RFC 894). Neither is the router's
        # business, so the frame length is not compared, only the datagram.
        if "ip.len" in f:
            f["frame.len"] = None
    else:
        f["eth.payload"] = body.hex()
    return f


# --- pcap ----------------------------------------------------------------------

PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D


def write_pcap(path, frames):
    """frames: list of (time in ns, bytes). Nanosecond classic pcap, Ethernet."""
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", PCAP_MAGIC_NS, 2, 4, 0, 0, 65535, 1))
        for t, frame in frames:
            out.write(struct.pack("<IIII", t // 1_000_000_000, t % 1_000_000_000, len(frame),
                                  len(frame)))
            out.write(frame)


def read_pcap(path):
    """Returns a list of (time in ns, bytes); accepts both byte orders and both
    time resolutions of the classic format."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file (only {len(data)} bytes)")
    for endian in ("<", ">"):
        magic = struct.unpack(endian + "I", data[:4])[0]
        if magic in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
            break
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    scale = 1 if magic == PCAP_MAGIC_NS else 1000
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, expected 1 (Ethernet)")
    frames = []
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[pos:pos + 16])
        pos += 16
        if pos + incl > len(data):
            break  # a record still being written
        frames.append((sec * 1_000_000_000 + frac * scale, data[pos:pos + incl]))
        pos += incl
    return frames
