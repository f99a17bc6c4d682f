// PPPoE header, discovery TAGs, validation and reprs (RFC 2516).
#include <array>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/ppp/pppoe_discovery.hpp>

#include "wire/ppp/samples.hpp"
#include "wire/ppp/test_util.hpp"

using namespace strata;
using namespace ppp_test;
namespace s = ppp_samples;

namespace {

template <std::size_t N>
Bytes pppoe_part(const Byte (&frame)[N]) {
    return Bytes(frame).subspan(s::eth_len);
}
template <std::size_t N>
EtherType ether_type_of(const Byte (&frame)[N]) {
    return EtherType{load_be16(frame + 12)};
}

struct TagSeen {
    std::uint16_t type;
    std::size_t len;
    std::vector<Byte> value;
    std::size_t offset;
};
std::vector<TagSeen> tags_of(const PppoeView<>& v) {
    std::vector<TagSeen> out;
    for (const PppoeTag t : v.tags())
        out.push_back(
            {static_cast<std::uint16_t>(t.type()), t.length(), copy(t.value()), t.offset()});
    return out;
}

const std::vector<Bytes>& discovery_samples() {
    static const std::vector<Bytes> all = {pppoe_part(s::padi),     pppoe_part(s::pado),
                                           pppoe_part(s::padr),     pppoe_part(s::pads),
                                           pppoe_part(s::pads_err), pppoe_part(s::padt)};
    return all;
}

} // namespace

TEST_CASE("pppoe: stage from the EtherType (RFC 2516 §4)", "[pppoe]") {
    // tshark calls 0x8863 frames "PPP-over-Ethernet Discovery" and 0x8864
    // frames "PPP-over-Ethernet Session".
    CHECK(pppoe_stage(ether_type_of(s::padi)) == PppoeStage::discovery);
    CHECK(pppoe_stage(ether_type_of(s::lcp_confreq)) == PppoeStage::session);
    CHECK_FALSE(pppoe_stage(EtherType::ipv4).has_value());
    CHECK(to_string(PppoeStage::discovery) == "discovery");
    CHECK(to_string(PppoeStage::session) == "session");
}

TEST_CASE("pppoe: PADI known answer (scapy, tshark)", "[pppoe]") {
    // tshark: Code: Active Discovery Initiation (PADI) (0x09)
    //         Session ID: 0x0000, Payload Length: 12, Host-Uniq: 12345678
    auto v = PppoeView<>::checked(pppoe_part(s::padi));
    REQUIRE(v);
    CHECK(v->version() == 1);
    CHECK(v->type() == 1);
    CHECK(v->code() == PppoeCode::padi);
    CHECK(v->session_id() == 0);
    CHECK(v->length() == 12);
    CHECK(v->payload().size() == 12);
    const auto tags = tags_of(*v);
    REQUIRE(tags.size() == 2);
    // An empty Service-Name (type 0x0101, length 0) asks for any service.
    CHECK(tags[0].type == 0x0101);
    CHECK(tags[0].len == 0);
    CHECK(tags[0].offset == 6);
    CHECK(tags[1].type == 0x0103);
    CHECK(tags[1].value == std::vector<Byte>{0x12, 0x34, 0x56, 0x78});
    CHECK(tags[1].offset == 10);
    CHECK_FALSE(v->tags().error().has_value());
    CHECK_FALSE(validate(*v, PppoeStage::discovery).has_value());
}

TEST_CASE("pppoe: PADO known answer (scapy, tshark)", "[pppoe]") {
    // tshark: Code: PADO (0x07), Session ID: 0x0000, Payload Length: 54,
    //   AC-Name: strata-bas, Service-Name: internet,
    //   AC-Cookie: 000102030405060708090a0b0c0d0e0f, Host-Uniq: 12345678
    auto v = PppoeView<>::checked(pppoe_part(s::pado));
    REQUIRE(v);
    CHECK(v->code() == PppoeCode::pado);
    CHECK(v->length() == 54);
    const auto ac = v->tags().find(PppoeTagType::ac_name);
    REQUIRE(ac);
    CHECK(ac->text() == "strata-bas");
    CHECK(v->tags().find(PppoeTagType::service_name)->text() == "internet");
    CHECK(same(v->tags().find(PppoeTagType::ac_cookie)->value(),
               hex_bytes("000102030405060708090a0b0c0d0e0f")));
    CHECK_FALSE(v->tags().find(PppoeTagType::relay_session_id).has_value());
    CHECK(v->tags().count(PppoeTagType::service_name) == 1);
    CHECK_FALSE(validate(*v, PppoeStage::discovery).has_value());

    auto r = PppoeDiscoveryRepr::parse(*v);
    REQUIRE(r);
    CHECK(r->code == PppoeCode::pado);
    CHECK(r->ac_name == "strata-bas");
    CHECK(r->service_name == "internet");
    REQUIRE(r->host_uniq);
    CHECK(same(*r->host_uniq, hex_bytes("12345678")));
    CHECK_FALSE(r->generic_error.has_value());
}

