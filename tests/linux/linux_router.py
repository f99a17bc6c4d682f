"""Runs a case through the Linux kernel as the reference router.

Two network namespaces made for the run and always removed (names carry a
prefix and this process's id, so parallel runs never collide):

    <prefix>r  the router: one veth per case port, named after the port, with
               the port's MAC, address and MTU; ip_forward=1, the case's
               routes, permanent neighbour entries for the ends, and for NAT
               cases an nftables masquerade plus a rule dropping unsolicited
               inbound packets.
    <prefix>o  the outside: the far end of every veth (x0, x1, ...), with the
               end's MAC and no address at all, so its own stack stays silent.

Frames are sent on the outside ends through AF_PACKET sockets opened inside
<prefix>o (setns through ctypes: python3's os.setns only exists from 3.12),
and what the router sends back is read both by those sockets (to build the
next step's frames) and by one tcpdump per end (-Q in, -U, ARP and IPv4
only), whose pcaps are the Linux output the comparison reads.

Nothing here touches the host's own interfaces: every link is created
directly inside the two namespaces.
"""

import ctypes
import os
import select
import signal
import socket
import subprocess
import time

import netpkt as P

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Skip(Exception):
    """The machine cannot run the Linux side (not root, no netns)."""


class HarnessError(Exception):
    pass


def in_netns(ns):
    """The command prefix that runs a program in network namespace `ns`.
    nsenter enters the network namespace only; `ip netns exec` also makes a
    private mount namespace with / as a slave, which fails where / is not a
    mount point (a chroot, as on a fresh-Debian test machine)."""
    return ["nsenter", f"--net=/var/run/netns/{ns}"]


def sh(*args, ns=None, check=True, input=None):
    cmd = (in_netns(ns) if ns else []) + [str(a) for a in args]
    r = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=20)
    if check and r.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)}: {r.stderr.strip() or r.stdout.strip()}")
    return r


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise HarnessError(f"setns: {os.strerror(err)}")


def sockets_in(ns, ifnames):
    """AF_PACKET sockets bound to `ifnames` inside namespace `ns`. A socket
    keeps the namespace it was created in, so the thread switches over, opens
    them and switches back."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    socks = {}
    try:
        _setns(target)
        try:
            for name in ifnames:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
                s.bind((name, 0))
                s.setblocking(False)
                socks[name] = s
        finally:
            _setns(home)
    finally:
        os.close(home)
        os.close(target)
    return socks


def have(tool):
    return subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode == 0


def check_can_run():
    """Raises Skip when no case can run here; NAT cases also need nft
    (checked per case by the driver, see have())."""
    if os.geteuid() != 0:
        raise Skip("not root: the Linux comparison needs network namespaces")
    probe = f"slxprobe{os.getpid()}"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip(f"`ip netns add` failed: {r.stderr.strip()}")
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    if not have("tcpdump"):
        raise Skip("tcpdump is not installed (Debian package tcpdump)")


_live = []  # harnesses not yet cleaned up, for the signal handler


def _on_signal(signum, frame):
    for h in list(_live):
        h.cleanup()
    raise SystemExit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


class LinuxRouter:
    STEP_WAIT = 0.15  # seconds to collect what one step provokes
    GAP = 0.002  # between frames of one step, so their order is kept

    def __init__(self, case, workdir):
        self.case = case
        self.workdir = workdir
        tag = f"slx{os.getpid()}"
        self.ns_r = tag + "r"
        self.ns_o = tag + "o"
        self.outside = {p.name: f"x{i}" for i, p in enumerate(case.ports)}
        self.procs = []
        self.socks = {}
        self.made = []

    def __enter__(self):
        _live.append(self)
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        for s in self.socks.values():
            s.close()
        self.socks = {}
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs = []
        for ns in self.made:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.made = []
        if self in _live:
            _live.remove(self)

    # --- topology --------------------------------------------------------------

    def setup(self):
        c = self.case
        r, o = self.ns_r, self.ns_o
        for ns in (r, o):
            sh("ip", "netns", "add", ns)
            self.made.append(ns)
            # No IPv6 anywhere: no router solicitations, MLD or DAD in the
            # captures. `default` before the links exist, so they inherit it.
            sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
               "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1",
           # Errors are what is compared: none may be rate-limited away.
           "net.ipv4.icmp_ratelimit=0",
           # strata's router sends no redirects and does no reverse-path check.
           "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0",
           "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", ns=r)
        # Per-namespace on recent kernels, global on old ones: best effort.
        sh("sysctl", "-qw", "net.ipv4.icmp_msgs_per_sec=100000", "net.ipv4.icmp_msgs_burst=100000",
           ns=r, check=False)
        for p in c.ports:
            end = c.end(p.name)
            x = self.outside[p.name]
            sh("ip", "link", "add", p.name, "netns", r, "address", p.mac, "mtu", p.mtu, "type",
               "veth", "peer", "name", x, "netns", o, "address", end.mac)
            sh("ip", "addr", "add", p.ip, "dev", p.name, ns=r)
            sh("ip", "link", "set", p.name, "up", ns=r)
            # The outside end takes any frame size the router may send.
            sh("ip", "link", "set", x, "mtu", 9000, "up", ns=o)
        for rt in c.routes:
            cmd = ["ip", "route", "replace", rt.prefix]
            if rt.via:
                cmd += ["via", rt.via]
            if rt.port:
                cmd += ["dev", rt.port]
            if rt.metric:
                cmd += ["metric", rt.metric]
            sh(*cmd, ns=r)
        for e in c.ends:
            for ip in e.ips:
                sh("ip", "neigh", "replace", ip, "lladdr", e.mac, "dev", e.port, "nud",
                   "permanent", ns=r)
        if c.nat:
            self.setup_nat()

    def setup_nat(self):
        nat = self.case.nat
        lo, hi = nat.ports
        inside = ", ".join(f'"{i}"' for i in nat.inside)
        # masquerade = NAPT to the outside port's address; `to :lo-hi` keeps the
        # public TCP/UDP ports in the configured range (nft allows a port range
        # only after a transport match, so ICMP gets a plain masquerade, which
        # keeps an echo identifier that is free). Linux keeps a private port
        # that is in range and free; otherwise it picks one in range.
        # The input rule drops what conntrack does not know (unsolicited
        # inbound), as strata's NAPT does: without it Linux would answer with
        # a port unreachable or a RST from the router itself.
        ruleset = f"""
