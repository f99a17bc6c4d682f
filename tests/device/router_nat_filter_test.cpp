// Router<Default, nat::Napt, filter::Stateful<Rules>>: the router's hooks
// with the real policies. A home router: port 0 is the LAN (10.0.0.1/24),
// port 1 the outside (192.0.2.2/24, also the NAT's public address), default
// route via 192.0.2.1. Expected values follow from RFC 4787 (mapping and
// filtering), RFC 5508 §4.2 (an error about a translated packet carries the
// public endpoint in its quote) and the filter's rules.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>
#include <strata/policy/filter/rules.hpp>
#include <strata/policy/filter/stateful.hpp>
#include <strata/policy/nat/napt.hpp>

using namespace strata;

namespace {

using HomeRouter = Router<routing::Default, nat::Napt, filter::Stateful<filter::Rules>>;

const MacAddress lan_mac{2, 0, 0, 0, 0, 1}, wan_mac{2, 0, 0, 0, 1, 1};
const MacAddress host_mac{2, 0xaa, 0, 0, 0, 10}, isp_mac{2, 0xcc, 0, 0, 0, 1};
const Ipv4Address host{10, 0, 0, 10}, server{198, 51, 100, 9}, public_ip{192, 0, 2, 2};

HomeRouter make_router(std::vector<filter::Rule> rules = {}) {
    router::RouterConfig c;
    c.ports = {{lan_mac, Ipv4Prefix{Ipv4Address{10, 0, 0, 1}, 24}, 1500},
               {wan_mac, Ipv4Prefix{public_ip, 24}, 1500}};
    c.routes = {{Ipv4Prefix{}, Ipv4Address{192, 0, 2, 1}, {}, 0}};
    nat::NaptConfig nc;
    nc.inside_ports = {PortId{0}};
    nc.outside_port = PortId{1};
    nc.public_address = public_ip;
    auto napt = nat::Napt::make(std::move(nc), RandomStream{7});
    REQUIRE(napt);
    auto built = filter::Rules::build(std::move(rules));
    REQUIRE(built);
    auto r = HomeRouter::make(c, RandomStream{1}, std::move(*napt),
                              filter::Stateful<filter::Rules>{std::move(*built)});
    REQUIRE(r);
    HomeRouter router = std::move(*r);
    REQUIRE(router.arp_cache().learn(host, host_mac, PortId{0}, at_ns(0), true));
    REQUIRE(
        router.arp_cache().learn(Ipv4Address{192, 0, 2, 1}, isp_mac, PortId{1}, at_ns(0), true));
    return router;
}

/// Ethernet + IPv4 + UDP (checksum 0: none, RFC 768) with 4 data bytes.
std::vector<Byte> udp_frame(MacAddress to, Ipv4Address src, std::uint16_t sport, Ipv4Address dst,
                            std::uint16_t dport, std::uint8_t ttl = 64) {
    std::vector<Byte> f(14 + 20 + 12, 0);
    to.to_bytes(f.data());
    f[12] = 0x08;
    const auto ip = Ipv4View<Byte>::unchecked(MutBytes(f).subspan(14));
    f[14] = 0x45;
    ip.set_total_len(32);
    ip.set_ttl(ttl);
    ip.set_protocol(IpProtocol::udp);
    ip.set_src(src);
    ip.set_dst(dst);
    ip.fill_checksum();
    store_be16(f.data() + 34, sport);
    store_be16(f.data() + 36, dport);
    store_be16(f.data() + 38, 12);
    return f;
}

Ipv4Address ip_at(const std::vector<Byte>& f, std::size_t off) {
    return Ipv4Address::from_bytes(f.data() + off);
}

} // namespace

TEST_CASE("home router: outbound mapped, reply back, unsolicited dropped", "[router][nat]") {
    auto r = make_router();
    RecordingOut out;
    auto f = udp_frame(lan_mac, host, 5000, server, 53);
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].port == PortId{1});
    const auto pub = r.nat().public_endpoint(IpProtocol::udp, host, 5000);
    REQUIRE(pub);
    CHECK(ip_at(out.frames[0].bytes, 26) == public_ip); // source rewritten
    CHECK(load_be16(out.frames[0].bytes.data() + 34) == pub->port);
    CHECK(pub->port >= 20000);
    CHECK(pub->port <= 59999);

    out.clear();
    f = udp_frame(wan_mac, server, 53, public_ip, pub->port);
    r.receive(PortId{1}, f, at_ns(1'000), out);
    REQUIRE(out.frames.size() == 1); // the reply is for the mapping, not for the router
    CHECK(out.frames[0].port == PortId{0});
    CHECK(ip_at(out.frames[0].bytes, 30) == host);
    CHECK(load_be16(out.frames[0].bytes.data() + 36) == 5000);

    out.clear();
    f = udp_frame(wan_mac, server, 53, public_ip, 4444); // no mapping
    r.receive(PortId{1}, f, at_ns(2'000), out);
    CHECK(out.frames.empty());
    CHECK(r.drops()[DropReason::nat_no_mapping] == 1);
}

TEST_CASE("home router: time exceeded about a translated reply quotes the public endpoint",
          "[router][nat]") {
    auto r = make_router();
    RecordingOut out;
    auto f = udp_frame(lan_mac, host, 5000, server, 53);
    r.receive(PortId{0}, f, at_ns(0), out);
    const auto pub = r.nat().public_endpoint(IpProtocol::udp, host, 5000);
    REQUIRE(pub);
    out.clear();
    // A reply arriving with TTL 1: prerouting turned its destination into
    // the host's, then the TTL check fails; the error goes back out by the
    // outside port to the server, and (RFC 5508 §4.2) its quote must show
    // the datagram as the server sent it: destination public_ip:pub->port.
    f = udp_frame(wan_mac, server, 53, public_ip, pub->port, 1);
    r.receive(PortId{1}, f, at_ns(1'000), out);
    REQUIRE(out.frames.size() == 1);
    const auto& e = out.frames[0].bytes;
    CHECK(out.frames[0].port == PortId{1});
    CHECK(e[34] == 11); // time exceeded
    CHECK(ip_at(e, 26) == public_ip);
    CHECK(ip_at(e, 30) == server);
    CHECK(ip_at(e, 42 + 16) == public_ip); // quoted destination
    CHECK(load_be16(e.data() + 42 + 20 + 2) == pub->port);
    CHECK(r.drops()[DropReason::ttl_expired] == 1);
}

TEST_CASE("home router: a rule drops, a tracked flow passes, reject answers", "[router][filter]") {
    filter::Rule block;
    block.action = filter::Action::reject;
    block.in = PortId{0};
    block.proto = filter::proto_udp;
    block.dport = filter::PortRange{137, 139};
    auto r = make_router({block});
    RecordingOut out;
    auto f = udp_frame(lan_mac, host, 5000, server, 138);
    r.receive(PortId{0}, f, at_ns(0), out);
    REQUIRE(out.frames.size() == 1); // destination unreachable 3/13 back to the host
    CHECK(out.frames[0].port == PortId{0});
    CHECK(out.frames[0].bytes[34] == 3);
    CHECK(out.frames[0].bytes[35] == 13);
    CHECK(r.drops()[DropReason::filter] == 1);
    bool traced = false;
    for (const auto& ev : out.events)
        traced |= ev.kind == TraceKind::filter_rule_hit && ev.value == 0 &&
                  ev.reason == DropReason::filter;
    CHECK(traced);
}
