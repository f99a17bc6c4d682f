// What an outer layer tells the layers inside it while a frame is encoded.
//
// Transport layers need the network layer's pseudo-header for their checksum
// (RFC 9293 §3.1, RFC 768), and nothing else from it. A network layer names
// its family's traits (seastar's `tcp<ipv4_traits>`): the address type and
// the pseudo-header sum. TCP and UDP require that some network layer is
// outside them and use only these traits, so a new family (IPv6) comes
// without touching them.
#pragma once

#include <concepts>
#include <cstdint>

#include <strata/core/ip_protocol.hpp>

namespace strata {

/// A network family: its address type and its pseudo-header partial sum.
template <class T>
concept NetworkTraits = requires(const typename T::address& a, IpProtocol p,
                                 std::uint16_t transport_length) {
    { T::pseudo_header_sum(a, a, p, transport_length) } -> std::same_as<std::uint64_t>;
};

/// The encode context outside any network layer.
struct NoNetwork {};

/// The encode context inside a network layer of family `T`: its endpoints.
template <NetworkTraits T>
struct NetworkEndpoints {
    using traits = T;
    typename T::address src{};
    typename T::address dst{};

    /// The pseudo-header partial sum for a transport message of `length` bytes.
    constexpr std::uint64_t pseudo_header_sum(IpProtocol protocol,
                                              std::uint16_t length) const noexcept {
        return T::pseudo_header_sum(src, dst, protocol, length);
    }
};

template <class Ctx>
inline constexpr bool is_inside_network = false;
template <class T>
inline constexpr bool is_inside_network<NetworkEndpoints<T>> = true;

} // namespace strata
