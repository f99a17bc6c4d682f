// No filtering. A Router<Routing, Nat, filter::None> contains no filter code
// at all: the router tests `enabled` with `if constexpr`.
#pragma once

#include <strata/policy/filter/concept.hpp>

namespace strata::filter {

struct None {
    static constexpr bool enabled = false;
    constexpr Verdict check(const Packet&, Instant) noexcept { return {}; }
    constexpr void poll(Instant) noexcept {}
    [[nodiscard]] constexpr Instant poll_at() const noexcept { return never; }
};

static_assert(Policy<None>);

} // namespace strata::filter
