// Property: nat::Napt never lets an unsolicited inbound packet through. Random
// packets from outside to the public address (random protocol, ports, ICMP
// types, lengths, fragment offsets, quoted datagrams) are translated only
// when they hit a mapping an outbound packet created (or a forward), and
// then only to that mapping's private endpoint.
#include <map>
#include <tuple>

#include "nat_packets.hpp"

using namespace nat_test;
using nat::Verdict;

namespace {

Packet random_inbound(RandomStream& rng, const std::vector<std::uint16_t>& hot_ports) {
    const auto remote = Ipv4Address{static_cast<std::uint32_t>(rng.next())};
    auto port = [&] {
        if (!hot_ports.empty() && rng.chance(0.5)) return hot_ports[rng.below(hot_ports.size())];
        return static_cast<std::uint16_t>(rng.next());
    };
    Packet p;
    switch (rng.below(6)) {
    case 0:
        p = udp(remote, port(), public_ip, port(), rng.below(20), rng.chance(0.8));
        break;
    case 1:
        p = tcp(remote, port(), public_ip, port(), TcpFlags{static_cast<std::uint16_t>(rng.next())},
                rng.below(20));
        break;
    case 2:
        p = echo(remote, public_ip, rng.chance(0.5), port());
        break;
    case 3: { // an error quoting something "from" the public address
        const Packet q = rng.chance(0.5) ? udp(public_ip, port(), remote, port())
                                         : tcp(public_ip, port(), remote, port(), tcp_flags::syn);
        p = icmp_error(remote, public_ip,
                       rng.chance(0.5) ? IcmpType::dest_unreachable : IcmpType::time_exceeded,
                       static_cast<std::uint8_t>(rng.below(16)),
                       Bytes(q).first(20 + rng.below(q.size() - 19)));
        break;
    }
    case 4:
        p = ip_packet(remote, public_ip, IpProtocol{static_cast<std::uint8_t>(rng.next())},
                      rng.below(40));
        break;
    default: { // a fragment of a UDP datagram
        p = udp(remote, port(), public_ip, port(), 16);
        auto v = Ipv4View<Byte>::unchecked(MutBytes(p));
        v.set_frag_offset(static_cast<std::uint32_t>(rng.below(4)) * 8);
        v.fill_checksum();
        break;
    }
    }
    return p;
}

} // namespace

TEST_CASE("property: a fresh NAT translates nothing that comes in", "[nat][property]") {
    auto n = make();
    RecordingOut out({}, false);
    RandomStream rng{2026};
    for (int i = 0; i < 20000; ++i) {
        Packet p = random_inbound(rng, {});
        const Packet before = p;
        const nat::Outcome o = n.prerouting(wan, MutBytes(p), at_ns(i), out);
        REQUIRE(o.verdict != Verdict::translated);
        REQUIRE(p == before);
    }
    CHECK(n.size() == 0);
}

TEST_CASE("property: inbound is translated only through an existing mapping", "[nat][property]") {
    auto n = make();
    RecordingOut out({}, false);
    RandomStream rng{77};
    // A few outbound flows: (protocol, public port) -> private endpoint.
    std::map<std::pair<int, std::uint16_t>, std::pair<Ipv4Address, std::uint16_t>> mapped;
    std::vector<std::uint16_t> hot;
    for (std::uint16_t i = 0; i < 30; ++i) {
        const Ipv4Address host{10, 0, 0, static_cast<std::uint8_t>(2 + i % 5)};
        const auto priv = static_cast<std::uint16_t>(1024 + i);
        Packet p = i % 3 == 0   ? udp(host, priv, r1, 53)
                   : i % 3 == 1 ? tcp(host, priv, r1, 80, tcp_flags::syn)
                                : echo(host, r1, true, priv);
        REQUIRE(send_out(n, p, at_ns(0), out) == Verdict::translated);
        mapped[{p[9], sport(p)}] = {host, priv};
        hot.push_back(sport(p));
    }
    int translated = 0;
    for (int i = 0; i < 20000; ++i) {
        Packet p = random_inbound(rng, hot);
        const nat::Outcome o = n.prerouting(wan, MutBytes(p), at_ns(1), out);
        if (o.verdict != Verdict::translated) continue;
        ++translated;
        if (p[9] == 1 && is_icmp_error(static_cast<IcmpType>(p[20]))) {
            // The quoted source went back to a mapped private endpoint.
            const Packet quoted(p.begin() + 28, p.end());
            const std::uint8_t proto = quoted[9];
            const std::size_t ihl = (quoted[0] & 0xfu) * 4u;
            const std::uint16_t qport = load_be16(quoted.data() + ihl);
            bool found = false;
            for (const auto& [k, v] : mapped)
                found |= k.first == proto && v.first == src_of(quoted) && v.second == qport;
            REQUIRE(found);
            REQUIRE(dst_of(p) == src_of(quoted));
        } else {
            bool found = false;
            for (const auto& [k, v] : mapped)
                found |= k.first == p[9] && v.first == dst_of(p) && v.second == dport(p);
            REQUIRE(found);
        }
    }
    CHECK(translated > 100); // the property was exercised, not vacuous
    CHECK(n.size() == 30);   // and nothing inbound created a mapping
}
