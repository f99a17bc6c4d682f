// An Ethernet switch (transparent bridge, IEEE 802.1D §7): it learns which
// port each source address lives behind, forwards a frame to the port of its
// destination, floods unknown unicast, broadcast and multicast to every port
// but the one the frame came in on, and never sends a frame back out of its
// ingress. It has no MAC address of its own (DESIGN.md §1.7). The MAC table
// is a policy: mac::Learning<N> (a switch), mac::Flood (a hub), mac::Static.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>
#include <strata/policy/mac/concept.hpp>

namespace strata {

template <class MacPolicy>
class Switch {
    static_assert(mac::Policy<MacPolicy>,
                  "Switch<P>: P must be a MAC table policy (learn(mac, port, now) and "
                  "lookup(mac, now) -> std::optional<PortId>), such as mac::Learning<N>");

public:
    struct Counters {
        std::uint64_t forwarded = 0;  ///< frames sent to one learned port
        std::uint64_t flooded = 0;    ///< frames sent to every other port
        std::uint64_t table_full = 0; ///< sources not learned: the table was full
    };

    explicit Switch(std::size_t ports, MacPolicy table = MacPolicy())
        : ports_(static_cast<std::uint16_t>(ports)), table_(std::move(table)) {}

    [[nodiscard]] std::size_t port_count() const noexcept { return ports_; }

    template <FrameOut Out>
    void receive(PortId in, MutBytes frame, Instant now, Out& out) {
        if (frame.size() < 14 || to_index(in) >= ports_) {
            drop(in, DropReason::malformed, out);
            return;
        }
        const MacAddress dst = MacAddress::from_bytes(frame.data());
        const MacAddress src = MacAddress::from_bytes(frame.data() + 6);
        // A group address is never a source (802.1D §7.8): not learned, and
        // the frame is discarded as a real bridge does.
        if (src.is_multicast()) {
            drop(in, DropReason::malformed, out);
            return;
        }
        learn(src, in, now, out);

        if (dst.is_unicast()) {
            if (const auto port = table_.lookup(dst, now)) {
                if (*port == in) {
                    // The destination is behind the ingress port: the frame
                    // already reached its segment.
                    drop(in, DropReason::same_port, out);
                    return;
                }
                ++counters_.forwarded;
                copy_out(*port, frame, out);
                return;
            }
        }
        ++counters_.flooded;
        for (std::uint16_t p = 0; p < ports_; ++p) {
            if (PortId{p} != in) copy_out(PortId{p}, frame, out);
        }
    }

    /// Aging is lazy (checked on lookup): no timers.
    template <FrameOut Out>
    constexpr void poll(Instant, Out&) noexcept {}
    [[nodiscard]] constexpr Instant poll_at() const noexcept { return never; }

    [[nodiscard]] const DropCounts& drops() const noexcept { return drops_; }
    [[nodiscard]] const Counters& counters() const noexcept { return counters_; }
    [[nodiscard]] MacPolicy& table() noexcept { return table_; }
    [[nodiscard]] const MacPolicy& table() const noexcept { return table_; }

private:
    template <class Out>
    void learn(MacAddress src, PortId in, Instant now, Out& out) {
        switch (table_.learn(src, in, now)) {
        case mac::Learned::none:
            return;
        case mac::Learned::added:
            if (out.tracing()) out.trace(TraceEvent::mac_event(TraceKind::mac_learned, in, src));
            return;
        case mac::Learned::moved:
            if (out.tracing()) out.trace(TraceEvent::mac_event(TraceKind::mac_moved, in, src));
            return;
        case mac::Learned::table_full:
            ++counters_.table_full;
            return;
        }
    }

    template <class Out>
    static void copy_out(PortId port, Bytes frame, Out& out) {
        out.send(port, frame.size(), [&](MutBytes b) {
            std::memcpy(b.data(), frame.data(), frame.size());
            return frame.size();
        });
    }

    template <class Out>
    void drop(PortId in, DropReason reason, Out& out) {
        drops_.count(reason);
        if (out.tracing()) out.trace(TraceEvent::dropped(in, reason));
    }

    std::uint16_t ports_;
    MacPolicy table_;
    DropCounts drops_{};
    Counters counters_{};
};

} // namespace strata
