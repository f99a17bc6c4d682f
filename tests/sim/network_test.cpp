// sim::Network: building a topology, polling nodes, the trace, counters.
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/node/concepts.hpp>
#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "sim/test_nodes.hpp"

using namespace strata;
using namespace std::chrono_literals;
using simtest::Echo;
using simtest::Ticker;
using simtest::udp_frame;

static_assert(Node<sim::Replay, sim::Out>);
static_assert(Node<sim::Replay>); // with RecordingOut too: it does not know the runtime
static_assert(Node<Echo, sim::Out>);

TEST_CASE("network: connect checks both ends", "[sim][network]") {
    sim::Network net(1);
    auto a = net.add("a", Echo{2});
    auto b = net.add("b", Echo{1});
    const sim::LinkConfig config;

    auto unknown = net.connect({a, PortId{0}}, {sim::NodeId{7}, PortId{0}}, config);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code() == ConfigErrc::not_found);

    auto no_port = net.connect({a, PortId{2}}, {b, PortId{0}}, config);
    REQUIRE_FALSE(no_port);
    CHECK(no_port.error().code() == ConfigErrc::bad_value);
    CHECK(no_port.error().message() == "no port a.2: a has 2 port(s)");

    auto self = net.connect({a, PortId{1}}, {a, PortId{1}}, config);
    REQUIRE_FALSE(self);
    CHECK(self.error().code() == ConfigErrc::bad_value);

    sim::LinkConfig negative;
    negative.delay = -1us;
    auto backwards = net.connect({a, PortId{0}}, {b, PortId{0}}, negative);
    REQUIRE_FALSE(backwards);
    CHECK(backwards.error().message() == "delay -1000 ns is negative");
    sim::LinkConfig slow;
    slow.rate_b_to_a_bps = 999;
    auto crawl = net.connect({a, PortId{0}}, {b, PortId{0}}, slow);
    REQUIRE_FALSE(crawl);
    CHECK(crawl.error().message() == "rate_b_to_a_bps 999 is below 1000 bit/s (0 means unlimited)");
    sim::LinkConfig improbable;
    improbable.b_to_a.corrupt = 1.5;
    auto p = net.connect({a, PortId{0}}, {b, PortId{0}}, improbable);
    REQUIRE_FALSE(p);
    CHECK(p.error().code() == ConfigErrc::bad_value);
    CHECK(p.error().message() == "b_to_a.corrupt 1.500000 is not a probability in [0, 1]");
    sim::LinkConfig long_queue;
    long_queue.queue_frames = 4'000'000'000;
    auto q = net.connect({a, PortId{0}}, {b, PortId{0}}, long_queue);
    REQUIRE_FALSE(q);
    CHECK(q.error().code() == ConfigErrc::limit_exceeded);
    CHECK(net.link_count() == 0);

    auto ok = net.connect({a, PortId{0}}, {b, PortId{0}}, config, "ab");
    REQUIRE(ok);
    CHECK(sim::to_index(*ok) == 0);
    CHECK(net.link_name(*ok) == "ab");
    CHECK(net.link_end(*ok, sim::Direction::b_to_a) == sim::Endpoint{b, PortId{0}});

    auto used = net.connect({a, PortId{1}}, {b, PortId{0}}, config);
    REQUIRE_FALSE(used);
    CHECK(used.error().code() == ConfigErrc::duplicate);
    CHECK(used.error().message() == "port b.0 is already connected by link ab");

    auto second = net.connect({a, PortId{1}}, {net.add("c", Echo{}), PortId{0}}, config);
    REQUIRE(second);
    CHECK(net.link_name(*second) == "a.1-c.0"); // the default name
    CHECK(net.link_count() == 2);
}

