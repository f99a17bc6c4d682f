// Which layers may sit inside which: one predicate per kind of type field.
// Outer layers state their requirement with fits_all<Predicate, Inner> in a
// static_assert, so a composition that makes no sense (TCP<Ethernet<>>,
// IPv4<ARP>) fails with one sentence naming what was expected.
#pragma once

#include <type_traits>

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/one_of.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata::family {

/// Selected by an EtherType (inside Ethernet, 802.1Q, a tunnel's frame).
template <class L>
struct ether_type : std::bool_constant<RawLayer<L> || BoundBy<L, EtherType>> {};
/// Selected by an IP protocol number (inside IPv4).
template <class L>
struct ip_protocol : std::bool_constant<RawLayer<L> || BoundBy<L, IpProtocol>> {};
/// An application carried by UDP or TCP (selected by port inside a OneOf).
template <class L>
struct application : std::bool_constant<RawLayer<L> || ApplicationLayer<L>> {};
/// An application carried by TCP: a byte stream, so not one that needs its
/// own datagram boundaries (LayerOptions::datagram_only, as DNS).
template <class L>
struct stream_application : std::bool_constant<RawLayer<L> || (ApplicationLayer<L> && ![] {
                                                   if constexpr (HeaderLayer<L>)
                                                       return L::options.datagram_only;
                                                   else
                                                       return false;
                                               }())> {};
/// Selected by a PPP protocol number (inside PPP).
template <class L>
struct ppp_protocol : std::bool_constant<RawLayer<L> || BoundBy<L, PppProtocol>> {};

} // namespace strata::family
