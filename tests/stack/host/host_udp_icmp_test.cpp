// Host<Stack> on simulated links: ARP both ways, ping RTT, UDP echo through
// sockets and coroutines, ECONNREFUSED after port unreachable, fragmentation
// and reassembly, and path MTU learned from a router's "fragmentation
// needed". Expected values are derived by hand in the comments.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>
#include <strata/layer/dns.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/node/recording_out.hpp>
#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/udp.hpp>

#include "stack/host/host_pair.hpp"

using namespace strata;
using namespace std::chrono_literals;
using stack::Errno;
using UdpHost = stack::Host<Ethernet<IPv4<OneOf<UDP<DNS>, ICMP>>>>;

namespace {

using hosttest::ip_a;
using hosttest::ip_b;
using hosttest::mac_a;
using hosttest::mac_b;

stack::HostConfig config(std::string name, MacAddress mac, Ipv4Address ip, int len = 24,
                         Ipv4Address gateway = {}) {
    return hosttest::config(std::move(name), mac, ip, 7, len, gateway);
}

struct Captured {
    sim::Direction dir;
    Instant at;
    std::vector<Byte> bytes;
};

/// Two hosts on one link: a = end a of the link, b = end b.
struct Pair {
    sim::Network net{1};
    sim::NodeRef<UdpHost> a, b;
    sim::LinkId link{};
    std::vector<Captured> frames;

    explicit Pair(sim::LinkConfig lc) {
        a = net.add("a", UdpHost(config("a", mac_a, ip_a)));
        b = net.add("b", UdpHost(config("b", mac_b, ip_b)));
        link = *net.connect({a, PortId{0}}, {b, PortId{0}}, lc);
        net.set_tap(link, [this](sim::LinkId, sim::Direction d, Instant t, Bytes f) {
            frames.push_back({d, t, std::vector<Byte>(f.begin(), f.end())});
        });
    }
    UdpHost& A() { return net.node(a); }
    UdpHost& B() { return net.node(b); }
    void run_for(Duration d) { net.run_until(net.now() + d); }
};

Bytes as_bytes_of(const char* s) {
    return Bytes(reinterpret_cast<const Byte*>(s), std::char_traits<char>::length(s));
}

bool is_arp(const Captured& c) {
    return EthernetView<const Byte>::unchecked(c.bytes).ethertype() == EtherType::arp;
}

} // namespace

TEST_CASE("host: gratuitous ARP at start, then ARP resolution both ways with one exchange") {
    Pair p(sim::LinkConfig::symmetric(10'000'000, 1ms));
    p.run_for(10ms);
    // RFC 5227 §2.3 announcement from each host at t = 0: a request with
    // sender = target = its own address, target MAC zero, to broadcast.
    REQUIRE(p.frames.size() == 2);
    for (const auto& f : p.frames) {
        const auto eth = EthernetView<const Byte>::unchecked(f.bytes);
        CHECK(eth.dst() == MacAddress::broadcast());
        CHECK(eth.ethertype() == EtherType::arp);
        const auto arp = ArpView<const Byte>::unchecked(eth.payload());
        CHECK(arp.operation() == ArpOperation::request);
        CHECK(arp.sender_protocol_addr() == arp.target_protocol_addr());
        CHECK(arp.target_hardware_addr() == MacAddress::zero());
        CHECK(f.at == Instant{});
    }
    p.frames.clear();

    auto fd = p.A().socket(stack::SocketKind::icmp, "ping");
    REQUIRE(fd.ok());
    REQUIRE(p.A().ping(*fd, ip_b, 1).ok());
    p.run_for(100ms);
    // a→b who-has 10.0.0.2 tell 10.0.0.1; b→a 10.0.0.2 is-at mac_b; then the
    // echo request and the echo reply. b learned a from the request (RFC 826:
    // it was the target), so it answers without asking: 4 frames, 2 ARP.
    REQUIRE(p.frames.size() == 4);
    {
        const auto eth = EthernetView<const Byte>::unchecked(p.frames[0].bytes);
        CHECK(p.frames[0].dir == sim::Direction::a_to_b);
        CHECK(eth.dst() == MacAddress::broadcast());
        CHECK(eth.src() == mac_a);
        const auto arp = ArpView<const Byte>::unchecked(eth.payload());
        CHECK(arp.operation() == ArpOperation::request);
        CHECK(arp.sender_hardware_addr() == mac_a);
        CHECK(arp.sender_protocol_addr() == ip_a);
        CHECK(arp.target_hardware_addr() == MacAddress::zero());
        CHECK(arp.target_protocol_addr() == ip_b);
    }
    {
        const auto eth = EthernetView<const Byte>::unchecked(p.frames[1].bytes);
        CHECK(p.frames[1].dir == sim::Direction::b_to_a);
        CHECK(eth.dst() == mac_a);
        CHECK(eth.src() == mac_b);
        const auto arp = ArpView<const Byte>::unchecked(eth.payload());
        CHECK(arp.operation() == ArpOperation::reply);
        CHECK(arp.sender_hardware_addr() == mac_b);
        CHECK(arp.sender_protocol_addr() == ip_b);
        CHECK(arp.target_hardware_addr() == mac_a);
        CHECK(arp.target_protocol_addr() == ip_a);
    }
    CHECK(!is_arp(p.frames[2]));
    CHECK(!is_arp(p.frames[3]));
    CHECK(EthernetView<const Byte>::unchecked(p.frames[2].bytes).dst() == mac_b);
    CHECK(EthernetView<const Byte>::unchecked(p.frames[3].bytes).dst() == mac_a);
    CHECK(p.A().ip().neighbors().lookup(ip_b, p.net.now()) == mac_b);
    CHECK(p.B().ip().neighbors().lookup(ip_a, p.net.now()) == mac_a);

    // b now sends to a with no ARP of its own.
    p.frames.clear();
    auto fb = p.B().socket(stack::SocketKind::icmp);
    REQUIRE(p.B().ping(*fb, ip_a, 9).ok());
    p.run_for(100ms);
    REQUIRE(p.frames.size() == 2);
    CHECK(!is_arp(p.frames[0]));
    CHECK(!is_arp(p.frames[1]));
}

