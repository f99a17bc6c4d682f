// What the TAP tests against Linux share (tap_linux_test.cpp,
// tap_linux_router_test.cpp): a network namespace and a child process that
// clean up on every path, the Linux side's tools, small nodes, and tshark's
// reading of a capture. See tap_linux_test.cpp for what the tests need.
#pragma once

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

namespace taptest {

using namespace strata;
using namespace std::chrono_literals;
using strata_test::run_command;
using strata_test::TempDir;

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

inline bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

/// Why the Linux side cannot run here, or "" when it can.
inline std::string linux_side_missing() {
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

inline int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

inline router::RouterConfig one_port(const char* mac, const char* cidr) {
    router::RouterConfig c;
    c.ports.push_back({*MacAddress::parse(mac), *Ipv4Prefix::parse(cidr), 1500});
    return c;
}

/// Moves `tap` into `ns` and gives the Linux side `cidr` (and a default
/// route via `gw` if given). Returns false if any step fails.
inline bool configure_linux_side(const Netns& ns, const TapDevice& tap, const std::string& cidr,
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
inline std::string tshark_complaints(const std::string& pcap, const TempDir& dir) {
    const auto r = run_command(
        "tshark -r " + pcap + " -Y '_ws.malformed || _ws.expert.severity >= warning'", dir);
    return r.out + strata_test::without_root_warning(r.err);
}

inline std::size_t tshark_count(const std::string& pcap, const std::string& filter,
                                const TempDir& dir) {
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

inline std::uint64_t sysfs_counter(const std::string& tap, const char* name) {
    return std::stoull(
        strata_test::read_text("/sys/class/net/" + tap + "/statistics/" + std::string(name)));
}

} // namespace taptest
