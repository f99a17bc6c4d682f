"""Helpers of linux_interop.py: commands in a namespace, bounded runs,
processes stopped by pid, tcpdump captures of an exchange and the tshark
check (docs/reference/tap.md says what each exchange tolerates and why)."""
import contextlib
import hashlib
import os
import select
import shutil
import signal
import subprocess
import time


def in_ns(ns):
    # nsenter enters the network namespace only; `ip netns exec` also makes a
    # private mount namespace, which fails where / is not a mount point.
    return ["nsenter", f"--net=/var/run/netns/{ns}"]


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Checks:
    def __init__(self):
        self.failed = []

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failed.append(what)


def run(cmd, timeout=30, **kw):
    """A bounded command: on timeout subprocess.run kills it; we report -9."""
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        print(f"note: timed out after {timeout} s: {' '.join(cmd)[:200]}", flush=True)
        return subprocess.CompletedProcess(cmd, -9, b"", b"")


def sh_ns(ns, *cmds):
    """Runs each `ip ...`/`sysctl ...` command in `ns`; True if all succeed."""
    ok = True
    for cmd in cmds:
        p = run(in_ns(ns) + cmd.split(), timeout=10)
        if p.returncode != 0:
            print(f"note: in {ns}: `{cmd}` failed: {p.stderr.decode().strip()}", flush=True)
            ok = False
    return ok


