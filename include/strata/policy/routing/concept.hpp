// The routing-table concept: what Router<routing::X, ...> needs from the
// table it is given at compile time (DESIGN.md §3, "policy-based routing").
//
// Semantics every model follows (and tests/policy/routing checks against
// routing::Linear): the longest matching prefix wins; among routes to the
// same prefix the lowest metric wins; 0.0.0.0/0 is the default route; no
// match is no route (the router answers ICMP destination unreachable,
// RFC 1812 §5.2.7.1).
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/result.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {

template <class T>
concept RoutingTable = requires(T& t, const T& ct, Ipv4Prefix p, NextHop nh, Ipv4Address a,
                                std::span<const Ipv4Address> in, std::span<Match> out, HopId h) {
    /// Adds a route; errors: bad prefix, duplicate (destination, metric).
    { t.insert(p, nh) } -> std::same_as<Result<void>>;
    /// Removes every route to the prefix; error: not found.
    { t.erase(p) } -> std::same_as<Result<void>>;
    /// The hot path: no allocation, no exception.
    { ct.lookup(a) }
    noexcept->std::same_as<Match>;
    { ct.lookup_bulk(in, out) }
    noexcept;
    /// The next hop a Match names.
    { ct.next_hop(h) }
    noexcept->std::convertible_to<const NextHop&>;
    /// The full route chosen for an address, or nullopt.
    { ct.route(a) } -> std::same_as<std::optional<Route>>;
    { ct.size() } -> std::convertible_to<std::size_t>;
    { ct.memory_bytes() } -> std::convertible_to<std::size_t>;
    /// Visits every route (for printing and for copying into another model).
    ct.for_each([](const Route&) {});
};

} // namespace strata::routing
