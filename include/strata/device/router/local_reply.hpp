// Datagrams a router answers with that are not errors: the ICMP echo reply
// to a ping of one of its addresses (RFC 792, RFC 1812 §4.3.3.6) and the
// TCP reset a filter's reject action sends for a TCP segment
// (RFC 9293 §3.10.7.1, as Linux's REJECT --reject-with tcp-reset).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/device/router/icmp_error.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>

namespace strata::router {

/// Writes the echo reply to `request` (an unfragmented IPv4 datagram whose
/// payload is an ICMP echo request) into `b` (at least request.total_len()
/// bytes) and returns its length. Identifier, sequence number and data are
/// the request's (RFC 792); the source is the address pinged; TOS as the
/// request's, TTL 64, no options (Linux does not echo options either unless
/// they are record-route or timestamp ones, which a ping rarely carries).
template <ByteType B>
std::size_t write_echo_reply(MutBytes b, const Ipv4View<B>& request, std::uint16_t ident) noexcept {
    const auto icmp = request.payload();
    const std::size_t total = 20 + icmp.size();
    write_ipv4_header(b, total, request.tos(), ident, IpProtocol::icmp, request.dst(),
                      request.src());
    std::memcpy(b.data() + 20, icmp.data(), icmp.size());
    const auto reply = IcmpView<Byte>::unchecked(b.subspan(20, icmp.size()));
    reply.set_type(IcmpType::echo_reply);
    reply.set_code(0);
    reply.fill_checksum();
    return total;
}

/// Writes the reset answering `segment` (the IPv4 datagram carrying a TCP
/// segment with at least its 20-byte header) into `b` (at least 40 bytes)
/// and returns 40. RFC 9293 §3.10.7.1: if the segment has ACK, the reset
/// is <SEQ=SEG.ACK><CTL=RST>; otherwise <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
/// <CTL=RST,ACK>, where SEG.LEN counts the data and the SYN and FIN flags.
/// From the segment's destination to its source, ports swapped; DF set,
/// TTL 64, TOS 0, as Linux's nf_send_reset.
template <ByteType B>
std::size_t write_tcp_reset(MutBytes b, const Ipv4View<B>& segment) noexcept {
    const auto tcp = TcpView<const Byte>::unchecked(Bytes(segment.payload()));
    write_ipv4_header(b, 40, 0, 0, IpProtocol::tcp, segment.dst(), segment.src());
    const auto ip = Ipv4View<Byte>::unchecked(b);
    ip.set_dont_frag(true);
    ip.fill_checksum();
    Byte* t = b.data() + 20;
    std::memset(t, 0, 20);
    store_be16(t + 0, tcp.dst_port().value());
    store_be16(t + 2, tcp.src_port().value());
    t[12] = 5 << 4;
    if (tcp.ack()) {
        store_be32(t + 4, tcp.ack_number().value());
        t[13] = TcpFlags::rst_bit;
    } else {
        const std::size_t seg = segment.payload().size();
        // A data offset past the segment (malformed) counts no data.
        const std::size_t data = tcp.header_len() < seg ? seg - tcp.header_len() : 0;
        const std::uint32_t len =
            static_cast<std::uint32_t>(data) + (tcp.syn() ? 1u : 0u) + (tcp.fin() ? 1u : 0u);
        store_be32(t + 8, tcp.seq_number().value() + len);
        t[13] = TcpFlags::rst_bit | TcpFlags::ack_bit;
    }
    TcpView<Byte>::unchecked(b.subspan(20, 20)).fill_checksum(segment.dst(), segment.src());
    return 40;
}

} // namespace strata::router
