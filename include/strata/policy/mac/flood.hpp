// Learn nothing, know nothing: every frame goes out of every port but the one
// it came in on. Switch<mac::Flood> is a hub (a repeater, DESIGN.md §1.7).
#pragma once

#include <strata/policy/mac/concept.hpp>

namespace strata::mac {

struct Flood {
    constexpr Learned learn(MacAddress, PortId, Instant) noexcept { return Learned::none; }
    constexpr std::optional<PortId> lookup(MacAddress, Instant) const noexcept {
        return std::nullopt;
    }
};

static_assert(Policy<Flood>);

} // namespace strata::mac
