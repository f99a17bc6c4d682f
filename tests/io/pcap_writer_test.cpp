// PcapWriter: known-answer headers derived by hand from the format
// (draft-ietf-opsawg-pcap §4, §5), read-back through libpcap, and tshark as an
// independent reader of a written file.
#include <array>
#include <cstdio>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>

#include "io_test_util.hpp"

using namespace strata;
using namespace std::chrono_literals;
using strata_test::TempDir;

namespace {

// 1'700'000'000.123456789 s after the epoch.
constexpr std::chrono::nanoseconds t0 = 1'700'000'000s + 123'456'789ns;

// An Ethernet frame of `len` bytes (len >= 14): dst 02:00:00:00:00:01,
// src 02:00:00:00:00:02, EtherType 0x88b5 (IEEE 802 local experimental),
// then a counting pattern seeded by `seed`.
std::vector<Byte> make_frame(std::size_t len, Byte seed) {
    std::vector<Byte> f(len);
    const std::array<Byte, 14> head{0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x88, 0xb5};
    for (std::size_t i = 0; i < len; ++i)
        f[i] = i < head.size() ? head[i] : static_cast<Byte>(seed + i);
    return f;
}

} // namespace

TEST_CASE("pcap file header: known bytes, microsecond and nanosecond magic", "[io][pcap]") {
    // By hand, every field little-endian:
    //   magic 0xA1B2C3D4 -> d4 c3 b2 a1; version 2.4 -> 02 00 04 00;
    //   8 reserved bytes 0; snaplen 262144 = 0x00040000 -> 00 00 04 00;
    //   link type 1 (Ethernet) -> 01 00 00 00.
    const std::vector<Byte> micro{0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
                                  0,    0,    0,    0,    0,    0,    0,    0,
                                  0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00};
    std::vector<Byte> out;
    auto w = PcapVectorWriter::create(VectorSink(out));
    REQUIRE(w);
    CHECK(out == micro);

    // Nanosecond magic 0xA1B23C4D -> 4d 3c b2 a1; the rest is the same.
    std::vector<Byte> nano = micro;
    nano[0] = 0x4d;
    nano[1] = 0x3c;
    std::vector<Byte> out_ns;
    auto wn = PcapVectorWriter::create(VectorSink(out_ns), {PcapPrecision::nano});
    REQUIRE(wn);
    CHECK(out_ns == nano);
}

TEST_CASE("pcap record header: known bytes", "[io][pcap]") {
    // 1700000000 = 0x6553F100 -> 00 f1 53 65; 123456 µs = 0x0001E240 -> 40 e2 01 00;
    // 123456789 ns = 0x075BCD15 -> 15 cd 5b 07; caplen 60 = 0x3c; wirelen 1514 = 0x05ea.
    auto us = pcap_record_header(t0, 60, 1514, PcapPrecision::micro);
    REQUIRE(us);
    const std::array<Byte, 16> want_us{0x00, 0xf1, 0x53, 0x65, 0x40, 0xe2, 0x01, 0x00,
                                       0x3c, 0,    0,    0,    0xea, 0x05, 0,    0};
    CHECK(*us == want_us);
    auto ns = pcap_record_header(t0, 60, 1514, PcapPrecision::nano);
    REQUIRE(ns);
    const std::array<Byte, 16> want_ns{0x00, 0xf1, 0x53, 0x65, 0x15, 0xcd, 0x5b, 0x07,
                                       0x3c, 0,    0,    0,    0xea, 0x05, 0,    0};
    CHECK(*ns == want_ns);

    // The whole record in a file: header then exactly the frame bytes.
    std::vector<Byte> out;
    auto w = PcapVectorWriter::create(VectorSink(out));
    REQUIRE(w);
    const auto frame = make_frame(60, 7);
    REQUIRE(w->write(frame, t0, 1514));
    REQUIRE(out.size() == 24 + 16 + 60);
    CHECK(std::equal(want_us.begin(), want_us.end(), out.begin() + 24));
    CHECK(std::equal(frame.begin(), frame.end(), out.begin() + 40));
    CHECK(w->frames_written() == 1);
}

