#!/bin/sh
# Captures the real Linux frames used as known answers in tests/wire/.
# Run once as root (needs ip netns, veth, ethtool, tcpdump, python3, curl, nft
# from the Debian package nftables):
#   sh tests/wire/capture.sh /tmp/tpcap
# Two namespaces joined by a veth pair; checksum offload is switched off so
# the captured checksums are the ones Linux computed in software (with
# offload on, veth leaves CHECKSUM_PARTIAL and tcpdump sees a bad sum).
# The pcaps are read with tshark; the bytes and the tshark field values were
# pasted into the tests by hand. Sequence numbers, ports, timestamps and
# checksums differ on every run; the tests quote the run of 2026-11-22.
set -eu
OUT=${1:-/tmp/tpcap}
A=strata_tp_a
B=strata_tp_b
mkdir -p "$OUT"
cleanup() {
    [ -n "${TCPDUMP_PID:-}" ] && kill "$TCPDUMP_PID" 2>/dev/null || true
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null || true
    ip netns del $A 2>/dev/null || true
    ip netns del $B 2>/dev/null || true
    rm -rf /etc/netns/$B
}
trap cleanup EXIT
cleanup
ip netns add $A
ip netns add $B
ip link add tpv0 netns $A type veth peer name tpv1 netns $B
ip -n $A addr add 10.77.0.1/24 dev tpv0
ip -n $B addr add 10.77.0.2/24 dev tpv1
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set tpv0 up
ip -n $B link set tpv1 up
ip netns exec $A ethtool -K tpv0 tx off rx off tso off gso off gro off >/dev/null
ip netns exec $B ethtool -K tpv1 tx off rx off tso off gso off gro off >/dev/null
sleep 1

# --- TCP: an HTTP GET (handshake, data with timestamps, FIN) ----------------
mkdir -p "$OUT/www"
printf 'hello from strata\n' > "$OUT/www/hello.txt"
head -c 3000000 /dev/urandom > "$OUT/www/big.bin"
ip netns exec $A tcpdump -i tpv0 -U -s 0 -w "$OUT/tcp.pcap" tcp port 8080 2>/dev/null &
TCPDUMP_PID=$!
ip netns exec $A python3 -m http.server 8080 --bind 10.77.0.1 --directory "$OUT/www" >/dev/null 2>&1 &
SERVER_PID=$!
sleep 2
ip netns exec $B curl -s -o /dev/null http://10.77.0.1:8080/hello.txt
sleep 1
kill $TCPDUMP_PID; wait $TCPDUMP_PID 2>/dev/null || true
TCPDUMP_PID=

# --- TCP with loss: SACK blocks from the receiver ---------------------------
# The kernel has no netem; nftables drops 1 in 10 server segments as they
# arrive at the client, so the client reports the holes with SACK (RFC 2018).
ip netns exec $B nft -f - <<'NFT'
table inet strata_loss {
    chain pre {
        type filter hook prerouting priority -300; policy accept;
        tcp sport 8080 numgen random mod 10 == 0 drop
    }
}
NFT
ip netns exec $B tcpdump -i tpv1 -U -s 128 -w "$OUT/sack.pcap" tcp port 8080 2>/dev/null &
TCPDUMP_PID=$!
sleep 1
ip netns exec $B curl -s -o /dev/null http://10.77.0.1:8080/big.bin
sleep 1
kill $TCPDUMP_PID; wait $TCPDUMP_PID 2>/dev/null || true
TCPDUMP_PID=
ip netns exec $B nft delete table inet strata_loss
kill $SERVER_PID; SERVER_PID=

# --- UDP: a DNS query from glibc's resolver and a reply ---------------------
mkdir -p /etc/netns/$B
echo 'nameserver 10.77.0.1' > /etc/netns/$B/resolv.conf
cat > "$OUT/dns_server.py" <<'PY'
# Answers every A query with 10.77.0.80 (RFC 1035 §4.1), echoing the question.
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.1", 53))
while True:
    q, peer = s.recvfrom(512)
    tid, flags, qd = struct.unpack("!HHH", q[:6])
    i = 12
    while q[i] != 0:
        i += 1 + q[i]
    question = q[12:i + 5]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    an = 1 if qtype == 1 else 0
    hdr = struct.pack("!HHHHHH", tid, 0x8180, 1, an, 0, 0)
    ans = struct.pack("!HHHIH4s", 0xc00c, 1, 1, 60, 4, bytes([10, 77, 0, 80])) if an else b""
    s.sendto(hdr + question + ans, peer)
PY
ip netns exec $A python3 "$OUT/dns_server.py" &
DNS_PID=$!
ip netns exec $A tcpdump -i tpv0 -U -s 0 -w "$OUT/udp.pcap" udp port 53 2>/dev/null &
TCPDUMP_PID=$!
sleep 2
ip netns exec $B getent ahostsv4 www.strata.test || true
sleep 1
kill $TCPDUMP_PID; wait $TCPDUMP_PID 2>/dev/null || true
TCPDUMP_PID=
echo "captured into $OUT"

# --- what the tests quote --------------------------------------------------
# The IPv4+TCP/UDP bytes of a frame (Ethernet header dropped) as a C++ array.
cat > "$OUT/dump.py" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
want = {int(x) for x in sys.argv[2:]}
off, n = 24, 0
while off < len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
    off += 16
    n += 1
    if n in want:
        ip = data[off + 14:off + incl]
        print(f"// frame {n}, {len(ip)} bytes")
        for i in range(0, len(ip), 16):
            print("    " + ", ".join(f"0x{b:02x}" for b in ip[i:i + 16]) + ",")
    off += incl
PY
python3 "$OUT/dump.py" "$OUT/tcp.pcap" 1 2 8 10
python3 "$OUT/dump.py" "$OUT/sack.pcap" $(tshark -r "$OUT/sack.pcap" -Y tcp.options.sack_le \
    -T fields -e frame.number 2>/dev/null | head -1)
python3 "$OUT/dump.py" "$OUT/udp.pcap" 1 2
F="-e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.seq_raw
   -e tcp.ack_raw -e tcp.hdr_len -e tcp.flags -e tcp.window_size_value -e tcp.checksum
   -e tcp.urgent_pointer -e tcp.len -e tcp.options.mss_val -e tcp.options.wscale.shift
   -e tcp.options.timestamp.tsval -e tcp.options.timestamp.tsecr -e tcp.options.sack_le
   -e tcp.options.sack_re -e tcp.checksum.status -e tcp.option_kind"
for f in tcp sack; do
    tshark -r "$OUT/$f.pcap" -o tcp.check_checksum:TRUE -o tcp.relative_sequence_numbers:FALSE \
        -o tcp.analyze_sequence_numbers:FALSE -T fields -E separator='|' $F 2>/dev/null | head -200
done
tshark -r "$OUT/udp.pcap" -o udp.check_checksum:TRUE -T fields -E separator='|' -e frame.number \
    -e udp.srcport -e udp.dstport -e udp.length -e udp.checksum -e udp.checksum.status -e dns.id \
    2>/dev/null
