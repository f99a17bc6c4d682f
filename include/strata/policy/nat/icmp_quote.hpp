// The datagram an ICMP error quotes (RFC 792; RFC 5508 §4.2), and its
// rewrite by a NAT: the quote is a packet that went the other way, so its
// source (inbound error) or destination (outbound error) is the mapped
// endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <strata/policy/nat/mapping_table.hpp>
#include <strata/policy/nat/translate.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::nat::detail {

// The outer address, the quoted address
// and port, the quoted IP checksum, the quoted transport checksum (when
// the quote reaches it: RFC 792 only promises 8 bytes; a truncated TCP
// or UDP checksum cannot be verified but is fixed anyway, as Linux does),
// and the ICMP checksum over all of it are rewritten incrementally.

/// The quoted datagram of an error, if it is a first fragment of TCP,
/// UDP or ICMP echo (`echo_type`) with at least 8 bytes of it quoted.
struct Quote {
    Ipv4View<Byte> ip;
    MutBytes l4;
    std::uint8_t protocol;
};
inline std::optional<Quote> quote(MutBytes icmp, IcmpType echo_type) noexcept {
    auto inner = Ipv4View<Byte>::checked_quote(icmp.subspan(icmp_field::header_len));
    if (!inner || inner->frag_offset_raw() != 0) return std::nullopt;
    const auto protocol = static_cast<std::uint8_t>(inner->protocol());
    const MutBytes l4 = inner->payload();
    if (l4_index(protocol) < 0 || l4.size() < 8) return std::nullopt;
    if (protocol == 1 && static_cast<IcmpType>(l4[0]) != echo_type) return std::nullopt;
    return Quote{*inner, l4, protocol};
}
/// Rewrites the quoted address at `addr_off` and the quoted port (or echo
/// id) at `port_off` of q, fixing the quoted checksums; every change is
/// also recorded in `icmpd` for the outer ICMP checksum.
inline void rewrite_quote(const Quote& q, std::size_t addr_off, std::size_t port_off,
                          std::uint32_t addr, std::uint16_t port, ChecksumDelta& icmpd) noexcept {
    Byte* const h = q.ip.bytes().data();
    Byte* const t = q.l4.data();
    ChecksumDelta ipd, l4d;
    icmpd.change32(detail::put32(h + addr_off, addr, ipd), addr);
    const std::uint16_t old_ipc = load_be16(h + detail::ip_checksum);
    detail::fix_checksum(h + detail::ip_checksum, ipd);
    icmpd.change16(old_ipc, load_be16(h + detail::ip_checksum));
    if (q.protocol != 1) l4d.add(ipd);
    icmpd.change16(detail::put16(t + port_off, port, l4d), port);
    const std::size_t c = q.protocol == 1   ? detail::icmp_checksum
                          : q.protocol == 6 ? detail::tcp_checksum
                                            : detail::udp_checksum;
    if (q.l4.size() >= c + 2) {
        const std::uint16_t old_c = load_be16(t + c);
        detail::fix_checksum(t + c, l4d, q.protocol == 17);
        icmpd.change16(old_c, load_be16(t + c));
    }
}

} // namespace strata::nat::detail
