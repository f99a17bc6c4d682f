// A hub repeats every frame to every port but the one it came in on: a switch
// that never learns (DESIGN.md §1.7).
#pragma once

#include <strata/device/switch.hpp>
#include <strata/policy/mac/flood.hpp>

namespace strata {

using Hub = Switch<mac::Flood>;

} // namespace strata
