// A network card's receive filter (DESIGN.md §1.6, §5): a frame is accepted
// when its destination is the card's own address, broadcast, or a multicast
// group the card joined; everything, in promiscuous mode. The frame check
// sequence is the runtime's: a frame that fails it never reaches a node (the
// simulator drops it as bad_fcs at the receiving port; a real card drops it).
// Hosts put a Nic in front of their stack.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/node/drop.hpp>

namespace strata {

class Nic {
public:
    static constexpr std::size_t max_groups = 8;

    constexpr explicit Nic(MacAddress address, bool promiscuous = false) noexcept
        : address_(address), promiscuous_(promiscuous) {}

    /// nullopt: accepted; otherwise why the frame is dropped.
    [[nodiscard]] constexpr std::optional<DropReason> admit(Bytes frame) const noexcept {
        if (frame.size() < 14) return DropReason::malformed;
        if (promiscuous_) return std::nullopt;
        const MacAddress dst = MacAddress::from_bytes(frame.data());
        if (dst == address_ || dst.is_broadcast()) return std::nullopt;
        if (dst.is_multicast()) {
            for (std::size_t i = 0; i < groups_; ++i) {
                if (joined_[i] == dst) return std::nullopt;
            }
        }
        return DropReason::not_for_me;
    }

    /// Join a multicast group; false when the address is not a group
    /// address or max_groups are joined already.
    constexpr bool join(MacAddress group) noexcept {
        if (!group.is_multicast() || group.is_broadcast() || groups_ == max_groups) return false;
        for (std::size_t i = 0; i < groups_; ++i) {
            if (joined_[i] == group) return true;
        }
        joined_[groups_++] = group;
        return true;
    }

    constexpr void set_promiscuous(bool on) noexcept { promiscuous_ = on; }
    [[nodiscard]] constexpr MacAddress address() const noexcept { return address_; }
    [[nodiscard]] constexpr bool promiscuous() const noexcept { return promiscuous_; }

private:
    MacAddress address_;
    std::array<MacAddress, max_groups> joined_{};
    std::size_t groups_ = 0;
    bool promiscuous_;
};

} // namespace strata
