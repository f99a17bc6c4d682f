// sim::Network: a discrete-event simulation of nodes joined by links. Nodes
// are any type meeting strata::Node<N, sim::Out> (Switch, Router, Replay, a
// test's own); the network owns them, calls receive() when a frame arrives
// and poll() when their poll_at() comes due, in the order of a (time,
// sequence) event queue, so the same seed gives the same run. Links follow
// the model of link.hpp.
//
//     sim::Network net(1);
//     auto a = net.add("a", sim::Replay{});
//     auto b = net.add("b", sim::Replay{});
//     auto l = net.connect({a, PortId{0}}, {b, PortId{0}},
//                          sim::LinkConfig::symmetric(100'000'000, 5us));
//     net.run_until(at_ns(1'000'000));
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/core/config_error.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/node/concepts.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>
#include <strata/sim/fabric.hpp>
#include <strata/sim/hooks.hpp>
#include <strata/sim/link.hpp>
#include <strata/sim/out.hpp>

namespace strata::sim {

/// A node added to a Network, remembering its type (for Network::node).
template <class N>
struct NodeRef {
    NodeId id{};
    constexpr operator NodeId() const noexcept { return id; } // NOLINT: a ref is an id
};

/// What run_until did.
struct RunResult {
    std::uint64_t events = 0; ///< events executed by this call (stale polls included)
    Instant time{};           ///< the network's time when it returned
};

namespace detail {

template <class N>
inline constexpr char type_tag = 0;

// The type-erased node: one virtual call per event.
struct NodeBox {
    virtual ~NodeBox() = default;
    virtual void receive(PortId port, MutBytes frame, Instant now, Out& out) = 0;
    virtual void poll(Instant now, Out& out) = 0;
    [[nodiscard]] virtual Instant poll_at() const = 0;
    [[nodiscard]] virtual const DropCounts& drops() const = 0;
    [[nodiscard]] virtual const void* tag() const noexcept = 0;
};

template <class N>
struct NodeModel final : NodeBox {
    N node;
    explicit NodeModel(N&& n) : node(std::move(n)) {}
    void receive(PortId port, MutBytes frame, Instant now, Out& out) override {
        node.receive(port, frame, now, out);
    }
    void poll(Instant now, Out& out) override { node.poll(now, out); }
    [[nodiscard]] Instant poll_at() const override { return node.poll_at(); }
    [[nodiscard]] const DropCounts& drops() const override { return node.drops(); }
    [[nodiscard]] const void* tag() const noexcept override { return &type_tag<N>; }
};

} // namespace detail

class Network : private detail::Fabric {
public:
    /// `seed` seeds every link's impairments (and stream() for nodes).
    explicit Network(std::uint64_t seed) : Fabric(seed) { sched_.reserve(1024); }

    // Movable (a loader may return one); nothing points into a Network
    // between calls. Not copyable: it owns its nodes.
    Network(Network&&) noexcept = default;
    Network& operator=(Network&&) noexcept = default;
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // --- building --------------------------------------------------------------

    /// Adds a node under `name`; every port starts with `caps` (connect sets
    /// the MTU from the link). N must meet strata::Node<N, sim::Out>.
    template <class N>
    NodeRef<N> add(std::string name, N node, PortCaps caps = {}) {
        static_assert(Node<N, Out>, "sim::Network::add: this type is not a node: it needs "
                                    "port_count(), receive(port, frame, now, out), poll(now, "
                                    "out), poll_at() and drops() (see strata::Node)");
        if constexpr (Node<N, Out>) {
            const auto index = static_cast<std::uint32_t>(boxes_.size());
            const auto ports = static_cast<std::uint32_t>(node.port_count());
            detail::NodeInfo info;
            info.name = std::move(name);
            info.first_port = static_cast<std::uint32_t>(ports_.size());
            info.port_count = ports;
            nodes_.push_back(std::move(info));
            detail::PortState port;
            port.caps = caps;
            ports_.resize(ports_.size() + ports, port);
            boxes_.push_back(std::make_unique<detail::NodeModel<N>>(std::move(node)));
            refresh_poll(index, false);
            return NodeRef<N>{NodeId{index}};
        } else {
            return NodeRef<N>{};
        }
    }