TEST_CASE("pppoe: PADR with Relay-Session-Id known answer (scapy, tshark)", "[pppoe]") {
    // tshark: Code: PADR (0x19), Payload Length: 48, Service-Name: internet,
    //   AC-Cookie: 0001..0f, Relay-Session-Id: aabbccdd, Host-Uniq: 12345678
    auto v = PppoeView<>::checked(pppoe_part(s::padr));
    REQUIRE(v);
    CHECK(v->code() == PppoeCode::padr);
    CHECK(v->length() == 48);
    auto r = PppoeDiscoveryRepr::parse(*v);
    REQUIRE(r);
    REQUIRE(r->relay_session_id);
    CHECK(same(*r->relay_session_id, hex_bytes("aabbccdd")));
    REQUIRE(r->ac_cookie);
    CHECK(r->ac_cookie->size() == 16);
    CHECK_FALSE(validate(*v, PppoeStage::discovery).has_value());
}

TEST_CASE("pppoe: PADS and an error PADS known answers (scapy, tshark)", "[pppoe]") {
    // tshark: Code: PADS (0x65), Session ID: 0x1234, Payload Length: 20
    auto v = PppoeView<>::checked(pppoe_part(s::pads));
    REQUIRE(v);
    CHECK(v->code() == PppoeCode::pads);
    CHECK(v->session_id() == 0x1234);
    CHECK(v->length() == 20);
    CHECK_FALSE(validate(*v, PppoeStage::discovery).has_value());

    // tshark: Session ID: 0x0000, Payload Length: 23,
    //   Service-Name-Error: no such service, Generic-Error: (empty)
    auto e = PppoeView<>::checked(pppoe_part(s::pads_err));
    REQUIRE(e);
    CHECK(e->session_id() == 0);
    CHECK(e->length() == 23);
    auto r = PppoeDiscoveryRepr::parse(*e);
    REQUIRE(r);
    CHECK(r->service_name_error == "no such service");
    CHECK(r->generic_error == "");
    CHECK_FALSE(r->service_name.has_value());
    int errors = 0;
    for (const PppoeTag t : e->tags())
        errors += t.is_error() ? 1 : 0;
    CHECK(errors == 2);
    // RFC 2516 §5.4: a refusing PADS carries a Service-Name-Error instead.
    CHECK_FALSE(validate(*e, PppoeStage::discovery).has_value());
}

TEST_CASE("pppoe: PADT known answer, Ethernet padding trimmed", "[pppoe]") {
    // tshark: Code: PADT (0xa7), Session ID: 0x1234, Payload Length: 7,
    //   AC-System-Error: bye
    // A 27-byte frame is padded to the 60-byte Ethernet minimum on the wire:
    // the 33 zero bytes after LENGTH must not be read as TAGs.
    std::vector<Byte> frame = copy(Bytes(s::padt));
    frame.resize(60, 0);
    auto v = PppoeView<>::checked(Bytes(frame).subspan(s::eth_len));
    REQUIRE(v);
    CHECK(v->code() == PppoeCode::padt);
    CHECK(v->session_id() == 0x1234);
    CHECK(v->bytes().size() == 6 + 7);
    const auto tags = tags_of(*v);
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].type == 0x0202);
    CHECK(tags[0].value == copy(text_bytes("bye")));
    CHECK_FALSE(validate(*v, PppoeStage::discovery).has_value());
}

