#include <vector>

#include <catch2/catch.hpp>

#include <strata/node/recording_out.hpp>
#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "sim/test_nodes.hpp"

using namespace strata;
using simtest::udp_frame;

TEST_CASE("replay: sends each frame at its instant, in load order", "[sim][replay]") {
    sim::Replay r;
    const auto f1 = udp_frame(60, 1);
    const auto f2 = udp_frame(70, 2);
    const auto f3 = udp_frame(80, 3);
    r.load(at_ns(100), f1);
    r.load(at_ns(300), f2);
    r.load(at_ns(200), f3); // earlier than its predecessor: goes right after it
    CHECK(r.loaded() == 3);
    CHECK(r.poll_at() == at_ns(100));
    RecordingOut out;
    r.poll(at_ns(99), out);
    CHECK(out.frames.empty());
    r.poll(at_ns(100), out);
    REQUIRE(out.frames.size() == 1);
    CHECK(out.frames[0].bytes == f1);
    CHECK(out.frames[0].port == PortId{0});
    CHECK(r.poll_at() == at_ns(300));
    r.poll(at_ns(300), out);
    REQUIRE(out.frames.size() == 3);
    CHECK(out.frames[1].bytes == f2);
    CHECK(out.frames[2].bytes == f3);
    CHECK(r.poll_at() == never);
    CHECK(r.sent() == 3);
}

TEST_CASE("replay: records what arrives, with the time", "[sim][replay]") {
    sim::Replay r;
    RecordingOut out;
    auto f = udp_frame(64, 9);
    r.receive(PortId{0}, MutBytes(f), at_ns(5), out);
    f[0] ^= 1; // the caller's buffer changes afterwards: the record does not
    r.receive(PortId{0}, MutBytes(f), at_ns(7), out);
    REQUIRE(r.arrivals() == 2);
    CHECK(r.arrival(0).at == at_ns(5));
    CHECK(r.arrival(0).bytes[0] == (f[0] ^ 1));
    CHECK(r.arrival(1).at == at_ns(7));
    CHECK(r.received_bytes() == 128);
    r.record(false);
    r.receive(PortId{0}, MutBytes(f), at_ns(9), out);
    CHECK(r.arrivals() == 2);
    CHECK(r.received_frames() == 3);
    r.receive(PortId{1}, MutBytes(f), at_ns(9), out); // it has one port
    CHECK(r.drops()[DropReason::unsupported] == 1);
}

TEST_CASE("replay: two replays through a link", "[sim][replay]") {
    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto b = net.add("b", sim::Replay{});
    net.node(a).load(at_ns(1'000), udp_frame(100, 1));
    net.node(b).load(at_ns(1'500), udp_frame(200, 2));
    REQUIRE(net.connect({a, PortId{0}}, {b, PortId{0}},
                        sim::LinkConfig::symmetric(0, std::chrono::microseconds(1))));
    net.run_until(at_ns(10'000));
    REQUIRE(net.node(b).arrivals() == 1);
    CHECK(net.node(b).arrival(0).at == at_ns(2'000));
    CHECK(simtest::seq_of(net.node(b).arrival(0).bytes) == 1);
    REQUIRE(net.node(a).arrivals() == 1);
    CHECK(net.node(a).arrival(0).at == at_ns(2'500));
    CHECK(net.node(a).arrival(0).bytes.size() == 200);
}
