// Host<Stack> at the IP layer, frames built by hand and handed straight to
// the host: a user transport layer with its own engine (engine_for), the
// reassembly timeout's ICMP time exceeded, and the IPv4 checksum checked
// per port capability. Expected values are derived by hand in the comments.
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

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
using hosttest::ip_a;
using hosttest::ip_b;
using hosttest::mac_a;
using hosttest::mac_b;

namespace {
stack::HostConfig config(std::string name, MacAddress mac, Ipv4Address ip) {
    return hosttest::config(std::move(name), mac, ip, 7);
}
} // namespace

namespace host_test {

// A user transport on IP protocol 253 (RFC 3692: for experiments): the
// engine answers every datagram with the same bytes reversed, once.
struct Blip {
    using kind = layer_kind::transport;
    static constexpr std::string_view name = "blip";
    static constexpr KeySet selected_by{IpProtocol{253}};
};
struct BlipEngine {
    static constexpr IpProtocol protocol{253};
    std::vector<std::vector<Byte>> received;
    std::vector<std::pair<Ipv4Address, std::vector<Byte>>> to_send;
    template <class Tx>
    void receive(Ipv4Address src, Ipv4Address, Bytes payload, Instant, Tx& tx) {
        received.emplace_back(payload.begin(), payload.end());
        if (!payload.empty() && payload[0] == 'q') {
            std::vector<Byte> r(payload.rbegin(), payload.rend());
            (void)tx.send_ip(src, protocol, r);
        }
    }
    template <class Tx>
    void poll(Instant, Tx& tx) {
        for (auto& [to, bytes] : to_send)
            (void)tx.send_ip(to, protocol, bytes);
        to_send.clear();
    }
    [[nodiscard]] Instant poll_at() const { return to_send.empty() ? never : Instant{}; }
};

} // namespace host_test
using host_test::Blip;
using host_test::BlipEngine;

template <>
struct strata::stack::engine_for<Blip> {
    using type = BlipEngine;
};

TEST_CASE("host: a user layer brings its own engine (engine_for), dispatched by protocol number") {
    using BlipHost = stack::Host<Ethernet<IPv4<OneOf<Blip, ICMP>>>>;
    static_assert(stack::HostStack<Ethernet<IPv4<OneOf<Blip, ICMP>>>>);
    static_assert(std::is_same_v<BlipHost::UserEngines, std::tuple<BlipEngine>>);
    static_assert(BlipHost::has_icmp && !BlipHost::has_udp && !BlipHost::has_tcp);
    sim::Network net(1);
    auto a = net.add("a", BlipHost(config("a", mac_a, ip_a)));
    auto b = net.add("b", BlipHost(config("b", mac_b, ip_b)));
    REQUIRE(net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(0, 1ms)));
    net.node(a).engine<BlipEngine>().to_send.push_back({ip_b, {Byte{'q'}, Byte{'1'}, Byte{'2'}}});
    net.run_until(net.now() + 20ms);
    const auto& rb = net.node(b).engine<BlipEngine>().received;
    REQUIRE(rb.size() == 1);
    CHECK(rb[0] == std::vector<Byte>{Byte{'q'}, Byte{'1'}, Byte{'2'}});
    const auto& ra = net.node(a).engine<BlipEngine>().received;
    REQUIRE(ra.size() == 1);
    CHECK(ra[0] == std::vector<Byte>{Byte{'2'}, Byte{'1'}, Byte{'q'}});
}

namespace {

std::vector<Byte> arp_request_from_a() {
    std::vector<Byte> f(42);
    EthernetRepr{MacAddress::broadcast(), mac_a, EtherType::arp}.emit(
        EthernetView<Byte>::unchecked(f));
    ArpRepr{ArpOperation::request, mac_a, ip_a, MacAddress::zero(), ip_b}.emit(
        ArpView<Byte>::unchecked(MutBytes(f).subspan(14)));
    return f;
}

/// An IPv4 datagram from a to b carrying `l4` (protocol `p`), in a frame.
std::vector<Byte> ip_frame_from_a(IpProtocol p, Bytes l4, std::uint16_t ident, bool mf,
                                  bool good_checksum = true) {
    std::vector<Byte> f(14 + 20 + l4.size());
    EthernetRepr{mac_b, mac_a, EtherType::ipv4}.emit(EthernetView<Byte>::unchecked(f));
    Ipv4Repr ip{.src = ip_a, .dst = ip_b, .protocol = p};
    ip.ident = ident;
    ip.dont_frag = false;
    ip.more_frags = mf;
    ip.payload_len = static_cast<std::uint16_t>(l4.size());
    const auto v = Ipv4View<Byte>::unchecked(MutBytes(f).subspan(14));
    ip.emit(v);
    if (!good_checksum) v.set_checksum(static_cast<std::uint16_t>(v.checksum() ^ 0x5555));
    std::copy(l4.begin(), l4.end(), f.begin() + 34);
    return f;
}

} // namespace

