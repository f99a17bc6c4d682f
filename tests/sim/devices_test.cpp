// The simulator driving the real devices: replay -> switch -> router ->
// replay. What arrives is checked against RFC 791/1812 by hand: TTL one less, MACs rewritten for
// the next hop, the header checksum (RFC 1071) recomputed by the test itself.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>
#include <strata/device/switch.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/policy/mac/learning.hpp>
#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "common/tshark_check.hpp"
#include "sim/test_nodes.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

// RFC 1071: one's complement of the one's complement sum of 16-bit words.
std::uint16_t header_checksum(const Byte* h, std::size_t len) {
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < len; i += 2)
        s += std::uint32_t{h[i]} << 8 | h[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(~s);
}

} // namespace

TEST_CASE("devices: replay -> switch -> router -> replay, checked by hand", "[sim][devices]") {
    // udp_frame(): 02:00:00:00:00:01 -> 02:00:00:00:00:02, 10.0.0.1 -> 10.0.0.2, TTL 64.
    // Here the router's port 0 is 02:00:00:00:00:02 on 10.0.0.254/24, port 1
    // 02:00:00:00:01:01 on 10.0.1.1/24, and 10.0.0.2 ... is on the first
    // network, so route the test's destination through port 1 instead: a
    // /32 for 10.0.0.2 via 10.0.1.2 (B).
    const MacAddress router0{2, 0, 0, 0, 0, 2}, router1{2, 0, 0, 0, 1, 1};
    const MacAddress mac_b{2, 0xbb, 0, 0, 0, 2};
    router::RouterConfig c;
    c.ports = {{router0, Ipv4Prefix{Ipv4Address{10, 0, 0, 254}, 24}, 1500},
               {router1, Ipv4Prefix{Ipv4Address{10, 0, 1, 1}, 24}, 1500}};
    c.routes.push_back({Ipv4Prefix{Ipv4Address{10, 0, 0, 2}, 32}, Ipv4Address{10, 0, 1, 2}, {}, 0});
    auto made = Router<>::make(c, RandomStream{1});
    REQUIRE(made);

    sim::Network net(1);
    auto a = net.add("a", sim::Replay{});
    auto sw = net.add("sw", Switch<mac::Learning<16>>(2));
    auto r = net.add("r", std::move(*made));
    auto b = net.add("b", sim::Replay{});
    for (std::uint32_t i = 0; i < 10; ++i)
        net.node(a).load(at_ns(i * 100'000), simtest::udp_frame(512, i));
    const auto wire = sim::LinkConfig::symmetric(100'000'000, 10us);
    std::vector<sim::LinkId> links;
    for (auto [x, y] : {std::pair{sim::Endpoint{a, PortId{0}}, sim::Endpoint{sw, PortId{0}}},
                        std::pair{sim::Endpoint{sw, PortId{1}}, sim::Endpoint{r, PortId{0}}},
                        std::pair{sim::Endpoint{r, PortId{1}}, sim::Endpoint{b, PortId{0}}}}) {
        auto l = net.connect(x, y, wire);
        REQUIRE(l);
        links.push_back(*l);
    }
    net.node(r).arp_cache().learn(Ipv4Address{10, 0, 1, 2}, mac_b, PortId{1}, at_ns(0), true);

    std::vector<Byte> capture;
    auto pcap = PcapVectorWriter::create(VectorSink(capture),
                                         PcapOptions{.precision = PcapPrecision::nano});
    REQUIRE(pcap);
    for (auto l : links)
        net.set_tap(l, [&](sim::LinkId, sim::Direction, Instant t, Bytes f) {
            REQUIRE(pcap->write(f, t.time_since_epoch()));
        });
    net.run_until(at_ns(1'000'000'000));

    REQUIRE(net.node(b).arrivals() == 10);
    for (std::uint32_t i = 0; i < 10; ++i) {
        const auto got = net.node(b).arrival(i);
        auto sent = simtest::udp_frame(512, i);
        // Three links of 10 µs, each 512 B = 4,096 bits = 40.96 µs at 100 Mbit/s.
        CHECK(got.at == at_ns(std::int64_t{i} * 100'000 + 3 * (40'960 + 10'000)));
        REQUIRE(got.bytes.size() == 512);
        // Expected: MACs router1 -> B, TTL 63, checksum recomputed, rest equal.
        router1.to_bytes(sent.data() + 6);
        mac_b.to_bytes(sent.data());
        sent[14 + 8] = 63;
        sent[14 + 10] = sent[14 + 11] = 0;
        const std::uint16_t sum = header_checksum(sent.data() + 14, 20);
        sent[14 + 10] = static_cast<Byte>(sum >> 8);
        sent[14 + 11] = static_cast<Byte>(sum);
        CHECK(std::vector<Byte>(got.bytes.begin(), got.bytes.end()) == sent);
    }
    CHECK(net.node(sw).counters().flooded + net.node(sw).counters().forwarded == 10);
    CHECK(net.drops(r).total() == 0);

    // The three taps in one capture read clean in tshark.
    if (!testcommon::have_tshark()) {
        WARN("tshark is not installed: skipped");
        return;
    }
    char path[] = "/tmp/strata_sim_devices_XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    std::FILE* f = fdopen(fd, "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(capture.data(), 1, capture.size(), f) == capture.size());
    std::fclose(f);
    const auto warnings = testcommon::tshark_warnings(path);
    std::remove(path);
    REQUIRE(warnings.has_value());
    CHECK(*warnings == "");
}
