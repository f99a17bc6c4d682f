// No address translation. A Router<Routing, nat::None> contains no NAT code
// at all: the router tests `enabled` with `if constexpr`.
#pragma once

#include <strata/policy/nat/concept.hpp>

namespace strata::nat {

struct None {
    static constexpr bool enabled = false;

    template <class Out>
    constexpr Outcome prerouting(PortId, MutBytes, Instant, Out&) noexcept {
        return {};
    }
    template <class Out>
    constexpr Verdict postrouting(PortId, PortId, MutBytes, const Context&, Instant,
                                  Out&) noexcept {
        return Verdict::pass;
    }
    template <class Out>
    constexpr void poll(Instant, Out&) noexcept {}
    [[nodiscard]] constexpr Instant poll_at() const noexcept { return never; }
};

static_assert(Policy<None>);

} // namespace strata::nat
