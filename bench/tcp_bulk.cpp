// Bulk TCP: 1 GiB through one connection with the default MSS (1460 on
// Ethernet's 1500-byte MTU), side by side (issue 10, item 7).
//
//   tcp_bulk/strata: two Host<Ethernet<IPv4<TCP<>>>> on a sim::Network
//     link of 100 Gbit/s each way, 1 µs propagation delay, lossless (a
//     queue of 100 000 frames, so the link never drops; checked). A
//     coroutine on a sends 1 GiB from a 64 KiB buffer, one on b reads it
//     into a 64 KiB buffer; both hosts' defaults (256 KiB buffers, SACK,
//     timestamps, window scaling, Nagle, NewReno). The run is single
//     threaded: the virtual clock runs as fast as the code does.
//   tcp_bulk/linux_loopback: a real TCP connection on 127.0.0.1 in this
//     process, a sender thread writing 64 KiB at a time, the main thread
//     reading. Default socket options: on lo (MTU 65536) Linux picks an MSS
//     of 65483 (mtu - 40 - 12 bytes of timestamps) — measured and reported
//     as the "mss" counter. Two cores are busy (sender and receiver threads
//     plus the kernel work they carry) unless the run is pinned.
//   tcp_bulk/lwip (when liblwip-dev is installed, STRATA_HAVE_LWIP): see
//     lwip_peer.hpp; two lwIP netifs joined by an in-memory Ethernet link.
//
// Counters (all per wall second of the timed run):
//   Gbit/s      payload bits delivered to the receiving application / 1e9
//   ns_per_seg  wall ns / data segments the sender put on the wire
//   segments    data segments sent (frames a -> b for strata, minus none:
//               handshake and ARP frames are a handful in ~735k)
//   bytes       payload received (must be 1 GiB; the run fails otherwise)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/tcp.h> // struct tcp_info with tcpi_segs_out (glibc's lacks it)
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include <strata/core/random.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>

#if STRATA_HAVE_LWIP
#include "lwip_peer.hpp"
#endif

