// LCP, IPCP, PAP and CHAP packets (RFC 1661, 1332, 1877, 1334, 1994).
#include <array>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/ppp/chap.hpp>
#include <strata/wire/ppp/ipcp.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/pap.hpp>

#include "wire/ppp/samples.hpp"
#include "wire/ppp/test_util.hpp"

using namespace strata;
using namespace ppp_test;
namespace s = ppp_samples;

namespace {
// Session frames: 14 Ethernet + 6 PPPoE + 2 PPP, then the control packet.
constexpr std::size_t ctl_at = 14 + 6 + 2;
template <std::size_t N>
Bytes ctl(const Byte (&frame)[N]) {
    return Bytes(frame).subspan(ctl_at);
}

// The vector gets spare room that is cut off again: GCC 12 -O3 otherwise
// warns (-Warray-bounds, a false positive) about the empty data copy at
// offset 4 of a 4-byte allocation in an emit it inlined.
template <PppProtocol P>
std::vector<Byte> emit_of(const auto& repr) {
    const std::size_t len = repr.buffer_len();
    std::vector<Byte> buf(len + 16);
    repr.emit(PppControlView<P, Byte>::unchecked(MutBytes(buf).first(len)));
    buf.resize(len);
    return buf;
}

struct OptSeen {
    unsigned type;
    unsigned len;
    std::size_t offset;
    friend bool operator==(const OptSeen&, const OptSeen&) = default;
};
template <PppProtocol P>
std::vector<OptSeen> options_of(const PppControlView<P>& v) {
    std::vector<OptSeen> out;
    for (const auto o : v.options())
        out.push_back({static_cast<unsigned>(o.type()), o.length(), o.offset()});
    return out;
}
} // namespace

TEST_CASE("lcp: Configure-Request known answer (scapy, tshark)", "[lcp]") {
    // tshark: Code: Configuration Request (1), Identifier: 1, Length: 19,
    //   Maximum Receive Unit: 1492 (Type 1, Length 4),
    //   Authentication Protocol: CHAP (0xc223) (Type 3, Length 5),
    //     Algorithm: CHAP with MD5 (5),
    //   Magic Number: 0x01020304 (Type 5, Length 6)
    auto v = LcpView<>::checked(ctl(s::lcp_confreq));
    REQUIRE(v);
    CHECK(v->code() == LcpCode::configure_request);
    CHECK(v->identifier() == 1);
    CHECK(v->length() == 19);
    CHECK(v->has_options());
    CHECK(options_of(*v) == std::vector<OptSeen>{{1, 4, 4}, {3, 5, 8}, {5, 6, 13}});
    const auto opts = v->options();
    CHECK(opts.find(LcpOptionType::mru)->mru() == 1492);
    const auto auth = opts.find(LcpOptionType::auth_protocol);
    REQUIRE(auth);
    CHECK(auth->auth_protocol() == PppProtocol::chap);
    CHECK(auth->chap_algorithm() == chap_md5);
    CHECK(opts.find(LcpOptionType::magic_number)->magic_number() == 0x01020304);
    CHECK_FALSE(opts.find(LcpOptionType::accm).has_value());

    auto r = LcpConfigRepr::parse(*v);
    REQUIRE(r);
    LcpConfigRepr want;
    want.identifier = 1;
    want.mru = 1492;
    want.auth = PppAuth{PppProtocol::chap, chap_md5};
    want.magic_number = 0x01020304;
    CHECK(*r == want);
    CHECK(same(emit_of<PppProtocol::lcp>(want), ctl(s::lcp_confreq)));
}

TEST_CASE("lcp: Configure-Ack with PAP known answer (scapy, tshark)", "[lcp]") {
    // tshark: Code: Configuration Ack (2), Identifier: 7, Length: 18,
    //   MRU 1480, Authentication Protocol: PAP (0xc023) (Length 4),
    //   Magic Number: 0xdeadbeef
    auto v = LcpView<>::checked(ctl(s::lcp_confack_pap));
    REQUIRE(v);
    auto r = LcpConfigRepr::parse(*v);
    REQUIRE(r);
    CHECK(r->code == LcpCode::configure_ack);
    CHECK(r->identifier == 7);
    CHECK(r->mru == 1480);
    REQUIRE(r->auth);
    CHECK(r->auth->protocol == PppProtocol::pap);
    CHECK_FALSE(r->auth->chap_algorithm.has_value());
    CHECK(r->magic_number == 0xdeadbeef);
    CHECK(same(emit_of<PppProtocol::lcp>(*r), ctl(s::lcp_confack_pap)));
}

