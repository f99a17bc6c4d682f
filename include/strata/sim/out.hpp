// sim::Out: the output token the simulator hands a node (node/out.hpp's
// FrameOut). send() lends a buffer from the frame pool for the node to write
// the frame in place; the same buffer then travels the link and is handed to
// the receiving node, so a frame is written once and never copied on its way
// (a duplicate made by the link is the one copy).
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>
#include <strata/sim/fabric.hpp>

namespace strata::sim {

class Out {
public:
    Out(detail::Fabric& fabric, std::uint32_t node) noexcept : fabric_(&fabric), node_(node) {}

    /// Lends `max_length` bytes to fill(MutBytes) -> length and sends that
    /// many on `port`'s link. False (and fill not called) when the port has
    /// no link; false when fill returns 0 or more than max_length, or the link
    /// refuses the frame (too_big, queue_full: counted at the port). A
    /// max_length above 256 KiB is refused as too_big before fill is called.
    template <class Fill>
    bool send(PortId port, std::size_t max_length, Fill&& fill) {
        const std::uint32_t pi = fabric_->port_index(node_, port);
        if (!fabric_->linked(pi)) {
            fabric_->count_unlinked(node_, pi, port);
            return false;
        }
        if (max_length > detail::max_lend) return fabric_->refuse_oversize(node_, pi, port);
        FramePool& pool = fabric_->pool();
        const std::uint32_t slot = pool.acquire(max_length);
        const std::size_t n = fill(MutBytes(pool[slot].bytes.data(), max_length));
        return fabric_->transmit(node_, pi, port, slot, n, max_length);
    }

    /// The port's MTU and checksum offloads (set by Network::add, connect and
    /// set_caps). A port out of range gets the defaults.
    [[nodiscard]] const PortCaps& caps(PortId port) const noexcept {
        return fabric_->caps(fabric_->port_index(node_, port));
    }

    [[nodiscard]] bool tracing() const noexcept { return fabric_->tracing(); }

    /// Records a node's event with the current time and the node's name.
    void trace(const TraceEvent& e) {
        if (fabric_->tracing()) fabric_->trace(node_, e);
    }

private:
    detail::Fabric* fabric_;
    std::uint32_t node_;
};

static_assert(FrameOut<Out>);

} // namespace strata::sim
