#!/usr/bin/python3
"""Makes the scapy-built captures in tests/data/ that real Linux traffic in
tests/data/capture.sh cannot give (no PPPoE server on the capture machine,
DNS record types dnsmasq was not configured for, TCP SACK and IP options):

  pppoe.pcap      PPPoE discovery (PADI/PADO/PADR/PADS/PADT) and a session
                  with LCP, PAP, IPCP and IPv4 (ICMP echo) inside PPP
  icmp_types.pcap ICMP redirect, parameter problem, fragmentation needed,
                  timestamp and reassembly time exceeded, with quotes
  dns_types.pcap  DNS responses with AAAA, CNAME, NS, SOA, SRV, PTR, TXT and an
                  EDNS OPT record; a TCP segment with SACK blocks; IPv4 with
                  a timestamp and a router-alert option

Each is dissected by tshark into X.tshark.json with the options of
capture.sh (no defragmentation, no reassembly, checksums verified).

Needs Debian's python3-scapy (2.5) and tshark. Usage:
  /usr/bin/python3 tools/dissect/captures/make_captures.py [OUTPUT_DIR]
"""
import os
import subprocess
import sys

from scapy.all import (DNS, DNSQR, DNSRR, DNSRROPT, DNSRRSOA, DNSRRSRV, EDNS0TLV, ICMP, IP, TCP,
                       UDP, Ether, Raw, wrpcap)
from scapy.layers.ppp import (PPP, PPP_IPCP, PPP_IPCP_Option_IPAddress, PPP_LCP_Configure,
                              PPP_LCP_Echo, PPP_LCP_Magic_Number_Option, PPP_LCP_MRU_Option,
                              PPP_LCP_Auth_Protocol_Option, PPP_LCP_Terminate, PPP_PAP_Request,
                              PPP_CHAP, PPP_CHAP_ChallengeResponse,
                              PPP_PAP_Response, PPPoE, PPPoED, PPPoED_Tags, PPPoETag)

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../tests/data")
out = os.path.abspath(out)

HOST = "02:77:50:00:00:01"
AC = "02:77:50:00:00:02"
BCAST = "ff:ff:ff:ff:ff:ff"
SID = 0x1f3


def stamp(pkts, start=1795400000.0):
    for i, p in enumerate(pkts):
        p.time = start + i * 0.001
    return pkts


def tags(*pairs):
    return PPPoED_Tags(tag_list=[PPPoETag(tag_type=t, tag_value=v) for t, v in pairs])


def session(payload):
    return Ether(src=HOST, dst=AC, type=0x8864) / PPPoE(sessionid=SID) / payload


def session_back(payload):
    return Ether(src=AC, dst=HOST, type=0x8864) / PPPoE(sessionid=SID) / payload


