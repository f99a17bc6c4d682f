// Task (c) of docs/tasks.md: a router's forwarding path. For each frame:
// parse Ethernet and IPv4 (checked), drop what must not be forwarded,
// longest-prefix-match the destination, decrement the TTL with an
// incremental checksum update (RFC 1624, RFC 1812 §5.3.1), rewrite both MAC
// addresses for the next hop; all in place, without allocating.
//
//   example_router_hot_path [PACKETS]
//
// main() builds PACKETS test frames (default 1000) to a few destinations,
// forwards them and checks every field the hot path touched. ICMP errors
// (time exceeded, unreachable) and ARP resolution are not part of the task:
// the neighbour cache is a fixed table here.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include <strata/layers.hpp>
#include <strata/policy/routing/adaptive.hpp>

// [task]
using namespace strata;

struct Neighbor {
    Ipv4Address ip;
    MacAddress mac;
};

struct Router {
    routing::Default fib;               // prefix -> (gateway, interface)
    std::array<MacAddress, 2> port_mac; // our MAC address on each interface
    std::array<Neighbor, 3> neighbors;  // the ARP cache

    /// Forwards `frame` in place; the interface it leaves by, or nothing (drop).
    std::optional<routing::InterfaceId> forward(MutBytes frame) const noexcept {
        auto d = decode_mut<Ethernet<IPv4<>>>(frame);
        if (!d.ok()) return std::nullopt;
        auto& ip = d.get<IPv4>();
        if (!ip.verify_checksum() || ip.ttl() <= 1) return std::nullopt;
        const routing::Match m = fib.lookup(ip.dst());
        if (!m) return std::nullopt;
        const routing::NextHop& hop = fib.next_hop(m.hop());
        const Ipv4Address next = hop.on_link() ? ip.dst() : hop.gateway;
        for (const Neighbor& n : neighbors) {
            if (n.ip != next) continue;
            ip.decrement_ttl();
            d.get<Ethernet>().set_src(port_mac[hop.interface.value()]);
            d.get<Ethernet>().set_dst(n.mac);
            return hop.interface;
        }
        return std::nullopt;
    }
};
// [/task]

namespace {

const MacAddress host_mac{2, 0, 0, 0, 0, 0x10};
const MacAddress router_in{2, 0, 0, 0, 1, 0};

int fail(const char* what, std::size_t i) {
    std::fprintf(stderr, "packet %zu: %s\n", i, what);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t packets = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
    Router r{.fib = {},
             .port_mac = {MacAddress{2, 0, 0, 0, 1, 0}, MacAddress{2, 0, 0, 0, 1, 1}},
             .neighbors = {Neighbor{{10, 0, 0, 2}, MacAddress{2, 0, 0, 0, 2, 2}},
                           Neighbor{{192, 168, 1, 7}, MacAddress{2, 0, 0, 0, 3, 7}},
                           Neighbor{{192, 168, 1, 9}, MacAddress{2, 0, 0, 0, 3, 9}}}};
    using routing::InterfaceId, routing::NextHop;
    const bool ok = r.fib.insert({{0, 0, 0, 0}, 0}, NextHop{{10, 0, 0, 2}, InterfaceId{0}}) &&
                    r.fib.insert({{192, 168, 1, 0}, 24}, NextHop{{}, InterfaceId{1}}) &&
                    r.fib.insert({{203, 0, 113, 0}, 24}, NextHop{{192, 168, 1, 9}, InterfaceId{1}});
    if (!ok) return fail("route insert failed", 0);

    // The frames, built before the timed part: destinations cycle through
    // the three routes and an on-link address with no ARP entry (dropped);
    // one in seven has TTL 1 (dropped).
    struct Case {
        Ipv4Address dst;
        std::uint8_t ttl;
        std::optional<std::uint16_t> egress;
        MacAddress next_mac;
    };
    const std::array<Case, 4> cases{{{{8, 8, 8, 8}, 64, 0, MacAddress{2, 0, 0, 0, 2, 2}},
                                     {{192, 168, 1, 7}, 64, 1, MacAddress{2, 0, 0, 0, 3, 7}},
                                     {{203, 0, 113, 5}, 64, 1, MacAddress{2, 0, 0, 0, 3, 9}},
                                     {{192, 168, 1, 8}, 64, std::nullopt, MacAddress{}}}};
    std::vector<std::array<Byte, 128>> frames(packets);
    std::vector<std::size_t> lens(packets);
    std::vector<const Case*> want(packets);
    const std::array<Byte, 18> payload{};
    for (std::size_t i = 0; i < packets; ++i) {
        want[i] = &cases[i % cases.size()];
        const Ipv4Repr ip{.src = {172, 16, 0, 1},
                          .dst = want[i]->dst,
                          .ttl = static_cast<std::uint8_t>(i % 7 == 6 ? 1 : want[i]->ttl),
                          .ident = static_cast<std::uint16_t>(i)};
        auto f = encode<Ethernet<IPv4<UDP<>>>>(
            MutBytes(frames[i]), EthernetRepr{.dst = router_in, .src = host_mac}, ip,
            UdpRepr{.src_port = Port{4000}, .dst_port = Port{9}}, Bytes(payload));
        if (!f) return fail(to_string(f.error()).c_str(), i);
        lens[i] = f->size();
    }

    // The hot loop: what the allocation test measures.
    std::array<std::size_t, 3> out{}; // dropped, interface 0, interface 1
    for (std::size_t i = 0; i < packets; ++i) {
        const auto egress = r.forward(MutBytes(frames[i].data(), lens[i]));
        ++out[egress ? 1 + egress->value() : 0];
    }

    // Checks: every field the hot path touched.
    for (std::size_t i = 0; i < packets; ++i) {
        const auto d = decode<Ethernet<IPv4<UDP<>>>>(Bytes(frames[i].data(), lens[i]));
        if (!d.ok()) return fail("does not decode after forwarding", i);
        const auto& ip = d.get<IPv4>();
        const auto& eth = d.get<Ethernet>();
        if (!ip.verify_checksum()) return fail("bad IPv4 checksum", i);
        if (!d.get<UDP>().verify_checksum(ip.src(), ip.dst())) return fail("bad UDP checksum", i);
        const bool dropped = i % 7 == 6 || !want[i]->egress;
        if (dropped) {
            if (eth.dst() != router_in || eth.src() != host_mac ||
                ip.ttl() != (i % 7 == 6 ? 1 : 64))
                return fail("a dropped frame was modified", i);
            continue;
        }
        if (ip.ttl() != 63) return fail("TTL not decremented", i);
        if (eth.src() != r.port_mac[*want[i]->egress]) return fail("wrong source MAC", i);
        if (eth.dst() != want[i]->next_mac) return fail("wrong destination MAC", i);
    }
    std::printf("%zu packets: %zu forwarded on eth0, %zu on eth1, %zu dropped; all checked\n",
                packets, out[1], out[2], out[0]);
    return 0;
}
