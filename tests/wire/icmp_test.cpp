// ICMP (RFC 792, RFC 1191) against captured echo and error messages.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

#include "captured_frames.hpp"
#include "wire_test_util.hpp"

using namespace strata;
using wire_test::bytes_of;
using wire_test::ip;
using wire_test::require_error;

namespace {
Bytes ip_part(const auto& frame) { return bytes_of(frame).subspan(14); }
// The ICMP message of a frame: the IPv4 payload.
IcmpView<> icmp_of(const auto& frame) {
    auto v = Ipv4View<>::checked(ip_part(frame));
    REQUIRE(v);
    auto m = IcmpView<>::checked(v->payload());
    REQUIRE(m);
    return *m;
}
} // namespace

TEST_CASE("ICMP echo request and reply from a capture", "[wire][icmp]") {
    // tshark basic.pcap frame 3: Type: 8 (Echo (ping) request), Code: 0,
    // icmp.checksum 0x8035 Good, Identifier (BE): 10987 (0x2aeb), Sequence
    // Number (BE): 1; 56 data bytes (84 - 20 - 8).
    const auto m = icmp_of(frames::icmp_echo_request);
    CHECK(m.type() == IcmpType::echo_request);
    CHECK(m.code() == 0);
    CHECK(m.checksum() == 0x8035);
    CHECK(m.verify_checksum());
    CHECK(m.identifier() == 0x2aeb);
    CHECK(m.sequence() == 1);
    CHECK(m.rest_of_header() == 0x2aeb0001u);
    CHECK(m.payload().size() == 56);
    CHECK_FALSE(m.is_error());

    auto r = IcmpRepr::parse(m);
    REQUIRE(r);
    REQUIRE(std::holds_alternative<IcmpEchoRequest>(r->message));
    const auto& echo = std::get<IcmpEchoRequest>(r->message);
    CHECK(echo.ident == 0x2aeb);
    CHECK(echo.seq == 1);
    CHECK(echo.data.data() == m.payload().data()); // borrowed, not copied
    CHECK(r->type() == IcmpType::echo_request);

    // The reply (frame 4, icmp.checksum 0x8835) is the request with type 0:
    // build it from the request's values and compare with what Linux sent.
    const IcmpRepr reply{IcmpEchoReply{echo.ident, echo.seq, echo.data}};
    std::vector<Byte> out(reply.buffer_len());
    reply.emit(IcmpView<Byte>::unchecked(MutBytes(out)));
    const auto captured = icmp_of(frames::icmp_echo_reply);
    CHECK(captured.checksum() == 0x8835);
    CHECK(std::equal(out.begin(), out.end(), captured.bytes().begin(), captured.bytes().end()));
    auto again = IcmpRepr::parse(captured);
    REQUIRE(again);
    CHECK(*again == reply);
}

