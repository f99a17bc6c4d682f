// PcapReader on the stored real captures (tests/data, made by capture.sh),
// checked frame by frame against tshark's dump of the same file, and on
// damaged files.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/io/pcap_reader.hpp>

#include "io_test_util.hpp"

using namespace strata;
using strata_test::TempDir;

namespace {

const std::string data_dir = STRATA_TEST_DATA_DIR;

std::string data(const std::string& name) { return data_dir + "/" + name; }

struct Read {
    std::vector<std::vector<Byte>> bytes;
    std::vector<PcapFrame> frames; // data spans point into `bytes`
};

Read read_all(PcapReader& r) {
    Read out;
    for (;;) {
        auto f = r.next();
        REQUIRE(f);
        if (!f->has_value()) break;
        const PcapFrame& fr = **f;
        out.bytes.emplace_back(fr.data.begin(), fr.data.end());
        out.frames.push_back(fr);
    }
    for (std::size_t i = 0; i < out.frames.size(); ++i)
        out.frames[i].data = out.bytes[i];
    return out;
}

} // namespace

TEST_CASE("pcap reader: stored captures agree with tshark frame by frame", "[io][pcap][data]") {
    // Frame counts are what tcpdump reported while capturing (capture.sh);
    // everything else comes from tshark's JSON next to each file.
    const auto [name, count] = GENERATE(table<const char*, std::size_t>({{"arp_icmp.pcap", 10},
                                                                         {"arp_icmp.pcapng", 10},
                                                                         {"fragments.pcap", 6},
                                                                         {"icmp_errors.pcap", 4},
                                                                         {"icmp_errors.pcapng", 4},
                                                                         {"http.pcap", 24},
                                                                         {"dns.pcap", 20},
                                                                         {"vlan.pcap", 6},
                                                                         {"qinq.pcap", 6}}));
    INFO(name);
    std::string text;
    auto r = PcapReader::open(data(name), &text);
    INFO(text);
    REQUIRE(r);
    CHECK(r->link_type() == 1);
    CHECK(r->snaplen() == 262144);
    const auto got = read_all(*r);
    const auto want = strata_test::load_tshark_json(data(std::string(name) + ".tshark.json"));
    REQUIRE(want.size() == count);
    REQUIRE(got.frames.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("frame " << i + 1);
        const PcapFrame& g = got.frames[i];
        CHECK(g.caplen == want[i].caplen);
        CHECK(g.wirelen == want[i].wirelen);
        CHECK(g.data.size() == g.caplen);
        CHECK(g.timestamp == want[i].timestamp);
        // Every stored frame is Ethernet: the addresses and type tshark shows
        // must be the bytes we hand out.
        REQUIRE(g.data.size() >= 14);
        CHECK(strata_test::mac_text(g.data.data()) == want[i].eth_dst);
        CHECK(strata_test::mac_text(g.data.data() + 6) == want[i].eth_src);
        CHECK(load_be16(g.data.data() + 12) == want[i].eth_type);
    }
    CHECK(r->frames_read() == count);
    // After the end, still the end.
    auto again = r->next();
    REQUIRE(again);
    CHECK_FALSE(again->has_value());
}

TEST_CASE("pcap reader: pcapng gives the same frames as the pcap it was made from",
          "[io][pcap][pcapng]") {
    // editcap rewrote each pcap as pcapng; arp_icmp has microsecond and
    // icmp_errors nanosecond timestamps (pcapng if_tsresol 6 and 9).
    const auto [base, count] =
        GENERATE(table<const char*, std::size_t>({{"arp_icmp", 10}, {"icmp_errors", 4}}));
    INFO(base);
    auto a = PcapReader::open(data(std::string(base) + ".pcap"));
    auto b = PcapReader::open(data(std::string(base) + ".pcapng"));
    REQUIRE(a);
    REQUIRE(b);
    const auto fa = read_all(*a);
    const auto fb = read_all(*b);
    REQUIRE(fa.frames.size() == count);
    REQUIRE(fb.frames.size() == fa.frames.size());
    CHECK(fa.bytes == fb.bytes);
    for (std::size_t i = 0; i < fa.frames.size(); ++i) {
        CHECK(fa.frames[i].timestamp == fb.frames[i].timestamp);
        CHECK(fa.frames[i].wirelen == fb.frames[i].wirelen);
    }
    // The pcapng file really is pcapng: Section Header Block type 0x0A0D0D0A.
    const auto raw = strata_test::read_bytes(data(std::string(base) + ".pcapng"));
    REQUIRE(raw.size() > 4);
    CHECK(load_be32(raw.data()) == 0x0A0D0D0A);
}

