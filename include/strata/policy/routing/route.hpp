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
#include <strata/core/result.hpp>

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
    /// ("routing"/"netmask") or a destination with host bits set
    /// ("routing"/"destination").
    static constexpr Result<Route> make(Ipv4Address destination, Ipv4Address netmask,
                                        Ipv4Address gateway, InterfaceId interface,
                                        std::uint32_t metric = 0) noexcept;
};

/// Index of a next hop in a table's side array.
using HopId = std::uint32_t;

/// The result of a lookup: the matched prefix length and the next hop, packed
/// in 32 bits as (hop << 6) | (length + 1). The value 0 means "no route", so
/// a zero-filled table means "no route anywhere", and comparing the low six
/// bits orders entries by prefix length with "none" lowest.
class Match {
    std::uint32_t raw_ = 0;

public:
    static constexpr int hop_bits = 26;
    static constexpr HopId max_hop = (HopId{1} << hop_bits) - 1;

    constexpr Match() = default;
    /// Precondition: hop <= max_hop, 0 <= length <= 32.
    constexpr Match(HopId hop, int length) noexcept
        : raw_((hop << 6) | static_cast<std::uint32_t>(length + 1)) {}
    static constexpr Match from_raw(std::uint32_t raw) noexcept {
        Match m;
        m.raw_ = raw;
        return m;
    }

    [[nodiscard]] constexpr std::uint32_t raw() const noexcept { return raw_; }
    [[nodiscard]] constexpr bool found() const noexcept { return raw_ != 0; }
    constexpr explicit operator bool() const noexcept { return raw_ != 0; }
    /// Matched prefix length; -1 when there is no route.
    [[nodiscard]] constexpr int length() const noexcept { return static_cast<int>(raw_ & 63) - 1; }
    [[nodiscard]] constexpr HopId hop() const noexcept { return raw_ >> 6; }
    friend constexpr bool operator==(Match, Match) = default;
};

/// The checks every table applies to a destination prefix: the length is at
/// most 32 and no host bit is set (10.1.2.3/24 is rejected, not silently
/// truncated, because it usually means a typo).
constexpr Result<void> check_destination(Ipv4Prefix p) noexcept {
    if (p.length() < 0 || p.length() > 32)
        return Error{
            "routing", "prefix_length", 0, Errc::bad_value, static_cast<std::uint64_t>(p.length()),
            32};
    if (!p.is_canonical())
        return Error{"routing",       "destination",       0,
                     Errc::bad_value, p.address().value(), p.network_address().value()};
    return {};
}

constexpr Result<Route> Route::make(Ipv4Address destination, Ipv4Address netmask,
                                    Ipv4Address gateway, InterfaceId interface,
                                    std::uint32_t metric) noexcept {
    // RFC 4632 §3.1: a prefix is a contiguous run of one bits from the left.
    auto len = prefix_length_of(netmask);
    if (!len)
        return Error{
            "routing",       "netmask",       0,
            Errc::bad_value, netmask.value(), netmask_bits(std::countl_one(netmask.value()))};
    const Ipv4Prefix p{destination, *len};
    if (auto ok = check_destination(p); !ok) return ok.error();
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