TEST_CASE("ICMP port unreachable quoting a UDP datagram", "[wire][icmp]") {
    // tshark icmperr.pcap frame 2: outer IPv4 10.0.0.2 -> 10.0.0.1, DSCP CS6
    // (0xc0), Total Length: 72, Identification: 0xfc7e, checksum 0x6974 Good;
    // ICMP Type: 3 (Destination unreachable), Code: 3 (Port unreachable),
    // checksum 0x293a Good, Unused: 00000000; quoted IPv4 10.0.0.1 -> 10.0.0.2,
    // Total Length: 44, Identification: 0xde59, DF, Protocol: UDP (17);
    // quoted UDP Src Port: 43533, Dst Port: 9999, Length: 24.
    auto outer = Ipv4View<>::checked(ip_part(frames::icmp_port_unreachable));
    REQUIRE(outer);
    CHECK(outer->dscp() == 48);
    CHECK(outer->tos() == 0xc0);
    CHECK(outer->checksum() == 0x6974);
    auto m = IcmpView<>::checked(outer->payload());
    REQUIRE(m);
    CHECK(m->type() == IcmpType::dest_unreachable);
    CHECK(m->code() == static_cast<std::uint8_t>(IcmpUnreachable::port));
    CHECK(m->checksum() == 0x293a);
    CHECK(m->verify_checksum());
    CHECK(m->rest_of_header() == 0);
    CHECK(m->is_error());

    auto q = Ipv4View<>::checked_quote(m->quoted());
    REQUIRE(q);
    CHECK(q->src() == ip("10.0.0.1"));
    CHECK(q->dst() == ip("10.0.0.2"));
    CHECK(q->total_len() == 44);
    CHECK(q->ident() == 0xde59);
    CHECK(q->dont_frag());
    CHECK(q->protocol() == IpProtocol::udp);
    REQUIRE(q->payload().size() >= 8);
    CHECK(load_be16(q->payload().data()) == 43533);
    CHECK(load_be16(q->payload().data() + 2) == 9999);
    CHECK(load_be16(q->payload().data() + 4) == 24);

    // Linux quoted the whole 44-byte datagram (RFC 1812 §4.3.2.3 allows up
    // to 576 bytes in all): the quote equals the probe as it was sent.
    const Bytes probe = ip_part(frames::udp_probe);
    CHECK(std::equal(m->quoted().begin(), m->quoted().end(), probe.begin(), probe.end()));

    // Build the same error from the offending datagram, outer header and all.
    auto offending = Ipv4View<>::checked(probe);
    REQUIRE(offending);
    CHECK(icmp_quote(*offending).size() == 28); // RFC 792 minimum: header + 8
    const IcmpRepr err{IcmpDestUnreachable{IcmpUnreachable::port, 0, icmp_quote(*offending, 548)}};
    Ipv4Repr hdr;
    hdr.src = ip("10.0.0.2");
    hdr.dst = ip("10.0.0.1");
    hdr.protocol = IpProtocol::icmp;
    hdr.ttl = 64;
    hdr.dscp = 48; // Linux sends ICMP errors with precedence 6 (CS6)
    hdr.ident = 0xfc7e;
    hdr.dont_frag = false; // ICMP errors go out without DF (the default sets it)
    hdr.payload_len = static_cast<std::uint16_t>(err.buffer_len());
    std::vector<Byte> out(hdr.buffer_len() + err.buffer_len());
    hdr.emit(Ipv4View<Byte>::unchecked(MutBytes(out)));
    err.emit(IcmpView<Byte>::unchecked(MutBytes(out).subspan(hdr.buffer_len())));
    const Bytes captured = ip_part(frames::icmp_port_unreachable);
    CHECK(out.size() == captured.size());
    CHECK(std::equal(out.begin(), out.end(), captured.begin(), captured.end()));

    auto parsed = IcmpRepr::parse(*m);
    REQUIRE(parsed);
    CHECK(*parsed == err);
}

TEST_CASE("ICMP time exceeded from a router", "[wire][icmp]") {
    // tshark icmperr.pcap frame 4: outer Total Length: 112, Identification:
    // 0xfcab, checksum 0x691f Good; ICMP Type: 11, Code: 0 (Time to live
    // exceeded in transit), checksum 0xf4ff Good; quoted IPv4 TTL 1, Total
    // Length: 84, Identification: 0x178e, checksum 0x4d19 Good; quoted ICMP
    // Type 8, checksum 0x6c0e (status Good).
    const auto m = icmp_of(frames::icmp_time_exceeded);
    CHECK(m.type() == IcmpType::time_exceeded);
    CHECK(m.code() == static_cast<std::uint8_t>(IcmpTimeExceededCode::ttl));
    CHECK(m.checksum() == 0xf4ff);
    CHECK(m.verify_checksum());
    auto q = Ipv4View<>::checked(m.quoted()); // the whole datagram was quoted
    REQUIRE(q);
    CHECK(q->ttl() == 1);
    CHECK(q->total_len() == 84);
    CHECK(q->ident() == 0x178e);
    CHECK(q->checksum() == 0x4d19);
    CHECK(q->verify_checksum());
    auto inner = IcmpView<>::checked(q->payload());
    REQUIRE(inner);
    CHECK(inner->type() == IcmpType::echo_request);
    CHECK(inner->checksum() == 0x6c0e);
    CHECK(inner->verify_checksum());

    auto r = IcmpRepr::parse(m);
    REQUIRE(r);
    REQUIRE(std::holds_alternative<IcmpTimeExceeded>(r->message));
    CHECK(std::get<IcmpTimeExceeded>(r->message).code == IcmpTimeExceededCode::ttl);
    std::vector<Byte> out(r->buffer_len());
    r->emit(IcmpView<Byte>::unchecked(MutBytes(out)));
    CHECK(std::equal(out.begin(), out.end(), m.bytes().begin(), m.bytes().end()));
}

