#!/usr/bin/env python3
"""strata-host against Linux over a TAP, in a network namespace it creates.

Server side: Linux's ping (also fragmented), curl (10 MB byte-exact, a 404), socat to TCP and
UDP echo (port 7; 100 MB each way through TCP echo) and TCP discard (port 9)
of a strata host. Client side: strata-host pings Linux, fetches 10 MB from
Python's http.server and from nginx (when installed), sends 10 MB to a socat
listener, and talks to a socat UDP echo. The pcap strata-host
writes of the server run goes through tshark's check when tshark is there.

Exit status: 0 passed, 1 failed, 77 skipped (not root, no /dev/net/tun, a
tool missing, or `ip netns add` failed). Needs iproute2, util-linux
(nsenter), iputils-ping, curl, socat, python3; tshark and nginx (nginx-light)
optional.
"""
import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77


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
    return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)


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


def server_side(exe, ns, work, c):
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    big = os.path.join(www, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(10_000_000))
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<h1>strata</h1>\n")
    pcap = os.path.join(work, "server.pcap")
    host = start_host(exe, ns, ["--address", "10.90.0.2/24", "--peer", "10.90.0.1/24", "--echo",
                                "--discard", "--http", www, "--pcap", pcap, "--duration", "90",
                                "--table"], os.path.join(work, "server.log"))
    try:
        c.check(wait_reachable(ns, "10.90.0.2"), "server: the strata host answers ping at all")
        p = run(in_ns(ns) + ["ping", "-n", "-c", "3", "-W", "1", "-i", "0.2", "10.90.0.2"])
        c.check(p.returncode == 0 and b"3 received" in p.stdout, "server: ping -c 3: 3 received")

        # 3000 bytes of ICMP data: Linux sends the request in 3 fragments
        # (MTU 1500), strata reassembles it and fragments its reply.
        p = run(in_ns(ns) + ["ping", "-n", "-c", "2", "-W", "2", "-s", "3000", "10.90.0.2"])
        c.check(p.returncode == 0 and b"3008 bytes from 10.90.0.2" in p.stdout,
                "server: ping -s 3000 (fragmented both ways): answered")

        got = os.path.join(work, "got.bin")
        p = run(in_ns(ns) + ["curl", "-s", "-m", "60", "-o", got, "http://10.90.0.2/big.bin"],
                timeout=70)
        c.check(p.returncode == 0 and os.path.exists(got) and sha(got) == sha(big),
                "server: curl fetches 10 MB byte-exact")
        p = run(in_ns(ns) + ["curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}",
                             "http://10.90.0.2/nothing-here"])
        c.check(p.stdout == b"404", "server: curl of a missing file gets 404")

        # 100 MB each way at once: socat sends, strata's echo sends it back.
        data = os.urandom(100_000_000)
        p = run(in_ns(ns) + ["socat", "-t", "5", "-", "TCP:10.90.0.2:7,shut-down"], input=data,
                timeout=120)
        c.check(p.returncode == 0 and p.stdout == data,
                "server: TCP echo returns 100 MB byte-exact (100 MB each direction)")
        p = run(in_ns(ns) + ["socat", "-t", "2", "-", "UDP:10.90.0.2:7"], input=b"strata udp\n",
                timeout=10)
        c.check(p.stdout == b"strata udp\n", "server: UDP echo returns the datagram")
        p = run(in_ns(ns) + ["socat", "-u", "OPEN:" + big, "TCP:10.90.0.2:9"], timeout=60)
        c.check(p.returncode == 0, "server: TCP discard takes 10 MB")
    finally:
        status = stop(host)
    c.check(status == 0, f"server: strata-host ends on SIGINT with status 0 (got {status})")
    log = open(os.path.join(work, "server.log"), "rb").read()
    c.check(b"LISTEN" in log and b"http" in log, "server: the socket table shows the listeners")
    if shutil.which("tshark"):
        # Flow control is not a fault: in the 100 MB echo one side's
        # application (socat behind Python's pipes, or the echo waiting for
        # room to send) reads slower than the other sends, so a sender fills
        # the advertised window (tcp.analysis.window_full) or a receiver
        # advertises zero (tcp.analysis.zero_window), which tshark reports
        # as warnings. Everything else must be silent.
        # The discard service's random bytes are data: without a port
        # dissector for 9, tshark's heuristics (Thrift, ...) try to read
        # them as a protocol and report the garbage as malformed.
        p = run(["tshark", "-r", pcap, "-d", "tcp.port==9,data", "-Y",
                 "_ws.malformed || (_ws.expert.severity >= warning && "
                 "!tcp.analysis.window_full && !tcp.analysis.zero_window)"], timeout=120)
        c.check(p.stdout.strip() == b"", "server: tshark finds nothing malformed or warned in "
                "the capture" + (" :\n" + p.stdout.decode()[:2000] if p.stdout.strip() else ""))


