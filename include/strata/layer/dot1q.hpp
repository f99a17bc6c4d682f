// Dot1Q<Inner>: an IEEE 802.1Q VLAN tag; its own EtherType selects Inner.
// Stacked tags (802.1ad QinQ) compose: Ethernet<Dot1Q<Dot1Q<IPv4<>>>>.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/dot1q.hpp>

namespace strata {

template <class Inner = Raw>
struct Dot1Q : ViewReprLayer<Dot1QView, Dot1QRepr>, DemuxBy<EtherType, dot1q_field::ethertype> {
    static_assert(fits_all<family::ether_type, Inner>,
                  "Dot1Q<Inner>: Inner must be a layer with an EtherType (IPv4<...>, ARP, "
                  "Dot1Q<...>, PPPoE<...>, a user layer whose `selected_by` KeySet holds an "
                  "EtherType), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "vlan";
    /// The C-tag; the 802.1ad service tag (QinQ outer tag) and the older
    /// vendor QinQ tag have the same layout (wire/dot1q.hpp's is_vlan_tag).
    static constexpr KeySet selected_by{EtherType::vlan, EtherType::qinq, EtherType::qinq_legacy};

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const auto&) noexcept {
        r.ethertype = key_to_write<L, EtherType>(r.ethertype);
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
