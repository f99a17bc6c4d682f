// IPv4 (RFC 791) against captured datagrams: plain, with options, fragments.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/ipv4.hpp>

#include "captured_frames.hpp"
#include "wire_test_util.hpp"

using namespace strata;
using wire_test::bytes_of;
using wire_test::ip;
using wire_test::require_error;

namespace {
Bytes ip_part(const auto& frame) { return bytes_of(frame).subspan(14); }
} // namespace

TEST_CASE("IPv4 header of a captured echo request", "[wire][ipv4]") {
    // tshark basic.pcap frame 3: Version: 4, Header Length: 20 bytes (5),
    // DSCP 0, ECN 0, Total Length: 84, Identification: 0x00d8, Flags: 0x2
    // Don't fragment, Fragment Offset: 0, TTL 64, Protocol: ICMP (1),
    // ip.checksum 0x25cf status Good, Src: 10.0.0.1, Dst: 10.0.0.2
    auto v = Ipv4View<>::checked(ip_part(frames::icmp_echo_request));
    REQUIRE(v);
    CHECK(v->version() == 4);
    CHECK(v->ihl() == 5);
    CHECK(v->header_len() == 20);
    CHECK(v->dscp() == 0);
    CHECK(v->ecn() == 0);
    CHECK(v->tos() == 0);
    CHECK(v->total_len() == 84);
    CHECK(v->ident() == 0x00d8);
    CHECK(v->dont_frag());
    CHECK_FALSE(v->more_frags());
    CHECK_FALSE(v->reserved_flag());
    CHECK(v->frag_offset() == 0);
    CHECK_FALSE(v->is_fragment());
    CHECK_FALSE(v->is_first_fragment());
    CHECK(v->ttl() == 64);
    CHECK(v->protocol() == IpProtocol::icmp);
    CHECK(v->checksum() == 0x25cf);
    CHECK(v->verify_checksum());
    CHECK(v->compute_checksum() == 0x25cf);
    CHECK(v->src() == ip("10.0.0.1"));
    CHECK(v->dst() == ip("10.0.0.2"));
    CHECK(v->payload().size() == 64);
    CHECK(v->payload()[0] == 8); // ICMP type echo request
    CHECK(v->options_bytes().empty());
    CHECK(v->options().begin() == v->options().end());
}

TEST_CASE("IPv4 repr re-emits the captured header byte for byte", "[wire][ipv4]") {
    // basic.pcap frame 3 (request) and frame 4 (reply: id 0xfc5b, no DF, 0x6a4b).
    for (const Bytes frame :
         {bytes_of(frames::icmp_echo_request), bytes_of(frames::icmp_echo_reply),
          bytes_of(frames::ipv4_record_route)}) {
        const Bytes pkt = frame.subspan(14);
        auto v = Ipv4View<>::checked(pkt);
        REQUIRE(v);
        auto r = Ipv4Repr::parse(*v);
        REQUIRE(r);
        std::vector<Byte> out(r->buffer_len(), 0xee);
        r->emit(Ipv4View<Byte>::unchecked(MutBytes(out)));
        CHECK(std::equal(out.begin(), out.end(), pkt.begin()));
    }
    // And from values written by hand (tshark frame 4 fields).
    Ipv4Repr reply;
    reply.src = ip("10.0.0.2");
    reply.dst = ip("10.0.0.1");
    reply.protocol = IpProtocol::icmp;
    reply.ttl = 64;
    reply.ident = 0xfc5b;
    reply.dont_frag = false; // the default sets DF
    reply.payload_len = 64;
    std::array<Byte, 20> out{};
    reply.emit(Ipv4View<Byte>::unchecked(MutBytes(out)));
    CHECK(load_be16(out.data() + 10) == 0x6a4b);
    CHECK(std::equal(out.begin(), out.end(), frames::icmp_echo_reply.begin() + 14));
}

