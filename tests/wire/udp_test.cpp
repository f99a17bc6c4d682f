// UDP view and repr: known answers from Linux frames, checksum rules of
// RFC 768, incremental rewrites (RFC 1624), every truncation, round trips.
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/udp.hpp>

using namespace strata;

namespace {

// Captured with tests/wire/capture.sh (Linux 6.18, veth between two
// network namespaces, checksum offload off; tcpdump -w udp.pcap). IPv4 header
// (20 bytes, IHL 5) then UDP. glibc's resolver (getent ahostsv4
// www.strata.test) asking a small Python DNS server. tshark -o
// udp.check_checksum:TRUE -T fields -e udp.srcport -e udp.dstport -e
// udp.length -e udp.checksum -e udp.checksum.status -e dns.id:
//   frame 1: 47623 | 53 | 41 | 0x981e | 1 (good) | 0xf57c    10.77.0.2 → 10.77.0.1
//   frame 2: 53 | 47623 | 57 | 0x2bb2 | 1 (good) | 0xf57c    10.77.0.1 → 10.77.0.2
constexpr std::array<Byte, 61> dns_query{
    0x45, 0x00, 0x00, 0x3d, 0xfe, 0x8a, 0x40, 0x00, 0x40, 0x11, 0x27, 0x89, 0x0a, 0x4d, 0x00, 0x02,
    0x0a, 0x4d, 0x00, 0x01, 0xba, 0x07, 0x00, 0x35, 0x00, 0x29, 0x98, 0x1e, 0xf5, 0x7c, 0x01, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77, 0x06, 0x73, 0x74, 0x72,
    0x61, 0x74, 0x61, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01,
};
constexpr std::array<Byte, 77> dns_response{
    0x45, 0x00, 0x00, 0x4d, 0x67, 0x6d, 0x40, 0x00, 0x40, 0x11, 0xbe, 0x96, 0x0a, 0x4d, 0x00, 0x01,
    0x0a, 0x4d, 0x00, 0x02, 0x00, 0x35, 0xba, 0x07, 0x00, 0x39, 0x2b, 0xb2, 0xf5, 0x7c, 0x81, 0x80,
    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77, 0x06, 0x73, 0x74, 0x72,
    0x61, 0x74, 0x61, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x0a, 0x4d, 0x00, 0x50,
};
constexpr std::size_t ip_hlen = 20;
const Ipv4Address client{10, 77, 0, 2};
const Ipv4Address server{10, 77, 0, 1};

template <std::size_t N>
std::vector<Byte> udp_part(const std::array<Byte, N>& pkt) {
    return {pkt.begin() + ip_hlen, pkt.end()};
}

// Independent RFC 1071 checksum for the expectations: a plain loop over
// big-endian 16-bit words with end-around carry, pseudo-header first (RFC 768).
std::uint16_t ref_udp_checksum(Ipv4Address s, Ipv4Address d, const std::vector<Byte>& seg) {
    std::uint32_t acc = (s.value() >> 16) + (s.value() & 0xffff) + (d.value() >> 16) +
                        (d.value() & 0xffff) + 17 + static_cast<std::uint32_t>(seg.size());
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
    CHECK(e.layer == "udp");
    CHECK(e.field == field);
    CHECK(e.code == code);
    CHECK(e.offset == offset);
}

} // namespace

TEST_CASE("UDP: Linux DNS query, fields and checksum as tshark reads them", "[udp]") {
    const auto seg = udp_part(dns_query);
    const auto r = UdpView<>::checked(Bytes(seg));
    REQUIRE(r);
    const UdpView<> v = *r;
    CHECK(v.src_port() == Port{47623});
    CHECK(v.dst_port() == ports::dns);
    CHECK(v.length() == 41);
    CHECK(v.checksum() == 0x981e);
    CHECK(v.has_checksum());
    CHECK(v.header_len() == 8);
    CHECK(v.header().size() == 8);
    REQUIRE(v.payload().size() == 33);
    CHECK(v.payload()[0] == 0xf5); // dns.id 0xf57c
    CHECK(v.payload()[1] == 0x7c);
    CHECK(v.bytes().size() == 41);
    CHECK(v.verify_checksum(client, server));
    // The pseudo-header is covered: another address breaks it.
    CHECK_FALSE(v.verify_checksum(Ipv4Address{10, 77, 0, 3}, server));
    // So is the data.
    auto bad = seg;
    bad.back() ^= 0x01;
    CHECK_FALSE(UdpView<>::checked(Bytes(bad))->verify_checksum(client, server));

    const auto repr = UdpRepr::parse(v);
    REQUIRE(repr);
    CHECK(*repr == UdpRepr{Port{47623}, Port{53}, 33});
}

