// TapDevice and TapRunner against Linux itself. The tests create their own
// network namespace (a unique name, deleted on every path by an RAII guard),
// open a TAP in the root namespace, move it into the namespace, configure
// the Linux side there with `nsenter --net=/var/run/netns/<ns> ip ...`
// (nsenter rather than `ip netns exec`, which needs / to be a mount point and
// fails in a chroot; see tests/linux/linux_router.py), and run a strata
// Router on the descriptor side while Linux's own ping and arping talk to it.
// Linux is the independent judge: its tools' exit status and output, and
// tshark's reading of the capture the runner wrote.
//
// Needs root (CAP_NET_ADMIN), /dev/net/tun, iproute2, nsenter (util-linux)
// and ping (iputils-ping); arping (Habets' `arping` or iputils-arping) and
// tshark are used when installed. Without root or /dev/net/tun the cases
// that need them print a WARN saying why and pass (Catch2 v2 has no skip).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <strata/device/router.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/io/tap_device.hpp>
#include <strata/io/tap_runner.hpp>

#include "io/io_test_util.hpp"

extern char** environ;

using namespace strata;
using namespace std::chrono_literals;
using strata_test::run_command;
using strata_test::TempDir;

namespace {

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

/// Why the Linux side cannot run here, or "" when it can.
std::string linux_side_missing() {
    if (::geteuid() != 0) return "not root (creating a TAP and a namespace needs CAP_NET_ADMIN)";
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "no /dev/net/tun";
    for (const char* tool : {"ip", "nsenter", "ping"})
        if (!have(tool)) return std::string("no `") + tool + "` installed";
    // Root in a container without CAP_NET_ADMIN: TUNSETIFF says EPERM.
    if (auto probe = TapDevice::open(); !probe)
        return "cannot create a TAP: " + probe.error().message();
    return "";
}

/// A network namespace with a unique name, deleted by the destructor.
class Netns {
    std::string name_;
    bool ok_ = false;

public:
    explicit Netns(const char* tag) {
        static std::atomic<int> counter{0};
        name_ = std::string("strata_tap_") + tag + "_" + std::to_string(::getpid()) + "_" +
                std::to_string(counter++);
        ok_ = std::system(("ip netns add " + name_ + " >/dev/null 2>&1").c_str()) == 0;
    }
    ~Netns() {
        if (ok_) [[maybe_unused]]
            const int rc = std::system(("ip netns del " + name_ + " >/dev/null 2>&1").c_str());
    }
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;
    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    /// `cmd` run inside the namespace (network namespace only).
    [[nodiscard]] std::string in(const std::string& cmd) const {
        return "nsenter --net=/var/run/netns/" + name_ + " " + cmd;
    }
};

/// A shell command running alongside the test, its output in a file; killed
/// and reaped by the destructor if still running, so nothing outlives a test.
class Child {
    pid_t pid_ = -1;
    int status_ = -1;
    bool done_ = false;
    std::string out_;

public:
    Child(const std::string& cmd, std::string out_file) : out_(std::move(out_file)) {
        const std::string line = "exec " + cmd + " >" + out_ + " 2>&1 </dev/null";
        const char* argv[] = {"/bin/sh", "-c", line.c_str(), nullptr};
        if (::posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) !=
            0)
            pid_ = -1, done_ = true;
    }
    ~Child() {
        if (!done_ && pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    /// True once the child has exited (reaps it).
    bool exited() {
        if (done_) return true;
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            done_ = true;
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        return done_;
    }
    [[nodiscard]] int exit_code() const { return status_; }
    [[nodiscard]] std::string output() const { return strata_test::read_text(out_); }
};

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

router::RouterConfig one_port(const char* mac, const char* cidr) {
    router::RouterConfig c;
    c.ports.push_back({*MacAddress::parse(mac), *Ipv4Prefix::parse(cidr), 1500});
    return c;
}

/// Moves `tap` into `ns` and gives the Linux side `cidr` (and a default
/// route via `gw` if given). Returns false if any step fails.
bool configure_linux_side(const Netns& ns, const TapDevice& tap, const std::string& cidr,
                          const std::string& gw = "") {
    const std::string& t = tap.name();
    bool ok = sh("ip link set " + t + " netns " + ns.name()) == 0 &&
              sh(ns.in("ip link set lo up")) == 0 &&
              sh(ns.in("ip addr add " + cidr + " dev " + t)) == 0 &&
              sh(ns.in("ip link set " + t + " up")) == 0;
    if (ok && !gw.empty()) ok = sh(ns.in("ip route add default via " + gw)) == 0;
    return ok;
}

/// tshark's check of a capture: no malformed packet, no expert warning.
/// Returns what tshark printed (empty is the pass).
std::string tshark_complaints(const std::string& pcap, const TempDir& dir) {
    const auto r = run_command(
        "tshark -r " + pcap + " -Y '_ws.malformed || _ws.expert.severity >= warning'", dir);
    return r.out + strata_test::without_root_warning(r.err);
}

std::size_t tshark_count(const std::string& pcap, const std::string& filter, const TempDir& dir) {
    const auto r = run_command("tshark -r " + pcap + " -Y '" + filter + "'", dir);
    return strata_test::split_lines(r.out).size();
}

/// Runs the runner until `child` exits (at most `limit`).
template <class R>
void run_while(R& runner, Child& child, Duration limit) {
    auto st = runner.run_for(limit, [&] { return child.exited(); });
    REQUIRE(st);
    INFO("the runner ran " << ns_since_start(st->ended) / 1'000'000 << " ms");
    REQUIRE(child.exited()); // the Linux command finished before the limit
}

/// A node with no ports and one timer: records when poll() ran.
struct TimerNode {
    Instant due = never;
    std::vector<Instant> polled;
    DropCounts none;
    [[nodiscard]] std::size_t port_count() const { return 0; }
    template <class Out>
    void receive(PortId, MutBytes, Instant, Out&) {}
    template <class Out>
    void poll(Instant now, Out&) {
        polled.push_back(now);
        due = never;
    }
    [[nodiscard]] Instant poll_at() const { return due; }
    [[nodiscard]] const DropCounts& drops() const { return none; }
};

/// A node with one port that sends frames of the given lengths at its next
/// poll (broadcast, EtherType 0x88b5: IEEE's local experimental), and
/// records what each send() returned.
struct SenderNode {
    std::vector<std::size_t> lengths;
    std::vector<bool> sent;
    PortId port{0};
    DropCounts none;
    [[nodiscard]] std::size_t port_count() const { return 1; }
    template <class Out>
    void receive(PortId, MutBytes, Instant, Out&) {}
    template <class Out>
    void poll(Instant, Out& out) {
        for (const std::size_t n : lengths)
            sent.push_back(out.send(port, n, [n](MutBytes b) -> std::size_t {
                std::fill(b.begin(), b.end(), Byte{0});
                std::fill_n(b.begin(), 6, Byte{0xff});
                b[6] = 0x02;
                b[12] = 0x88;
                b[13] = 0xb5;
                return n;
            }));
        lengths.clear();
    }
    [[nodiscard]] Instant poll_at() const { return lengths.empty() ? never : Instant{}; }
    [[nodiscard]] const DropCounts& drops() const { return none; }
};

std::uint64_t sysfs_counter(const std::string& tap, const char* name) {
    return std::stoull(
        strata_test::read_text("/sys/class/net/" + tap + "/statistics/" + std::string(name)));
}

} // namespace

// ---------------------------------------------------------------- no root

TEST_CASE("TapDevice: expected failures are values naming the call and the errno", "[io][tap]") {
    TapOptions o;
    o.clone_path = "/nonexistent/strata/tun";
    auto missing = TapDevice::open(o);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().call == "open(/dev/net/tun)");
    CHECK(missing.error().name() == "ENOENT");
    CHECK(missing.error().message() ==
          "open(/dev/net/tun): ENOENT (errno " + std::to_string(ENOENT) + ")");