TEST_CASE(
    "host: reassembly timeout sends time exceeded code 1 to the source (RFC 792, RFC 1122 3.3.2)") {
    UdpHost h(config("b", mac_b, ip_b));
    RecordingOut out;
    const Instant t0 = Instant{} + 1s;
    auto arp = arp_request_from_a();
    h.receive(PortId{0}, arp, t0, out);
    // b answers a's request (and learns a: RFC 826, b was the target).
    bool replied = false;
    for (const auto& e : out.events)
        if (e.kind == TraceKind::arp_reply_sent && e.addr[1] == ip_a) replied = true;
    CHECK(replied);
    out.clear();
    // Fragment 0 of datagram 77: 16 bytes (a UDP header and 8 bytes), MF set.
    std::array<Byte, 16> l4{};
    l4[1] = 9;
    l4[3] = 7;
    auto frag = ip_frame_from_a(IpProtocol::udp, l4, 77, true);
    h.receive(PortId{0}, frag, t0, out);
    // b's own announcements (RFC 5227 §2.3: two, 2 s apart) are due first.
    CHECK(h.poll_at() == t0);
    h.poll(t0, out);
    h.poll(t0 + 2s, out);
    CHECK(out.frames.size() == 2);
    out.clear();
    // Linux's ipfrag_time, the default: 30 s after the first fragment.
    CHECK(h.poll_at() == t0 + 30s);
    h.poll(t0 + 30s - 1ns, out);
    CHECK(out.frames.empty());
    h.poll(t0 + 30s, out);
    // a's entry, learned at t0, was reachable for 30 s: it is STALE now,
    // still used (the error goes straight out), and asked for again at the
    // next poll (Linux's STALE state).
    REQUIRE(out.frames.size() == 1);
    CHECK(h.poll_at() == t0 + 30s);
    {
        RecordingOut refresh;
        h.poll(t0 + 30s + 1ns, refresh);
        REQUIRE(refresh.frames.size() == 1);
        const auto e = EthernetView<const Byte>::unchecked(refresh.frames[0].bytes);
        REQUIRE(e.ethertype() == EtherType::arp);
        CHECK(ArpView<const Byte>::unchecked(e.payload()).target_protocol_addr() == ip_a);
    }
    const auto eth = EthernetView<const Byte>::unchecked(out.frames[0].bytes);
    CHECK(eth.dst() == mac_a);
    const auto ip = Ipv4View<const Byte>::checked(eth.payload());
    REQUIRE(ip.has_value());
    CHECK(ip->dst() == ip_a);
    CHECK(ip->src() == ip_b);
    CHECK(ip->ttl() == 64);
    const auto icmp = IcmpView<const Byte>::unchecked(ip->payload());
    CHECK(icmp.type() == IcmpType::time_exceeded);
    CHECK(icmp.code() == 1);
    CHECK(icmp.verify_checksum());
    // The quote: fragment 0's IPv4 header and its first 8 data bytes.
    REQUIRE(icmp.quoted().size() == 28);
    CHECK(std::equal(icmp.quoted().begin(), icmp.quoted().end(), frag.begin() + 14));
}

TEST_CASE("host: the IPv4 checksum is checked unless the port verifies it (PortCaps)") {
    std::array<Byte, 12> udp{};
    udp[1] = 9;  // source port 9
    udp[3] = 77; // destination port 77: no socket there
    udp[5] = 12; // length 12
    // checksum 0: none (RFC 768)
    auto bad = ip_frame_from_a(IpProtocol::udp, udp, 1, false, false);
    {
        UdpHost h(config("b", mac_b, ip_b));
        RecordingOut out;
        auto arp = arp_request_from_a();
        h.receive(PortId{0}, arp, Instant{}, out);
        out.clear();
        h.receive(PortId{0}, bad, Instant{}, out);
        CHECK(h.drops()[DropReason::bad_checksum] == 1);
        CHECK(out.frames.empty());
    }
    {
        PortCaps caps;
        caps.ipv4.verifies_rx = true; // the "hardware" checked it: believed
        UdpHost h(config("b", mac_b, ip_b));
        RecordingOut out(caps);
        auto arp = arp_request_from_a();
        h.receive(PortId{0}, arp, Instant{}, out);
        out.clear();
        h.receive(PortId{0}, bad, Instant{}, out);
        CHECK(h.drops()[DropReason::bad_checksum] == 0);
        // No socket on port 77: port unreachable back to a.
        REQUIRE(out.frames.size() == 1);
        const auto ip = Ipv4View<const Byte>::checked(
            EthernetView<const Byte>::unchecked(out.frames[0].bytes).payload());
        REQUIRE(ip.has_value());
        const auto icmp = IcmpView<const Byte>::unchecked(ip->payload());
        CHECK(icmp.type() == IcmpType::dest_unreachable);
        CHECK(icmp.code() == 3);
        CHECK(h.udp().counters().no_port == 1);
    }
}
