// Domain names: RFC 1035 §4.1.4 compression known answers, the malformed
// name cases (each with its own error and offset), text form, comparison.
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/name.hpp>

using namespace strata;
using namespace strata::dns;

namespace {

void put(std::vector<Byte>& m, std::size_t at, std::initializer_list<int> bytes) {
    if (m.size() < at + bytes.size()) m.resize(at + bytes.size(), 0);
    for (int b : bytes)
        m[at++] = static_cast<Byte>(b);
}

std::vector<std::string> label_strings(const NameView& n) {
    std::vector<std::string> out;
    for (Bytes l : n.labels())
        out.emplace_back(l.begin(), l.end());
    return out;
}

Error name_error(const std::vector<Byte>& m, std::size_t at) {
    auto r = NameView::checked(Bytes{m}, at);
    REQUIRE_FALSE(r);
    return r.error();
}

} // namespace

// RFC 1035 §4.1.4: "F.ISI.ARPA" at offset 20; "FOO.F.ISI.ARPA" at 40 as the
// label FOO followed by a pointer to 20; "ARPA" at 64 as a pointer to 26 (the
// ARPA label inside F.ISI.ARPA: 20 + 1+1 ("F") + 1+3 ("ISI") = 26); the root
// at 92 as a single zero byte. Bytes below are written from that figure.
TEST_CASE("RFC 1035 4.1.4 compression example parses", "[dns][name]") {
    std::vector<Byte> m(93, 0);
    put(m, 20, {1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
    put(m, 40, {3, 'F', 'O', 'O', 0xc0, 20});
    put(m, 64, {0xc0, 26});
    put(m, 92, {0});
    const Bytes msg{m};

    auto fisi = NameView::checked(msg, 20);
    REQUIRE(fisi);
    CHECK(fisi->to_string() == "F.ISI.ARPA");
    CHECK(fisi->wire_len() == 12);
    CHECK(fisi->length() == 12);
    CHECK(fisi->label_count() == 3);

    auto foo = NameView::checked(msg, 40);
    REQUIRE(foo);
    CHECK(foo->to_string() == "FOO.F.ISI.ARPA");
    CHECK(foo->wire_len() == 6); // FOO (4) + pointer (2)
    CHECK(foo->length() == 16);  // uncompressed: 4 + 12
    CHECK(label_strings(*foo) == std::vector<std::string>{"FOO", "F", "ISI", "ARPA"});

    auto arpa = NameView::checked(msg, 64);
    REQUIRE(arpa);
    CHECK(arpa->to_string() == "ARPA");
    CHECK(arpa->wire_len() == 2);
    CHECK(arpa->length() == 6);

    auto root = NameView::checked(msg, 92);
    REQUIRE(root);
    CHECK(root->is_root());
    CHECK(root->to_string() == ".");
    CHECK(root->wire_len() == 1);

    // Owned copies hold the uncompressed form.
    const Name owned = foo->to_name();
    const std::array<Byte, 16> want{3,   'F', 'O', 'O', 1,   'F', 3,   'I',
                                    'S', 'I', 4,   'A', 'R', 'P', 'A', 0};
    CHECK(std::equal(owned.wire().begin(), owned.wire().end(), want.begin(), want.end()));
    CHECK(owned == *foo);
    CHECK(foo->equals("foo.f.isi.arpa"));
    CHECK(foo->equals("FOO.F.ISI.ARPA."));
    CHECK_FALSE(foo->equals("FOO.F.ISI.ARP"));
    CHECK(*arpa == *Name::parse("arpa"));
}

// The same four names emitted by the builder as four questions. Derived by
// hand: the header is 12 bytes, so F.ISI.ARPA is written in full at 12 (12
// bytes + QTYPE/QCLASS = 16, next at 28); FOO.F.ISI.ARPA at 28 is FOO +
// pointer to 12 (0xc00c); ARPA at 38 is a pointer to 12 + 6 = 18 (0xc012);
// the root at 44 is one zero byte.
TEST_CASE("builder emits RFC 1035 4.1.4 compression", "[dns][name][builder]") {
    std::array<Byte, 128> buf{};
    MessageBuilder b{buf};
    REQUIRE(b.add_question("F.ISI.ARPA", RrType::a));
    REQUIRE(b.add_question("FOO.F.ISI.ARPA", RrType::a));
    REQUIRE(b.add_question("ARPA", RrType::a));
    REQUIRE(b.add_question(".", RrType::a));
    auto out = b.finish();
    REQUIRE(out);
    const std::vector<Byte> want{
        0,    0,   0,   0,   0,    4,   0, 0,   0,   0,   0,   0,             // header, QDCOUNT 4
        1,    'F', 3,   'I', 'S',  'I', 4, 'A', 'R', 'P', 'A', 0, 0, 1, 0, 1, // F.ISI.ARPA
        3,    'F', 'O', 'O', 0xc0, 12,  0, 1,   0,   1,                       // FOO + ptr 12
        0xc0, 18,  0,   1,   0,    1,                                         // ptr 18
        0,    0,   1,   0,   1,                                               // root
    };
    CHECK(std::vector<Byte>(out->begin(), out->end()) == want);

    // And it reads back.
    auto v = MessageView<>::checked(Bytes{*out});
    REQUIRE(v);
    std::vector<std::string> names;
    for (const auto& q : v->questions()) {
        REQUIRE(q);
        names.push_back(q->name.to_string());
    }
    CHECK(names == std::vector<std::string>{"F.ISI.ARPA", "FOO.F.ISI.ARPA", "ARPA", "."});
}

TEST_CASE("compression can be turned off; case is preserved", "[dns][name][builder]") {
    std::array<Byte, 128> buf{};
    MessageBuilder b{buf};
    b.set_compression(false);
    REQUIRE(b.add_question("a.example", RrType::a));
    REQUIRE(b.add_question("a.example", RrType::a));
    auto out = b.finish();
    REQUIRE(out);
    CHECK(out->size() == 12 + 2 * (11 + 4)); // both in full

    std::array<Byte, 128> buf2{};
    MessageBuilder c{buf2};
    REQUIRE(c.add_question("a.Example", RrType::a));
    REQUIRE(c.add_question("b.example", RrType::a)); // case differs: no reuse of "Example"
    REQUIRE(c.add_question("c.Example", RrType::a)); // reuses offset 14
    auto o2 = c.finish();
    REQUIRE(o2);
    // 12: a.Example (11) + 4 = 27; b.example (11) + 4 = 42; c + ptr 14 (4) + 4 = 50
    CHECK(o2->size() == 50);
    CHECK((*o2)[44] == 0xc0);
    CHECK((*o2)[45] == 14);
}

TEST_CASE("malformed names: each problem has its own error and offset", "[dns][name]") {
    SECTION("label runs past the end") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {3, 'w', 'w'});
        auto e = name_error(m, 12);
        CHECK(e.layer == "dns");
        CHECK(e.field == "name");
        CHECK(e.code == Errc::truncated);
        CHECK(e.offset == 12);
    }
    SECTION("terminator missing") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {3, 'w', 'w', 'w'});
        auto e = name_error(m, 12);
        CHECK(e.field == "name");
        CHECK(e.code == Errc::truncated);
        CHECK(e.offset == 16);
    }
    SECTION("pointer cut after its first byte") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {1, 'a', 0xc0});
        auto e = name_error(m, 12);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::truncated);
        CHECK(e.offset == 14);
    }
    SECTION("pointer out of bounds") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {0, 1, 'a', 0xc1, 0x00}); // target 256 in a 17-byte message
        auto e = name_error(m, 13);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::too_big);
        CHECK(e.offset == 15);
        CHECK(e.value == 256);
    }
    SECTION("forward pointer") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {1, 'a', 0xc0, 17, 0, 1, 'b', 0}); // 14 -> 17, after itself
        auto e = name_error(m, 12);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::bad_value);
        CHECK(e.offset == 14);
        CHECK(e.value == 17);
    }
    SECTION("pointer to itself") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {0xc0, 12});
        auto e = name_error(m, 12);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::loop);
        CHECK(e.offset == 12);
    }
    SECTION("pointer back to the start of its own name") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {3, 'w', 'w', 'w', 0xc0, 12}); // would read www forever
        auto e = name_error(m, 12);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::loop);
        CHECK(e.offset == 16);
    }
    SECTION("loop through two pointers") {
        // The name at 20 jumps back to 12, whose pointer (at 14) targets 20
        // again. A cycle of pointers always contains one that points forward,
        // and that is what is reported.
        std::vector<Byte> m(12, 0);
        put(m, 12, {1, 'a', 0xc0, 20, 0, 0, 0, 0});
        put(m, 20, {1, 'b', 0xc0, 12});
        auto e = name_error(m, 20);
        CHECK(e.field == "name_pointer");
        CHECK(e.offset == 14);
        CHECK(e.code == Errc::bad_value);
    }
    SECTION("pointer into the middle of its own segment") {
        // 12: "\3www" then at 16 a pointer to 13 ('w' read as a length byte):
        // inside the stretch being read, so it could come back to 16.
        std::vector<Byte> m(12, 0);
        put(m, 12, {3, 'w', 'w', 'w', 0xc0, 13});
        auto e = name_error(m, 12);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::loop);
        CHECK(e.offset == 16);
        CHECK(e.value == 13);
    }
    SECTION("too many pointer hops") {
        // 12: root; then 128 pointers, each to the one before (13 -> 12,
        // 15 -> 13, ...). Starting at the last one takes 128 hops.
        std::vector<Byte> m(13, 0);
        std::size_t prev = 12;
        for (int i = 0; i < 128; ++i) {
            const std::size_t at = m.size();
            put(m, at, {0xc0 | static_cast<int>(prev >> 8), static_cast<int>(prev & 0xff)});
            prev = at;
        }
        REQUIRE(prev < 0x3fff);
        auto e = name_error(m, prev);
        CHECK(e.field == "name_pointer");
        CHECK(e.code == Errc::limit_exceeded);
        // 127 hops are fine: the one before the last resolves to the root.
        auto ok = NameView::checked(Bytes{m}, prev - 2);
        REQUIRE(ok);
        CHECK(ok->is_root());
    }
    SECTION("label type 0b01 (extended)") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {1, 'a', 0x41, 0});
        auto e = name_error(m, 12);
        CHECK(e.field == "label_type");
        CHECK(e.code == Errc::unsupported);
        CHECK(e.offset == 14);
    }
    SECTION("label type 0b10 (reserved)") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {0x80, 0});
        auto e = name_error(m, 12);
        CHECK(e.field == "label_type");
        CHECK(e.code == Errc::bad_value);
        CHECK(e.offset == 12);
    }
    SECTION("longer than 255 octets") {
        // Four 63-byte labels: 4 * 64 + 1 = 257 > 255. The fourth label (at
        // 12 + 3 * 64 = 204) crosses the limit.
        std::vector<Byte> m(12, 0);
        for (int i = 0; i < 4; ++i) {
            m.push_back(63);
            m.insert(m.end(), 63, 'x');
        }
        m.push_back(0);
        auto e = name_error(m, 12);
        CHECK(e.field == "name");
        CHECK(e.code == Errc::too_big);
        CHECK(e.offset == 204);
        // Three 63-byte labels and one of 61: 3*64 + 62 + 1 = 255, allowed.
        std::vector<Byte> ok(12, 0);
        for (int i = 0; i < 3; ++i) {
            ok.push_back(63);
            ok.insert(ok.end(), 63, 'x');
        }
        ok.push_back(61);
        ok.insert(ok.end(), 61, 'y');
        ok.push_back(0);
        auto v = NameView::checked(Bytes{ok}, 12);
        REQUIRE(v);
        CHECK(v->length() == 255);
    }
    SECTION("name longer than 255 only through pointers") {
        // 12: a 250-octet name (4 labels: 63,63,63,57 -> 4 + 246 + 1 = 251
        // octets); then "abcd" + pointer to 12 adds 5 -> 256.
        std::vector<Byte> m(12, 0);
        for (int len : {63, 63, 63, 57}) {
            m.push_back(static_cast<Byte>(len));
            m.insert(m.end(), static_cast<std::size_t>(len), 'x');
        }
        m.push_back(0);
        const std::size_t at = m.size();
        put(m, at, {4, 'a', 'b', 'c', 'd', 0xc0, 12});
        auto e = name_error(m, at);
        CHECK(e.field == "name");
        CHECK(e.code == Errc::too_big);
        CHECK(e.offset == 12 + 3 * 64); // the 57-byte label, reached through the pointer
    }
    SECTION("name bounded by RDATA end before its first pointer") {
        std::vector<Byte> m(12, 0);
        put(m, 12, {3, 'w', 'w', 'w', 0});
        auto e = NameView::checked(Bytes{m}, 12, 15);
        REQUIRE_FALSE(e);
        CHECK(e.error().field == "name");
        CHECK(e.error().code == Errc::truncated);
        CHECK(e.error().offset == 12);
    }
}

