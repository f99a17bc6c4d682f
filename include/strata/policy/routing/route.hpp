// Routes as a router's table shows them (destination, netmask, gateway,
// interface, metric), the compact value a lookup returns (Match) and the
// checks every routing table applies to its input.
//
// The hot tables never store a full Route: they store a 32-bit Match (the
// matched prefix length and a next-hop index). The next hop (gateway,
// interface, metric) lives once in a side table, so a BGP-sized table with a
// few hundred next hops keeps its lookup structures small; the matched prefix
// is rebuilt from the address and the length.
#pragma once

#include <bit>
#include <compare>
#include <cstdint>
#include <string>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>

namespace strata::routing {

/// A router port (interface) number. Printed as "eth<N>" unless the caller
/// supplies names (print.hpp).
class InterfaceId {
    std::uint16_t v_ = 0;

public:
    constexpr InterfaceId() = default;
    constexpr explicit InterfaceId(std::uint16_t v) noexcept : v_(v) {}
    [[nodiscard]] constexpr std::uint16_t value() const noexcept { return v_; }
    friend constexpr auto operator<=>(InterfaceId, InterfaceId) = default;
};

/// Where a route sends packets. An unspecified gateway (0.0.0.0) means the
/// destination is on-link: the packet goes straight to the destination's MAC.
struct NextHop {
    Ipv4Address gateway;
    InterfaceId interface;
    std::uint32_t metric = 0;

    [[nodiscard]] constexpr bool on_link() const noexcept { return gateway.is_unspecified(); }
    friend constexpr bool operator==(const NextHop&, const NextHop&) = default;
};

/// One row of a routing table. A table holds at most one route per
/// (destination, metric) pair, as Linux does (`ip route add` reports EEXIST).
struct Route {
    Ipv4Prefix destination;
    Ipv4Address gateway;
    InterfaceId interface;
    std::uint32_t metric = 0;

    [[nodiscard]] constexpr Ipv4Address netmask() const noexcept { return destination.netmask(); }
    [[nodiscard]] constexpr bool on_link() const noexcept { return gateway.is_unspecified(); }
    [[nodiscard]] constexpr NextHop next_hop() const noexcept {
        return NextHop{gateway, interface, metric};
    }
    friend constexpr bool operator==(const Route&, const Route&) = default;

    /// A route written the way a router table shows it: destination and
    /// netmask. Fails for a netmask whose one bits are not contiguous
    /// ("netmask 255.0.255.0 is not contiguous") or a destination with host
    /// bits set (see check_destination).
    static ConfigResult<Route> make(Ipv4Address destination, Ipv4Address netmask,
                                    Ipv4Address gateway, InterfaceId interface,
                                    std::uint32_t metric = 0);
};

/// Index of a next hop in a table's side array, as a lookup returns it.
///
/// How long it is valid: a HopId taken from a lookup names the same NextHop
/// until the next edit (insert or erase) of the table it came from; reading
/// the table (lookups, route, for_each, size, memory_bytes) never changes
/// it. After an edit, look up again. Every model honours this (the tests
/// check it); some keep ids longer, but a caller must not rely on that.
using HopId = std::uint32_t;

/// The result of a lookup: the matched prefix length and the next hop in 32
/// bits. The layout, low bits first:
///
///   bits 0..5    rank = prefix length + 1 (0: no route)
///   bits 6..30   hop (HopId), so at most 2^25 distinct next hops per table
///   bit  31      always 0: free for a table's own flag (Dir24_8 marks a
///                pointer to a group of 256 entries with it)
///
/// The value 0 means "no route", so a zero-filled table means "no route
/// anywhere", and comparing ranks orders entries by prefix length with
/// "none" lowest.
class Match {
    std::uint32_t raw_ = 0;

public:
    static constexpr int rank_bits = 6;
    static constexpr int hop_bits = 25;
    static constexpr std::uint32_t rank_mask = (std::uint32_t{1} << rank_bits) - 1;
    static constexpr HopId max_hop = (HopId{1} << hop_bits) - 1;
    /// Distinct next hops a table can name: the one capacity shared by every
    /// model (inserting a route with one more is refused).
    static constexpr std::uint64_t max_next_hops = std::uint64_t{max_hop} + 1;
    /// The bit no Match sets.
    static constexpr std::uint32_t spare_bit = std::uint32_t{1} << (rank_bits + hop_bits);
    static_assert(rank_bits + hop_bits == 31, "bit 31 stays free for table flags");

