// Ethernet II, FCS, padding and 802.1Q / 802.1ad tags against captured frames.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/dot1q.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>

#include "captured_frames.hpp"
#include "wire_test_util.hpp"

using namespace strata;
using wire_test::bytes_of;
using wire_test::ip;
using wire_test::mac;
using wire_test::require_error;

TEST_CASE("ethernet view reads a captured ARP request", "[wire][ethernet]") {
    // tshark: Destination: Broadcast (ff:ff:ff:ff:ff:ff), Source: 86:2f:cb:bb:0f:3c,
    //         Type: ARP (0x0806)
    auto e = EthernetView<>::checked(bytes_of(frames::arp_request));
    REQUIRE(e);
    CHECK(e->dst() == MacAddress::broadcast());
    CHECK(e->src() == mac("86:2f:cb:bb:0f:3c"));
    CHECK(e->ethertype() == EtherType::arp);
    CHECK(e->header_len() == 14);
    CHECK(e->payload().size() == 28);
    CHECK(e->payload().data() == frames::arp_request.data() + 14);

    auto r = EthernetRepr::parse(*e);
    REQUIRE(r);
    CHECK(r->dst == MacAddress::broadcast());
    CHECK(r->ethertype == EtherType::arp);
}

TEST_CASE("ethernet view is usable in constant expressions", "[wire][ethernet]") {
    static constexpr std::array<Byte, 14> hdr{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a,
                                              0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x05, 0xdc};
    constexpr auto e = EthernetView<>::unchecked(std::span<const Byte>(hdr));
    static_assert(e.dst() == MacAddress{1, 2, 3, 4, 5, 6});
    static_assert(static_cast<std::uint16_t>(e.ethertype()) == 1500);
    static_assert(is_ieee8023_length(e.ethertype())); // exposed, not rejected
    static_assert(EthernetView<>::checked(std::span<const Byte>(hdr)).has_value());
    static_assert(!EthernetView<>::checked(std::span<const Byte>(hdr).first(13)).has_value());
}

TEST_CASE("ethernet: short buffers are errors, 802.3 lengths are values", "[wire][ethernet]") {
    for (std::size_t n = 0; n < 14; ++n) {
        auto b = wire_test::prefix(bytes_of(frames::arp_request), n);
        require_error(EthernetView<>::checked(Bytes(b)), "ethernet", "header", Errc::truncated, 0);
    }
    auto b = wire_test::copy_of(frames::arp_request);
    b[12] = 0x00;
    b[13] = 0x2e; // an 802.3 length of 46
    auto e = EthernetView<>::checked(Bytes(b));
    REQUIRE(e);
    CHECK(static_cast<std::uint16_t>(e->ethertype()) == 46);
}

TEST_CASE("ethernet repr emits the header the kernel wrote", "[wire][ethernet]") {
    // Header of basic.pcap frame 2 (ARP reply): dst 86:2f:cb:bb:0f:3c,
    // src ba:94:5b:fb:c1:37, type 0x0806.
    EthernetRepr r{mac("86:2f:cb:bb:0f:3c"), mac("ba:94:5b:fb:c1:37"), EtherType::arp};
    std::vector<Byte> out(r.buffer_len(), 0xee);
    r.emit(EthernetView<Byte>::unchecked(MutBytes(out)));
    CHECK(std::equal(out.begin(), out.end(), frames::arp_reply.begin()));

    auto v = EthernetView<Byte>::unchecked(MutBytes(out));
    v.set_ethertype(EtherType::ipv4);
    v.set_src(mac("02:00:00:00:00:01"));
    EthernetView<> ro = v; // mutable converts to read-only
    CHECK(ro.ethertype() == EtherType::ipv4);
    CHECK(ro.src() == mac("02:00:00:00:00:01"));
    CHECK(ro.dst() == mac("86:2f:cb:bb:0f:3c"));
}

TEST_CASE("ethernet FCS: padded ARP request checked by tshark", "[wire][ethernet][fcs]") {
    // The 42-byte ARP request padded with zeros to 60 bytes. The FCS was
    // computed independently with Python's zlib.crc32 (0x71fb1557), appended
    // least-significant byte first, and tshark -o eth.fcs:TRUE -o
    // eth.check_fcs:TRUE reported "Frame check sequence: 0x5715fb71 [correct]"
    // (it prints the 4 bytes in wire order: 57 15 fb 71). Flipping the low bit
    // of the last byte made tshark report "[FCS Status: Bad]".
    std::array<Byte, 64> buf{};
    std::copy(frames::arp_request.begin(), frames::arp_request.end(), buf.begin());
    std::fill(buf.begin() + 42, buf.end(), Byte{0xaa}); // garbage the pad must clear

    auto padded = ethernet_pad(MutBytes(buf), frames::arp_request.size());
    REQUIRE(padded);
    CHECK(*padded == 60);
    CHECK(std::all_of(buf.begin() + 42, buf.begin() + 60, [](Byte x) { return x == 0; }));
    CHECK(ethernet_fcs(Bytes(buf.data(), 60)) == 0x71fb1557u);

    auto n = ethernet_append_fcs(MutBytes(buf), 60);
    REQUIRE(n);
    CHECK(*n == 64);
    CHECK(buf[60] == 0x57);
    CHECK(buf[61] == 0x15);
    CHECK(buf[62] == 0xfb);
    CHECK(buf[63] == 0x71);
    CHECK(ethernet_verify_fcs(Bytes(buf)));
    // IEEE 802.3 residue: the CRC over frame + correct FCS is the constant
    // 0x2144DF1C (0xDEBB20E3 before the final inversion).
    CHECK(crc32(Bytes(buf)) == ethernet_fcs_residue);

    auto stripped = ethernet_strip_fcs(Bytes(buf));
    REQUIRE(stripped);
    CHECK(stripped->size() == 60);

    buf[63] ^= 0x01; // the frame tshark called bad
    CHECK_FALSE(ethernet_verify_fcs(Bytes(buf)));
    require_error(ethernet_strip_fcs(Bytes(buf)), "ethernet", "fcs", Errc::bad_checksum, 60);
    buf[63] ^= 0x01;
    buf[20] ^= 0x80; // a flipped payload bit is caught too
    CHECK_FALSE(ethernet_verify_fcs(Bytes(buf)));

    require_error(ethernet_strip_fcs(Bytes(buf).first(17)), "ethernet", "fcs", Errc::truncated, 0);
    require_error(ethernet_append_fcs(MutBytes(buf), 61), "ethernet", "fcs", Errc::buffer_too_small,
                  61);
    std::array<Byte, 50> small{};
    require_error(ethernet_pad(MutBytes(small), 42), "ethernet", "padding", Errc::buffer_too_small,
                  42);
    auto big = ethernet_pad(MutBytes(small), 50);
    CHECK_FALSE(big.has_value()); // 50 < 60 and the buffer cannot hold 60
    std::array<Byte, 70> roomy{};
    auto unchanged = ethernet_pad(MutBytes(roomy), 64);
    REQUIRE(unchanged);
    CHECK(*unchanged == 64);
}