TEST_CASE("lcp: Echo-Request and Terminate-Request known answers (scapy, tshark)", "[lcp]") {
    // tshark: Code: Echo Request (9), Identifier: 3, Length: 10,
    //   Magic Number: 0x11223344, Data: 6869
    auto e = LcpView<>::checked(ctl(s::lcp_echo));
    REQUIRE(e);
    CHECK(e->code() == LcpCode::echo_request);
    CHECK(e->magic_number() == 0x11223344);
    CHECK(same(e->echo_data(), text_bytes("hi")));
    auto er = LcpEchoRepr::parse(*e);
    REQUIRE(er);
    const LcpEchoRepr want{LcpCode::echo_request, 3, 0x11223344, text_bytes("hi")};
    CHECK(*er == want);
    CHECK(same(emit_of<PppProtocol::lcp>(want), ctl(s::lcp_echo)));

    // tshark: Code: Termination Request (5), Identifier: 4, Length: 7, Data: 627965
    auto t = LcpView<>::checked(ctl(s::lcp_termreq));
    REQUIRE(t);
    auto tr = PppControlRepr<PppProtocol::lcp>::parse(*t);
    REQUIRE(tr);
    const PppControlRepr<PppProtocol::lcp> twant{LcpCode::terminate_request, 4, text_bytes("bye")};
    CHECK(*tr == twant);
    CHECK(same(emit_of<PppProtocol::lcp>(twant), ctl(s::lcp_termreq)));
    CHECK(to_string(t->code()) == "Terminate-Request");
}

TEST_CASE("lcp: Protocol-Reject and an unknown code (hand-derived, RFC 1661 §5.7)", "[lcp]") {
    // Protocol-Reject (8), id 2, length 4 + 2 + 2 = 8, rejected protocol
    // 0x8057 (IPV6CP), then the first 2 bytes of the rejected information.
    const std::array<Byte, 8> pr{0x08, 0x02, 0x00, 0x08, 0x80, 0x57, 0x01, 0x05};
    auto v = LcpView<>::checked(pr);
    REQUIRE(v);
    CHECK(v->code() == LcpCode::protocol_reject);
    CHECK(v->rejected_protocol() == PppProtocol::ipv6cp);
    CHECK(v->rejected_information().size() == 2);
    require_error(LcpView<>::checked(Bytes(pr).first(5)), "lcp", "length", 2, Errc::truncated);
    auto shortpr = copy(pr);
    shortpr[3] = 5; // length 5: 1 data byte, no room for the protocol
    require_error(LcpView<>::checked(shortpr), "lcp", "rejected_protocol", 4, Errc::truncated);

    // An unknown code is a value, its data opaque.
    const std::array<Byte, 6> odd{0x42, 0x01, 0x00, 0x06, 0xaa, 0xbb};
    auto u = LcpView<>::checked(odd);
    REQUIRE(u);
    CHECK(u->code() == LcpCode{0x42});
    CHECK(to_string(u->code()) == "unknown");
    CHECK(u->data().size() == 2);
    CHECK_FALSE(u->has_options());
}

TEST_CASE("pap: Authenticate-Request/Ack/Nak known answers (scapy, tshark)", "[pap]") {
    // tshark: Code: Authenticate-Request (1), Identifier: 1, Length: 17,
    //   Peer-ID-Length: 5, Peer-ID: alice, Password-Length: 6, Password: secret
    auto v = PapView<>::checked(ctl(s::pap_req));
    REQUIRE(v);
    CHECK(v->code() == PapCode::authenticate_request);
    CHECK(v->length() == 17);
    CHECK(v->peer_id() == "alice");
    CHECK(v->password() == "secret");
    auto r = PapRepr::parse(*v);
    REQUIRE(r);
    const PapRepr want{PapRequest{1, "alice", "secret"}};
    CHECK(*r == want);
    CHECK(same(emit_of<PppProtocol::pap>(want), ctl(s::pap_req)));

    // tshark: Authenticate-Ack (2), Length: 13, Message-Length: 8, Message: Login ok
    auto a = PapView<>::checked(ctl(s::pap_ack));
    REQUIRE(a);
    CHECK(a->message() == "Login ok");
    const PapRepr ack{PapAck{1, "Login ok"}};
    CHECK(*PapRepr::parse(*a) == ack);
    CHECK(same(emit_of<PppProtocol::pap>(ack), ctl(s::pap_ack)));

    // tshark: Authenticate-Nak (3), Length: 8, Message-Length: 3, Message: Bad
    auto n = PapView<>::checked(ctl(s::pap_nak));
    REQUIRE(n);
    CHECK(n->code() == PapCode::authenticate_nak);
    CHECK(n->message() == "Bad");
    const PapRepr nak{PapNak{1, "Bad"}};
    CHECK(same(emit_of<PppProtocol::pap>(nak), ctl(s::pap_nak)));

    // A bare 4-byte Ack (no Msg-Length) reads as an empty message.
    const std::array<Byte, 4> bare{0x02, 0x01, 0x00, 0x04};
    auto b = PapView<>::checked(bare);
    REQUIRE(b);
    CHECK(b->message().empty());
}

