#!/usr/bin/env python3
"""A tiny VLAN-aware switch in user space, used by capture.sh.

The kernel these captures are made on has no 802.1Q module (no `type vlan`
links, no bridge VLAN filtering, no tc vlan action), so the tags are added by
this relay instead: the hosts' ARP and ICMP are the real Linux stacks; only
the tag push/pop happens here, as a VLAN switch between them would do it.

Each mapping joins an access interface (untagged) to a trunk interface:
frames received on the access side get the tags pushed (outer first) and go
out on the trunk; frames received on the trunk with exactly those tags are
popped and go out on the access side. Anything else is dropped.

usage: vlan_relay.py ACCESS TRUNK TAGS [ACCESS TRUNK TAGS ...]
       TAGS = TPID:VID:PCP[,TPID:VID:PCP...], e.g. 0x88a8:200:0,0x8100:300:0
Runs until killed.
"""
import select
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
AUXDATA = struct.Struct("=IIIHHHH")  # struct tpacket_auxdata


def parse_tags(text):
    tags = []
    for part in text.split(","):
        tpid, vid, pcp = part.split(":")
        tci = (int(pcp) << 13) | int(vid)
        tags.append(struct.pack("!HH", int(tpid, 0), tci))
    return b"".join(tags)


def open_sock(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    return s


def receive(s):
    """One frame with its outermost tag put back: the kernel moves a received
    802.1Q/802.1ad tag out of the frame into metadata (skb_vlan_untag) even
    without VLAN support, and reports it in PACKET_AUXDATA."""
    frame, ancillary, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(AUXDATA.size))
    for level, kind, data in ancillary:
        if level != SOL_PACKET or kind != PACKET_AUXDATA or len(data) < AUXDATA.size:
            continue
        status, _, _, _, _, tci, tpid = AUXDATA.unpack(data[: AUXDATA.size])
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100
            frame = frame[:12] + struct.pack("!HH", tpid, tci) + frame[12:]
    return frame, addr


def main(argv):
    if len(argv) % 3 != 0 or not argv:
        sys.exit(__doc__)
    routes = {}  # socket -> (out socket, function frame -> frame or None)
    for i in range(0, len(argv), 3):
        access, trunk, tags = open_sock(argv[i]), open_sock(argv[i + 1]), parse_tags(argv[i + 2])

        def push(frame, tags=tags):
            return frame[:12] + tags + frame[12:]

        def pop(frame, tags=tags):
            if frame[12 : 12 + len(tags)] != tags:
                return None
            return frame[:12] + frame[12 + len(tags) :]

        routes[access] = (trunk, push)
        routes[trunk] = (access, pop)
    while True:
        ready, _, _ = select.select(list(routes), [], [])
        for s in ready:
            frame, addr = receive(s)
            if addr[2] == PACKET_OUTGOING:  # our own sends, seen again
                continue
            out, fn = routes[s]
            frame = fn(frame)
            if frame is not None:
                out.send(frame)


if __name__ == "__main__":
    main(sys.argv[1:])
