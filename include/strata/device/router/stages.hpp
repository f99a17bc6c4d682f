// What one stage of the router's pipeline decides about a datagram, as a
// value (DESIGN.md §4; Click's elements with an error output): go on to the
// next stage, forward it, it is for the router itself, drop it for a
// reason, or drop it and answer with an ICMP error (or, for a rejected TCP
// segment, a reset). The router acts on the value in one place, which
// counts every drop by reason and traces it.
#pragma once

#include <cstdint>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>
#include <strata/wire/ipv4.hpp>

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

/// One of the above, or "next stage". A tagged struct of 12 bytes rather
/// than a std::variant: it is returned in registers, and the hot path only
/// tests `kind` (a bigger value went through the stack, and reading it back
/// cost a store-forwarding stall per packet).
class Step {
public:
    enum class Kind : std::uint8_t { next, forward, local, drop, icmp, reset };

    constexpr Step() = default;
    constexpr Step(Forward f) noexcept
        : kind_(Kind::forward), port_(f.port), value_(f.next_hop.value()) {}
    constexpr Step(Local) noexcept : kind_(Kind::local) {}
    constexpr Step(Drop d) noexcept : kind_(Kind::drop), reason_(d.reason) {}
    constexpr Step(Icmp i) noexcept
        : kind_(Kind::icmp), reason_(i.reason), type_(i.type), code_(i.code), value_(i.rest) {}
    constexpr Step(Reset r) noexcept : kind_(Kind::reset), reason_(r.reason) {}

    [[nodiscard]] constexpr Kind kind() const noexcept { return kind_; }
    [[nodiscard]] constexpr bool proceeds() const noexcept { return kind_ == Kind::next; }
    /// Meaningful when kind() == forward.
    [[nodiscard]] constexpr Forward forward() const noexcept {
        return Forward{port_, Ipv4Address{value_}};
    }
    /// Meaningful when kind() == icmp.
    [[nodiscard]] constexpr Icmp icmp() const noexcept {
        return Icmp{type_, code_, value_, reason_};
    }
    /// The reason of a drop, an ICMP error or a reset.
    [[nodiscard]] constexpr DropReason reason() const noexcept { return reason_; }
    friend constexpr bool operator==(const Step&, const Step&) = default;

private:
    Kind kind_ = Kind::next;
    DropReason reason_{};
    std::uint8_t type_ = 0;
    std::uint8_t code_ = 0;
    PortId port_{};
    std::uint32_t value_ = 0; ///< next hop, or the ICMP header's second word
};
static_assert(sizeof(Step) <= 16, "returned in two registers");

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

/// TTL - 1 with the checksum fixed by RFC 1624 eqn. 3 (RFC 1812 §5.3.1),
/// on the 16-bit word TTL shares with the protocol: one load, one store
/// (writing the byte and reading the word back would stall the store
/// forwarding of most CPUs). Precondition: TTL > 0. Returns the new TTL.
inline std::uint8_t decrement_ttl(const Ipv4View<Byte>& ip) noexcept {
    Byte* w = ip.bytes().data() + 8;
    const std::uint16_t old_word = load_be16(w);
    const auto new_word = static_cast<std::uint16_t>(old_word - 0x0100);
    store_be16(w, new_word);
    Byte* c = ip.bytes().data() + 10;
    store_be16(c, checksum::update16(load_be16(c), old_word, new_word));
    return static_cast<std::uint8_t>(new_word >> 8);
}

} // namespace strata::router