TEST_CASE("pcap writer: bad input is an error, nothing is written", "[io][pcap]") {
    std::vector<Byte> out;
    auto w = PcapVectorWriter::create(VectorSink(out));
    REQUIRE(w);
    const auto frame = make_frame(100, 0);

    auto shorter = w->write(frame, t0, 99);
    REQUIRE_FALSE(shorter);
    CHECK(shorter.error().layer == "pcap");
    CHECK(shorter.error().field == "original_len");
    CHECK(shorter.error().code == Errc::bad_length);
    CHECK(shorter.error().value == 99);
    CHECK(shorter.error().expected == 100);

    auto before_epoch = w->write(frame, -1ns);
    REQUIRE_FALSE(before_epoch);
    CHECK(before_epoch.error().field == "timestamp");
    CHECK(before_epoch.error().code == Errc::bad_value);

    // 2^32 s does not fit the unsigned 32-bit seconds field; 2^32 - 1 does.
    auto too_late = w->write(frame, std::chrono::seconds(1LL << 32));
    REQUIRE_FALSE(too_late);
    CHECK(too_late.error().field == "timestamp");
    CHECK(too_late.error().code == Errc::too_big);
    CHECK(out.size() == 24);
    CHECK(w->write(frame, std::chrono::seconds((1LL << 32) - 1)));
    CHECK(out.size() == 24 + 16 + 100);

    std::vector<Byte> out2;
    PcapOptions zero;
    zero.snaplen = 0;
    auto bad = PcapVectorWriter::create(VectorSink(out2), zero);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().field == "snaplen");
    CHECK(out2.empty());

    auto nowhere = PcapWriter::open("/nonexistent-dir-strata/x.pcap");
    REQUIRE_FALSE(nowhere);
    CHECK(nowhere.error().layer == "pcap");
    CHECK(nowhere.error().field == "file");
    CHECK(nowhere.error().code == Errc::not_found);
    CHECK(nowhere.error().value != 0); // errno
}

TEST_CASE("pcap writer -> libpcap reader: frames byte-exact, times, lengths", "[io][pcap]") {
    for (const auto precision : {PcapPrecision::micro, PcapPrecision::nano}) {
        std::vector<Byte> out;
        PcapOptions opts;
        opts.precision = precision;
        opts.snaplen = 2000;
        auto w = PcapVectorWriter::create(VectorSink(out), opts);
        REQUIRE(w);
        const std::vector<std::vector<Byte>> frames{make_frame(14, 1), make_frame(60, 2),
                                                    make_frame(1514, 3), make_frame(3000, 4)};
        for (std::size_t i = 0; i < frames.size(); ++i)
            REQUIRE(w->write(frames[i], t0 + std::chrono::milliseconds(i)));
        REQUIRE(w->write(make_frame(100, 5), t0 + 1s, 1500)); // a cut capture

        std::string text;
        auto r = PcapReader::open_buffer(out, &text);
        REQUIRE(r);
        CHECK(r->link_type() == 1);
        CHECK(r->snaplen() == 2000);
        for (std::size_t i = 0; i < frames.size(); ++i) {
            auto f = r->next();
            REQUIRE(f);
            REQUIRE(f->has_value());
            const PcapFrame& fr = **f;
            // The 3000-byte frame is cut to the snaplen; wirelen keeps 3000.
            const std::size_t stored = std::min<std::size_t>(frames[i].size(), 2000);
            CHECK(fr.caplen == stored);
            CHECK(fr.wirelen == frames[i].size());
            CHECK(std::equal(fr.data.begin(), fr.data.end(), frames[i].begin(),
                             frames[i].begin() + static_cast<std::ptrdiff_t>(stored)));
            CHECK(fr.data.size() == stored);
            // Microsecond files drop the last three digits (123456789 ns -> 123456 µs).
            const auto want = precision == PcapPrecision::nano
                                  ? t0 + std::chrono::milliseconds(i)
                                  : 1'700'000'000s + 123'456us + std::chrono::milliseconds(i);
            CHECK(fr.timestamp == want);
        }
        auto cut = r->next();
        REQUIRE(cut);
        REQUIRE(cut->has_value());
        CHECK((*cut)->caplen == 100);
        CHECK((*cut)->wirelen == 1500);
        auto end = r->next();
        REQUIRE(end);
        CHECK_FALSE(end->has_value());
        CHECK(r->frames_read() == frames.size() + 1);
    }
}

