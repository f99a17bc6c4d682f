// Taps written as pcap: the same seed gives the same bytes, another seed
// (with loss) other bytes, and tshark reads the capture without a warning.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "common/tshark_check.hpp"
#include "sim/test_nodes.hpp"

using namespace strata;
using namespace std::chrono_literals;
using simtest::Echo;
using simtest::udp_frame;

namespace {

struct Captures {
    std::vector<Byte> access; // the tap of link "access"
    std::vector<Byte> core;   // the tap of link "core"
    std::vector<Byte> rx;     // what came back to the sender, as pcap
};

// sender --access (lossy, 100 Mbit/s)-- mid --core (1 Gbit/s)-- far
// mid passes frames from one port to the other; far sends each one back. A frame
// every 100 µs (60 to 1,459 bytes: at most 117 µs on the wire) keeps the
// access queue busy at times.
Captures run(std::uint64_t seed) {
    sim::Network net(seed);
    auto sender = net.add("sender", sim::Replay{});
    auto mid = net.add("mid", simtest::Bridge{});
    auto far = net.add("far", Echo{1});
    for (std::uint32_t i = 0; i < 300; ++i)
        net.node(sender).load(at_ns(std::int64_t{i} * 100'000), udp_frame(60 + (i * 37) % 1400, i));
    sim::LinkConfig access = sim::LinkConfig::symmetric(100'000'000, 2ms);
    access.a_to_b = {.loss = 0.05, .duplicate = 0.02, .reorder = 0.02, .corrupt = 0.02};
    access.b_to_a = {.loss = 0.05, .duplicate = 0.0, .reorder = 0.0, .corrupt = 0.0};
    access.queue_frames = 20;
    auto l1 = net.connect({sender, PortId{0}}, {mid, PortId{0}}, access, "access");
    auto l2 = net.connect({mid, PortId{1}}, {far, PortId{0}},
                          sim::LinkConfig::symmetric(1'000'000'000, 100us), "core");
    REQUIRE(l1);
    REQUIRE(l2);
    Captures c;
    PcapOptions nano;
    nano.precision = PcapPrecision::nano;
    auto w1 = PcapVectorWriter::create(VectorSink(c.access), nano);
    auto w2 = PcapVectorWriter::create(VectorSink(c.core), nano);
    REQUIRE(w1);
    REQUIRE(w2);
    net.set_tap(*l1, [&](sim::LinkId, sim::Direction, Instant t, Bytes b) {
        REQUIRE(w1->write(b, t.time_since_epoch()));
    });
    net.set_tap(*l2, [&](sim::LinkId, sim::Direction, Instant t, Bytes b) {
        REQUIRE(w2->write(b, t.time_since_epoch()));
    });
    net.run_until(at_ns(1'000'000'000));
    auto w3 = PcapVectorWriter::create(VectorSink(c.rx), nano);
    REQUIRE(w3);
    net.node(sender).for_each_arrival(
        [&](Instant t, Bytes b) { REQUIRE(w3->write(b, t.time_since_epoch())); });
    return c;
}

} // namespace

TEST_CASE("pcap taps: same seed, byte-identical captures", "[sim][pcap]") {
    const Captures x = run(11);
    const Captures y = run(11);
    CHECK(x.access.size() > 24 + 300 * 16);
    CHECK(x.core.size() > 24 + 300 * 16);
    CHECK(x.access == y.access);
    CHECK(x.core == y.core);
    CHECK(x.rx == y.rx);
}

TEST_CASE("pcap taps: another seed with loss, other captures", "[sim][pcap]") {
    const Captures x = run(11);
    const Captures z = run(12);
    CHECK(x.access != z.access); // the echoes of lost frames are missing
    CHECK(x.rx != z.rx);
}

TEST_CASE("pcap taps: tshark reads the capture without a warning", "[sim][pcap][tshark]") {
    if (!testcommon::have_tshark()) {
        WARN("tshark is not installed: skipped");
        return;
    }
    const Captures x = run(11);
    char path[] = "/tmp/strata_sim_tap_XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    std::FILE* f = fdopen(fd, "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(x.access.data(), 1, x.access.size(), f) == x.access.size());
    std::fclose(f);

    // libpcap reads it back: nanosecond records, in time order.
    auto reader = PcapReader::open(path);
    REQUIRE(reader);
    std::size_t frames = 0;
    std::int64_t last = -1;
    bool ordered = true;
    for (;;) {
        auto r = reader->next();
        REQUIRE(r);
        if (!*r) break;
        const std::int64_t t = (*r)->timestamp.count();
        ordered = ordered && t >= last;
        last = t;
        ++frames;
    }
    CHECK(ordered);
    CHECK(frames > 500); // 300 out, most of them echoed back

    const auto warnings = testcommon::tshark_warnings(path);
    std::remove(path);
    REQUIRE(warnings.has_value());
    CHECK(*warnings == "");
}
