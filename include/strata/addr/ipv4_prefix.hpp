// IPv4 prefixes: an address with a prefix length, written "10.11.12.0/24" or
// "10.11.12.13/255.255.255.0". The address keeps its host bits (so the same
// type names an interface address such as 10.11.12.13/24); network() gives
// the canonical prefix.
#pragma once

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/result.hpp>

#include <bit>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

/// The contiguous netmask of a prefix length 0..32.
constexpr std::uint32_t netmask_bits(int length) noexcept {
    return length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
}

/// The prefix length of a contiguous netmask, or an error for a mask such as
/// 255.0.255.0 whose one bits are not all on the left (RFC 4632 §3.1).
constexpr Result<int> prefix_length_of(Ipv4Address mask, std::size_t offset = 0) noexcept {
    const std::uint32_t m = mask.value();
    const int len = std::countl_one(m);
    if (netmask_bits(len) != m) return Error{"addr", "netmask", offset, Errc::bad_value, m, netmask_bits(len)};
    return len;
}

class Ipv4Prefix {
    Ipv4Address addr_;
    std::uint8_t len_ = 0;

public:
    constexpr Ipv4Prefix() = default;
    /// Precondition: 0 <= length <= 32 (use make() for a checked construction).
    constexpr Ipv4Prefix(Ipv4Address a, int length) noexcept
        : addr_(a), len_(static_cast<std::uint8_t>(length)) {}

    static constexpr Result<Ipv4Prefix> make(Ipv4Address a, int length) noexcept {
        if (length < 0 || length > 32)
            return Error{"addr", "prefix_length", 0, Errc::bad_value,
                         static_cast<std::uint64_t>(length), 32};
        return Ipv4Prefix{a, length};
    }
    static constexpr Result<Ipv4Prefix> with_netmask(Ipv4Address a, Ipv4Address mask) noexcept {
        auto len = prefix_length_of(mask);
        if (!len) return len.error();
        return Ipv4Prefix{a, *len};
    }

    [[nodiscard]] constexpr Ipv4Address address() const noexcept { return addr_; }
    [[nodiscard]] constexpr int length() const noexcept { return len_; }
    [[nodiscard]] constexpr Ipv4Address netmask() const noexcept {
        return Ipv4Address{netmask_bits(len_)};
    }
    /// The canonical prefix: host bits cleared.
    [[nodiscard]] constexpr Ipv4Prefix network() const noexcept {
        return Ipv4Prefix{Ipv4Address{addr_.value() & netmask_bits(len_)}, len_};
    }
    /// The network address (host bits zero).
    [[nodiscard]] constexpr Ipv4Address network_address() const noexcept {
        return Ipv4Address{addr_.value() & netmask_bits(len_)};
    }
    /// The directed broadcast address (host bits one). For /31 and /32 there
    /// is no broadcast (RFC 3021); this still returns the all-ones value.
    [[nodiscard]] constexpr Ipv4Address broadcast_address() const noexcept {
        return Ipv4Address{addr_.value() | ~netmask_bits(len_)};
    }
    [[nodiscard]] constexpr bool is_canonical() const noexcept {
        return (addr_.value() & ~netmask_bits(len_)) == 0;
    }
    [[nodiscard]] constexpr bool contains(Ipv4Address a) const noexcept {
        return ((a.value() ^ addr_.value()) & netmask_bits(len_)) == 0;
    }
    /// True when every address of `inner` is in this prefix.
    [[nodiscard]] constexpr bool contains(Ipv4Prefix inner) const noexcept {
        return inner.len_ >= len_ && contains(inner.addr_);
    }

    friend constexpr auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;

    /// Parses "a.b.c.d/len" (len 0..32) or "a.b.c.d/m.m.m.m" (contiguous mask).
    /// A bare address "a.b.c.d" is a /32.
    static constexpr Result<Ipv4Prefix> parse(std::string_view s) noexcept {
        std::size_t used = 0;
        auto a = Ipv4Address::parse(s, &used);
        if (!a) return a.error();
        if (used == s.size()) return Ipv4Prefix{*a, 32};
        if (s[used] != '/') return Error{"addr", "prefix", used, Errc::bad_syntax};
        const std::string_view rest = s.substr(used + 1);
        const std::size_t at = used + 1;
        if (rest.find('.') != std::string_view::npos) {
            auto m = Ipv4Address::parse(rest);
            if (!m) return m.error().rebased(at);
            auto len = prefix_length_of(*m, at);
            if (!len) return len.error();
            return Ipv4Prefix{*a, *len};
        }
        if (rest.empty() || rest.size() > 2) return Error{"addr", "prefix_length", at, Errc::bad_syntax};
        int len = 0;
        for (char c : rest) {
            if (c < '0' || c > '9') return Error{"addr", "prefix_length", at, Errc::bad_syntax};
            len = len * 10 + (c - '0');
        }
        if (rest.size() == 2 && rest[0] == '0') return Error{"addr", "prefix_length", at, Errc::bad_syntax};
        if (len > 32) return Error{"addr", "prefix_length", at, Errc::bad_value, static_cast<std::uint64_t>(len), 32};
        return Ipv4Prefix{*a, len};
    }
};

/// "10.11.12.0/24"
inline std::string to_string(const Ipv4Prefix& p) {
    return to_string(p.address()) + '/' + std::to_string(p.length());
}
/// "10.11.12.13/255.255.255.0"
inline std::string to_string_with_netmask(const Ipv4Prefix& p) {
    return to_string(p.address()) + '/' + to_string(p.netmask());
}

} // namespace strata
