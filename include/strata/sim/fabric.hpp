// The simulator's state apart from the nodes themselves: the clock, the event
// queue, ports, links and the frame pool, and the part of the link model that
// runs when a node sends (link.hpp describes the model). sim::Network puts the
// nodes on top; Out (what a node sends through) calls into this.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>
#include <strata/sim/frame_pool.hpp>
#include <strata/sim/hooks.hpp>
#include <strata/sim/link.hpp>
#include <strata/sim/scheduler.hpp>

namespace strata::sim {

/// A node's identity in its Network: 0, 1, … in the order of add().
enum class NodeId : std::uint32_t {};

[[nodiscard]] constexpr std::uint32_t to_index(NodeId n) noexcept {
    return static_cast<std::uint32_t>(n);
}

/// One end of a link: a node's port.
struct Endpoint {
    NodeId node{};
    PortId port{};
    friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// What passed through one port. Frames out are frames a link accepted;
/// drops are the runtime's drops at this port (too_big, queue_full and
/// link_down when sending; bad_fcs and lost when receiving), not the node's.
struct PortCounters {
    std::uint64_t frames_in = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t bytes_out = 0;
    DropCounts drops{};
};

namespace detail {

inline constexpr std::uint32_t no_link = ~std::uint32_t{0};

/// The most bytes Out::send lends for one frame (the default pcap snaplen).
/// A request for more is refused as too_big without calling the fill: pool
/// buffers never shrink, so one absurd request must not pin gigabytes.
inline constexpr std::size_t max_lend = 262'144;

/// The kinds of events Network schedules.
enum EventKind : std::uint8_t {
    ev_deliver = 0, ///< a = frame slot: the frame reaches the receiving port
    ev_tap = 1,     ///< a = frame slot: its serialization starts (the tap sees it)
    ev_poll = 2,    ///< a = node, b = generation: poll the node (stale if b is old)
};

struct PortState {
    PortCaps caps{};
    PortCounters counters{};
    std::uint32_t link = no_link;
    Direction out = Direction::a_to_b; ///< the direction this port sends in
};

struct NodeInfo {
    std::string name;
    std::uint32_t first_port = 0;
    std::uint32_t port_count = 0;
    std::int64_t poll_time = ns_since_start(never);   ///< when the node wants its poll
    std::int64_t queued_time = ns_since_start(never); ///< the poll event in the queue, if any
    std::uint32_t poll_gen = 0;                       ///< older poll events are stale
};

/// One direction of a link.
struct DirState {
    std::uint64_t rate_bps = 0;
    Impairments impair{};
    RandomStream rng{};
    std::int64_t busy_until = 0; ///< the transmitter is free from here on
    // Start instants of the frames waiting for the transmitter, oldest first
    // (a ring): waiting frames are those not yet started, so the ring is
    // trimmed against `now` before each send. It grows by doubling up to
    // queue_frames the first times the queue gets that long, so a thousand
    // quiet links do not each hold room for 100 waiting frames.
    std::vector<std::int64_t> waiting;
    std::uint32_t head = 0;
    std::uint32_t count = 0;
    std::uint32_t queue_frames = 0; ///< the bound on `count`
    LinkCounters counters{};
    std::uint32_t from_port = 0; ///< global port index of the sending end
    std::uint32_t to_port = 0;   ///< global port index of the receiving end
    std::uint32_t to_node = 0;

    void trim(std::int64_t now) noexcept {
        while (count > 0 && waiting[head] <= now) {
            head = head + 1 == waiting.size() ? 0 : head + 1;
            --count;
        }
    }
    void grow() {
        std::vector<std::int64_t> bigger(
            std::min<std::size_t>(queue_frames, std::max<std::size_t>(8, 2 * waiting.size())));
        for (std::uint32_t i = 0; i < count; ++i)
            bigger[i] = waiting[(head + i) % waiting.size()];
        waiting = std::move(bigger);
        head = 0;
    }
    void push_waiting(std::int64_t start) {
        if (count == waiting.size()) grow();
        std::size_t at = head + count;
        if (at >= waiting.size()) at -= waiting.size();
        waiting[at] = start;
        ++count;
    }
};

struct LinkState {
    std::string name;
    LinkConfig config{};
    Endpoint a{};
    Endpoint b{};
    DirState dir[2];
    Tap tap;
};

class Fabric {
public:
    explicit Fabric(std::uint64_t seed) : seed_(seed) {}

    // --- called by Out -------------------------------------------------------

    /// The global index of a node's port, or no_link when it is out of range.
    [[nodiscard]] std::uint32_t port_index(std::uint32_t node, PortId port) const noexcept {
        const NodeInfo& n = nodes_[node];
        return to_index(port) < n.port_count ? n.first_port + to_index(port) : no_link;
    }

    /// Counts a send on a port without a link (or out of range).
    void count_unlinked(std::uint32_t node, std::uint32_t port_index, PortId port) {
        if (port_index != no_link) ports_[port_index].counters.drops.count(DropReason::link_down);
        if (trace_) trace(node, TraceEvent::dropped(port, DropReason::link_down));
    }