TEST_CASE("host: ping RTT is twice the one-way time, plus ARP on the first") {
    // 10 Mb/s, 1 ms each way. An echo request with 56 data bytes is
    // 14 + 20 + 8 + 56 = 98 bytes: 98·8 / 10^7 s = 78.4 µs to serialize. An
    // ARP frame is 14 + 28 = 42 bytes: 33.6 µs.
    Pair p(sim::LinkConfig::symmetric(10'000'000, 1ms));
    p.run_for(10ms);
    auto fd = p.A().socket(stack::SocketKind::icmp);
    REQUIRE(p.A().ping(*fd, ip_b, 1).ok());
    p.run_for(100ms);
    auto r1 = p.A().ping_reply(*fd).now();
    REQUIRE(r1.ok());
    // First: ARP request + reply, then request + reply: 2·(1 ms + 33.6 µs) +
    // 2·(1 ms + 78.4 µs) = 4.224 ms (the clock starts when ping queued it).
    CHECK(r1.value().rtt == 4'224'000ns);
    CHECK(r1.value().seq == 1);
    CHECK(r1.value().from == ip_b);
    CHECK(r1.value().ttl == 64);
    CHECK(r1.value().data_bytes == 56);
    REQUIRE(p.A().ping(*fd, ip_b, 2).ok());
    p.run_for(100ms);
    auto r2 = p.A().ping_reply(*fd).now();
    REQUIRE(r2.ok());
    // Second: 2·(1 ms + 78.4 µs) = 2.1568 ms.
    CHECK(r2.value().rtt == 2'156'800ns);
    CHECK(r2.value().seq == 2);
    CHECK(p.A().ping_reply(*fd).now().error() == Errno::eagain);
    CHECK(p.B().icmp().counters().echo_replies_out == 2);
}

namespace {

stack::Task<void> echo_server(UdpHost& h, int fd) {
    std::array<Byte, 4096> buf{};
    for (;;) {
        auto r = co_await h.recvfrom(fd, buf);
        if (!r) co_return;
        (void)co_await h.sendto(fd, Bytes(buf).first(r.value().length), r.value().from);
    }
}

stack::Task<void> echo_client(UdpHost& h, stack::Endpoint server, std::string msg,
                              std::string& answer, Errno& error) {
    auto fd = h.socket(stack::SocketKind::udp, "client");
    if (!fd) co_return;
    if (auto c = co_await h.connect(*fd, server); !c) {
        error = c.error();
        co_return;
    }
    const auto* data = reinterpret_cast<const Byte*>(msg.data());
    (void)co_await h.send(*fd, Bytes(data, msg.size()));
    std::array<Byte, 4096> buf{};
    auto n = co_await h.recv(*fd, buf);
    if (!n) {
        error = n.error();
        co_return;
    }
    answer.assign(reinterpret_cast<const char*>(buf.data()), n.value());
}

} // namespace

