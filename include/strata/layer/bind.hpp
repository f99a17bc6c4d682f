// Demultiplexing keys: how an outer layer's type field selects an inner layer.
//
// A descriptor declares the keys it answers to as static members:
//   static constexpr EtherType  ether_type   — under Ethernet, 802.1Q, tunnels
//   static constexpr IpProtocol ip_protocol  — under IPv4
//   static constexpr Port       port         — under UDP/TCP (either port matches)
//   static constexpr PppProtocol ppp_protocol — under PPP
// `Bind<L, key>` adds or overrides one binding without touching L:
//   UDP<OneOf<Bind<DNS, Port{5353}>, MyTunnel<…>>>.
#pragma once

#include <cstdint>

#include <strata/core/ether_type.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/wire/ppp.hpp>

namespace strata {

/// `L`, additionally selected by `Key` (an EtherType, IpProtocol, Port or PppProtocol).
template <class L, auto Key>
struct Bind : L {
    using bound_layer = L;
    static constexpr auto bound_key = Key;
};

namespace detail {
template <class L>
concept HasBoundKey = requires {
    L::bound_key;
};

template <class Key, class L>
constexpr bool bound_key_is = false;
template <class Key, HasBoundKey L>
constexpr bool bound_key_is<Key, L> = std::is_same_v<std::remove_cv_t<decltype(L::bound_key)>, Key>;
} // namespace detail

/// Does `L` answer to a key of type `Key`, and which value?
template <class L, class Key>
struct binding {
    static constexpr bool exists = false;
};

template <class L>
requires detail::bound_key_is<EtherType, L> || requires { L::ether_type; }
struct binding<L, EtherType> {
    static constexpr bool exists = true;
    static constexpr EtherType value = [] {
        if constexpr (detail::bound_key_is<EtherType, L>)
            return L::bound_key;
        else
            return L::ether_type;
    }();
};
template <class L>
requires detail::bound_key_is<IpProtocol, L> || requires { L::ip_protocol; }
struct binding<L, IpProtocol> {
    static constexpr bool exists = true;
    static constexpr IpProtocol value = [] {
        if constexpr (detail::bound_key_is<IpProtocol, L>)
            return L::bound_key;
        else
            return L::ip_protocol;
    }();
};
template <class L>
requires detail::bound_key_is<Port, L> || requires { L::port; }
struct binding<L, Port> {
    static constexpr bool exists = true;
    static constexpr Port value = [] {
        if constexpr (detail::bound_key_is<Port, L>)
            return L::bound_key;
        else
            return L::port;
    }();
};
template <class L>
requires detail::bound_key_is<PppProtocol, L> || requires { L::ppp_protocol; }
struct binding<L, PppProtocol> {
    static constexpr bool exists = true;
    static constexpr PppProtocol value = [] {
        if constexpr (detail::bound_key_is<PppProtocol, L>)
            return L::bound_key;
        else
            return L::ppp_protocol;
    }();
};

template <class L, class Key>
concept BoundBy = binding<L, Key>::exists;

/// Does `L` answer to the key value `k`? A layer answering to several values
/// (PPPoE: discovery 0x8863 and session 0x8864; 802.1Q: 0x8100 and the
/// 802.1ad S-tag 0x88a8) declares `static constexpr bool answers(Key)`; a Bind
/// answers to its bound key only. Encoding writes `binding<L, Key>::value`
/// unless the outer repr already holds a value L answers to.
template <class L, class Key>
requires BoundBy<L, Key>
constexpr bool is_selected_by(Key k) noexcept {
    if constexpr (detail::bound_key_is<Key, L>)
        return k == L::bound_key;
    else if constexpr (requires {
                           { L::answers(k) } -> std::same_as<bool>;
                       })
        return L::answers(k);
    else
        return k == binding<L, Key>::value;
}

} // namespace strata
