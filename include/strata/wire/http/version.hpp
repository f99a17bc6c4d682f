// The HTTP-version of a start line (RFC 9112 §2.3): "HTTP/" DIGIT "." DIGIT.
#pragma once

#include <compare>
#include <cstdint>

namespace strata::http {

struct Version {
    std::uint8_t major = 1;
    std::uint8_t minor = 1;

    friend constexpr auto operator<=>(const Version&, const Version&) = default;
};

inline constexpr Version http10{1, 0};
inline constexpr Version http11{1, 1};

} // namespace strata::http
