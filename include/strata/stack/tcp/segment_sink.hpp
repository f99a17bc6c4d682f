// What the TCP engine needs from the host to transmit: a segment goes out as
// a header value plus up to two payload pieces (a send buffer range may wrap
// its ring). The host builds the IPv4 header and checksum; TCP never sees IP.
#pragma once

#include <concepts>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/wire/tcp.hpp>

namespace strata::stack::tcp {

template <class Tx>
concept SegmentSink = requires(Tx& tx, const FourTuple& t, const TcpRepr& h, Bytes p) {
    /// payload = p1 then p2; false: not sent (no route, no buffer); the engine counts it.
    { tx.send_segment(t, h, p, p) } -> std::same_as<bool>;
    /// IP bytes towards the address; the engine's MSS is mtu - 40 (RFC 9293 §3.7.1, RFC 1191).
    { tx.path_mtu(t.remote.addr) } -> std::convertible_to<std::uint32_t>;
};

} // namespace strata::stack::tcp
