// Ethernet<Inner>: an Ethernet II frame whose EtherType selects Inner.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ethernet.hpp>

namespace strata {

template <class Inner = Raw>
struct Ethernet : ViewReprLayer<EthernetView, EthernetRepr> {
    static_assert(fits_all<family::ether_type, Inner>,
                  "Ethernet<Inner>: Inner must be a layer with an EtherType (IPv4<...>, ARP, "
                  "Dot1Q<...>, PPPoE<...>, a user layer declaring `static constexpr EtherType "
                  "ether_type`), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ethernet";

    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        return is_selected_by<L, EtherType>(v.ethertype());
    }
    template <class L, class B>
    static constexpr Error mismatch(const view<B>& v) noexcept {
        return key_mismatch<L, EtherType>(name, "ethertype", 12, v.ethertype());
    }

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const EncodeContext&) noexcept {
        r.ethertype = key_to_write<L, EtherType>(r.ethertype);
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
