// IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). An open
// enum: every 8-bit value is a protocol; unknown ones are values, not errors.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata {

enum class IpProtocol : std::uint8_t {
    hopopt = 0,
    icmp = 1,
    igmp = 2,
    tcp = 6,
    udp = 17,
    ipv6 = 41,
    gre = 47,
    esp = 50,
    ah = 51,
    icmpv6 = 58,
    ospf = 89,
    sctp = 132,
};

constexpr std::string_view to_string(IpProtocol p) noexcept {
    switch (p) {
    case IpProtocol::hopopt: return "HOPOPT";
    case IpProtocol::icmp: return "ICMP";
    case IpProtocol::igmp: return "IGMP";
    case IpProtocol::tcp: return "TCP";
    case IpProtocol::udp: return "UDP";
    case IpProtocol::ipv6: return "IPv6";
    case IpProtocol::gre: return "GRE";
    case IpProtocol::esp: return "ESP";
    case IpProtocol::ah: return "AH";
    case IpProtocol::icmpv6: return "ICMPv6";
    case IpProtocol::ospf: return "OSPF";
    case IpProtocol::sctp: return "SCTP";
    }
    return "unknown";
}

} // namespace strata
