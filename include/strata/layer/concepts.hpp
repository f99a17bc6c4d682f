// What a layer descriptor is, and which layer may sit inside which.
//
// A layer descriptor (Ethernet<Inner>, IPv4<Inner>, TCP<Inner>, a user's own
// MyTunnel<Inner>) is an empty type that tells decode/encode how to handle one
// header: its name, its kind, its view and repr types, how to parse it, where
// its payload is, and which inner layers its type field can select. The
// concepts below name those requirements so that a wrong composition is
// rejected with one readable message.
#pragma once

#include <concepts>
#include <span>
#include <string_view>
#include <type_traits>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/layer/options.hpp>

namespace strata {

/// Where a layer sits in the stack; a descriptor names its kind with `using kind = …`.
namespace layer_kind {
struct link {};        ///< carries frames: Ethernet, 802.1Q, PPPoE, PPP, a tunnel's inner frame
struct network {};     ///< IPv4, ARP
struct transport {};   ///< TCP, UDP, ICMP
struct application {}; ///< DNS, HTTP, a user's protocol over UDP/TCP
struct raw {};         ///< bytes nobody interprets
struct end {};         ///< nothing follows (ARP, ICMP have no inner layer)
struct choice {};      ///< OneOf<…>: chosen at run time by the outer layer's type field
} // namespace layer_kind

/// The end of a chain: a layer without an inner layer (ARP, ICMP).
struct End {
    using kind = layer_kind::end;
    static constexpr std::string_view name = "end";
};

/// Bytes nobody interprets: the payload of the last layer a stack asks for.
struct Raw {
    using kind = layer_kind::raw;
    static constexpr std::string_view name = "raw";
};

/// The minimum every layer descriptor provides.
template <class L>
concept LayerDescriptor = requires {
    { L::name } -> std::convertible_to<std::string_view>;
    typename L::kind;
};

/// A descriptor with a header to parse: `view<B>` (B = const Byte or Byte),
/// `parse(span<B>) -> Result<view<B>>`, `payload(view) -> span<B>`.
/// `options`: its optional behaviour as data (layer/options.hpp; ViewLayer
/// declares it from its template argument).
template <class L>
concept HeaderLayer = LayerDescriptor<L> && requires(std::span<const Byte> bytes) {
    typename L::template view<const Byte>;
    typename L::template view<Byte>;
    { L::parse(bytes) } -> std::same_as<Result<typename L::template view<const Byte>>>;
    { L::options } -> std::convertible_to<LayerOptions>;
};

template <class L>
concept LinkLayer = LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::link>;
template <class L>
concept NetworkLayer = LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::network>;
template <class L>
concept TransportLayer =
    LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::transport>;
template <class L>
concept ApplicationLayer =
    LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::application>;
template <class L>
concept RawLayer = LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::raw>;
template <class L>
concept EndLayer = std::same_as<L, End>;
template <class L>
concept ChoiceLayer = LayerDescriptor<L> && std::same_as<typename L::kind, layer_kind::choice>;

/// The inner layer of a descriptor (End for leaves).
template <class L>
struct inner_of {
    using type = End;
};
template <class L>
requires requires { typename L::inner; }
struct inner_of<L> {
    using type = typename L::inner;
};
template <class L>
using inner_of_t = typename inner_of<L>::type;

/// A layer as the user named it: Bind<DNS, Port{5353}> is still DNS.
template <class L>
struct unbind {
    using type = L;
};
template <class L>
requires requires { typename L::bound_layer; }
struct unbind<L> {
    using type = typename L::bound_layer;
};
template <class L>
using unbind_t = typename unbind<L>::type;

/// True when `L` is an instance of the layer template `T` (IPv4<X> of IPv4).
template <class L, template <class...> class T>
inline constexpr bool is_instance_of = false;
template <template <class...> class T, class... Args>
inline constexpr bool is_instance_of<T<Args...>, T> = true;

} // namespace strata
