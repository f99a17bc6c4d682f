// Ethernet<Inner>: an Ethernet II frame whose EtherType selects Inner.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/wire/ethernet.hpp>

namespace strata {

template <class Inner = Raw>
struct Ethernet {
    static_assert(fits_all<family::ether_type, Inner>,
                  "Ethernet<Inner>: Inner must be a layer with an EtherType (IPv4<...>, ARP, "
                  "Dot1Q<...>, PPPoE<...>, a user layer declaring `static constexpr EtherType "
                  "ether_type`), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ethernet";
    template <class B>
    using view = EthernetView<B>;
    using repr = EthernetRepr;

    template <class B>
    static constexpr Result<view<B>> parse(std::span<B> b) noexcept {
        return view<B>::checked(b);
    }
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.payload();
    }
    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        return is_selected_by<L, EtherType>(v.ethertype());
    }
    template <class L, class B>
    static constexpr Error mismatch(const view<B>& v) noexcept {
        return Error{name,
                     "ethertype",
                     12,
                     Errc::unsupported,
                     static_cast<std::uint16_t>(v.ethertype()),
                     static_cast<std::uint16_t>(key_of<L, EtherType>)};
    }

    static constexpr std::size_t header_len(const repr& r) noexcept { return r.buffer_len(); }
    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const EncodeContext&) noexcept {
        if constexpr (BoundBy<L, EtherType>) {
            if (!is_selected_by<L, EtherType>(r.ethertype)) r.ethertype = key_of<L, EtherType>;
        }
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