    constexpr Match() = default;
    /// Precondition: hop <= max_hop, 0 <= length <= 32.
    constexpr Match(HopId hop, int length) noexcept
        : raw_((hop << rank_bits) | static_cast<std::uint32_t>(length + 1)) {}
    static constexpr Match from_raw(std::uint32_t raw) noexcept {
        Match m;
        m.raw_ = raw;
        return m;
    }

    [[nodiscard]] constexpr std::uint32_t raw() const noexcept { return raw_; }
    [[nodiscard]] constexpr bool found() const noexcept { return raw_ != 0; }
    constexpr explicit operator bool() const noexcept { return raw_ != 0; }
    /// Prefix length + 1, 0 for no route: orders matches by length.
    [[nodiscard]] constexpr std::uint32_t rank() const noexcept { return raw_ & rank_mask; }
    /// Matched prefix length; -1 when there is no route.
    [[nodiscard]] constexpr int length() const noexcept { return static_cast<int>(rank()) - 1; }
    [[nodiscard]] constexpr HopId hop() const noexcept { return raw_ >> rank_bits; }
    friend constexpr bool operator==(Match, Match) = default;
};

// ------------------------------------------------------------------ errors
// The messages every model gives, so that two models give equal errors for
// the same edit (the property tests compare them).

/// "route 10.1.0.0/16 metric 5 already present"
inline ConfigError duplicate_route(Ipv4Prefix p, std::uint32_t metric) {
    return ConfigError{ConfigErrc::duplicate, "route " + strata::to_string(p) + " metric " +
                                                  std::to_string(metric) + " already present"};
}
/// "no route to 10.9.0.0/16"
inline ConfigError no_route(Ipv4Prefix p) {
    return ConfigError{ConfigErrc::not_found, "no route to " + strata::to_string(p)};
}
/// "no route to 10.9.0.0/16 metric 5"
inline ConfigError no_route(Ipv4Prefix p, std::uint32_t metric) {
    return ConfigError{ConfigErrc::not_found,
                       "no route to " + strata::to_string(p) + " metric " + std::to_string(metric)};
}
/// "next-hop limit reached: a table names at most 33554432 distinct next hops"
inline ConfigError next_hop_limit() {
    return ConfigError{ConfigErrc::limit_exceeded,
                       "next-hop limit reached: a table names at most " +
                           std::to_string(Match::max_next_hops) + " distinct next hops"};
}
/// The checks every table applies to a destination prefix: the length is at
/// most 32 and no host bit is set (10.1.2.3/24 is rejected, not silently
/// truncated, because it usually means a typo). Messages:
///   "prefix length 33 of 10.1.2.0/33 is not in 0..32"
///   "destination 10.1.2.3/24 has host bits set (the network is 10.1.2.0/24)"
inline ConfigResult<void> check_destination(Ipv4Prefix p) {
    if (p.length() < 0 || p.length() > 32)
        return ConfigError{ConfigErrc::bad_value, "prefix length " + std::to_string(p.length()) +
                                                      " of " + strata::to_string(p) +
                                                      " is not in 0..32"};
    if (!p.is_canonical())
        return ConfigError{ConfigErrc::bad_value, "destination " + strata::to_string(p) +
                                                      " has host bits set (the network is " +
                                                      strata::to_string(p.network()) + ")"};
    return {};
}

inline ConfigResult<Route> Route::make(Ipv4Address destination, Ipv4Address netmask,
                                       Ipv4Address gateway, InterfaceId interface,
                                       std::uint32_t metric) {
    // RFC 4632 §3.1: a prefix is a contiguous run of one bits from the left.
    auto len = prefix_length_of(netmask);
    if (!len)
        return ConfigError{ConfigErrc::bad_value,
                           "netmask " + strata::to_string(netmask) + " is not contiguous"};
    const Ipv4Prefix p{destination, *len};
    STRATA_TRY_CONFIG(check_destination(p));
    return Route{p, gateway, interface, metric};
}

/// The route a Match names, given the looked-up address and the next hop.
constexpr Route make_route(Ipv4Address looked_up, Match m, const NextHop& nh) noexcept {
    const int len = m.length();
    return Route{Ipv4Prefix{Ipv4Address{looked_up.value() & netmask_bits(len)}, len}, nh.gateway,
                 nh.interface, nh.metric};
}

/// "10.10.1.0/24 via 192.0.2.1 dev eth1 metric 5" (ip route style).
inline std::string to_string(const Route& r) {
    std::string s = strata::to_string(r.destination);
    if (!r.on_link()) s += " via " + strata::to_string(r.gateway);
    s += " dev eth" + std::to_string(r.interface.value());
    s += " metric " + std::to_string(r.metric);
    return s;
}

} // namespace strata::routing
