// One packet-filter rule: optional match keys and an action (DESIGN.md §5).
// A key left empty matches everything. Rules are tried in order and the first
// that matches decides (filter::Rules); this header holds the rule itself,
// what it means to match (the reference semantics that the classifier must
// reproduce exactly) and what makes a rule invalid.
//
// Keys are named as in the topology file (../shared/topology-schema.md):
// in, out, src_mac, src, dst, proto, sport, dport, tcp_flags, icmp_type,
// icmp_code. Ports, TCP flags and the ICMP type only match packets that
// carry their transport header (Packet::has_transport is false for non-first
// fragments, RFC 791), and only packets of their protocol: port ranges match
// TCP and UDP, tcp_flags TCP, icmp_type/icmp_code ICMP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/node/port.hpp>
#include <strata/policy/filter/concept.hpp>

namespace strata::filter {

inline constexpr std::uint8_t proto_icmp = 1;
inline constexpr std::uint8_t proto_tcp = 6;
inline constexpr std::uint8_t proto_udp = 17;

/// An inclusive range of TCP/UDP ports.
struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 65535;
    [[nodiscard]] constexpr bool contains(std::uint16_t p) const noexcept {
        return p >= first && p <= last;
    }
    friend constexpr bool operator==(const PortRange&, const PortRange&) = default;
};

/// TCP flags as mask/value: the bits of `mask` must equal those of `value`
/// (TCP header byte 13, RFC 9293 §3.1). SYN set and ACK clear — a connection
/// being opened, the book's "SYN leaving a server" — is {syn|ack, syn}.
struct TcpFlags {
    std::uint8_t mask = 0;
    std::uint8_t value = 0;
    [[nodiscard]] constexpr bool matches(std::uint8_t flags) const noexcept {
        return (flags & mask) == value;
    }
    friend constexpr bool operator==(const TcpFlags&, const TcpFlags&) = default;
};

/// TCP header flag bits (RFC 9293 §3.1; CWR/ECE from RFC 3168).
namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
} // namespace tcp_flag

struct Rule {
    Action action = Action::accept;
    std::optional<PortId> in{};  ///< ingress port of the router
    std::optional<PortId> out{}; ///< egress port (known after the route lookup)
    std::optional<MacAddress> src_mac{};
    Ipv4Prefix src{}; ///< 0.0.0.0/0 (the default) matches every source
    Ipv4Prefix dst{};
    std::optional<std::uint8_t> proto{}; ///< IP protocol number
    std::optional<PortRange> sport{};
    std::optional<PortRange> dport{};
    std::optional<TcpFlags> tcp_flags{};
    std::optional<std::uint8_t> icmp_type{};
    std::optional<std::uint8_t> icmp_code{}; ///< only with icmp_type

    /// Keys the classifier does not index (checked on its candidates).
    [[nodiscard]] constexpr bool has_extra_keys() const noexcept {
        return in || out || src_mac || tcp_flags || icmp_type || icmp_code;
    }
};

/// Whether a packet carries ports a port range can match.
[[nodiscard]] constexpr bool has_ports(const Packet& p) noexcept {
    return p.has_transport && (p.protocol == proto_tcp || p.protocol == proto_udp);
}

/// The keys the classifier leaves to this check: ports of the router, MAC,
/// TCP flags, ICMP type and code.
[[nodiscard]] constexpr bool matches_extra(const Rule& r, const Packet& p) noexcept {
    if (r.in && *r.in != p.in) return false;
    if (r.out && *r.out != p.out) return false;
    if (r.src_mac && *r.src_mac != p.src_mac) return false;
    if (r.tcp_flags &&
        !(p.has_transport && p.protocol == proto_tcp && r.tcp_flags->matches(p.tcp_flags)))
        return false;
    if (r.icmp_type || r.icmp_code) {
        if (!p.has_transport || p.protocol != proto_icmp) return false;
        if (r.icmp_type && *r.icmp_type != p.icmp_type) return false;
        if (r.icmp_code && *r.icmp_code != p.icmp_code) return false;
    }
    return true;
}

