// A fixed MAC table written by the operator (Linux `bridge fdb add … static`):
// nothing is learned or aged; unknown destinations are flooded.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include <strata/policy/mac/concept.hpp>

namespace strata::mac {

class Static {
public:
    Static() = default;
    Static(std::initializer_list<std::pair<MacAddress, PortId>> entries)
        : entries_(entries.begin(), entries.end()) {
        std::sort(entries_.begin(), entries_.end());
    }

    constexpr Learned learn(MacAddress, PortId, Instant) noexcept { return Learned::none; }

    [[nodiscard]] std::optional<PortId> lookup(MacAddress mac, Instant) const noexcept {
        const auto it = std::lower_bound(entries_.begin(), entries_.end(), mac,
                                         [](const auto& e, MacAddress m) { return e.first < m; });
        if (it == entries_.end() || it->first != mac) return std::nullopt;
        return it->second;
    }

private:
    std::vector<std::pair<MacAddress, PortId>> entries_;
};

static_assert(Policy<Static>);

} // namespace strata::mac
