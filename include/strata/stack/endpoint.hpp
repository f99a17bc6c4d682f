// One end of a transport conversation: an IPv4 address and a port. Four of
// these numbers (local and remote endpoint) name a TCP connection, the
// "4-tuple" that picks the socket for each arriving segment (RFC 9293 §3.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/port.hpp>

namespace strata::stack {

struct Endpoint {
    Ipv4Address addr{};
    Port port{};
    friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// local + remote: the key of a connection.
struct FourTuple {
    Endpoint local{};
    Endpoint remote{};
    friend constexpr bool operator==(const FourTuple&, const FourTuple&) = default;
};

/// boost::hash / std::hash-shaped hasher for FourTuple (a multiplicative mix;
/// the tables are keyed by values an attacker chooses only in part, and the
/// SYN queue is bounded, so no keyed hash is needed here).
struct FourTupleHash {
    std::size_t operator()(const FourTuple& t) const noexcept {
        const std::uint64_t a = std::uint64_t{t.local.addr.value()} << 32 | t.remote.addr.value();
        const std::uint64_t b = std::uint64_t{t.local.port.value()} << 16 | t.remote.port.value();
        std::uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        return static_cast<std::size_t>(h);
    }
};

} // namespace strata::stack