TEST_CASE("pppoe: emit reproduces scapy's bytes", "[pppoe]") {
    SECTION("PADI from a repr") {
        const std::vector<Byte> uniq = hex_bytes("12345678");
        PppoeDiscoveryRepr r;
        r.code = PppoeCode::padi;
        r.service_name = "";
        r.host_uniq = Bytes(uniq);
        std::vector<Byte> buf(r.buffer_len());
        r.emit(PppoeView<Byte>::unchecked(buf));
        CHECK(same(buf, pppoe_part(s::padi)));
    }
    SECTION("PADS from a repr") {
        const std::vector<Byte> uniq = hex_bytes("12345678");
        PppoeDiscoveryRepr r;
        r.code = PppoeCode::pads;
        r.session_id = 0x1234;
        r.service_name = "internet";
        r.host_uniq = Bytes(uniq);
        std::vector<Byte> buf(r.buffer_len());
        r.emit(PppoeView<Byte>::unchecked(buf));
        CHECK(same(buf, pppoe_part(s::pads)));
    }
    SECTION("error PADS and PADT from reprs") {
        PppoeDiscoveryRepr r;
        r.code = PppoeCode::pads;
        r.service_name_error = "no such service";
        r.generic_error = "";
        std::vector<Byte> buf(r.buffer_len());
        r.emit(PppoeView<Byte>::unchecked(buf));
        CHECK(same(buf, pppoe_part(s::pads_err)));

        PppoeDiscoveryRepr t;
        t.code = PppoeCode::padt;
        t.session_id = 0x1234;
        t.ac_system_error = "bye";
        std::vector<Byte> tb(t.buffer_len());
        t.emit(PppoeView<Byte>::unchecked(tb));
        CHECK(same(tb, pppoe_part(s::padt)));
    }
    SECTION("PADR with the TAG writer, in scapy's TAG order") {
        std::array<Byte, 6 + 48> buf{};
        const std::vector<Byte> cookie = hex_bytes("000102030405060708090a0b0c0d0e0f");
        const std::vector<Byte> relay = hex_bytes("aabbccdd");
        const std::vector<Byte> uniq = hex_bytes("12345678");
        PppoeTagWriter w{MutBytes(buf).subspan(6)};
        w.add(PppoeTagType::service_name, std::string_view{"internet"})
            .add(PppoeTagType::ac_cookie, Bytes(cookie))
            .add(PppoeTagType::relay_session_id, Bytes(relay))
            .add(PppoeTagType::host_uniq, Bytes(uniq));
        auto n = w.finish();
        REQUIRE(n);
        CHECK(*n == 48);
        PppoeRepr{PppoeCode::padr, 0, *n}.emit(PppoeView<Byte>::unchecked(buf));
        CHECK(same(buf, pppoe_part(s::padr)));
    }
}

TEST_CASE("pppoe: repr round trips", "[pppoe]") {
    for (Bytes sample : discovery_samples()) {
        auto v = PppoeView<>::checked(sample);
        REQUIRE(v);
        auto r = PppoeDiscoveryRepr::parse(*v);
        REQUIRE(r);
        std::vector<Byte> buf(r->buffer_len());
        r->emit(PppoeView<Byte>::unchecked(buf));
        auto v2 = PppoeView<>::checked(buf);
        REQUIRE(v2);
        auto r2 = PppoeDiscoveryRepr::parse(*v2);
        REQUIRE(r2);
        CHECK(*r2 == *r);
    }
    // A repr with every TAG, PPP-Max-Payload included (RFC 4638).
    const std::vector<Byte> uniq = hex_bytes("0102"), cookie = hex_bytes("aabb"),
                            relay = hex_bytes("cc");
    PppoeDiscoveryRepr all{PppoeCode::pado, 0,    "svc",   "ac",    Bytes(uniq), Bytes(cookie),
                           Bytes(relay),    1500, "snerr", "acerr", "generr"};
    std::vector<Byte> buf(all.buffer_len());
    all.emit(PppoeView<Byte>::unchecked(buf));
    auto v = PppoeView<>::checked(buf);
    REQUIRE(v);
    auto back = PppoeDiscoveryRepr::parse(*v);
    REQUIRE(back);
    CHECK(*back == all);
    CHECK(back->ppp_max_payload == 1500);
    // Equality looks at the bytes: a different cookie is a different repr.
    PppoeDiscoveryRepr other = all;
    const std::vector<Byte> cookie2 = hex_bytes("aabc");
    other.ac_cookie = Bytes(cookie2);
    CHECK_FALSE(other == all);

    // The plain header repr.
    auto sess = PppoeView<>::checked(pppoe_part(s::lcp_confreq));
    REQUIRE(sess);
    auto hr = PppoeRepr::parse(*sess);
    REQUIRE(hr);
    CHECK(*hr == PppoeRepr{PppoeCode::session_data, 0x1234, 21});
    std::array<Byte, 6> hb{};
    hr->emit(PppoeView<Byte>::unchecked(hb));
    CHECK(same(hb, pppoe_part(s::lcp_confreq).first(6)));
}

