// Which protocol engine runs a layer of a host's stack, chosen at compile
// time (DESIGN.md §3, §6). Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>,
// ICMP>>>> looks up engine_for<TCP<HTTP>>, engine_for<UDP<DNS>> and
// engine_for<ICMP>; a protocol the stack does not name is not compiled in.
// A user layer brings its own engine by specialising engine_for:
//
//     template <> struct strata::stack::engine_for<MyLayer> { using type = MyEngine; };
//
// The engine headers (udp/udp_engine.hpp, icmp/icmp_engine.hpp,
// host/tcp_engine_for.hpp) hold the specialisations for the built-in layers.
#pragma once

#include <type_traits>

#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/one_of.hpp>

namespace strata::stack {

/// No engine: the layer is not something a host runs.
struct NoEngine {};

template <class Layer>
struct engine_for {
    using type = NoEngine;
};
template <class Layer>
using engine_for_t = typename engine_for<Layer>::type;

template <class... Ts>
struct TypeList {};

/// The transport layers named inside IPv4<...>: one layer or a OneOf of them.
template <class Inner>
struct transports_of {
    using type = TypeList<Inner>;
};
template <class... A>
struct transports_of<OneOf<A...>> {
    using type = TypeList<A...>;
};

namespace detail {

// Not a host stack: no transports, so that the host's static_assert is the
// only error a wrong composition gives (nothing else fails to name them).
template <class Stack>
struct host_stack_parts : std::false_type {
    using transports = TypeList<>;
};
template <class T>
struct host_stack_parts<Ethernet<IPv4<T>>> : std::true_type {
    using transports = typename transports_of<T>::type;
};

template <class List>
struct all_have_engines : std::false_type {};
template <class... T>
struct all_have_engines<TypeList<T...>>
    : std::bool_constant<(!std::is_same_v<engine_for_t<T>, NoEngine> && ...)> {};

/// Engines the host knows by type (UDP, ICMP, TCP); every other engine is a
/// user engine (host/user_engine.hpp). Specialised by the engines' headers.
template <class E>
inline constexpr bool is_builtin_engine = false;

template <class Engine, class List>
struct any_engine_is : std::false_type {};
template <class Engine, class... T>
struct any_engine_is<Engine, TypeList<T...>>
    : std::bool_constant<(std::is_same_v<engine_for_t<T>, Engine> || ...)> {};

template <template <class...> class Tmpl, class T>
inline constexpr bool is_specialisation_of = false;
template <template <class...> class Tmpl, class... A>
inline constexpr bool is_specialisation_of<Tmpl, Tmpl<A...>> = true;

} // namespace detail

/// A stack a Host can run: Ethernet<IPv4<Inner>> where Inner (or each
/// alternative of Inner = OneOf<...>) has an engine.
template <class Stack>
concept HostStack = detail::host_stack_parts<Stack>::value &&
    detail::all_have_engines<typename detail::host_stack_parts<Stack>::transports>::value;

/// The transport layers of a HostStack.
template <class Stack>
using host_transports = typename detail::host_stack_parts<Stack>::transports;

/// Whether the stack runs `Engine` (exactly that type) for one of its layers.
template <class Stack, class Engine>
inline constexpr bool stack_runs = detail::any_engine_is<Engine, host_transports<Stack>>::value;

} // namespace strata::stack
