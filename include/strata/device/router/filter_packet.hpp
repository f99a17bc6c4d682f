// The summary of a forwarded datagram a Router hands its filter
// (policy/filter/concept.hpp): ports, addresses, protocol, and the
// transport fields when the datagram carries its transport header (a first
// fragment with enough bytes), and for an ICMP error the flow it quotes.
#pragma once

#include <cstdint>
#include <span>

#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/node/port.hpp>
#include <strata/policy/filter/concept.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::router {

/// The quoted header of an ICMP error (RFC 792: IP header + 8 bytes), as
/// its sender wrote it: addresses, protocol, TCP/UDP ports or the ICMP query
/// identifier (twice).
template <ByteType B>
void read_inner(filter::Packet& p, std::span<B> quote) noexcept {
    const auto inner = Ipv4View<const Byte>::checked_quote(Bytes(quote));
    if (!inner || inner->frag_offset() != 0) return;
    const auto l4 = inner->payload();
    p.inner_src = inner->src();
    p.inner_dst = inner->dst();
    p.inner_protocol = static_cast<std::uint8_t>(inner->protocol());
    if ((p.inner_protocol == 6 || p.inner_protocol == 17) && l4.size() >= 4) {
        p.inner_sport = load_be16(l4.data());
        p.inner_dport = load_be16(l4.data() + 2);
    } else if (p.inner_protocol == 1 && l4.size() >= 8 && (l4[0] == 0 || l4[0] == 8)) {
        p.inner_sport = p.inner_dport = load_be16(l4.data() + 4);
    } else if (p.inner_protocol == 6 || p.inner_protocol == 17 || p.inner_protocol == 1) {
        return; // too short to name the flow
    }
    p.has_inner = true;
}

/// What the filter matches on, read once from the header and the first
/// transport bytes: TCP/UDP ports and TCP flags, ICMP type and code (and the
/// identifier as both "ports" of an echo).
template <ByteType B>
[[nodiscard]] filter::Packet filter_packet(PortId in, PortId out, MacAddress src_mac,
                                           const Ipv4View<B>& ip) noexcept {
    filter::Packet p{};
    p.in = in;
    p.out = out;
    p.src_mac = src_mac;
    p.src = ip.src();
    p.dst = ip.dst();
    p.protocol = static_cast<std::uint8_t>(ip.protocol());
    if (ip.frag_offset() != 0) return p;
    const auto l4 = ip.payload();
    switch (ip.protocol()) {
    case IpProtocol::tcp:
        if (l4.size() >= 20) {
            p.has_transport = true;
            p.sport = load_be16(l4.data());
            p.dport = load_be16(l4.data() + 2);
            p.tcp_flags = l4[13];
        }
        break;
    case IpProtocol::udp:
        if (l4.size() >= 8) {
            p.has_transport = true;
            p.sport = load_be16(l4.data());
            p.dport = load_be16(l4.data() + 2);
        }
        break;
    case IpProtocol::icmp:
        if (l4.size() >= 8) {
            p.has_transport = true;
            p.icmp_type = l4[0];
            p.icmp_code = l4[1];
            if (l4[0] == 0 || l4[0] == 8) p.sport = p.dport = load_be16(l4.data() + 4);
            if (l4[0] == 3 || l4[0] == 4 || l4[0] == 5 || l4[0] == 11 || l4[0] == 12)
                read_inner(p, l4.subspan(8));
        }
        break;
    default:
        break;
    }
    return p;
}

} // namespace strata::router