def small_mtu_side(exe, ns, work, c):
    """strata-host --mtu 1280 (the TAP, so Linux's side too, gets MTU 1280):
    both fragment large datagrams at 1280 and reassemble the other's; TCP
    segments stay within it (MSS 1240, RFC 9293 §3.7.1)."""
    pcap = os.path.join(work, "mtu.pcap")
    host = start_host(exe, ns, ["--address", "10.92.0.2/24", "--peer", "10.92.0.1/24", "--mtu",
                                "1280", "--echo", "--pcap", pcap, "--duration", "60",
                                "--mac", "02:53:54:00:12:80"], os.path.join(work, "mtu.log"))
    try:
        c.check(wait_reachable(ns, "10.92.0.2"), "mtu 1280: the strata host answers ping")
        p = run(in_ns(ns) + ["ping", "-n", "-c", "2", "-W", "2", "-s", "3000", "10.92.0.2"])
        c.check(p.returncode == 0 and b"3008 bytes from 10.92.0.2" in p.stdout,
                "mtu 1280: ping -s 3000 answered (strata fragments its reply at 1280)")
        data = os.urandom(5_000_000)
        p = run(in_ns(ns) + ["socat", "-t", "5", "-", "TCP:10.92.0.2:7,shut-down"], input=data,
                timeout=60)
        c.check(p.returncode == 0 and p.stdout == data, "mtu 1280: TCP echo of 5 MB byte-exact")
    finally:
        status = stop(host)
    c.check(status == 0, "mtu 1280: strata-host ends with status 0")
    if shutil.which("tshark"):
        src = "eth.src == 02:53:54:00:12:80"
        big = run(["tshark", "-r", pcap, "-Y", f"{src} && frame.len > 1294"], timeout=60)
        c.check(big.stdout.strip() == b"", "mtu 1280: no frame from strata exceeds 1280 + 14")
        frags = run(["tshark", "-r", pcap, "-Y", f"{src} && ip.flags.mf == 1"], timeout=60)
        c.check(len(frags.stdout.splitlines()) >= 2, "mtu 1280: strata sent first fragments")
        full = run(["tshark", "-r", pcap, "-Y", f"{src} && tcp.len == 1228"], timeout=60)
        c.check(len(full.stdout.splitlines()) > 0,
                "mtu 1280: full TCP segments carry 1228 bytes (1280 - 20 - 20 - 12 timestamps)")


