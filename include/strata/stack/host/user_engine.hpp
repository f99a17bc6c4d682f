// What a user layer's engine must offer to run inside a Host: a transport
// of its own IP protocol number (RFC 3692 sets 253 and 254 aside for
// experiments) that the host hands each datagram for that protocol and
// polls for output and timers. It transmits through the IpSender the host
// passes it, which builds the IPv4 header (route, source, TTL, fragments)
// around the payload.
//
//     struct Blip {                       // the layer, inside IPv4<...>
//         using kind = layer_kind::transport;
//         static constexpr std::string_view name = "blip";
//         static constexpr KeySet selected_by{IpProtocol{253}};
//     };
//     struct BlipEngine {
//         static constexpr IpProtocol protocol{253};
//         template <class Tx> void receive(Ipv4Address src, Ipv4Address dst, Bytes payload,
//                                          Instant now, Tx& tx);
//         template <class Tx> void poll(Instant now, Tx& tx);
//         Instant poll_at() const;
//     };
//     template <> struct stack::engine_for<Blip> { using type = BlipEngine; };
#pragma once

#include <concepts>
#include <tuple>
#include <type_traits>
#include <utility>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>
#include <strata/stack/host/engine_for.hpp>

namespace strata::stack {

/// The host's transmit side for user engines: send_ip(dst, protocol,
/// payload) -> bool (false: no route, or too big).
template <class Tx>
concept IpSender = requires(Tx& tx, Ipv4Address a, IpProtocol p, Bytes b) {
    { tx.send_ip(a, p, b) } -> std::same_as<bool>;
};

namespace detail {
struct IpSenderArchetype {
    bool send_ip(Ipv4Address, IpProtocol, Bytes) { return false; }
};
} // namespace detail

/// A user engine: default-constructible, with its protocol number,
/// receive(src, dst, payload, now, tx), poll(now, tx) and poll_at().
template <class E>
concept UserEngine = std::default_initializable<E> &&
    requires(E& e, const E& ce, Ipv4Address a, Bytes b, Instant t, detail::IpSenderArchetype& tx) {
    { E::protocol } -> std::convertible_to<IpProtocol>;
    e.receive(a, a, b, t, tx);
    e.poll(t, tx);
    { ce.poll_at() } -> std::same_as<Instant>;
};

namespace detail {
template <class List>
struct user_engines_in {
    using type = std::tuple<>;
};
template <class... T>
struct user_engines_in<TypeList<T...>> {
    using type = decltype(std::tuple_cat(
        std::declval<std::conditional_t<is_builtin_engine<engine_for_t<T>>, std::tuple<>,
                                        std::tuple<engine_for_t<T>>>>()...));
};
template <class Tuple>
struct all_user_engines : std::false_type {};
template <class... E>
struct all_user_engines<std::tuple<E...>> : std::bool_constant<(UserEngine<E> && ...)> {};
} // namespace detail

/// The user engines of a HostStack, as a std::tuple (the host holds one of each).
template <class Stack>
using user_engines_of = typename detail::user_engines_in<host_transports<Stack>>::type;

} // namespace strata::stack