namespace {

using namespace strata;
using namespace std::chrono_literals;

constexpr std::size_t gib = std::size_t{1} << 30;
constexpr std::size_t chunk_bytes = 64 * 1024;

using Clock = std::chrono::steady_clock;

void report(benchmark::State& state, std::size_t bytes, std::uint64_t segments, double seconds) {
    state.counters["Gbit/s"] = static_cast<double>(bytes) * 8.0 / seconds / 1e9;
    state.counters["ns_per_seg"] =
        seconds * 1e9 / static_cast<double>(segments == 0 ? 1 : segments);
    state.counters["segments"] = static_cast<double>(segments);
    state.counters["bytes"] = static_cast<double>(bytes);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// ------------------------------------------------------------------ strata

using BulkHost = stack::Host<Ethernet<IPv4<TCP<>>>>;

const Ipv4Address ip_a{10, 0, 0, 1};
const Ipv4Address ip_b{10, 0, 0, 2};

stack::HostConfig host_config(std::string name, std::uint8_t last, Ipv4Address ip) {
    stack::HostConfig c;
    c.name = std::move(name);
    c.mac = MacAddress{0x02, 0, 0, 0, 0, last};
    c.address = Ipv4Prefix{ip, 24};
    c.rng = RandomStream::derive(10, c.name);
    return c;
}

struct BulkResult {
    std::size_t sent = 0;
    std::size_t received = 0;
    bool eof = false;
    stack::Errno error = stack::Errno::ok;
};

stack::Task<void> bulk_sink(BulkHost& h, int listener, BulkResult& r) {
    auto fd = co_await h.accept(listener);
    if (!fd) {
        r.error = fd.error();
        co_return;
    }
    std::vector<Byte> buf(chunk_bytes);
    for (;;) {
        auto n = co_await h.recv(*fd, buf);
        if (!n) {
            r.error = n.error();
            break;
        }
        if (n.value() == 0) {
            r.eof = true;
            break;
        }
        r.received += n.value();
    }
    (void)h.close(*fd);
}

stack::Task<void> bulk_source(BulkHost& h, stack::Endpoint to, std::size_t total, BulkResult& r) {
    auto fd = h.socket(stack::SocketKind::tcp, "bulk");
    if (!fd) co_return;
    if (auto c = co_await h.connect(*fd, to); !c) {
        r.error = c.error();
        co_return;
    }
    std::vector<Byte> chunk(chunk_bytes);
    for (std::size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = static_cast<Byte>(i * 7);
    while (r.sent < total) {
        const std::size_t want = std::min(chunk.size(), total - r.sent);
        auto w = co_await h.send(*fd, Bytes(chunk).first(want));
        if (!w) {
            r.error = w.error();
            co_return;
        }
        r.sent += w.value();
    }
    (void)h.shutdown(*fd, stack::Shutdown::write);
    std::array<Byte, 16> tail{};
    (void)co_await h.recv(*fd, tail); // the peer's FIN
    (void)h.close(*fd);
}

void tcp_bulk_strata(benchmark::State& state) {
    const std::size_t total = gib;
    for (auto _ : state) {
        sim::Network net(1);
        auto a = net.add("a", BulkHost(host_config("a", 0x0a, ip_a)));
        auto b = net.add("b", BulkHost(host_config("b", 0x0b, ip_b)));
        sim::LinkConfig lc = sim::LinkConfig::symmetric(100'000'000'000, 1us);
        lc.queue_frames = 100'000;
        auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, lc);
        if (!link) {
            state.SkipWithError("link refused");
            return;
        }
        BulkHost& A = net.node(a);
        BulkHost& B = net.node(b);
        auto l = B.socket(stack::SocketKind::tcp, "sink");
        if (!l || !B.bind(*l, {Ipv4Address{}, Port{5001}}).ok() || !B.listen(*l).ok()) {
            state.SkipWithError("listen failed");
            return;
        }
        BulkResult tx, rx;
        B.spawn(bulk_sink(B, *l, rx));
        A.spawn(bulk_source(A, {ip_b, Port{5001}}, total, tx));

        const auto t0 = Clock::now();
        // Virtual time: 1 GiB at 100 Gbit/s is ~86 ms; run in 10 ms slices
        // until the sink saw the end of the stream (or 60 s of virtual time).
        while (!rx.eof && rx.error == stack::Errno::ok && tx.error == stack::Errno::ok &&
               net.now() < at_ns(60'000'000'000))
            net.run_until(net.now() + 10ms);
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

        const auto& ab = net.link_counters(*link, sim::Direction::a_to_b);
        const auto& ba = net.link_counters(*link, sim::Direction::b_to_a);
        if (rx.received != total || !rx.eof) {
            state.SkipWithError(("strata: received " + std::to_string(rx.received) + " of " +
                                 std::to_string(total) + ", error " +
                                 std::string(stack::name(rx.error)) + "/" +
                                 std::string(stack::name(tx.error)))
                                    .c_str());
            return;
        }
        if (ab.queue_full + ba.queue_full + ab.lost + ba.lost != 0) {
            state.SkipWithError("the link dropped frames: not a lossless run");
            return;
        }
        state.SetIterationTime(seconds);
        report(state, rx.received, A.tcp().counters().segments_out, seconds);
        state.counters["acks"] = static_cast<double>(B.tcp().counters().segments_out);
        state.counters["retransmits"] = static_cast<double>(A.tcp().counters().retransmits);
        state.counters["virtual_ms"] =
            static_cast<double>(net.now().time_since_epoch().count()) / 1e6;
    }
}

// ------------------------------------------------------------------ Linux

void tcp_bulk_linux_loopback(benchmark::State& state) {
    const std::size_t total = gib;
    for (auto _ : state) {
        const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t alen = sizeof addr;
        if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(lfd, 1) != 0 ||
            ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) {
            state.SkipWithError("loopback listen failed");
            if (lfd >= 0) ::close(lfd);
            return;
        }
        const int cfd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (cfd < 0 || ::connect(cfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            state.SkipWithError("loopback connect failed");
            ::close(lfd);
            if (cfd >= 0) ::close(cfd);
            return;
        }
        const int sfd = ::accept(lfd, nullptr, nullptr);
        int mss = 0;
        socklen_t mlen = sizeof mss;
        ::getsockopt(cfd, IPPROTO_TCP, TCP_MAXSEG, &mss, &mlen);
        tcp_info before{};
        socklen_t ilen = sizeof before;
        ::getsockopt(cfd, IPPROTO_TCP, TCP_INFO, &before, &ilen);

        const auto t0 = Clock::now();
        std::thread sender([cfd, total] {
            std::vector<char> chunk(chunk_bytes, 'x');
            std::size_t sent = 0;
            while (sent < total) {
                const ssize_t n = ::send(cfd, chunk.data(), std::min(chunk.size(), total - sent), 0);
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
            ::shutdown(cfd, SHUT_WR);
        });
        std::vector<char> buf(chunk_bytes);
        std::size_t received = 0;
        for (;;) {
            const ssize_t n = ::recv(sfd, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            received += static_cast<std::size_t>(n);
        }
        sender.join();
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        tcp_info after{};
        ilen = sizeof after;
        ::getsockopt(cfd, IPPROTO_TCP, TCP_INFO, &after, &ilen);
        ::close(sfd);
        ::close(cfd);
        ::close(lfd);
        if (received != total) {
            state.SkipWithError("loopback: short transfer");
            return;
        }
        state.SetIterationTime(seconds);
        // tcpi_segs_out (Linux 4.2+): segments the sender sent, GSO split counted.
        report(state, received, after.tcpi_segs_out - before.tcpi_segs_out, seconds);
        state.counters["mss"] = mss;
    }
}

} // namespace

BENCHMARK(tcp_bulk_strata)->Name("tcp_bulk/strata")->Iterations(1)->UseManualTime()->Unit(
    benchmark::kMillisecond);
BENCHMARK(tcp_bulk_linux_loopback)
    ->Name("tcp_bulk/linux_loopback")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
#if STRATA_HAVE_LWIP
BENCHMARK(strata_bench_lwip::tcp_bulk_lwip)
    ->Name("tcp_bulk/lwip")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
#endif

BENCHMARK_MAIN();