def client_side(exe, ns, work, c):
    www = os.path.join(work, "www")
    big = os.path.join(www, "big.bin")
    addr = ["--address", "10.91.0.2/24", "--peer", "10.91.0.1/24"]

    p = run([exe, "--netns", ns] + addr + ["--ping", "10.91.0.1", "--count", "3"], timeout=30)
    c.check(p.returncode == 0 and b"3 packets transmitted, 3 received" in p.stdout,
            "client: strata pings Linux, 3 received")

    # Listening on the wildcard address, the server starts before the TAP exists.
    web = subprocess.Popen(in_ns(ns) + [sys.executable, "-m", "http.server", "8080", "--bind",
                                        "0.0.0.0", "--directory", www],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        got = os.path.join(work, "fetched.bin")
        p = run([exe, "--netns", ns] + addr + ["--fetch", "http://10.91.0.1:8080/big.bin",
                                               "-o", got], timeout=90)
        ok = p.returncode == 0
        c.check(ok and sha(got) == sha(big), "client: strata fetches 10 MB from Python's "
                "http.server byte-exact")
    finally:
        stop(web, signal.SIGTERM)

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK)
                                      else None)
    if nginx:
        fetch_from_nginx(exe, ns, work, addr, nginx, www, big, c)
    else:
        print("note: nginx is not installed, strata's client is not tried against it")

    received = os.path.join(work, "received.bin")
    sink = subprocess.Popen(in_ns(ns) + ["timeout", "60", "socat", "-u", "TCP-LISTEN:5001",
                                         "OPEN:" + received + ",creat,trunc"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p = run([exe, "--netns", ns] + addr + ["--send", big, "--to", "10.91.0.1:5001"],
                timeout=90)
        sink.wait(timeout=30)
        c.check(p.returncode == 0 and sha(received) == sha(big),
                "client: strata sends 10 MB to a socat listener byte-exact")
    finally:
        stop(sink, signal.SIGTERM)

    echo = subprocess.Popen(in_ns(ns) + ["timeout", "30", "socat", "UDP-LISTEN:7007,fork",
                                         "EXEC:cat"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        p = run([exe, "--netns", ns] + addr + ["--udp-echo", "10.91.0.1:7007", "--count", "3"],
                timeout=30)
        c.check(p.returncode == 0 and b"3 of 3 echoes" in p.stdout,
                "client: strata's UDP echo client gets 3 of 3 from socat")
    finally:
        stop(echo, signal.SIGTERM)


def fetch_from_nginx(exe, ns, work, addr, nginx, www, big, c):
    """Debian's nginx in the namespace, in the foreground, everything under `work`."""
    prefix = os.path.join(work, "nginx")
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{ listen 8081; root {www}; }}
}}
""")
    # Listening on the wildcard address, nginx starts before the TAP exists.
    web = subprocess.Popen(in_ns(ns) + [nginx, "-c", conf, "-p", prefix],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        got = os.path.join(work, "nginx.bin")
        p = run([exe, "--netns", ns] + addr + ["--fetch", "http://10.91.0.1:8081/big.bin",
                                               "-o", got], timeout=90)
        ok = p.returncode == 0
        c.check(ok and sha(got) == sha(big), "client: strata fetches 10 MB from nginx byte-exact")
    finally:
        stop(web, signal.SIGQUIT)
        try:
            os.remove(os.path.join(work, "nginx.bin"))
        except FileNotFoundError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata-host", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("skipped: not root (a TAP and a namespace need CAP_NET_ADMIN)")
        return SKIP
    if not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        print("skipped: no /dev/net/tun")
        return SKIP
    for tool in ("ip", "nsenter", "ping", "curl", "socat"):
        if not shutil.which(tool):
            print(f"skipped: no `{tool}` installed")
            return SKIP
    # Root in a container without CAP_NET_ADMIN cannot create a TAP.
    probe = run([a.strata_host, "--address", "192.0.2.1/24", "--duration", "0.05"])
    if probe.returncode == 3:
        print("skipped: strata-host cannot open a TAP: " + probe.stderr.decode().strip())
        return SKIP
    os.makedirs(a.work, exist_ok=True)
    c = Checks()
    for side, fn in (("srv", server_side), ("mtu", small_mtu_side), ("cli", client_side)):
        ns = f"strata_host_{side}_{os.getpid()}"
        if run(["ip", "netns", "add", ns]).returncode != 0:
            print("skipped: `ip netns add` failed")
            return SKIP
        try:
            fn(a.strata_host, ns, a.work, c)
        finally:
            run(["ip", "netns", "del", ns])
    # The big files and the ~250 MB capture go; the logs stay for a look.
    for name in ("server.pcap", "mtu.pcap", "got.bin", "fetched.bin", "received.bin", "www/big.bin"):
        try:
            os.remove(os.path.join(a.work, name))
        except FileNotFoundError:
            pass
    print(f"{len(c.failed)} failed" if c.failed else "all passed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
