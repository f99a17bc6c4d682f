// Ethernet<Inner>: an Ethernet II frame whose EtherType selects Inner.
// Padding to the 60-byte minimum and the FCS are Ethernet's: encode() of an
// Ethernet stack takes EthernetFraming to add them (IEEE 802.3 §3.2.9).
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ethernet.hpp>

namespace strata {

template <class Inner = Raw>
struct Ethernet : ViewReprLayer<EthernetView, EthernetRepr>,
                  DemuxBy<EtherType, ethernet_field::ethertype> {
    static_assert(fits_all<family::ether_type, Inner>,
                  "Ethernet<Inner>: Inner must be a layer with an EtherType (IPv4<...>, ARP, "
                  "Dot1Q<...>, PPPoE<...>, a user layer whose `selected_by` KeySet holds an "
                  "EtherType), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ethernet";

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const auto&) noexcept {
        r.ethertype = key_to_write<L, EtherType>(r.ethertype);
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

/// Builds an Ethernet frame of shape `Stack`, padded and/or with its FCS.
template <class Stack, class... Args>
requires is_instance_of<Stack, Ethernet>
[[nodiscard]] constexpr Result<MutBytes> encode(MutBytes buffer, EthernetFraming framing,
                                                const Args&... args) noexcept {
    auto frame = detail::encode_impl<Stack>(buffer, args...);
    if (!frame) return frame.error();
    std::size_t n = frame->size();
    if (framing.pad_to_minimum) {
        auto padded = ethernet_pad(buffer, n);
        if (!padded) return padded.error();
        n = *padded;
    }
    if (framing.append_fcs) {
        auto with_fcs = ethernet_append_fcs(buffer, n);
        if (!with_fcs) return with_fcs.error();
        n = *with_fcs;
    }
    return buffer.first(n);
}

} // namespace strata
