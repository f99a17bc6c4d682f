// Router behaviour the golden transcripts do not show: configuration
// errors, the ICMP rate limit, the ARP queue bound, timestamps, options in
// fragments, NAT and filter hooks (with stub policies), traces. Frames are
// built by hand below with an RFC 1071 checksum of the test's own.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>
#include <strata/node/concepts.hpp>
#include <strata/policy/routing/linear.hpp>

using namespace strata;
using namespace std::chrono_literals;

namespace {

std::uint16_t sum16(const std::vector<Byte>& b, std::size_t from, std::size_t to,
                    std::uint32_t s = 0) {
    for (std::size_t i = from; i < to; i += 2)
        s += std::uint32_t{b[i]} << 8 | (i + 1 < to ? b[i + 1] : 0);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}

const MacAddress r0{2, 0, 0, 0, 0, 1}, r1{2, 0, 0, 0, 1, 1}, r2{2, 0, 0, 0, 2, 1};
const MacAddress host_a{2, 0xaa, 0, 0, 0, 0x0a}, host_b{2, 0xbb, 0, 0, 0, 0x14};
const Ipv4Address a{10, 0, 0, 10}, b{10, 0, 1, 20};

router::RouterConfig three_ports() {
    router::RouterConfig c;
    c.ports = {{r0, Ipv4Prefix{Ipv4Address{10, 0, 0, 1}, 24}, 1500},
               {r1, Ipv4Prefix{Ipv4Address{10, 0, 1, 1}, 24}, 1500},
               {r2, Ipv4Prefix{Ipv4Address{10, 0, 2, 1}, 24}, 576}};
    return c;
}

/// Ethernet + IPv4 (RFC 791) + `l4` bytes; checksum by hand (RFC 1071).
std::vector<Byte> frame(MacAddress dst, MacAddress src, Ipv4Address from, Ipv4Address to,
                        std::uint8_t ttl, std::uint8_t proto, const std::vector<Byte>& l4,
                        std::vector<Byte> options = {}, std::uint16_t ident = 0x1234,
                        bool df = false) {
    std::vector<Byte> f(14);
    dst.to_bytes(f.data());
    src.to_bytes(f.data() + 6);
    f[12] = 0x08;
    const std::size_t hl = 20 + options.size();
    const std::size_t total = hl + l4.size();
    std::vector<Byte> h = {static_cast<Byte>(0x40 | hl / 4),
                           0,
                           static_cast<Byte>(total >> 8),
                           static_cast<Byte>(total),
                           static_cast<Byte>(ident >> 8),
                           static_cast<Byte>(ident),
                           static_cast<Byte>(df ? 0x40 : 0),
                           0,
                           ttl,
                           proto,
                           0,
                           0};
    for (int i = 0; i < 4; ++i)
        h.push_back(static_cast<Byte>(from.value() >> (24 - 8 * i)));
    for (int i = 0; i < 4; ++i)
        h.push_back(static_cast<Byte>(to.value() >> (24 - 8 * i)));
    h.insert(h.end(), options.begin(), options.end());
    const std::uint16_t c = static_cast<std::uint16_t>(~sum16(h, 0, h.size()));
    h[10] = static_cast<Byte>(c >> 8);
    h[11] = static_cast<Byte>(c);
    f.insert(f.end(), h.begin(), h.end());
    f.insert(f.end(), l4.begin(), l4.end());
    return f;
}

std::vector<Byte> udp_bytes(std::size_t data) {
    std::vector<Byte> u(8 + data, 0x5a);
    u[0] = 0x9c, u[1] = 0x40, u[2] = 0, u[3] = 9;
    u[4] = static_cast<Byte>((8 + data) >> 8), u[5] = static_cast<Byte>(8 + data);
    u[6] = u[7] = 0; // no UDP checksum (RFC 768): the router does not look
    return u;
}

/// TCP header of 20 bytes: ports, seq, ack, flags; checksum left zero (the
/// router does not verify transport checksums).
std::vector<Byte> tcp_bytes(std::uint32_t seq, std::uint32_t ack, Byte flags,
                            std::size_t data = 0) {
    std::vector<Byte> t(20 + data, 0x61);
    t[0] = 0x9c, t[1] = 0x40, t[2] = 0, t[3] = 80;
    for (int i = 0; i < 4; ++i) {
        t[4 + i] = static_cast<Byte>(seq >> (24 - 8 * i));
        t[8 + i] = static_cast<Byte>(ack >> (24 - 8 * i));
    }
    t[12] = 0x50, t[13] = flags, t[14] = 0xff, t[15] = 0xff;
    t[16] = t[17] = t[18] = t[19] = 0;
    return t;
}

template <class R>
void warm(R& r) {
    REQUIRE(r.arp_cache().learn(a, host_a, PortId{0}, at_ns(0), true));
    REQUIRE(r.arp_cache().learn(b, host_b, PortId{1}, at_ns(0), true));
}

std::uint32_t be32(const std::vector<Byte>& v, std::size_t at) {
    return std::uint32_t{v[at]} << 24 | std::uint32_t{v[at + 1]} << 16 |
           std::uint32_t{v[at + 2]} << 8 | v[at + 3];
}

} // namespace

