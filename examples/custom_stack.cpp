// A protocol strata does not know, defined entirely here: "MyTunnel", a
// VXLAN-style header (RFC 7348 layout: flags, 24-bit network identifier)
// carried by UDP on port 4789 with a whole Ethernet frame inside. It plugs
// into decode, encode and OneOf like the built-in layers:
//
//   Ethernet<IPv4<UDP<MyTunnel<Ethernet<IPv4<ICMP>>>>>>
//
// The program builds an encapsulated ping, decodes it with a named stack and
// with a OneOf stack, edits the inner TTL in place, and checks every field.
//   example_custom_stack [out.pcap]
#include <array>
#include <chrono>
#include <cstdio>
#include <span>
#include <string>

#include <strata/core/bytes.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/layers.hpp>

using namespace strata;

// ---- the user's layer: fields, view, repr, descriptor -----------------------
// Task (d) of docs/tasks.md: the lines between the markers are counted
// against the same layer written as a libtins PDU (custom_layer_libtins.cpp).
// [task]
/// 8 bytes: flags (bit 3 = "network identifier valid"), 3 reserved, VNI (24 bits), 1 reserved.
template <ByteType B = const Byte>
struct TunnelView {
    static constexpr Field header{0, 8, "mytunnel", "header"}, flags{0, 1, "mytunnel", "flags"},
        vni_field{4, 7, "mytunnel", "vni"};
    std::span<B> b;
    static constexpr Result<TunnelView> checked(std::span<B> b) noexcept {
        if (b.size() < header.last) return Error::at(header, Errc::truncated, b.size(), 8);
        if ((b[0] & 0x08) == 0) return Error::at(flags, Errc::bad_value, b[0], 0x08);
        return TunnelView{b};
    }
    constexpr std::uint32_t vni() const noexcept { return load_be24(b.data() + vni_field.first); }
    constexpr std::span<B> payload() const noexcept { return b.subspan(header.last); }
};

struct TunnelRepr {
    std::uint32_t vni = 0;
    constexpr std::size_t buffer_len() const noexcept { return TunnelView<>::header.last; }
};

/// Rides on UDP like an application, selected by port 4789 under a OneOf;
/// no type field: the inner frame is always what the stack names.
template <class Inner = Raw>
struct MyTunnel : ViewReprLayer<TunnelView, TunnelRepr, LayerOptions{.trusts_named_inner = true}> {
    using kind = layer_kind::application;
    using inner = Inner;
    static constexpr std::string_view name = "mytunnel";
    static constexpr KeySet selected_by{Port{4789}};
    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes out, const auto&) noexcept {
        if (r.vni > 0xffffff) return Error::at(view<Byte>::vni_field, Errc::too_big, r.vni);
        out[0] = 0x08, out[1] = out[2] = out[3] = out[7] = 0;
        store_be24(out.data() + 4, r.vni);
        return {};
    }
};
// [/task]

// ---- using it ----------------------------------------------------------------

using Overlay = Ethernet<IPv4<UDP<MyTunnel<Ethernet<IPv4<ICMP>>>>>>;
using AnyUdp = Ethernet<IPv4<UDP<OneOf<DNS, MyTunnel<Ethernet<IPv4<ICMP>>>>>>>;

