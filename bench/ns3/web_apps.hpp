// strata_web's applications, C++20 coroutines on strata's host sockets:
// the HTTP/1.0-style request/response client and server (mode tcp) and the
// UDP echo client and server (mode udp), with the counters they keep and the
// byte pattern every payload carries. One translation unit includes it
// (bench/ns3/strata_web.cpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include <strata/layer/dns.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/stack/host.hpp>
#include <strata/stack/tcp/congestion/cubic.hpp>

#include "web_options.hpp"

// ns-3 3.37's default congestion control is TcpCubic: the web hosts run the
// CUBIC engine (RFC 9438) instead of the host's default NewReno.
template <>
struct strata::stack::engine_for<strata::TCP<strata::HTTP>> {
    using type = strata::stack::tcp::Engine<strata::stack::tcp::Cubic>;
};

namespace strata_web {

using namespace strata;
using namespace std::chrono_literals;
using stack::Errno;
using stack::Task;

using TcpHost = stack::Host<Ethernet<IPv4<TCP<HTTP>>>>;
using UdpHost = stack::Host<Ethernet<IPv4<UDP<DNS>>>>;

// ------------------------------------------------------------------ counters
struct Stats {
    std::uint64_t conn_started = 0, conn_done = 0, conn_failed = 0, resp_bytes = 0;
    std::uint64_t bad_bytes = 0; // bytes that differ from the sender's pattern
    double conn_time_sum = 0;
    std::uint32_t clients_done = 0, clients = 0;
    std::uint64_t udp_tx = 0, udp_rx = 0, udp_expected = 0;
    Instant last_done{};
    // Called when the stop rule fires: strata_web takes its counters there,
    // as ns-3's Simulator::Stop() ends the run at that event (strata_web
    // checks the rule between slices of events).
    std::function<void()> at_done;
    bool finished = false; // the stop rule has fired
};
inline Stats g;

// The byte at `offset` of every request/response/echo: a pattern the
// receiver checks, so the payloads are real bytes end to end.
constexpr Byte pattern(std::size_t offset) noexcept {
    return static_cast<Byte>((offset * 131 + 7) & 0xff);
}
inline std::vector<Byte> make_pattern(std::size_t n) {
    std::vector<Byte> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = pattern(i);
    return v;
}
inline std::uint64_t mismatches(Bytes got, std::size_t offset) {
    std::uint64_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
        bad += got[i] != pattern(offset + i);
    return bad;
}

// One receive buffer for every coroutine: the simulation is single-threaded
// and recv() copies into it and returns before anything else runs.
inline std::array<Byte, 64 * 1024> scratch{};

// ------------------------------------------------------------------ TCP apps
inline Task<void> serve(TcpHost& h, int fd, std::uint32_t req, const std::vector<Byte>& response) {
    std::size_t rx = 0;
    while (rx < req) {
        auto n = co_await h.recv(fd, scratch);
        if (!n || n.value() == 0) break; // reset or early EOF: give up on this one
        g.bad_bytes += mismatches(Bytes(scratch).first(n.value()), rx);
        rx += n.value();
    }
    if (rx >= req) {
        std::size_t sent = 0;
        while (sent < response.size()) {
            auto n = co_await h.send(fd, Bytes(response).subspan(sent));
            if (!n) break;
            sent += n.value();
        }
    }
    (void)h.close(fd); // the FIN follows the queued response (HTTP/1.0 "Connection: close")
}

inline Task<void> web_server(TcpHost& h, std::uint32_t req, const std::vector<Byte>& response) {
    auto lfd = h.socket(stack::SocketKind::tcp, "web");
    if (!lfd || !h.bind(*lfd, {Ipv4Address{}, Port{80}}) || !h.listen(*lfd, 1024)) {
        std::fprintf(stderr, "server %s: cannot listen on port 80\n", h.config().name.c_str());
        co_return;
    }
    for (;;) {
        auto fd = co_await h.accept(*lfd);
        if (!fd) continue;
        h.spawn(serve(h, *fd, req, response));
    }
}

inline Task<void> web_client(TcpHost& h, Duration start, const Options& o,
                             const std::vector<Ipv4Address>& servers, RandomStream rng,
                             const std::vector<Byte>& request) {
    co_await h.sleep(start);
    for (std::uint32_t k = 0; k < o.N; ++k) {
        const Ipv4Address server = servers[rng.below(servers.size())];
        const Instant t0 = h.now();
        ++g.conn_started;
        bool ok = false;
        auto fd = h.socket(stack::SocketKind::tcp, "client");
        if (fd) {
            auto c = co_await h.connect(*fd, {server, Port{80}});
            if (c) {
                std::size_t sent = 0;
                while (sent < request.size()) {
                    auto n = co_await h.send(*fd, Bytes(request).subspan(sent));
                    if (!n) break;
                    sent += n.value();
                }
                std::size_t rx = 0;
                while (sent == request.size() && rx < o.B) {
                    auto n = co_await h.recv(*fd, scratch);
                    if (!n || n.value() == 0) break; // error, or the peer closed early
                    g.bad_bytes += mismatches(Bytes(scratch).first(n.value()), rx);
                    rx += n.value();
                }
                ok = rx >= o.B;
                if (ok) {
                    ++g.conn_done;
                    g.resp_bytes += rx;
                    g.conn_time_sum +=
                        static_cast<double>(ns_since_start(h.now()) - ns_since_start(t0)) * 1e-9;
                }
            }
            (void)h.close(*fd);
        }
        if (!ok) ++g.conn_failed;
    }
    g.last_done = std::max(g.last_done, h.now());
    if (++g.clients_done == g.clients) {
        g.finished = true;
        if (g.at_done) g.at_done();
    }
}

// ------------------------------------------------------------------ UDP apps
inline Task<void> echo_server(UdpHost& h) {
    auto fd = h.socket(stack::SocketKind::udp, "echo");
    if (!fd || !h.bind(*fd, {Ipv4Address{}, Port{9}})) co_return;
    for (;;) {
        auto r = co_await h.recvfrom(*fd, scratch);
        if (!r) continue;
        (void)h.sendto(*fd, Bytes(scratch).first(r.value().length), r.value().from).now();
    }
}

inline Task<void> echo_receiver(UdpHost& h, int fd, std::uint32_t size) {
    for (;;) {
        auto n = co_await h.recv(fd, scratch);
        if (!n) continue;
        if (n.value() != size) ++g.bad_bytes;
        g.bad_bytes += mismatches(Bytes(scratch).first(n.value()), 0);
        ++g.udp_rx;
        if (g.udp_rx == g.udp_expected) {
            g.last_done = h.now();
            g.finished = true;
            if (g.at_done) g.at_done();
        }
    }
}

inline Task<void> echo_client(UdpHost& h, Duration start, Ipv4Address server, const Options& o,
                              const std::vector<Byte>& payload) {
    co_await h.sleep(start);
    auto fd = h.socket(stack::SocketKind::udp, "echo-client");
    if (!fd) co_return;
    if (!(co_await h.connect(*fd, {server, Port{9}}))) co_return;
    h.spawn(echo_receiver(h, *fd, o.udpSize));
    const Duration interval = secs(o.udpInterval);
    for (std::uint32_t i = 0; i < o.udpPackets; ++i) {
        if (i != 0) co_await h.sleep(interval);
        auto n = h.send(*fd, Bytes(payload)).now();
        if (n) ++g.udp_tx;
    }
}

} // namespace strata_web