static_assert(Node<Router<>>);
static_assert(Node<Router<routing::Linear>>);

TEST_CASE("router config errors name the key path", "[router]") {
    auto c = three_ports();
    c.routes = {{Ipv4Prefix{Ipv4Address{172, 16, 0, 0}, 12}, Ipv4Address{10, 0, 1, 254}, {}, 0},
                {Ipv4Prefix{Ipv4Address{192, 0, 2, 0}, 24}, Ipv4Address{10, 9, 9, 9}, {}, 0}};
    auto r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "routes[1].via");
    CHECK(r.error().message() == "gateway 10.9.9.9 is on no port's network");

    c.routes[1] = {Ipv4Prefix{Ipv4Address{172, 16, 0, 0}, 12}, Ipv4Address{10, 0, 2, 9}, {}, 0};
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().what() == "routes[1].prefix: route 172.16.0.0/12 metric 0 already present");

    c.routes[1] = {Ipv4Prefix{Ipv4Address{172, 16, 0, 1}, 12}, Ipv4Address{}, 1, 0};
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "routes[1].prefix");

    c.routes[1] = {Ipv4Prefix{Ipv4Address{198, 51, 100, 0}, 24}, Ipv4Address{}, {}, 0};
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "routes[1].port");

    c.routes[1] = {Ipv4Prefix{Ipv4Address{198, 51, 100, 0}, 24}, Ipv4Address{}, 7, 0};
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "routes[1].port");

    c.routes.pop_back();
    c.ports[2].mtu = 40;
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "ports[2].mtu");

    c.ports[2].mtu = 576;
    c.ports[1].address = Ipv4Prefix{Ipv4Address{10, 0, 0, 1}, 24};
    r = Router<>::make(c, RandomStream{1});
    REQUIRE(!r);
    CHECK(r.error().path() == "ports[1].address");

    CHECK(Router<>::make(three_ports(), RandomStream{1}));
}