TEST_CASE("IPv4 options of ping -R", "[wire][ipv4][options]") {
    // tshark basic.pcap frame 5: Header Length: 60 bytes (15), Total Length:
    // 124, Identification: 0x010e, checksum 0xe960 Good; Options: (40 bytes),
    // IP Option - No-Operation (NOP) Type: 1; IP Option - Record Route (39
    // bytes) Type: 7, Length: 39, Pointer: 8, Recorded Route: 10.0.0.1,
    // then 8 empty routes 0.0.0.0
    auto v = Ipv4View<>::checked(ip_part(frames::ipv4_record_route));
    REQUIRE(v);
    CHECK(v->header_len() == 60);
    CHECK(v->total_len() == 124);
    CHECK(v->ident() == 0x010e);
    CHECK(v->checksum() == 0xe960);
    CHECK(v->verify_checksum());
    CHECK(v->options_bytes().size() == 40);
    CHECK(v->payload().size() == 64);

    std::vector<Ipv4Option<>> opts;
    for (auto o : v->options())
        opts.push_back(o);
    REQUIRE(opts.size() == 2);
    CHECK(opts[0].type == ipv4_option::nop);
    CHECK(opts[0].length == 1);
    CHECK(opts[0].data.empty());
    CHECK(opts[1].type == ipv4_option::record_route);
    CHECK(opts[1].length == 39);
    CHECK_FALSE(opts[1].copied());
    CHECK(opts[1].option_class() == 0);
    CHECK(opts[1].number() == 7);
    REQUIRE(opts[1].data.size() == 37);
    CHECK(opts[1].data[0] == 8); // pointer
    CHECK(Ipv4Address::from_bytes(opts[1].data.data() + 1) == ip("10.0.0.1"));
    for (std::size_t k = 1; k < 9; ++k)
        CHECK(Ipv4Address::from_bytes(opts[1].data.data() + 1 + 4 * k).is_unspecified());

    auto r = Ipv4Repr::parse(*v);
    REQUIRE(r);
    CHECK(r->options_len == 40);
    CHECK(r->header_len() == 60);
    CHECK(r->payload_len == 64);
}

