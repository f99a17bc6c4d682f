#include <catch2/catch.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>

using namespace strata;

TEST_CASE("Ipv4Address parses and prints dotted quads", "[addr]") {
    auto a = Ipv4Address::parse("192.168.1.10");
    REQUIRE(a);
    CHECK(a->value() == 0xc0a8010au);
    CHECK(to_string(*a) == "192.168.1.10");
    CHECK(a->is_private());
    CHECK(to_string(Ipv4Address::parse("0.0.0.0").value()) == "0.0.0.0");
    CHECK(Ipv4Address::parse("255.255.255.255")->is_broadcast());
    static_assert(Ipv4Address::parse("10.0.0.1").value() == Ipv4Address(10, 0, 0, 1));
}

TEST_CASE("Ipv4Address rejects malformed text with the offset", "[addr]") {
    struct Bad {
        const char* text;
        std::size_t offset;
        Errc code;
    };
    for (auto [text, offset, code] :
         {Bad{"", 0, Errc::bad_syntax}, Bad{"1.2.3", 5, Errc::bad_syntax},
          Bad{"1.2.3.256", 6, Errc::bad_value}, Bad{"1.2.3.4.", 7, Errc::bad_syntax},
          Bad{"1..3.4", 2, Errc::bad_syntax}, Bad{"01.2.3.4", 0, Errc::bad_syntax},
          Bad{"1.2.3.4x", 7, Errc::bad_syntax}, Bad{"1.2.3.1000", 9, Errc::bad_syntax}}) {
        INFO(text);
        auto r = Ipv4Address::parse(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().layer == "addr");
        CHECK(r.error().field == "ipv4");
        CHECK(r.error().offset == offset);
        CHECK(r.error().code == code);
    }
}

TEST_CASE("Ipv4Prefix parses both notations and derives network and broadcast", "[addr]") {
    auto p = Ipv4Prefix::parse("10.11.12.0/24");
    REQUIRE(p);
    CHECK(p->length() == 24);
    CHECK(to_string(p->netmask()) == "255.255.255.0");
    CHECK(to_string(*p) == "10.11.12.0/24");

    auto q = Ipv4Prefix::parse("10.11.12.13/255.255.255.0");
    REQUIRE(q);
    CHECK(q->length() == 24);
    CHECK(to_string_with_netmask(*q) == "10.11.12.13/255.255.255.0");
    CHECK(to_string(q->network()) == "10.11.12.0/24");
    CHECK(to_string(q->broadcast_address()) == "10.11.12.255");
    CHECK(q->contains(Ipv4Address(10, 11, 12, 200)));
    CHECK_FALSE(q->contains(Ipv4Address(10, 11, 13, 1)));
    CHECK(Ipv4Prefix::parse("0.0.0.0/0")->contains(Ipv4Address(8, 8, 8, 8)));
    CHECK(Ipv4Prefix::parse("10.0.0.0/8")->contains(*Ipv4Prefix::parse("10.1.0.0/16")));
    CHECK_FALSE(Ipv4Prefix::parse("10.1.0.0/16")->contains(*Ipv4Prefix::parse("10.0.0.0/8")));
    CHECK(Ipv4Prefix::parse("172.16.5.4")->length() == 32);
    // /30: two hosts between network and broadcast (hand-derived).
    auto r = Ipv4Prefix::parse("192.0.2.5/30");
    CHECK(to_string(r->network_address()) == "192.0.2.4");
    CHECK(to_string(r->broadcast_address()) == "192.0.2.7");
}

TEST_CASE("Ipv4Prefix rejects non-contiguous masks and bad lengths", "[addr]") {
    auto m = Ipv4Prefix::parse("10.0.0.0/255.0.255.0");
    REQUIRE_FALSE(m);
    CHECK(m.error().field == "netmask");
    CHECK(m.error().offset == 9);
    CHECK(m.error().code == Errc::bad_value);

    auto l = Ipv4Prefix::parse("10.0.0.0/33");
    REQUIRE_FALSE(l);
    CHECK(l.error().field == "prefix_length");
    CHECK(l.error().code == Errc::bad_value);

    for (const char* text :
         {"10.0.0.0/", "10.0.0.0/x", "10.0.0.0/024", "10.0.0.0 /8", "10.0.0.0/8/"}) {
        INFO(text);
        auto r = Ipv4Prefix::parse(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Errc::bad_syntax);
    }
    CHECK_FALSE(Ipv4Prefix::make(Ipv4Address{}, 40));
    CHECK_FALSE(Ipv4Prefix::parse("10.0.0.0/255.255.255.1"));
}

TEST_CASE("MacAddress parses, prints and classifies", "[addr]") {
    auto m = MacAddress::parse("02:77:01:AB:cd:ef");
    REQUIRE(m);
    CHECK(to_string(*m) == "02:77:01:ab:cd:ef");
    CHECK(m->is_local());
    CHECK(m->is_unicast());
    CHECK(MacAddress::parse("01-00-5e-00-00-01")->is_multicast());
    CHECK(MacAddress::broadcast().is_broadcast());
    CHECK(MacAddress::parse("02:77:01:ab:cd:ef")->to_u64() == 0x027701abcdefull);
    auto bad = MacAddress::parse("02:77:01:ab:cd:eg");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().offset == 16);
    CHECK_FALSE(MacAddress::parse("02:77:01-ab:cd:ef"));
    CHECK_FALSE(MacAddress::parse("02:77:01:ab:cd"));
}
