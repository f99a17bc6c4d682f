// ClassBench-style ACL rule sets and packet traces (Taylor and Turner,
// "ClassBench: a packet classification benchmark", INFOCOM 2005), generated
// from a seed: the shape of the ACL seed files, not their exact statistics.
//   - src/dst prefixes drawn around a pool of networks so that rules overlap
//     as real ACLs do; lengths mostly /32, /24, /16..30, and some wildcards;
//   - port ranges: wildcard, exact well-known ports, 1024-65535, 0-1023, or
//     an arbitrary range;
//   - protocol tcp, udp or any.
// Packets: most are built inside a random rule (so that deep rules match),
// the rest are random headers around the same networks.
// Shared by tests/policy/filter and bench/filter.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

#include <strata/core/random.hpp>
#include <strata/policy/filter/rule.hpp>

namespace strata::filter::testgen {

struct Options {
    /// Also draw keys the classifier does not index (router ports, TCP
    /// flags, ICMP type) and packets without ports.
    bool extras = false;
};

class Generator {
public:
    explicit Generator(std::uint64_t seed, Options o = {}) : rng_(seed), opt_(o) {
        for (auto& n : nets_)
            n = static_cast<std::uint32_t>(rng_.next()) & 0xffff0000u;
    }

    std::vector<Rule> rules(std::size_t n) {
        std::vector<Rule> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(rule());
        return out;
    }

    Rule rule() {
        Rule r;
        r.action = rng_.chance(0.5) ? Action::accept : Action::drop;
        r.src = prefix();
        r.dst = prefix();
        const auto p = rng_.below(100);
        if (p < 60)
            r.proto = proto_tcp;
        else if (p < 85)
            r.proto = proto_udp;
        if (!r.proto || rng_.chance(0.9)) {
            r.sport = rng_.chance(0.7) ? std::nullopt : std::optional{range()};
            r.dport = rng_.chance(0.2) ? std::nullopt : std::optional{range()};
        }
        if (opt_.extras) {
            if (rng_.chance(0.1)) r.in = PortId{static_cast<std::uint16_t>(rng_.below(3))};
            if (rng_.chance(0.1)) r.out = PortId{static_cast<std::uint16_t>(rng_.below(3))};
            if (r.proto == proto_tcp && rng_.chance(0.2))
                r.tcp_flags = TcpFlags{tcp_flag::syn | tcp_flag::ack,
                                       rng_.chance(0.5) ? tcp_flag::syn : std::uint8_t{0}};
            if (!r.proto && !r.sport && !r.dport && rng_.chance(0.3)) {
                r.proto = proto_icmp;
                r.icmp_type = static_cast<std::uint8_t>(rng_.chance(0.5) ? 8 : 0);
            }
        }
        return r;
    }

    /// A packet inside one of `rules` (chance `hit`), else a random header.
    Packet packet(const std::vector<Rule>& rules, double hit = 0.8) {
        Packet p;
        p.has_transport = true;
        if (!rules.empty() && rng_.chance(hit)) {
            const Rule& r = rules[rng_.below(rules.size())];
            p.src = inside(r.src);
            p.dst = inside(r.dst);
            p.protocol = r.proto ? *r.proto : (rng_.chance(0.6) ? proto_tcp : proto_udp);
            p.sport = r.sport ? port_in(*r.sport) : port();
            p.dport = r.dport ? port_in(*r.dport) : port();
        } else {
            p.src = inside(prefix());
            p.dst = inside(prefix());
            p.protocol = rng_.chance(0.6) ? proto_tcp : proto_udp;
            p.sport = port();
            p.dport = port();
        }
        if (opt_.extras) {
            p.in = PortId{static_cast<std::uint16_t>(rng_.below(3))};
            p.out = PortId{static_cast<std::uint16_t>(rng_.below(3))};
            p.tcp_flags = static_cast<std::uint8_t>(rng_.next());
            if (rng_.chance(0.1)) p.has_transport = false;
            if (rng_.chance(0.1)) {
                p.protocol = proto_icmp;
                p.icmp_type = static_cast<std::uint8_t>(rng_.chance(0.5) ? 8 : 0);
            }
        }
        return p;
    }

    std::vector<Packet> packets(const std::vector<Rule>& rules, std::size_t n) {
        std::vector<Packet> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(packet(rules));
        return out;
    }

private:
    Ipv4Prefix prefix() {
        const auto d = rng_.below(100);
        int len;
        if (d < 12)
            len = 0;
        else if (d < 50)
            len = 32;
        else if (d < 65)
            len = 24;
        else
            len = 16 + static_cast<int>(rng_.below(15)); // 16..30
        const std::uint32_t base = nets_[rng_.below(nets_.size())];
        const std::uint32_t a = base | (static_cast<std::uint32_t>(rng_.next()) & 0xffffu);
        return Ipv4Prefix{Ipv4Address{a}, len}.network();
    }
    Ipv4Address inside(Ipv4Prefix p) {
        const std::uint32_t host =
            static_cast<std::uint32_t>(rng_.next()) & ~netmask_bits(p.length());
        return Ipv4Address{p.network_address().value() | host};
    }
    PortRange range() {
        static constexpr std::uint16_t well_known[] = {20,  21,  22,  23,  25,  53,   80,
                                                       110, 123, 143, 443, 993, 3306, 8080};
        const auto d = rng_.below(100);
        if (d < 55) {
            const auto p = well_known[rng_.below(std::size(well_known))];
            return {p, p};
        }
        if (d < 75) return {1024, 65535};
        if (d < 85) return {0, 1023};
        const auto a = static_cast<std::uint16_t>(rng_.next());
        const auto b = static_cast<std::uint16_t>(rng_.next());
        return a <= b ? PortRange{a, b} : PortRange{b, a};
    }
    std::uint16_t port_in(PortRange r) {
        return static_cast<std::uint16_t>(rng_.between(r.first, r.last));
    }
    std::uint16_t port() {
        return rng_.chance(0.5) ? static_cast<std::uint16_t>(rng_.next())
                                : static_cast<std::uint16_t>(rng_.between(0, 1023));
    }

    RandomStream rng_;
    Options opt_;
    std::array<std::uint32_t, 64> nets_{};
};

} // namespace strata::filter::testgen
