// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4,
// serial number arithmetic in the style of RFC 1982). `a < b` means "b is
// ahead of a by less than 2^31".
#pragma once

#include <compare>
#include <cstdint>

namespace strata {

class SeqNum {
    std::uint32_t v_ = 0;

public:
    constexpr SeqNum() = default;
    constexpr explicit SeqNum(std::uint32_t v) noexcept : v_(v) {}
    [[nodiscard]] constexpr std::uint32_t value() const noexcept { return v_; }

    /// Signed distance from `b` to `a` (a - b), valid while |a - b| < 2^31.
    friend constexpr std::int32_t operator-(SeqNum a, SeqNum b) noexcept {
        return static_cast<std::int32_t>(a.v_ - b.v_);
    }
    friend constexpr SeqNum operator+(SeqNum a, std::uint32_t n) noexcept {
        return SeqNum{a.v_ + n};
    }
    friend constexpr SeqNum operator-(SeqNum a, std::uint32_t n) noexcept {
        return SeqNum{a.v_ - n};
    }
    constexpr SeqNum& operator+=(std::uint32_t n) noexcept {
        v_ += n;
        return *this;
    }
    friend constexpr bool operator==(SeqNum, SeqNum) = default;
    /// Modular order. Two numbers exactly 2^31 apart are unordered in RFC 1982;
    /// here the signed difference decides, which makes the relation total.
    friend constexpr std::strong_ordering operator<=>(SeqNum a, SeqNum b) noexcept {
        return (a - b) <=> 0;
    }
};

/// True when `s` lies in [lo, hi) modulo 2^32 (RFC 9293 §3.4 acceptability tests).
constexpr bool in_window(SeqNum s, SeqNum lo, SeqNum hi) noexcept {
    return static_cast<std::uint32_t>(s.value() - lo.value()) <
           static_cast<std::uint32_t>(hi.value() - lo.value());
}

} // namespace strata
