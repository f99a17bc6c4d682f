// Packets for the NAT tests, built with the wire Reprs (every checksum
// computed in full by emit()), and the "by hand" model of a translation:
// fields set with the plain setters (no checksum touched), then every
// checksum recomputed from scratch. A NAT's incremental fixes (RFC 1624)
// must give exactly the bytes of the model.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/policy/nat/napt.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

namespace nat_test {

using namespace strata;
using Packet = std::vector<Byte>;

inline constexpr Ipv4Address public_ip{192, 0, 2, 2};
inline constexpr Ipv4Address h1{10, 0, 0, 5};
inline constexpr Ipv4Address h2{10, 0, 0, 6};
inline constexpr Ipv4Address r1{198, 51, 100, 7};
inline constexpr Ipv4Address r2{203, 0, 113, 9};
inline constexpr PortId wan{0};
inline constexpr PortId lan{1};
inline constexpr PortId lan2{2};

inline Packet ip_packet(Ipv4Address src, Ipv4Address dst, IpProtocol protocol, std::size_t l4_len,
                        std::uint16_t ident = 0x1c46) {
    Packet b(20 + l4_len);
    Ipv4Repr r{};
    r.src = src;
    r.dst = dst;
    r.protocol = protocol;
    r.ttl = 64;
    r.ident = ident;
    r.payload_len = static_cast<std::uint16_t>(l4_len);
    r.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
    return b;
}

inline Packet udp(Ipv4Address src, std::uint16_t sport, Ipv4Address dst, std::uint16_t dport,
                  std::size_t payload = 6, bool with_checksum = true) {
    Packet b = ip_packet(src, dst, IpProtocol::udp, 8 + payload);
    for (std::size_t i = 0; i < payload; ++i)
        b[28 + i] = static_cast<Byte>(0x41 + i);
    const UdpRepr u{Port{sport}, Port{dport}, payload};
    const auto v = UdpView<Byte>::unchecked(MutBytes(b).subspan(20));
    if (with_checksum)
        u.emit(v, src, dst);
    else
        u.emit_header(v);
    return b;
}

inline Packet tcp(Ipv4Address src, std::uint16_t sport, Ipv4Address dst, std::uint16_t dport,
                  TcpFlags flags, std::size_t payload = 0) {
    Packet b = ip_packet(src, dst, IpProtocol::tcp, 20 + payload);
    for (std::size_t i = 0; i < payload; ++i)
        b[40 + i] = static_cast<Byte>(0x61 + i % 26);
    TcpRepr t{};
    t.src_port = Port{sport};
    t.dst_port = Port{dport};
    t.seq_number = SeqNum{1000};
    t.ack_number = SeqNum{flags.ack() ? 2000u : 0u};
    t.flags = flags;
    t.emit(TcpView<Byte>::unchecked(MutBytes(b).subspan(20)), src, dst);
    return b;
}

inline Packet echo(Ipv4Address src, Ipv4Address dst, bool request, std::uint16_t id,
                   std::uint16_t seq = 1) {
    static constexpr Byte data[8] = {'s', 't', 'r', 'a', 't', 'a', '!', '!'};
    const IcmpRepr r = request ? IcmpRepr{IcmpEchoRequest{id, seq, Bytes(data)}}
                               : IcmpRepr{IcmpEchoReply{id, seq, Bytes(data)}};
    Packet b = ip_packet(src, dst, IpProtocol::icmp, r.buffer_len());
    r.emit(IcmpView<Byte>::unchecked(MutBytes(b).subspan(20)));
    return b;
}

/// An ICMP error (type, code, 4 zero bytes) quoting `quoted`.
inline Packet icmp_error(Ipv4Address src, Ipv4Address dst, IcmpType type, std::uint8_t code,
                         Bytes quoted) {
    const IcmpRepr r{IcmpOther{type, code, 0, quoted}};
    Packet b = ip_packet(src, dst, IpProtocol::icmp, r.buffer_len(), 0x0777);
    r.emit(IcmpView<Byte>::unchecked(MutBytes(b).subspan(20)));
    return b;
}

// --- the model: plain setters, then full recomputation -------------------------

inline void set_src(Packet& b, Ipv4Address a, std::uint16_t port_or_id) {
    Ipv4View<Byte>::unchecked(MutBytes(b)).set_src(a);
    const bool icmp = b[9] == 1;
    store_be16(b.data() + 20 + (icmp ? 4 : 0), port_or_id);
}
inline void set_dst(Packet& b, Ipv4Address a, std::uint16_t port_or_id) {
    Ipv4View<Byte>::unchecked(MutBytes(b)).set_dst(a);
    const bool icmp = b[9] == 1;
    store_be16(b.data() + 20 + (icmp ? 4 : 2), port_or_id);
}
/// Every checksum of a whole packet from scratch (a UDP checksum of 0 stays 0).
inline void recompute(Packet& b) {
    const auto ip = Ipv4View<Byte>::unchecked(MutBytes(b));
    ip.fill_checksum();
    const MutBytes l4 = ip.payload();
    switch (ip.protocol()) {
    case IpProtocol::tcp:
        TcpView<Byte>::unchecked(l4).fill_checksum(ip.src(), ip.dst());
        break;
    case IpProtocol::udp: {
        const auto u = UdpView<Byte>::unchecked(l4);
        if (u.checksum() != 0) u.fill_checksum(ip.src(), ip.dst());
        break;
    }
    case IpProtocol::icmp:
        IcmpView<Byte>::unchecked(l4).fill_checksum();
        break;
    default:
        break;
    }
}

inline std::uint16_t sport(const Packet& b) {
    return load_be16(b.data() + 20 + (b[9] == 1 ? 4 : 0));
}
inline std::uint16_t dport(const Packet& b) {
    return load_be16(b.data() + 20 + (b[9] == 1 ? 4 : 2));
}
inline Ipv4Address src_of(const Packet& b) { return Ipv4Address::from_bytes(b.data() + 12); }
inline Ipv4Address dst_of(const Packet& b) { return Ipv4Address::from_bytes(b.data() + 16); }

// --- driving a Napt as a Router would -----------------------------------------

inline nat::NaptConfig config() {
    nat::NaptConfig c;
    c.inside_ports = {lan, lan2};
    c.outside_port = wan;
    c.public_address = public_ip;
    c.capacity = 1024;
    return c;
}
inline nat::Napt make(nat::NaptConfig c = config(), std::uint64_t seed = 1) {
    auto r = nat::Napt::make(std::move(c), RandomStream{seed});
    REQUIRE(r.has_value());
    return std::move(*r);
}
/// Inside host -> outside: prerouting on `in`, postrouting to wan.
inline nat::Verdict send_out(nat::Napt& n, Packet& b, Instant now, RecordingOut& out,
                             PortId in = lan) {
    const nat::Outcome o = n.prerouting(in, MutBytes(b), now, out);
    REQUIRE(o.verdict == nat::Verdict::pass);
    return n.postrouting(in, wan, MutBytes(b), o.context, now, out);
}
/// Outside -> inside: prerouting on wan, postrouting to lan when it passes.
inline nat::Verdict send_in(nat::Napt& n, Packet& b, Instant now, RecordingOut& out) {
    const nat::Outcome o = n.prerouting(wan, MutBytes(b), now, out);
    if (o.verdict != nat::Verdict::pass && o.verdict != nat::Verdict::translated) return o.verdict;
    const nat::Verdict v = n.postrouting(wan, lan, MutBytes(b), o.context, now, out);
    REQUIRE(v == nat::Verdict::pass);
    return o.verdict;
}

} // namespace nat_test
