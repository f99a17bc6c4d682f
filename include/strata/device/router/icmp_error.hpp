// ICMP errors a router sends (RFC 1812 §4.3.2): when it may send one, how
// many per second, and the bytes of one. The header choices follow Linux so
// that the comparison with a Linux router (tests/linux) can compare bytes:
// TTL 64, TOS = precedence 6 (0xC0, RFC 1812 §4.3.2.5) plus the offending
// packet's TOS bits (Linux's RT_TOS, mask 0x1E), DF clear, and a quote of
// the offending datagram as it was at the router, cut so that the error is
// at most 576 bytes (RFC 1812 §4.3.2.3).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/config.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::router {

/// Biggest ICMP error datagram (RFC 1812 §4.3.2.3).
inline constexpr std::size_t icmp_error_max_len = 576;
/// IPv4 header (20, no options) + ICMP header (8) in front of the quote.
inline constexpr std::size_t icmp_error_overhead = 28;

/// Not a unique individual host (RFC 1812 §4.3.2.7, §5.3.7): 0.0.0.0,
/// 127/8, 255.255.255.255, multicast (224/4) and class E (240/4).
[[nodiscard]] constexpr bool is_martian_source(Ipv4Address a) noexcept {
    return a.is_unspecified() || a.is_loopback() || (a.value() >> 28) >= 0xe;
}

/// RFC 1812 §4.3.2.7: no ICMP error about an ICMP error (nor an ICMP
/// message whose type is unknown, as Linux), a fragment other than the
/// first, a datagram to a broadcast or multicast address (IP or link
/// layer), or a datagram whose source is not a unique host.
/// `broadcast_destination`: the destination is a directed broadcast the
/// router knows of (one of its ports' networks).
template <ByteType B>
[[nodiscard]] constexpr bool may_send_error_about(const Ipv4View<B>& ip, bool link_broadcast,
                                                  bool broadcast_destination) noexcept {
    if (link_broadcast || broadcast_destination) return false;
    if (ip.dst().is_broadcast() || ip.dst().is_multicast()) return false;
    if (is_martian_source(ip.src())) return false;
    if (ip.frag_offset() != 0) return false;
    if (ip.protocol() == IpProtocol::icmp) {
        const auto payload = ip.payload();
        if (payload.empty()) return false;
        const auto type = static_cast<IcmpType>(payload[0]);
        // Linux (icmp_pointers[].error): only the known query messages may
        // be answered with an error; errors and unknown types may not.
        switch (type) {
        case IcmpType::echo_reply:
        case IcmpType::echo_request:
        case IcmpType::timestamp_request:
        case IcmpType::timestamp_reply:
        case IcmpType::info_request:
        case IcmpType::info_reply:
        case IcmpType::address_mask_request:
        case IcmpType::address_mask_reply:
            break;
        default:
            return false;
        }
    }
    return true;
}

/// Token buckets on `now`: the router's (Linux's icmp_global_allow:
/// `per_second` tokens a second, at most `burst` saved) and one per
/// destination host (Linux's inet_peer_xrlim_allow: a token every
/// `peer_interval`, at most `peer_burst` saved, full for a host not seen
/// before). Hosts share 256 slots by address hash; a host that takes
/// another's slot starts full, as a new inet_peer does. Every error asks
/// both; the ones refused are counted.
class IcmpRateLimit {
public:
    explicit IcmpRateLimit(IcmpRateConfig c = {})
        : config_(c), credit_(scaled(c.burst)), peers_(peer_slots) {}

    /// One error to `to` at `now`, if both buckets allow it.
    bool allow(Ipv4Address to, Instant now) noexcept {
        if (!allow_peer(to, now) || !allow(now)) {
            ++suppressed_;
            return false;
        }
        return true;
    }

    /// One token of the router's bucket, if there is one at `now`
    /// (a refusal is not counted here: allow(to, now) counts).
    constexpr bool allow(Instant now) noexcept {
        if (started_) {
            const auto elapsed = ns_since_start(now) - ns_since_start(last_);
            if (elapsed > 0) {
                // credit in token-nanoseconds: per_second tokens per 1e9 ns.
                const std::int64_t cap = scaled(config_.burst);
                const std::int64_t gained = config_.per_second == 0 ? 0
                                            : elapsed > cap
                                                ? cap
                                                : elapsed * std::int64_t{config_.per_second};
                credit_ = std::min(cap, credit_ + gained);
                last_ = now;
            }
        } else {
            started_ = true;
            last_ = now;
        }
        if (credit_ >= scaled(1)) {
            credit_ -= scaled(1);
            return true;
        }
        return false;
    }

