// TCP through the host's sockets: the BSD calls without coroutines (connect
// is EINPROGRESS, accept carries the peer, the socket table after accept),
// the same through coroutines, and 10 MB byte-exact over lossy links.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

#include "stack/host/host_pair.hpp"

using namespace strata;
using namespace std::chrono_literals;
using stack::Errno;
using TcpHost = stack::Host<Ethernet<IPv4<OneOf<TCP<HTTP>, ICMP>>>>;

using hosttest::as_bytes;
using hosttest::config;
using hosttest::ip_a;
using hosttest::ip_b;
using Pair = hosttest::Pair<TcpHost>;

TEST_CASE("host tcp: sockets without coroutines, accept carries the peer, the socket table") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    auto l = p.B().socket(stack::SocketKind::tcp, "web");
    REQUIRE(l.ok());
    REQUIRE(p.B().bind(*l, {Ipv4Address{}, Port{80}}).ok());
    REQUIRE(p.B().listen(*l, 8).ok());
    stack::SysResult<int> none = p.B().accept(*l);
    CHECK(none.error() == Errno::eagain);

    auto c = p.A().socket(stack::SocketKind::tcp, "browser");
    REQUIRE(c.ok());
    stack::SysStatus st = p.A().connect(*c, {ip_b, Port{80}});
    CHECK(st.error() == Errno::einprogress);
    stack::SysStatus again = p.A().connect(*c, {ip_b, Port{80}});
    CHECK(again.error() == Errno::ealready);
    CHECK(!p.A().readiness(*c).writable);
    p.run_for(50ms);
    CHECK(p.A().readiness(*c).writable);
    stack::SysStatus done = p.A().connect(*c, {ip_b, Port{80}});
    CHECK(done.error() == Errno::eisconn);
    CHECK(p.B().readiness(*l).readable); // a connection to accept

    stack::SysResult<int> s = p.B().accept(*l);
    REQUIRE(s.ok());
    const auto a_local = p.A().getsockname(*c);
    REQUIRE(a_local.ok());
    CHECK(a_local.value().addr == ip_a);
    CHECK(a_local.value().port.value() >= 32768);
    CHECK(a_local.value().port.value() <= 60999);
    // accept's socket carries the peer's address and port (the client's ephemeral one).
    const auto peer = p.B().getpeername(*s);
    REQUIRE(peer.ok());
    CHECK(peer.value() == a_local.value());
    CHECK(p.B().getsockname(*s).value() == stack::Endpoint{ip_b, Port{80}});
    CHECK(p.B().getpeername(*l).error() == Errno::enotconn);

    // The socket table after accept. b: the listener (fd 3, peer 0.0.0.0:*,
    // LISTEN) and the accepted connection (fd 4, the listener's owner,
    // ESTABLISHED); a: its one connection.
    const std::string port = std::to_string(a_local.value().port.value());
    const std::string b_table =
        "fd  proto  local IP         local port  peer IP          peer port  state        owner\n"
        "3   tcp    0.0.0.0          80          0.0.0.0          *          LISTEN       web\n"
        "4   tcp    10.0.0.2         80          10.0.0.1         " +
        port + std::string(11 - port.size(), ' ') + "ESTABLISHED  web\n";
    CHECK(p.B().socket_table() == b_table);
    const std::string a_table =
        "fd  proto  local IP         local port  peer IP          peer port  state        owner\n"
        "3   tcp    10.0.0.1         " +
        port + std::string(12 - port.size(), ' ') +
        "10.0.0.2         80         ESTABLISHED  browser\n";
    CHECK(p.A().socket_table() == a_table);

    stack::SysResult<std::size_t> n = p.A().send(*c, as_bytes("GET / HTTP/1.1\r\n\r\n"));
    REQUIRE(n.ok());
    CHECK(n.value() == 18);
    p.run_for(50ms);
    std::array<Byte, 64> buf{};
    stack::SysResult<std::size_t> r = p.B().recv(*s, buf);
    REQUIRE(r.ok());
    CHECK(std::string(reinterpret_cast<const char*>(buf.data()), r.value()) ==
          "GET / HTTP/1.1\r\n\r\n");

    // a closes: b reads the end of the stream (0), closes too; a is in
    // TIME-WAIT (RFC 9293 §3.6: the side that closes first), held by no descriptor.
    CHECK(p.A().close(*c).ok());
    p.run_for(50ms);
    stack::SysResult<std::size_t> eof = p.B().recv(*s, buf);
    REQUIRE(eof.ok());
    CHECK(eof.value() == 0);
    CHECK(p.B().close(*s).ok());
    p.run_for(50ms);
    const auto rows = p.A().socket_rows();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].fd == -1);
    CHECK(rows[0].state == "TIME_WAIT");
}

