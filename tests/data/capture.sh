#!/usr/bin/env bash
# Makes the stored real captures in tests/data/ from real Linux traffic.
#
# Three network namespaces, all made (and removed) by this script:
#
#   scap_a (client)            scap_r (router, ip_forward=1)          scap_b (servers)
#   a0 10.77.1.2/24 ---veth--- r0 10.77.1.1/24 | r1 10.77.2.1/24 ---veth--- b0 10.77.2.2/24
#
#   scap_a                      scap_s (vlan_relay.py)                        scap_b
#   va 10.77.100.1/24 --- sa | push/pop 802.1Q 100 | t1 ==trunk== t2 | pop/push | sb --- vb 10.77.100.2/24
#   vq 10.77.230.1/24 --- qa | push/pop 88a8:200 + 8100:300 | q1 ==trunk== q2 | .. | qb --- wq 10.77.230.2/24
#
# The kernel this was made on has no 802.1Q support (no vlan links, no bridge
# VLAN filtering, no tc vlan action), so a user-space relay (vlan_relay.py)
# plays the VLAN switch: the hosts' ARP and ICMP are Linux's, the tags are
# pushed and popped by the relay, and the capture is taken on the trunk.
#
# Every address is inside these namespaces: no packet leaves the machine.
# Each capture is tcpdump -w on one interface; next to each file goes an
# independent field dump by tshark (see docs/captures.md).
#
# Usage (root): tests/data/capture.sh [OUTPUT_DIR]   (default: the script's folder)
# Needs: iproute2, tcpdump, tshark (+editcap), iputils-ping, dnsmasq-base,
#        bind9-dnsutils (dig), curl, python3, ethtool.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ $(id -u) -ne 0 ]]; then
    echo "capture.sh: must run as root (network namespaces)" >&2
    exit 1
fi
for tool in ip tcpdump tshark editcap ping dnsmasq dig curl python3 ethtool; do
    command -v "$tool" >/dev/null || { echo "capture.sh: missing $tool" >&2; exit 1; }
done

A=scap_a R=scap_r B=scap_b S=scap_s
work=$(mktemp -d)
# Background processes are started as plain `ip netns exec CMD &`, so $! is the
# process itself (ip execs CMD) and a signal reaches it. (A non-interactive
# shell starts background jobs with SIGINT ignored, hence SIGTERM below.)
pids=()