TEST_CASE("IPv4 option iteration stops at EOL and at malformed options", "[wire][options]") {
    // NOP, router alert (148, len 4, value 0), EOL, then junk that must be ignored.
    const std::array<Byte, 12> o{1, 148, 4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    std::vector<std::uint8_t> types;
    for (auto x : Ipv4OptionRange<>(Bytes(o)))
        types.push_back(x.type);
    CHECK(types == std::vector<std::uint8_t>{1, 148});
    CHECK(detail::ipv4_check_options(Bytes(o), 20).has_value());

    // A zero length would loop forever in a naive walker; here it ends the range.
    const std::array<Byte, 4> zero_len{1, 7, 0, 0};
    types.clear();
    for (auto x : Ipv4OptionRange<>(Bytes(zero_len)))
        types.push_back(x.type);
    CHECK(types == std::vector<std::uint8_t>{1});
    require_error(detail::ipv4_check_options(Bytes(zero_len), 20), "ipv4", "options",
                  Errc::bad_length, 21);
}

TEST_CASE("IPv4 fragments of ping -s 3000", "[wire][ipv4][fragment]") {
    // tshark basic.pcap frame 7: Total Length: 1500, Identification: 0x0115,
    // Flags: 0x1 More fragments, Fragment Offset: 0, checksum 0x400a Good.
    auto first = Ipv4View<>::checked(ip_part(frames::ipv4_frag_first));
    REQUIRE(first);
    CHECK(first->total_len() == 1500);
    CHECK(first->ident() == 0x0115);
    CHECK(first->more_frags());
    CHECK_FALSE(first->dont_frag());
    CHECK(first->frag_offset() == 0);
    CHECK(first->is_fragment());
    CHECK(first->is_first_fragment());
    CHECK(first->checksum() == 0x400a);
    CHECK(first->verify_checksum());
    CHECK(first->payload().size() == 1480);

    // tshark frame 9: Total Length: 68, Identification: 0x0115, Flags: 0x0,
    // Fragment Offset: 2960 (ip.frag_offset field: 370), checksum 0x6430 Good.
    auto last = Ipv4View<>::checked(ip_part(frames::ipv4_frag_last));
    REQUIRE(last);
    CHECK(last->total_len() == 68);
    CHECK(last->ident() == 0x0115);
    CHECK_FALSE(last->more_frags());
    CHECK(last->frag_offset() == 2960);
    CHECK(last->frag_offset_raw() == 370);
    CHECK(last->is_fragment());
    CHECK_FALSE(last->is_first_fragment());
    CHECK(last->checksum() == 0x6430);
    CHECK(last->verify_checksum());
    CHECK(last->payload().size() == 48);

    auto r = Ipv4Repr::parse(*last);
    REQUIRE(r);
    CHECK(r->frag_offset == 2960);
    CHECK_FALSE(r->more_frags);
    std::vector<Byte> out(r->buffer_len());
    REQUIRE(out.size() == 20);
    r->emit(Ipv4View<Byte>::unchecked(MutBytes(out)));
    CHECK(std::equal(out.begin(), out.end(), frames::ipv4_frag_last.begin() + 14));
}

TEST_CASE("IPv4 payload excludes Ethernet padding", "[wire][ipv4]") {
    // The UDP probe (44-byte datagram) padded as a 60-byte frame would be.
    auto b = wire_test::copy_of(frames::udp_probe, 14);
    REQUIRE(b.size() == 44);
    b.resize(46, 0);
    auto v = Ipv4View<>::checked(Bytes(b));
    REQUIRE(v);
    CHECK(v->bytes().size() == 46);
    CHECK(v->payload().size() == 24); // total length 44 - 20
}

TEST_CASE("IPv4 errors: each problem its own field, code and offset", "[wire][ipv4][errors]") {
    const auto good = wire_test::copy_of(frames::icmp_echo_request, 14); // 84 bytes
    auto check_err = [](const std::vector<Byte>& b, std::string_view field, Errc code,
                        std::size_t offset) {
        require_error(Ipv4View<>::checked(Bytes(b)), "ipv4", field, code, offset);
    };
    check_err(wire_test::prefix(Bytes(good), 19), "header", Errc::truncated, 0);
    auto b = good;
    b[0] = 0x65; // version 6
    check_err(b, "version", Errc::bad_version, 0);
    CHECK(Ipv4View<>::checked(Bytes(b)).error().value == 6);
    b = good;
    b[0] = 0x44; // IHL 4
    check_err(b, "ihl", Errc::bad_value, 0);
    b = good;
    b[0] = 0x4f; // IHL 15 = 60 bytes, buffer of 40
    check_err(wire_test::prefix(Bytes(b), 40), "ihl", Errc::truncated, 0);
    b = good;
    b[2] = 0;
    b[3] = 19; // total length below the header
    check_err(b, "total_len", Errc::bad_length, 2);
    b = good;
    b[3] = 85; // one byte more than the buffer
    check_err(b, "total_len", Errc::truncated, 2);
    CHECK(Ipv4View<>::checked(Bytes(b)).error().value == 85);
    CHECK(Ipv4View<>::checked(Bytes(b)).error().expected == 84);
    // ... which checked_quote() accepts (an ICMP quote is cut short).
    auto q = Ipv4View<>::checked_quote(Bytes(b));
    REQUIRE(q);
    CHECK(q->payload().size() == 64);

    // Options: the ping -R header is NOP at 20, Record Route at 21 (len 39).
    const auto rr = wire_test::copy_of(frames::ipv4_record_route, 14);
    b = rr;
    b[22] = 1; // RR length 1 < 2
    check_err(b, "options", Errc::bad_length, 21);
    b = rr;
    b[22] = 40; // 21 + 40 = 61 > 60: past the header
    check_err(b, "options", Errc::truncated, 21);
    b = rr;
    b[22] = 38;   // RR now ends at 59 ...
    b[59] = 0x44; // ... and a timestamp option starts in the last byte, no length
    check_err(b, "options", Errc::truncated, 59);
    b = rr;
    b[22] = 38; // the same with EOL in the last byte is fine
    b[59] = 0;
    CHECK(Ipv4View<>::checked(Bytes(b)).has_value());
}

TEST_CASE("IPv4 rewrites fix the checksum incrementally", "[wire][ipv4][rfc1624]") {
    auto b = wire_test::copy_of(frames::icmp_echo_request, 14);
    auto v = Ipv4View<Byte>::unchecked(MutBytes(b));
    CHECK(v.decrement_ttl() == 63);
    CHECK(v.ttl() == 63);
    CHECK(v.verify_checksum());
    // By hand, RFC 1624 eqn. 3: the word at offset 8 (TTL, protocol) goes
    // 0x4001 -> 0x3f01. HC' = ~(~HC + ~m + m') = ~(0xda30 + 0xbffe + 0x3f01);
    // 0xda30 + 0xbffe = 0x19a2e, end-around carry 0x9a2f; + 0x3f01 = 0xd930;
    // ~0xd930 = 0x26cf (the captured 0x25cf plus 0x0100, as expected for a
    // TTL one lower).
    CHECK(v.checksum() == 0x26cf);
    v.rewrite_src(ip("192.168.1.77"));
    v.rewrite_dst(ip("203.0.113.200"));
    v.rewrite_tos(0xb8); // DSCP EF
    CHECK(v.dscp() == 46);
    CHECK(v.src() == ip("192.168.1.77"));
    CHECK(v.verify_checksum());
    const std::uint16_t incremental = v.checksum();
    v.fill_checksum();
    CHECK(v.checksum() == incremental);

    v.set_ttl(0);
    v.fill_checksum();
    CHECK(v.decrement_ttl() == 0); // expired stays expired, nothing written
    CHECK(v.ttl() == 0);
    CHECK(v.verify_checksum());
}

TEST_CASE("IPv4 setters", "[wire][ipv4]") {
    std::array<Byte, 24> buf{};
    auto v = Ipv4View<Byte>::unchecked(MutBytes(buf));
    v.set_header_len(24);
    CHECK(v.version() == 4);
    CHECK(v.ihl() == 6);
    v.set_dscp(46);
    v.set_ecn(3);
    CHECK(v.tos() == 0xbb);
    v.set_ecn(1);
    CHECK(v.dscp() == 46);
    CHECK(v.ecn() == 1);
    v.set_frag_offset(1480);
    v.set_more_frags(true);
    v.set_dont_frag(true);
    CHECK(v.frag_offset() == 1480);
    CHECK(v.more_frags());
    v.set_dont_frag(false);
    CHECK_FALSE(v.dont_frag());
    CHECK(v.more_frags());
    CHECK(v.frag_offset_raw() == 185);
    v.set_frag_offset_raw(0);
    CHECK(v.is_first_fragment());
    v.set_version(6);
    CHECK(v.version() == 6);
    CHECK(v.ihl() == 6);
    v.set_ihl(5);
    CHECK(v.header_len() == 20);
    Ipv4Repr r;
    const std::array<Byte, 40> forty{1, 1, 1, 1};
    CHECK(r.set_options(Bytes(forty)).has_value());
    CHECK(r.options_len == 40);
    CHECK(r.header_len() == 60);
    require_error(r.set_options(Bytes(std::array<Byte, 44>{})), "ipv4", "options", Errc::too_big,
                  20);
}

namespace {
constexpr Bytes echo_ip = Bytes(frames::icmp_echo_request).subspan(14);
constexpr Bytes rr_ip = Bytes(frames::ipv4_record_route).subspan(14);

// Emits a header at compile time and reads it back.
constexpr std::uint16_t emitted_checksum() {
    std::array<Byte, 24> b{};
    Ipv4Repr r;
    r.src = Ipv4Address{10, 0, 0, 2};
    r.dst = Ipv4Address{10, 0, 0, 1};
    r.protocol = IpProtocol::icmp;
    r.ident = 0xfc5b;
    r.dont_frag = false; // the captured frame's flags (the default sets DF)
    r.payload_len = 64;
    r.emit(Ipv4View<Byte>::unchecked(std::span<Byte>(b)));
    return Ipv4View<>::unchecked(Bytes(b)).checksum();
}
} // namespace

TEST_CASE("IPv4 view and repr work in constant expressions", "[wire][ipv4][constexpr]") {
    static_assert(Ipv4View<>::checked(echo_ip).has_value());
    static_assert(Ipv4View<>::checked(echo_ip)->ttl() == 64);
    static_assert(Ipv4View<>::checked(echo_ip)->verify_checksum());
    static_assert(Ipv4View<>::checked(rr_ip)->header_len() == 60); // options validated too
    static_assert(!Ipv4View<>::checked(echo_ip.first(83)).has_value());
    static_assert(Ipv4View<>::checked(echo_ip.first(83)).error().field == "total_len");
    static_assert(Ipv4Repr::parse(*Ipv4View<>::checked(echo_ip))->ident == 0x00d8);
    static_assert(emitted_checksum() == 0x6a4b); // basic.pcap frame 4 (tshark: 0x6a4b)
    CHECK(emitted_checksum() == 0x6a4b);
}