    /// One token of `to`'s bucket, if there is one at `now`.
    bool allow_peer(Ipv4Address to, Instant now) noexcept {
        const std::int64_t interval = config_.peer_interval.count();
        if (interval <= 0) return true;
        const std::int64_t cap = interval * std::int64_t{config_.peer_burst};
        Peer& p = peers_[(to.value() * 0x9e3779b1u) >> 24];
        if (!p.used || p.address != to.value()) p = Peer{to.value(), true, cap, now};
        const std::int64_t elapsed = ns_since_start(now) - ns_since_start(p.last);
        if (elapsed > 0) {
            p.tokens = std::min(cap, p.tokens + elapsed);
            p.last = now;
        }
        if (p.tokens < interval) return false;
        p.tokens -= interval;
        return true;
    }

    /// Errors refused so far.
    [[nodiscard]] constexpr std::uint64_t suppressed() const noexcept { return suppressed_; }

private:
    static constexpr std::int64_t scaled(std::uint32_t tokens) noexcept {
        return std::int64_t{tokens} * 1'000'000'000;
    }
    struct Peer {
        std::uint32_t address = 0;
        bool used = false;
        std::int64_t tokens = 0; ///< in nanoseconds of interval
        Instant last{};
    };
    static constexpr std::size_t peer_slots = 256;

    IcmpRateConfig config_;
    std::int64_t credit_;
    Instant last_{};
    bool started_ = false;
    std::uint64_t suppressed_ = 0;
    std::vector<Peer> peers_;
};

/// Writes the 20-byte header of a datagram the router originates (no
/// options, DF clear, TTL 64) and fills its checksum.
inline void write_ipv4_header(MutBytes b, std::size_t total_len, std::uint8_t tos,
                              std::uint16_t ident, IpProtocol protocol, Ipv4Address src,
                              Ipv4Address dst, std::uint8_t ttl = 64) noexcept {
    const auto ip = Ipv4View<Byte>::unchecked(b);
    b[0] = 0x45;
    ip.set_tos(tos);
    ip.set_total_len(static_cast<std::uint16_t>(total_len));
    ip.set_ident(ident);
    store_be16(b.data() + 6, 0); // flags and fragment offset
    ip.set_ttl(ttl);
    ip.set_protocol(protocol);
    ip.set_src(src);
    ip.set_dst(dst);
    ip.fill_checksum();
}

/// Writes an ICMP error about `offending` into `b` (at least
/// icmp_error_max_len bytes) and returns its length: IPv4 header from `src`
/// to the offending source, ICMP type/code, `rest` as the second word
/// (pointer, next-hop MTU, or 0), then the quote: the offending datagram's
/// first bytes, as many as keep the error within 576 bytes.
template <ByteType B>
std::size_t write_icmp_error(MutBytes b, const Ipv4View<B>& offending, std::uint8_t type,
                             std::uint8_t code, std::uint32_t rest, Ipv4Address src,
                             std::uint16_t ident) noexcept {
    const std::size_t datagram =
        std::min<std::size_t>(offending.total_len(), offending.bytes().size());
    const std::size_t quote = std::min(datagram, icmp_error_max_len - icmp_error_overhead);
    const std::size_t total = icmp_error_overhead + quote;
    const std::uint8_t tos = static_cast<std::uint8_t>(0xc0 | (offending.tos() & 0x1e));
    write_ipv4_header(b, total, tos, ident, IpProtocol::icmp, src, offending.src());
    const MutBytes icmp = b.subspan(20, total - 20);
    icmp[0] = type;
    icmp[1] = code;
    store_be16(icmp.data() + 2, 0);
    store_be32(icmp.data() + 4, rest);
    std::memcpy(icmp.data() + 8, offending.bytes().data(), quote);
    IcmpView<Byte>::unchecked(icmp).fill_checksum();
    return total;
}

} // namespace strata::router