TEST_CASE("ICMP fragmentation needed carries the next-hop MTU", "[wire][icmp][rfc1191]") {
    // tshark icmperr.pcap frame 6: outer Total Length: 576; ICMP Type: 3,
    // Code: 4 (Fragmentation needed), checksum 0x2c88 Good, Unused: 0000,
    // MTU of next hop: 1400; quoted IPv4 Total Length: 1478, Identification:
    // 0x0000, DF, checksum 0x2035 Good, quoted ICMP echo request id 0x2b57.
    const auto m = icmp_of(frames::icmp_frag_needed);
    CHECK(m.type() == IcmpType::dest_unreachable);
    CHECK(m.code() == static_cast<std::uint8_t>(IcmpUnreachable::frag_needed));
    CHECK(m.checksum() == 0x2c88);
    CHECK(m.verify_checksum());
    CHECK(m.next_hop_mtu() == 1400);
    CHECK(m.quoted().size() == 548); // 576 - 20 - 8: cut at the 576-byte limit

    // The quote is shorter than its total length: checked() says so,
    // checked_quote() accepts it.
    require_error(Ipv4View<>::checked(m.quoted()), "ipv4", "total_len", Errc::truncated, 2);
    auto q = Ipv4View<>::checked_quote(m.quoted());
    REQUIRE(q);
    CHECK(q->total_len() == 1478);
    CHECK(q->ident() == 0);
    CHECK(q->dont_frag());
    CHECK(q->checksum() == 0x2035);
    CHECK(q->verify_checksum());
    CHECK(q->payload().size() == 528);
    auto qi = IcmpView<>::checked(q->payload());
    REQUIRE(qi);
    CHECK(qi->identifier() == 0x2b57);

    auto r = IcmpRepr::parse(m);
    REQUIRE(r);
    REQUIRE(std::holds_alternative<IcmpDestUnreachable>(r->message));
    const auto& du = std::get<IcmpDestUnreachable>(r->message);
    CHECK(du.code == IcmpUnreachable::frag_needed);
    CHECK(du.next_hop_mtu == 1400);
    std::vector<Byte> out(r->buffer_len());
    r->emit(IcmpView<Byte>::unchecked(MutBytes(out)));
    CHECK(load_be16(out.data() + 2) == 0x2c88);
    CHECK(std::equal(out.begin(), out.end(), m.bytes().begin(), m.bytes().end()));
}

TEST_CASE("ICMP quote helper clamps to what the datagram has", "[wire][icmp]") {
    // Last fragment of ping -s 3000: 20-byte header, 48 bytes of data.
    auto frag = Ipv4View<>::checked(ip_part(frames::ipv4_frag_last));
    REQUIRE(frag);
    CHECK(icmp_quote(*frag).size() == 28);
    CHECK(icmp_quote(*frag, 1000).size() == 68);
    CHECK(icmp_quote(*frag).data() == frag->bytes().data());
    // A datagram with options quotes its whole header.
    auto rr = Ipv4View<>::checked(ip_part(frames::ipv4_record_route));
    REQUIRE(rr);
    CHECK(icmp_quote(*rr).size() == 68);
    // A header-only datagram: nothing to add.
    std::array<Byte, 20> bare{};
    Ipv4Repr{}.emit(Ipv4View<Byte>::unchecked(MutBytes(bare)));
    auto b = Ipv4View<>::checked(Bytes(bare));
    REQUIRE(b);
    CHECK(icmp_quote(*b).size() == 20);
}