/// The meaning of a rule: every key present matches. The classifier must
/// give the same first match as trying this on each rule in order.
[[nodiscard]] constexpr bool matches(const Rule& r, const Packet& p) noexcept {
    if (!r.src.contains(p.src) || !r.dst.contains(p.dst)) return false;
    if (r.proto && *r.proto != p.protocol) return false;
    if (r.sport && !(has_ports(p) && r.sport->contains(p.sport))) return false;
    if (r.dport && !(has_ports(p) && r.dport->contains(p.dport))) return false;
    return matches_extra(r, p);
}

/// What is wrong with a rule, as a value a constant expression can carry
/// (filter::StaticRules checks at compile time; Rules::build turns it into a
/// ConfigError with the values in words).
enum class Problem : std::uint8_t {
    none,
    src_host_bits,      ///< src prefix has bits set past its length
    dst_host_bits,      ///< dst prefix has bits set past its length
    sport_reversed,     ///< sport first > last
    dport_reversed,     ///< dport first > last
    ports_need_tcp_udp, ///< sport/dport with a proto other than TCP/UDP
    flags_outside_mask, ///< tcp_flags value has bits the mask does not cover
    flags_need_tcp,     ///< tcp_flags with a proto other than TCP
    icmp_need_icmp,     ///< icmp_type/code with a proto other than ICMP
    icmp_code_wo_type,  ///< icmp_code without icmp_type
};

/// The key a problem is about (the last part of "filter.rules[3].sport").
[[nodiscard]] constexpr std::string_view key_of(Problem p) noexcept {
    switch (p) {
    case Problem::none:
        return "";
    case Problem::src_host_bits:
        return "src";
    case Problem::dst_host_bits:
        return "dst";
    case Problem::sport_reversed:
        return "sport";
    case Problem::dport_reversed:
        return "dport";
    case Problem::ports_need_tcp_udp:
        return "proto";
    case Problem::flags_outside_mask:
    case Problem::flags_need_tcp:
        return "tcp_flags";
    case Problem::icmp_need_icmp:
        return "icmp_type";
    case Problem::icmp_code_wo_type:
        return "icmp_code";
    }
    return "";
}

/// The first problem of a rule, or Problem::none.
[[nodiscard]] constexpr Problem check_rule(const Rule& r) noexcept {
    if (!r.src.is_canonical()) return Problem::src_host_bits;
    if (!r.dst.is_canonical()) return Problem::dst_host_bits;
    if (r.sport && r.sport->first > r.sport->last) return Problem::sport_reversed;
    if (r.dport && r.dport->first > r.dport->last) return Problem::dport_reversed;
    if ((r.sport || r.dport) && r.proto && *r.proto != proto_tcp && *r.proto != proto_udp)
        return Problem::ports_need_tcp_udp;
    if (r.tcp_flags && (r.tcp_flags->value & ~r.tcp_flags->mask) != 0)
        return Problem::flags_outside_mask;
    if (r.tcp_flags && r.proto && *r.proto != proto_tcp) return Problem::flags_need_tcp;
    if (r.icmp_code && !r.icmp_type) return Problem::icmp_code_wo_type;
    if (r.icmp_type && r.proto && *r.proto != proto_icmp) return Problem::icmp_need_icmp;
    return Problem::none;
}

/// The first invalid rule of a list and its problem (index == size: none).
struct ListProblem {
    std::size_t index = 0;
    Problem problem = Problem::none;
};

template <class Range>
[[nodiscard]] constexpr ListProblem check_rules(const Range& rules) noexcept {
    std::size_t i = 0;
    for (const Rule& r : rules) {
        if (const Problem p = check_rule(r); p != Problem::none) return {i, p};
        ++i;
    }
    return {i, Problem::none};
}

} // namespace strata::filter