    /// Refuses a send that asks for more than max_lend bytes: too_big.
    bool refuse_oversize(std::uint32_t node, std::uint32_t port_index, PortId port) {
        PortState& ps = ports_[port_index];
        ++links_[ps.link].dir[static_cast<unsigned>(ps.out)].counters.too_big;
        ps.counters.drops.count(DropReason::too_big);
        if (trace_) trace(node, TraceEvent::dropped(port, DropReason::too_big));
        return false;
    }

    /// Hands the frame in `slot` (n bytes written; the fill was lent
    /// max_length) to the port's link. False when nothing was sent.
    bool transmit(std::uint32_t node, std::uint32_t port_index, PortId port, std::uint32_t slot,
                  std::size_t n, std::size_t max_length) {
        if (n == 0 || n > max_length) {
            pool_.release(slot);
            return false;
        }
        PortState& ps = ports_[port_index];
        LinkState& link = links_[ps.link];
        DirState& d = link.dir[static_cast<unsigned>(ps.out)];
        if (n > std::size_t{link.config.mtu} + 14) {
            ++d.counters.too_big;
            return refuse(node, ps, port, slot, DropReason::too_big);
        }
        // Drop-tail: frames wait while the transmitter is busy, at most
        // queue_frames of them.
        std::int64_t start = now_;
        if (d.busy_until > now_) {
            d.trim(now_);
            if (d.count >= d.queue_frames) {
                ++d.counters.queue_full;
                return refuse(node, ps, port, slot, DropReason::queue_full);
            }
            start = d.busy_until;
            d.push_waiting(start);
        }
        const std::int64_t end = start + serialization_ns(n, d.rate_bps);
        d.busy_until = end;
        ++d.counters.frames_sent;
        d.counters.bytes_sent += n;
        ++ps.counters.frames_out;
        ps.counters.bytes_out += n;
        if (trace_) trace(node, sized(TraceKind::frame_sent, port, n));

        const std::uint32_t link_index = ps.link;
        {
            FrameSlot& s = pool_[slot];
            s.len = static_cast<std::uint32_t>(n);
            s.link = link_index;
            s.dir = ps.out;
            s.flags = FrameSlot::none;
            if (link.tap) {
                // The tap sees the frame when it starts to leave; a frame that
                // waits is shown by an event at its start, so taps come in
                // time order on every link.
                if (start == now_)
                    link.tap(LinkId{link_index}, ps.out, at_ns(start), Bytes(s.bytes.data(), n));
                else
                    sched_.push(at_ns(start), ev_tap, slot);
            }
        }
        std::int64_t arrive = end + link.config.delay.count();
        bool duplicate = false;
        if (d.rng.chance(d.impair.loss)) {
            ++d.counters.lost;
            pool_[slot].flags = FrameSlot::lost;
        } else {
            duplicate = d.rng.chance(d.impair.duplicate);
            if (d.rng.chance(d.impair.reorder)) {
                ++d.counters.reordered;
                arrive += link.config.reorder_delay.count();
            }
            if (d.rng.chance(d.impair.corrupt)) {
                ++d.counters.corrupted;
                FrameSlot& s = pool_[slot];
                s.flags = FrameSlot::corrupt;
                s.bit = static_cast<std::uint32_t>(d.rng.below(std::uint64_t{n} * 8));
            }
        }
        sched_.push(at_ns(arrive), ev_deliver, slot);
        if (duplicate) {
            ++d.counters.duplicated;
            const std::uint32_t copy = pool_.acquire(n);
            FrameSlot& c = pool_[copy];
            const FrameSlot& s = pool_[slot];
            std::memcpy(c.bytes.data(), s.bytes.data(), n);
            c.len = s.len;
            c.link = link_index;
            c.dir = s.dir;
            // The copy arrives intact at the normal time, just after the
            // original when that one is not held back.
            sched_.push(at_ns(end + link.config.delay.count()), ev_deliver, copy);
        }
        return true;
    }

    void trace(std::uint32_t node, const TraceEvent& e) {
        trace_(at_ns(now_), nodes_[node].name, e);
    }

    [[nodiscard]] bool tracing() const noexcept { return static_cast<bool>(trace_); }
    [[nodiscard]] const PortCaps& caps(std::uint32_t port_index) const noexcept {
        static constexpr PortCaps none{};
        return port_index == no_link ? none : ports_[port_index].caps;
    }
    [[nodiscard]] bool linked(std::uint32_t port_index) const noexcept {
        return port_index != no_link && ports_[port_index].link != no_link;
    }
    [[nodiscard]] FramePool& pool() noexcept { return pool_; }

    [[nodiscard]] static TraceEvent sized(TraceKind k, PortId port, std::size_t n) noexcept {
        TraceEvent e{k};
        e.port = port;
        e.value = static_cast<std::uint32_t>(n);
        return e;
    }

protected:
    bool refuse(std::uint32_t node, PortState& ps, PortId port, std::uint32_t slot,
                DropReason why) {
        ps.counters.drops.count(why);
        if (trace_) trace(node, TraceEvent::dropped(port, why));
        pool_.release(slot);
        return false;
    }

    std::uint64_t seed_;
    std::int64_t now_ = 0;
    std::uint64_t events_ = 0;
    Scheduler sched_;
    FramePool pool_;
    std::vector<NodeInfo> nodes_;
    std::vector<PortState> ports_;
    std::vector<LinkState> links_;
    TraceSink trace_;
};

} // namespace detail
} // namespace strata::sim