table ip strata_nat {{
  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    iifname {{ {inside} }} oifname "{nat.outside}" meta l4proto {{ tcp, udp }} masquerade to :{lo}-{hi}
    iifname {{ {inside} }} oifname "{nat.outside}" masquerade
  }}
  chain input {{
    type filter hook input priority filter; policy accept;
    iifname "{nat.outside}" ct state new,invalid drop
  }}
  chain forward {{
    type filter hook forward priority filter; policy accept;
    iifname "{nat.outside}" ct state new,invalid drop
  }}
}}
"""
        # Static forwards: DNAT before routing, and let them through the
        # forward chain's drop of new inbound connections.
        dnat = "".join(f"    iifname \"{nat.outside}\" ip daddr {nat.public_ip} {f.proto} dport "
                       f"{f.public_port} dnat to {f.to}\n" for f in nat.forwards)
        if dnat:
            ruleset = ruleset.replace("  chain input {", "  chain prerouting {\n    type nat hook "
                                      "prerouting priority dstnat; policy accept;\n" + dnat +
                                      "  }\n  chain input {")
            ruleset = ruleset.replace(f'    iifname "{nat.outside}" ct state new,invalid drop\n  }}\n}}',
                                      f'    iifname "{nat.outside}" ct status dnat accept\n'
                                      f'    iifname "{nat.outside}" ct state new,invalid drop\n  }}\n}}')
        sh("nft", "-f", "-", ns=self.ns_r, input=ruleset)

    # --- running ---------------------------------------------------------------

    def start_captures(self):
        self.pcaps = {}
        for p in self.case.ports:
            path = os.path.join(self.workdir, f"linux.{p.name}.pcap")
            self.pcaps[p.name] = path
            proc = subprocess.Popen(
                in_netns(self.ns_o) + ["tcpdump", "-i", self.outside[p.name], "-Q",
                 "in", "-U", "--immediate-mode", "-n", "-s", "0", "-w", path, "arp or ip"], stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True)
            self.procs.append(proc)
            # tcpdump says "listening on" once its socket is open.
            deadline = time.monotonic() + 5
            line = ""
            while time.monotonic() < deadline:
                ready, _, _ = select.select([proc.stderr], [], [], 0.1)
                if ready:
                    line = proc.stderr.readline()
                    if "listening on" in line or not line:
                        break
            if "listening on" not in line:
                raise HarnessError(f"tcpdump on {p.name} did not start: {line.strip()}")

    def wait_for_captures(self, counts, seconds=3.0):
        """tcpdump drops what it has not read when it is stopped: wait until
        each file holds as many frames as the sockets saw (a loaded machine
        may run tcpdump late)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if all(len(P.read_pcap(self.pcaps[port])) >= n for port, n in counts.items()):
                    return
            except ValueError:
                pass  # the header not written yet
            time.sleep(0.02)

    def stop_captures(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def collect(self, outs, seconds):
        deadline = time.monotonic() + seconds
        by_fd = {s.fileno(): port for port, s in self.socks.items()}
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select(list(self.socks.values()), [], [], left)
            for s in ready:
                while True:
                    try:
                        frame, addr = s.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING or len(frame) < 14:
                        continue
                    ethertype = int.from_bytes(frame[12:14], "big")
                    if ethertype in (P.ETH_IPV4, P.ETH_ARP):
                        outs[by_fd[s.fileno()]].append(P.parse_frame(frame))

    def run(self):
        """Runs every step; returns {port: [frame bytes]} read from tcpdump's
        pcaps, and writes them as linux.<port>.pcap in the work directory."""
        c = self.case
        self.start_captures()
        names = {self.outside[p.name]: p.name for p in c.ports}
        socks = sockets_in(self.ns_o, names.keys())
        self.socks = {names[x]: s for x, s in socks.items()}
        outs = {p.name: [] for p in c.ports}
        self.sent = []
        steps = c.all_steps()
        for k, step in enumerate(steps):
            for port, frame in step(outs):
                try:
                    self.socks[port].send(frame)
                except OSError as e:
                    raise HarnessError(f"sending a {len(frame)}-byte frame on {port}: {e}")
                self.sent.append((port, frame))
                self.collect(outs, self.GAP)
            last = k == len(steps) - 1
            self.collect(outs, max(self.STEP_WAIT, c.settle_ms / 1000) if last else self.STEP_WAIT)
        self.wait_for_captures({port: len(v) for port, v in outs.items()})
        self.stop_captures()
        result = {}
        for port, path in self.pcaps.items():
            result[port] = [frame for _, frame in P.read_pcap(path)]
        live = {port: len(v) for port, v in outs.items()}
        captured = {port: len(v) for port, v in result.items()}
        if live != captured:
            raise HarnessError(f"tcpdump saw {captured} frames, the sockets saw {live}")
        return result
