// IPv4 options in a forwarding router (RFC 1812 §5.2.4, RFC 791 §3.1):
// checked when a datagram arrives (a malformed option is answered with an
// ICMP parameter problem pointing at the offending octet, RFC 1812
// §5.2.4.2), updated when it leaves: Record Route gets the egress address,
// Timestamp the time (and the address) or its overflow count bumped. Other
// options, source routes included, pass unchanged. Checks as Linux's
// ip_options_compile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/ipv4_options.hpp>

namespace strata::router {

/// Milliseconds since midnight UT, the Timestamp option's unit (RFC 791).
/// A node has no calendar: the run starts at midnight.
[[nodiscard]] constexpr std::uint32_t ms_since_midnight(Instant now) noexcept {
    return static_cast<std::uint32_t>((ns_since_start(now) / 1'000'000) % 86'400'000);
}

namespace detail {
/// Offset of an option's type octet from the start of the IPv4 header.
template <ByteType B>
constexpr std::size_t option_offset(const Ipv4View<B>& ip, const Ipv4Option<B>& o) noexcept {
    return static_cast<std::size_t>(o.data.data() - ip.bytes().data()) - 2;
}
} // namespace detail

/// The parameter-problem pointer (octet offset from the IPv4 header) of the
/// first option whose contents are wrong, or nullopt. The structure (type,
/// length) has been checked by Ipv4View::checked(); this checks what Record
/// Route and Timestamp say (Linux's ip_options_compile):
///   RR: length < 3 (pointer octet: +1), pointer < 4, or room for less than
///       an address under the pointer (+2)
///   TS: length < 4 (+1), pointer < 5 or room for less than an entry (+2),
///       an unknown flag (+3)
template <ByteType B>
[[nodiscard]] constexpr std::optional<std::uint8_t> check_options(const Ipv4View<B>& ip) noexcept {
    for (const auto& o : ip.options()) {
        if (o.length < 2) continue; // NOP
        const std::size_t at = detail::option_offset(ip, o);
        const auto ptr_at = [&](std::size_t k) { return static_cast<std::uint8_t>(at + k); };
        if (o.type == ipv4_option::record_route) {
            if (o.length < 3) return ptr_at(1);
            const std::uint8_t pointer = o.data[0];
            if (pointer < 4) return ptr_at(2);
            if (pointer <= o.length && pointer + 3 > o.length) return ptr_at(2);
        } else if (o.type == ipv4_option::timestamp) {
            if (o.length < 4) return ptr_at(1);
            const std::uint8_t pointer = o.data[0];
            const std::uint8_t flag = o.data[1] & 0x0f;
            if (pointer < 5) return ptr_at(2);
            if (flag != 0 && flag != 1 && flag != 3) return ptr_at(3);
            const std::size_t entry = flag == 0 ? 4 : 8;
            if (pointer <= o.length && pointer + entry - 1 > o.length) return ptr_at(2);
            // Full, and the overflow count is at 15 already (RFC 791).
            if (pointer > o.length && (o.data[1] & 0xf0) == 0xf0) return ptr_at(3);
        }
    }
    return std::nullopt;
}

/// Updates the options of a datagram leaving by the port with address
/// `egress` (precondition: check_options passed): Record Route stores the
/// address and advances the pointer when there is room; Timestamp stores
/// the time (flag 0), address and time (flag 1), or the time where the
/// next prespecified address is one of ours (flag 3, `is_mine(addr)`), or
/// bumps the overflow count when full. Recomputes the header checksum when
/// anything changed; returns whether it did.
template <class IsMine>
bool update_options(const Ipv4View<Byte>& ip, Ipv4Address egress, Instant now,
                    IsMine&& is_mine) noexcept {
    bool changed = false;
    const std::uint32_t ms = ms_since_midnight(now);
    for (const auto& o : ip.options()) {
        if (o.length < 2) continue;
        Byte* opt = o.data.data() - 2; // opt[2] is the pointer (1-based into opt)
        const std::uint8_t pointer = opt[2];
        if (o.type == ipv4_option::record_route) {
            if (pointer + 3 <= o.length) {
                egress.to_bytes(opt + pointer - 1);
                opt[2] = static_cast<std::uint8_t>(pointer + 4);
                changed = true;
            }
        } else if (o.type == ipv4_option::timestamp) {
            const std::uint8_t flag = opt[3] & 0x0f;
            const std::size_t entry = flag == 0 ? 4 : 8;
            if (pointer > o.length) {
                opt[3] = static_cast<std::uint8_t>(opt[3] + 0x10); // overflow count
                changed = true;
            } else if (pointer + entry - 1 <= o.length) {
                if (flag == 0) {
                    store_be32(opt + pointer - 1, ms);
                } else if (flag == 1) {
                    egress.to_bytes(opt + pointer - 1);
                    store_be32(opt + pointer + 3, ms);
                } else if (is_mine(Ipv4Address::from_bytes(opt + pointer - 1))) {
                    store_be32(opt + pointer + 3, ms);
                } else {
                    continue;
                }
                opt[2] = static_cast<std::uint8_t>(pointer + entry);
                changed = true;
            }
        }
    }
    if (changed) ip.fill_checksum();
    return changed;
}

/// Writes into `to` the options a fragment after the first carries: those
/// with the copied flag (RFC 791 §3.1, §3.2), EOL-padded to a multiple of
/// 4. Returns the bytes written (at most 40).
template <ByteType B>
std::size_t copied_options(const Ipv4View<B>& ip, Byte* to) noexcept {
    std::size_t n = 0;
    for (const auto& o : ip.options()) {
        if (!o.copied()) continue;
        to[n] = o.type;
        to[n + 1] = o.length;
        for (std::size_t i = 0; i < o.data.size(); ++i)
            to[n + 2 + i] = o.data[i];
        n += o.length;
    }
    while (n % 4 != 0)
        to[n++] = ipv4_option::eol;
    return n;
}

} // namespace strata::router
