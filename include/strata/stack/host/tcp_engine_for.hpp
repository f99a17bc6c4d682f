// TCP<...> in a host's stack runs the TCP engine (RFC 9293) with NewReno
// (RFC 5681, RFC 6582). Another congestion policy is a specialisation away:
//
//     template <> struct strata::stack::engine_for<TCP<MyApp>> {
//         using type = strata::stack::tcp::Engine<strata::stack::tcp::Cubic>;
//     };
#pragma once

#include <strata/layer/tcp.hpp>
#include <strata/stack/host/engine_for.hpp>
#include <strata/stack/tcp/engine.hpp>

namespace strata::stack {

template <class Inner>
struct engine_for<TCP<Inner>> {
    using type = tcp::Engine<>;
};

namespace detail {

template <class E>
inline constexpr bool is_tcp_engine = false;
template <class CC>
inline constexpr bool is_tcp_engine<tcp::Engine<CC>> = true;
template <class CC>
inline constexpr bool is_builtin_engine<tcp::Engine<CC>> = true;

/// The TCP engine among a stack's engines (the first), or void.
template <class List>
struct tcp_engine_in {
    using type = void;
};
template <class T, class... Rest>
struct tcp_engine_in<TypeList<T, Rest...>> {
    using type = std::conditional_t<is_tcp_engine<engine_for_t<T>>, engine_for_t<T>,
                                    typename tcp_engine_in<TypeList<Rest...>>::type>;
};

} // namespace detail

/// The stack's TCP engine type, or void when it speaks no TCP.
template <class Stack>
using tcp_engine_of = typename detail::tcp_engine_in<host_transports<Stack>>::type;

} // namespace strata::stack