TEST_CASE("chap: Challenge/Response/Success/Failure known answers (scapy, tshark)", "[chap]") {
    // tshark: Challenge (1), Identifier: 9, Length: 24, Value Size: 16,
    //   Value: 101112131415161718191a1b1c1d1e1f, Name: bas
    auto c = ChapView<>::checked(ctl(s::chap_chal));
    REQUIRE(c);
    CHECK(c->code() == ChapCode::challenge);
    CHECK(c->identifier() == 9);
    CHECK(c->length() == 24);
    const auto chal = hex_bytes("101112131415161718191a1b1c1d1e1f");
    CHECK(same(c->value(), chal));
    CHECK(c->name() == "bas");
    const ChapRepr cw{ChapChallenge{9, Bytes(chal), "bas"}};
    CHECK(*ChapRepr::parse(*c) == cw);
    CHECK(same(emit_of<PppProtocol::chap>(cw), ctl(s::chap_chal)));

    // tshark: Response (2), Length: 26, Value: a0a1..af, Name: alice
    auto r = ChapView<>::checked(ctl(s::chap_resp));
    REQUIRE(r);
    const auto resp = hex_bytes("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    const ChapRepr rw{ChapResponse{9, Bytes(resp), "alice"}};
    CHECK(*ChapRepr::parse(*r) == rw);
    CHECK(same(emit_of<PppProtocol::chap>(rw), ctl(s::chap_resp)));

    // tshark: Success (3), Length: 11, Message: Welcome
    auto ok = ChapView<>::checked(ctl(s::chap_succ));
    REQUIRE(ok);
    CHECK(ok->message() == "Welcome");
    const ChapRepr sw{ChapSuccess{9, "Welcome"}};
    CHECK(*ChapRepr::parse(*ok) == sw);
    CHECK(same(emit_of<PppProtocol::chap>(sw), ctl(s::chap_succ)));

    // tshark: Failure (4), Length: 4, Message: '' (empty)
    auto f = ChapView<>::checked(ctl(s::chap_fail));
    REQUIRE(f);
    CHECK(f->code() == ChapCode::failure);
    CHECK(f->message().empty());
    const ChapRepr fw{ChapFailure{9, {}}};
    CHECK(same(emit_of<PppProtocol::chap>(fw), ctl(s::chap_fail)));
}

TEST_CASE("ipcp: Configure-Request/Nak with addresses and DNS (scapy, tshark)", "[ipcp]") {
    // tshark: Configuration Request (1), Identifier: 2, Length: 22,
    //   IP Address: 0.0.0.0 (Type 3, Length 6), Primary DNS Server IP
    //   Address: 0.0.0.0 (Type 129), Secondary DNS ...: 0.0.0.0 (Type 131)
    auto q = IpcpView<>::checked(ctl(s::ipcp_confreq));
    REQUIRE(q);
    CHECK(q->code() == IpcpCode::configure_request);
    CHECK(q->length() == 22);
    CHECK(options_of(*q) == std::vector<OptSeen>{{3, 6, 4}, {129, 6, 10}, {131, 6, 16}});
    const IpcpConfigRepr ask{IpcpCode::configure_request,
                             2,
                             Ipv4Address::any(),
                             Ipv4Address::any(),
                             std::nullopt,
                             Ipv4Address::any(),
                             std::nullopt};
    CHECK(*IpcpConfigRepr::parse(*q) == ask);
    CHECK(same(emit_of<PppProtocol::ipcp>(ask), ctl(s::ipcp_confreq)));

    // tshark: Configuration Nak (3), IP Address: 100.64.0.10,
    //   Primary DNS: 192.0.2.53, Secondary DNS: 192.0.2.54
    auto n = IpcpView<>::checked(ctl(s::ipcp_confnak));
    REQUIRE(n);
    CHECK(n->options().find(IpcpOptionType::ip_address)->address() == Ipv4Address(100, 64, 0, 10));
    CHECK(n->options().find(IpcpOptionType::primary_dns)->address() == Ipv4Address(192, 0, 2, 53));
    CHECK(n->options().find(IpcpOptionType::secondary_dns)->address() ==
          Ipv4Address(192, 0, 2, 54));
    const IpcpConfigRepr nak{IpcpCode::configure_nak,
                             2,
                             Ipv4Address(100, 64, 0, 10),
                             Ipv4Address(192, 0, 2, 53),
                             std::nullopt,
                             Ipv4Address(192, 0, 2, 54),
                             std::nullopt};
    CHECK(*IpcpConfigRepr::parse(*n) == nak);
    CHECK(same(emit_of<PppProtocol::ipcp>(nak), ctl(s::ipcp_confnak)));
    CHECK(to_string(n->code()) == "Configure-Nak");
}

TEST_CASE("lcp/ipcp: every option strata emits, hand-derived (tshark agrees)", "[lcp][ipcp]") {
    // RFC 1661 §6 layouts, Type Length Data, written out by hand:
    //   Configure-Nak (3), id 200 (c8), Length 4 + 25 = 29 (00 1d)
    //   MRU 1400          01 04 05 78           (§6.1)
    //   ACCM 0x000a0000   02 06 00 0a 00 00     (RFC 1662 §7.1)
    //   Auth CHAP, 0x81   03 05 c2 23 81        (§6.2, RFC 1994 §3)
    //   Magic 0xcafef00d  05 06 ca fe f0 0d     (§6.4)
    //   PFC, ACFC         07 02, 08 02          (§6.5, §6.6)
    // tshark 4.0 on these bytes inside PPPoE: "Configuration Nak (3)",
    // "Identifier: 200", "Length: 29", MRU 1400, ACCM 0x000a0000 (DC3, DC1),
    // CHAP "Algorithm: MS-CHAP-2 (129)", Magic 0xcafef00d, PFC, ACFC.
    const auto lcp_bytes = hex_bytes("03c8001d01040578"
                                     "0206000a0000"
                                     "0305c22381"
                                     "0506cafef00d"
                                     "07020802");
    LcpConfigRepr l{LcpCode::configure_nak,           200,        1400, 0x000a0000,
                    PppAuth{PppProtocol::chap, 0x81}, 0xcafef00d, true, true};
    CHECK(same(emit_of<PppProtocol::lcp>(l), lcp_bytes));
    auto lv = LcpView<>::checked(lcp_bytes);
    REQUIRE(lv);
    CHECK(*LcpConfigRepr::parse(*lv) == l);
    CHECK(lv->options().find(LcpOptionType::accm)->accm() == 0x000a0000);

    // RFC 1332 §3.3 / RFC 1877 §1: Configure-Ack (2), id 9, Length 4 + 5 * 6 = 34 (00 22),
    // IP-Address (3), DNS (129 = 0x81, 131 = 0x83), NBNS (130 = 0x82, 132 = 0x84),
    // each Type 06 a b c d. tshark: "IP Address: 10.0.0.1", "Primary DNS
    // Address: 10.0.0.53", "Primary NBNS Address: 10.0.0.137", "Secondary DNS
    // Address: 10.0.0.54", "Secondary NBNS Address: 10.0.0.138".
    const auto ipcp_bytes = hex_bytes("020900220306"
                                      "0a000001"
                                      "81060a000035"
                                      "82060a000089"
                                      "83060a000036"
                                      "84060a00008a");
    IpcpConfigRepr i{IpcpCode::configure_ack,    9,
                     Ipv4Address(10, 0, 0, 1),   Ipv4Address(10, 0, 0, 53),
                     Ipv4Address(10, 0, 0, 137), Ipv4Address(10, 0, 0, 54),
                     Ipv4Address(10, 0, 0, 138)};
    CHECK(same(emit_of<PppProtocol::ipcp>(i), ipcp_bytes));
    auto iv = IpcpView<>::checked(ipcp_bytes);
    REQUIRE(iv);
    CHECK(*IpcpConfigRepr::parse(*iv) == i);
}

TEST_CASE("ppp control: round trips of every repr", "[lcp][ipcp][pap][chap]") {
    LcpConfigRepr l{LcpCode::configure_nak,           200,        1400, 0x000a0000,
                    PppAuth{PppProtocol::chap, 0x81}, 0xcafef00d, true, true};
    {
        auto b = emit_of<PppProtocol::lcp>(l);
        auto v = LcpView<>::checked(b);
        REQUIRE(v);
        CHECK(*LcpConfigRepr::parse(*v) == l);
        // Options come out in type order: 1, 2, 3, 5, 7, 8.
        std::vector<unsigned> types;
        for (const auto o : v->options())
            types.push_back(static_cast<unsigned>(o.type()));
        CHECK(types == std::vector<unsigned>{1, 2, 3, 5, 7, 8});
    }
    IpcpConfigRepr i{IpcpCode::configure_ack,    9,
                     Ipv4Address(10, 0, 0, 1),   Ipv4Address(10, 0, 0, 53),
                     Ipv4Address(10, 0, 0, 137), Ipv4Address(10, 0, 0, 54),
                     Ipv4Address(10, 0, 0, 138)};
    {
        auto b = emit_of<PppProtocol::ipcp>(i);
        auto v = IpcpView<>::checked(b);
        REQUIRE(v);
        CHECK(*IpcpConfigRepr::parse(*v) == i);
    }
    const LcpEchoRepr e{LcpCode::echo_reply, 5, 0, {}};
    {
        auto b = emit_of<PppProtocol::lcp>(e);
        CHECK(b.size() == 8);
        auto v = LcpView<>::checked(b);
        REQUIRE(v);
        CHECK(*LcpEchoRepr::parse(*v) == e);
    }
    const PapRepr p{PapRequest{1, "", ""}};
    {
        auto b = emit_of<PppProtocol::pap>(p);
        CHECK(b.size() == 6);
        auto v = PapView<>::checked(b);
        REQUIRE(v);
        CHECK(*PapRepr::parse(*v) == p);
    }
    const std::array<Byte, 1> one{0x7f};
    const ChapRepr c{ChapResponse{1, Bytes(one), ""}};
    {
        auto b = emit_of<PppProtocol::chap>(c);
        auto v = ChapView<>::checked(b);
        REQUIRE(v);
        CHECK(*ChapRepr::parse(*v) == c);
    }
    const PppControlRepr<PppProtocol::ipcp> t{IpcpCode::terminate_ack, 3, {}};
    {
        auto b = emit_of<PppProtocol::ipcp>(t);
        auto v = IpcpView<>::checked(b);
        REQUIRE(v);
        CHECK(*PppControlRepr<PppProtocol::ipcp>::parse(*v) == t);
    }
}

TEST_CASE("ppp control: header errors and padding", "[lcp][chap]") {
    const Bytes req = ctl(s::lcp_confreq);
    require_error(LcpView<>::checked(req.first(3)), "lcp", "header", 0, Errc::truncated);
    auto b = copy(req);
    b[2] = 0;
    b[3] = 3; // Length 3 < 4
    require_error(LcpView<>::checked(b), "lcp", "length", 2, Errc::bad_length);
    b[3] = 20; // Length 20 > 19 bytes
    auto r = LcpView<>::checked(b);
    require_error(r, "lcp", "length", 2, Errc::truncated);
    CHECK(r.error().value == 20);
    CHECK(r.error().expected == 19);
    // A repr parsed from an unchecked view re-checks Length.
    require_error(PppControlRepr<PppProtocol::lcp>::parse(LcpView<>::unchecked(b)), "lcp", "length",
                  2, Errc::truncated);
    b[3] = 2;
    require_error(PppControlRepr<PppProtocol::lcp>::parse(LcpView<>::unchecked(b)), "lcp", "length",
                  2, Errc::bad_length);
    // Layer names follow the protocol.
    require_error(ChapView<>::checked(req.first(2)), "chap", "header", 0, Errc::truncated);
    require_error(IpcpView<>::checked(req.first(2)), "ipcp", "header", 0, Errc::truncated);
    require_error(PapView<>::checked(req.first(2)), "pap", "header", 0, Errc::truncated);

    // Bytes past Length are padding (RFC 1661 §5).
    auto padded = copy(ctl(s::chap_succ));
    padded.insert(padded.end(), {0, 0, 0, 0, 0});
    auto v = ChapView<>::checked(padded);
    REQUIRE(v);
    CHECK(v->bytes().size() == 11);
    CHECK(v->message() == "Welcome");
}

TEST_CASE("ppp control: option errors with their offsets", "[lcp][ipcp]") {
    const Bytes req = ctl(s::lcp_confreq); // options at 4 (MRU), 8 (auth), 13 (magic)
    SECTION("Length below 2") {
        auto b = copy(req);
        b[9] = 1; // auth option Length byte at offset 9
        auto v = LcpView<>::checked(b);
        require_error(v, "lcp", "option_length", 9, Errc::bad_length);
        // checked_header() still shows the packet; the range stops before it.
        auto h = LcpView<>::checked_header(b);
        REQUIRE(h);
        CHECK(options_of(*h) == std::vector<OptSeen>{{1, 4, 4}});
        require_error(*h->options().error(), "lcp", "option_length", 9, Errc::bad_length);
        require_error(LcpConfigRepr::parse(*h), "lcp", "option_length", 9, Errc::bad_length);
    }
    SECTION("Length past the packet") {
        auto b = copy(req);
        b[14] = 7; // magic Length 6 → 7, only 6 bytes left
        auto v = LcpView<>::checked(b);
        require_error(v, "lcp", "option_length", 14, Errc::truncated);
        CHECK(v.error().value == 7);
        CHECK(v.error().expected == 6);
    }
    SECTION("a lone Type byte") {
        auto b = copy(req);
        b.push_back(0x07);
        b[3] = 20;
        require_error(LcpView<>::checked(b), "lcp", "option", 19, Errc::truncated);
    }
    SECTION("known type with the wrong Length") {
        // MRU with Length 6 (and the packet long enough): RFC 1661 §6.1 says 4.
        std::vector<Byte> b = {0x01, 0x01, 0x00, 0x0a, 0x01, 0x06, 0x05, 0xd4, 0x00, 0x00};
        auto v = LcpView<>::checked(b);
        require_error(v, "lcp", "option_length", 5, Errc::bad_value);
        CHECK(v.error().value == 6);
        CHECK(v.error().expected == 4);
        // IPCP IP-Address with Length 4 (RFC 1332 §3.3 says 6).
        std::vector<Byte> ip = {0x01, 0x01, 0x00, 0x08, 0x03, 0x04, 0x0a, 0x00};
        require_error(IpcpView<>::checked(ip), "ipcp", "option_length", 5, Errc::bad_value);
        // Authentication-Protocol needs at least the 2-byte protocol.
        std::vector<Byte> au = {0x01, 0x01, 0x00, 0x07, 0x03, 0x03, 0xc0};
        require_error(LcpView<>::checked(au), "lcp", "option_length", 5, Errc::bad_value);
    }
    SECTION("unknown option types pass with any Length >= 2") {
        std::vector<Byte> b = {0x04, 0x01, 0x00, 0x09, 0x0d, 0x03, 0x06, 0x11, 0x02};
        auto v = LcpView<>::checked(b);
        REQUIRE(v);
        CHECK(options_of(*v) == std::vector<OptSeen>{{13, 3, 4}, {17, 2, 7}});
        // LCP's type 3 is IPCP's IP-Address: rules follow the protocol.
        std::vector<Byte> ipcp_unknown = {0x01, 0x01, 0x00, 0x07, 0x05, 0x03, 0x00};
        CHECK(IpcpView<>::checked(ipcp_unknown).has_value());
    }
    SECTION("a Configure-Reject echoing an option with the writer") {
        // A BAS rejects the peer's unknown option 13 and echoes it verbatim
        // (RFC 1661 §5.4).
        std::vector<Byte> b = {0x01, 0x05, 0x00, 0x0b, 0x01, 0x04, 0x05, 0xd4, 0x0d, 0x03, 0x06};
        auto v = LcpView<>::checked(b);
        REQUIRE(v);
        std::array<Byte, 16> out{};
        PppOptionWriter<PppProtocol::lcp> w{MutBytes(out).subspan(4)};
        for (const auto o : v->options())
            if (o.type() == LcpOptionType{13}) w.add(o);
        auto n = w.finish();
        REQUIRE(n);
        PppControlRepr<PppProtocol::lcp>{LcpCode::configure_reject, 5, Bytes(out).subspan(4, *n)}
            .emit(LcpView<Byte>::unchecked(out));
        const std::array<Byte, 7> want{0x04, 0x05, 0x00, 0x07, 0x0d, 0x03, 0x06};
        CHECK(same(Bytes(out).first(7), want));
        // Too small a buffer is reported.
        std::array<Byte, 3> tiny{};
        PppOptionWriter<PppProtocol::lcp> t{tiny};
        t.add_u16(LcpOptionType::mru, 1492);
        require_error(t.finish(), "lcp", "options", 4, Errc::buffer_too_small);
    }
}

TEST_CASE("ppp control: code-specific errors", "[lcp][pap][chap]") {
    // Echo-Request with 3 data bytes: no room for the Magic-Number.
    const std::array<Byte, 7> echo{0x09, 0x01, 0x00, 0x07, 0x11, 0x22, 0x33};
    require_error(LcpView<>::checked(echo), "lcp", "magic_number", 4, Errc::truncated);
    auto eh = LcpView<>::checked_header(echo);
    REQUIRE(eh);
    require_error(LcpEchoRepr::parse(*eh), "lcp", "magic_number", 4, Errc::truncated);
    // Time-Remaining (RFC 1570 §2.2) also needs 4 bytes of seconds.
    const std::array<Byte, 10> tr{0x0d, 0x01, 0x00, 0x0a, 0, 0, 0, 0, 0, 0};
    require_error(LcpView<>::checked(tr), "lcp", "seconds_remaining", 8, Errc::truncated);
    // Reprs refuse codes they do not describe.
    auto term = LcpView<>::checked(ctl(s::lcp_termreq));
    REQUIRE(term);
    require_error(LcpConfigRepr::parse(*term), "lcp", "code", 0, Errc::bad_value);
    require_error(LcpEchoRepr::parse(*term), "lcp", "code", 0, Errc::bad_value);

    // PAP Authenticate-Request: header 01 01 00 LL, then the fields.
    const std::array<Byte, 4> p0{0x01, 0x01, 0x00, 0x04};
    require_error(PapView<>::checked(p0), "pap", "peer_id_length", 4, Errc::truncated);
    const std::array<Byte, 6> p1{0x01, 0x01, 0x00, 0x06, 0x05, 0x61};
    require_error(PapView<>::checked(p1), "pap", "peer_id", 5, Errc::truncated);
    const std::array<Byte, 6> p2{0x01, 0x01, 0x00, 0x06, 0x01, 0x61};
    require_error(PapView<>::checked(p2), "pap", "passwd_length", 6, Errc::truncated);
    const std::array<Byte, 8> p3{0x01, 0x01, 0x00, 0x08, 0x01, 0x61, 0x02, 0x62};
    require_error(PapView<>::checked(p3), "pap", "password", 7, Errc::truncated);
    const std::array<Byte, 6> pa{0x02, 0x01, 0x00, 0x06, 0x02, 0x61};
    require_error(PapView<>::checked(pa), "pap", "message", 5, Errc::truncated);
    const std::array<Byte, 5> pu{0x07, 0x01, 0x00, 0x05, 0x00};
    auto puv = PapView<>::checked(pu);
    REQUIRE(puv);
    require_error(PapRepr::parse(*puv), "pap", "code", 0, Errc::bad_value);

    // CHAP Challenge: Value-Size missing, zero, past the end.
    const std::array<Byte, 4> c0{0x01, 0x01, 0x00, 0x04};
    require_error(ChapView<>::checked(c0), "chap", "value_size", 4, Errc::truncated);
    const std::array<Byte, 5> cz{0x01, 0x01, 0x00, 0x05, 0x00};
    require_error(ChapView<>::checked(cz), "chap", "value_size", 4, Errc::bad_length);
    const std::array<Byte, 6> cv{0x02, 0x01, 0x00, 0x06, 0x02, 0xaa};
    require_error(ChapView<>::checked(cv), "chap", "value", 5, Errc::truncated);
    const std::array<Byte, 4> cu{0x09, 0x01, 0x00, 0x04};
    auto cuv = ChapView<>::checked(cu);
    REQUIRE(cuv);
    require_error(ChapRepr::parse(*cuv), "chap", "code", 0, Errc::bad_value);
}

namespace {
// Everything a reader can do with bytes under protocol P; ASan/UBSan watch.
template <PppProtocol P>
void exercise(Bytes b) {
    if (auto h = PppControlView<P>::checked_header(b)) {
        CHECK(h->bytes().size() == h->length());
        if constexpr (PppConfigProtocol<P>) {
            std::size_t total = 0;
            for (const auto o : h->options())
                total += o.bytes().size();
            CHECK(total <= h->data().size());
            (void)h->options().error();
        }
    }
    auto v = PppControlView<P>::checked(b);
    if (!v) return;
    CHECK(PppControlRepr<P>::parse(*v).has_value());
    if constexpr (P == PppProtocol::lcp) {
        if (auto r = LcpConfigRepr::parse(*v)) {
            auto out = emit_of<P>(*r);
            auto again = LcpView<>::checked(out);
            REQUIRE(again);
            CHECK(*LcpConfigRepr::parse(*again) == *r);
        }
        if (auto r = LcpEchoRepr::parse(*v)) {
            auto out = emit_of<P>(*r);
            CHECK(*LcpEchoRepr::parse(*LcpView<>::checked(out)) == *r);
        }
        const auto c = static_cast<std::uint8_t>(v->code());
        if (c == 8) (void)v->rejected_information();
    } else if constexpr (P == PppProtocol::ipcp) {
        if (auto r = IpcpConfigRepr::parse(*v)) {
            auto out = emit_of<P>(*r);
            CHECK(*IpcpConfigRepr::parse(*IpcpView<>::checked(out)) == *r);
        }
    } else if constexpr (P == PppProtocol::pap) {
        if (auto r = PapRepr::parse(*v)) {
            auto out = emit_of<P>(*r);
            CHECK(*PapRepr::parse(*PapView<>::checked(out)) == *r);
        }
    } else {
        if (auto r = ChapRepr::parse(*v)) {
            auto out = emit_of<P>(*r);
            CHECK(*ChapRepr::parse(*ChapView<>::checked(out)) == *r);
        }
    }
}
void exercise_all(Bytes b) {
    exercise<PppProtocol::lcp>(b);
    exercise<PppProtocol::ipcp>(b);
    exercise<PppProtocol::pap>(b);
    exercise<PppProtocol::chap>(b);
}
} // namespace

TEST_CASE("ppp control: every truncation and byte mutation is safe", "[lcp][ipcp][pap][chap]") {
    const Bytes samples[] = {ctl(s::lcp_confreq), ctl(s::lcp_confack_pap), ctl(s::lcp_echo),
                             ctl(s::lcp_termreq), ctl(s::pap_req),         ctl(s::pap_ack),
                             ctl(s::pap_nak),     ctl(s::chap_chal),       ctl(s::chap_resp),
                             ctl(s::chap_succ),   ctl(s::chap_fail),       ctl(s::ipcp_confreq),
                             ctl(s::ipcp_confnak)};
    for (Bytes sample : samples) {
        for (std::size_t n = 0; n <= sample.size(); ++n) {
            // Length covers the whole sample: only the full buffer passes.
            CHECK(LcpView<>::checked_header(sample.first(n)).has_value() == (n == sample.size()));
            exercise_all(sample.first(n));
        }
        auto b = copy(sample);
        for (std::size_t i = 0; i < b.size(); ++i) {
            const Byte keep = b[i];
            for (Byte x : {Byte{0x00}, Byte{0x01}, Byte{0x02}, Byte{0x05}, Byte{0x09}, Byte{0x0d},
                           Byte{0x7f}, Byte{0xff}}) {
                b[i] = x;
                exercise_all(b);
            }
            b[i] = keep;
        }
    }
}

TEST_CASE("ppp control: errors are built from the field descriptors", "[ppp][field]") {
    const std::array<Byte, 8> p3{0x01, 0x01, 0x00, 0x08, 0x01, 0x61, 0x02, 0x62};
    auto pw = PapView<>::checked(p3);
    REQUIRE_FALSE(pw);
    CHECK(pw.error().is(pap_field::password));
    CHECK(pw.error().offset == pap_field::password.first + 1); // rebased by the Peer-ID
    const std::array<Byte, 3> short_header{0x01, 0x01, 0x00};
    auto h = LcpView<>::checked_header(short_header);
    REQUIRE_FALSE(h);
    CHECK(h.error().is(lcp_field::header));
    CHECK_FALSE(h.error().is(ipcp_field::header)); // same name, other layer
    const std::array<Byte, 6> bad_opt{0x01, 0x01, 0x00, 0x06, 0x01, 0x01};
    auto o = IpcpView<>::checked(bad_opt);
    REQUIRE_FALSE(o);
    CHECK(o.error().is(ipcp_field::option_length));
    CHECK(o.error().offset == 5);
    const std::array<Byte, 4> c0{0x01, 0x01, 0x00, 0x04};
    CHECK(ChapView<>::checked(c0).error().is(chap_field::value_size));
}
