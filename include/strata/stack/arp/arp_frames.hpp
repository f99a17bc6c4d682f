// The three ARP frames a host sends (RFC 826, RFC 5227), written whole
// (Ethernet header + 28-byte ARP packet, 42 bytes; the link pads to its
// minimum as Linux's driver does) into a buffer the runtime lends.
#pragma once

#include <cstddef>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>

namespace strata::stack {

/// Bytes of every frame below: 14 (Ethernet) + 28 (ARP).
inline constexpr std::size_t arp_frame_len = ethernet_header_len + arp_packet_len;

/// Writes `a` in an Ethernet frame from `src` to `dst`; returns
/// arp_frame_len, or 0 (nothing written) when `to` is shorter.
constexpr std::size_t write_arp_frame(MutBytes to, MacAddress dst, MacAddress src,
                                      const ArpRepr& a) noexcept {
    if (to.size() < arp_frame_len) return 0;
    EthernetRepr{dst, src, EtherType::arp}.emit(EthernetView<Byte>::unchecked(to));
    a.emit(ArpView<Byte>::unchecked(to.subspan(ethernet_header_len)));
    return arp_frame_len;
}

/// Who has `target`? Tell `sender_ip` (RFC 826), broadcast. With
/// `sender_ip == target` it is RFC 5227 §2.3's announcement (gratuitous
/// ARP: target hardware address zero, as Linux's arping -U sends it).
constexpr std::size_t write_arp_request(MutBytes to, MacAddress sender_mac, Ipv4Address sender_ip,
                                        Ipv4Address target) noexcept {
    return write_arp_frame(
        to, MacAddress::broadcast(), sender_mac,
        ArpRepr{ArpOperation::request, sender_mac, sender_ip, MacAddress::zero(), target});
}

/// `sender_ip` is at `sender_mac`: the answer to a request from
/// (`peer_mac`, `peer_ip`), unicast back to it (RFC 826).
constexpr std::size_t write_arp_reply(MutBytes to, MacAddress sender_mac, Ipv4Address sender_ip,
                                      MacAddress peer_mac, Ipv4Address peer_ip) noexcept {
    return write_arp_frame(to, peer_mac, sender_mac,
                           ArpRepr{ArpOperation::reply, sender_mac, sender_ip, peer_mac, peer_ip});
}

} // namespace strata::stack