TEST_CASE("host: UDP echo through coroutines") {
    Pair p(sim::LinkConfig::symmetric(100'000'000, 500us));
    auto sfd = p.B().socket(stack::SocketKind::udp, "echo");
    REQUIRE(sfd.ok());
    REQUIRE(p.B().bind(*sfd, {Ipv4Address{}, Port{7}}).ok());
    CHECK(p.B().bind(*sfd, {Ipv4Address{}, Port{8}}).error() == Errno::einval);
    auto other = p.B().socket(stack::SocketKind::udp);
    CHECK(p.B().bind(*other, {Ipv4Address{}, Port{7}}).error() == Errno::eaddrinuse);
    CHECK(p.B().bind(*other, {Ipv4Address{10, 9, 9, 9}, Port{7}}).error() == Errno::eaddrnotavail);
    p.B().spawn(echo_server(p.B(), *sfd));
    std::string answer;
    Errno error = Errno::ok;
    p.A().spawn(echo_client(p.A(), {ip_b, Port{7}}, "hello, strata", answer, error));
    CHECK(p.A().tasks() == 1);
    p.run_for(50ms);
    CHECK(error == Errno::ok);
    CHECK(answer == "hello, strata");
    CHECK(p.A().tasks() == 0); // finished and freed
    CHECK(p.B().tasks() == 1); // still serving
}

TEST_CASE("host: UDP sockets without coroutines; ephemeral port in Linux's range") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    auto s = p.B().socket(stack::SocketKind::udp);
    REQUIRE(p.B().bind(*s, {ip_b, Port{5000}}).ok());
    auto c = p.A().socket(stack::SocketKind::udp);
    const std::string msg = "datagram";
    const Bytes data(reinterpret_cast<const Byte*>(msg.data()), msg.size());
    stack::SysResult<std::size_t> sent = p.A().sendto(*c, data, {ip_b, Port{5000}});
    REQUIRE(sent.ok());
    CHECK(sent.value() == msg.size());
    const auto local = p.A().getsockname(*c);
    REQUIRE(local.ok());
    CHECK(local.value().port.value() >= 32768);
    CHECK(local.value().port.value() <= 60999);
    CHECK(p.A().getpeername(*c).error() == Errno::enotconn);
    std::array<Byte, 64> buf{};
    stack::SysResult<stack::Received> none = p.B().recvfrom(*s, buf);
    CHECK(none.error() == Errno::eagain);
    p.run_for(20ms);
    CHECK(p.B().readiness(*s).readable);
    stack::SysResult<stack::Received> got = p.B().recvfrom(*s, buf);
    REQUIRE(got.ok());
    CHECK(got.value().length == msg.size());
    CHECK(got.value().from == stack::Endpoint{ip_a, local.value().port});
    CHECK(std::string(reinterpret_cast<const char*>(buf.data()), msg.size()) == msg);
    CHECK(p.A().close(*c).ok());
    CHECK(p.A().close(*c).error() == Errno::ebadf);
    stack::SysResult<std::size_t> bad = p.A().send(99, data);
    CHECK(bad.error() == Errno::ebadf);
}

TEST_CASE(
    "host: port unreachable gives ECONNREFUSED on a connected UDP socket (RFC 1122 4.1.3.3)") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    p.run_for(1ms);
    auto c = p.A().socket(stack::SocketKind::udp);
    REQUIRE(stack::SysStatus(p.A().connect(*c, {ip_b, Port{9999}})).ok());
    const std::string msg = "anyone?";
    stack::SysResult<std::size_t> s =
        p.A().send(*c, Bytes(reinterpret_cast<const Byte*>(msg.data()), msg.size()));
    REQUIRE(s.ok());
    p.frames.clear();
    p.run_for(20ms);
    // The last frame is b's ICMP destination unreachable, code 3 (port),
    // quoting a's IPv4 header and the first 8 bytes (the UDP header).
    REQUIRE(!p.frames.empty());
    const auto& last = p.frames.back();
    CHECK(last.dir == sim::Direction::b_to_a);
    const auto ip =
        Ipv4View<const Byte>::checked(EthernetView<const Byte>::unchecked(last.bytes).payload());
    REQUIRE(ip.has_value());
    CHECK(ip->protocol() == IpProtocol::icmp);
    const auto icmp = IcmpView<const Byte>::unchecked(ip->payload());
    CHECK(icmp.type() == IcmpType::dest_unreachable);
    CHECK(icmp.code() == 3);
    CHECK(icmp.quoted().size() == 20 + 8);
    CHECK(icmp.verify_checksum());
    std::array<Byte, 16> buf{};
    stack::SysResult<std::size_t> r = p.A().recv(*c, buf);
    CHECK(r.error() == Errno::econnrefused);
    // Reported once (RFC 1122: the error is pending until read).
    stack::SysResult<std::size_t> again = p.A().recv(*c, buf);
    CHECK(again.error() == Errno::eagain);
}