TEST_CASE("host tcp: connect to a closed port is refused (RST, RFC 9293 3.10.7.1)") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    auto c = p.A().socket(stack::SocketKind::tcp);
    CHECK(stack::SysStatus(p.A().connect(*c, {ip_b, Port{81}})).error() == Errno::einprogress);
    p.run_for(50ms);
    CHECK(p.A().readiness(*c).error == Errno::econnrefused);
    stack::SysStatus st = p.A().connect(*c, {ip_b, Port{81}});
    CHECK(st.error() == Errno::econnrefused);
}

namespace {

/// Byte i of the test stream: a pattern with period 251 (prime, so no
/// power-of-two alignment hides an offset error).
Byte pattern(std::size_t i) { return static_cast<Byte>((i * 13 + i / 251) % 251); }

struct Outcome {
    std::size_t received = 0;
    bool eof = false;
    bool exact = true;
    bool sent_all = false;
    Errno error = Errno::ok;
};

stack::Task<void> sink(TcpHost& h, int listener, Outcome& o) {
    auto fd = co_await h.accept(listener);
    if (!fd) {
        o.error = fd.error();
        co_return;
    }
    std::vector<Byte> buf(64 * 1024);
    for (;;) {
        auto n = co_await h.recv(*fd, buf);
        if (!n) {
            o.error = n.error();
            break;
        }
        if (n.value() == 0) {
            o.eof = true;
            break;
        }
        for (std::size_t i = 0; i < n.value(); ++i)
            if (buf[i] != pattern(o.received + i)) o.exact = false;
        o.received += n.value();
    }
    (void)h.close(*fd);
}

stack::Task<void> source(TcpHost& h, stack::Endpoint to, std::size_t total, Outcome& o) {
    auto fd = h.socket(stack::SocketKind::tcp, "sender");
    if (!fd) co_return;
    if (auto c = co_await h.connect(*fd, to); !c) {
        o.error = c.error();
        co_return;
    }
    std::vector<Byte> chunk(32 * 1024);
    std::size_t sent = 0;
    while (sent < total) {
        const std::size_t n = std::min(chunk.size(), total - sent);
        for (std::size_t i = 0; i < n; ++i)
            chunk[i] = pattern(sent + i);
        std::size_t off = 0;
        while (off < n) {
            auto w = co_await h.send(*fd, Bytes(chunk).subspan(off, n - off));
            if (!w) {
                o.error = w.error();
                co_return;
            }
            off += w.value();
        }
        sent += n;
    }
    o.sent_all = true;
    (void)h.shutdown(*fd, stack::Shutdown::write);
    std::array<Byte, 16> tail{};
    (void)co_await h.recv(*fd, tail); // the peer's FIN
    (void)h.close(*fd);
}

} // namespace

