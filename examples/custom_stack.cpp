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

// ---- the user's wire view and repr ------------------------------------------

/// 8 bytes: flags (bit 3 = "network identifier valid"), 3 reserved, VNI (24 bits), 1 reserved.
template <ByteType B = const Byte>
class TunnelView {
public:
    static constexpr std::size_t header_len = 8;

    static constexpr Result<TunnelView> checked(std::span<B> b) noexcept {
        if (b.size() < header_len)
            return Error{"mytunnel", "header", 0, Errc::truncated, b.size(), header_len};
        if ((b[0] & 0x08) == 0) return Error{"mytunnel", "flags", 0, Errc::bad_value, b[0], 0x08};
        return TunnelView{b};
    }
    static constexpr TunnelView unchecked(std::span<B> b) noexcept { return TunnelView{b}; }

    [[nodiscard]] constexpr std::uint32_t vni() const noexcept {
        return std::uint32_t{b_[4]} << 16 | std::uint32_t{b_[5]} << 8 | b_[6];
    }
    [[nodiscard]] constexpr std::span<B> payload() const noexcept { return b_.subspan(header_len); }

private:
    constexpr explicit TunnelView(std::span<B> b) noexcept : b_(b) {}
    std::span<B> b_;
};

struct TunnelRepr {
    std::uint32_t vni = 0;
    [[nodiscard]] constexpr std::size_t buffer_len() const noexcept { return 8; }
};

// ---- the layer descriptor: what decode/encode need to know ------------------

template <class Inner = Raw>
struct MyTunnel {
    using kind = layer_kind::application; // rides on UDP like an application
    using inner = Inner;
    static constexpr std::string_view name = "mytunnel";
    static constexpr Port port{4789}; // how OneOf<...> under UDP recognises it
    template <class B>
    using view = TunnelView<B>;
    using repr = TunnelRepr;

    template <class B>
    static constexpr Result<view<B>> parse(std::span<B> b) noexcept {
        return view<B>::checked(b);
    }
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.payload();
    }
    /// No type field: the inner frame is always what the stack names.
    static constexpr bool trusts_named_inner = true;
    template <class L, class B>
    static constexpr bool selects(const view<B>&) noexcept {
        return true;
    }

    static constexpr std::size_t header_len(const repr& r) noexcept { return r.buffer_len(); }
    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes out, const EncodeContext&) noexcept {
        if (r.vni > 0xffffff) return Error{name, "vni", 4, Errc::too_big, r.vni, 0xffffff};
        out[0] = 0x08;
        out[1] = out[2] = out[3] = 0;
        out[4] = static_cast<Byte>(r.vni >> 16);
        out[5] = static_cast<Byte>(r.vni >> 8);
        out[6] = static_cast<Byte>(r.vni);
        out[7] = 0;
        return {};
    }
};

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
    UdpRepr udp{Port{49152}, MyTunnel<>::port, 0};
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