TEST_CASE("host: a large UDP datagram is fragmented for the link MTU and reassembled") {
    sim::LinkConfig lc = sim::LinkConfig::symmetric(0, 1ms, 1000);
    Pair p(lc);
    p.run_for(1ms);
    auto s = p.B().socket(stack::SocketKind::udp);
    REQUIRE(p.B().bind(*s, {Ipv4Address{}, Port{4000}}).ok());
    auto c = p.A().socket(stack::SocketKind::udp);
    std::vector<Byte> big(3000);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<Byte>(i * 7 + 3);
    // Resolve ARP first so that the fragments are not held (3 per neighbour).
    stack::SysResult<std::size_t> s0 = p.A().sendto(*c, Bytes(big).first(10), {ip_b, Port{4000}});
    REQUIRE(s0.ok());
    p.run_for(20ms);
    std::array<Byte, 4000> buf{};
    REQUIRE(stack::SysResult<stack::Received>(p.B().recvfrom(*s, buf)).ok());
    p.frames.clear();
    stack::SysResult<std::size_t> s1 = p.A().sendto(*c, big, {ip_b, Port{4000}});
    REQUIRE(s1.ok());
    p.run_for(20ms);
    // IP payload = 8 + 3000 = 3008 bytes; each fragment carries
    // (1000 - 20) rounded down to 8 = 976: 976, 976, 976, 80 at offsets 0,
    // 976, 1952, 2928; MF on all but the last; DF clear.
    REQUIRE(p.frames.size() == 4);
    const std::uint32_t offsets[] = {0, 976, 1952, 2928};
    const std::uint16_t lengths[] = {996, 996, 996, 100};
    std::uint16_t ident = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto ip = Ipv4View<const Byte>::checked(
            EthernetView<const Byte>::unchecked(p.frames[i].bytes).payload());
        REQUIRE(ip.has_value());
        CHECK(ip->frag_offset() == offsets[i]);
        CHECK(ip->total_len() == lengths[i]);
        CHECK(ip->more_frags() == (i != 3));
        CHECK(!ip->dont_frag());
        CHECK(ip->verify_checksum());
        if (i == 0) ident = ip->ident();
        CHECK(ip->ident() == ident);
    }
    stack::SysResult<stack::Received> got = p.B().recvfrom(*s, buf);
    REQUIRE(got.ok());
    REQUIRE(got.value().length == 3000);
    CHECK(std::equal(big.begin(), big.end(), buf.begin()));
    CHECK(p.B().ip().counters().reassembled == 1);
}