    // IFNAMSIZ is 16 with the NUL: a 16-byte name cannot be an interface's.
    TapOptions long_name;
    long_name.name = "strata_tap_16chr";
    auto too_long = TapDevice::open(long_name);
    REQUIRE_FALSE(too_long);
    CHECK(too_long.error().call == "name");
    CHECK(too_long.error().name() == "EINVAL");

    // Without CAP_NET_ADMIN the kernel refuses TUNSETIFF.
    if (::geteuid() != 0 && ::access("/dev/net/tun", R_OK | W_OK) == 0) {
        auto denied = TapDevice::open();
        REQUIRE_FALSE(denied);
        CHECK(denied.error().call == "ioctl(TUNSETIFF)");
        CHECK(denied.error().name() == "EPERM");
    }
}

TEST_CASE("TapRunner: timers are never early, a run ends at its deadline or on request",
          "[io][tap]") {
    TimerNode node;
    auto runner = TapRunner<TimerNode>::create(node);
    REQUIRE(runner);

    const Instant t0 = runner->now();
    node.due = t0 + 20ms;
    auto st = runner->run_until(t0 + 60ms);
    REQUIRE(st);
    CHECK_FALSE(st->stopped);
    CHECK(st->ended >= t0 + 60ms);
    CHECK(st->ended < t0 + 1s); // generous: a loaded machine, but bounded
    REQUIRE(node.polled.size() == 1);
    CHECK(node.polled[0] >= t0 + 20ms);

    // The stop predicate ends a run long before its deadline.
    int turns = 0;
    st = runner->run_for(10s, [&] { return ++turns == 3; });
    REQUIRE(st);
    CHECK(st->stopped);
    CHECK(st->ended - t0 < 5s);

    // request_stop() from another thread wakes epoll_wait at once.
    const Instant t1 = runner->now();
    std::thread stopper([&] {
        std::this_thread::sleep_for(30ms);
        runner->request_stop();
    });
    st = runner->run_for(Duration::max()); // never: only the request ends it
    stopper.join();
    REQUIRE(st);
    CHECK(st->stopped);
    CHECK(st->ended - t1 < 5s);
}