TEST_CASE("pcap reader: nanosecond file keeps sub-microsecond digits", "[io][pcap]") {
    const auto raw = strata_test::read_bytes(data("icmp_errors.pcap"));
    REQUIRE(raw.size() > 4);
    // Magic 0xA1B23C4D written by a little-endian tcpdump: 4d 3c b2 a1.
    CHECK(raw[0] == 0x4d);
    CHECK(raw[1] == 0x3c);
    auto r = PcapReader::open(data("icmp_errors.pcap"));
    REQUIRE(r);
    const auto got = read_all(*r);
    bool sub_us = false;
    for (const auto& f : got.frames)
        sub_us = sub_us || f.timestamp.count() % 1000 != 0;
    CHECK(sub_us);
}

TEST_CASE("pcap reader: missing, empty and foreign files are errors", "[io][pcap]") {
    TempDir dir;
    std::string text;
    auto missing = PcapReader::open(dir.file("does-not-exist.pcap"), &text);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().layer == "pcap");
    CHECK(missing.error().field == "file");
    CHECK(missing.error().code == Errc::not_found);
    CHECK(missing.error().value == ENOENT);
    CHECK_FALSE(text.empty());

    strata_test::write_bytes(dir.file("empty.pcap"), {});
    auto empty = PcapReader::open(dir.file("empty.pcap"));
    REQUIRE_FALSE(empty);
    CHECK(empty.error().field == "magic");
    CHECK(empty.error().code == Errc::truncated);

    // A text file: its first four bytes are no capture magic.
    strata_test::write_bytes(dir.file("text.pcap"),
                             {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n',
                              0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0});
    auto foreign = PcapReader::open(dir.file("text.pcap"), &text);
    REQUIRE_FALSE(foreign);
    CHECK(foreign.error().field == "magic");
    CHECK(foreign.error().code == Errc::bad_value);
    CHECK(foreign.error().value == 0x6c6c6568); // "hell" read little-endian
    CHECK_FALSE(text.empty());

    auto short_buf = PcapReader::open_buffer(Bytes{});
    REQUIRE_FALSE(short_buf);
    CHECK(short_buf.error().field == "magic");
}

TEST_CASE("pcap reader: a file cut short is an error, not a crash", "[io][pcap]") {
    TempDir dir;
    const auto whole = strata_test::read_bytes(data("http.pcap"));
    REQUIRE(whole.size() > 200);

    // Cut inside the file header (24 bytes): the magic is fine, the header is not.
    strata_test::write_bytes(dir.file("head.pcap"), {whole.begin(), whole.begin() + 10});
    std::string text;
    auto head = PcapReader::open(dir.file("head.pcap"), &text);
    REQUIRE_FALSE(head);
    CHECK(head.error().field == "header");
    CHECK(head.error().code == Errc::truncated);

    // First record: header at 24, caplen at 24+8 (little-endian, tcpdump on
    // x86), data from 40. Cut in the middle of its data, and inside the
    // next record's 16-byte header.
    const std::size_t cap1 = std::size_t{whole[32]} | (std::size_t{whole[33]} << 8);
    REQUIRE(cap1 == 74); // the SYN, as tshark's dump says
    const std::size_t second = 40 + cap1;
    for (const std::size_t cut : {40 + cap1 / 2, second + 7}) {
        INFO("cut at " << cut);
        const std::string path = dir.file("cut" + std::to_string(cut) + ".pcap");
        strata_test::write_bytes(path, {whole.begin(), whole.begin() + static_cast<long>(cut)});
        auto r = PcapReader::open(path);
        REQUIRE(r);
        std::size_t frames = 0;
        Result<std::optional<PcapFrame>> f = std::optional<PcapFrame>{};
        for (;;) {
            f = r->next();
            if (!f || !f->has_value()) break;
            ++frames;
        }
        REQUIRE_FALSE(f);
        CHECK(f.error().layer == "pcap");
        CHECK(f.error().field == "record");
        CHECK(f.error().code == Errc::truncated);
        CHECK(frames == (cut > second ? 1u : 0u));
        CHECK(f.error().offset == (cut > second ? second : 24u));
        CHECK_FALSE(r->last_error_text().empty());
        // The error sticks; no crash, no frame out of nowhere.
        auto again = r->next();
        REQUIRE_FALSE(again);
        CHECK(again.error() == f.error());
    }

    // pcapng cut inside its last block.
    const auto ng = strata_test::read_bytes(data("arp_icmp.pcapng"));
    strata_test::write_bytes(dir.file("cut.pcapng"), {ng.begin(), ng.end() - 20});
    auto rn = PcapReader::open(dir.file("cut.pcapng"));
    REQUIRE(rn);
    std::size_t frames = 0;
    for (;;) {
        auto f = rn->next();
        if (!f) {
            CHECK(f.error().field == "record");
            CHECK(f.error().code == Errc::truncated);
            break;
        }
        REQUIRE(f->has_value()); // must not end cleanly
        ++frames;
    }
    CHECK(frames == 9);
}

