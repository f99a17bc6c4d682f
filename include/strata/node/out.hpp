// The output token: how a node sends. The runtime lends a buffer of up to
// `max_length` bytes for one frame; the node writes it in place (encode<>
// takes the MutBytes) and returns how many bytes the frame has, or 0 to send
// nothing. Frames are never built in node-owned memory and copied, and the
// steady state allocates nothing (DESIGN.md §4, smoltcp's TxToken).
//
//     out.send(port, 64, [&](MutBytes b) { return encode<ArpFrame>(b, ...).value_or(0); });
#pragma once

#include <concepts>
#include <cstddef>

#include <strata/core/bytes.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>

namespace strata {

/// What a runtime's token offers a node.
/// - send(port, max_length, fill) -> bool: fill(MutBytes) returns the frame's
///   length (<= max_length; 0 = nothing). false when nothing was sent (the
///   port has no link, the length was 0); the runtime counts why.
/// - caps(port): the port's MTU and checksum offloads.
/// - tracing(): whether trace events are wanted; build events only then.
/// - trace(event): record one event (the runtime adds time and node).
template <class Out>
concept FrameOut = requires(Out& out, const Out& cout, PortId port, std::size_t n,
                            const TraceEvent& event) {
    {
        out.send(port, n, [](MutBytes) -> std::size_t { return 0; })
        } -> std::same_as<bool>;
    { cout.caps(port) } -> std::convertible_to<const PortCaps&>;
    { cout.tracing() } -> std::convertible_to<bool>;
    out.trace(event);
};

/// Largest Ethernet frame a port with this MTU sends (no FCS, no 802.1Q tag).
[[nodiscard]] constexpr std::size_t max_frame_length(const PortCaps& caps) noexcept {
    return caps.mtu + 14;
}

} // namespace strata