// ---------------------------------------------------------------- root

TEST_CASE("TapDevice: Linux sees the interface, its MTU, MAC and flags, and its end",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    TempDir dir;
    std::string name;
    {
        TapOptions o;
        o.mtu = 1400;
        o.up = true;
        auto tap = TapDevice::open(o);
        INFO((tap ? std::string() : tap.error().message()));
        REQUIRE(tap);
        name = tap->name();
        CHECK(name.rfind("tap", 0) == 0); // the kernel's "tap%d"
        CHECK(tap->fd() >= 0);

        // `ip -o link show` is the independent reading.
        const auto shown = run_command("ip -o link show dev " + name, dir);
        REQUIRE(shown.exit_code == 0);
        CHECK(contains(shown.out, "mtu 1400"));
        CHECK(contains(shown.out, ",UP"));
        auto mac = tap->mac();
        REQUIRE(mac);
        CHECK(contains(shown.out, "link/ether " + to_string(*mac)));
        auto mtu = tap->mtu();
        REQUIRE(mtu);
        CHECK(*mtu == 1400);

        // Linux's TAP takes MTUs in [68, 65521]: 10 is refused by the kernel.
        auto bad = tap->set_mtu(10);
        REQUIRE_FALSE(bad);
        CHECK(bad.error().call == "ioctl(SIOCSIFMTU)");
        CHECK(bad.error().name() == "EINVAL");

        // The name of a device that is not a TAP: TUNSETIFF says EINVAL.
        TapOptions lo;
        lo.name = "lo";
        auto clash = TapDevice::open(lo);
        REQUIRE_FALSE(clash);
        CHECK(clash.error().call == "ioctl(TUNSETIFF)");
        CHECK(clash.error().name() == "EINVAL");

        // A TAP of that name already attached to a descriptor: EBUSY.
        TapOptions same;
        same.name = name;
        auto busy = TapDevice::open(same);
        REQUIRE_FALSE(busy);
        CHECK(busy.error().call == "ioctl(TUNSETIFF)");
        CHECK(busy.error().name() == "EBUSY");

        // Nothing was sent: a read says EAGAIN at once (non-blocking).
        Byte buf[2048];
        // An interface that is up sends IPv6 router solicitations after a
        // while; drain whatever is there, then expect EAGAIN.
        for (int i = 0; i < 64; ++i) {
            auto r = tap->read(MutBytes(buf, sizeof buf));
            if (!r) {
                CHECK(r.error().name() == "EAGAIN");
                break;
            }
        }
    }
    // Not persistent: closing the descriptor removed the interface.
    CHECK(run_command("ip link show dev " + name, dir).exit_code != 0);
}

