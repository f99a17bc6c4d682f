// Demultiplexing keys: how an outer layer's type field selects an inner layer.
//
// One mechanism for every key family. A layer lists the keys it answers to,
// of any families, in one KeySet:
//   static constexpr KeySet selected_by{EtherType::ipv4, PppProtocol::ipv4};
// A key family is any enum or class type with a 16-bit or 8-bit number
// (EtherType, IpProtocol, Port, PppProtocol, or a user's own `enum class
// TunnelType : std::uint16_t`): a new family needs no change to the library.
// Several keys of one family all select the layer when decoding (PPPoE: the
// session and the discovery EtherType); the first is what encoding writes.
//
// An outer layer reads its type field(s) through the DemuxBy mixin, naming
// the field descriptors the key is read from (either one matching is enough:
// UDP and TCP name both ports):
//   struct Ethernet : ..., DemuxBy<EtherType, ethernet_field::ethertype> {...};
//
// `Bind<L, key>` adds or overrides one binding without touching L:
//   UDP<OneOf<Bind<DNS, Port{5353}>, MyTunnel<…>>>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/layer/concepts.hpp>

namespace strata {

/// The keys a layer answers to (see above).
template <class... K>
struct KeySet {
    std::tuple<K...> keys;
    constexpr KeySet(K... k) noexcept : keys(k...) {}
};

/// `L`, additionally selected by `Key` (which replaces L's own keys of that family).
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

template <class L>
concept DeclaresKeys = requires {
    L::selected_by.keys;
};

/// How many keys of family `Key` layer L declares.
template <class Key, class L>
consteval std::size_t declared_keys() {
    if constexpr (DeclaresKeys<L>)
        return std::apply(
            [](auto... k) {
                return (std::size_t{0} + ... +
                        (std::is_same_v<decltype(k), Key> ? std::size_t{1} : std::size_t{0}));
            },
            L::selected_by.keys);
    else
        return 0;
}

template <class Key>
constexpr std::uint64_t key_number(Key k) noexcept {
    if constexpr (std::is_enum_v<Key>)
        return static_cast<std::uint64_t>(k);
    else
        return k.value();
}
template <class Key>
constexpr Key key_from_number(std::uint16_t n) noexcept {
    if constexpr (std::is_enum_v<Key>)
        return static_cast<Key>(n);
    else
        return Key{n};
}
} // namespace detail

/// Does `L` answer to some key of family `Key`?
template <class L, class Key>
concept BoundBy = detail::bound_key_is<Key, L> ||(detail::declared_keys<Key, L>() > 0);

/// The key value of family `Key` that encoding writes for `L` (its bound
/// key, else the first it declares). Precondition: BoundBy<L, Key>.
template <class L, class Key>
requires BoundBy<L, Key>
inline constexpr Key key_of = [] {
    if constexpr (detail::bound_key_is<Key, L>) {
        return L::bound_key;
    } else {
        Key first{};
        bool found = false;
        std::apply(
            [&](auto... k) {
                (
                    [&](auto one) {
                        if constexpr (std::is_same_v<decltype(one), Key>)
                            if (!found) first = one, found = true;
                    }(k),
                    ...);
            },
            L::selected_by.keys);
        return first;
    }
}();

/// Does `L` answer to the key value `k`? (A Bind answers to its bound key only.)
template <class L, class Key>
requires BoundBy<L, Key>
constexpr bool is_selected_by(Key k) noexcept {
    if constexpr (detail::bound_key_is<Key, L>) {
        return k == L::bound_key;
    } else {
        return std::apply(
            [k](auto... mine) {
                return (false || ... || [k](auto one) {
                    if constexpr (std::is_same_v<decltype(one), Key>)
                        return one == k;
                    else
                        return false;
                }(mine));
            },
            L::selected_by.keys);
    }
}

/// The error of an outer layer whose type field `key_field` holds `found`,
/// which does not select the inner layer `L` the stack names.
template <class L, class Key>
constexpr Error key_mismatch(const Field& key_field, Key found) noexcept {
    if constexpr (BoundBy<L, Key>)
        return Error::at(key_field, Errc::unsupported, detail::key_number(found),
                         detail::key_number(key_of<L, Key>));
    else
        return Error::at(key_field, Errc::unsupported, detail::key_number(found));
}

/// The type field an outer layer writes for inner layer `L`: the repr's value
/// when L answers to it, else L's key (the repr's value when L has no key of
/// this family: Raw, or a layer the user selects by hand).
template <class L, class Key>
constexpr Key key_to_write(Key in_repr) noexcept {
    if constexpr (BoundBy<L, Key>)
        return is_selected_by<L, Key>(in_repr) ? in_repr : key_of<L, Key>;
    else
        return in_repr;
}

/// The mixin of an outer layer whose type field selects its inner layer: the
/// key of family `Key` is read from the view's bytes at `KeyFields` (one or
/// two bytes each, big-endian); any of them answering selects the layer.
/// Every layer that demultiplexes (Ethernet, 802.1Q, IPv4, UDP, TCP, PPP, a
/// user's tunnel) uses it, so they all follow the same rules.
template <class Key, const Field&... KeyFields>
struct DemuxBy {
    static_assert(sizeof...(KeyFields) > 0, "DemuxBy<Key, fields...>: name the type field(s)");
    static_assert(((KeyFields.size() == 1 || KeyFields.size() == 2) && ...),
                  "DemuxBy<Key, fields...>: a key field is one or two bytes long");
    using demux_key = Key;

    /// The key in field `f` of view `v`.
    template <class V>
    static constexpr Key read_key(const V& v, const Field& f) noexcept {
        const Byte* p = v.bytes().data() + f.first;
        return detail::key_from_number<Key>(f.size() == 1 ? std::uint16_t{*p} : load_be16(p));
    }
    /// Does the view's type field select inner layer L? (Raw always is.)
    template <class L, class V>
    static constexpr bool selects(const V& v) noexcept {
        if constexpr (RawLayer<L>)
            return true;
        else if constexpr (BoundBy<L, Key>)
            return (is_selected_by<L, Key>(read_key(v, KeyFields)) || ...);
        else
            return false;
    }
    /// The error when it does not: names the (first) type field.
    template <class L, class V>
    static constexpr Error mismatch(const V& v) noexcept {
        constexpr const Field& first = std::get<0>(std::tie(KeyFields...));
        return key_mismatch<L, Key>(first, read_key(v, first));
    }
};

} // namespace strata