TEST_CASE("names from text", "[dns][name]") {
    auto n = Name::parse("www.Example.com");
    REQUIRE(n);
    CHECK(n->length() == 17);
    CHECK(n->label_count() == 3);
    CHECK(n->to_string() == "www.Example.com");
    CHECK(*n == *Name::parse("WWW.EXAMPLE.COM."));
    CHECK_FALSE(*n == *Name::parse("www.example.org"));
    CHECK(n->equals("www.example.com"));

    auto root = Name::parse(".");
    REQUIRE(root);
    CHECK(root->is_root());
    CHECK(root->length() == 1);
    CHECK(root->to_string() == ".");

    // Escapes: \. inside a label, \DDD bytes (RFC 1035 §5.1).
    auto e = Name::parse("a\\.b.c\\032d\\255");
    REQUIRE(e);
    CHECK(e->label_count() == 2);
    const std::array<Byte, 10> want{3, 'a', '.', 'b', 4, 'c', ' ', 'd', 0xff, 0};
    CHECK(std::equal(e->wire().begin(), e->wire().end(), want.begin(), want.end()));
    CHECK(e->to_string() == "a\\.b.c\\032d\\255");

    // Case only folds for ASCII letters (RFC 4343 §3): 0xC9 is not 0xE9.
    CHECK_FALSE(*Name::parse("\\201") == *Name::parse("\\233"));
    CHECK(*Name::parse("A") == *Name::parse("a"));
    CHECK_FALSE(*Name::parse("[") == *Name::parse("{")); // 0x5b vs 0x7b: not letters

    SECTION("errors") {
        auto empty_label = Name::parse("a..b");
        REQUIRE_FALSE(empty_label);
        CHECK(empty_label.error().field == "name_text");
        CHECK(empty_label.error().offset == 2);
        CHECK_FALSE(Name::parse(""));
        CHECK_FALSE(Name::parse(".a"));
        CHECK_FALSE(Name::parse("a\\25"));
        CHECK_FALSE(Name::parse("a\\256"));
        const std::string l63(63, 'x'), l64(64, 'x');
        CHECK(Name::parse(l63 + ".com"));
        auto too_long_label = Name::parse("a." + l64);
        REQUIRE_FALSE(too_long_label);
        CHECK(too_long_label.error().field == "label");
        CHECK(too_long_label.error().code == Errc::too_big);
        CHECK(too_long_label.error().offset == 2);
        CHECK(too_long_label.error().value == 64);
        // 3*64 + 62 + 1 = 255 fits; one more byte does not.
        const std::string l61(61, 'y'), l62(62, 'y');
        CHECK(Name::parse(l63 + "." + l63 + "." + l63 + "." + l61));
        auto too_long = Name::parse(l63 + "." + l63 + "." + l63 + "." + l62);
        REQUIRE_FALSE(too_long);
        CHECK(too_long.error().field == "name");
        CHECK(too_long.error().code == Errc::too_big);
    }
}

