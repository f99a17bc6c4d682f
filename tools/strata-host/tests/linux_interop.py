#!/usr/bin/env python3
"""strata-host against Linux over a TAP, in network namespaces it creates.

Server side: Linux's ping (also fragmented), arping, curl (10 MB byte-exact,
a 404), socat to TCP and UDP echo (port 7; 100 MB each way through TCP echo)
and TCP discard (port 9). MTU 1280 on the TAP: fragments and segment sizes.
PMTU: strata behind two Linux routers whose link has MTU 1280, talking to a
peer B on a 1500 link (TCP echo 10 MB each way, curl, ping -s 3000, a
3000-byte UDP echo). Client side: strata-host pings Linux, fetches 10 MB
from Python's http.server and from nginx (when installed), sends 10 MB to a
socat listener, and talks to a socat UDP echo.

Every exchange runs under tcpdump on the Linux side, and each capture goes
through the tshark check (docs/reference/tap.md lists what is tolerated and
why); so does the pcap strata-host writes of the server run.

Exit status: 0 passed, 1 failed, 77 skipped (not root, no /dev/net/tun, a
tool missing, or `ip netns add` failed). Needs iproute2, util-linux
(nsenter), iputils-ping, curl, socat, python3; tcpdump, tshark, arping and
nginx (nginx-light) optional.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from interop_tools import (HAVE_CAPTURE, PMTU_START_SEQUENCE_NOTES,  # noqa: E402
                           TOLERATE_FLOW_CONTROL, TOLERATE_PMTU_START, Checks, exchange, exchange_at, in_ns, run,
                           sh_ns, sha, start_host, stop, tap_name, tshark_check, tshark_count,
                           wait_reachable)

SKIP = 77


def server_side(exe, ns, work, c):
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    big = os.path.join(www, "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(10_000_000))
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<h1>strata</h1>\n")
    pcap = os.path.join(work, "server.pcap")
    tap = tap_name("srv")
    host = start_host(exe, ns, ["--tap", tap, "--address", "10.90.0.2/24", "--peer",
                                "10.90.0.1/24", "--echo", "--discard", "--http", www, "--pcap",
                                pcap, "--duration", "90", "--table"],
                      os.path.join(work, "server.log"))
    x = lambda name, fn, **kw: exchange(c, ns, tap, work, "srv-" + name, fn, **kw)
    try:
        c.check(wait_reachable(ns, "10.90.0.2"), "server: the strata host answers ping at all")

        def ping():
            p = run(in_ns(ns) + ["ping", "-n", "-c", "3", "-W", "1", "-i", "0.2", "10.90.0.2"])
            c.check(p.returncode == 0 and b"3 received" in p.stdout,
                    "server: ping -c 3: 3 received")
        x("ping", ping)

        def ping_big():
            # 3000 bytes of ICMP data: Linux sends the request in 3 fragments
            # (MTU 1500), strata reassembles it and fragments its reply.
            p = run(in_ns(ns) + ["ping", "-n", "-c", "2", "-W", "2", "-s", "3000", "10.90.0.2"])
            c.check(p.returncode == 0 and b"3008 bytes from 10.90.0.2" in p.stdout,
                    "server: ping -s 3000 (fragmented both ways): answered")
        x("ping-s3000", ping_big)

        def arping():
            # ARP requests from Linux for strata's address. Debian's `arping`
            # is Habets' ("2 packets received"), iputils-arping says
            # "Received 2 response(s)"; both print the replying MAC.
            p = run(in_ns(ns) + ["arping", "-c", "2", "-w", "5", "-I", tap, "10.90.0.2"],
                    timeout=10)
            out = p.stdout.lower()
            c.check(p.returncode == 0 and (b"2 packets received" in out or
                                           b"received 2 response" in out) and
                    b"02:53:54:00:00:02" in out,
                    "server: arping -c 2: 2 replies from strata's MAC" +
                    ("" if p.returncode == 0 else ": " + p.stdout.decode()[-300:]))
        if shutil.which("arping"):
            x("arping", arping)
        else:
            print("note: arping is not installed, not tried")

        got = os.path.join(work, "got.bin")

        def curl_big():
            p = run(in_ns(ns) + ["curl", "-s", "-m", "60", "-o", got,
                                 "http://10.90.0.2/big.bin"], timeout=70)
            c.check(p.returncode == 0 and os.path.exists(got) and sha(got) == sha(big),
                    "server: curl fetches 10 MB byte-exact")
        x("curl-10MB", curl_big, tolerate=TOLERATE_FLOW_CONTROL)

        def curl_404():
            p = run(in_ns(ns) + ["curl", "-s", "-m", "10", "-o", "/dev/null", "-w",
                                 "%{http_code}", "http://10.90.0.2/nothing-here"])
            c.check(p.stdout == b"404", "server: curl of a missing file gets 404")
        x("curl-404", curl_404)

        def echo_100():
            # 100 MB each way at once: socat sends, strata's echo sends it back.
            data = os.urandom(100_000_000)
            p = run(in_ns(ns) + ["socat", "-t", "5", "-", "TCP:10.90.0.2:7,shut-down"],
                    input=data, timeout=120)
            c.check(p.returncode == 0 and p.stdout == data,
                    "server: TCP echo returns 100 MB byte-exact (100 MB each direction)")
        x("echo-100MB", echo_100, snap=128, tolerate=TOLERATE_FLOW_CONTROL)

        def udp_echo():
            p = run(in_ns(ns) + ["socat", "-t", "0.5", "-", "UDP:10.90.0.2:7"],
                    input=b"strata udp\n", timeout=10)
            c.check(p.stdout == b"strata udp\n", "server: UDP echo returns the datagram")
        x("udp-echo", udp_echo)

        def discard():
            p = run(in_ns(ns) + ["socat", "-u", "OPEN:" + big, "TCP:10.90.0.2:9"], timeout=60)
            c.check(p.returncode == 0, "server: TCP discard takes 10 MB")
        # The discard service's random bytes are data: without a port
        # dissector for 9, tshark's heuristics (Thrift, ...) try to read them
        # as a protocol and report the garbage as malformed.
        x("discard-10MB", discard, snap=128, tolerate=TOLERATE_FLOW_CONTROL,
          decode=("tcp.port==9,data",))
    finally:
        status = stop(host)
    c.check(status == 0, f"server: strata-host ends on SIGINT with status 0 (got {status})")
    log = open(os.path.join(work, "server.log"), "rb").read()
    c.check(b"LISTEN" in log and b"http" in log, "server: the socket table shows the listeners")
    if shutil.which("tshark"):
        # strata's own capture of the whole run, too.
        tshark_check(c, pcap, "server (strata's pcap)", TOLERATE_FLOW_CONTROL,
                     ("tcp.port==9,data",))


def small_mtu_side(exe, ns, work, c):
    """strata-host --mtu 1280 (the TAP, so Linux's side too, gets MTU 1280):
    both fragment large datagrams at 1280 and reassemble the other's; TCP
    segments stay within it (MSS 1240, RFC 9293 §3.7.1)."""
    tap = tap_name("mtu")
    host = start_host(exe, ns, ["--tap", tap, "--address", "10.92.0.2/24", "--peer",
                                "10.92.0.1/24", "--mtu", "1280", "--echo", "--duration", "60",
                                "--mac", "02:53:54:00:12:80"], os.path.join(work, "mtu.log"))
    x = lambda name, fn, **kw: exchange(c, ns, tap, work, "mtu-" + name, fn, **kw)
    try:
        c.check(wait_reachable(ns, "10.92.0.2"), "mtu 1280: the strata host answers ping")

        def ping_big():
            p = run(in_ns(ns) + ["ping", "-n", "-c", "2", "-W", "2", "-s", "3000", "10.92.0.2"])
            c.check(p.returncode == 0 and b"3008 bytes from 10.92.0.2" in p.stdout,
                    "mtu 1280: ping -s 3000 answered (strata fragments its reply at 1280)")
        x("ping-s3000", ping_big)

        def echo_5():
            data = os.urandom(5_000_000)
            p = run(in_ns(ns) + ["socat", "-t", "5", "-", "TCP:10.92.0.2:7,shut-down"],
                    input=data, timeout=60)
            c.check(p.returncode == 0 and p.stdout == data,
                    "mtu 1280: TCP echo of 5 MB byte-exact")
        pcap = x("echo-5MB", echo_5, tolerate=TOLERATE_FLOW_CONTROL)
    finally:
        status = stop(host)
    c.check(status == 0, "mtu 1280: strata-host ends with status 0")
    if pcap:
        src = "eth.src == 02:53:54:00:12:80"
        c.check(tshark_count(pcap, f"{src} && frame.len > 1294") == 0,
                "mtu 1280: no frame from strata exceeds 1280 + 14")
        c.check(tshark_count(pcap, f"{src} && tcp.len == 1228") > 0,
                "mtu 1280: full TCP segments carry 1228 bytes (1280 - 20 - 20 - 12 timestamps)")
        frags = tshark_count(os.path.join(work, "mtu-ping-s3000.pcap"),
                             f"{src} && ip.flags.mf == 1")
        c.check(frags >= 2, "mtu 1280: strata sent first fragments (MF set)")


def client_side(exe, ns, work, c):
    """strata-host's client modes. Each run makes its TAP anew and moves it
    into `ns` as it starts, so tcpdump listens on `any` (a packet socket
    bound to no interface sees the TAP once it arrives; tshark reads the
    Linux cooked header instead of Ethernet)."""
    www = os.path.join(work, "www")
    big = os.path.join(www, "big.bin")
    addr = ["--tap", tap_name("cli"), "--address", "10.91.0.2/24", "--peer", "10.91.0.1/24"]
    x = lambda name, fn, **kw: exchange(c, ns, "any", work, "cli-" + name, fn, **kw)

    def ping():
        p = run([exe, "--netns", ns] + addr + ["--ping", "10.91.0.1", "--count", "3"],
                timeout=30)
        c.check(p.returncode == 0 and b"3 packets transmitted, 3 received" in p.stdout,
                "client: strata pings Linux, 3 received")
    x("ping", ping)

    # Listening on the wildcard address, the server starts before the TAP exists.
    web = subprocess.Popen(in_ns(ns) + [sys.executable, "-m", "http.server", "8080", "--bind",
                                        "0.0.0.0", "--directory", www],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        got = os.path.join(work, "fetched.bin")

        def fetch():
            p = run([exe, "--netns", ns] + addr + ["--fetch", "http://10.91.0.1:8080/big.bin",
                                                   "-o", got], timeout=90)
            c.check(p.returncode == 0 and sha(got) == sha(big),
                    "client: strata fetches 10 MB from Python's http.server byte-exact")
        x("fetch-python", fetch, tolerate=TOLERATE_FLOW_CONTROL)
    finally:
        stop(web, signal.SIGTERM)

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK)
                                      else None)
    if nginx:
        x("fetch-nginx", lambda: fetch_from_nginx(exe, ns, work, addr, nginx, www, big, c),
          tolerate=TOLERATE_FLOW_CONTROL)
    else:
        print("note: nginx is not installed, strata's client is not tried against it")

    received = os.path.join(work, "received.bin")
    sink = subprocess.Popen(in_ns(ns) + ["timeout", "60", "socat", "-u", "TCP-LISTEN:5001",
                                         "OPEN:" + received + ",creat,trunc"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def send():
            p = run([exe, "--netns", ns] + addr + ["--send", big, "--to", "10.91.0.1:5001"],
                    timeout=90)
            sink.wait(timeout=30)
            c.check(p.returncode == 0 and sha(received) == sha(big),
                    "client: strata sends 10 MB to a socat listener byte-exact")
        # Random bytes on a port tshark has no dissector for: read them as
        # data, else its heuristics (Thrift, ...) call them malformed.
        x("send-socat", send, tolerate=TOLERATE_FLOW_CONTROL, decode=("tcp.port==5001,data",))
    finally:
        stop(sink, signal.SIGTERM)

    # One socket, no fork and no `cat`: a forked child would outlive the
    # listener we stop and end as a zombie nobody waits for.
    echo = subprocess.Popen(in_ns(ns) + ["timeout", "30", "socat", "UDP-LISTEN:7007", "PIPE"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)

        def udp_echo():
            p = run([exe, "--netns", ns] + addr + ["--udp-echo", "10.91.0.1:7007", "--count",
                                                   "3"], timeout=30)
            c.check(p.returncode == 0 and b"3 of 3 echoes" in p.stdout,
                    "client: strata's UDP echo client gets 3 of 3 from socat")
        x("udp-echo", udp_echo)
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


def pmtu_side(exe, ns, work, c):
    """Path MTU discovery (RFC 1191) and fragmentation through Linux routers:

        strata 10.93.0.2 ─TAP─ R1 ─(veth, MTU 1280)─ R2 ─(veth, 1500)─ B 10.94.0.2
                      10.93.0.1   10.95.0.1    10.95.0.2  10.94.0.1

    The TAP's Linux end is R1's interface (R1 is namespace `ns`). B's own link
    is 1500, so B and strata both offer MSS 1460 and the small link is found
    only by discovery: R1 answers strata's 1500-byte DF segments with ICMP
    3/4 "fragmentation needed", next-hop MTU 1280 (Linux never rate-limits
    those); R2 does the same for B's. One router with the 1280 link to B
    would not do: B would then offer MSS 1240 itself."""
    r1, r2, b = ns, ns + "_r2", ns + "_b"
    made, procs = [], []
    tap = tap_name("pmtu")
    www = os.path.join(work, "www")
    big = os.path.join(www, "big.bin")
    try:
        for n in (r2, b):
            if run(["ip", "netns", "add", n]).returncode != 0:
                c.check(False, f"pmtu: ip netns add {n}")
                return
            made.append(n)
        fwd = "sysctl -qw net.ipv4.ip_forward=1"
        ok = (sh_ns(r1, "ip link add v12 type veth peer name v21 netns " + r2,
                    "ip addr add 10.95.0.1/24 dev v12", "ip link set v12 mtu 1280 up",
                    "ip route add 10.94.0.0/24 via 10.95.0.2", fwd) and
              sh_ns(r2, "ip addr add 10.95.0.2/24 dev v21", "ip link set v21 mtu 1280 up",
                    "ip link add v2b type veth peer name vb netns " + b,
                    "ip addr add 10.94.0.1/24 dev v2b", "ip link set v2b up",
                    "ip route add 10.93.0.0/24 via 10.95.0.1", fwd) and
              sh_ns(b, "ip addr add 10.94.0.2/24 dev vb", "ip link set vb up",
                    "ip route add default via 10.94.0.1"))
        c.check(ok, "pmtu: Linux routers R1, R2 and peer B set up")
        if not ok:
            return
        host = start_host(exe, r1, ["--tap", tap, "--address", "10.93.0.2/24", "--peer",
                                    "10.93.0.1/24", "--gateway", "10.93.0.1", "--echo",
                                    "--http", www, "--duration", "60", "--mac",
                                    "02:53:54:00:93:02"], os.path.join(work, "pmtu.log"))
        procs.append(host)
        c.check(wait_reachable(b, "10.93.0.2"), "pmtu: B reaches strata through R2 and R1")
        at = [(r1, tap, "R1"), (b, "vb", "B")]
        from_strata = "ip.src == 10.93.0.2"

        data = os.urandom(10_000_000)

        def echo():
            p = run(in_ns(b) + ["socat", "-t", "5", "-", "TCP:10.93.0.2:7,shut-down"],
                    input=data, timeout=60)
            c.check(p.returncode == 0 and p.stdout == data,
                    "pmtu: TCP echo from B, 10 MB each way byte-exact")
        pc = exchange_at(c, at, work, "pmtu-echo-10MB", echo, snap=128,
                         tolerate=TOLERATE_PMTU_START)
        if pc["R1"]:
            for tag in ("R1", "B"):
                c.check(tshark_count(pc[tag], PMTU_START_SEQUENCE_NOTES +
                                     " && tcp.time_relative > 0.5") == 0,
                        f"pmtu: at {tag}, tshark's gap/out-of-order notes are all in the first "
                        "0.5 s (the discovery)")
            c.check(tshark_count(pc["R1"], f"{from_strata} && tcp && ip.flags.df == 1 && "
                                 "ip.len > 1280") > 0,
                    "pmtu: strata first sends 1500-byte DF segments (MSS 1460 offered by B)")
            c.check(tshark_count(pc["R1"], "ip.src == 10.93.0.1 && ip.dst == 10.93.0.2 && "
                                 "icmp.type == 3 && icmp.code == 4 && icmp.mtu == 1280") > 0,
                    "pmtu: R1 sends strata ICMP fragmentation needed, next-hop MTU 1280")
            c.check(tshark_count(pc["B"], f"{from_strata} && ip.len > 1280") == 0,
                    "pmtu: no datagram of strata's reaching B exceeds 1280")
            c.check(tshark_count(pc["B"], f"{from_strata} && tcp && ip.len == 1280") > 0,
                    "pmtu: strata's segments then fill the path MTU (IP length 1280)")
            c.check(tshark_count(pc["B"], f"{from_strata} && ip.flags.mf == 1 && tcp") == 0,
                    "pmtu: strata's TCP is never fragmented (DF)")

        got = os.path.join(work, "pmtu-got.bin")

        def curl_big():
            p = run(in_ns(b) + ["curl", "-s", "-m", "40", "-o", got,
                                "http://10.93.0.2/big.bin"], timeout=50)
            c.check(p.returncode == 0 and os.path.exists(got) and sha(got) == sha(big),
                    "pmtu: curl in B fetches 10 MB from strata byte-exact")
        pc = exchange_at(c, at, work, "pmtu-curl-10MB", curl_big, tolerate=TOLERATE_FLOW_CONTROL)
        if pc["B"]:
            c.check(tshark_count(pc["B"], f"{from_strata} && ip.len > 1280") == 0,
                    "pmtu: a new connection uses the learnt path MTU (nothing over 1280)")

        def ping_big():
            p = run(in_ns(b) + ["ping", "-n", "-c", "2", "-W", "2", "-s", "3000", "10.93.0.2"])
            c.check(p.returncode == 0 and b"3008 bytes from 10.93.0.2" in p.stdout and
                    b"ttl=62" in p.stdout,
                    "pmtu: ping -s 3000 from B through two routers answered (ttl=62)")
        exchange_at(c, at, work, "pmtu-ping-s3000", ping_big)

        datagram = os.urandom(3000)

        def udp_big():
            p = run(in_ns(b) + ["socat", "-t", "0.5", "-", "UDP:10.93.0.2:7"], input=datagram,
                    timeout=10)
            c.check(p.stdout == datagram,
                    "pmtu: a 3000-byte UDP datagram from B comes back byte-exact")
        pc = exchange_at(c, at, work, "pmtu-udp-3000", udp_big)
        if pc["R1"]:
            # Fragments other than the last carry no UDP header of their own.
            c.check(tshark_count(pc["R1"], f"{from_strata} && ip.proto == 17 && "
                                 "ip.flags.mf == 1 && ip.len <= 1280") >= 2,
                    "pmtu: strata fragments its 3000-byte reply within the path MTU")
            c.check(tshark_count(pc["R1"], f"{from_strata} && ip.len > 1280") == 0,
                    "pmtu: nothing of strata's on its own link exceeds the learnt 1280")
            c.check(tshark_count(pc["B"], f"{from_strata} && udp.length == 3008") == 1,
                    "pmtu: B reassembles strata's 3000-byte datagram (tshark)")
    finally:
        for proc in procs:
            status = stop(proc)
            c.check(status == 0, f"pmtu: strata-host ends with status 0 (got {status})")
        for n in made:
            run(["ip", "netns", "del", n])


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
    # SIGTERM (ctest's timeout, a kill) unwinds like an exception, so the
    # `finally` blocks stop our processes by pid and delete the namespaces.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    c = Checks()
    if not HAVE_CAPTURE:
        print("note: no tcpdump or tshark: the exchanges are not captured and checked")
    for side, fn in (("srv", server_side), ("mtu", small_mtu_side), ("pmtu", pmtu_side),
                     ("cli", client_side)):
        ns = f"strata_host_{side}_{os.getpid()}"
        if run(["ip", "netns", "add", ns]).returncode != 0:
            print("skipped: `ip netns add` failed")
            return SKIP
        started = time.monotonic()
        try:
            fn(a.strata_host, ns, a.work, c)
            print(f"note: {side} took {time.monotonic() - started:.1f} s", flush=True)
        except Exception as e:  # a tool that did not start: a failure, then clean up
            c.check(False, f"{side}: {e!r}")
        finally:
            run(["ip", "netns", "del", ns])
    # The big files and strata's ~250 MB capture go; the logs stay for a
    # look, and the Linux-side captures too when something failed.
    for name in os.listdir(a.work):
        if name.endswith(".bin") or name == "server.pcap" or (name.endswith(".pcap") and
                                                               not c.failed):
            os.remove(os.path.join(a.work, name))
    try:
        os.remove(os.path.join(a.work, "www", "big.bin"))
    except FileNotFoundError:
        pass
    print(f"{len(c.failed)} failed" if c.failed else "all passed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