TEST_CASE("pcap reader: an impossible record length is an error", "[io][pcap]") {
    // A valid header (see pcap_writer_test for the bytes) and one record that
    // claims 0xFFFFFFF0 captured bytes.
    std::vector<Byte> file{0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0,
                           0,    0,    0,    0,    0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0};
    const std::vector<Byte> rec{1,    0,    0,    0,    0,    0,    0,    0,
                                0xf0, 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff};
    file.insert(file.end(), rec.begin(), rec.end());
    file.resize(file.size() + 64, 0xab);
    auto r = PcapReader::open_buffer(file);
    REQUIRE(r);
    auto f = r->next();
    REQUIRE_FALSE(f);
    CHECK(f.error().field == "record");
    CHECK(f.error().code == Errc::bad_value);
    CHECK(f.error().offset == 24);
    CHECK_FALSE(r->last_error_text().empty());
}

TEST_CASE("pcap reader: moving keeps the position", "[io][pcap]") {
    auto r = PcapReader::open(data("dns.pcap"));
    REQUIRE(r);
    auto first = r->next();
    REQUIRE(first);
    REQUIRE(first->has_value());
    PcapReader moved = std::move(*r);
    std::size_t rest = 0;
    for (auto f = moved.next(); f && f->has_value(); f = moved.next())
        ++rest;
    CHECK(rest == 19);
    CHECK(moved.frames_read() == 20);
}

TEST_CASE("pcap reader: a big-endian file is read with its own byte order", "[io][pcap]") {
    // Written by hand as a big-endian host would: magic a1 b2 c3 d4, version
    // 00 02 00 04, snaplen 0x0000ffff, link type 1; one record at 2 s +
    // 5 µs (00 00 00 02, 00 00 00 05), caplen 14, wirelen 60, 14 bytes.
    std::vector<Byte> file{0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0,
                           0,    0,    0x00, 0x00, 0xff, 0xff, 0,    0,    0, 1, 0, 0, 0, 2,
                           0,    0,    0,    5,    0,    0,    0,    14,   0, 0, 0, 60};
    for (Byte b = 0; b < 14; ++b)
        file.push_back(b);
    auto r = PcapReader::open_buffer(file);
    REQUIRE(r);
    CHECK(r->link_type() == 1);
    CHECK(r->snaplen() == 0xffff);
    auto f = r->next();
    REQUIRE(f);
    REQUIRE(f->has_value());
    CHECK((*f)->timestamp == std::chrono::nanoseconds(2'000'005'000));
    CHECK((*f)->caplen == 14);
    CHECK((*f)->wirelen == 60);
    REQUIRE((*f)->data.size() == 14);
    CHECK((*f)->data[13] == 13);
    auto end = r->next();
    REQUIRE(end);
    CHECK_FALSE(end->has_value());
}