TEST_CASE("UDP: Linux DNS response, and fill_checksum reproduces Linux's value", "[udp]") {
    auto seg = udp_part(dns_response);
    const auto r = UdpView<Byte>::checked(MutBytes(seg));
    REQUIRE(r);
    CHECK(r->src_port() == Port{53});
    CHECK(r->dst_port() == Port{47623});
    CHECK(r->length() == 57);
    CHECK(r->checksum() == 0x2bb2);
    CHECK(r->verify_checksum(server, client));
    CHECK(r->payload().size() == 49);
    r->set_checksum(0);
    r->fill_checksum(server, client);
    CHECK(r->checksum() == 0x2bb2);
    // The read-only view of the same bytes.
    const UdpView<> ro = *r;
    CHECK(ro.checksum() == 0x2bb2);
    CHECK(ro.bytes().data() == seg.data());
}

TEST_CASE("UDP: checked() reports each problem with its field, code and offset", "[udp]") {
    const auto seg = udp_part(dns_query); // length 41
    SECTION("every truncation of both samples is an error") {
        for (const auto& sample : {udp_part(dns_query), udp_part(dns_response)}) {
            for (std::size_t n = 0; n < sample.size(); ++n) {
                // A fresh allocation of exactly n bytes, so ASan sees any overread.
                std::vector<Byte> cut(sample.begin(), sample.begin() + static_cast<long>(n));
                const auto r = UdpView<>::checked(Bytes(cut.data(), cut.size()));
                REQUIRE_FALSE(r);
                if (n < 8) {
                    check_error(r.error(), "header", Errc::truncated, 0);
                    CHECK(r.error().value == n);
                    CHECK(r.error().expected == 8);
                } else {
                    check_error(r.error(), "length", Errc::truncated, 4);
                    CHECK(r.error().value == sample.size());
                    CHECK(r.error().expected == n);
                }
            }
        }
    }
    SECTION("length field below 8") {
        for (std::uint16_t len : {0, 1, 7}) {
            auto b = seg;
            b[4] = 0;
            b[5] = static_cast<Byte>(len);
            const auto r = UdpView<>::checked(Bytes(b));
            REQUIRE_FALSE(r);
            check_error(r.error(), "length", Errc::bad_length, 4);
            CHECK(r.error().value == len);
            CHECK(r.error().expected == 8);
            // The repr refuses the same field of an unchecked view.
            const auto p = UdpRepr::parse(UdpView<>::unchecked(Bytes(b)));
            REQUIRE_FALSE(p);
            check_error(p.error(), "length", Errc::bad_length, 4);
        }
    }
    SECTION("length exactly 8: empty payload") {
        const std::array<Byte, 8> b{0x00, 0x07, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00};
        const auto r = UdpView<>::checked(Bytes(b));
        REQUIRE(r);
        CHECK(r->payload().empty());
        CHECK(r->src_port() == Port{7});
        CHECK(r->dst_port() == Port{9});
    }
    SECTION("a buffer longer than the length field is trimmed (Ethernet padding)") {
        auto padded = seg;
        padded.insert(padded.end(), {0x00, 0x00, 0x00, 0x00, 0x00});
        const auto r = UdpView<>::checked(Bytes(padded));
        REQUIRE(r);
        CHECK(r->bytes().size() == 41);
        CHECK(r->payload().size() == 33);
        CHECK(r->verify_checksum(client, server));
    }
}

TEST_CASE("UDP: checksum 0 means none; a computed 0 is sent as 0xffff", "[udp]") {
    SECTION("zero checksum verifies and stays zero across rewrites") {
        auto seg = udp_part(dns_query);
        seg[6] = seg[7] = 0;
        auto v = UdpView<Byte>::checked(MutBytes(seg)).value();
        CHECK_FALSE(v.has_checksum());
        CHECK(v.verify_checksum(client, server));
        v.rewrite_src_port(Port{1234});
        v.rewrite_dst_port(Port{5353});
        v.rewrite_pseudo_header_address(client, Ipv4Address{192, 0, 2, 1});
        CHECK(v.checksum() == 0);
        CHECK(v.src_port() == Port{1234});
        CHECK(v.dst_port() == Port{5353});
    }
    SECTION("fill_checksum turns a computed 0 into 0xffff") {
        // Choose the last payload word so that the one's complement sum of
        // pseudo-header + datagram is 0xffff, whose complement is 0:
        //   acc = sum with the last word 0 (folded), w = 0xffff - acc.
        // Then acc + w = 0xffff with no carry, and ~0xffff = 0.
        std::vector<Byte> seg{0x30, 0x39, 0x00, 0x35, 0x00, 0x0c,
                              0x00, 0x00, 0x12, 0x34, 0x00, 0x00};
        const Ipv4Address s{192, 0, 2, 1};
        const Ipv4Address d{198, 51, 100, 7};
        std::uint32_t acc = 0xc000 + 0x0201 + 0xc633 + 0x6407 + 17 + 12; // pseudo-header
        acc += 0x3039 + 0x0035 + 0x000c + 0x0000 + 0x1234;               // header + data
        while (acc >> 16)
            acc = (acc & 0xffff) + (acc >> 16);
        const std::uint16_t w = static_cast<std::uint16_t>(0xffff - acc);
        seg[10] = static_cast<Byte>(w >> 8);
        seg[11] = static_cast<Byte>(w);
        const auto v = UdpView<Byte>::checked(MutBytes(seg)).value();
        v.fill_checksum(s, d);
        CHECK(v.checksum() == 0xffff);
        CHECK(v.verify_checksum(s, d)); // 0xffff is -0: the sum still verifies
        // Incremental updates that land on 0 must also write 0xffff: change a
        // port and back, the checksum returns to the same value.
        v.rewrite_src_port(Port{1});
        CHECK(v.verify_checksum(s, d));
        v.rewrite_src_port(Port{0x3039});
        CHECK(v.checksum() == 0xffff);
    }
}

