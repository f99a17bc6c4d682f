// IPv4 addresses: a 32-bit value in host order, parsed from and printed as a
// dotted quad.
#pragma once

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

class Ipv4Address {
    std::uint32_t v_ = 0;

public:
    static constexpr std::size_t size = 4;

    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(std::uint32_t host_order) noexcept : v_(host_order) {}
    constexpr Ipv4Address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept
        : v_((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d) {}

    /// Reads 4 network-order bytes; the caller guarantees they are there.
    static constexpr Ipv4Address from_bytes(const Byte* p) noexcept {
        return Ipv4Address{load_be32(p)};
    }
    constexpr void to_bytes(Byte* p) const noexcept { store_be32(p, v_); }

    static constexpr Ipv4Address any() noexcept { return Ipv4Address{}; }
    static constexpr Ipv4Address broadcast() noexcept { return Ipv4Address{0xffffffffu}; }

    [[nodiscard]] constexpr std::uint32_t value() const noexcept { return v_; }
    [[nodiscard]] constexpr std::uint8_t octet(int i) const noexcept {
        return static_cast<std::uint8_t>(v_ >> (24 - 8 * i));
    }
    [[nodiscard]] constexpr bool is_unspecified() const noexcept { return v_ == 0; }
    [[nodiscard]] constexpr bool is_broadcast() const noexcept { return v_ == 0xffffffffu; }
    /// 224.0.0.0/4 (RFC 5771).
    [[nodiscard]] constexpr bool is_multicast() const noexcept { return (v_ >> 28) == 0xe; }
    /// 127.0.0.0/8 (RFC 1122 §3.2.1.3).
    [[nodiscard]] constexpr bool is_loopback() const noexcept { return (v_ >> 24) == 127; }
    /// 10/8, 172.16/12, 192.168/16 (RFC 1918).
    [[nodiscard]] constexpr bool is_private() const noexcept {
        return (v_ >> 24) == 10 || (v_ >> 20) == 0xac1 || (v_ >> 16) == 0xc0a8;
    }

    friend constexpr auto operator<=>(Ipv4Address, Ipv4Address) = default;

    /// Parses a dotted quad "a.b.c.d" of decimal octets 0..255. Leading zeros
    /// are rejected ("010" is octal to inet_aton and decimal to others).
    /// `consumed`, when given, receives the length parsed; then trailing text
    /// is allowed (used by prefix parsing).
    static constexpr Result<Ipv4Address> parse(std::string_view s,
                                               std::size_t* consumed = nullptr) noexcept {
        std::uint32_t v = 0;
        std::size_t i = 0;
        for (int part = 0; part < 4; ++part) {
            if (part > 0) {
                if (i >= s.size() || s[i] != '.') return Error{"addr", "ipv4", i, Errc::bad_syntax};
                ++i;
            }
            std::size_t start = i;
            std::uint32_t octet = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
                octet = octet * 10 + static_cast<std::uint32_t>(s[i] - '0');
                ++i;
            }
            if (i == start) return Error{"addr", "ipv4", i, Errc::bad_syntax};
            if (octet > 255) return Error{"addr", "ipv4", start, Errc::bad_value, octet, 255};
            if (s[start] == '0' && i - start > 1) return Error{"addr", "ipv4", start, Errc::bad_syntax};
            v = (v << 8) | octet;
        }
        if (consumed) *consumed = i;
        else if (i != s.size()) return Error{"addr", "ipv4", i, Errc::bad_syntax};
        return Ipv4Address{v};
    }
};

inline std::string to_string(Ipv4Address a) {
    std::string s;
    s.reserve(15);
    for (int i = 0; i < 4; ++i) {
        if (i) s.push_back('.');
        s.append(std::to_string(a.octet(i)));
    }
    return s;
}

} // namespace strata