TEST_CASE("printing escapes special and non-printable bytes", "[dns][name]") {
    std::vector<Byte> m(12, 0);
    put(m, 12, {4, 'a', 0x00, '.', 0x7f, 3, 'b', '"', 0x20, 0});
    auto v = NameView::checked(Bytes{m}, 12);
    REQUIRE(v);
    CHECK(v->to_string() == "a\\000\\.\\127.b\\\"\\032");
    // and the text reads back to the same bytes
    auto n = Name::parse(v->to_string());
    REQUIRE(n);
    CHECK(std::equal(n->wire().begin(), n->wire().end(), m.begin() + 12, m.end()));
}

TEST_CASE("NameView comparison across messages and compression", "[dns][name]") {
    std::vector<Byte> a(12, 0);
    put(a, 12, {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0});
    std::vector<Byte> b(12, 0);
    put(b, 12,
        {7, 'E', 'X', 'A', 'M', 'P', 'L', 'E', 3, 'C', 'O', 'M', 0, 3, 'W', 'W', 'W', 0xc0, 12});
    auto va = NameView::checked(Bytes{a}, 12);
    auto vb = NameView::checked(Bytes{b}, 25);
    auto vc = NameView::checked(Bytes{b}, 12);
    REQUIRE(va);
    REQUIRE(vb);
    REQUIRE(vc);
    CHECK(*va == *vb);
    CHECK_FALSE(*va == *vc);
    CHECK(vb->to_string() == "WWW.EXAMPLE.COM");
    CHECK(vb->to_name() == *va);
}

TEST_CASE("names work at compile time", "[dns][name]") {
    static_assert(Name::parse("www.example.com")->length() == 17);
    static_assert(Name::parse("www.example.com")->label_count() == 3);
    static_assert(*Name::parse("WWW.Example.COM") == *Name::parse("www.example.com"));
    static_assert(!Name::parse("a..b"));
    constexpr std::array<Byte, 13> wire{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static_assert(NameView::checked(wire, 12)->is_root());
    CHECK(Name::parse("x")->length() == 3);
}
