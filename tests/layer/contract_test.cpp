// The layer contract: one demultiplexing mechanism for every key family,
// open to a user's own; transport checksums through the network traits;
// padding and FCS only where Ethernet is.
#include <array>
#include <cstdint>

#include <catch2/catch.hpp>

#include <strata/checksum/internet.hpp>
#include <strata/layers.hpp>

using namespace strata;

namespace {

// A user layer answering to IP protocol 41 (IPv6-in-IPv4, RFC 4213) with no
// header of its own worth checking: 4 bytes it names "tag".
namespace six_field {
inline constexpr Field header{0, 4, "sixin4", "header"};
} // namespace six_field
template <ByteType B = const Byte>
struct SixView {
    std::span<B> b;
    static constexpr Result<SixView> checked(std::span<B> b) noexcept {
        if (b.size() < 4) return Error::at(six_field::header, Errc::truncated, b.size(), 4);
        return SixView{b};
    }
    constexpr std::span<B> bytes() const noexcept { return b; }
    constexpr std::span<B> payload() const noexcept { return b.subspan(4); }
};
struct SixIn4 : ViewLayer<SixView> {
    using kind = layer_kind::transport;
    static constexpr std::string_view name = "sixin4";
    static constexpr KeySet selected_by{IpProtocol{41}};
};

// A key family strata has never heard of: a 16-bit "service" field of a
// user's framing layer, and a layer selected by it.
enum class ServiceId : std::uint16_t { echo = 0x0707, other = 0x0909 };
namespace frame_field {
inline constexpr Field service{0, 2, "myframe", "service"};
inline constexpr Field header{0, 2, "myframe", "header"};
} // namespace frame_field
template <ByteType B = const Byte>
struct FrameView {
    std::span<B> b;
    static constexpr Result<FrameView> checked(std::span<B> b) noexcept {
        if (b.size() < 2) return Error::at(frame_field::header, Errc::truncated, b.size(), 2);
        return FrameView{b};
    }
    constexpr std::span<B> bytes() const noexcept { return b; }
    constexpr std::span<B> payload() const noexcept { return b.subspan(2); }
};
template <class Inner = Raw>
struct MyFrame : ViewLayer<FrameView>, DemuxBy<ServiceId, frame_field::service> {
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "myframe";
};
struct EchoService : ViewLayer<FrameView> {
    using kind = layer_kind::application;
    static constexpr std::string_view name = "echo_service";
    static constexpr KeySet selected_by{ServiceId::echo};
};

// IPv4 header (RFC 791), protocol and total length filled in by the test;
// checksum left 0 (decode does not verify it).
std::array<Byte, 28> ipv4_with_protocol(std::uint8_t protocol) {
    std::array<Byte, 28> p{0x45, 0, 0,  28, 0, 1, 0, 0, 64, protocol, 0, 0, 10, 0,
                           0,    1, 10, 0,  0, 2, 0, 0, 0,  0,        0, 0, 0,  0};
    return p;
}

} // namespace

TEST_CASE("a user layer answering to IP protocol 41 is chosen under IPv4, like the built-in ones") {
    const auto pkt = ipv4_with_protocol(41);
    auto d = decode<IPv4<OneOf<TCP<>, UDP<>, SixIn4>>>(pkt);
    REQUIRE(d.ok());
    CHECK(d.has<SixIn4>());
    CHECK_FALSE(d.has<UDP>());
    // Named directly, a wrong protocol is a mismatch that names IPv4's field by identity.
    const auto udp = ipv4_with_protocol(17);
    auto wrong = decode<IPv4<SixIn4>>(udp);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().is(ipv4_field::protocol));
    CHECK(wrong.error().offset == 9);
    CHECK(wrong.error().value == 17);
    CHECK(wrong.error().expected == 41);
}