TEST_CASE("network: nodes are reached back as their own type", "[sim][network]") {
    sim::Network net(1);
    auto e = net.add("echo", Echo{3});
    auto r = net.add("replay", sim::Replay{});
    CHECK(net.node(e).ports == 3);
    CHECK(net.node_as<Echo>(e) == &net.node(e));
    CHECK(net.node_as<Ticker>(e) == nullptr);
    CHECK(net.node_as<sim::Replay>(r) != nullptr);
    CHECK(net.find("replay") == sim::NodeId{r});
    CHECK_FALSE(net.find("nobody"));
    CHECK(net.name(e) == "echo");
    CHECK(net.port_count(e) == 3);
}

TEST_CASE("network: a node is polled exactly when its timer is due", "[sim][network]") {
    sim::Network net(1);
    Ticker t;
    t.next = at_ns(1'000);
    t.period = Duration{1'000};
    t.ticks = 3;
    auto ticker = net.add("t", std::move(t));
    auto sink = net.add("sink", sim::Replay{});
    REQUIRE(net.connect({ticker, PortId{0}}, {sink, PortId{0}}, sim::LinkConfig{}));
    const auto result = net.run_until(at_ns(1'000'000));
    CHECK(net.node(ticker).polled ==
          std::vector<Instant>{at_ns(1'000), at_ns(2'000), at_ns(3'000)});
    CHECK(net.node(sink).received_frames() == 3);
    // 3 polls + 3 deliveries; nothing left, so the run stopped at 3 µs.
    CHECK(result.events == 6);
    CHECK(result.time == at_ns(3'000));
}

namespace {
// A timer that a received frame re-arms earlier: the poll scheduled for the
// old deadline must not run.
struct Rearm {
    Instant deadline = at_ns(10'000);
    std::vector<Instant> polled;
    DropCounts drop_counts{};
    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }
    template <FrameOut O>
    void receive(PortId, MutBytes, Instant now, O&) {
        deadline = now + Duration{3'000};
    }
    template <FrameOut O>
    void poll(Instant now, O&) {
        polled.push_back(now);
        deadline = never;
    }
    [[nodiscard]] Instant poll_at() const noexcept { return deadline; }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drop_counts; }
};
} // namespace

TEST_CASE("network: a poll made stale by a new poll_at() is ignored", "[sim][network]") {
    sim::Network net(1);
    auto r = net.add("r", Rearm{});
    auto a = net.add("a", sim::Replay{});
    net.node(a).load(at_ns(2'000), udp_frame(60));
    REQUIRE(net.connect({a, PortId{0}}, {r, PortId{0}}, sim::LinkConfig{}));
    net.run_until(at_ns(1'000'000));
    // The frame arrives at 2 µs (no rate, no delay) and moves the deadline
    // from 10 µs to 5 µs; after that poll the node wants none.
    CHECK(net.node(r).polled == std::vector<Instant>{at_ns(5'000)});
}

TEST_CASE("network: run_until stops at the limit and resumes", "[sim][network]") {
    sim::Network net(1);
    Ticker t;
    t.next = at_ns(1'000);
    t.ticks = 5;
    auto ticker = net.add("t", std::move(t));
    const auto first = net.run_until(at_ns(2'500));
    CHECK(net.node(ticker).polled.size() == 2);
    CHECK(first.time == at_ns(2'500)); // events remain: time went up to the limit
    net.run_until(at_ns(100'000));
    CHECK(net.node(ticker).polled.size() == 5);
    // The ticker's port has no link: its sends are refused and counted.
    CHECK(net.port_counters({ticker, PortId{0}}).drops[DropReason::link_down] == 5);
}

TEST_CASE("network: the trace names each step with its time and node", "[sim][network]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto e = net.add("e", Echo{});
    net.node(a).load(at_ns(0), udp_frame(100));
    net.node(a).load(at_ns(0), udp_frame(2000)); // too big for the link
    REQUIRE(net.connect({a, PortId{0}}, {e, PortId{0}}, sim::LinkConfig::symmetric(0, 1us)));
    std::vector<std::tuple<std::int64_t, std::string, TraceKind, std::uint32_t>> seen;
    net.set_trace([&](Instant t, std::string_view node, const TraceEvent& ev) {
        seen.emplace_back(
            ns_since_start(t), std::string(node), ev.kind,
            ev.kind == TraceKind::frame_dropped ? static_cast<std::uint32_t>(ev.reason) : ev.value);
    });
    net.run_until(at_ns(1'000'000));
    using K = TraceKind;
    const auto too_big = static_cast<std::uint32_t>(DropReason::too_big);
    CHECK(seen == decltype(seen){{0, "a", K::frame_sent, 100},
                                 {0, "a", K::frame_dropped, too_big},
                                 {1'000, "e", K::frame_received, 100},
                                 {1'000, "e", K::frame_sent, 100},
                                 {2'000, "a", K::frame_received, 100}});
}

TEST_CASE("network: the frame pool stops growing (no allocation per frame)", "[sim][network]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto e = net.add("e", Echo{});
    for (std::uint32_t i = 0; i < 20'000; ++i)
        net.node(a).load(at_ns(i * 200), udp_frame(512, i));
    net.node(a).record(false);
    REQUIRE(net.connect({a, PortId{0}}, {e, PortId{0}}, sim::LinkConfig::symmetric(0, 10us)));
    net.run_until(at_ns(100'000));
    const auto buffers = net.frame_buffers();
    net.run_until(at_ns(1'000'000'000));
    CHECK(net.node(a).received_frames() == 20'000);
    // One frame every 200 ns over 10 µs each way: about 50 frames in flight
    // per direction at any time, whatever the number of frames sent.
    CHECK(net.frame_buffers() == buffers);
    CHECK(buffers < 220);
}

TEST_CASE("network: a network can be moved, before and between runs", "[sim][network]") {
    auto build = [] {
        sim::Network net(1);
        auto a = net.add("a", sim::Replay{});
        auto e = net.add("e", Echo{});
        net.node(a).load(at_ns(0), udp_frame(60));
        net.node(a).load(at_ns(10'000), udp_frame(60));
        auto l = net.connect({a, PortId{0}}, {e, PortId{0}}, sim::LinkConfig::symmetric(0, 1us));
        REQUIRE(l);
        return net;
    };
    sim::Network net = build();
    net.run_until(at_ns(5'000));
    sim::Network moved = std::move(net);
    moved.run_until(at_ns(100'000));
    auto* a = moved.node_as<sim::Replay>(sim::NodeId{0});
    REQUIRE(a != nullptr);
    CHECK(a->received_frames() == 2);
}

namespace {
// Asks for far more room than any frame needs.
struct Greedy {
    DropCounts drop_counts{};
    bool filled = false;
    bool done = false;
    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }
    template <FrameOut O>
    void receive(PortId, MutBytes, Instant, O&) {}
    template <FrameOut O>
    void poll(Instant, O& out) {
        done = true;
        out.send(PortId{0}, std::size_t{1} << 32, [&](MutBytes) {
            filled = true;
            return std::size_t{60};
        });
    }
    [[nodiscard]] Instant poll_at() const noexcept { return done ? never : at_ns(0); }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drop_counts; }
};
} // namespace

TEST_CASE("network: a send asking for more than 256 KiB is refused too_big", "[sim][network]") {
    sim::Network net(1);
    auto g = net.add("g", Greedy{});
    auto b = net.add("b", sim::Replay{});
    auto l = net.connect({g, PortId{0}}, {b, PortId{0}}, sim::LinkConfig{});
    REQUIRE(l);
    net.run_until(at_ns(1'000));
    CHECK(net.node(g).done);
    CHECK_FALSE(net.node(g).filled);
    CHECK(net.link_counters(*l, sim::Direction::a_to_b).too_big == 1);
    CHECK(net.port_counters({g, PortId{0}}).drops[DropReason::too_big] == 1);
    CHECK(net.frame_buffers() == 0);
}