TEST_CASE("host tcp: coroutines, a small exchange and orderly close") {
    Pair p(sim::LinkConfig::symmetric(100'000'000, 1ms));
    auto l = p.B().socket(stack::SocketKind::tcp, "sink");
    REQUIRE(p.B().bind(*l, {ip_b, Port{9}}).ok());
    REQUIRE(p.B().listen(*l).ok());
    Outcome rx, tx;
    p.B().spawn(sink(p.B(), *l, rx));
    p.A().spawn(source(p.A(), {ip_b, Port{9}}, 100'000, tx));
    p.run_for(2s);
    CHECK(tx.error == Errno::ok);
    CHECK(rx.error == Errno::ok);
    CHECK(tx.sent_all);
    CHECK(rx.eof);
    CHECK(rx.received == 100'000);
    CHECK(rx.exact);
    CHECK(p.A().tasks() == 0);
    CHECK(p.B().tasks() == 0);
}

TEST_CASE("host tcp: 10 MB byte-exact over lossy links") {
    const double loss = GENERATE(0.0, 0.01, 0.02, 0.05, 0.10);
    CAPTURE(loss);
    sim::LinkConfig lc = sim::LinkConfig::symmetric(100'000'000, 1ms);
    lc.queue_frames = 1000;
    lc.a_to_b.loss = loss;
    lc.b_to_a.loss = loss;
    Pair p(lc, 42);
    auto l = p.B().socket(stack::SocketKind::tcp, "sink");
    REQUIRE(p.B().bind(*l, {Ipv4Address{}, Port{5001}}).ok());
    REQUIRE(p.B().listen(*l).ok());
    Outcome rx, tx;
    constexpr std::size_t total = 10 * 1000 * 1000;
    p.B().spawn(sink(p.B(), *l, rx));
    p.A().spawn(source(p.A(), {ip_b, Port{5001}}, total, tx));
    // In steps of 10 ms, up to 10 simulated minutes.
    for (int i = 0; i < 60'000 && !(rx.eof || rx.error != Errno::ok); ++i)
        p.run_for(10ms);
    CHECK(tx.error == Errno::ok);
    CHECK(rx.error == Errno::ok);
    CHECK(rx.eof);
    CHECK(rx.received == total);
    CHECK(rx.exact);
}

TEST_CASE("host tcp: a host without TCP answers protocol unreachable (RFC 1122 3.2.2.1)") {
    using UdpOnly = stack::Host<Ethernet<IPv4<ICMP>>>;
    sim::Network net(1);
    auto a = net.add("a", TcpHost(config("a", 0x0a, ip_a)));
    auto b = net.add("b", UdpOnly(config("b", 0x0b, ip_b)));
    auto link = *net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms));
    std::vector<std::vector<Byte>> from_b;
    net.set_tap(link, [&](sim::LinkId, sim::Direction d, Instant, Bytes f) {
        if (d == sim::Direction::b_to_a) from_b.emplace_back(f.begin(), f.end());
    });
    auto c = net.node(a).socket(stack::SocketKind::tcp);
    CHECK(stack::SysStatus(net.node(a).connect(*c, {ip_b, Port{80}})).error() ==
          Errno::einprogress);
    net.run_until(net.now() + 100ms);
    CHECK(net.node(b).drops()[DropReason::unsupported] >= 1);
    bool saw = false;
    for (const auto& f : from_b) {
        const auto ip =
            Ipv4View<const Byte>::checked(EthernetView<const Byte>::unchecked(f).payload());
        if (!ip || ip->protocol() != IpProtocol::icmp) continue;
        const auto icmp = IcmpView<const Byte>::unchecked(ip->payload());
        if (icmp.type() == IcmpType::dest_unreachable && icmp.code() == 2) saw = true;
    }
    CHECK(saw);
    // A hard error (RFC 1122 4.2.3.9): the connection attempt fails.
    CHECK(net.node(a).readiness(*c).error != Errno::ok);
}

TEST_CASE("host tcp: 10 MB byte-exact with loss, reordering, duplication and corruption") {
    sim::LinkConfig lc = sim::LinkConfig::symmetric(100'000'000, 1ms);
    lc.queue_frames = 1000;
    const sim::Impairments imp{.loss = 0.02, .duplicate = 0.01, .reorder = 0.02, .corrupt = 0.01};
    lc.a_to_b = imp;
    lc.b_to_a = imp;
    Pair p(lc, 43);
    auto l = p.B().socket(stack::SocketKind::tcp, "sink");
    REQUIRE(p.B().bind(*l, {Ipv4Address{}, Port{5001}}).ok());
    REQUIRE(p.B().listen(*l).ok());
    Outcome rx, tx;
    constexpr std::size_t total = 10 * 1000 * 1000;
    p.B().spawn(sink(p.B(), *l, rx));
    p.A().spawn(source(p.A(), {ip_b, Port{5001}}, total, tx));
    for (int i = 0; i < 60'000 && !(rx.eof || rx.error != Errno::ok); ++i)
        p.run_for(10ms);
    const auto& c = p.net.link_counters(sim::LinkId{0}, sim::Direction::a_to_b);
    CHECK(c.reordered > 0);
    CHECK(c.duplicated > 0);
    CHECK(c.corrupted > 0);
    CHECK(tx.error == Errno::ok);
    CHECK(rx.error == Errno::ok);
    CHECK(rx.eof);
    CHECK(rx.received == total);
    CHECK(rx.exact);
}

TEST_CASE("host tcp: path MTU discovery through routers (RFC 1191): segments shrink") {
    // a (10.0.1.2) — r1 —(MTU 1000)— r2 — b (10.0.2.2). Both hosts sit on
    // 1500-byte links and offer MSS 1460, so a's full segments are 1500-byte
    // datagrams with DF; r1 cannot forward them into the 1000-byte link and
    // answers 3/4 with MTU 1000; a learns it and sends 1000 - 40 = 960-byte
    // segments (and retransmits what was lost).
    sim::Network net(5);
    auto ca = config("a", 0x0a, Ipv4Address{10, 0, 1, 2});
    ca.gateway = Ipv4Address{10, 0, 1, 1};
    auto cb = config("b", 0x0b, Ipv4Address{10, 0, 2, 2});
    cb.gateway = Ipv4Address{10, 0, 2, 1};
    auto a = net.add("a", TcpHost(ca));
    auto b = net.add("b", TcpHost(cb));
    router::RouterConfig c1;
    c1.ports.push_back({MacAddress{0x02, 0, 0, 0, 1, 1}, Ipv4Prefix{{10, 0, 1, 1}, 24}, 1500});
    c1.ports.push_back({MacAddress{0x02, 0, 0, 0, 3, 1}, Ipv4Prefix{{10, 0, 3, 1}, 24}, 1000});
    c1.routes.push_back({Ipv4Prefix{{10, 0, 2, 0}, 24}, Ipv4Address{10, 0, 3, 2}});
    router::RouterConfig c2;
    c2.ports.push_back({MacAddress{0x02, 0, 0, 0, 3, 2}, Ipv4Prefix{{10, 0, 3, 2}, 24}, 1000});
    c2.ports.push_back({MacAddress{0x02, 0, 0, 0, 2, 1}, Ipv4Prefix{{10, 0, 2, 1}, 24}, 1500});
    c2.routes.push_back({Ipv4Prefix{{10, 0, 1, 0}, 24}, Ipv4Address{10, 0, 3, 1}});
    auto m1 = Router<>::make(c1, RandomStream{5});
    auto m2 = Router<>::make(c2, RandomStream{6});
    REQUIRE(m1);
    REQUIRE(m2);
    auto r1 = net.add("r1", std::move(*m1));
    auto r2 = net.add("r2", std::move(*m2));
    const auto fast = sim::LinkConfig::symmetric(100'000'000, 1ms);
    REQUIRE(net.connect({a, PortId{0}}, {r1, PortId{0}}, fast));
    REQUIRE(net.connect({r1, PortId{1}}, {r2, PortId{0}},
                        sim::LinkConfig::symmetric(100'000'000, 1ms, 1000)));
    REQUIRE(net.connect({r2, PortId{1}}, {b, PortId{0}}, fast));
    auto& A = net.node(a);
    auto& B = net.node(b);
    auto l = B.socket(stack::SocketKind::tcp, "sink");
    REQUIRE(B.bind(*l, {Ipv4Address{}, Port{5001}}).ok());
    REQUIRE(B.listen(*l).ok());
    Outcome rx, tx;
    constexpr std::size_t total = 200'000;
    B.spawn(sink(B, *l, rx));
    A.spawn(source(A, {Ipv4Address{10, 0, 2, 2}, Port{5001}}, total, tx));
    for (int i = 0; i < 6000 && !(rx.eof || rx.error != Errno::ok); ++i)
        net.run_until(net.now() + 10ms);
    CHECK(net.drops(r1)[DropReason::fragmentation_needed] >= 1);
    CHECK(A.ip().pmtu().mtu(Ipv4Address{10, 0, 2, 2}, 1500, net.now()) == 1000);
    CHECK(A.ip().counters().too_big_df == 0);
    CHECK(tx.error == Errno::ok);
    CHECK(rx.eof);
    CHECK(rx.received == total);
    CHECK(rx.exact);
}
