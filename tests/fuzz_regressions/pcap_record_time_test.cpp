// Regression: fuzz_pcap_reader found a capture whose frames did not come
// back with the same times after PcapVectorWriter wrote them and PcapReader
// read them again (docs/fuzzing.md, "Bugs found").
//
// A pcap record's seconds and fraction are unsigned 32-bit fields
// (draft-ietf-opsawg-pcap §5), but libpcap 1.10 reads them into a signed
// 32-bit struct, so any time from 2038-01-19T03:14:08Z on came out negative
// (68 years early). pcapng times (64-bit) were read right, so a pcapng frame
// from 2040 written to pcap read back wrong. And a pcapng time past 2^63 ns
// overflowed the nanosecond count (signed overflow: undefined). Fixed in
// include/strata/io/pcap_reader.hpp (detail::pcap_record_ns): pcap fields
// are taken back to their 32 unsigned bits; a pcapng time that does not fit
// is the error pcap.timestamp too_big.
#include <chrono>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>

using namespace strata;

namespace {

// Little-endian pcapng by hand (draft-ietf-opsawg-pcapng §4): a Section
// Header Block (28 bytes), an Interface Description Block without options
// (20 bytes, Ethernet, default resolution: µs), then one Enhanced Packet
// Block per time (14 data bytes padded to 16: 48 bytes each).
std::vector<Byte> pcapng_with_times(std::initializer_list<std::uint64_t> microseconds) {
    std::vector<Byte> file{0x0a, 0x0d, 0x0d, 0x0a, 28,   0,    0,    0,    0x4d, 0x3c, 0x2b, 0x1a,
                           1,    0,    0,    0,    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           28,   0,    0,    0,    1,    0,    0,    0,    20,   0,    0,    0,
                           1,    0,    0,    0,    0xff, 0xff, 0,    0,    20,   0,    0,    0};
    auto le32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            file.push_back(static_cast<Byte>(v >> (8 * i)));
    };
    for (std::uint64_t t : microseconds) {
        le32(6);  // block type: EPB
        le32(48); // block total length
        le32(0);  // interface 0
        le32(static_cast<std::uint32_t>(t >> 32));
        le32(static_cast<std::uint32_t>(t));
        le32(14); // captured
        le32(14); // original
        file.resize(file.size() + 16, 0x5a);
        le32(48);
    }
    return file;
}

// The next frame, which must be there. Its data stays valid until the
// reader's next call.
PcapFrame next_frame(Result<PcapReader>& r) {
    REQUIRE(r);
    auto f = r->next();
    REQUIRE(f);
    REQUIRE(f->has_value());
    return **f;
}

} // namespace

TEST_CASE("pcap reader: record times past 2038 keep their unsigned seconds", "[io][pcap]") {
    // draft-ietf-opsawg-pcap §5: seconds and fraction are unsigned 32-bit.
    // Little-endian by hand; record 1 at 0x80000000 s + 999999 (0x000F423F)
    // µs (2038-01-19T03:14:08.999999Z), record 2 at 0xFFFFFFFF s + 0 µs.
    std::vector<Byte> file{0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0,
                           0,    0,    0,    0,    0xff, 0xff, 0x00, 0x00, 1, 0, 0, 0};
    const std::vector<std::vector<Byte>> records{
        {0x00, 0x00, 0x00, 0x80, 0x3f, 0x42, 0x0f, 0x00, 14, 0, 0, 0, 14, 0, 0, 0},
        {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 14, 0, 0, 0, 14, 0, 0, 0}};
    for (const auto& rec : records) {
        file.insert(file.end(), rec.begin(), rec.end());
        file.resize(file.size() + 14, 0x5a);
    }
    auto r = PcapReader::open_buffer(file);
    CHECK(next_frame(r).timestamp.count() == 2'147'483'648LL * 1'000'000'000LL + 999'999'000LL);
    CHECK(next_frame(r).timestamp.count() == 4'294'967'295LL * 1'000'000'000LL);

    // The same in a nanosecond file: fraction 999999999 (0x3B9AC9FF) ns.
    std::vector<Byte> nano{0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0,    0,
                           0,    0,    0,    0,    0,    0,    0xff, 0xff, 0x00, 0x00,
                           1,    0,    0,    0,    0xff, 0xff, 0xff, 0xff, 0xff, 0xc9,
                           0x9a, 0x3b, 14,   0,    0,    0,    14,   0,    0,    0};
    nano.resize(nano.size() + 14, 0x5a);
    auto n = PcapReader::open_buffer(nano);
    CHECK(next_frame(n).timestamp.count() == 4'294'967'295LL * 1'000'000'000LL + 999'999'999LL);
}

TEST_CASE("pcap reader: a pcapng frame from 2040 comes back from pcap with its time",
          "[io][pcap][pcapng]") {
    // 2,208,988,800 s = 2040-01-01T00:00:00Z (70 years of 365 days + 17
    // leap days, times 86,400), plus 250 µs.
    const std::uint64_t t_us = 2'208'988'800ULL * 1'000'000 + 250;
    const auto ng = pcapng_with_times({t_us});
    auto r = PcapReader::open_buffer(ng);
    const PcapFrame f = next_frame(r);
    const auto expected = std::chrono::nanoseconds(static_cast<std::int64_t>(t_us) * 1000);
    CHECK(f.timestamp == expected);

    std::vector<Byte> file;
    PcapOptions o;
    o.precision = PcapPrecision::nano;
    auto w = PcapVectorWriter::create(VectorSink{file}, o);
    REQUIRE(w);
    REQUIRE(w->write(f.data, f.timestamp));
    // The record's seconds field holds 2,208,988,800 = 0x83AA7E80.
    REQUIRE(file.size() == 24 + 16 + 14);
    CHECK(file[24] == 0x80);
    CHECK(file[25] == 0x7e);
    CHECK(file[26] == 0xaa);
    CHECK(file[27] == 0x83);
    auto back = PcapReader::open_buffer(file);
    CHECK(next_frame(back).timestamp == expected);
}

TEST_CASE("pcap reader: a pcapng time beyond 64-bit nanoseconds is an error",
          "[io][pcap][pcapng]") {
    // 0x0030'0000'0000'0000 µs = 13,510,798,882 s: past 2^63 ns (9.2e9 s).
    const auto file = pcapng_with_times({1'000'001, 0x0030'0000'0000'0000ULL});
    auto r = PcapReader::open_buffer(file);
    CHECK(next_frame(r).timestamp.count() == 1'000'001'000LL);
    auto b = r->next();
    REQUIRE_FALSE(b);
    CHECK(b.error().layer == "pcap");
    CHECK(b.error().field == "timestamp");
    CHECK(b.error().code == Errc::too_big);
    CHECK(b.error().offset == 96); // 28 + 20 + 48: the second packet block
    CHECK(b.error().value == 1);
    CHECK_FALSE(r->last_error_text().empty());
    auto again = r->next();
    CHECK((!again && again.error() == b.error()));
    CHECK(r->frames_read() == 1);
}
