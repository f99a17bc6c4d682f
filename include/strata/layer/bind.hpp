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

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/wire/ppp/ppp.hpp>

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

/// The key value `L` answers to in family `Key` (precondition: BoundBy<L, Key>).
template <class L, class Key>
inline constexpr Key key_of = binding<L, Key>::value;

namespace detail {
template <class Key>
constexpr std::uint64_t key_number(Key k) noexcept {
    if constexpr (std::is_same_v<Key, Port>)
        return k.value();
    else
        return static_cast<std::uint64_t>(k);
}
} // namespace detail

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

/// The error of an outer layer whose type field (at `offset`) does not select
/// the inner layer `L` the stack names.
template <class L, class Key>
constexpr Error key_mismatch(std::string_view layer, std::string_view field, std::size_t offset,
                             Key found) noexcept {
    return Error{layer,
                 field,
                 offset,
                 Errc::unsupported,
                 detail::key_number(found),
                 detail::key_number(key_of<L, Key>)};
}

/// The type field an outer layer writes for inner layer `L`: the repr's value
/// when L answers to it, else L's key (nothing to fill when L has no key).
template <class L, class Key>
constexpr Key key_to_write(Key in_repr) noexcept {
    if constexpr (BoundBy<L, Key>)
        return is_selected_by<L, Key>(in_repr) ? in_repr : key_of<L, Key>;
    else
        return in_repr;
}

} // namespace strata