cleanup() {
    set +e
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    for ns in $A $R $B $S; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- topology ------------------------------------------------------------------
for ns in $A $R $B $S; do
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    # No IPv6: keeps router solicitations, MLD and ND out of the captures.
    inns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    inns "$ns" ip link set lo up
done

# veth pairs with fixed, locally administered MACs 02:77:<net>:00:00:<host>.
ip link add a0 netns $A address 02:77:01:00:00:02 type veth peer r0 netns $R address 02:77:01:00:00:01
ip link add b0 netns $B address 02:77:02:00:00:02 type veth peer r1 netns $R address 02:77:02:00:00:01

inns $A ip addr add 10.77.1.2/24 dev a0
inns $R ip addr add 10.77.1.1/24 dev r0
inns $R ip addr add 10.77.2.1/24 dev r1
inns $B ip addr add 10.77.2.2/24 dev b0
inns $A ip link set a0 up
for l in r0 r1; do inns $R ip link set $l up; done
inns $B ip link set b0 up
inns $A ip route add default via 10.77.1.1
inns $B ip route add default via 10.77.2.1
inns $R sysctl -qw net.ipv4.ip_forward=1

# VLAN hosts and the relay's access and trunk ports.
ip link add va netns $A address 02:77:64:00:00:01 type veth peer sa netns $S
ip link add vb netns $B address 02:77:64:00:00:02 type veth peer sb netns $S
ip link add vq netns $A address 02:77:e6:00:00:01 type veth peer qa netns $S
ip link add wq netns $B address 02:77:e6:00:00:02 type veth peer qb netns $S
ip link add t1 netns $S type veth peer t2 netns $S
ip link add q1 netns $S type veth peer q2 netns $S
inns $A ip addr add 10.77.100.1/24 dev va
inns $B ip addr add 10.77.100.2/24 dev vb
inns $A ip addr add 10.77.230.1/24 dev vq
inns $B ip addr add 10.77.230.2/24 dev wq
for l in va vq; do inns $A ip link set $l up; done
for l in vb wq; do inns $B ip link set $l up; done
for l in sa sb qa qb t1 t2 q1 q2; do inns $S ip link set $l up; done
# Trunks carry up to two tags on full-size frames.
for l in t1 t2 q1 q2; do inns $S ip link set $l mtu 1508; done

# Checksums computed in software: with veth's TX checksum offload the captured
# TCP/UDP checksums would only hold the pseudo-header sum.
for ns in $A $R $B $S; do
    for l in $(inns "$ns" ls /sys/class/net); do
        [[ $l == lo ]] || inns "$ns" ethtool -K "$l" tx off >/dev/null 2>&1 || true
    done
done

ip netns exec $S python3 "$here/vlan_relay.py" \
    sa t1 0x8100:100:5 sb t2 0x8100:100:5 \
    qa q1 0x88a8:200:0,0x8100:300:0 qb q2 0x88a8:200:0,0x8100:300:0 \
    >"$work/relay.log" 2>&1 &
pids+=($!)

# --- servers in scap_b -----------------------------------------------------------
mkdir -p "$work/www"
printf 'hello from strata\n' >"$work/www/hello.txt"
ip netns exec $B python3 -m http.server 80 --bind 10.77.2.2 --directory "$work/www" \
    >"$work/http.log" 2>&1 &
pids+=($!)

# DNS: dnsmasq answers only from its own records (--no-resolv, --local makes
# every other name under example.test NXDOMAIN).
ip netns exec $B dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
    --bind-interfaces --listen-address=10.77.2.2 --local=/example.test/ \
    --address=/www.example.test/10.77.2.80 \
    --host-record=mail.example.test,10.77.2.25 \
    --mx-host=example.test,mail.example.test,10 \
    --txt-record=example.test,"v=spf1 -all" \
    >"$work/dns.log" 2>&1 &
pids+=($!)

wait_listen() { # ns proto port
    for _ in $(seq 50); do
        if inns "$1" ss -Hln"$2" "sport = :$3" | grep -q .; then return 0; fi
        sleep 0.1
    done
    echo "capture.sh: nothing listens on $2 port $3 in $1" >&2
    return 1
}
wait_listen $B t 80
wait_listen $B u 53
wait_listen $B t 53

# --- capturing -----------------------------------------------------------------
cap_pid=
start_capture() { # ns iface file [extra tcpdump options]
    local ns=$1 iface=$2 file=$3
    shift 3
    ip netns exec "$ns" tcpdump -Z root -i "$iface" -n -s 262144 -U --immediate-mode "$@" \
        -w "$out/$file" >"$work/tcpdump.log" 2>&1 &
    cap_pid=$!
    pids+=($cap_pid)
    for _ in $(seq 50); do
        grep -q 'listening on' "$work/tcpdump.log" && break
        sleep 0.1
    done
    sleep 0.3
}
stop_capture() {
    sleep 0.5 # late replies, FIN/ACK
    kill -TERM "$cap_pid" # tcpdump flushes and closes the file on SIGTERM
    wait "$cap_pid" || true
    grep 'packets captured' "$work/tcpdump.log" || true
}
flush_neigh() { for ns in $A $R $B; do inns "$ns" ip neigh flush all; done; }

# ARP, echo request/reply to the gateway and across the router, record route.
flush_neigh
start_capture $A a0 arp_icmp.pcap
inns $A ping -n -c 2 -i 0.2 10.77.1.1 >/dev/null
inns $A ping -n -c 1 10.77.2.2 >/dev/null
inns $A ping -n -c 1 -R 10.77.2.2 >/dev/null
stop_capture

# A 3000-byte echo: request and reply each fragmented at MTU 1500.
start_capture $A a0 fragments.pcap
inns $A ping -n -c 1 -s 3000 10.77.2.2 >/dev/null
stop_capture

# ICMP errors, stored with nanosecond timestamps (magic 0xa1b23c4d):
# TTL 1 through the router -> time exceeded; UDP to a closed port -> port unreachable.
start_capture $A a0 icmp_errors.pcap --time-stamp-precision=nano
inns $A ping -n -c 1 -t 1 10.77.2.2 >/dev/null || true
inns $A bash -c 'printf "strata probe" >/dev/udp/10.77.2.2/33434'
sleep 0.3
stop_capture

# HTTP/1.1 GET over a full TCP handshake and teardown, one 200 and one 404.
start_capture $A a0 http.pcap
inns $A curl -sS --http1.1 -o /dev/null http://10.77.2.2/hello.txt
inns $A curl -sS --http1.1 -o /dev/null http://10.77.2.2/missing || true
stop_capture

# DNS: A and MX without EDNS, A with EDNS (no cookie), TXT with dig's default
# EDNS + COOKIE option, an NXDOMAIN, and one query over TCP.
dig_q() { inns $A dig @10.77.2.2 +tries=1 +time=2 "$@" >/dev/null; }
start_capture $A a0 dns.pcap
dig_q +noedns www.example.test A
dig_q +noedns example.test MX
dig_q +edns=0 +bufsize=1232 +nocookie mail.example.test A
dig_q example.test TXT
dig_q +noedns nothere.example.test A
dig_q +noedns +tcp www.example.test A
stop_capture

# 802.1Q (VID 100, PCP 5): ARP and echo, captured on the trunk.
flush_neigh
start_capture $S t1 vlan.pcap
inns $A ping -n -c 2 -i 0.2 10.77.100.2 >/dev/null
stop_capture

# Q-in-Q: 802.1ad S-tag 200 outside, 802.1Q C-tag 300 inside.
start_capture $S q1 qinq.pcap
inns $A ping -n -c 2 -i 0.2 10.77.230.2 >/dev/null
stop_capture

# pcapng: the same frames as arp_icmp.pcap (microseconds) and icmp_errors.pcap
# (nanoseconds: if_tsresol 9), rewritten by editcap (SHB, IDB, EPBs).
editcap -F pcapng "$out/arp_icmp.pcap" "$out/arp_icmp.pcapng"
editcap -F pcapng "$out/icmp_errors.pcap" "$out/icmp_errors.pcapng"

# --- independent field dumps -----------------------------------------------------
# Each frame dissected on its own bytes (no IP defragmentation, no TCP
# reassembly), checksums verified, no name resolution.
for f in arp_icmp.pcap arp_icmp.pcapng fragments.pcap icmp_errors.pcap icmp_errors.pcapng http.pcap dns.pcap vlan.pcap qinq.pcap; do
    tshark -n -r "$out/$f" -T json --no-duplicate-keys \
        -o ip.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
        -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
        >"$out/$f.tshark.json"
done

chmod 644 "$out"/*.pcap "$out"/*.pcapng "$out"/*.tshark.json
ls -l "$out"