TEST_CASE("pppoe: PPP-Max-Payload, hand-derived (RFC 4638, tshark agrees)", "[pppoe]") {
    // PADI: 11 09 0000, LENGTH 4 + 6 = 10 (00 0a); Service-Name "" 01 01 00 00;
    // PPP-Max-Payload 01 20, TAG_LENGTH 00 02, 1500 = 05 dc.
    // tshark: "Active Discovery Initiation (PADI)", "Payload Length: 10",
    // "PPP-Max-Payload: 05dc".
    const auto want = hex_bytes("11090000000a010100000120000205dc");
    PppoeDiscoveryRepr r;
    r.service_name = "";
    r.ppp_max_payload = 1500;
    std::vector<Byte> buf(r.buffer_len());
    r.emit(PppoeView<Byte>::unchecked(buf));
    CHECK(same(buf, want));
    auto v = PppoeView<>::checked(want);
    REQUIRE(v);
    auto back = PppoeDiscoveryRepr::parse(*v);
    REQUIRE(back);
    CHECK(back->ppp_max_payload == 1500);
    CHECK(*back == r);
}

TEST_CASE("pppoe: header errors", "[pppoe]") {
    const Bytes padi = pppoe_part(s::padi);
    require_error(PppoeView<>::checked(padi.first(5)), "pppoe", "header", 0, Errc::truncated);
    require_error(PppoeView<>::checked(Bytes{}), "pppoe", "header", 0, Errc::truncated);

    auto bad = copy(padi);
    bad[0] = 0x21; // VER 2
    auto r = PppoeView<>::checked(bad);
    require_error(r, "pppoe", "version", 0, Errc::bad_version);
    CHECK(r.error().value == 2);
    bad[0] = 0x12; // TYPE 2
    require_error(PppoeView<>::checked(bad), "pppoe", "type", 0, Errc::bad_version);

    // LENGTH 12 but only 11 payload bytes.
    auto lr = PppoeView<>::checked(padi.first(17));
    require_error(lr, "pppoe", "length", 4, Errc::truncated);
    CHECK(lr.error().value == 12);
    CHECK(lr.error().expected == 11);

    // Parsing a repr from an unchecked view re-checks VER/TYPE.
    require_error(PppoeRepr::parse(PppoeView<>::unchecked(bad)), "pppoe", "type", 0,
                  Errc::bad_version);
}

