// The link model (include/strata/sim/link.hpp) with numbers worked out by
// hand: serialization = 8 * bytes / rate, arrival = end of serialization +
// propagation delay, frames back to back, drop-tail, MTU.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "sim/test_nodes.hpp"

using namespace strata;
using namespace std::chrono_literals;
using simtest::Echo;
using simtest::udp_frame;

namespace {
constexpr std::uint64_t mbit = 1'000'000;

std::vector<std::int64_t> arrival_times(const sim::Replay& r) {
    std::vector<std::int64_t> t;
    r.for_each_arrival([&](Instant at, Bytes) { t.push_back(ns_since_start(at)); });
    return t;
}
} // namespace

TEST_CASE("link: serialization plus propagation, frames back to back", "[sim][link]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    const auto frame = udp_frame(1514);
    REQUIRE(frame.size() == 1514);
    net.node(a).load(at_ns(0), frame);
    net.node(a).load(at_ns(0), frame);
    auto link =
        net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(100 * mbit, 5us));
    REQUIRE(link);
    std::vector<std::int64_t> taps;
    net.set_tap(*link, [&](sim::LinkId, sim::Direction d, Instant t, Bytes bytes) {
        CHECK(d == sim::Direction::a_to_b);
        CHECK(bytes.size() == 1514);
        taps.push_back(ns_since_start(t));
    });
    const auto result = net.run_until(at_ns(1'000'000));
    // 1,514 bytes = 12,112 bits; at 100 Mbit/s that is 12,112 / 10^8 s = 121.12 µs.
    // First frame: on the wire 0 .. 121,120 ns, arrives 5 µs later: 126,120 ns.
    // Second: waits, on the wire 121,120 .. 242,240 ns, arrives at 247,240 ns.
    CHECK(arrival_times(net.node(b)) == std::vector<std::int64_t>{126'120, 247'240});
    CHECK(taps == std::vector<std::int64_t>{0, 121'120});
    CHECK(ns_since_start(result.time) == 247'240); // no event left: stops at the last one
    const auto& c = net.link_counters(*link, sim::Direction::a_to_b);
    CHECK(c.frames_sent == 2);
    CHECK(c.bytes_sent == 3028);
    CHECK(c.frames_delivered == 2);
    CHECK(net.port_counters({a, PortId{0}}).frames_out == 2);
    CHECK(net.port_counters({b, PortId{0}}).frames_in == 2);
    CHECK(net.port_counters({b, PortId{0}}).bytes_in == 3028);
}

TEST_CASE("link: drop-tail queue of queue_frames waiting frames", "[sim][link]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    const auto frame = udp_frame(1514);
    for (int i = 0; i < 5; ++i)
        net.node(a).load(at_ns(0), frame);
    // At 121,120 ns the first frame has left and the second starts: one waits,
    // so there is room for this one.
    net.node(a).load(at_ns(121'120), frame);
    auto config = sim::LinkConfig::symmetric(100 * mbit, 5us);
    config.queue_frames = 2;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    net.run_until(at_ns(10'000'000));
    // At t=0: frame 1 on the wire, frames 2 and 3 wait, 4 and 5 find the
    // queue full. Frame 6 goes after 3: arrivals every 121.12 µs from 126.12 µs.
    CHECK(arrival_times(net.node(b)) ==
          std::vector<std::int64_t>{126'120, 247'240, 368'360, 489'480});
    const auto& c = net.link_counters(*link, sim::Direction::a_to_b);
    CHECK(c.frames_sent == 4);
    CHECK(c.queue_full == 2);
    CHECK(net.port_counters({a, PortId{0}}).drops[DropReason::queue_full] == 2);
    CHECK(net.node(a).sent() == 4);
    CHECK(net.node(a).not_sent() == 2);
}

TEST_CASE("link: the waiting ring grows while wrapped and keeps the order", "[sim][link]") {
    // The ring of waiting frames starts empty and doubles (8, 16, 20) up to
    // queue_frames; here it grows after its head has moved on, so the
    // frames waiting at the wrap must come out first.
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    const auto frame = udp_frame(1514);
    // 1,514 B at 100 Mbit/s: 121,120 ns each (test above).
    for (int i = 0; i < 9; ++i) // 1 on the wire, 8 wait: the ring is full at 8
        net.node(a).load(at_ns(0), frame);
    // At 3 · 121,120 = 363,360 ns frames 1-3 have left and 4 starts: 5-9
    // wait (5 of the ring's 8, its head at 3, so the next 3 wrap to the
    // front); 15 more make 20 waiting, the bound; the 4 after them drop.
    for (int i = 0; i < 19; ++i)
        net.node(a).load(at_ns(363'360), frame);
    // At 968,960 ns (8 · 121,120) frame 9 starts: 5-9 leave the ring from
    // its head, in order, and 10-24 (15) wait; of 7 more, 5 fit and 2 drop.
    for (int i = 0; i < 7; ++i)
        net.node(a).load(at_ns(968'960), frame);
    auto config = sim::LinkConfig::symmetric(100 * mbit, 5us);
    config.queue_frames = 20;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    net.run_until(at_ns(100'000'000));
    // 9 + 15 + 5 = 29 frames back to back: arrival k at 126,120 + k · 121,120 ns.
    std::vector<std::int64_t> want;
    for (std::int64_t k = 0; k < 29; ++k)
        want.push_back(126'120 + k * 121'120);
    CHECK(arrival_times(net.node(b)) == want);
    CHECK(net.link_counters(*link, sim::Direction::a_to_b).queue_full == 6);
}

TEST_CASE("link: asymmetric rates", "[sim][link]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto e = net.add("e", Echo{});
    net.node(a).load(at_ns(0), udp_frame(1000));
    sim::LinkConfig config;
    config.rate_a_to_b_bps = 1 * mbit; // an ADSL-like line: slow up
    config.rate_b_to_a_bps = 8 * mbit; // fast down
    config.delay = 1ms;
    auto link = net.connect({a, PortId{0}}, {e, PortId{0}}, config);
    REQUIRE(link);
    net.run_until(at_ns(1'000'000'000));
    // Up: 8,000 bits at 1 Mbit/s = 8 ms, + 1 ms: the echo leaves at 9 ms.
    // Down: 8,000 bits at 8 Mbit/s = 1 ms, + 1 ms: back at 11 ms.
    CHECK(arrival_times(net.node(a)) == std::vector<std::int64_t>{11'000'000});
    CHECK(net.node(e).echoed == 1);
    CHECK(net.link_counters(*link, sim::Direction::b_to_a).frames_delivered == 1);
}

TEST_CASE("link: frames longer than mtu + 14 are dropped too_big", "[sim][link]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    net.node(a).load(at_ns(0), udp_frame(590)); // 576 + 14: fits
    net.node(a).load(at_ns(0), udp_frame(591)); // one byte too many
    net.node(a).load(at_ns(0), udp_frame(1514));
    auto config = sim::LinkConfig::symmetric(0, 0ns, 576);
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    CHECK(net.port_caps({a, PortId{0}}).mtu == 576); // the port's caps follow the link
    net.run_until(at_ns(1'000));
    CHECK(net.node(b).received_frames() == 1);
    CHECK(net.node(b).arrival(0).bytes.size() == 590);
    CHECK(net.link_counters(*link, sim::Direction::a_to_b).too_big == 2);
    CHECK(net.port_counters({a, PortId{0}}).drops[DropReason::too_big] == 2);
}

TEST_CASE("link: loss and duplication near their probabilities with a fixed seed", "[sim][link]") {
    sim::Network net(7);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    constexpr int n = 10'000;
    for (int i = 0; i < n; ++i)
        net.node(a).load(at_ns(i * 1000), udp_frame(100, static_cast<std::uint32_t>(i)));
    sim::LinkConfig config;
    config.a_to_b.loss = 0.1;
    config.a_to_b.duplicate = 0.05;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config, "lossy");
    REQUIRE(link);
    net.node(b).record(false);
    net.run_until(at_ns(1'000'000'000));
    const auto& c = net.link_counters(*link, sim::Direction::a_to_b);
    CHECK(c.frames_sent == n);
    // Binomial(10,000, 0.1): mean 1,000, sd 30; within 4 sd.
    CHECK(c.lost >= 880);
    CHECK(c.lost <= 1120);
    // Duplicates are drawn for the ~9,000 frames not lost: mean 450, sd 21.
    CHECK(c.duplicated >= 366);
    CHECK(c.duplicated <= 534);
    CHECK(c.frames_delivered == c.frames_sent - c.lost + c.duplicated);
    CHECK(net.node(b).received_frames() == c.frames_delivered);
    CHECK(net.port_counters({b, PortId{0}}).drops[DropReason::lost] == c.lost);
    // The other direction has its own (zero) impairments.
    CHECK(net.link_counters(*link, sim::Direction::b_to_a).lost == 0);
}

TEST_CASE("link: a corrupted frame is dropped bad_fcs by the receiving port", "[sim][link]") {
    sim::Network net(3);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    std::vector<std::vector<Byte>> sent;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        sent.push_back(udp_frame(200, i));
        net.node(a).load(at_ns(i * 10'000), sent.back());
    }
    sim::LinkConfig config;
    config.a_to_b.corrupt = 0.3;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    std::size_t tapped_intact = 0;
    net.set_tap(*link, [&](sim::LinkId, sim::Direction, Instant t, Bytes bytes) {
        // The tap shows the frame as the sender wrote it, corrupted or not.
        const auto i = static_cast<std::size_t>(ns_since_start(t) / 10'000);
        tapped_intact += std::equal(bytes.begin(), bytes.end(), sent[i].begin(), sent[i].end());
    });
    net.run_until(at_ns(1'000'000'000));
    const auto& c = net.link_counters(*link, sim::Direction::a_to_b);
    CHECK(tapped_intact == 1000);
    CHECK(c.corrupted >= 240); // Binomial(1000, 0.3): mean 300, sd 14.5
    CHECK(c.corrupted <= 360);
    CHECK(c.frames_delivered == 1000); // they reach the port ...
    const auto& port = net.port_counters({b, PortId{0}});
    CHECK(port.drops[DropReason::bad_fcs] == c.corrupted); // ... whose FCS check drops them
    CHECK(port.frames_in == 1000 - c.corrupted);
    CHECK(net.node(b).received_frames() == 1000 - c.corrupted);
    // What the node does receive is intact.
    bool intact = true;
    net.node(b).for_each_arrival([&](Instant, Bytes bytes) {
        const auto i = simtest::seq_of(bytes);
        intact = intact && i < sent.size() &&
                 std::equal(bytes.begin(), bytes.end(), sent[i].begin(), sent[i].end());
    });
    CHECK(intact);
}

TEST_CASE("link: a reordered frame is held back by reorder_delay and overtaken", "[sim][link]") {
    sim::Network net(5);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    for (std::uint32_t i = 0; i < 200; ++i)
        net.node(a).load(at_ns(i * 100'000), udp_frame(100, i)); // every 100 µs
    sim::LinkConfig config;
    config.delay = 10us;
    config.reorder_delay = 250us;
    config.a_to_b.reorder = 0.2;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    net.run_until(at_ns(1'000'000'000));
    const auto& c = net.link_counters(*link, sim::Direction::a_to_b);
    CHECK(c.reordered > 10);
    CHECK(c.reordered < 80);
    std::uint64_t held = 0;
    std::uint64_t overtaken = 0;
    std::uint32_t highest = 0;
    std::vector<bool> seen(200, false);
    net.node(b).for_each_arrival([&](Instant t, Bytes bytes) {
        const auto i = simtest::seq_of(bytes);
        seen.at(i) = true;
        // Rate unlimited: sent at i * 100 µs, arrives 10 µs later, or 260 µs.
        const auto delay = ns_since_start(t) - std::int64_t{i} * 100'000;
        CHECK((delay == 10'000 || delay == 260'000));
        held += delay == 260'000;
        overtaken += i < highest;
        highest = std::max(highest, i);
    });
    CHECK(held == c.reordered);
    CHECK(overtaken > 0); // frames 1 and 2 after a held one arrive before it
    CHECK(std::count(seen.begin(), seen.end(), true) == 200);
}

TEST_CASE("link: a duplicate arrives intact at the same instant, right after the original",
          "[sim][link]") {
    sim::Network net(9);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    for (std::uint32_t i = 0; i < 3; ++i)
        net.node(a).load(at_ns(i * 10'000), udp_frame(100, i));
    sim::LinkConfig config;
    config.delay = 2us;
    config.a_to_b.duplicate = 1.0;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    net.run_until(at_ns(1'000'000));
    REQUIRE(net.node(b).arrivals() == 6);
    for (std::uint32_t i = 0; i < 6; ++i) {
        const auto arrival = net.node(b).arrival(i);
        CHECK(arrival.at == at_ns(std::int64_t{i / 2} * 10'000 + 2'000));
        CHECK(simtest::seq_of(arrival.bytes) == i / 2);
        CHECK(std::equal(arrival.bytes.begin(), arrival.bytes.end(),
                         net.node(b).arrival(i - i % 2).bytes.begin()));
    }
    CHECK(net.link_counters(*link, sim::Direction::a_to_b).duplicated == 3);
    CHECK(net.link_counters(*link, sim::Direction::a_to_b).frames_delivered == 6);
}

TEST_CASE("link: a lost frame is traced at the receiving port when it would have arrived",
          "[sim][link]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    net.node(a).load(at_ns(0), udp_frame(125));                          // 1,000 bits
    sim::LinkConfig config = sim::LinkConfig::symmetric(1'000'000, 3us); // 1 ms on the wire
    config.a_to_b.loss = 1.0;
    auto link = net.connect({a, PortId{0}}, {b, PortId{0}}, config);
    REQUIRE(link);
    std::vector<std::tuple<std::int64_t, std::string, TraceKind, DropReason>> seen;
    net.set_trace([&](Instant t, std::string_view node, const TraceEvent& e) {
        seen.emplace_back(ns_since_start(t), std::string(node), e.kind, e.reason);
    });
    std::size_t tapped = 0;
    net.set_tap(*link, [&](sim::LinkId, sim::Direction, Instant, Bytes) { ++tapped; });
    net.run_until(at_ns(1'000'000'000));
    CHECK(tapped == 1); // it left the sending end
    REQUIRE(seen.size() == 2);
    CHECK(seen[1] == std::make_tuple(std::int64_t{1'003'000}, std::string("b"),
                                     TraceKind::frame_dropped, DropReason::lost));
    CHECK(net.node(b).received_frames() == 0);
    CHECK(net.port_counters({b, PortId{0}}).drops[DropReason::lost] == 1);
}