    /// Joins two free ports with a link named `name` (default "A.p-B.q").
    /// The link's direction streams are derived from the seed and
    /// "<name>:a>b" / "<name>:b>a". Errors: not_found (no such node),
    /// bad_value (no such port, both ends the same port, a negative delay, a
    /// probability outside [0, 1]), duplicate (a port already has a link),
    /// limit_exceeded (queue_frames above max_queue_frames).
    ConfigResult<LinkId> connect(Endpoint a, Endpoint b, const LinkConfig& config,
                                 std::string name = {}) {
        for (const Endpoint& e : {a, b}) {
            if (to_index(e.node) >= nodes_.size())
                return ConfigError(ConfigErrc::not_found,
                                   "no node " + std::to_string(to_index(e.node)));
            const detail::NodeInfo& n = nodes_[to_index(e.node)];
            if (to_index(e.port) >= n.port_count)
                return ConfigError(ConfigErrc::bad_value,
                                   "no port " + end_name(e) + ": " + n.name + " has " +
                                       std::to_string(n.port_count) + " port(s)");
            const detail::PortState& p = ports_[n.first_port + to_index(e.port)];
            if (p.link != detail::no_link)
                return ConfigError(ConfigErrc::duplicate, "port " + end_name(e) +
                                                              " is already connected by link " +
                                                              links_[p.link].name);
        }
        if (a == b)
            return ConfigError(ConfigErrc::bad_value,
                               "link from port " + end_name(a) + " to itself");
        if (auto bad = check(config)) return std::move(*bad);
        const auto index = static_cast<std::uint32_t>(links_.size());
        if (name.empty()) name = end_name(a) + "-" + end_name(b);
        detail::LinkState link;
        link.config = config;
        link.a = a;
        link.b = b;
        const std::uint32_t pa = port_index(to_index(a.node), a.port);
        const std::uint32_t pb = port_index(to_index(b.node), b.port);
        setup(link.dir[0], config.rate_a_to_b_bps, config.a_to_b, name + ":a>b", pa, pb, b, config);
        setup(link.dir[1], config.rate_b_to_a_bps, config.b_to_a, name + ":b>a", pb, pa, a, config);
        link.name = std::move(name);
        links_.push_back(std::move(link));
        ports_[pa].link = index;
        ports_[pa].out = Direction::a_to_b;
        ports_[pa].caps.mtu = config.mtu;
        ports_[pb].link = index;
        ports_[pb].out = Direction::b_to_a;
        ports_[pb].caps.mtu = config.mtu;
        return LinkId{index};
    }

    /// Replaces a port's capabilities (MTU, checksum offloads).
    void set_caps(Endpoint e, const PortCaps& caps) { ports_[global(e)].caps = caps; }

    /// Shows every frame leaving either end of `link` to `tap` (hooks.hpp).
    void set_tap(LinkId link, Tap tap) { links_[to_index(link)].tap = std::move(tap); }
    /// Sends the trace to `sink` (hooks.hpp); an empty sink turns tracing off.
    void set_trace(TraceSink sink) { trace_ = std::move(sink); }

    /// Room for `events` pending events and `frames` frames in flight, each
    /// of up to `frame_bytes`, so that even the first frames allocate nothing.
    void reserve(std::size_t events, std::size_t frames = 0, std::size_t frame_bytes = 1514) {
        sched_.reserve(events);
        std::vector<std::uint32_t> held;
        held.reserve(frames);
        for (std::size_t i = 0; i < frames; ++i)
            held.push_back(pool_.acquire(frame_bytes));
        for (auto i = held.rbegin(); i != held.rend(); ++i)
            pool_.release(*i);
    }

    // --- running -----------------------------------------------------------------