TEST_CASE("pppoe: TAG errors, with offsets from the PPPoE header", "[pppoe]") {
    SECTION("TAG_LENGTH past the payload") {
        auto b = copy(pppoe_part(s::padi));
        b[12] = 0x00; // Host-Uniq TAG_LENGTH (offset 12) 4 → 5
        b[13] = 0x05;
        auto v = PppoeView<>::checked(b);
        REQUIRE(v); // the header is fine: a dissector still shows it
        auto e = v->tags().error();
        REQUIRE(e);
        require_error(*e, "pppoe", "tag_length", 12, Errc::truncated);
        CHECK(e->value == 5);
        CHECK(e->expected == 4);
        // The range yields the good TAG before the bad one, then stops.
        CHECK(tags_of(*v).size() == 1);
        auto ve = validate(*v, PppoeStage::discovery);
        REQUIRE(ve);
        CHECK(*ve == *e);
        require_error(PppoeDiscoveryRepr::parse(*v), "pppoe", "tag_length", 12, Errc::truncated);
    }
    SECTION("a partial TAG header at the end") {
        auto b = copy(pppoe_part(s::padi));
        b.push_back(0x01);
        b.push_back(0x01);
        b[5] = 14; // LENGTH 12 → 14 covers the 2 stray bytes at offset 18
        auto v = PppoeView<>::checked(b);
        REQUIRE(v);
        auto e = v->tags().error();
        REQUIRE(e);
        require_error(*e, "pppoe", "tag", 18, Errc::truncated);
        CHECK(tags_of(*v).size() == 2);
    }
    SECTION("End-Of-List ends the list; with a length it is an error") {
        // Hand-built: header 11 09 0000 000c, Service-Name "" (01 01 00 00),
        // End-Of-List (00 00 00 00), then a Host-Uniq after it that must be
        // ignored (RFC 2516 Appendix A: no further TAGs).
        std::vector<Byte> b = {0x11, 0x09, 0x00, 0x00, 0x00, 0x0c, 0x01, 0x01, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00};
        auto v = PppoeView<>::checked(b);
        REQUIRE(v);
        const auto t = tags_of(*v);
        REQUIRE(t.size() == 2);
        CHECK(t[1].type == 0x0000);
        CHECK_FALSE(v->tags().error().has_value());
        CHECK_FALSE(v->tags().find(PppoeTagType::host_uniq).has_value());
        b[13] = 0x01; // End-Of-List TAG_LENGTH 1 (offset 12)
        auto v2 = PppoeView<>::checked(b);
        REQUIRE(v2);
        require_error(*v2->tags().error(), "pppoe", "tag_length", 12, Errc::bad_length);
    }
    SECTION("PPP-Max-Payload must be 2 bytes (RFC 4638)") {
        std::vector<Byte> b = {0x11, 0x09, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x01, 0x00,
                               0x00, 0x01, 0x20, 0x00, 0x03, 0x05, 0xdc, 0x00};
        auto v = PppoeView<>::checked(b);
        REQUIRE(v);
        require_error(PppoeDiscoveryRepr::parse(*v), "pppoe", "tag_length", 12, Errc::bad_length);
    }
}

TEST_CASE("pppoe: validate() applies RFC 2516 §5 rules", "[pppoe]") {
    auto check = [](std::vector<Byte> b, PppoeStage st, std::string_view field, std::size_t off,
                    Errc code) {
        auto v = PppoeView<>::checked(b);
        REQUIRE(v);
        auto e = validate(*v, st);
        REQUIRE(e);
        require_error(*e, "pppoe", field, off, code);
    };
    auto padi = copy(pppoe_part(s::padi));
    auto with = [](std::vector<Byte> b, std::size_t i, Byte x) {
        b[i] = x;
        return b;
    };
    // PADI/PADO/PADR carry SESSION_ID 0 (§5.1–5.3).
    check(with(padi, 3, 1), PppoeStage::discovery, "session_id", 2, Errc::bad_value);
    check(with(copy(pppoe_part(s::pado)), 2, 0x80), PppoeStage::discovery, "session_id", 2,
          Errc::bad_value);
    // PADT names the session it ends (§5.5).
    auto padt = copy(pppoe_part(s::padt));
    check(with(with(padt, 2, 0), 3, 0), PppoeStage::discovery, "session_id", 2, Errc::bad_value);
    // Session stage: CODE 0 (§6); discovery: never 0.
    check(padi, PppoeStage::session, "code", 1, Errc::bad_value);
    check(with(padi, 1, 0), PppoeStage::discovery, "code", 1, Errc::bad_value);
    // PADI without a Service-Name: change its type 0x0101 → 0x0105.
    check(with(padi, 7, 0x05), PppoeStage::discovery, "service_name", 6, Errc::not_found);
    // PADI with two Service-Names: Host-Uniq 0x0103 → 0x0101.
    check(with(padi, 11, 0x01), PppoeStage::discovery, "service_name", 6, Errc::duplicate);
    // PADO without AC-Name: its first TAG 0x0102 → 0x0105 (Vendor-Specific).
    check(with(copy(pppoe_part(s::pado)), 7, 0x05), PppoeStage::discovery, "ac_name", 6,
          Errc::not_found);
    // PADS without Service-Name or Service-Name-Error.
    check(with(copy(pppoe_part(s::pads)), 7, 0x05), PppoeStage::discovery, "service_name", 6,
          Errc::not_found);
    // A 13-byte Relay-Session-Id (Appendix A allows 12): hand-built PADR
    // 11 19 0000 0015, Service-Name "" (01 01 00 00), 01 10 00 0d + 13 bytes;
    // its TAG_LENGTH sits at 6 + 4 + 2 = 12.
    std::vector<Byte> relay = {0x11, 0x19, 0x00, 0x00, 0x00, 0x15, 0x01,
                               0x01, 0x00, 0x00, 0x01, 0x10, 0x00, 0x0d};
    relay.resize(relay.size() + 13, 0xab);
    check(relay, PppoeStage::discovery, "relay_session_id", 12, Errc::bad_length);
    relay[13] = 12; // 12 bytes is allowed; LENGTH shrinks by one
    relay[5] = 0x14;
    relay.pop_back();
    auto ok12 = PppoeView<>::checked(relay);
    REQUIRE(ok12);
    CHECK_FALSE(validate(*ok12, PppoeStage::discovery).has_value());
    // Session packets pass in the session stage; an unknown discovery code passes.
    auto sess = PppoeView<>::checked(pppoe_part(s::lcp_confreq));
    REQUIRE(sess);
    CHECK_FALSE(validate(*sess, PppoeStage::session).has_value());
    const auto odd_bytes = with(padi, 1, 0x55);
    auto odd = PppoeView<>::checked(odd_bytes);
    REQUIRE(odd);
    CHECK(odd->code() == PppoeCode{0x55});
    CHECK(to_string(odd->code()) == "unknown");
    CHECK_FALSE(validate(*odd, PppoeStage::discovery).has_value());
}

