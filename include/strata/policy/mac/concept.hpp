// What a Switch asks of its MAC table (DESIGN.md §5): learn a source address
// on a port, and find the port of a destination. A policy decides whether it
// learns (Learning), never does (Flood: a hub), or knows a fixed table (Static).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>

#include <strata/addr/mac_address.hpp>
#include <strata/core/time.hpp>
#include <strata/node/port.hpp>

namespace strata::mac {

/// What learning a source address did.
enum class Learned : std::uint8_t {
    none,      ///< the policy does not learn, or nothing changed but the age
    added,     ///< a new station
    moved,     ///< a known station seen on another port (it moved: relearned)
    table_full ///< a new station, but the table was full of live entries
};

/// - learn(mac, port, now) -> Learned
/// - lookup(mac, now) -> std::optional<PortId>: the port, or none (flood).
///   An entry older than the aging time is gone (lazy aging against `now`).
template <class P>
concept Policy = requires(P& policy, MacAddress mac, PortId port, Instant now) {
    { policy.learn(mac, port, now) } -> std::same_as<Learned>;
    { policy.lookup(mac, now) } -> std::same_as<std::optional<PortId>>;
};

} // namespace strata::mac
