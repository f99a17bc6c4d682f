// ARP: an address resolution packet (RFC 826) for Ethernet/IPv4; nothing inside.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/arp.hpp>

namespace strata {

struct ARP : ViewReprLayer<ArpView, ArpRepr> {
    using kind = layer_kind::network;
    static constexpr std::string_view name = "arp";
    static constexpr KeySet selected_by{EtherType::arp};

    /// What follows the 28 bytes of an Ethernet/IPv4 ARP packet is padding.
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.bytes().subspan(v.header_len());
    }

    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes frame, const auto&) noexcept {
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