host_uniq = bytes.fromhex("6a0f0000")
cookie = bytes.fromhex("a3c1e2d45f6b7a8091a2b3c4d5e6f708")
pppoe = [
    Ether(src=HOST, dst=BCAST, type=0x8863) / PPPoED(code=0x09, sessionid=0) /
    tags((0x0101, b""), (0x0103, host_uniq)),
    Ether(src=AC, dst=HOST, type=0x8863) / PPPoED(code=0x07, sessionid=0) /
    tags((0x0101, b""), (0x0102, b"strata-ac"), (0x0104, cookie), (0x0103, host_uniq),
         (0x0105, bytes.fromhex("00000de9") + bytes.fromhex("0104") + b"abcd")),
    Ether(src=HOST, dst=AC, type=0x8863) / PPPoED(code=0x19, sessionid=0) /
    tags((0x0101, b""), (0x0104, cookie), (0x0103, host_uniq)),
    Ether(src=AC, dst=HOST, type=0x8863) / PPPoED(code=0x65, sessionid=SID) /
    tags((0x0101, b""), (0x0103, host_uniq)),
    session(PPP(proto=0xc021) / PPP_LCP_Configure(code=1, id=1, options=[
        PPP_LCP_MRU_Option(max_recv_unit=1492), PPP_LCP_Magic_Number_Option(magic_number=0x1a2b3c4d)])),
    session_back(PPP(proto=0xc021) / PPP_LCP_Configure(code=1, id=7, options=[
        PPP_LCP_MRU_Option(max_recv_unit=1492), PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc023),
        PPP_LCP_Magic_Number_Option(magic_number=0x55667788)])),
    session(PPP(proto=0xc021) / PPP_LCP_Configure(code=2, id=7, options=[
        PPP_LCP_MRU_Option(max_recv_unit=1492), PPP_LCP_Auth_Protocol_Option(auth_protocol=0xc023),
        PPP_LCP_Magic_Number_Option(magic_number=0x55667788)])),
    session_back(PPP(proto=0xc021) / PPP_LCP_Configure(code=2, id=1, options=[
        PPP_LCP_MRU_Option(max_recv_unit=1492), PPP_LCP_Magic_Number_Option(magic_number=0x1a2b3c4d)])),
    session(PPP(proto=0xc023) / PPP_PAP_Request(id=1, username=b"user", password=b"secret")),
    session_back(PPP(proto=0xc023) / PPP_PAP_Response(code=2, id=1, message=b"welcome")),
    session(PPP(proto=0x8021) / PPP_IPCP(code=1, id=1, options=[PPP_IPCP_Option_IPAddress(data="0.0.0.0")])),
    session_back(PPP(proto=0x8021) / PPP_IPCP(code=3, id=1, options=[PPP_IPCP_Option_IPAddress(data="10.77.80.2")])),
    session(PPP(proto=0x8021) / PPP_IPCP(code=1, id=2, options=[PPP_IPCP_Option_IPAddress(data="10.77.80.2")])),
    session_back(PPP(proto=0x8021) / PPP_IPCP(code=2, id=2, options=[PPP_IPCP_Option_IPAddress(data="10.77.80.2")])),
    # Protocol 0x0021 written out in two bytes: scapy's PPP() compresses it to
    # one (RFC 1661 §6.5 PFC), which this LCP exchange did not negotiate.
    session(Raw(b"\x00\x21") / IP(src="10.77.80.2", dst="10.77.80.1", id=0x4242) /
            ICMP(type=8, id=0x77, seq=1) / Raw(b"strata-pppoe-echo")),
    session_back(Raw(b"\x00\x21") / IP(src="10.77.80.1", dst="10.77.80.2", id=0x1111) /
                 ICMP(type=0, id=0x77, seq=1) / Raw(b"strata-pppoe-echo")),
    # CHAP (RFC 1994), as a peer re-authenticating would send it.
    session_back(PPP(proto=0xc223) / PPP_CHAP_ChallengeResponse(
        code=1, id=9, value=bytes.fromhex("00112233445566778899aabbccddeeff"), optional_name=b"ac")),
    session(PPP(proto=0xc223) / PPP_CHAP_ChallengeResponse(
        code=2, id=9, value=bytes.fromhex("f0e1d2c3b4a5968778695a4b3c2d1e0f"), optional_name=b"user")),
    session_back(PPP(proto=0xc223) / PPP_CHAP(code=3, id=9, data=b"ok")),
    session(PPP(proto=0xc021) / PPP_LCP_Echo(code=9, id=3, magic_number=0x1a2b3c4d)),
    session_back(PPP(proto=0xc021) / PPP_LCP_Echo(code=10, id=3, magic_number=0x55667788)),
    session(PPP(proto=0xc021) / PPP_LCP_Terminate(code=5, id=4)),
    Ether(src=HOST, dst=AC, type=0x8863) / PPPoED(code=0xa7, sessionid=SID) /
    tags((0x0103, host_uniq), (0x0203, b"session closed")),
]

C = "02:77:01:00:00:02"
S = "02:77:01:00:00:01"


def dns_pair(qid, qname, qtype, an=None, ns=None, ar=None, rcode=0):
    q = Ether(src=C, dst=S) / IP(src="10.77.1.2", dst="10.77.2.2") / UDP(sport=40000 + qid % 1000, dport=53) / \
        DNS(id=qid, rd=1, qd=DNSQR(qname=qname, qtype=qtype))
    r = Ether(src=S, dst=C) / IP(src="10.77.2.2", dst="10.77.1.2") / UDP(sport=53, dport=40000 + qid % 1000) / \
        DNS(id=qid, qr=1, aa=1, rd=1, ra=1, rcode=rcode, qd=DNSQR(qname=qname, qtype=qtype), an=an, ns=ns, ar=ar)
    return [q, r]


soa = DNSRRSOA(rrname="example.test", ttl=300, mname="ns1.example.test", rname="hostmaster.example.test",
               serial=2026112201, refresh=7200, retry=900, expire=1209600, minimum=300)
dns_types = []
dns_types += dns_pair(0x1001, "v6.example.test", "AAAA",
                      an=DNSRR(rrname="v6.example.test", type="AAAA", ttl=60, rdata="2001:db8:0:1::53") /
                      DNSRR(rrname="v6.example.test", type="AAAA", ttl=60, rdata="fe80::1:0:0:2"))
dns_types += dns_pair(0x1002, "alias.example.test", "A",
                      an=DNSRR(rrname="alias.example.test", type="CNAME", ttl=120, rdata="www.example.test") /
                      DNSRR(rrname="www.example.test", type="A", ttl=120, rdata="10.77.2.80"))
