// The summary of a forwarded datagram a Router hands its filter
// (policy/filter/concept.hpp): ports, addresses, protocol, and the
// transport fields when the datagram carries its transport header (a first
// fragment with enough bytes).
#pragma once

#include <cstdint>

#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/node/port.hpp>
#include <strata/policy/filter/concept.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::router {

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
        }
        break;
    default:
        break;
    }
    return p;
}

} // namespace strata::router
