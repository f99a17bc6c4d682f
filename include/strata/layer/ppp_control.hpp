// LCP, IPCP, PAP and CHAP (RFC 1661, 1332, 1334, 1994): the control protocols
// a PPP frame carries while a PPPoE session comes up. Each is a leaf layer:
//   Ethernet<PPPoE<PPP<OneOf<LCP, PAP, CHAP, IPCP, IPv4<...>>>>>
// Encoding takes any of the protocol's reprs (LcpConfigRepr, LcpEchoRepr,
// PppControlRepr<lcp>, ...): each writes its whole packet.
#pragma once

#include <concepts>

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ppp/chap.hpp>
#include <strata/wire/ppp/ipcp.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/pap.hpp>

namespace strata {

namespace detail {
template <PppProtocol P>
struct ControlView {
    template <ByteType B>
    using of = PppControlView<P, B>;
};
} // namespace detail

template <PppProtocol P>
struct PppControl : ViewReprLayer<detail::ControlView<P>::template of, PppControlRepr<P>> {
    /// Sits where PPP's network protocol would; nothing inside.
    using kind = layer_kind::network;
    static constexpr std::string_view name = ppp_control_traits<P>::layer;
    static constexpr KeySet selected_by{P};
    template <class B>
    using view = PppControlView<P, B>;
    template <class R>
    static constexpr bool accepts_repr = requires(const R& r, view<Byte> v) {
        { r.buffer_len() } -> std::convertible_to<std::size_t>;
        r.emit(v);
    };

    /// What follows the Length field's end is PPP padding.
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        const std::size_t len = v.length();
        return v.bytes().subspan(len < v.bytes().size() ? len : v.bytes().size());
    }

    template <class R>
    static constexpr std::size_t header_len(const R& r) noexcept {
        return r.buffer_len();
    }
    template <class L, class R>
    static constexpr Result<void> emit(const R& r, MutBytes packet, const auto&) noexcept {
        if (packet.size() > 0xffff)
            return Error::at(ppp_control_fields<P>::length, Errc::too_big, packet.size(), 0xffff);
        r.emit(view<Byte>::unchecked(packet));
        return {};
    }
};

using LCP = PppControl<PppProtocol::lcp>;
using IPCP = PppControl<PppProtocol::ipcp>;
using PAP = PppControl<PppProtocol::pap>;
using CHAP = PppControl<PppProtocol::chap>;

} // namespace strata
