// What a simulation shows to the outside, as plain callbacks: sim/ may not
// include io/ (io/ sits to its right), so the pcap writer is connected by the
// caller (strata-net connects each link's tap to an io::PcapWriter).
//
// Both are called only when set; with neither set the runtime builds no trace
// event and copies no bytes for them.
#pragma once

#include <functional>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/trace.hpp>
#include <strata/sim/link.hpp>

namespace strata::sim {

/// A link's tap: one call per frame as it left the sending end, at the
/// instant its serialization started, with the bytes the sender wrote (before
/// any impairment: a frame the link corrupts or loses is seen intact). The
/// bytes are lent for the call. Calls come in time order.
using Tap = std::function<void(LinkId link, Direction dir, Instant t, Bytes frame)>;

/// Receives the trace: (virtual time, name of the node it happened at, event).
/// The runtime emits frame_sent and frame_received (port, value = length) and
/// frame_dropped for queue_full and too_big (at the sending port), lost and
/// bad_fcs (at the receiving port, when the frame would have arrived); nodes
/// add theirs through Out::trace.
using TraceSink = std::function<void(Instant t, std::string_view node, const TraceEvent& event)>;

} // namespace strata::sim