TEST_CASE("TapOut: what a node sends reaches the kernel, or is refused and counted",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    auto tap = TapDevice::open();
    REQUIRE(tap);
    SenderNode node;
    auto runner = TapRunner<SenderNode>::create(node);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap));
    const TapPortCounters& c = runner->counters(PortId{0});

    // The interface is down: the kernel refuses the write with EIO.
    node.lengths = {60};
    REQUIRE(runner->run_for(20ms));
    REQUIRE(node.sent == std::vector<bool>{false});
    CHECK(c.drops[DropReason::link_down] == 1);
    REQUIRE(c.last_error.has_value());
    CHECK(c.last_error->call == "write(tap)");
    CHECK(c.last_error->name() == "EIO");

    // Up: 60 and 1514 bytes (MTU 1500 + 14) go; 1515 is refused before the
    // write. The kernel's own receive counters of the interface say what
    // arrived.
    REQUIRE(tap->set_up(true));
    const auto rx_packets = sysfs_counter(tap->name(), "rx_packets");
    const auto rx_bytes = sysfs_counter(tap->name(), "rx_bytes");
    node.sent.clear();
    node.lengths = {60, 1514, 1515};
    REQUIRE(runner->run_for(20ms));
    CHECK(node.sent == std::vector<bool>{true, true, false});
    CHECK(c.drops[DropReason::too_big] == 1);
    CHECK(c.frames_out == 2);
    CHECK(c.bytes_out == 60 + 1514);
    CHECK(sysfs_counter(tap->name(), "rx_packets") - rx_packets == 2);
    CHECK(sysfs_counter(tap->name(), "rx_bytes") - rx_bytes == 60 + 1514);

    // Detached: the port has no device any more.
    REQUIRE(runner->detach(PortId{0}));
    CHECK_FALSE(runner->detach(PortId{0}));
    node.sent.clear();
    node.lengths = {60};
    REQUIRE(runner->run_for(20ms));
    CHECK(node.sent == std::vector<bool>{false});
    CHECK(c.drops[DropReason::link_down] == 2);
    REQUIRE(runner->attach(PortId{0}, *tap));

    // A port the node does not have: refused, nothing written.
    node.sent.clear();
    node.port = PortId{3};
    node.lengths = {60};
    REQUIRE(runner->run_for(20ms));
    CHECK(node.sent == std::vector<bool>{false});
    CHECK(c.frames_out == 2);
}

TEST_CASE("TapRunner: an interface deleted under a running runner is one error, not a spin",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    TempDir dir;
    auto tap = TapDevice::open();
    REQUIRE(tap);
    SenderNode node;
    auto runner = TapRunner<SenderNode>::create(node);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap));
    Child del("sh -c 'sleep 0.05; ip link del " + tap->name() + "'", dir.file("del.out"));
    auto st = runner->run_for(300ms);
    REQUIRE(st);
    REQUIRE(del.exited());
    CHECK(del.exit_code() == 0);
    const TapPortCounters& c = runner->counters(PortId{0});
    // The kernel answers reads of a TAP whose interface is gone with
    // EBADFD, and epoll keeps reporting it: the runner reads it once, then
    // stops watching that descriptor.
    CHECK(c.read_errors == 1);
    REQUIRE(c.last_error.has_value());
    CHECK(c.last_error->name() == "EBADFD");
    CHECK(st->wakeups < 20); // ~3 at 100 ms per idle wait; a spin would be 100 000s
    // Sends fail and are counted.
    node.lengths = {60};
    REQUIRE(runner->run_for(10ms));
    CHECK(node.sent == std::vector<bool>{false});
    CHECK(c.drops[DropReason::link_down] == 1);
}