class Capture:
    """tcpdump on the Linux side of one exchange (`with Capture(...) as cap:`).

    Started before the exchange (we wait for its "listening on" line), ended
    with SIGINT after it (a short pause first lets the last ACK or FIN in),
    always by its pid. `snap` 128 keeps the headers only, for the 100 MB
    transfers; a snap length short of the frame is no warning in tshark."""

    def __init__(self, ns, ifname, path, snap=0):
        self.ns, self.ifname, self.path, self.snap = ns, ifname, path, snap
        self.proc = None
        self.dropped = None
        self.captured = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            # --immediate-mode: without it libpcap's TPACKET_V3 ring hands
            # packets over a block at a time (up to 1 s late), and those
            # still in the block at SIGINT never reach the file. Immediate
            # mode's ring has one slot per packet, sized by the snap length:
            # 2048 holds any whole frame here (MTU 1500 + 14, or the cooked
            # header's 20 on `any`) where -s 0 (262144) would leave 32 MB for
            # only 128 slots and drop most of a bulk transfer.
            in_ns(self.ns) + ["tcpdump", "-i", self.ifname, "-n", "-U", "--immediate-mode",
                              "-B", "32768", "-s", str(self.snap or 2048), "-w", self.path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Raw reads: a buffered readline could swallow the line we wait for.
        deadline = time.monotonic() + 5
        said = b""
        fd = self.proc.stderr.fileno()
        while time.monotonic() < deadline and self.proc.poll() is None:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                said += os.read(fd, 4096)
                if b"listening on" in said:
                    return self
        stop(self.proc, signal.SIGINT, timeout=2)
        raise RuntimeError(f"tcpdump on {self.ns}/{self.ifname} did not start: {said!r}")

    def __exit__(self, *exc):
        time.sleep(0.2)
        stop(self.proc, signal.SIGINT, timeout=5)
        rest = self.proc.stderr.read().decode(errors="replace")
        self.proc.stderr.close()
        for line in rest.splitlines():
            if "dropped by kernel" in line:
                self.dropped = int(line.split()[0])
            if "packets captured" in line:
                self.captured = int(line.split()[0])
        return False


# The tshark check of the issue: `tshark -r X -Y '_ws.malformed ||
# _ws.expert.severity >= warning'` must print nothing. We ask tshark for its
# expert summary (`-z expert,warn`: every error and warning, by protocol and
# summary, with counts) so that a packet with a tolerated note and another
# warning still fails. What an exchange may tolerate is named where it runs:
TOLERATE_FLOW_CONTROL = (
    # Bulk TCP transfers only (curl, echo, discard, fetch, send): the slower
    # application (socat behind Python's pipes, curl writing a file, strata's
    # echo waiting for room to send) makes a sender fill the receiver's
    # advertised window, or a receiver advertise zero. Flow control doing its
    # job, not a fault; whether it shows depends on scheduling, so every
    # bulk exchange may have it and no other exchange may.
    "TCP window specified by the receiver is now completely full",
    "TCP Zero Window segment",
)
TOLERATE_PMTU_START = TOLERATE_FLOW_CONTROL + (
    # Path MTU discovery loses data by design (RFC 1191 §3): the routers drop
    # the first full-size DF segments of both ends and answer with ICMP 3/4;
    # smaller segments (a write's tail) that did fit pass ahead of them, and
    # the data is sent again cut to the path MTU. tshark calls that a gap
    # ("previous segment not captured"), the refill "out-of-order" (a
    # retransmission within 3 ms of the last segment) and the ACK after it
    # "ACKed segment that wasn't captured". strata resends everything in
    # flight after the MSS drops (go-back, RFC 1191 §6, as FreeBSD's
    # tcp_mtudisc), the small segments that had passed included, so the
    # receiver reports those twice with a D-SACK (RFC 2883), which
    # tshark_check accepts when the capture shows the duplicate (Linux's
    # tcp_simple_retransmit resends only the segments larger than the new
    # MSS). The caller checks that all of these notes fall in the
    # connection's first 0.5 s (the discovery), none later.
    "Previous segment(s) not captured (common at capture start)",
    "This frame is a (suspected) out-of-order segment",
    "ACKed segment that wasn't captured (common at capture start)",
)
PMTU_START_SEQUENCE_NOTES = ("(tcp.analysis.lost_segment || tcp.analysis.out_of_order || "
                             "tcp.analysis.ack_lost_segment || tcp.options.sack.dsack)")


def dsacks_justified(pcap):
    """True when every D-SACK block in the capture (RFC 2883 §4: the first
    SACK block, reporting data received twice) names bytes that the capture
    shows sent to its sender at least twice before the D-SACK. tshark
    warns "D-SACK Sequence" for every D-SACK, the correct ones included."""
    fields = ["frame.number", "tcp.stream", "ip.src", "ip.dst", "tcp.seq", "tcp.len",
              "tcp.options.sack.dsack_le", "tcp.options.sack.dsack_re", "icmp.type"]
    args = ["tshark", "-r", pcap, "-Y", "tcp", "-T", "fields", "-E", "occurrence=f"]
    for f in fields:
        args += ["-e", f]
    p = run(args, timeout=120)
    if p.returncode != 0:
        return False
    data = {}  # (stream, src, dst) -> [(seq, end)] in capture order
    for line in p.stdout.decode(errors="replace").splitlines():
        cols = line.split("\t")
        if len(cols) < 8 or not cols[1] or not cols[4]:
            continue
        # A segment quoted by an ICMP error: tshark numbers its ACK raw and
        # its SACK blocks relative, so an ordinary SACK block there reads as
        # a D-SACK. Skipped (the segment is judged where it is captured).
        if len(cols) > 8 and cols[8]:
            continue
        stream, src, dst = cols[1], cols[2], cols[3]
        if cols[5] and int(cols[5]) > 0:
            seq = int(cols[4])
            data.setdefault((stream, src, dst), []).append((seq, seq + int(cols[5])))
        if cols[6] and cols[7]:
            left, right = int(cols[6]), int(cols[7])
            # The D-SACK's sender received [left, right) from its peer: count
            # how often each byte of it arrived (a sweep over the segments).
            events = []
            for b, e in data.get((stream, dst, src), []):
                b, e = max(b, left), min(e, right)
                if b < e:
                    events += [(b, 1), (e, -1)]
            events.sort()
            depth, at, twice = 0, left, True
            for pos, step in events:
                if pos > at and depth < 2:
                    twice = False
                depth += step
                at = max(at, pos)
            if at < right or not twice or not events:
                return False
    return True


def tshark_check(c, pcap, what, tolerate=(), decode=()):
    """Returns True if the capture has no error or warning outside `tolerate`.
    A "D-SACK Sequence" warning passes when each D-SACK is justified (above):
    a peer's retransmission of data already received (Linux's tail loss probe
    or RTO when the other end's ACKs were late on a loaded machine) is
    reported correctly, not a fault of the receiver."""
    args = ["tshark", "-r", pcap, "-q", "-z", "expert,warn"]
    for d in decode:
        args += ["-d", d]
    p = run(args, timeout=60)
    found, section = [], None
    for line in p.stdout.decode(errors="replace").splitlines():
        head = line.strip()
        if head.startswith(("Errors (", "Warns (")):
            section = head.split()[0]
            continue
        if head.startswith(("Notes (", "Chats (", "Comments (")):
            section = None
            continue
        parts = head.split(None, 3)
        if section and len(parts) == 4 and parts[0].isdigit():
            found.append((section, parts[3].strip()))
    bad = [f for f in found if f[0] == "Errors" or f[1] not in tolerate]
    tolerated = sorted({f[1] for f in found if f not in bad})
    if ("Warns", "D-SACK Sequence") in bad and dsacks_justified(pcap):
        bad = [f for f in bad if f != ("Warns", "D-SACK Sequence")]
        tolerated.append("D-SACK Sequence, each for bytes the capture shows sent twice")
    note = (" (tolerated: " + "; ".join(tolerated) + ")") if tolerated else ""
    c.check(p.returncode == 0 and not bad,
            f"{what}: tshark finds nothing malformed or warned in {os.path.basename(pcap)}" +
            (note if not bad else ":\n" + p.stdout.decode(errors="replace")[:2000]))
    return not bad


def tshark_count(pcap, display_filter):
    p = run(["tshark", "-r", pcap, "-Y", display_filter], timeout=60)
    return len(p.stdout.splitlines()) if p.returncode == 0 else -1


def start_host(exe, ns, args, log):
    """strata-host moves its TAP into `ns` itself (--netns/--peer)."""
    out = open(log, "wb")
    return subprocess.Popen([exe, "--netns", ns] + args, stdout=out, stderr=subprocess.STDOUT)


def stop(proc, sig=signal.SIGINT, timeout=10):
    """Ends a process we started, by its pid; returns its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_reachable(ns, addr, tries=50):
    for _ in range(tries):
        if run(in_ns(ns) + ["ping", "-c", "1", "-W", "1", addr], timeout=5).returncode == 0:
            return True
        time.sleep(0.1)
    return False


HAVE_CAPTURE = bool(shutil.which("tcpdump") and shutil.which("tshark"))


def capture(ns, ifname, path, snap=0):
    return Capture(ns, ifname, path, snap) if HAVE_CAPTURE else contextlib.nullcontext()


def exchange(c, ns, ifname, work, name, fn, snap=0, tolerate=(), decode=()):
    """Runs `fn()` (one exchange, its own checks) under tcpdump on `ifname` in
    `ns`, then puts the capture through the tshark check; returns the pcap's
    path (None without tcpdump/tshark) for further counting."""
    return exchange_at(c, [(ns, ifname, "")], work, name, fn, snap, tolerate, decode)[""]


def exchange_at(c, points, work, name, fn, snap=0, tolerate=(), decode=()):
    """`exchange` with tcpdump at several points [(ns, ifname, tag)] at once;
    returns {tag: pcap path or None}."""
    pcaps = {tag: os.path.join(work, name + (f"-{tag}" if tag else "") + ".pcap")
             for _, _, tag in points}
    with contextlib.ExitStack() as stack:
        caps = {tag: stack.enter_context(capture(ns, ifname, pcaps[tag], snap))
                for ns, ifname, tag in points}
        t0 = time.monotonic()
        fn()
        ran = time.monotonic() - t0
    if not HAVE_CAPTURE:
        return {tag: None for tag in pcaps}
    t0 = time.monotonic()
    for tag, pcap in pcaps.items():
        what = name + (f" at {tag}" if tag else "")
        cap = caps[tag]
        c.check(cap.dropped == 0 and (cap.captured or 0) > 0,
                f"{what}: tcpdump captured {cap.captured} packets, dropped {cap.dropped}")
        tshark_check(c, pcap, what, tolerate, decode)
    print(f"note: {name}: exchange {ran:.1f} s, tshark {time.monotonic() - t0:.1f} s", flush=True)
    return pcaps


def tap_name(side):
    # A name unique among concurrent runs (the TAP is made in the root
    # namespace before it moves), at most 15 characters.
    return f"st{side}{os.getpid()}"[:15]
