// 48-bit IEEE MAC addresses: value type, parsing "aa:bb:cc:dd:ee:ff" (or
// '-' separated), printing lowercase with colons.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>

namespace strata {

class MacAddress {
    std::array<Byte, 6> b_{};

public:
    static constexpr std::size_t size = 6;

    constexpr MacAddress() = default;
    constexpr explicit MacAddress(const std::array<Byte, 6>& b) noexcept : b_(b) {}
    constexpr MacAddress(Byte a, Byte b, Byte c, Byte d, Byte e, Byte f) noexcept
        : b_{a, b, c, d, e, f} {}

    /// Reads 6 bytes; the caller guarantees they are there. Both directions
    /// are one 6-byte memcpy at run time (copy_bytes): byte-by-byte stores
    /// followed by emit()'s wider loads stall on store forwarding (bench
    /// build_tcp/*).
    static constexpr MacAddress from_bytes(const Byte* p) noexcept {
        MacAddress m;
        copy_bytes(Bytes(p, size), m.b_.data());
        return m;
    }
    constexpr void to_bytes(Byte* p) const noexcept { copy_bytes(b_, p); }
    static constexpr MacAddress broadcast() noexcept {
        return MacAddress{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    }
    static constexpr MacAddress zero() noexcept { return MacAddress{}; }

    [[nodiscard]] constexpr const std::array<Byte, 6>& bytes() const noexcept { return b_; }
    [[nodiscard]] constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }
    /// I/G bit: group (multicast or broadcast) address.
    [[nodiscard]] constexpr bool is_multicast() const noexcept { return (b_[0] & 0x01) != 0; }
    [[nodiscard]] constexpr bool is_unicast() const noexcept { return !is_multicast(); }
    /// U/L bit: locally administered.
    [[nodiscard]] constexpr bool is_local() const noexcept { return (b_[0] & 0x02) != 0; }
    /// The address as a 48-bit integer (for hashing and tables).
    [[nodiscard]] constexpr std::uint64_t to_u64() const noexcept {
        std::uint64_t v = 0;
        for (Byte x : b_)
            v = (v << 8) | x;
        return v;
    }

    friend constexpr auto operator<=>(const MacAddress&, const MacAddress&) = default;

    /// Parses six two-digit hex groups separated by ':' or '-' (not mixed).
    static constexpr Result<MacAddress> parse(std::string_view s) noexcept {
        auto bad = [](std::size_t at, std::string_view field) {
            return Error{"addr", field, at, Errc::bad_syntax};
        };
        if (s.size() != 17) return bad(s.size() < 17 ? s.size() : 17, "mac");
        const char sep = s[2];
        if (sep != ':' && sep != '-') return bad(2, "mac");
        std::array<Byte, 6> out{};
        for (std::size_t i = 0; i < 6; ++i) {
            std::size_t at = i * 3;
            if (i > 0 && s[at - 1] != sep) return bad(at - 1, "mac");
            int v = 0;
            for (std::size_t k = 0; k < 2; ++k) {
                char c = s[at + k];
                int d = (c >= '0' && c <= '9')   ? c - '0'
                        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                 : -1;
                if (d < 0) return bad(at + k, "mac");
                v = v * 16 + d;
            }
            out[i] = static_cast<Byte>(v);
        }
        return MacAddress{out};
    }
};

inline std::string to_string(const MacAddress& m) {
    constexpr char hex[] = "0123456789abcdef";
    std::string s(17, ':');
    for (std::size_t i = 0; i < 6; ++i) {
        s[i * 3] = hex[m.bytes()[i] >> 4];
        s[i * 3 + 1] = hex[m.bytes()[i] & 0xf];
    }
    return s;
}

} // namespace strata