TEST_CASE("host: path MTU learned from a router's fragmentation needed (RFC 1191)") {
    // a (10.0.1.2) — router (10.0.1.1 | 10.0.2.1, MTU 1000 towards b) — b (10.0.2.2)
    sim::Network net(3);
    auto a = net.add("a", UdpHost(config("a", mac_a, {10, 0, 1, 2}, 24, {10, 0, 1, 1})));
    auto b = net.add("b", UdpHost(config("b", mac_b, {10, 0, 2, 2}, 24, {10, 0, 2, 1})));
    router::RouterConfig rc;
    rc.ports.push_back({MacAddress{0x02, 0, 0, 0, 1, 1}, Ipv4Prefix{{10, 0, 1, 1}, 24}, 1500});
    rc.ports.push_back({MacAddress{0x02, 0, 0, 0, 2, 1}, Ipv4Prefix{{10, 0, 2, 1}, 24}, 1000});
    auto made = Router<>::make(rc, RandomStream{5});
    REQUIRE(made);
    auto r = net.add("r", std::move(*made));
    REQUIRE(net.connect({a, PortId{0}}, {r, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms)));
    REQUIRE(net.connect({r, PortId{1}}, {b, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms, 1000)));
    auto& A = net.node(a);
    auto& B = net.node(b);
    const Ipv4Address far{10, 0, 2, 2};

    // A ping first: TTL 64 at b becomes 63 on the way back through the router.
    auto pf = A.socket(stack::SocketKind::icmp);
    REQUIRE(A.ping(*pf, far, 1).ok());
    net.run_until(net.now() + 100ms);
    auto pr = A.ping_reply(*pf).now();
    REQUIRE(pr.ok());
    CHECK(pr.value().ttl == 63);

    auto s = B.socket(stack::SocketKind::udp);
    REQUIRE(B.bind(*s, {Ipv4Address{}, Port{4000}}).ok());
    auto c = A.socket(stack::SocketKind::udp);
    std::vector<Byte> data(1400, Byte{0x5a});
    // 20 + 8 + 1400 = 1428 fits a's 1500: sent whole with DF; the router
    // cannot forward it into the 1000-byte link and answers type 3 code 4
    // with next-hop MTU 1000; the datagram is lost (UDP does not resend).
    stack::SysResult<std::size_t> s1 = A.sendto(*c, data, {far, Port{4000}});
    REQUIRE(s1.ok());
    net.run_until(net.now() + 100ms);
    CHECK(A.ip().pmtu().mtu(far, 1500, net.now()) == 1000);
    std::array<Byte, 2000> buf{};
    CHECK(stack::SysResult<stack::Received>(B.recvfrom(*s, buf)).error() == Errno::eagain);
    // Sent again, a fragments it itself: 1408 bytes of IP payload in 976 + 432.
    stack::SysResult<std::size_t> s2 = A.sendto(*c, data, {far, Port{4000}});
    REQUIRE(s2.ok());
    net.run_until(net.now() + 100ms);
    stack::SysResult<stack::Received> got = B.recvfrom(*s, buf);
    REQUIRE(got.ok());
    CHECK(got.value().length == 1400);
    CHECK(A.ip().counters().fragments_out == 2);
    CHECK(B.ip().counters().reassembled == 1);
}

TEST_CASE(
    "host: protocol unreachable for a transport the stack lacks; EPROTONOSUPPORT for its sockets") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    CHECK(p.A().socket(stack::SocketKind::tcp).error() == Errno::eprotonosupport);
    using IcmpOnly = stack::Host<Ethernet<IPv4<ICMP>>>;
    static_assert(!IcmpOnly::has_udp && IcmpOnly::has_icmp);
    static_assert(Node<IcmpOnly, sim::Out>);
    IcmpOnly h(config("h", mac_a, ip_a));
    CHECK(h.socket(stack::SocketKind::udp).error() == Errno::eprotonosupport);
}

namespace {

stack::Task<void> sleeper(UdpHost& h, Duration d, Duration& slept) {
    const Instant t0 = h.now();
    co_await h.sleep(d);
    slept = h.now() - t0;
}

stack::Task<void> pinger(UdpHost& h, Ipv4Address to, Duration timeout, Errno& error, Instant& at) {
    auto fd = h.socket(stack::SocketKind::icmp);
    if (!fd) co_return;
    (void)h.ping(*fd, to, 1);
    auto r = co_await h.ping_reply(*fd, timeout);
    error = r.error();
    at = h.now();
}

} // namespace

TEST_CASE(
    "host: sleep() resumes at its deadline; ping_reply times out; ARP failure is EHOSTUNREACH") {
    Pair p(sim::LinkConfig::symmetric(0, 1ms));
    Duration slept{};
    p.A().spawn(sleeper(p.A(), 5ms, slept));
    Errno ping_error = Errno::ok;
    Instant ping_at{};
    p.B().spawn(pinger(p.B(), Ipv4Address{10, 0, 0, 99}, 2s, ping_error, ping_at));
    auto c = p.A().socket(stack::SocketKind::udp);
    REQUIRE(stack::SysStatus(p.A().connect(*c, {Ipv4Address{10, 0, 0, 99}, Port{7}})).ok());
    stack::SysResult<std::size_t> s = p.A().send(*c, as_bytes_of("x"));
    REQUIRE(s.ok());
    p.run_for(10s);
    CHECK(slept == 5ms);
    // Nobody answers ARP for 10.0.0.99: the reply wait ends at its timeout.
    CHECK(ping_error == Errno::etimedout);
    CHECK(ping_at == Instant{} + 2s);
    // ARP asks at 0, 1 s and 2 s (RFC 1122 §2.3.2.1 rate limit, Linux's 3
    // tries) and gives up at 3 s: the waiting datagram is dropped and its
    // connected socket told EHOSTUNREACH.
    std::array<Byte, 8> buf{};
    stack::SysResult<std::size_t> r = p.A().recv(*c, buf);
    CHECK(r.error() == Errno::ehostunreach);
    CHECK(p.A().drops()[DropReason::arp_unresolved] == 1);
    CHECK(p.A().ip().counters().packets_out == 1);
}

