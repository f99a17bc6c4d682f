// What one stage of the router's pipeline decides about a datagram, as a
// value (DESIGN.md §4; Click's elements with an error output): go on to the
// next stage, forward it, it is for the router itself, drop it for a
// reason, or drop it and answer with an ICMP error (or, for a rejected TCP
// segment, a reset). The router acts on the value in one place, which
// counts every drop by reason and traces it.
#pragma once

#include <cstdint>

#include <strata/addr/ipv4_address.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>

namespace strata::router {

/// Send it out of `port` to the link-layer owner of `next_hop` (the
/// destination itself when on-link, else the gateway).
struct Forward {
    PortId port{};
    Ipv4Address next_hop{};
    friend constexpr bool operator==(const Forward&, const Forward&) = default;
};
/// Addressed to the router (one of its addresses or a broadcast it owns).
struct Local {
    friend constexpr bool operator==(const Local&, const Local&) = default;
};
/// Goes no further.
struct Drop {
    DropReason reason{};
    friend constexpr bool operator==(const Drop&, const Drop&) = default;
};
/// Goes no further, and its source gets an ICMP error (if RFC 1812
/// §4.3.2.7 and the rate limit allow): `rest` is the ICMP header's second
/// word (parameter-problem pointer << 24, or the next-hop MTU).
struct Icmp {
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint32_t rest = 0;
    DropReason reason{};
    friend constexpr bool operator==(const Icmp&, const Icmp&) = default;
};
/// Goes no further, and its sender gets a TCP reset (a filter's reject).
struct Reset {
    DropReason reason = DropReason::filter;
    friend constexpr bool operator==(const Reset&, const Reset&) = default;
};

/// One of the above, or "next stage". A tagged struct rather than a
/// std::variant: the hot path only ever tests `kind`.
struct Step {
    enum class Kind : std::uint8_t { next, forward, local, drop, icmp, reset };
    Kind kind = Kind::next;
    Forward forward{};
    Drop drop{};
    Icmp icmp{};

    constexpr Step() = default;
    constexpr Step(Forward f) noexcept : kind(Kind::forward), forward(f) {}
    constexpr Step(Local) noexcept : kind(Kind::local) {}
    constexpr Step(Drop d) noexcept : kind(Kind::drop), drop(d) {}
    constexpr Step(Icmp i) noexcept : kind(Kind::icmp), drop{i.reason}, icmp(i) {}
    constexpr Step(Reset r) noexcept : kind(Kind::reset), drop{r.reason} {}

    [[nodiscard]] constexpr bool proceeds() const noexcept { return kind == Kind::next; }
    /// The reason of a drop, an ICMP error or a reset.
    [[nodiscard]] constexpr DropReason reason() const noexcept { return drop.reason; }
    friend constexpr bool operator==(const Step&, const Step&) = default;
};

/// "Go on": the value of a stage that let the datagram through.
inline constexpr Step next{};

// ICMP types and codes the router sends (RFC 792, RFC 1812 §5.2.7.1).
namespace icmp_code {
inline constexpr Icmp net_unreachable{3, 0, 0, DropReason::no_route};
inline constexpr Icmp host_unreachable{3, 1, 0, DropReason::arp_unresolved};
inline constexpr Icmp time_exceeded{11, 0, 0, DropReason::ttl_expired};
/// RFC 1812 §5.2.7.1 code 13: communication administratively prohibited.
inline constexpr Icmp prohibited{3, 13, 0, DropReason::filter};
/// RFC 1191 §4: the next-hop MTU in the low 16 bits of the second word.
[[nodiscard]] constexpr Icmp fragmentation_needed(std::uint32_t mtu) noexcept {
    return Icmp{3, 4, mtu & 0xffff, DropReason::fragmentation_needed};
}
/// RFC 792: the pointer is the first octet of the second word.
[[nodiscard]] constexpr Icmp parameter_problem(std::uint8_t pointer) noexcept {
    return Icmp{12, 0, std::uint32_t{pointer} << 24, DropReason::malformed};
}
} // namespace icmp_code

} // namespace strata::router