    /// Runs every event at or before `limit`, in (time, sequence) order; stops
    /// early when none is left. Afterwards now() is `limit` if events remain
    /// (time has passed up to it), else the time of the last event.
    /// `max_events` bounds the work of one call, so a caller can stop a
    /// network whose frames circulate without time passing (a loop of
    /// zero-delay, unlimited-rate links) and still look at it.
    RunResult run_until(Instant limit, std::uint64_t max_events = ~std::uint64_t{0}) {
        for (std::uint32_t i = 0; i < boxes_.size(); ++i)
            refresh_poll(i, false);
        const std::int64_t end = ns_since_start(limit);
        const std::uint64_t before = events_;
        while (!sched_.empty() && sched_.top().time <= end && events_ - before < max_events) {
            const Event e = sched_.pop();
            now_ = e.time;
            ++events_;
            dispatch(e);
        }
        if (!sched_.empty() && sched_.top().time > end && end > now_) now_ = end;
        return RunResult{events_ - before, at_ns(now_)};
    }

    [[nodiscard]] Instant now() const noexcept { return at_ns(now_); }
    /// Events executed since the network was made.
    [[nodiscard]] std::uint64_t events_executed() const noexcept { return events_; }
    /// Events waiting in the queue.
    [[nodiscard]] std::size_t events_pending() const noexcept { return sched_.size(); }
    /// Frame buffers ever made (the most frames that were in flight at once).
    [[nodiscard]] std::size_t frame_buffers() const noexcept { return pool_.capacity(); }

    // --- looking --------------------------------------------------------------------

    /// The node as its own type.
    template <class N>
    [[nodiscard]] N& node(NodeRef<N> ref) noexcept {
        return static_cast<detail::NodeModel<N>&>(*boxes_[to_index(ref.id)]).node;
    }
    template <class N>
    [[nodiscard]] const N& node(NodeRef<N> ref) const noexcept {
        return static_cast<const detail::NodeModel<N>&>(*boxes_[to_index(ref.id)]).node;
    }
    /// The node as N, or nullptr when it is of another type.
    template <class N>
    [[nodiscard]] N* node_as(NodeId id) noexcept {
        auto& box = *boxes_[to_index(id)];
        return box.tag() == &detail::type_tag<N> ? &static_cast<detail::NodeModel<N>&>(box).node
                                                 : nullptr;
    }

    [[nodiscard]] std::size_t node_count() const noexcept { return nodes_.size(); }
    [[nodiscard]] std::optional<NodeId> find(std::string_view name) const noexcept {
        for (std::uint32_t i = 0; i < nodes_.size(); ++i)
            if (nodes_[i].name == name) return NodeId{i};
        return std::nullopt;
    }
    [[nodiscard]] const std::string& name(NodeId n) const { return nodes_[to_index(n)].name; }
    [[nodiscard]] std::size_t port_count(NodeId n) const { return nodes_[to_index(n)].port_count; }
    /// What the node itself dropped, by reason.
    [[nodiscard]] const DropCounts& drops(NodeId n) const { return boxes_[to_index(n)]->drops(); }
    [[nodiscard]] const PortCounters& port_counters(Endpoint e) const {
        return ports_[global(e)].counters;
    }
    [[nodiscard]] const PortCaps& port_caps(Endpoint e) const { return ports_[global(e)].caps; }
    /// The link on a port, if any.
    [[nodiscard]] std::optional<LinkId> link_at(Endpoint e) const {
        const std::uint32_t l = ports_[global(e)].link;
        return l == detail::no_link ? std::nullopt : std::optional<LinkId>(LinkId{l});
    }

    [[nodiscard]] std::size_t link_count() const noexcept { return links_.size(); }
    [[nodiscard]] const std::string& link_name(LinkId l) const { return links_[to_index(l)].name; }
    [[nodiscard]] const LinkConfig& link_config(LinkId l) const {
        return links_[to_index(l)].config;
    }
    /// End a (Direction::a_to_b) or end b (Direction::b_to_a): where that
    /// direction starts.
    [[nodiscard]] Endpoint link_end(LinkId l, Direction from) const {
        const auto& link = links_[to_index(l)];
        return from == Direction::a_to_b ? link.a : link.b;
    }
    [[nodiscard]] const LinkCounters& link_counters(LinkId l, Direction d) const {
        return links_[to_index(l)].dir[static_cast<unsigned>(d)].counters;
    }

