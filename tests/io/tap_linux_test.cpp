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
#include "io/tap_linux_support.hpp"

using namespace strata;
using namespace std::chrono_literals;
using namespace taptest;
using strata_test::run_command;
using strata_test::TempDir;

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
