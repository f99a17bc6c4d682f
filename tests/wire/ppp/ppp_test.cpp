// The PPP protocol field inside PPPoE (RFC 1661 §2, RFC 2516 §7) and whole
// frames composed as Ethernet < PPPoE < PPP < ... >.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/ppp/chap.hpp>
#include <strata/wire/ppp/ipcp.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/pap.hpp>
#include <strata/wire/ppp/ppp.hpp>
#include <strata/wire/ppp/pppoe_discovery.hpp>

#include "wire/ppp/samples.hpp"
#include "wire/ppp/test_util.hpp"

using namespace strata;
using namespace ppp_test;
namespace s = ppp_samples;

namespace {
template <std::size_t N>
Bytes ppp_part(const Byte (&frame)[N]) {
    auto pppoe = PppoeView<>::checked(Bytes(frame).subspan(s::eth_len));
    REQUIRE(pppoe);
    return pppoe->payload();
}
} // namespace

TEST_CASE("ppp: protocol field known answers (scapy, tshark)", "[ppp]") {
    struct Case {
        Bytes bytes;
        PppProtocol protocol;
        std::size_t payload;
    };
    // tshark: "Protocol: Link Control Protocol (0xc021)", "Password
    // Authentication Protocol (0xc023)", "Challenge Handshake Authentication
    // Protocol (0xc223)", "Internet Protocol Control Protocol (0x8021)",
    // "Internet Protocol version 4 (0x0021)".
    const Case cases[] = {
        {ppp_part(s::lcp_confreq), PppProtocol::lcp, 19},
        {ppp_part(s::pap_req), PppProtocol::pap, 17},
        {ppp_part(s::chap_chal), PppProtocol::chap, 24},
        {ppp_part(s::ipcp_confreq), PppProtocol::ipcp, 22},
        {ppp_part(s::ipv4), PppProtocol::ipv4, 29},
    };
    for (const Case& c : cases) {
        auto v = PppView<>::checked(c.bytes);
        REQUIRE(v);
        CHECK(v->protocol() == c.protocol);
        CHECK(v->header_len() == 2);
        CHECK(v->payload().size() == c.payload);
        auto r = PppRepr::parse(*v);
        REQUIRE(r);
        CHECK(*r == PppRepr{c.protocol, c.payload});
    }
    // The IPv4 payload starts with version 4, IHL 5 (0x45).
    CHECK(PppView<>::checked(ppp_part(s::ipv4))->payload()[0] == 0x45);
    CHECK(is_ppp_control_protocol(PppProtocol::lcp));
    CHECK(is_ppp_network_protocol(PppProtocol::ipv4));
    CHECK_FALSE(is_ppp_network_protocol(PppProtocol::ipcp));
    CHECK(to_string(PppProtocol::chap) == "CHAP");
}

TEST_CASE("ppp: protocol field errors", "[ppp]") {
    const std::array<Byte, 1> one{0xc0};
    require_error(PppView<>::checked(one), "ppp", "protocol", 0, Errc::truncated);
    require_error(PppView<>::checked(Bytes{}), "ppp", "protocol", 0, Errc::truncated);
    // scapy 2.5 writes PPP(proto=0x0021) with a compressed 1-byte protocol
    // field (PFC): its session payload was 21 45 00 00 1d ... . Read as a
    // 2-byte field that is 0x2145, whose high octet is odd: RFC 1661 §2
    // forbids it, and PPPoE peers do not negotiate PFC.
    const std::array<Byte, 4> pfc{0x21, 0x45, 0x00, 0x00};
    auto r = PppView<>::checked(pfc);
    require_error(r, "ppp", "protocol", 0, Errc::bad_value);
    CHECK(r.error().value == 0x2145);
    // An even protocol number is invalid too (RFC 1661 §2).
    const std::array<Byte, 2> even{0xc0, 0x20};
    require_error(PppView<>::checked(even), "ppp", "protocol", 0, Errc::bad_value);
    require_error(PppRepr::parse(PppView<>::unchecked(even)), "ppp", "protocol", 0,
                  Errc::bad_value);
    // An unknown but well-formed protocol is a value (the peer answers with
    // an LCP Protocol-Reject, RFC 1661 §5.7).
    const std::array<Byte, 2> other{0x00, 0x3d};
    auto o = PppView<>::checked(other);
    REQUIRE(o);
    CHECK(o->protocol() == PppProtocol{0x003d});
    CHECK(o->payload().empty());
}

TEST_CASE("ppp: a whole LCP frame composed layer by layer equals scapy's", "[ppp]") {
    // Ethernet < PPPoE session < PPP < LCP Configure-Request > > >, written
    // inside out as a stack encoder would: LCP first, then the headers.
    LcpConfigRepr lcp;
    lcp.identifier = 1;
    lcp.mru = 1492;
    lcp.auth = PppAuth{PppProtocol::chap, chap_md5};
    lcp.magic_number = 0x01020304;
    const std::size_t lcp_len = lcp.buffer_len();
    const PppRepr ppp{PppProtocol::lcp, lcp_len};
    const PppoeRepr pppoe{PppoeCode::session_data, 0x1234, ppp.buffer_len() + lcp_len};
    std::vector<Byte> frame(s::eth_len + pppoe.buffer_len() + pppoe.payload_len);
    // MAC header by hand: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, 0x8864.
    const Byte mac[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64};
    std::copy(std::begin(mac), std::end(mac), frame.begin());
    auto at = MutBytes(frame).subspan(s::eth_len);
    pppoe.emit(PppoeView<Byte>::unchecked(at));
    at = at.subspan(pppoe.buffer_len());
    ppp.emit(PppView<Byte>::unchecked(at));
    lcp.emit(LcpView<Byte>::unchecked(at.subspan(ppp.buffer_len())));
    CHECK(same(frame, Bytes(s::lcp_confreq)));

    // And decoded back layer by layer.
    auto pv = PppoeView<>::checked(Bytes(frame).subspan(s::eth_len));
    REQUIRE(pv);
    CHECK_FALSE(validate(*pv, PppoeStage::session).has_value());
    auto ppv = PppView<>::checked(pv->payload());
    REQUIRE(ppv);
    auto lv = LcpView<>::checked(ppv->payload());
    REQUIRE(lv);
    auto back = LcpConfigRepr::parse(*lv);
    REQUIRE(back);
    CHECK(*back == lcp);
}

TEST_CASE("ppp: setters and the read-only conversion", "[ppp]") {
    std::array<Byte, 4> b{};
    auto v = PppView<Byte>::unchecked(b);
    v.set_protocol(PppProtocol::ipcp);
    CHECK(b[0] == 0x80);
    CHECK(b[1] == 0x21);
    PppView<> ro = v;
    CHECK(ro.protocol() == PppProtocol::ipcp);
    CHECK(ro.payload().size() == 2);
}
