// dns::Query and dns::Build: DNS messages written in place as the payload of
// encode<...UDP<DNS>>, byte-identical to a MessageBuilder over a separate
// buffer, with errors located in the frame.
#include <array>
#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include <strata/layers.hpp>
#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>

using namespace strata;

namespace {

using Resolver = Ethernet<IPv4<UDP<DNS>>>;

const EthernetRepr eth{.dst = MacAddress{2, 0, 0, 0, 0, 1}, .src = MacAddress{2, 0, 0, 0, 0, 2}};
const Ipv4Repr ip{.src = Ipv4Address{192, 168, 1, 2}, .dst = Ipv4Address{192, 168, 1, 1}};
const UdpRepr udp{.src_port = Port{53000}, .dst_port = Port{53}};
constexpr std::size_t headers = 14 + 20 + 8;

static_assert(PayloadWriter<dns::Query>);

} // namespace

TEST_CASE("dns::Query: written in place behind the UDP header", "[dns][encode]") {
    const dns::Query q{.id = 0x1234, .name = "www.example.com", .type = dns::RrType::a};
    std::array<Byte, 128> buf{};
    auto frame = encode<Resolver>(MutBytes(buf), eth, ip, udp, q);
    REQUIRE(frame);
    // The same message through a builder over a buffer of its own.
    std::array<Byte, 64> ref{};
    dns::MessageBuilder b{MutBytes(ref)};
    b.set_id(0x1234);
    b.set_rd(true);
    REQUIRE(b.add_question("www.example.com", dns::RrType::a));
    auto want = b.finish();
    REQUIRE(want);
    REQUIRE(frame->size() == headers + want->size());
    CHECK(std::equal(want->begin(), want->end(), frame->begin() + headers));

    const auto d = decode<Resolver>(Bytes(*frame));
    REQUIRE(d.ok());
    const auto& msg = d.get<DNS>();
    CHECK(msg.id() == 0x1234);
    CHECK(msg.rd());
    CHECK_FALSE(msg.qr());
    CHECK(msg.qdcount() == 1);
    const auto first = *msg.questions().begin();
    REQUIRE(first);
    CHECK(first->name.to_string() == "www.example.com");
    CHECK(first->type == dns::RrType::a);
    CHECK(first->cls == dns::RrClass::in);
    // What the composition and the Repr defaults filled in.
    const auto& v4 = d.get<IPv4>();
    CHECK(v4.ttl() == 64);
    CHECK(v4.dont_frag());
    CHECK(v4.protocol() == IpProtocol::udp);
    CHECK(v4.verify_checksum());
    CHECK(d.get<UDP>().length() == 8 + want->size());
    CHECK(d.get<UDP>().verify_checksum(v4.src(), v4.dst()));
    CHECK(d.get<Ethernet>().ethertype() == EtherType::ipv4);
}

TEST_CASE("dns::Query: options and errors", "[dns][encode]") {
    std::array<Byte, 128> buf{};
    SECTION("no recursion, AAAA, class CH") {
        const dns::Query q{.id = 9,
                           .name = "example.org",
                           .type = dns::RrType::aaaa,
                           .cls = dns::RrClass::ch,
                           .recursion_desired = false};
        auto frame = encode<Resolver>(MutBytes(buf), eth, ip, udp, q);
        REQUIRE(frame);
        const auto d = decode<Resolver>(Bytes(*frame));
        REQUIRE(d.ok());
        CHECK_FALSE(d.get<DNS>().rd());
        const auto first = *d.get<DNS>().questions().begin();
        REQUIRE(first);
        CHECK(first->type == dns::RrType::aaaa);
        CHECK(first->cls == dns::RrClass::ch);
    }
    SECTION("a bad name is the builder's error") {
        auto frame = encode<Resolver>(MutBytes(buf), eth, ip, udp, dns::Query{.name = "a..b"});
        REQUIRE_FALSE(frame);
        CHECK(frame.error().layer == "dns");
    }
    SECTION("no room: buffer_too_small, located in the frame") {
        auto frame = encode<Resolver>(MutBytes(buf).first(headers + 20), eth, ip, udp,
                                      dns::Query{.name = "www.example.com"});
        REQUIRE_FALSE(frame);
        CHECK(frame.error().code == Errc::buffer_too_small);
        CHECK(frame.error().offset >= headers);
    }
}

TEST_CASE("dns::Build: any message built in place", "[dns][encode]") {
    std::array<Byte, 256> buf{};
    const Ipv4Address addr{93, 184, 215, 14};
    auto frame = encode<Resolver>(
        MutBytes(buf), eth, ip, UdpRepr{.src_port = Port{53}, .dst_port = Port{53000}},
        dns::Build{[&](dns::MessageBuilder& m) -> Result<void> {
            m.set_id(0x1234);
            m.set_qr(true);
            m.set_rd(true);
            m.set_ra(true);
            if (auto r = m.add_question("www.example.com", dns::RrType::a); !r) return r;
            return m.add_a(dns::Section::answer, {"www.example.com", 300}, addr);
        }});
    REQUIRE(frame);
    const auto d = decode<Resolver>(Bytes(*frame));
    REQUIRE(d.ok());
    const auto& msg = d.get<DNS>();
    CHECK(msg.qr());
    CHECK(msg.ancount() == 1);
    const auto ans = *msg.answers().begin();
    REQUIRE(ans);
    CHECK(ans->name.to_string() == "www.example.com");
    CHECK(ans->ttl == 300);

    SECTION("the callback's error stops the encode") {
        auto bad = encode<Resolver>(MutBytes(buf), eth, ip, udp,
                                    dns::Build{[](dns::MessageBuilder& m) -> Result<void> {
                                        return m.add_question("x..y", dns::RrType::a);
                                    }});
        CHECK_FALSE(bad);
    }
}