TEST_CASE("a new key family needs no change to the library") {
    const std::array<Byte, 4> echo{0x07, 0x07, 'h', 'i'};
    const std::array<Byte, 4> other{0x09, 0x09, 'h', 'i'};
    auto d = decode<MyFrame<OneOf<EchoService>>>(echo);
    REQUIRE(d.ok());
    CHECK(d.has<EchoService>());
    auto u = decode<MyFrame<OneOf<EchoService>>>(other);
    CHECK(u.ok()); // an unknown key is a value, not an error: the rest stays raw
    CHECK_FALSE(u.has<EchoService>());
    auto named = decode<MyFrame<EchoService>>(other);
    REQUIRE_FALSE(named.ok());
    CHECK(named.error().is(frame_field::service));
    CHECK(named.error().value == 0x0909);
    CHECK(named.error().expected == 0x0707);
    static_assert(key_of<EchoService, ServiceId> == ServiceId::echo);
    static_assert(!BoundBy<EchoService, EtherType>);
}

TEST_CASE("several keys of one family: all select on decode, the first is written") {
    static_assert(is_selected_by<Dot1Q<>, EtherType>(EtherType::vlan));
    static_assert(is_selected_by<Dot1Q<>, EtherType>(EtherType::qinq));
    static_assert(key_of<Dot1Q<>, EtherType> == EtherType::vlan);
    static_assert(key_of<PPPoE<>, EtherType> == EtherType::pppoe_session);
    static_assert(is_selected_by<PPPoE<>, EtherType>(EtherType::pppoe_discovery));
    // A Bind replaces the layer's own keys of that family, and only those.
    using Mdns = Bind<DNS, Port{5353}>;
    static_assert(is_selected_by<Mdns, Port>(Port{5353}));
    static_assert(!is_selected_by<Mdns, Port>(Port{53}));
    static_assert(key_to_write<IPv4<>, EtherType>(EtherType::arp) == EtherType::ipv4);
    static_assert(key_to_write<Dot1Q<>, EtherType>(EtherType::qinq) == EtherType::qinq);
}

TEST_CASE("UDP's checksum comes from the network traits: RFC 768 sum verified by hand") {
    std::array<Byte, 64> buf{};
    Ipv4Repr ip{};
    ip.src = Ipv4Address{192, 0, 2, 1};
    ip.dst = Ipv4Address{192, 0, 2, 2};
    ip.ttl = 64;
    UdpRepr udp{Port{1000}, Port{2000}, 0};
    const std::array<Byte, 2> data{0x12, 0x34};
    auto pkt = encode<IPv4<UDP<>>>(MutBytes(buf), ip, udp, Bytes(data));
    REQUIRE(pkt);
    const Byte* u = pkt->data() + 20;
    // Pseudo-header + header + data, 16-bit words summed by hand:
    // c000 0201 c000 0202 0011 000a | 03e8 07d0 000a 0000 | 1234
    std::uint32_t sum =
        0xc000 + 0x0201 + 0xc000 + 0x0202 + 0x0011 + 0x000a + 0x03e8 + 0x07d0 + 0x000a + 0x1234;
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    const std::uint16_t expected = static_cast<std::uint16_t>(~sum);
    CHECK(load_be16(u + 6) == expected);
}

TEST_CASE("EthernetFraming pads and appends the FCS for an Ethernet stack only") {
    std::array<Byte, 128> buf{};
    EthernetRepr eth{MacAddress{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                     MacAddress{0x02, 0, 0, 0, 0, 1}, EtherType::arp};
    const std::array<Byte, 4> payload{1, 2, 3, 4};
    auto plain = encode<Ethernet<>>(MutBytes(buf), eth, Bytes(payload));
    REQUIRE(plain);
    CHECK(plain->size() == 18); // no padding unless asked: the stack ends where its bytes do
    auto framed = encode<Ethernet<>>(MutBytes(buf),
                                     EthernetFraming{.pad_to_minimum = true, .append_fcs = true},
                                     eth, Bytes(payload));
    REQUIRE(framed);
    CHECK(framed->size() == 64);
    CHECK(ethernet_verify_fcs(Bytes(*framed)));
}
