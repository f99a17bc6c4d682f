// What a Router asks of its filter policy (DESIGN.md §5). The router builds
// one Packet summary per forwarded IPv4 packet, after the route lookup (so
// the egress port is known) and after destination NAT, before source NAT:
// where Linux's FORWARD chain sits. The filter answers with an action and the
// rule that decided; reject makes the router send an ICMP unreachable (UDP,
// ICMP, others) or a TCP RST.
#pragma once

#include <concepts>
#include <cstdint>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/time.hpp>
#include <strata/node/port.hpp>

namespace strata::filter {

/// The fields rules match on, read once from the wire views.
struct Packet {
    PortId in{};
    PortId out{};
    MacAddress src_mac{};
    Ipv4Address src{};
    Ipv4Address dst{};
    std::uint8_t protocol = 0;
    /// Ports, TCP flags and ICMP type/code are meaningful only when the
    /// packet carries its transport header (not a non-first fragment).
    bool has_transport = false;
    std::uint16_t sport = 0; ///< ICMP echo: the identifier
    std::uint16_t dport = 0; ///< ICMP echo: the identifier
    std::uint8_t tcp_flags = 0;
    std::uint8_t icmp_type = 0;
    std::uint8_t icmp_code = 0;
    /// ICMP errors (types 3, 4, 5, 11, 12) only: the header of the packet
    /// the error quotes (RFC 792: its IP header and first 8 data bytes), as
    /// that packet's sender wrote it, so that a Stateful filter can let the
    /// error through when it concerns a tracked flow. Ports are the quoted
    /// TCP/UDP ports, or the echo identifier twice for a quoted ICMP query.
    bool has_inner = false;
    Ipv4Address inner_src{};
    Ipv4Address inner_dst{};
    std::uint8_t inner_protocol = 0;
    std::uint16_t inner_sport = 0;
    std::uint16_t inner_dport = 0;
};

enum class Action : std::uint8_t { accept, drop, reject };

/// Which rule decided. `default_rule` when none matched (or a tracked flow
/// was let through by a Stateful filter: `tracked`).
struct Verdict {
    static constexpr std::uint32_t default_rule = ~0u;
    static constexpr std::uint32_t tracked = ~0u - 1;
    Action action = Action::accept;
    std::uint32_t rule = default_rule;
};

/// The requirements on a Router's Filter parameter.
/// - enabled: false only for filter::None, whose calls the router does not make.
/// - check(packet, now) -> Verdict (non-const: counters, connection tracking)
/// - poll(now) / poll_at(): connection-tracking expiry.
template <class F>
concept Policy = requires(F& filter, const F& cfilter, const Packet& packet, Instant now) {
    { F::enabled } -> std::convertible_to<bool>;
    { filter.check(packet, now) } -> std::same_as<Verdict>;
    filter.poll(now);
    { cfilter.poll_at() } -> std::same_as<Instant>;
};

} // namespace strata::filter
