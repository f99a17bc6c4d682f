// ARP (RFC 826) against a captured request/reply pair.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>

#include "captured_frames.hpp"
#include "wire_test_util.hpp"

using namespace strata;
using wire_test::bytes_of;
using wire_test::ip;
using wire_test::mac;
using wire_test::require_error;

namespace {
Bytes arp_part(const auto& frame) { return bytes_of(frame).subspan(14); }
} // namespace

TEST_CASE("ARP request from a capture", "[wire][arp]") {
    // tshark basic.pcap frame 1: Hardware type: Ethernet (1), Protocol type:
    // IPv4 (0x0800), Hardware size: 6, Protocol size: 4, Opcode: request (1),
    // Sender MAC 86:2f:cb:bb:0f:3c, Sender IP 10.0.0.1,
    // Target MAC 00:00:00:00:00:00, Target IP 10.0.0.2
    auto a = ArpView<>::checked(arp_part(frames::arp_request));
    REQUIRE(a);
    CHECK(a->hardware_type() == 1);
    CHECK(a->protocol_type() == EtherType::ipv4);
    CHECK(a->hardware_len() == 6);
    CHECK(a->protocol_len() == 4);
    CHECK(a->operation() == ArpOperation::request);
    CHECK(a->sender_hardware_addr() == mac("86:2f:cb:bb:0f:3c"));
    CHECK(a->sender_protocol_addr() == ip("10.0.0.1"));
    CHECK(a->target_hardware_addr() == MacAddress::zero());
    CHECK(a->target_protocol_addr() == ip("10.0.0.2"));
    CHECK(a->header_len() == 28);
    CHECK(a->payload().empty());

    auto r = ArpRepr::parse(*a);
    REQUIRE(r);
    CHECK(*r == ArpRepr{ArpOperation::request, mac("86:2f:cb:bb:0f:3c"), ip("10.0.0.1"),
                        MacAddress::zero(), ip("10.0.0.2")});
}

TEST_CASE("ARP reply from a capture, re-emitted byte for byte", "[wire][arp]") {
    // tshark basic.pcap frame 2: Opcode: reply (2), Sender MAC
    // ba:94:5b:fb:c1:37, Sender IP 10.0.0.2, Target MAC 86:2f:cb:bb:0f:3c,
    // Target IP 10.0.0.1
    const ArpRepr expect{ArpOperation::reply, mac("ba:94:5b:fb:c1:37"), ip("10.0.0.2"),
                         mac("86:2f:cb:bb:0f:3c"), ip("10.0.0.1")};
    auto a = ArpView<>::checked(arp_part(frames::arp_reply));
    REQUIRE(a);
    auto r = ArpRepr::parse(*a);
    REQUIRE(r);
    CHECK(*r == expect);

    // The whole frame, built from values, equals what Linux sent.
    std::vector<Byte> out(ethernet_header_len + expect.buffer_len());
    EthernetRepr{mac("86:2f:cb:bb:0f:3c"), mac("ba:94:5b:fb:c1:37"), EtherType::arp}.emit(
        EthernetView<Byte>::unchecked(MutBytes(out)));
    expect.emit(ArpView<Byte>::unchecked(MutBytes(out).subspan(ethernet_header_len)));
    CHECK(out == wire_test::copy_of(frames::arp_reply));
}

TEST_CASE("ARP accepts Ethernet padding after the 28 bytes", "[wire][arp]") {
    std::vector<Byte> padded = wire_test::copy_of(frames::arp_request, 14);
    padded.resize(46, 0); // 60-byte frame minus the 14-byte header
    auto a = ArpView<>::checked(Bytes(padded));
    REQUIRE(a);
    CHECK(a->bytes().size() == 46);
    CHECK(a->header().size() == 28);
    CHECK(a->payload().size() == 18);
    CHECK(a->target_protocol_addr() == ip("10.0.0.2"));
}

TEST_CASE("ARP rejects what it cannot read, each with its own error", "[wire][arp]") {
    const auto good = wire_test::copy_of(frames::arp_request, 14);
    for (std::size_t n = 0; n < 8; ++n) {
        auto p = wire_test::prefix(Bytes(good), n);
        require_error(ArpView<>::checked(Bytes(p)), "arp", "header", Errc::truncated, 0);
    }
    for (std::size_t n = 8; n < 28; ++n) {
        auto p = wire_test::prefix(Bytes(good), n);
        require_error(ArpView<>::checked(Bytes(p)), "arp", "addresses", Errc::truncated, 8);
    }
    auto b = good;
    b[1] = 6; // htype 6: IEEE 802 networks
    require_error(ArpView<>::checked(Bytes(b)), "arp", "htype", Errc::unsupported, 0);
    CHECK(ArpView<>::checked(Bytes(b)).error().value == 6);
    b = good;
    b[2] = 0x86;
    b[3] = 0xdd; // ptype IPv6
    require_error(ArpView<>::checked(Bytes(b)), "arp", "ptype", Errc::unsupported, 2);
    b = good;
    b[4] = 8;
    require_error(ArpView<>::checked(Bytes(b)), "arp", "hlen", Errc::bad_length, 4);
    b = good;
    b[5] = 16;
    require_error(ArpView<>::checked(Bytes(b)), "arp", "plen", Errc::bad_length, 5);
    // Order: the fixed part is judged before the address length, so a short
    // packet with a bad htype reports the htype.
    b = good;
    b[1] = 6;
    auto p = wire_test::prefix(Bytes(b), 10);
    require_error(ArpView<>::checked(Bytes(p)), "arp", "htype", Errc::unsupported, 0);
}

TEST_CASE("ARP setters write the fields the getters read", "[wire][arp]") {
    std::array<Byte, 28> buf{};
    auto v = ArpView<Byte>::unchecked(MutBytes(buf));
    ArpRepr{ArpOperation{7}, mac("02:00:00:00:00:01"), ip("192.0.2.1"), mac("02:00:00:00:00:02"),
            ip("192.0.2.2")}
        .emit(v);
    CHECK(static_cast<std::uint16_t>(v.operation()) == 7); // open enum
    v.set_operation(ArpOperation::reply);
    v.set_target_protocol_addr(ip("198.51.100.9"));
    ArpView<> ro = v;
    auto r = ArpRepr::parse(ro);
    REQUIRE(r);
    CHECK(r->operation == ArpOperation::reply);
    CHECK(r->target_protocol_addr == ip("198.51.100.9"));
    CHECK(r->sender_hardware_addr == mac("02:00:00:00:00:01"));
    CHECK(to_string(ArpOperation::reply) == "reply");
}

TEST_CASE("ARP view works in constant expressions", "[wire][arp][constexpr]") {
    constexpr Bytes pkt = Bytes(frames::arp_reply).subspan(14);
    static_assert(ArpView<>::checked(pkt).has_value());
    static_assert(ArpView<>::checked(pkt)->operation() == ArpOperation::reply);
    static_assert(ArpView<>::checked(pkt)->sender_protocol_addr() == Ipv4Address{10, 0, 0, 2});
    static_assert(ArpView<>::checked(pkt.first(27)).error().field == "addresses");
    CHECK(ArpRepr::parse(*ArpView<>::checked(pkt))->target_protocol_addr == ip("10.0.0.1"));
}
