// The routing-table concepts: what Router<routing::X, ...> needs from the
// table it is given at compile time (DESIGN.md §3, "policy-based routing").
// As Click keeps lookup_route apart from add_route/remove_route, they come
// in two halves:
//
//   RouteLookup<T>  the data plane: lookup, lookup_bulk, next_hop, route.
//                   const, noexcept, no allocation; what a forwarding
//                   path may call per packet.
//   RouteEdit<T>    the control plane: insert, erase, for_each, size,
//                   memory_bytes. May allocate; errors are ConfigError
//                   values ("route 10.1.0.0/16 metric 5 already present").
//   RouteTable<T>   both: what a router owns.
//
// Semantics every model follows (and tests/policy/routing checks against
// routing::Linear): the longest matching prefix wins; among routes to the
// same prefix the lowest metric wins; 0.0.0.0/0 is the default route; no
// match is no route (the router answers ICMP destination unreachable,
// RFC 1812 §5.2.7.1).
//
// HopId lifetime: a HopId from lookup/lookup_bulk names the same NextHop
// (through next_hop) until the next edit (insert or erase) of that table.
// Reads never invalidate it. After an edit, look up again.
//
// Capacity: at most Match::max_next_hops (2^25) distinct next hops per
// table; a model may have a smaller limit of its own (Poptrie: 32,767
// distinct (prefix length, next hop) pairs), refused with
// ConfigErrc::limit_exceeded and a message naming the limit.
//
// Memory: routing::Default (= routing::Adaptive) costs a few KiB for a home
// router's handful of routes and switches itself to a Poptrie when the table
// grows past Adaptive::grow_at prefixes. Poptrie (~9 MiB from the first
// route) and Dir24_8 (64 MiB from the first route) are the big-table models:
// name them explicitly when the table is known to be big.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {

/// The data plane of a routing table.
template <class T>
concept RouteLookup = requires(const T& ct, Ipv4Address a, std::span<const Ipv4Address> in,
                               std::span<Match> out, HopId h) {
    /// The hot path: no allocation, no exception.
    { ct.lookup(a) }
    noexcept->std::same_as<Match>;
    /// Looks up min(in.size(), out.size()) addresses.
    { ct.lookup_bulk(in, out) }
    noexcept;
    /// The next hop a Match names (valid until the next edit).
    { ct.next_hop(h) }
    noexcept->std::convertible_to<const NextHop&>;
    /// The full route chosen for an address, or nullopt.
    { ct.route(a) }
    noexcept->std::same_as<std::optional<Route>>;
};

/// The control plane of a routing table.
template <class T>
concept RouteEdit = requires(T& t, const T& ct, Ipv4Prefix p, NextHop nh) {
    /// Adds a route; errors: bad prefix, duplicate (destination, metric),
    /// capacity.
    { t.insert(p, nh) } -> std::same_as<ConfigResult<void>>;
    /// Removes every route to the prefix; error: no route to it.
    { t.erase(p) } -> std::same_as<ConfigResult<void>>;
    { ct.size() } -> std::convertible_to<std::size_t>;
    /// Every byte the table owns (lookup structures, control plane, next hops).
    { ct.memory_bytes() } -> std::convertible_to<std::size_t>;
    /// Visits every route (for printing and for copying into another model).
    ct.for_each([](const Route&) {});
};

/// A routing table a router can own: both halves.
template <class T>
concept RouteTable = RouteLookup<T> && RouteEdit<T>;

} // namespace strata::routing