    /// The stream of a named thing in this run (give one to each node that
    /// draws random numbers): RandomStream::derive(seed, name).
    [[nodiscard]] RandomStream stream(std::string_view name) const noexcept {
        return RandomStream::derive(seed_, name);
    }
    [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

    /// The longest queue a link direction may have (its ring is allocated
    /// at connect time).
    static constexpr std::uint32_t max_queue_frames = 1'000'000;

private:
    static std::optional<ConfigError> check(const LinkConfig& c) {
        // Bounds that keep every instant the link computes far inside the
        // 64-bit nanosecond range (292 years): delays up to 10^16 ns (115
        // days), and at least 1 kbit/s, so a full queue of the largest frames
        // (10^6 x 256 KiB) ends within 2.2 x 10^18 ns.
        constexpr std::int64_t max_delay_ns = 10'000'000'000'000'000;
        for (const auto& [what, d] :
             {std::pair{"delay", c.delay}, std::pair{"reorder_delay", c.reorder_delay}}) {
            if (d.count() < 0 || d.count() > max_delay_ns)
                return ConfigError(ConfigErrc::bad_value,
                                   std::string(what) + " " + std::to_string(d.count()) + " ns is " +
                                       (d.count() < 0 ? "negative" : "too long"));
        }
        for (const auto& [what, r] : {std::pair{"rate_a_to_b_bps", c.rate_a_to_b_bps},
                                      std::pair{"rate_b_to_a_bps", c.rate_b_to_a_bps}}) {
            if (r != 0 && r < 1000)
                return ConfigError(ConfigErrc::bad_value,
                                   std::string(what) + " " + std::to_string(r) +
                                       " is below 1000 bit/s (0 means unlimited)");
        }
        if (c.queue_frames > max_queue_frames)
            return ConfigError(ConfigErrc::limit_exceeded,
                               "queue_frames " + std::to_string(c.queue_frames) + " is more than " +
                                   std::to_string(max_queue_frames));
        const std::pair<const char*, const Impairments*> dirs[] = {{"a_to_b", &c.a_to_b},
                                                                   {"b_to_a", &c.b_to_a}};
        for (const auto& [dir, imp] : dirs) {
            const std::pair<const char*, double> ps[] = {{"loss", imp->loss},
                                                         {"duplicate", imp->duplicate},
                                                         {"reorder", imp->reorder},
                                                         {"corrupt", imp->corrupt}};
            for (const auto& [what, p] : ps) {
                if (!(p >= 0.0 && p <= 1.0)) // NaN fails too
                    return ConfigError(ConfigErrc::bad_value,
                                       std::string(dir) + "." + what + " " + std::to_string(p) +
                                           " is not a probability in [0, 1]");
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] std::uint32_t global(Endpoint e) const noexcept {
        return nodes_[to_index(e.node)].first_port + to_index(e.port);
    }
    [[nodiscard]] std::string end_name(Endpoint e) const {
        return (to_index(e.node) < nodes_.size() ? nodes_[to_index(e.node)].name
                                                 : std::to_string(to_index(e.node))) +
               "." + std::to_string(to_index(e.port));
    }
    void setup(detail::DirState& d, std::uint64_t rate, const Impairments& impair,
               const std::string& stream_name, std::uint32_t from, std::uint32_t to, Endpoint dst,
               const LinkConfig& config) {
        d.rate_bps = rate;
        d.impair = impair;
        d.rng = RandomStream::derive(seed_, stream_name);
        d.waiting.clear();
        d.head = d.count = 0;
        d.queue_frames = config.queue_frames;
        d.from_port = from;
        d.to_port = to;
        d.to_node = to_index(dst.node);
    }

    void dispatch(const Event& e) {
        switch (e.kind) {
        case detail::ev_deliver:
            deliver(e.a);
            break;
        case detail::ev_tap: {
            FrameSlot& s = pool_[e.a];
            auto& link = links_[s.link];
            if (link.tap)
                link.tap(LinkId{s.link}, s.dir, at_ns(now_), Bytes(s.bytes.data(), s.len));
            break;
        }
        case detail::ev_poll: {
            detail::NodeInfo& n = nodes_[e.a];
            if (e.b != n.poll_gen) break; // superseded by an earlier poll_at()
            n.queued_time = ns_since_start(never);
            if (n.poll_time > now_) { // the node's deadline moved on: wake up then
                if (n.poll_time != ns_since_start(never)) queue_poll(e.a, n.poll_time);
                break;
            }
            n.poll_time = ns_since_start(never);
            Out out(*this, e.a);
            boxes_[e.a]->poll(at_ns(now_), out);
            refresh_poll(e.a, true);
            break;
        }
        default:
            break;
        }
    }

    void deliver(std::uint32_t slot) {
        FrameSlot& s = pool_[slot];
        detail::DirState& d = links_[s.link].dir[static_cast<unsigned>(s.dir)];
        detail::PortState& port = ports_[d.to_port];
        const std::uint32_t node = d.to_node;
        const PortId pid{static_cast<std::uint16_t>(d.to_port - nodes_[node].first_port)};
        if (s.flags & FrameSlot::lost) {
            port.counters.drops.count(DropReason::lost);
            if (trace_) trace(node, TraceEvent::dropped(pid, DropReason::lost));
            pool_.release(slot);
            return;
        }
        ++d.counters.frames_delivered;
        d.counters.bytes_delivered += s.len;
        if (s.flags & FrameSlot::corrupt) {
            // The flipped bit is really in the bytes (a receiving tap would
            // show it); the port's FCS check (CRC-32 catches every single-bit
            // error) drops the frame.
            s.bytes[s.bit / 8] ^= static_cast<Byte>(0x80u >> (s.bit % 8));
            port.counters.drops.count(DropReason::bad_fcs);
            if (trace_) trace(node, TraceEvent::dropped(pid, DropReason::bad_fcs));
            pool_.release(slot);
            return;
        }
        ++port.counters.frames_in;
        port.counters.bytes_in += s.len;
        if (trace_) trace(node, sized(TraceKind::frame_received, pid, s.len));
        const MutBytes frame = s.frame(); // the buffer stays put while the pool grows
        Out out(*this, node);
        boxes_[node]->receive(pid, frame, at_ns(now_), out);
        pool_.release(slot);
        refresh_poll(node, false);
    }

    // Records the node's next poll after poll_at() may have changed. After a
    // poll, a poll_at() at or before now is moved 1 ns on: a node is not
    // polled twice at the same instant (which would let a faulty node stop
    // the clock). A deadline that moves later (a TCP retransmission timer
    // pushed on by every ACK) queues nothing: the event already queued
    // wakes the node, finds the deadline not yet due and queues it then.
    // Only a deadline earlier than the queued event queues a new one, so the
    // heap holds one live event per node instead of one per ACK.
    void refresh_poll(std::uint32_t index, bool after_poll) {
        detail::NodeInfo& n = nodes_[index];
        std::int64_t t = ns_since_start(boxes_[index]->poll_at());
        const std::int64_t never_ns = ns_since_start(never);
        if (t != never_ns) {
            if (t < now_) t = now_;
            if (after_poll && t == now_) ++t;
        }
        n.poll_time = t;
        if (t < n.queued_time) queue_poll(index, t);
    }
    void queue_poll(std::uint32_t index, std::int64_t t) {
        detail::NodeInfo& n = nodes_[index];
        ++n.poll_gen;
        n.queued_time = t;
        sched_.push(at_ns(t), detail::ev_poll, index, n.poll_gen);
    }

    std::vector<std::unique_ptr<detail::NodeBox>> boxes_;
};

} // namespace strata::sim
