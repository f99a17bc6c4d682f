// The contract every running thing meets: devices (Switch, Router), hosts,
// and the simulator's replay nodes (DESIGN.md §4). A node is passive: the
// runtime calls it with a frame or with the time, and it answers through the
// output token. It never reads a clock, sleeps, owns a socket or allocates per
// frame in steady state, and cannot tell the simulator from a TAP device.
#pragma once

#include <concepts>
#include <cstddef>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/recording_out.hpp>

namespace strata {

/// - port_count(): how many ports the node has (PortId 0 … count-1).
/// - receive(port, frame, now, out): one Ethernet frame (no FCS) arrived.
///   The bytes are lent for the call: the node may rewrite them in place
///   (a router decrements the TTL there) before it sends.
/// - poll(now, out): timers due at or before now.
/// - poll_at(): the earliest instant poll has work, or `never`. The runtime
///   asks again after every receive and poll.
/// - drops(): what the node dropped, by reason.
template <class N, class Out = RecordingOut>
concept Node = FrameOut<Out> &&
    requires(N& node, const N& cnode, PortId port, MutBytes frame, Instant now, Out& out) {
    { cnode.port_count() } -> std::convertible_to<std::size_t>;
    node.receive(port, frame, now, out);
    node.poll(now, out);
    { cnode.poll_at() } -> std::same_as<Instant>;
    { cnode.drops() } -> std::convertible_to<const DropCounts&>;
};

} // namespace strata
