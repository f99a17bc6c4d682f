// A rule's indexed keys as one inclusive interval per field (source and
// destination address, protocol, source and destination port), the form
// both the shadowing check and the SIMD scan compare against.
//
// Ports: a packet without ports (has_ports false: not TCP/UDP, or a
// non-first fragment, RFC 791) is given the port value no_port = 65,536,
// which is inside the box of a rule without a port key, [0, 65,536], and
// outside the box of every rule with one (at most [0, 65,535]): exactly
// rule.hpp's matches() for the port keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <strata/policy/filter/rule.hpp>

namespace strata::filter {

struct RuleBox {
    static constexpr std::size_t fields = 5; ///< src, dst, proto, sport, dport
    static constexpr std::uint32_t no_port = 65536;
    std::array<std::uint32_t, fields> lo{}, hi{};

    [[nodiscard]] static constexpr RuleBox of(const Rule& r) noexcept {
        RuleBox b;
        const std::uint32_t s = r.src.network_address().value();
        const std::uint32_t d = r.dst.network_address().value();
        b.lo = {s, d, r.proto ? *r.proto : 0u, r.sport ? r.sport->first : 0u,
                r.dport ? r.dport->first : 0u};
        b.hi = {s | ~netmask_bits(r.src.length()), d | ~netmask_bits(r.dst.length()),
                r.proto ? *r.proto : 255u, r.sport ? r.sport->last : no_port,
                r.dport ? r.dport->last : no_port};
        return b;
    }

    /// The packet as a point of the same space.
    [[nodiscard]] static constexpr std::array<std::uint32_t, fields>
    point(const Packet& p) noexcept {
        const bool ports = has_ports(p);
        return {p.src.value(), p.dst.value(), p.protocol, ports ? p.sport : no_port,
                ports ? p.dport : no_port};
    }

    /// Every point of `other` is a point of this box.
    [[nodiscard]] constexpr bool contains(const RuleBox& other) const noexcept {
        for (std::size_t f = 0; f < fields; ++f)
            if (other.lo[f] < lo[f] || other.hi[f] > hi[f]) return false;
        return true;
    }
    [[nodiscard]] constexpr bool
    contains(const std::array<std::uint32_t, fields>& x) const noexcept {
        for (std::size_t f = 0; f < fields; ++f)
            if (x[f] < lo[f] || x[f] > hi[f]) return false;
        return true;
    }
};

} // namespace strata::filter