namespace {
int failures = 0;
void expect(bool ok, const char* what) {
    std::printf("  %-55s %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) ++failures;
}
} // namespace

int main(int argc, char** argv) {
    const std::array<Byte, 8> ping_data{'s', 't', 'r', 'a', 't', 'a', '!', '\n'};
    EthernetRepr outer_eth{MacAddress{0x02, 0, 0, 0, 0, 0x02}, MacAddress{0x02, 0, 0, 0, 0, 0x01},
                           EtherType::ipv4};
    Ipv4Repr outer_ip{};
    outer_ip.src = Ipv4Address(198, 51, 100, 1);
    outer_ip.dst = Ipv4Address(198, 51, 100, 2);
    outer_ip.ttl = 64;
    UdpRepr udp{Port{49152}, key_of<MyTunnel<>, Port>, 0};
    TunnelRepr tunnel{4242};
    EthernetRepr inner_eth{MacAddress{0x02, 0, 0, 0, 1, 0x02}, MacAddress{0x02, 0, 0, 0, 1, 0x01},
                           EtherType::ipv4};
    Ipv4Repr inner_ip{};
    inner_ip.src = Ipv4Address(10, 0, 0, 1);
    inner_ip.dst = Ipv4Address(10, 0, 0, 2);
    inner_ip.ttl = 64;
    IcmpRepr echo{IcmpEchoRequest{0x77, 1, Bytes(ping_data)}};

    std::array<Byte, 256> buf{};
    auto frame =
        encode<Overlay>(MutBytes(buf), outer_eth, outer_ip, udp, tunnel, inner_eth, inner_ip, echo);
    if (!frame) {
        std::fprintf(stderr, "encode: %s\n", to_string(frame.error()).c_str());
        return 1;
    }
    std::printf("encapsulated ping: %zu bytes\n", frame->size());

    std::printf("decode<Overlay>:\n");
    auto d = decode_mut<Overlay>(*frame);
    expect(d.ok(), "whole stack decodes");
    expect(d.get<MyTunnel>().vni() == 4242, "tunnel VNI 4242");
    expect(d.get<IPv4, 0>().dst() == outer_ip.dst, "outer IPv4 destination");
    expect(d.get<IPv4, 1>().dst() == inner_ip.dst, "inner IPv4 destination (get<IPv4, 1>)");
    expect(d.get<UDP>().verify_checksum(outer_ip.src, outer_ip.dst), "UDP checksum covers tunnel");
    expect(d.get<ICMP>().identifier() == 0x77, "inner ICMP echo identifier");
    expect(d.get<ICMP>().verify_checksum(), "inner ICMP checksum");

    // The inner TTL, edited in place: the inner IPv4 checksum is fixed
    // incrementally (RFC 1624); the UDP checksum covers those bytes too and
    // is fixed the same way.
    auto& inner = d.get<IPv4, 1>();
    const std::uint16_t before = inner.checksum();
    inner.decrement_ttl();
    d.get<UDP>().set_checksum(
        checksum::update16(d.get<UDP>().checksum(), before, inner.checksum()));
    // ... and the TTL/protocol word itself changed by 0x0100.
    d.get<UDP>().set_checksum(checksum::update16(d.get<UDP>().checksum(), 0x4001, 0x3f01));
    expect(inner.verify_checksum(), "inner IPv4 checksum after TTL edit");
    expect(d.get<UDP>().verify_checksum(outer_ip.src, outer_ip.dst),
           "UDP checksum after the inner edit");

    std::printf("decode<AnyUdp> (OneOf by port):\n");
    auto any = decode<AnyUdp>(Bytes(*frame));
    expect(any.ok() && any.has<MyTunnel>() && !any.has<DNS>(), "port 4789 selects MyTunnel");
    expect(any.has<ICMP>(), "and the frame inside it");

    std::printf("bad input:\n");
    std::array<Byte, 256> bad = buf;
    bad[14 + 20 + 8] = 0; // flags without the VNI bit
    auto b = decode<Overlay>(Bytes(bad).first(frame->size()));
    expect(!b.ok() && b.error().layer == "mytunnel" && b.error().offset == 42,
           "tunnel flags error names layer and offset 42");
    expect(b.has<UDP>() && !b.has<MyTunnel>(), "outer layers stay usable");

    if (argc > 1) {
        auto w = PcapWriter::open(argv[1]);
        if (!w || !w->write(Bytes(*frame), std::chrono::seconds{1795386584})) return 1;
    }
    std::printf("%s\n", failures == 0 ? "all checks passed" : "SOME CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