TEST_CASE("TapRunner: a strata Router answers Linux's ping and arping on a TAP in a namespace",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    Netns ns("ping");
    if (!ns.ok()) {
        WARN("skipped: `ip netns add` failed");
        return;
    }
    TempDir dir;
    auto tap = TapDevice::open();
    REQUIRE(tap);
    Router<> router(one_port("02:00:5e:77:00:01", "10.77.0.1/24"), RandomStream(7));
    auto runner = TapRunner<Router<>>::create(router);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap));
    CHECK(runner->caps(PortId{0}) == TapDevice::caps(1500)); // no offload without vnet headers
    const std::string pcap = dir.file("port0.pcap");
    auto writer = PcapWriter::open(pcap);
    REQUIRE(writer);
    runner->set_pcap(PortId{0}, std::move(*writer));
    std::vector<TraceKind> traced;
    runner->set_trace([&](Instant, const TraceEvent& e) { traced.push_back(e.kind); });
    REQUIRE(configure_linux_side(ns, *tap, "10.77.0.2/24"));

    // ping: three echo requests 0.2 s apart, each answered within 1 s.
    {
        Child ping(ns.in("timeout 20 ping -n -c 3 -W 1 -i 0.2 10.77.0.1"), dir.file("ping.out"));
        run_while(*runner, ping, 25s);
        INFO(ping.output());
        CHECK(ping.exit_code() == 0);
        CHECK(contains(ping.output(), "3 packets transmitted, 3 received"));
        CHECK(contains(ping.output(), "ttl=64")); // the router's echo reply TTL
    }

    // arping: two ARP requests for the router's address, both answered.
    std::size_t arping_replies = 0;
    if (have("arping")) {
        const bool habets =
            contains(run_command("arping --help", dir).out + run_command("arping --help", dir).err,
                     "Habets");
        const std::string cmd =
            habets ? "timeout 20 arping -c 2 -W 0.2 -i " + tap->name() + " 10.77.0.1"
                   : "timeout 20 arping -c 2 -w 10 -I " + tap->name() + " 10.77.0.1";
        Child arping(ns.in(cmd), dir.file("arping.out"));
        run_while(*runner, arping, 25s);
        INFO(arping.output());
        CHECK(arping.exit_code() == 0);
        CHECK((contains(arping.output(), "2 packets received") ||
               contains(arping.output(), "Received 2 response")));
        arping_replies = 2;
    } else {
        WARN("arping is not installed: the ARP check rests on ping's own ARP");
    }
    REQUIRE(runner->pcap(PortId{0}) != nullptr);
    REQUIRE(runner->pcap(PortId{0})->flush());

    // The router dropped nothing for being broken. What Linux sends besides
    // is IPv6 (MLD reports, neighbour solicitations to 33:33:… multicast
    // MACs: not_for_me; to the router's MAC it would be unsupported).
    const DropCounts& d = router.drops();
    CHECK(d[DropReason::malformed] == 0);
    CHECK(d[DropReason::bad_checksum] == 0);
    CHECK(d[DropReason::not_for_me] + d[DropReason::unsupported] == d.total());
    const TapPortCounters& c = runner->counters(PortId{0});
    CHECK(c.drops.total() == 0);
    CHECK(c.read_errors == 0);
    CHECK(c.pcap_errors == 0);
    // In: 3 echo requests + 1 ARP request (ping) + the arping requests.
    CHECK(c.frames_in >= 4 + arping_replies);
    CHECK(d.total() == c.frames_in - 4 - arping_replies);
    // Out: 3 echo replies + the ARP replies (the router asks nothing).
    CHECK(c.frames_out == 4 + arping_replies);
    CHECK(std::count(traced.begin(), traced.end(), TraceKind::icmp_echo_replied) +
              std::count(traced.begin(), traced.end(), TraceKind::frame_sent) >=
          3);
    CHECK(std::count(traced.begin(), traced.end(), TraceKind::arp_reply_sent) ==
          static_cast<long>(1 + arping_replies));

    if (have("tshark")) {
        REQUIRE(runner->pcap(PortId{0})->close());
        CHECK(tshark_complaints(pcap, dir).empty());
        // Every frame the router dropped was one of Linux's IPv6 frames.
        CHECK(tshark_count(pcap, "ipv6", dir) == d.total());
        CHECK(tshark_count(pcap, "icmp.type == 8", dir) == 3);
        CHECK(tshark_count(pcap, "icmp.type == 0 && ip.src == 10.77.0.1", dir) == 3);
        CHECK(tshark_count(pcap, "arp.opcode == 2 && arp.src.proto_ipv4 == 10.77.0.1", dir) ==
              1 + arping_replies);
    } else {
        WARN("tshark is not installed: the capture is not checked");
    }
}