TEST_CASE("router: ICMP errors are rate limited by a token bucket on now", "[router]") {
    auto c = three_ports();
    c.icmp_rate = {1, 2}; // one a second, two saved
    auto r = *Router<>::make(c, RandomStream{1});
    warm(r);
    RecordingOut out;
    auto expired = frame(r0, host_a, a, b, 1, 17, udp_bytes(4));
    for (int i = 0; i < 3; ++i) {
        auto f = expired;
        r.receive(PortId{0}, f, at_ns(0), out);
    }
    CHECK(out.frames.size() == 2);
    CHECK(r.icmp_suppressed() == 1);
    CHECK(r.drops()[DropReason::ttl_expired] == 3);
    out.clear();
    auto f = expired;
    r.receive(PortId{0}, f, at_ns(1'000'000'000), out); // one token back after 1 s
    CHECK(out.frames.size() == 1);
    f = expired;
    r.receive(PortId{0}, f, at_ns(1'000'000'001), out);
    CHECK(out.frames.size() == 1);
    CHECK(r.icmp_suppressed() == 2);
}

TEST_CASE("router: six errors to one host, then one a second; frag needed is never limited",
          "[router]") {
    auto r = *Router<>::make(three_ports(), RandomStream{1});
    warm(r);
    REQUIRE(r.arp_cache().learn(Ipv4Address{10, 0, 0, 11}, host_a, PortId{0}, at_ns(0), true));
    RecordingOut out;
    for (int i = 0; i < 8; ++i) {
        auto f = frame(r0, host_a, a, b, 1, 17, udp_bytes(4));
        r.receive(PortId{0}, f, at_ns(0), out);
    }
    CHECK(out.frames.size() == 6); // Linux: icmp_ratelimit 1 s, burst 6 per host
    auto f = frame(r0, host_a, Ipv4Address{10, 0, 0, 11}, b, 1, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(0), out);
    CHECK(out.frames.size() == 7); // another host has its own bucket
    f = frame(r0, host_a, a, b, 1, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(1'000'000'000), out);
    CHECK(out.frames.size() == 8);
    CHECK(r.icmp_suppressed() == 2);
    out.clear();
    // 600-byte datagrams with DF to port 2 (MTU 576): ten errors, none held.
    for (int i = 0; i < 10; ++i) {
        f = frame(r0, host_a, a, Ipv4Address{10, 0, 2, 30}, 64, 17, udp_bytes(572), {}, 1, true);
        r.receive(PortId{0}, f, at_ns(1'000'000'000), out);
    }
    CHECK(out.frames.size() == 10);
    CHECK(out.frames[0].bytes[34] == 3);
    CHECK(out.frames[0].bytes[35] == 4);
}

TEST_CASE("router: the ARP queue holds three per next hop and drops the oldest", "[router]") {
    auto r = *Router<>::make(three_ports(), RandomStream{1});
    RecordingOut out;
    for (std::uint16_t id = 1; id <= 4; ++id) {
        auto f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4), {}, id);
        r.receive(PortId{0}, f, at_ns(0), out);
    }
    REQUIRE(out.frames.size() == 1); // one request (ARP, 42 bytes)
    CHECK(out.frames[0].bytes.size() == 42);
    CHECK(r.drops()[DropReason::arp_queue_full] == 1);
    CHECK(r.poll_at() == at_ns(1'000'000'000));
    out.clear();
    // B's reply (RFC 826): op 2, sha B, spa 10.0.1.20, tha r1, tpa 10.0.1.1.
    std::vector<Byte> reply = {0x02, 0, 0, 0, 1, 1, 0x02, 0xbb, 0, 0, 0, 0x14, 0x08, 0x06, 0, 1,
                               0x08, 0, 6, 4, 0, 2, 0x02, 0xbb, 0, 0, 0, 0x14, 10,   0,    1, 20,
                               0x02, 0, 0, 0, 1, 1, 10,   0,    1, 1};
    r.receive(PortId{1}, reply, at_ns(100), out);
    REQUIRE(out.frames.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) // identifications 2, 3, 4: the oldest (1) went
        CHECK((out.frames[i].bytes[18] << 8 | out.frames[i].bytes[19]) == int(i + 2));
    CHECK(r.poll_at() == never);
    CHECK(r.arp_cache().free_slots() == 64);
}

TEST_CASE("router: timestamp option gets address and time; fragments keep copied options",
          "[router]") {
    auto r = *Router<>::make(three_ports(), RandomStream{1});
    warm(r);
    RecordingOut out;
    // Timestamp (68), length 12, pointer 5, flag 1 (address + time): one entry.
    std::vector<Byte> ts = {68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    auto f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4), ts);
    r.receive(PortId{0}, f, at_ns(12'345'000'000), out); // 12.345 s after midnight
    REQUIRE(out.frames.size() == 1);
    const auto& g = out.frames[0].bytes;
    CHECK(g[14 + 22] == 13);                                     // pointer advanced by 8
    CHECK(be32(g, 14 + 24) == Ipv4Address{10, 0, 1, 1}.value()); // egress address
    CHECK(be32(g, 14 + 28) == 12345u);                           // ms since midnight
    CHECK(sum16(g, 14, 14 + 32) == 0xffff);

    out.clear();
    // Router alert (148, copied) + a full record route (7, not copied) + EOL.
    std::vector<Byte> opts = {148, 4, 0, 0, 7, 7, 8, 1, 2, 3, 4, 0};
    f = frame(r0, host_a, a, Ipv4Address{10, 0, 2, 30}, 64, 17, udp_bytes(992), opts);
    REQUIRE(r.arp_cache().learn(Ipv4Address{10, 0, 2, 30}, host_b, PortId{2}, at_ns(0), true));
    r.receive(PortId{0}, f, at_ns(0), out);
    // 1000 data bytes, MTU 576: first fragment header 32 → (576-32)/8*8 = 544
    // bytes; the second carries only the router alert (header 24) and 456.
    REQUIRE(out.frames.size() == 2);
    const auto& f1 = out.frames[0].bytes;
    const auto& f2 = out.frames[1].bytes;
    CHECK(f1[14] == 0x48);
    CHECK(f1.size() == 14 + 32 + 544);
    CHECK((f1[20] & 0x20) != 0); // MF
    CHECK(f2[14] == 0x46);
    CHECK(f2.size() == 14 + 24 + 456);
    CHECK(std::vector<Byte>(f2.begin() + 34, f2.begin() + 38) == std::vector<Byte>{148, 4, 0, 0});
    CHECK(((f2[20] & 0x1f) << 8 | f2[21]) == 544 / 8);
    CHECK((f2[20] & 0x20) == 0);
    CHECK(sum16(f1, 14, 14 + 32) == 0xffff);
    CHECK(sum16(f2, 14, 14 + 24) == 0xffff);
}

TEST_CASE("router: link padding is not forwarded; traces name the steps", "[router]") {
    auto r = *Router<>::make(three_ports(), RandomStream{1});
    warm(r);
    RecordingOut out;
    auto f = frame(r0, host_a, a, b, 64, 17, udp_bytes(2));
    f.resize(60, 0); // 14 + 30 = 44 bytes, padded to the minimum frame
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].bytes.size() == 44);
    bool routed = false, ttl = false;
    for (const auto& e : out.events) {
        if (e.kind == TraceKind::route_chosen) {
            routed = e.port == PortId{1} && e.addr[0] == b && e.value == 24;
        }
        if (e.kind == TraceKind::ttl_decremented) ttl = e.value == 63;
    }
    CHECK(routed);
    CHECK(ttl);
    out.clear();
    f = frame(MacAddress{2, 9, 9, 9, 9, 9}, host_a, a, b, 64, 17, udp_bytes(2));
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].kind == TraceKind::frame_dropped);
    CHECK(out.events[0].reason == DropReason::not_for_me);
    std::vector<Byte> runt(10, 0);
    r.receive(PortId{0}, runt, at_ns(0), out);
    CHECK(r.drops()[DropReason::malformed] == 1);
}

namespace {

/// A filter that answers every packet with one action and keeps what it saw.
struct StubFilter {
    static constexpr bool enabled = true;
    filter::Action action = filter::Action::accept;
    std::vector<filter::Packet> seen;
    filter::Verdict check(const filter::Packet& p, Instant) {
        seen.push_back(p);
        return {action, 3};
    }
    void poll(Instant) {}
    [[nodiscard]] Instant poll_at() const { return never; }
};
static_assert(filter::Policy<StubFilter>);

/// A NAT that forwards port 5555 of the router's outside address
/// (10.0.1.1) to A, and records the order of its calls.
struct StubNat {
    static constexpr bool enabled = true;
    std::vector<char> calls;
    template <class Out>
    nat::Outcome prerouting(PortId, MutBytes p, Instant, Out&) {
        calls.push_back('<');
        auto ip = Ipv4View<Byte>::unchecked(p);
        if (ip.dst() == Ipv4Address{10, 0, 1, 1} && p.size() >= 24 && p[22] == 0x15 &&
            p[23] == 0xb3) {
            ip.rewrite_dst(a);
            return {nat::Verdict::translated, {true, 0}};
        }
        if (ip.dst() == Ipv4Address{10, 0, 1, 1} && ip.protocol() == IpProtocol::udp)
            return {nat::Verdict::no_mapping, {}};
        return {};
    }
    template <class Out>
    nat::Verdict postrouting(PortId, PortId, MutBytes, const nat::Context&, Instant, Out&) {
        calls.push_back('>');
        return nat::Verdict::pass;
    }
    template <class Out>
    void poll(Instant, Out&) {}
    [[nodiscard]] Instant poll_at() const { return never; }
};
static_assert(nat::Policy<StubNat>);

} // namespace

TEST_CASE("router: filter reject sends a reset per RFC 9293 §3.10.7.1 or ICMP 3/13",
          "[router][filter]") {
    using R = Router<routing::Default, nat::None, StubFilter>;
    auto r = *R::make(three_ports(), RandomStream{1}, {}, StubFilter{filter::Action::reject, {}});
    warm(r);
    RecordingOut out;
    // A SYN from A (seq 1000, no ACK): reset <SEQ=0><ACK=1001><CTL=RST,ACK>.
    auto f = frame(r0, host_a, a, b, 64, 6, tcp_bytes(1000, 0, 0x02), {}, 1, true);
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(r.filter().seen.size() == 1);
    const auto& p = r.filter().seen[0];
    CHECK(p.src == a);
    CHECK(p.dst == b);
    CHECK(p.in == PortId{0});
    CHECK(p.out == PortId{1});
    CHECK(p.src_mac == host_a);
    CHECK(p.has_transport);
    CHECK(p.sport == 40000);
    CHECK(p.dport == 80);
    CHECK(p.tcp_flags == 0x02);
    REQUIRE(out.frames.size() == 1);
    const auto& rst = out.frames[0].bytes;
    CHECK(out.frames[0].port == PortId{0});
    REQUIRE(rst.size() == 14 + 40);
    CHECK(be32(rst, 14 + 12) == b.value()); // from B, the segment's destination
    CHECK(be32(rst, 14 + 16) == a.value());
    CHECK(rst[34] == 0); // ports swapped
    CHECK(rst[35] == 80);
    CHECK(rst[36] == 0x9c);
    CHECK(rst[37] == 0x40);
    CHECK(be32(rst, 38) == 0);    // SEQ = 0
    CHECK(be32(rst, 42) == 1001); // ACK = SEG.SEQ + SEG.LEN (the SYN counts one)
    CHECK(rst[47] == 0x14);       // RST + ACK
    // TCP checksum over the pseudo-header (RFC 9293 §3.1), by hand.
    std::vector<Byte> pseudo(rst.begin() + 26, rst.begin() + 34);
    pseudo.insert(pseudo.end(), {0, 6, 0, 20});
    pseudo.insert(pseudo.end(), rst.begin() + 34, rst.end());
    CHECK(sum16(pseudo, 0, pseudo.size()) == 0xffff);
    CHECK(r.drops()[DropReason::filter] == 1);

    out.clear();
    // An ACK segment with 10 data bytes: <SEQ=SEG.ACK><CTL=RST>.
    f = frame(r0, host_a, a, b, 64, 6, tcp_bytes(5000, 777, 0x10, 10));
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(be32(out.frames[0].bytes, 38) == 777);
    CHECK(out.frames[0].bytes[47] == 0x04);

    out.clear();
    // UDP: destination unreachable, communication administratively prohibited.
    f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].bytes[34] == 3);
    CHECK(out.frames[0].bytes[35] == 13);
    CHECK(out.frames[0].bytes[14 + 8] == 64);
    // The quote: the datagram as it left the filter stage, TTL already 63
    // (Linux's FORWARD chain runs after ip_decrease_ttl).
    CHECK(out.frames[0].bytes[42 + 8] == 63);

    r.filter().action = filter::Action::drop;
    out.clear();
    f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(0), out);
    CHECK(out.frames.empty());
    CHECK(r.drops()[DropReason::filter] == 4);
}

TEST_CASE("router: NAT prerouting runs before the local check, postrouting on the way out",
          "[router][nat]") {
    using R = Router<routing::Default, StubNat>;
    auto r = *R::make(three_ports(), RandomStream{1});
    warm(r);
    RecordingOut out;
    // To the router's own address, UDP port 5555: the NAT forwards it to A.
    auto u = udp_bytes(4);
    u[2] = 0x15, u[3] = 0xb3;
    auto f = frame(r1, host_b, b, Ipv4Address{10, 0, 1, 1}, 64, 17, u);
    r.receive(PortId{1}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].port == PortId{0});
    CHECK(be32(out.frames[0].bytes, 30) == a.value());
    CHECK(r.nat().calls == std::vector<char>{'<', '>'});
    // Other UDP to the router's address: no mapping, dropped and counted.
    f = frame(r1, host_b, b, Ipv4Address{10, 0, 1, 1}, 64, 17, udp_bytes(4));
    r.receive(PortId{1}, f, at_ns(0), out);
    CHECK(r.drops()[DropReason::nat_no_mapping] == 1);
    // An ICMP error the router originates goes through postrouting too.
    r.nat().calls.clear();
    out.clear();
    f = frame(r0, host_a, a, b, 1, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(r.nat().calls == std::vector<char>{'<', '>'});
}

TEST_CASE("router: ARP probes teach nothing, an entry expires, poll re-resolves", "[router]") {
    auto c = three_ports();
    c.arp.reachable = 10s;
    auto r = *Router<>::make(c, RandomStream{1});
    RecordingOut out;
    REQUIRE(r.arp_cache().learn(b, host_b, PortId{1}, at_ns(0), true));
    auto f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4));
    r.arp_cache().learn(a, host_a, PortId{0}, at_ns(0), true);
    r.receive(PortId{0}, f, at_ns(9'000'000'000), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].bytes[12] == 0x08);
    CHECK(out.frames[0].bytes[13] == 0x00);
    out.clear();
    f = frame(r0, host_a, a, b, 64, 17, udp_bytes(4));
    r.receive(PortId{0}, f, at_ns(10'000'000'000), out); // expired: ask again
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].bytes[13] == 0x06);
    CHECK(r.arp_cache().pending() == 1);
}

TEST_CASE("router: mutated frames never crash it, and what it sends is well formed",
          "[router][property]") {
    auto c = three_ports();
    c.routes = {{Ipv4Prefix{}, Ipv4Address{10, 0, 1, 254}, {}, 0}};
    auto r = *Router<>::make(c, RandomStream{1});
    warm(r);
    REQUIRE(r.arp_cache().learn(Ipv4Address{10, 0, 1, 254}, host_b, PortId{1}, at_ns(0), true));
    // Seeds: UDP, a TCP SYN, an echo request to the router, options, ARP.
    std::vector<std::vector<Byte>> seeds = {
        frame(r0, host_a, a, b, 64, 17, udp_bytes(40)),
        frame(r0, host_a, a, Ipv4Address{8, 8, 8, 8}, 2, 6, tcp_bytes(1, 0, 0x02, 1400)),
        frame(r0, host_a, a, Ipv4Address{10, 0, 0, 1}, 64, 1,
              {8, 0, 0xf7, 0xfe, 0, 1, 0, 0}), // echo request id 1 seq 0 (checksum by hand)
        frame(r0, host_a, a, b, 64, 17, udp_bytes(8), {7, 7, 4, 0, 0, 0, 0, 0}),
        frame(r0, host_a, a, b, 64, 17, udp_bytes(8), {68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0}),
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0xaa, 0, 0,    0,  0x0a, 0x08, 0x06,
         0,    1,    8,    0,    6,    4,    0, 1,    2, 0xaa, 0,  0,    0,    0x0a,
         10,   0,    0,    10,   0,    0,    0, 0,    0, 0,    10, 0,    0,    1},
    };
    RandomStream rng{2026};
    RecordingOut out;
    std::uint64_t sent = 0;
    for (int n = 0; n < 20000; ++n) {
        auto f = seeds[rng.below(seeds.size())];
        const auto flips = rng.between(1, 4);
        for (std::uint64_t k = 0; k < flips; ++k)
            f[rng.below(f.size())] ^= static_cast<Byte>(1u << rng.below(8));
        if (rng.chance(0.2)) f.resize(rng.below(f.size() + 1));
        const Instant now = at_ns(static_cast<std::int64_t>(n) * 1'000'000);
        r.receive(PortId{static_cast<std::uint16_t>(rng.below(3))}, f, now, out);
        r.poll(now, out);
        for (const auto& o : out.frames) {
            REQUIRE(o.bytes.size() >= 14);
            REQUIRE(o.bytes.size() <= 14 + 1500);
            if (o.bytes[12] == 0x08 && o.bytes[13] == 0x00) {
                const std::size_t hl = std::size_t{o.bytes[14] & 0x0fu} * 4;
                REQUIRE(o.bytes.size() >= 14 + hl);
                CHECK(sum16(o.bytes, 14, 14 + hl) == 0xffff);
                CHECK((o.bytes[14 + 2] << 8 | o.bytes[14 + 3]) == int(o.bytes.size() - 14));
            }
        }
        sent += out.frames.size();
        out.clear();
    }
    CHECK(sent > 1000); // most mutations still forward or get an answer
    CHECK(r.drops().total() > 1000);
}