TEST_CASE("802.1Q tag from a captured frame", "[wire][dot1q]") {
    // tshark (vlan.pcap frame 1): Type: 802.1Q Virtual LAN (0x8100);
    // 802.1Q Virtual LAN, PRI: 3, DEI: 0, ID: 10; Type: IPv4 (0x0800);
    // Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2
    auto e = EthernetView<>::checked(bytes_of(frames::dot1q_frame));
    REQUIRE(e);
    CHECK(e->ethertype() == EtherType::vlan);
    CHECK(is_vlan_tag(e->ethertype()));
    auto t = Dot1QView<>::checked(e->payload());
    REQUIRE(t);
    CHECK(t->pcp() == 3);
    CHECK_FALSE(t->dei());
    CHECK(t->vlan_id() == 10);
    CHECK(t->tci() == 0x600a);
    CHECK(t->ethertype() == EtherType::ipv4);
    CHECK_FALSE(is_vlan_tag(t->ethertype()));
    auto ip4 = Ipv4View<>::checked(t->payload());
    REQUIRE(ip4);
    CHECK(ip4->src() == ip("10.0.0.1"));
    CHECK(ip4->dst() == ip("10.0.0.2"));
    CHECK(ip4->checksum() == 0x25cf); // same datagram as basic.pcap frame 3

    auto r = Dot1QRepr::parse(*t);
    REQUIRE(r);
    CHECK(*r == Dot1QRepr{3, false, 10, EtherType::ipv4});
    std::array<Byte, 4> out{};
    r->emit(Dot1QView<Byte>::unchecked(MutBytes(out)));
    CHECK(std::equal(out.begin(), out.end(), frames::dot1q_frame.begin() + 14));
}

TEST_CASE("802.1ad + 802.1Q (QinQ) tags compose", "[wire][dot1q]") {
    // tshark (vlan.pcap frame 2): Type: 802.1ad Provider Bridge (Q-in-Q) (0x88a8);
    // IEEE 802.1ad, ID: 100, Priority: 5, DEI: 1, Type: 802.1Q Virtual LAN (0x8100);
    // 802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 20, Type: IPv4 (0x0800)
    auto e = EthernetView<>::checked(bytes_of(frames::qinq_frame));
    REQUIRE(e);
    CHECK(e->ethertype() == EtherType::qinq);
    auto s = Dot1QView<>::checked(e->payload());
    REQUIRE(s);
    CHECK(s->pcp() == 5);
    CHECK(s->dei());
    CHECK(s->vlan_id() == 100);
    CHECK(s->ethertype() == EtherType::vlan);
    auto c = Dot1QView<>::checked(s->payload());
    REQUIRE(c);
    CHECK(c->pcp() == 0);
    CHECK_FALSE(c->dei());
    CHECK(c->vlan_id() == 20);
    CHECK(c->ethertype() == EtherType::ipv4);
    auto ip4 = Ipv4View<>::checked(c->payload());
    REQUIRE(ip4);
    CHECK(ip4->total_len() == 84);
    CHECK(ip4->verify_checksum());
}

TEST_CASE("802.1Q setters touch only their bits", "[wire][dot1q]") {
    std::array<Byte, 6> b{0xff, 0xff, 0x08, 0x00, 0x45, 0x00};
    auto t = Dot1QView<Byte>::unchecked(MutBytes(b));
    t.set_vlan_id(0x123);
    CHECK(t.pcp() == 7);
    CHECK(t.dei());
    CHECK(t.vlan_id() == 0x123);
    t.set_pcp(2);
    t.set_dei(false);
    CHECK(t.tci() == 0x4123); // 010 0 0001 0010 0011
    t.set_ethertype(EtherType::ipv6);
    CHECK(b[2] == 0x86);
    CHECK(b[3] == 0xdd);
    CHECK(t.payload().size() == 2);
    for (std::size_t n = 0; n < 4; ++n) {
        auto p = wire_test::prefix(Bytes(b), n);
        require_error(Dot1QView<>::checked(Bytes(p)), "dot1q", "header", Errc::truncated, 0);
    }
}