dns_types += dns_pair(0x1003, "example.test", "NS",
                      an=DNSRR(rrname="example.test", type="NS", ttl=3600, rdata="ns1.example.test") /
                      DNSRR(rrname="example.test", type="NS", ttl=3600, rdata="ns2.example.test"),
                      ar=DNSRR(rrname="ns1.example.test", type="A", ttl=3600, rdata="10.77.2.53"))
dns_types += dns_pair(0x1004, "nothere.example.test", "A", ns=soa, rcode=3)
dns_types += dns_pair(0x1005, "_sip._udp.example.test", "SRV",
                      an=DNSRRSRV(rrname="_sip._udp.example.test", ttl=600, priority=10, weight=60, port=5060,
                                  target="sip.example.test"))
dns_types += dns_pair(0x1006, "80.2.77.10.in-addr.arpa", "PTR",
                      an=DNSRR(rrname="80.2.77.10.in-addr.arpa", type="PTR", ttl=86400, rdata="www.example.test"))
dns_types += dns_pair(0x1007, "example.test", "TXT",
                      an=DNSRR(rrname="example.test", type="TXT", ttl=300, rdata=[b"v=spf1 -all", b"hello world"]),
                      ar=DNSRROPT(rclass=1232, z=0x8000, rdlen=None,
                                  rdata=[EDNS0TLV(optcode=10, optdata=bytes.fromhex("0102030405060708"))]))
# TCP with SACK blocks (RFC 2018) and IPv4 options (timestamp, router alert).
dns_types.append(Ether(src=C, dst=S) / IP(src="10.77.1.2", dst="10.77.2.2", id=0x5151) /
                 TCP(sport=45000, dport=8080, seq=1000, ack=5000, flags="A", window=501,
                     options=[("NOP", None), ("NOP", None), ("SAck", (6000, 7000, 8000, 9000)),
                              ("NOP", None), ("NOP", None), ("Timestamp", (111, 222))]))
dns_types.append(Ether(src=C, dst=S) /
                 IP(src="10.77.1.2", dst="10.77.2.2", id=0x5252,
                    options=[b"\x94\x04\x00\x00", b"\x01", b"\x44\x0c\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                             b"\x00\x00\x00"]) /
                 UDP(sport=5000, dport=5001) / Raw(b"options"))

# ICMP messages with type-specific header fields (RFC 792, RFC 1191), each
# error quoting a datagram of another protocol.
orig_udp = IP(src="10.77.1.2", dst="10.77.9.9", id=0x0a0a, ttl=1) / UDP(sport=33000, dport=33434) / Raw(b"x" * 12)
orig_tcp = IP(src="10.77.1.2", dst="10.77.9.9", id=0x0b0b, flags="DF") / \
    TCP(sport=44000, dport=443, seq=0x01020304, flags="PA") / Raw(b"y" * 1400)
icmp_types = [
    Ether(src=S, dst=C) / IP(src="10.77.1.1", dst="10.77.1.2") /
    ICMP(type=5, code=1, gw="10.77.1.254") / bytes(orig_udp)[:28],
    Ether(src=S, dst=C) / IP(src="10.77.1.1", dst="10.77.1.2") /
    ICMP(type=12, code=0, ptr=9) / bytes(orig_tcp)[:28],
    Ether(src=S, dst=C) / IP(src="10.77.1.1", dst="10.77.1.2") /
    ICMP(type=3, code=4, nexthopmtu=1280) / bytes(orig_tcp)[:48],
    Ether(src=C, dst=S) / IP(src="10.77.1.2", dst="10.77.1.1") /
    ICMP(type=13, code=0, id=0x3131, seq=7, ts_ori=1000, ts_rx=0, ts_tx=0),
    Ether(src=S, dst=C) / IP(src="10.77.1.1", dst="10.77.1.2") /
    ICMP(type=14, code=0, id=0x3131, seq=7, ts_ori=1000, ts_rx=1001, ts_tx=1002),
    Ether(src=S, dst=C) / IP(src="10.77.1.1", dst="10.77.1.2") /
    ICMP(type=11, code=1) / bytes(IP(src="10.77.1.2", dst="10.77.9.9", proto=1, flags="MF") /
                                   ICMP(type=8, id=1, seq=1) / Raw(b"z" * 32))[:28],
]

for name, pkts in (("pppoe.pcap", pppoe), ("dns_types.pcap", dns_types), ("icmp_types.pcap", icmp_types)):
    path = os.path.join(out, name)
    wrpcap(path, stamp(pkts))
    with open(path + ".tshark.json", "w") as f:
        subprocess.run(["tshark", "-n", "-r", path, "-T", "json", "--no-duplicate-keys",
                        "-o", "ip.defragment:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE",
                        "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE"], stdout=f, stderr=subprocess.DEVNULL, check=True)
    os.chmod(path, 0o644)
    os.chmod(path + ".tshark.json", 0o644)
    print(path, len(pkts), "frames")