TEST_CASE("host: a full UDP receive queue drops and counts") {
    sim::Network net(1);
    auto cb = config("b", mac_b, ip_b);
    cb.udp.recv_datagrams = 2;
    auto a = net.add("a", UdpHost(config("a", mac_a, ip_a)));
    auto b = net.add("b", UdpHost(cb));
    REQUIRE(net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms)));
    auto s = net.node(b).socket(stack::SocketKind::udp);
    REQUIRE(net.node(b).bind(*s, {Ipv4Address{}, Port{53}}).ok());
    auto c = net.node(a).socket(stack::SocketKind::udp);
    std::array<Byte, 8> buf{};
    // Once unresolved, only 3 datagrams would wait for ARP (the neighbour
    // queue's bound, oldest dropped): resolve first.
    stack::SysResult<std::size_t> first =
        net.node(a).sendto(*c, as_bytes_of("q"), {ip_b, Port{53}});
    REQUIRE(first.ok());
    net.run_until(net.now() + 50ms);
    REQUIRE(stack::SysResult<stack::Received>(net.node(b).recvfrom(*s, buf)).ok());
    CHECK(net.node(a).drops()[DropReason::arp_queue_full] == 0);
    for (int i = 0; i < 5; ++i) {
        stack::SysResult<std::size_t> r =
            net.node(a).sendto(*c, as_bytes_of("q"), {ip_b, Port{53}});
        REQUIRE(r.ok());
    }
    net.run_until(net.now() + 50ms);
    CHECK(net.node(b).udp().counters().datagrams_in == 6);
    CHECK(net.node(b).udp().counters().recv_queue_full == 3);
    CHECK(net.node(b).drops()[DropReason::queue_full] == 3);
    int got = 0;
    while (stack::SysResult<stack::Received>(net.node(b).recvfrom(*s, buf)).ok())
        ++got;
    CHECK(got == 2);
}

namespace {

stack::Task<void> blaster(UdpHost& h, int fd, stack::Endpoint to, int count, int& sent) {
    std::array<Byte, 100> d{};
    for (int i = 0; i < count; ++i) {
        auto r = co_await h.sendto(fd, d, to);
        if (!r) co_return;
        ++sent;
    }
}

} // namespace

TEST_CASE("host: a coroutine blocked on a full UDP send queue goes on once the host sends") {
    sim::Network net(1);
    auto ca = config("a", mac_a, ip_a);
    ca.udp.send_datagrams = 4; // the queue holds 4 datagrams until the next poll
    auto a = net.add("a", UdpHost(ca));
    auto b = net.add("b", UdpHost(config("b", mac_b, ip_b)));
    REQUIRE(net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms)));
    auto s = net.node(b).socket(stack::SocketKind::udp);
    REQUIRE(net.node(b).bind(*s, {Ipv4Address{}, Port{9}}).ok());
    auto c = net.node(a).socket(stack::SocketKind::udp);
    int sent = 0;
    net.node(a).spawn(blaster(net.node(a), *c, {ip_b, Port{9}}, 10, sent));
    CHECK(sent == 4);         // then EAGAIN: it waits
    net.run_until(net.now()); // the poll at t = 0: each drain frees room, the writer goes on
    CHECK(sent == 10);
    net.run_until(net.now() + 50ms);
    CHECK(net.node(a).tasks() == 0);
    // All 10 left the socket in the first poll (t = 0), before a's ARP
    // request was answered: the neighbour queue keeps 3 (the newest; the
    // oldest is dropped for each newcomer), so 3 arrive and 7 are counted.
    CHECK(net.node(a).drops()[DropReason::arp_queue_full] == 7);
    CHECK(net.node(b).udp().counters().datagrams_in == 3);
}
