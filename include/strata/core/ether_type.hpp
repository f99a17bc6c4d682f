// EtherType values (IEEE 802.3, IANA registry). An open enum: any 16-bit
// value is a valid EtherType; the named ones are only the ones we speak.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata {

enum class EtherType : std::uint16_t {
    ipv4 = 0x0800,
    arp = 0x0806,
    vlan = 0x8100, ///< IEEE 802.1Q customer tag
    ipv6 = 0x86dd,
    pppoe_discovery = 0x8863, ///< RFC 2516
    pppoe_session = 0x8864,   ///< RFC 2516
    qinq = 0x88a8,            ///< IEEE 802.1ad service tag
    qinq_legacy = 0x9100,     ///< pre-802.1ad vendor QinQ outer tag (same layout as 802.1Q)
};

/// Values up to 1500 in the type position are an IEEE 802.3 length, not a type.
constexpr bool is_ieee8023_length(EtherType t) noexcept {
    return static_cast<std::uint16_t>(t) <= 1500;
}

constexpr std::string_view to_string(EtherType t) noexcept {
    switch (t) {
    case EtherType::ipv4:
        return "IPv4";
    case EtherType::arp:
        return "ARP";
    case EtherType::vlan:
        return "802.1Q";
    case EtherType::ipv6:
        return "IPv6";
    case EtherType::pppoe_discovery:
        return "PPPoE-Discovery";
    case EtherType::pppoe_session:
        return "PPPoE-Session";
    case EtherType::qinq:
        return "802.1ad";
    case EtherType::qinq_legacy:
        return "QinQ (0x9100)";
    }
    return "unknown";
}

} // namespace strata