TEST_CASE("TapRunner: a two-port Router forwards Linux's ping between two namespaces",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    Netns a("a"), b("b");
    if (!a.ok() || !b.ok()) {
        WARN("skipped: `ip netns add` failed");
        return;
    }
    TempDir dir;
    auto tap_a = TapDevice::open();
    REQUIRE(tap_a);
    auto tap_b = TapDevice::open();
    REQUIRE(tap_b);
    router::RouterConfig config;
    config.ports.push_back(
        {*MacAddress::parse("02:00:5e:77:01:01"), *Ipv4Prefix::parse("10.77.1.1/24"), 1500});
    config.ports.push_back(
        {*MacAddress::parse("02:00:5e:77:02:01"), *Ipv4Prefix::parse("10.77.2.1/24"), 1500});
    Router<> router(config, RandomStream(11));
    auto runner = TapRunner<Router<>>::create(router);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap_a));
    REQUIRE(runner->attach(PortId{1}, *tap_b));
    CHECK_FALSE(runner->attach(PortId{1}, *tap_b)); // bound already
    const std::string pcap_b = dir.file("port1.pcap");
    auto writer = PcapWriter::open(pcap_b);
    REQUIRE(writer);
    runner->set_pcap(PortId{1}, std::move(*writer));
    REQUIRE(configure_linux_side(a, *tap_a, "10.77.1.2/24", "10.77.1.1"));
    REQUIRE(configure_linux_side(b, *tap_b, "10.77.2.2/24", "10.77.2.1"));

    Child ping(a.in("timeout 20 ping -n -c 3 -W 1 -i 0.2 10.77.2.2"), dir.file("ping.out"));
    run_while(*runner, ping, 25s);
    INFO(ping.output());
    CHECK(ping.exit_code() == 0);
    CHECK(contains(ping.output(), "3 packets transmitted, 3 received"));
    // B answers with TTL 64; one router on the way back leaves 63.
    CHECK(contains(ping.output(), "ttl=63"));
    // 3 requests one way and 3 replies the other.
    CHECK(router.forwarded() == 6);
    CHECK(router.drops()[DropReason::malformed] == 0);
    CHECK(router.drops()[DropReason::bad_checksum] == 0);
    CHECK(router.drops()[DropReason::no_route] == 0);
    CHECK(runner->counters(PortId{0}).drops.total() == 0);
    CHECK(runner->counters(PortId{1}).drops.total() == 0);

    // Nobody has 10.77.2.99: the router's ARP timer (poll_at/poll on the
    // steady clock) asks three times, 1 s apart (ArpConfig: retry 1 s,
    // tries 3), then gives up and tells the sender: host unreachable (3/1).
    {
        Child lost(a.in("timeout 20 ping -n -c 1 -W 8 10.77.2.99"), dir.file("lost.out"));
        run_while(*runner, lost, 25s);
        INFO(lost.output());
        CHECK(lost.exit_code() == 1); // iputils: no reply
        CHECK(contains(lost.output(), "From 10.77.1.1 icmp_seq=1 Destination Host Unreachable"));
        CHECK(router.drops()[DropReason::arp_unresolved] == 1);
    }

    if (have("tshark")) {
        REQUIRE(runner->pcap(PortId{1})->close());
        // The three requests, never early: each at least 1 s after the last
        // (and not much later: the runner wakes within a millisecond).
        const auto times = strata_test::split_lines(
            run_command("tshark -r " + pcap_b +
                            " -Y 'arp.opcode == 1 && arp.dst.proto_ipv4 == 10.77.2.99'"
                            " -T fields -e frame.time_epoch",
                        dir)
                .out);
        REQUIRE(times.size() == 3);
        for (std::size_t i = 1; i < times.size(); ++i) {
            const auto gap =
                strata_test::parse_epoch(times[i]) - strata_test::parse_epoch(times[i - 1]);
            CHECK(gap >= 1s);
            CHECK(gap < 1s + 200ms);
        }
        const std::string p = pcap_b;
        CHECK(tshark_complaints(p, dir).empty());
        // On B's link the requests left the router with TTL 63.
        CHECK(tshark_count(p, "icmp.type == 8 && ip.ttl == 63 && ip.src == 10.77.1.2", dir) == 3);
        // The router resolved B by ARP itself.
        CHECK(tshark_count(p, "arp.opcode == 1 && arp.src.proto_ipv4 == 10.77.2.1", dir) >= 1);
    }
}
