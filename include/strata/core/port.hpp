// Transport port numbers as a strong type, so that a port cannot be passed
// where a length or a sequence number belongs.
#pragma once

#include <compare>
#include <cstdint>

namespace strata {

class Port {
public:
    /// Public only so that Port is a structural type and can be a template
    /// argument (Bind<DNS, Port{5353}>); use value().
    std::uint16_t number = 0;

    constexpr Port() = default;
    constexpr explicit Port(std::uint16_t v) noexcept : number(v) {}
    [[nodiscard]] constexpr std::uint16_t value() const noexcept { return number; }
    friend constexpr auto operator<=>(Port, Port) = default;
};

namespace ports {
inline constexpr Port dns{53};
inline constexpr Port http{80};
inline constexpr Port https{443};
inline constexpr Port ftp{21};
inline constexpr Port dhcp_server{67};
inline constexpr Port dhcp_client{68};
} // namespace ports

} // namespace strata
