// PcapReader as a range (range-for over frames(), begin()/end()) and the
// one-call PcapWriter: the same frames as next(), errors still reported.
#include <chrono>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>

#include "io_test_util.hpp"

using namespace strata;
using strata_test::TempDir;

namespace {

const std::string data_dir = STRATA_TEST_DATA_DIR;

static_assert(std::input_iterator<PcapReader::iterator>);
static_assert(std::sentinel_for<std::default_sentinel_t, PcapReader::iterator>);
static_assert(std::ranges::input_range<PcapReader>);

} // namespace

TEST_CASE("pcap reader: range-for sees the frames next() sees", "[io][pcap][range]") {
    const std::string path = data_dir + "/http.pcap";
    std::vector<std::vector<Byte>> by_next;
    std::vector<std::uint32_t> wirelen;
    {
        auto r = PcapReader::open(path);
        REQUIRE(r);
        for (;;) {
            auto f = r->next();
            REQUIRE(f);
            if (!*f) break;
            by_next.emplace_back((*f)->data.begin(), (*f)->data.end());
            wirelen.push_back((*f)->wirelen);
        }
    }
    REQUIRE(by_next.size() == 24);

    auto pcap = PcapReader::frames(path);
    std::size_t i = 0;
    for (const PcapFrame& f : pcap) {
        REQUIRE(i < by_next.size());
        CHECK(std::vector<Byte>(f.data.begin(), f.data.end()) == by_next[i]);
        CHECK(f.caplen == f.data.size());
        CHECK(f.wirelen == wirelen[i]);
        ++i;
    }
    CHECK(i == 24);
    CHECK_FALSE(pcap.error());
    CHECK(pcap.frames_read() == 24);
    // A reader is one pass: a second loop sees nothing, and no error.
    for ([[maybe_unused]] const PcapFrame& f : pcap)
        FAIL("a second pass yielded a frame");
    CHECK_FALSE(pcap.error());
}

TEST_CASE("pcap reader: frames() of a missing file is an empty range with the error",
          "[io][pcap][range]") {
    auto pcap = PcapReader::frames(data_dir + "/no_such_file.pcap");
    std::size_t n = 0;
    for ([[maybe_unused]] const PcapFrame& f : pcap)
        ++n;
    CHECK(n == 0);
    REQUIRE(pcap.error());
    CHECK(pcap.error()->layer == "pcap");
    CHECK(pcap.error()->field == "file");
    CHECK(pcap.error()->code == Errc::not_found);
    CHECK(pcap.last_error_text().find("no_such_file") != std::string::npos);
    CHECK(pcap.link_type() == -1);
}

TEST_CASE("pcap reader: a damaged record ends the range; error() says where", "[io][pcap][range]") {
    TempDir dir;
    std::vector<Byte> bytes = strata_test::read_bytes(data_dir + "/http.pcap");
    REQUIRE(bytes.size() > 10);
    bytes.erase(bytes.end() - 10, bytes.end()); // cut inside the last record
    const std::string cut = dir.file("cut.pcap");
    strata_test::write_bytes(cut, bytes);
    auto pcap = PcapReader::frames(cut);
    std::size_t n = 0;
    for ([[maybe_unused]] const PcapFrame& f : pcap)
        ++n;
    CHECK(n == 23);
    REQUIRE(pcap.error());
    CHECK(pcap.error()->field == "record");
    CHECK(pcap.error()->code == Errc::truncated);
    CHECK(pcap.error()->value == 23); // frames read before it
}

TEST_CASE("pcap writer: open and write in one call each, time 0 by default", "[io][pcap][range]") {
    TempDir dir;
    const std::string path = dir.file("one.pcap");
    const std::vector<Byte> frame(60, Byte{0xab});
    {
        auto w = PcapWriter::open(path);
        REQUIRE(w);
        REQUIRE(w->write(frame));
        REQUIRE(w->write(frame, std::chrono::seconds(7)));
    }
    auto pcap = PcapReader::frames(path);
    std::vector<std::chrono::nanoseconds> times;
    for (const PcapFrame& f : pcap) {
        CHECK(std::vector<Byte>(f.data.begin(), f.data.end()) == frame);
        times.push_back(f.timestamp);
    }
    CHECK_FALSE(pcap.error());
    CHECK(times ==
          std::vector<std::chrono::nanoseconds>{std::chrono::seconds(0), std::chrono::seconds(7)});
}