TEST_CASE("pcap writer: file sink and vector sink give the same bytes", "[io][pcap]") {
    TempDir dir;
    std::vector<Byte> mem;
    auto wv = PcapVectorWriter::create(VectorSink(mem), {PcapPrecision::nano});
    REQUIRE(wv);
    {
        auto wf = PcapWriter::open(dir.file("a.pcap"), PcapPrecision::nano);
        REQUIRE(wf);
        for (int i = 0; i < 3; ++i) {
            const auto f = make_frame(64 + 10 * static_cast<std::size_t>(i), static_cast<Byte>(i));
            REQUIRE(wf->write(f, t0 + std::chrono::microseconds(i)));
            REQUIRE(wv->write(f, t0 + std::chrono::microseconds(i)));
        }
        REQUIRE(wf->close());
    }
    CHECK(strata_test::read_bytes(dir.file("a.pcap")) == mem);

    // A borrowed FILE* is left open for its owner.
    std::FILE* tmp = std::tmpfile();
    REQUIRE(tmp != nullptr);
    {
        auto wb = PcapWriter::create(FileSink::borrow(tmp), {PcapPrecision::nano});
        REQUIRE(wb);
        for (int i = 0; i < 3; ++i) {
            const auto f = make_frame(64 + 10 * static_cast<std::size_t>(i), static_cast<Byte>(i));
            REQUIRE(wb->write(f, t0 + std::chrono::microseconds(i)));
        }
    }
    std::vector<Byte> back(mem.size() + 1);
    std::rewind(tmp);
    CHECK(std::fread(back.data(), 1, back.size(), tmp) == mem.size());
    back.resize(mem.size());
    CHECK(back == mem);
    std::fclose(tmp);
}

TEST_CASE("pcap writer: tshark reads the written file cleanly", "[io][pcap][tshark]") {
    if (!strata_test::have_tshark()) FAIL("tshark is needed (apt-get install tshark)");
    TempDir dir;
    for (const auto precision : {PcapPrecision::micro, PcapPrecision::nano}) {
        const std::string path =
            dir.file(precision == PcapPrecision::nano ? "nano.pcap" : "micro.pcap");
        struct Rec {
            std::size_t len;
            std::uint32_t orig;
            std::chrono::nanoseconds ts;
        };
        const std::vector<Rec> recs{{60, 0, t0},
                                    {14, 0, t0 + 1ms},
                                    {1514, 0, t0 + 2s + 7ns},
                                    {9014, 0, t0 + 3s},
                                    {100, 1500, t0 + 4s}};
        {
            auto w = PcapWriter::open(path, precision);
            REQUIRE(w);
            for (std::size_t i = 0; i < recs.size(); ++i)
                REQUIRE(w->write(make_frame(recs[i].len, static_cast<Byte>(i)), recs[i].ts,
                                 recs[i].orig));
            REQUIRE(w->close());
        }
        const auto r = strata_test::run_command(
            "tshark -n -r " + path +
                " -T fields -e frame.number -e frame.cap_len -e frame.len -e frame.time_epoch"
                " -e eth.dst -e eth.type",
            dir);
        CHECK(r.exit_code == 0);
        CHECK(strata_test::without_root_warning(r.err).empty());
        const auto lines = strata_test::split_lines(r.out);
        REQUIRE(lines.size() == recs.size());
        for (std::size_t i = 0; i < recs.size(); ++i) {
            INFO("frame " << i + 1 << ": " << lines[i]);
            const auto cols = strata_test::split_tabs(lines[i]);
            REQUIRE(cols.size() == 6);
            CHECK(cols[0] == std::to_string(i + 1));
            CHECK(cols[1] == std::to_string(recs[i].len));
            CHECK(cols[2] == std::to_string(recs[i].orig ? recs[i].orig : recs[i].len));
            const auto want = precision == PcapPrecision::nano
                                  ? recs[i].ts
                                  : std::chrono::nanoseconds(recs[i].ts.count() / 1000 * 1000);
            CHECK(strata_test::parse_epoch(cols[3]) == want);
            CHECK(cols[4] == "02:00:00:00:00:01");
            CHECK(cols[5] == "0x88b5");
        }
    }
}
