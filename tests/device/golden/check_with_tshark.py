#!/usr/bin/env python3
"""Second opinion on the golden transcripts: writes every frame they list
into a pcap and asks tshark to validate the IPv4, ICMP, UDP and TCP
checksums. Prints the frames tshark finds bad.

    python3 tests/device/golden/check_with_tshark.py
"""
import glob
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def frames(path):
    """(bytes, deliberately_bad) of every fully known frame in the file."""
    cur, out, bad = None, [], False
    for raw in open(path):
        if "flipped" in raw:
            bad = True  # the transcript's own corrupted input
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if len(line[0]) == 2 and (line[0] == "??" or all(c in "0123456789abcdef" for c in line[0])):
            if cur is not None:
                cur.extend(line)
            continue
        if cur:
            out.append((cur, bad))
        cur, bad = ([] if line[0] in ("receive", "expect") else None), False
    if cur:
        out.append((cur, bad))
    return [(known(f), b) for f, b in out]


def known(f):
    """The frame with `??` (identification, IP checksum) as 0 and the IPv4
    header checksum filled again (RFC 1071), so that tshark still checks
    the ICMP checksum and the quote of a generated datagram."""
    b = bytearray(0 if x == "??" else int(x, 16) for x in f)
    if "??" in f and b[12:14] == b"\x08\x00":
        hl = (b[14] & 15) * 4
        b[24:26] = b"\0\0"
        s = sum((b[i] << 8) | b[i + 1] for i in range(14, 14 + hl, 2))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        b[24:26] = bytes([(~s >> 8) & 0xFF, ~s & 0xFF])
    return bytes(b)


def main():
    pcap = tempfile.NamedTemporaryFile(suffix=".pcap", delete=False)
    pcap.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    names = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.txt"))):
        for f, deliberate in frames(path):
            pcap.write(struct.pack("<IIII", len(names), 0, len(f), len(f)) + f)
            names.append((os.path.basename(path), deliberate))
    pcap.close()
    fields = ["frame.number", "ip.checksum.status", "icmp.checksum.status", "udp.checksum.status",
              "tcp.checksum.status"]
    cmd = ["tshark", "-r", pcap.name, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-o", "tcp.check_checksum:TRUE", "-T", "fields"] + sum([["-e", f] for f in fields], [])
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    bad = 0
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        # status 0 = bad, 1 = good, 2 = unverified (e.g. a UDP checksum of 0)
        if any(c.split(",")[0] == "0" for c in cols[1:] if c):
            name, deliberate = names[int(cols[0]) - 1]
            if deliberate:
                print("bad checksum, as meant, in frame", cols[0], "of", name)
                continue
            bad += 1
            print("bad checksum in frame", cols[0], "of", name, cols[1:])
    print(f"{len(names)} frames checked by tshark, {bad} with an unexpected bad checksum")
    os.unlink(pcap.name)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