TEST_CASE("pppoe: TAG writer reports running out of room", "[pppoe]") {
    std::array<Byte, 10> buf{};
    PppoeTagWriter w{buf};
    w.add(PppoeTagType::service_name, std::string_view{"ab"}); // 6 bytes
    CHECK(w.size() == 6);
    w.add(PppoeTagType::host_uniq, std::string_view{"xyz"}); // needs 7, 4 left
    w.add(PppoeTagType::host_uniq, Bytes{});                 // would fit, but too late
    auto r = w.finish();
    require_error(r, "pppoe", "tags", 6 + 6, Errc::buffer_too_small);
    CHECK(w.size() == 6);

    PppoeTagWriter ok{buf};
    ok.add_u16(PppoeTagType::ppp_max_payload, 1500);
    auto n = ok.finish();
    REQUIRE(n);
    CHECK(*n == 6);
    CHECK(buf[0] == 0x01);
    CHECK(buf[1] == 0x20);
    CHECK(buf[3] == 2);
    CHECK(load_be16(buf.data() + 4) == 1500);
}

namespace {
// Everything a reader can do with a buffer; must never read out of bounds.
void exercise(Bytes b) {
    auto v = PppoeView<>::checked(b);
    if (!v) return;
    REQUIRE(v->bytes().size() == 6u + v->length());
    std::size_t total = 0;
    for (const PppoeTag t : v->tags()) {
        total += t.bytes().size();
        (void)t.text();
    }
    CHECK(total <= v->payload().size());
    (void)v->tags().error();
    (void)validate(*v, PppoeStage::discovery);
    (void)validate(*v, PppoeStage::session);
    if (auto r = PppoeDiscoveryRepr::parse(*v)) {
        std::vector<Byte> out(r->buffer_len());
        r->emit(PppoeView<Byte>::unchecked(out));
        auto again = PppoeView<>::checked(out);
        REQUIRE(again);
        auto r2 = PppoeDiscoveryRepr::parse(*again);
        REQUIRE(r2);
        CHECK(*r2 == *r);
    }
}
} // namespace

TEST_CASE("pppoe: every truncation and byte mutation is safe", "[pppoe]") {
    for (Bytes sample : discovery_samples()) {
        for (std::size_t n = 0; n <= sample.size(); ++n) {
            auto v = PppoeView<>::checked(sample.first(n));
            // The header holds LENGTH = sample.size() - 6: any shorter
            // buffer is an error, the full one is accepted.
            CHECK(v.has_value() == (n == sample.size()));
            exercise(sample.first(n));
        }
        auto b = copy(sample);
        for (std::size_t i = 0; i < b.size(); ++i) {
            const Byte keep = b[i];
            for (Byte x : {Byte{0x00}, Byte{0x01}, Byte{0x11}, Byte{0x7f}, Byte{0xff}}) {
                b[i] = x;
                exercise(b);
            }
            b[i] = keep;
        }
    }
}
