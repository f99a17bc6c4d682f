// An ICMP error (RFC 792: destination unreachable, time exceeded) taken
// apart: what kind it is and which of our datagrams it quotes (the IPv4
// header and at least the first 8 bytes, RFC 792 / RFC 1122 §3.2.2), so the
// host can hand it to the socket it concerns: the ports (UDP, TCP) and the
// TCP sequence number sit in those first 8 bytes.
#pragma once

#include <cstdint>
#include <optional>

#include <strata/core/bytes.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::stack {

struct IcmpErrorReport {
    enum class Kind : std::uint8_t {
        unreachable_hard, ///< protocol / port unreachable (RFC 1122 §4.2.3.9: abort a connection)
        unreachable_soft, ///< net / host unreachable and the rest: report, do not abort
        frag_needed,      ///< code 4 (RFC 1191): next_hop_mtu is the new path MTU (0: unknown)
        time_exceeded,    ///< TTL or reassembly time exceeded (soft)
    };
    Kind kind{};
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint16_t next_hop_mtu = 0;
    IpProtocol protocol{};     ///< of the quoted datagram
    FourTuple tuple{};         ///< local = its source (us), remote = its destination
    std::uint32_t tcp_seq = 0; ///< for TCP: the quoted segment's sequence number
    std::uint16_t quoted_total_len = 0;

    /// The errno a socket sees for it (Linux's icmp_err_convert table).
    [[nodiscard]] constexpr Errno error() const noexcept {
        if (type == static_cast<std::uint8_t>(IcmpType::time_exceeded)) return Errno::ehostunreach;
        switch (code) {
        case 0:  // net unreachable
        case 6:  // net unknown
        case 11: // net unreachable for TOS
            return Errno::enetunreach;
        case 2: // protocol unreachable
        case 3: // port unreachable
            return Errno::econnrefused;
        case 4:
            return Errno::emsgsize;
        default:
            return Errno::ehostunreach;
        }
    }
};

/// Parses an error message; nullopt when it is not an error, or the quote is
/// too short to say whom it concerns (then it is ignored, RFC 1122 §3.2.2).
template <ByteType B>
[[nodiscard]] constexpr std::optional<IcmpErrorReport>
parse_icmp_error(const IcmpView<B>& v) noexcept {
    const auto type = v.type();
    if (type != IcmpType::dest_unreachable && type != IcmpType::time_exceeded) return std::nullopt;
    const auto q = Ipv4View<const Byte>::checked_quote(Bytes(v.quoted()));
    if (!q) return std::nullopt;
    const Bytes l4 = Bytes(q->payload());
    if (l4.size() < 8 || q->frag_offset() != 0) return std::nullopt;
    IcmpErrorReport r;
    r.type = static_cast<std::uint8_t>(type);
    r.code = v.code();
    r.protocol = q->protocol();
    r.quoted_total_len = q->total_len();
    r.tuple.local = Endpoint{q->src(), Port{load_be16(l4.data())}};
    r.tuple.remote = Endpoint{q->dst(), Port{load_be16(l4.data() + 2)}};
    r.tcp_seq = load_be32(l4.data() + 4);
    if (type == IcmpType::time_exceeded) {
        r.kind = IcmpErrorReport::Kind::time_exceeded;
    } else if (r.code == 4) {
        r.kind = IcmpErrorReport::Kind::frag_needed;
        r.next_hop_mtu = v.next_hop_mtu();
    } else if (r.code == 2 || r.code == 3) {
        r.kind = IcmpErrorReport::Kind::unreachable_hard;
    } else {
        r.kind = IcmpErrorReport::Kind::unreachable_soft;
    }
    return r;
}

} // namespace strata::stack