TEST_CASE("ICMP view getters for the other message types", "[wire][icmp]") {
    std::array<Byte, 8> buf{};
    auto v = IcmpView<Byte>::unchecked(MutBytes(buf));
    v.set_type(IcmpType::redirect);
    v.set_code(static_cast<std::uint8_t>(IcmpRedirectCode::host));
    v.set_gateway(ip("10.0.0.254"));
    v.fill_checksum();
    CHECK(v.gateway() == ip("10.0.0.254"));
    CHECK(v.verify_checksum());
    CHECK(v.is_error());
    v.set_type(IcmpType::parameter_problem);
    v.set_pointer(9);
    CHECK(v.pointer() == 9);
    CHECK(v.rest_of_header() == 0x09000000u);
    CHECK_FALSE(v.verify_checksum()); // changed without a new checksum
    v.set_type(IcmpType::timestamp_request);
    v.set_identifier(0x1234);
    v.set_sequence(0x5678);
    CHECK(v.rest_of_header() == 0x12345678u);
    v.fill_checksum();
    auto r = IcmpRepr::parse(IcmpView<>(v));
    REQUIRE(r);
    REQUIRE(std::holds_alternative<IcmpOther>(r->message));
    CHECK(std::get<IcmpOther>(r->message).rest == 0x12345678u);
    CHECK(r->type() == IcmpType::timestamp_request);
    CHECK(to_string(IcmpType::time_exceeded) == "time-exceeded");
    CHECK(to_string(IcmpType{200}) == "unknown");

    // RFC 4884-style nonzero "unused" bytes in a type 3 message are kept by
    // falling back to IcmpOther.
    v.set_type(IcmpType::dest_unreachable);
    v.set_rest_of_header(0x00110000u);
    auto o = IcmpRepr::parse(IcmpView<>(v));
    REQUIRE(o);
    CHECK(std::holds_alternative<IcmpOther>(o->message));

    // An echo request with a nonzero code is kept raw too (emit would write 0).
    v.set_type(IcmpType::echo_request);
    v.set_code(1);
    auto e = IcmpRepr::parse(IcmpView<>(v));
    REQUIRE(e);
    CHECK(std::holds_alternative<IcmpOther>(e->message));
    v.set_code(0);
    e = IcmpRepr::parse(IcmpView<>(v));
    REQUIRE(e);
    CHECK(std::holds_alternative<IcmpEchoRequest>(e->message));

    for (std::size_t n = 0; n < 8; ++n) {
        auto p = wire_test::prefix(Bytes(buf), n);
        require_error(IcmpView<>::checked(Bytes(p)), "icmp", "header", Errc::truncated, 0);
    }
}

TEST_CASE("ICMP view works in constant expressions", "[wire][icmp][constexpr]") {
    constexpr Bytes msg = Bytes(frames::icmp_echo_request).subspan(34);
    static_assert(IcmpView<>::checked(msg).has_value());
    static_assert(IcmpView<>::checked(msg)->identifier() == 0x2aeb);
    static_assert(IcmpView<>::checked(msg)->verify_checksum());
    static_assert(!IcmpView<>::checked(msg.first(7)).has_value());
    static_assert(icmp_quote(*Ipv4View<>::checked(Bytes(frames::udp_probe).subspan(14))).size() ==
                  28);
    CHECK(IcmpView<>::unchecked(msg).checksum() == 0x8035);
}
