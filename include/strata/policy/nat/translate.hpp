// The byte rewrites of a NAT: an address or port changes and every checksum
// that covers it is fixed incrementally (RFC 1624 eqn. 3), never recomputed:
// HC' = ~(~HC + ~m + m'), summed over all the 16-bit words that change, then
// folded once. Offsets are those of RFC 791 / 793 / 768 / 792; callers
// check the lengths with the wire views before calling.
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::nat {

/// The changes to one checksum, as one's complement sums of ~old + new.
class ChecksumDelta {
public:
    constexpr void change16(std::uint16_t old_word, std::uint16_t new_word) noexcept {
        sum_ += static_cast<std::uint16_t>(~old_word);
        sum_ += new_word;
    }
    constexpr void change32(std::uint32_t old_value, std::uint32_t new_value) noexcept {
        change16(static_cast<std::uint16_t>(old_value >> 16),
                 static_cast<std::uint16_t>(new_value >> 16));
        change16(static_cast<std::uint16_t>(old_value), static_cast<std::uint16_t>(new_value));
    }
    constexpr void add(const ChecksumDelta& other) noexcept { sum_ += other.sum_; }
    /// The checksum after the changes (RFC 1624 eqn. 3).
    [[nodiscard]] constexpr std::uint16_t apply(std::uint16_t checksum) const noexcept {
        return static_cast<std::uint16_t>(
            ~checksum::fold(std::uint64_t{static_cast<std::uint16_t>(~checksum)} + sum_));
    }

private:
    std::uint64_t sum_ = 0;
};

namespace detail {

// Offsets inside the IPv4 header (RFC 791) and the transport headers.
inline constexpr std::size_t ip_checksum = 10, ip_src = 12, ip_dst = 16;
inline constexpr std::size_t l4_src_port = 0, l4_dst_port = 2;
inline constexpr std::size_t udp_checksum = 6, tcp_checksum = 16, icmp_checksum = 2, icmp_ident = 4;

/// Fixes the checksum stored at `p` by `d`. For UDP (`udp`) a zero checksum
/// means "none" and stays zero, and a result of 0 is sent as 0xffff
/// (RFC 768).
[[gnu::always_inline]] constexpr void fix_checksum(Byte* p, const ChecksumDelta& d,
                                                   bool udp = false) noexcept {
    const std::uint16_t c = load_be16(p);
    if (udp && c == 0) return;
    std::uint16_t n = d.apply(c);
    if (udp && n == 0) n = 0xffff;
    store_be16(p, n);
}

/// Writes a 16-bit word, records the change in `d` and returns the old value.
constexpr std::uint16_t put16(Byte* p, std::uint16_t v, ChecksumDelta& d) noexcept {
    const std::uint16_t old = load_be16(p);
    store_be16(p, v);
    d.change16(old, v);
    return old;
}
/// Writes a 32-bit word (an address), records the change in `d`.
constexpr std::uint32_t put32(Byte* p, std::uint32_t v, ChecksumDelta& d) noexcept {
    const std::uint32_t old = load_be32(p);
    store_be32(p, v);
    d.change32(old, v);
    return old;
}

/// The source or destination address of a later fragment: only the IP
/// header checksum covers it (the transport checksum, in the first
/// fragment, was fixed there through the pseudo-header).
inline void rewrite_fragment_address(const Ipv4View<Byte>& ip, std::size_t offset,
                                     std::uint32_t to) noexcept {
    Byte* const h = ip.bytes().data();
    ChecksumDelta d;
    put32(h + offset, to, d);
    fix_checksum(h + ip_checksum, d);
}

} // namespace detail

} // namespace strata::nat