TEST_CASE("UDP: incremental rewrites equal a full recompute", "[udp]") {
    std::mt19937 rng(20261122);
    std::uniform_int_distribution<std::uint32_t> u32;
    for (int iter = 0; iter < 2000; ++iter) {
        const std::size_t plen = u32(rng) % 64;
        std::vector<Byte> seg(8 + plen);
        for (auto& b : seg)
            b = static_cast<Byte>(u32(rng));
        Ipv4Address s{u32(rng)};
        Ipv4Address d{u32(rng)};
        const UdpRepr repr{Port{static_cast<std::uint16_t>(u32(rng))},
                           Port{static_cast<std::uint16_t>(u32(rng))}, plen};
        auto v = UdpView<Byte>::unchecked(MutBytes(seg));
        repr.emit(v, s, d);
        REQUIRE(v.checksum() != 0);
        switch (iter % 4) {
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
        case 3: {
            const Ipv4Address n{u32(rng)};
            v.rewrite_pseudo_header_address(d, n);
            d = n;
            break;
        }
        }
        const std::uint16_t incremental = v.checksum();
        seg[6] = seg[7] = 0;
        std::uint16_t full = ref_udp_checksum(s, d, seg);
        if (full == 0) full = 0xffff; // RFC 768
        REQUIRE(incremental == full);
    }
}

TEST_CASE("UDP: random reprs round trip through emit and parse", "[udp]") {
    std::mt19937 rng(768);
    std::uniform_int_distribution<std::uint32_t> u32;
    for (int iter = 0; iter < 1000; ++iter) {
        const UdpRepr repr{Port{static_cast<std::uint16_t>(u32(rng))},
                           Port{static_cast<std::uint16_t>(u32(rng))}, u32(rng) % 200};
        const Ipv4Address s{u32(rng)};
        const Ipv4Address d{u32(rng)};
        REQUIRE(repr.buffer_len() == 8);
        std::vector<Byte> buf(repr.buffer_len() + repr.payload_len);
        for (std::size_t i = 8; i < buf.size(); ++i)
            buf[i] = static_cast<Byte>(u32(rng));
        repr.emit(UdpView<Byte>::unchecked(MutBytes(buf)), s, d);

        const auto v = UdpView<>::checked(Bytes(buf));
        REQUIRE(v);
        CHECK(v->verify_checksum(s, d));
        std::vector<Byte> zeroed = buf;
        zeroed[6] = zeroed[7] = 0;
        std::uint16_t want = ref_udp_checksum(s, d, zeroed);
        if (want == 0) want = 0xffff;
        REQUIRE(v->checksum() == want);
        const auto back = UdpRepr::parse(*v);
        REQUIRE(back);
        REQUIRE(*back == repr);
    }
}

TEST_CASE("UDP: emit_header leaves the checksum at 0 (none)", "[udp]") {
    std::array<Byte, 12> buf{};
    buf.fill(0xee);
    const UdpRepr repr{Port{68}, Port{67}, 4};
    repr.emit_header(UdpView<Byte>::unchecked(MutBytes(buf)));
    const std::array<Byte, 8> want{0x00, 0x44, 0x00, 0x43, 0x00, 0x0c, 0x00, 0x00};
    CHECK(std::equal(want.begin(), want.end(), buf.begin()));
    CHECK(buf[8] == 0xee); // the payload is not touched
}

namespace {
constexpr bool constexpr_udp() {
    constexpr std::array<Byte, 10> b{0x00, 0x35, 0xba, 0x07, 0x00, 0x0a, 0x00, 0x00, 0xab, 0xcd};
    const auto r = UdpView<>::checked(Bytes(b));
    if (!r) return false;
    const auto repr = UdpRepr::parse(*r);
    return repr && repr->src_port == Port{53} && repr->payload_len == 2 &&
           r->payload()[1] == 0xcd && !UdpView<>::checked(Bytes(b).first(9));
}
static_assert(constexpr_udp());
} // namespace
