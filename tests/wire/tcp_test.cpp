// TCP view, options and repr: known answers from Linux frames (handshake,
// data, FIN, SACK), option errors, lenient option iteration, incremental
// rewrites (RFC 1624), every truncation, round trips.
#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>
#include <range/v3/range/concepts.hpp>

#include <strata/wire/tcp.hpp>

using namespace strata;

namespace {

// Captured with tests/wire/capture.sh (Linux 6.18, veth between two
// network namespaces, offloads off): curl in 10.77.0.2 fetching
// http://10.77.0.1:8080/hello.txt from python3 -m http.server (tcp.pcap), and
// a 3 MB download with 1 in 10 server segments dropped by nftables on the
// client (sack.pcap). Each array is the IPv4 header (20 bytes) then TCP.
// Expectations from
//   tshark -o tcp.check_checksum:TRUE -o tcp.relative_sequence_numbers:FALSE
//     -T fields -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw
//     -e tcp.hdr_len -e tcp.flags -e tcp.window_size_value -e tcp.checksum
//     -e tcp.urgent_pointer -e tcp.len -e tcp.options.mss_val
//     -e tcp.options.wscale.shift -e tcp.options.timestamp.tsval
//     -e tcp.options.timestamp.tsecr -e tcp.options.sack_le
//     -e tcp.options.sack_re -e tcp.checksum.status -e tcp.option_kind
// quoted above each sample (checksum.status 1 = good).

// tcp.pcap frame 1, SYN 10.77.0.2 → 10.77.0.1: 54656|8080|975659216|0|40|
// 0x0002|64240|0x4137|0|0|1460|10|1838283166|0|||1|2,4,8,1,3
constexpr std::array<Byte, 60> syn{
    0x45, 0x00, 0x00, 0x3c, 0x38, 0x50, 0x40, 0x00, 0x40, 0x06, 0xed, 0xcf, 0x0a, 0x4d, 0x00,
    0x02, 0x0a, 0x4d, 0x00, 0x01, 0xd5, 0x80, 0x1f, 0x90, 0x3a, 0x27, 0x60, 0xd0, 0x00, 0x00,
    0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x41, 0x37, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04,
    0x02, 0x08, 0x0a, 0x6d, 0x91, 0xf9, 0x9e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
// tcp.pcap frame 2, SYN-ACK 10.77.0.1 → 10.77.0.2: 8080|54656|3532581214|
// 975659217|40|0x0012|65160|0xd7c6|0|0|1460|10|3153260006|1838283166|||1|2,4,8,1,3
constexpr std::array<Byte, 60> syn_ack{
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x26, 0x20, 0x0a, 0x4d, 0x00,
    0x01, 0x0a, 0x4d, 0x00, 0x02, 0x1f, 0x90, 0xd5, 0x80, 0xd2, 0x8e, 0xe9, 0x5e, 0x3a, 0x27,
    0x60, 0xd1, 0xa0, 0x12, 0xfe, 0x88, 0xd7, 0xc6, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04,
    0x02, 0x08, 0x0a, 0xbb, 0xf2, 0xed, 0xe6, 0x6d, 0x91, 0xf9, 0x9e, 0x01, 0x03, 0x03, 0x0a,
};
// tcp.pcap frame 8, data (PSH, ACK) 10.77.0.1 → 10.77.0.2: 8080|54656|
// 3532581401|975659304|32|0x0018|64|0x9271|0|18|||3153260012|1838283172|||1|1,1,8
// tcp.payload 68656c6c6f2066726f6d207374726174610a ("hello from strata\n")
constexpr std::array<Byte, 70> data_seg{
    0x45, 0x00, 0x00, 0x46, 0x35, 0x9a, 0x40, 0x00, 0x40, 0x06, 0xf0, 0x7b, 0x0a, 0x4d,
    0x00, 0x01, 0x0a, 0x4d, 0x00, 0x02, 0x1f, 0x90, 0xd5, 0x80, 0xd2, 0x8e, 0xea, 0x19,
    0x3a, 0x27, 0x61, 0x28, 0x80, 0x18, 0x00, 0x40, 0x92, 0x71, 0x00, 0x00, 0x01, 0x01,
    0x08, 0x0a, 0xbb, 0xf2, 0xed, 0xec, 0x6d, 0x91, 0xf9, 0xa4, 0x68, 0x65, 0x6c, 0x6c,
    0x6f, 0x20, 0x66, 0x72, 0x6f, 0x6d, 0x20, 0x73, 0x74, 0x72, 0x61, 0x74, 0x61, 0x0a,
};
// tcp.pcap frame 10, FIN-ACK 10.77.0.1 → 10.77.0.2: 8080|54656|3532581419|
// 975659304|32|0x0011|64|0x03af|0|0|||3153260012|1838283172|||1|1,1,8
constexpr std::array<Byte, 52> fin_ack{
    0x45, 0x00, 0x00, 0x34, 0x35, 0x9b, 0x40, 0x00, 0x40, 0x06, 0xf0, 0x8c, 0x0a,
    0x4d, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x02, 0x1f, 0x90, 0xd5, 0x80, 0xd2, 0x8e,
    0xea, 0x2b, 0x3a, 0x27, 0x61, 0x28, 0x80, 0x11, 0x00, 0x40, 0x03, 0xaf, 0x00,
    0x00, 0x01, 0x01, 0x08, 0x0a, 0xbb, 0xf2, 0xed, 0xec, 0x6d, 0x91, 0xf9, 0xa4,
};
// sack.pcap frame 18, dup ACK with one SACK block 10.77.0.2 → 10.77.0.1:
// 54664|8080|484941347|3278552961|44|0x0010|78|0x8d98|0|0|||2525638017|
// 203457558|3278554409|3278555857|1|1,1,8,1,1,5
constexpr std::array<Byte, 64> sack1{
    0x45, 0x00, 0x00, 0x40, 0xec, 0xe2, 0x40, 0x00, 0x40, 0x06, 0x39, 0x39, 0x0a, 0x4d, 0x00, 0x02,
    0x0a, 0x4d, 0x00, 0x01, 0xd5, 0x88, 0x1f, 0x90, 0x1c, 0xe7, 0x9e, 0x23, 0xc3, 0x6a, 0xbf, 0x81,
    0xb0, 0x10, 0x00, 0x4e, 0x8d, 0x98, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x96, 0x8a, 0x2d, 0x81,
    0x0c, 0x20, 0x84, 0x16, 0x01, 0x01, 0x05, 0x0a, 0xc3, 0x6a, 0xc5, 0x29, 0xc3, 0x6a, 0xca, 0xd1,
};
// sack.pcap frame 144, ACK with three SACK blocks (the most a segment with
// timestamps can carry) 10.77.0.2 → 10.77.0.1: 54664|8080|484941347|
// 3278622841|60|0x0010|149|0x4a0b|0|0|||2525638019|203457559|
// 3278650353,3278632977,3278624289|3278651801,3278648905,3278631529|1|1,1,8,1,1,5
constexpr std::array<Byte, 80> sack3{
    0x45, 0x00, 0x00, 0x50, 0xed, 0x1a, 0x40, 0x00, 0x40, 0x06, 0x38, 0xf1, 0x0a, 0x4d, 0x00, 0x02,
    0x0a, 0x4d, 0x00, 0x01, 0xd5, 0x88, 0x1f, 0x90, 0x1c, 0xe7, 0x9e, 0x23, 0xc3, 0x6b, 0xd0, 0x79,
    0xf0, 0x10, 0x00, 0x95, 0x4a, 0x0b, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x96, 0x8a, 0x2d, 0x83,
    0x0c, 0x20, 0x84, 0x17, 0x01, 0x01, 0x05, 0x1a, 0xc3, 0x6c, 0x3b, 0xf1, 0xc3, 0x6c, 0x41, 0x99,
    0xc3, 0x6b, 0xf8, 0x11, 0xc3, 0x6c, 0x36, 0x49, 0xc3, 0x6b, 0xd6, 0x21, 0xc3, 0x6b, 0xf2, 0x69,
};

constexpr std::size_t ip_hlen = 20;
const Ipv4Address client{10, 77, 0, 2};
const Ipv4Address server{10, 77, 0, 1};

template <std::size_t N>
std::vector<Byte> tcp_part(const std::array<Byte, N>& pkt) {
    return {pkt.begin() + ip_hlen, pkt.end()};
}

// Independent RFC 1071 checksum over the IPv4 pseudo-header (RFC 9293 §3.1)
// and the segment, a plain loop with end-around carry.
std::uint16_t ref_tcp_checksum(Ipv4Address s, Ipv4Address d, const std::vector<Byte>& seg) {
    std::uint32_t acc = (s.value() >> 16) + (s.value() & 0xffff) + (d.value() >> 16) +
                        (d.value() & 0xffff) + 6 + static_cast<std::uint32_t>(seg.size());
    for (std::size_t i = 0; i < seg.size(); i += 2) {
        const std::uint32_t hi = seg[i];
        const std::uint32_t lo = i + 1 < seg.size() ? seg[i + 1] : 0;
        acc += (hi << 8) | lo;
    }
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<std::uint16_t>(~acc);
}

void check_error(const Error& e, std::string_view field, Errc code, std::size_t offset) {
    CHECK(e.layer == "tcp");
    CHECK(e.field == field);
    CHECK(e.code == code);
    CHECK(e.offset == offset);
}

std::vector<TcpOptionKind> kinds_of(const TcpOptions& opts) {
    std::vector<TcpOptionKind> k;
    for (const TcpOption o : opts)
        k.push_back(o.kind());
    return k;
}

// Emits `r` over `payload` into a fresh buffer and returns the segment.
std::vector<Byte> emit_segment(const TcpRepr& r, Ipv4Address s, Ipv4Address d,
                               std::span<const Byte> payload) {
    std::vector<Byte> buf(r.buffer_len() + payload.size(), 0xcc);
    std::copy(payload.begin(), payload.end(), buf.begin() + static_cast<long>(r.buffer_len()));
    r.emit(TcpView<Byte>::unchecked(MutBytes(buf)), s, d);
    return buf;
}

constexpr auto K_eol = TcpOptionKind::eol;
constexpr auto K_nop = TcpOptionKind::nop;
constexpr auto K_mss = TcpOptionKind::mss;
constexpr auto K_ws = TcpOptionKind::window_scale;
constexpr auto K_sackp = TcpOptionKind::sack_permitted;
constexpr auto K_sack = TcpOptionKind::sack;
constexpr auto K_ts = TcpOptionKind::timestamps;

} // namespace

TEST_CASE("TCP: Linux SYN, every field and option as tshark reads them", "[tcp]") {
    const auto seg = tcp_part(syn);
    const auto r = TcpView<>::checked(Bytes(seg));
    REQUIRE(r);
    const TcpView<> v = *r;
    CHECK(v.src_port() == Port{54656});
    CHECK(v.dst_port() == Port{8080});
    CHECK(v.seq_number() == SeqNum{975659216u});
    CHECK(v.ack_number() == SeqNum{0});
    CHECK(v.data_offset() == 10);
    CHECK(v.header_len() == 40);
    CHECK(v.flags() == tcp_flags::syn);
    CHECK(v.flags().bits() == 0x0002);
    CHECK(v.syn());
    CHECK_FALSE(v.ack());
    CHECK_FALSE(v.fin());
    CHECK_FALSE(v.rst());
    CHECK_FALSE(v.psh());
    CHECK_FALSE(v.urg());
    CHECK_FALSE(v.ece());
    CHECK_FALSE(v.cwr());
    CHECK_FALSE(v.ns());
    CHECK(v.window() == 64240);
    CHECK(v.checksum() == 0x4137);
    CHECK(v.urgent_pointer() == 0);
    CHECK(v.payload().empty());
    CHECK(v.option_bytes().size() == 20);
    CHECK(v.verify_checksum(client, server));
    CHECK_FALSE(v.verify_checksum(client, Ipv4Address{10, 77, 0, 9}));

    CHECK(kinds_of(v.options()) == std::vector{K_mss, K_sackp, K_ts, K_nop, K_ws});
    CHECK_FALSE(v.options().error());
    for (const TcpOption o : v.options()) {
        switch (o.kind()) {
        case TcpOptionKind::mss:
            CHECK(o.mss() == 1460);
            break;
        case TcpOptionKind::window_scale:
            CHECK(o.window_scale() == 10);
            break;
        case TcpOptionKind::timestamps:
            CHECK(o.timestamps() == TcpTimestamps{1838283166u, 0});
            break;
        case TcpOptionKind::sack_permitted:
            CHECK(o.size() == 2);
            break;
        case TcpOptionKind::nop:
            CHECK(o.size() == 1);
            break;
        default:
            FAIL("unexpected option");
        }
    }

    const auto repr = TcpRepr::parse(v);
    REQUIRE(repr);
    TcpRepr want;
    want.src_port = Port{54656};
    want.dst_port = Port{8080};
    want.seq_number = SeqNum{975659216u};
    want.ack_number = SeqNum{0};
    want.flags = tcp_flags::syn;
    want.window = 64240;
    want.mss = 1460;
    want.window_scale = 10;
    want.sack_permitted = true;
    want.timestamps = TcpTimestamps{1838283166u, 0};
    CHECK(*repr == want);
    // Emitting the repr writes Linux's bytes, option order and checksum included.
    CHECK(want.buffer_len() == 40);
    CHECK(emit_segment(want, client, server, {}) == seg);
}

TEST_CASE("TCP: Linux SYN-ACK parses and re-emits byte for byte", "[tcp]") {
    const auto seg = tcp_part(syn_ack);
    const auto v = TcpView<>::checked(Bytes(seg)).value();
    CHECK(v.src_port() == Port{8080});
    CHECK(v.dst_port() == Port{54656});
    CHECK(v.seq_number() == SeqNum{3532581214u});
    CHECK(v.ack_number() == SeqNum{975659217u});
    CHECK(v.header_len() == 40);
    CHECK(v.flags().bits() == 0x0012);
    CHECK(v.flags() == (tcp_flags::syn | tcp_flags::ack));
    CHECK(v.window() == 65160);
    CHECK(v.checksum() == 0xd7c6);
    CHECK(v.verify_checksum(server, client));
    const auto repr = TcpRepr::parse(v).value();
    CHECK(repr.mss == std::optional<std::uint16_t>{1460});
    CHECK(repr.window_scale == std::optional<std::uint8_t>{10});
    CHECK(repr.sack_permitted);
    CHECK(repr.timestamps == std::optional{TcpTimestamps{3153260006u, 1838283166u}});
    CHECK(repr.sack_count == 0);
    CHECK(emit_segment(repr, server, client, {}) == seg);
}

TEST_CASE("TCP: Linux data segment with timestamps and payload", "[tcp]") {
    const auto seg = tcp_part(data_seg);
    const auto v = TcpView<>::checked(Bytes(seg)).value();
    CHECK(v.seq_number() == SeqNum{3532581401u});
    CHECK(v.ack_number() == SeqNum{975659304u});
    CHECK(v.header_len() == 32);
    CHECK(v.flags() == (tcp_flags::psh | tcp_flags::ack));
    CHECK(v.psh());
    CHECK(v.ack());
    CHECK(v.window() == 64);
    CHECK(v.checksum() == 0x9271);
    CHECK(v.verify_checksum(server, client));
    const std::string_view text{reinterpret_cast<const char*>(v.payload().data()),
                                v.payload().size()};
    CHECK(text == "hello from strata\n");
    CHECK(kinds_of(v.options()) == std::vector{K_nop, K_nop, K_ts});
    const auto repr = TcpRepr::parse(v).value();
    CHECK(repr.timestamps == std::optional{TcpTimestamps{3153260012u, 1838283172u}});
    CHECK_FALSE(repr.mss);
    CHECK_FALSE(repr.window_scale);
    CHECK_FALSE(repr.sack_permitted);
    CHECK(repr.buffer_len() == 32);
    CHECK(emit_segment(repr, server, client, v.payload()) == seg);
    // A flipped payload bit breaks the checksum.
    auto bad = seg;
    bad.back() ^= 0x40;
    CHECK_FALSE(TcpView<>::checked(Bytes(bad))->verify_checksum(server, client));
}

TEST_CASE("TCP: Linux FIN", "[tcp]") {
    const auto seg = tcp_part(fin_ack);
    const auto v = TcpView<>::checked(Bytes(seg)).value();
    CHECK(v.flags().bits() == 0x0011);
    CHECK(v.fin());
    CHECK(v.ack());
    CHECK_FALSE(v.syn());
    CHECK(v.seq_number() == SeqNum{3532581419u});
    CHECK(v.checksum() == 0x03af);
    CHECK(v.verify_checksum(server, client));
    CHECK(emit_segment(TcpRepr::parse(v).value(), server, client, {}) == seg);
}

TEST_CASE("TCP: Linux SACK blocks (one, and three with timestamps)", "[tcp]") {
    SECTION("one block") {
        const auto seg = tcp_part(sack1);
        const auto v = TcpView<>::checked(Bytes(seg)).value();
        CHECK(v.header_len() == 44);
        CHECK(v.window() == 78);
        CHECK(v.checksum() == 0x8d98);
        CHECK(v.verify_checksum(client, server));
        CHECK(kinds_of(v.options()) == std::vector{K_nop, K_nop, K_ts, K_nop, K_nop, K_sack});
        const auto repr = TcpRepr::parse(v).value();
        REQUIRE(repr.sack_count == 1);
        CHECK(repr.sack_blocks[0] == TcpSackBlock{SeqNum{3278554409u}, SeqNum{3278555857u}});
        CHECK(repr.timestamps == std::optional{TcpTimestamps{2525638017u, 203457558u}});
        CHECK(emit_segment(repr, client, server, {}) == seg);
    }
    SECTION("three blocks") {
        const auto seg = tcp_part(sack3);
        const auto v = TcpView<>::checked(Bytes(seg)).value();
        CHECK(v.header_len() == 60);
        CHECK(v.ack_number() == SeqNum{3278622841u});
        CHECK(v.checksum() == 0x4a0b);
        CHECK(v.verify_checksum(client, server));
        int sacks = 0;
        for (const TcpOption o : v.options()) {
            if (o.kind() != TcpOptionKind::sack) continue;
            ++sacks;
            REQUIRE(o.sack_count() == 3);
            CHECK(o.sack_block(0) == TcpSackBlock{SeqNum{3278650353u}, SeqNum{3278651801u}});
            CHECK(o.sack_block(1) == TcpSackBlock{SeqNum{3278632977u}, SeqNum{3278648905u}});
            CHECK(o.sack_block(2) == TcpSackBlock{SeqNum{3278624289u}, SeqNum{3278631529u}});
        }
        CHECK(sacks == 1);
        const auto repr = TcpRepr::parse(v).value();
        CHECK(repr.sacks().size() == 3);
        CHECK(repr.emitted_sack_count() == 3);
        CHECK(emit_segment(repr, client, server, {}) == seg);
    }
}

TEST_CASE("TCP: every truncation of every sample", "[tcp]") {
    const std::vector<std::vector<Byte>> samples{tcp_part(syn),      tcp_part(syn_ack),
                                                 tcp_part(data_seg), tcp_part(fin_ack),
                                                 tcp_part(sack1),    tcp_part(sack3)};
    for (const auto& sample : samples) {
        const std::size_t hlen = static_cast<std::size_t>(sample[12] >> 4) * 4;
        for (std::size_t n = 0; n < sample.size(); ++n) {
            // Exactly n bytes on the heap, so ASan catches any overread.
            std::vector<Byte> cut(sample.begin(), sample.begin() + static_cast<long>(n));
            const auto r = TcpView<>::checked(Bytes(cut.data(), cut.size()));
            if (n < 20) {
                REQUIRE_FALSE(r);
                check_error(r.error(), "header", Errc::truncated, 0);
                CHECK(r.error().value == n);
                CHECK(r.error().expected == 20);
            } else if (n < hlen) {
                REQUIRE_FALSE(r);
                check_error(r.error(), "data_offset", Errc::truncated, 12);
                CHECK(r.error().value == hlen);
                CHECK(r.error().expected == n);
            } else {
                // The header is whole; only the IP length says the data is
                // short, and then the checksum (over the IP length) fails.
                REQUIRE(r);
                CHECK(r->payload().size() == n - hlen);
                CHECK_FALSE(r->verify_checksum(client, server));
                CHECK_FALSE(r->verify_checksum(server, client));
            }
        }
    }
}

TEST_CASE("TCP: checked() names each malformed header distinctly", "[tcp]") {
    // A 40-byte header (data offset 10) whose 20 option bytes the sections fill.
    auto base = tcp_part(syn);
    const auto with_options = [&](std::initializer_list<Byte> opts) {
        auto b = base;
        std::fill(b.begin() + 20, b.end(), Byte{0});
        std::copy(opts.begin(), opts.end(), b.begin() + 20);
        return b;
    };
    const auto expect = [](const std::vector<Byte>& b, std::string_view field, Errc code,
                           std::size_t offset, std::uint64_t value, std::uint64_t expected) {
        const auto r = TcpView<>::checked(Bytes(b));
        REQUIRE_FALSE(r);
        check_error(r.error(), field, code, offset);
        CHECK(r.error().value == value);
        CHECK(r.error().expected == expected);
        // The lenient range on an unchecked view reports the same problem.
        if (field == "options") {
            const auto e = TcpView<>::unchecked(Bytes(b)).options().error();
            REQUIRE(e);
            CHECK(*e == r.error());
            const auto p = TcpRepr::parse(TcpView<>::unchecked(Bytes(b)));
            REQUIRE_FALSE(p);
            CHECK(p.error() == r.error());
        }
    };
    SECTION("data offset below 5") {
        for (Byte doff : {0, 1, 4}) {
            auto b = base;
            b[12] = static_cast<Byte>(doff << 4);
            expect(b, "data_offset", Errc::bad_value, 12, doff, 5);
            const auto p = TcpRepr::parse(TcpView<>::unchecked(Bytes(b)));
            REQUIRE_FALSE(p);
            check_error(p.error(), "data_offset", Errc::bad_value, 12);
        }
    }
    SECTION("data offset past the buffer") {
        auto b = base;
        b[12] = 0xf0; // 60 bytes claimed, 40 present
        expect(b, "data_offset", Errc::truncated, 12, 60, 40);
    }
    SECTION("option length 0 and 1") {
        // MSS ok (20..23), NOP (24), then kind 8 with length 0 at 25.
        expect(with_options({2, 4, 5, 0xb4, 1, 8, 0}), "options", Errc::bad_length, 25, 0, 2);
        expect(with_options({1, 1, 254, 1}), "options", Errc::bad_length, 22, 1, 2);
    }
    SECTION("option running past the header") {
        // Unknown kind 254 claiming 30 bytes at offset 24: 16 are left.
        expect(with_options({1, 1, 1, 1, 254, 30}), "options", Errc::truncated, 24, 30, 16);
        // Kind byte in the last position, no room for its length byte.
        auto b = with_options({});
        std::fill(b.begin() + 20, b.end(), Byte{1});
        b[39] = 2;
        expect(b, "options", Errc::truncated, 39, 2, 1);
    }
    SECTION("known option with the wrong length") {
        expect(with_options({2, 5, 5, 0xb4, 0}), "options", Errc::bad_value, 20, 5, 4);
        expect(with_options({1, 3, 4, 7, 0}), "options", Errc::bad_value, 21, 4, 3);
        expect(with_options({4, 3, 0}), "options", Errc::bad_value, 20, 3, 2);
        expect(with_options({1, 1, 8, 8, 0, 0, 0, 0, 0, 0}), "options", Errc::bad_value, 22, 8, 10);
        // A 32-byte header that is almost NOP NOP TS takes the slow path.
        auto d = tcp_part(fin_ack);
        d[23] = 9;
        expect(d, "options", Errc::bad_value, 22, 9, 10);
        // SACK: 2 + 8n only (12 is not).
        expect(with_options({1, 1, 5, 12}), "options", Errc::bad_value, 22, 12, 10);
        expect(with_options({1, 1, 5, 2}), "options", Errc::bad_value, 22, 2, 10);
    }
    SECTION("an unknown kind is a value, not an error (RFC 9293 §3.1)") {
        auto b = with_options({254, 6, 0xf9, 0x89, 0xaa, 0xbb, 1, 0});
        const auto r = TcpView<>::checked(Bytes(b));
        REQUIRE(r);
        CHECK(kinds_of(r->options()) == std::vector{TcpOptionKind{254}, K_nop, K_eol});
        const TcpOption first = *r->options().begin();
        CHECK(first.size() == 6);
        REQUIRE(first.data().size() == 4);
        CHECK(first.data()[0] == 0xf9);
        CHECK(first.data()[3] == 0xbb);
        CHECK(to_string(first.kind()) == "unknown");
        // parse() skips it and still succeeds.
        CHECK(TcpRepr::parse(*r));
    }
    SECTION("after EOL the area is padding and is not read") {
        // NOP, EOL, then bytes that would be a bad option.
        auto b = with_options({1, 0, 2, 0, 0xff});
        const auto r = TcpView<>::checked(Bytes(b));
        REQUIRE(r);
        CHECK(kinds_of(r->options()) == std::vector{K_nop, K_eol});
        const auto repr = TcpRepr::parse(*r).value();
        CHECK_FALSE(repr.mss);
    }
}

TEST_CASE("TCP: lenient options on an unchecked view stop before the bad one", "[tcp]") {
    // What a dissector does: print the good options, then say what is wrong.
    auto b = tcp_part(syn);
    // MSS at 20, SACK-perm at 24, timestamps at 26: give the timestamps
    // option length 9 instead of 10.
    REQUIRE(b[26] == 8);
    b[27] = 9;
    REQUIRE_FALSE(TcpView<>::checked(Bytes(b)));
    const auto v = TcpView<>::unchecked(Bytes(b));
    const auto opts = v.options();
    CHECK(kinds_of(opts) == std::vector{K_mss, K_sackp});
    const auto e = opts.error();
    REQUIRE(e);
    check_error(*e, "options", Errc::bad_value, 26);
    CHECK(e->value == 9);
    CHECK(e->expected == 10);
    // An empty option area is an empty range with no error.
    std::array<Byte, 20> plain{};
    plain[12] = 0x50;
    const auto pv = TcpView<>::checked(Bytes(plain)).value();
    CHECK(kinds_of(pv.options()).empty());
    CHECK_FALSE(pv.options().error());
}

TEST_CASE("TCP: SACK blocks that do not fit are dropped as Linux does", "[tcp]") {
    TcpRepr r;
    for (std::uint32_t i = 0; i < 4; ++i)
        REQUIRE(r.add_sack_block({SeqNum{1000 * i}, SeqNum{1000 * i + 500}}));
    CHECK_FALSE(r.add_sack_block({SeqNum{1}, SeqNum{2}}));
    // No other options: 4 + 4 * 8 = 36 bytes fit in 40.
    CHECK(r.emitted_sack_count() == 4);
    CHECK(r.buffer_len() == 20 + 36);
    // Timestamps take 12 (NOP NOP TS): (40 - 12 - 4) / 8 = 3 blocks.
    r.timestamps = TcpTimestamps{1, 2};
    CHECK(r.emitted_sack_count() == 3);
    CHECK(r.buffer_len() == 20 + 12 + 4 + 24);
    // MSS 4 + TS 12 + WS 4 = 20: (40 - 20 - 4) / 8 = 2 blocks, header 60.
    r.mss = 1460;
    r.window_scale = 7;
    CHECK(r.emitted_sack_count() == 2);
    CHECK(r.buffer_len() == 60);
    // The first (most recent, RFC 2018 §4) blocks are the ones kept.
    const auto seg = emit_segment(r, client, server, {});
    const auto back = TcpRepr::parse(TcpView<>::checked(Bytes(seg)).value()).value();
    REQUIRE(back.sack_count == 2);
    CHECK(back.sack_blocks[0] == r.sack_blocks[0]);
    CHECK(back.sack_blocks[1] == r.sack_blocks[1]);
    // A Linux-style SYN without timestamps: MSS, NOP NOP SACK-perm, NOP WS.
    TcpRepr s;
    s.flags = tcp_flags::syn;
    s.mss = 1460;
    s.sack_permitted = true;
    s.window_scale = 7;
    const auto syn_seg = emit_segment(s, client, server, {});
    const std::vector<Byte> opts(syn_seg.begin() + 20, syn_seg.end());
    CHECK(opts == std::vector<Byte>{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7});
}

TEST_CASE("TCP: TcpFlags and the flag setters keep the neighbouring bits", "[tcp]") {
    constexpr TcpFlags sa = tcp_flags::syn | tcp_flags::ack;
    static_assert(sa.syn() && sa.ack() && !sa.fin());
    static_assert(sa.bits() == 0x12);
    static_assert(sa.has(tcp_flags::syn) && !sa.has(tcp_flags::syn | tcp_flags::fin));
    static_assert(sa.any(tcp_flags::syn | tcp_flags::fin));
    static_assert((sa & ~tcp_flags::syn) == tcp_flags::ack);
    static_assert(sa.with(tcp_flags::ack, false) == tcp_flags::syn);
    static_assert(TcpFlags{0xffff}.bits() == 0x1ff);
    static_assert(tcp_flags::none.empty());
    // tshark's summaries of the captured frames: "[SYN, ACK]", "[FIN, ACK]".
    CHECK(to_string(sa) == "SYN, ACK");
    CHECK(to_string(tcp_flags::fin | tcp_flags::ack) == "FIN, ACK");
    CHECK(to_string(tcp_flags::none).empty());
    CHECK(to_string(TcpFlags{0x1ff}) == "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS");

    auto seg = tcp_part(data_seg); // data offset 8, flags 0x018
    const auto v = TcpView<Byte>::checked(MutBytes(seg)).value();
    v.set_ns(true);
    CHECK(v.ns());
    CHECK(seg[12] == 0x81); // data offset 8 kept, NS is the low bit
    CHECK(v.flags().bits() == 0x118);
    v.set_cwr(true);
    v.set_ece(true);
    v.set_urg(true);
    v.set_fin(true);
    v.set_rst(true);
    v.set_syn(true);
    v.set_psh(false);
    v.set_ack(false);
    CHECK(v.flags().bits() == 0x1e7);
    CHECK(v.data_offset() == 8);
    v.set_data_offset(6);
    CHECK(seg[12] == 0x61); // NS kept
    v.set_header_len(32);
    CHECK(v.header_len() == 32);
    v.set_flags(tcp_flags::none);
    CHECK(seg[12] == 0x80);
    CHECK(seg[13] == 0x00);
    v.set_window(0x1234);
    v.set_urgent_pointer(0xabcd);
    v.set_seq_number(SeqNum{0x01020304u});
    v.set_ack_number(SeqNum{0xa0b0c0d0u});
    CHECK(v.window() == 0x1234);
    CHECK(v.urgent_pointer() == 0xabcd);
    CHECK(seg[4] == 0x01);
    CHECK(seg[11] == 0xd0);
    CHECK(v.seq_number() == SeqNum{0x01020304u});
    CHECK(v.ack_number() == SeqNum{0xa0b0c0d0u});
}

TEST_CASE("TCP: incremental rewrites equal a full recompute", "[tcp]") {
    std::mt19937 rng(9293);
    std::uniform_int_distribution<std::uint32_t> u32;
    for (int iter = 0; iter < 3000; ++iter) {
        std::vector<Byte> seg = iter % 2 ? tcp_part(data_seg) : tcp_part(sack3);
        for (std::size_t i = 60; i < seg.size(); ++i)
            seg[i] = static_cast<Byte>(u32(rng));
        Ipv4Address s{u32(rng)};
        Ipv4Address d{u32(rng)};
        const auto v = TcpView<Byte>::checked(MutBytes(seg)).value();
        v.fill_checksum(s, d);
        for (int k = 0; k < 3; ++k) {
            switch (u32(rng) % 4) {
            case 0:
                v.rewrite_src_port(Port{static_cast<std::uint16_t>(u32(rng))});
                break;
            case 1:
                v.rewrite_dst_port(Port{static_cast<std::uint16_t>(u32(rng))});
                break;
            case 2: {
                const Ipv4Address n{u32(rng)};
                v.rewrite_pseudo_header_address(s, n);
                s = n;
                break;
            }
            default: {
                const Ipv4Address n{u32(rng)};
                v.rewrite_pseudo_header_address(d, n);
                d = n;
                break;
            }
            }
        }
        const std::uint16_t incremental = v.checksum();
        CHECK(v.verify_checksum(s, d));
        seg[16] = seg[17] = 0;
        REQUIRE(incremental == ref_tcp_checksum(s, d, seg));
    }
}

TEST_CASE("TCP: random reprs round trip through emit and parse", "[tcp]") {
    std::mt19937 rng(7323);
    std::uniform_int_distribution<std::uint32_t> u32;
    for (int iter = 0; iter < 2000; ++iter) {
        TcpRepr r;
        r.src_port = Port{static_cast<std::uint16_t>(u32(rng))};
        r.dst_port = Port{static_cast<std::uint16_t>(u32(rng))};
        r.seq_number = SeqNum{u32(rng)};
        r.ack_number = SeqNum{u32(rng)};
        r.flags = TcpFlags{static_cast<std::uint16_t>(u32(rng))};
        r.window = static_cast<std::uint16_t>(u32(rng));
        r.urgent_pointer = static_cast<std::uint16_t>(u32(rng));
        if (u32(rng) % 2) r.mss = static_cast<std::uint16_t>(u32(rng));
        if (u32(rng) % 2) r.window_scale = static_cast<std::uint8_t>(u32(rng) % 15);
        r.sack_permitted = u32(rng) % 2;
        if (u32(rng) % 2) r.timestamps = TcpTimestamps{u32(rng), u32(rng)};
        const std::size_t nsack = u32(rng) % 5;
        for (std::size_t i = 0; i < nsack; ++i)
            r.add_sack_block({SeqNum{u32(rng)}, SeqNum{u32(rng)}});
        std::vector<Byte> payload(u32(rng) % 100);
        for (auto& b : payload)
            b = static_cast<Byte>(u32(rng));
        const Ipv4Address s{u32(rng)};
        const Ipv4Address d{u32(rng)};

        REQUIRE(r.buffer_len() % 4 == 0);
        REQUIRE(r.buffer_len() <= 60);
        const auto seg = emit_segment(r, s, d, payload);
        const auto v = TcpView<>::checked(Bytes(seg));
        REQUIRE(v);
        REQUIRE(v->header_len() == r.buffer_len());
        CHECK(v->verify_checksum(s, d));
        auto zeroed = seg;
        zeroed[16] = zeroed[17] = 0;
        REQUIRE(v->checksum() == ref_tcp_checksum(s, d, zeroed));
        REQUIRE(
            std::equal(payload.begin(), payload.end(), v->payload().begin(), v->payload().end()));
        auto want = r;
        want.sack_count = static_cast<std::uint8_t>(r.emitted_sack_count());
        const auto back = TcpRepr::parse(*v);
        REQUIRE(back);
        REQUIRE(*back == want);
    }
}

TEST_CASE("TCP: emit_header writes checksum 0, unused SACK entries do not compare", "[tcp]") {
    TcpRepr r;
    r.flags = tcp_flags::rst;
    r.window = 0; // the default is 64240
    std::array<Byte, 20> buf;
    buf.fill(0xff);
    r.emit_header(TcpView<Byte>::unchecked(MutBytes(buf)));
    const std::array<Byte, 20> want{0, 0, 0,    0,    0, 0, 0, 0, 0, 0,
                                    0, 0, 0x50, 0x04, 0, 0, 0, 0, 0, 0};
    CHECK(buf == want);
    TcpRepr a;
    TcpRepr b;
    b.sack_blocks[3] = {SeqNum{5}, SeqNum{6}}; // not in use: sack_count is 0
    CHECK(a == b);
    b.sack_count = 4;
    CHECK_FALSE(a == b);
}

// Options are a lazy forward range (multi-pass: a dissector may walk twice).
static_assert(ranges::forward_range<TcpOptions>);
static_assert(ranges::view_<TcpOptions>);

namespace {
// The view, option validation and the repr work in constant expressions
// (iterating the range itself does not: range-v3 0.12's basic_iterator
// constructor is not constexpr).
constexpr bool constexpr_tcp() {
    constexpr std::array<Byte, 24> seg{0x00, 0x50, 0x04, 0x00, 0, 0, 0, 1, 0, 0, 0,    0,
                                       0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, 2, 4, 0x05, 0xdc};
    const auto v = TcpView<>::checked(Bytes(seg));
    if (!v) return false;
    const auto r = TcpRepr::parse(*v);
    return !v->options().error() && r && r->mss == std::optional<std::uint16_t>{1500} &&
           r->flags.syn() && v->seq_number() == SeqNum{1} &&
           !TcpView<>::checked(Bytes(seg).first(23));
}
static_assert(constexpr_tcp());
} // namespace
