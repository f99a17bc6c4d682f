// PPPoE<Inner>: a PPPoE packet (RFC 2516) in either stage. In the session
// stage (EtherType 0x8864, code 0) its payload is a PPP frame: Inner. A
// discovery packet (EtherType 0x8863: PADI, PADO, PADR, PADS, PADT) carries
// TAGs, not an inner layer: decoding stops at the PPPoE view, whose tags()
// range walks them.
#pragma once

#include <type_traits>

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ppp/pppoe_discovery.hpp>

namespace strata {

namespace family {
/// What a PPPoE session carries: a link layer (PPP<...>, a user's framing) or Raw.
template <class L>
struct pppoe_payload : std::bool_constant<RawLayer<L> || LinkLayer<L>> {};
} // namespace family

template <class Inner = Raw>
struct PPPoE
    : ViewReprLayer<PppoeView, PppoeRepr,
                    // A session carries PPP: no type field to check (the
                    // first alternative of a OneOf is taken). RFC 2516 §4:
                    // only session-stage packets (code 0x00) carry PPP.
                    LayerOptions{.inner = InnerPresence::by_hook, .trusts_named_inner = true}> {
    static_assert(fits_all<family::pppoe_payload, Inner>,
                  "PPPoE<Inner>: Inner must be PPP<...> (or another link layer), Raw, or "
                  "OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "pppoe";
    /// Both stages; encoding writes the session EtherType unless the Ethernet
    /// repr already holds the discovery one.
    static constexpr KeySet selected_by{EtherType::pppoe_session, EtherType::pppoe_discovery};
    template <class R>
    static constexpr bool accepts_repr =
        std::is_same_v<R, PppoeRepr> || std::is_same_v<R, PppoeDiscoveryRepr>;

    template <class B>
    static constexpr bool has_inner(const view<B>& v) noexcept {
        return v.code() == PppoeCode::session_data;
    }

    template <class R>
    static constexpr std::size_t header_len(const R& r) noexcept {
        return r.buffer_len();
    }
    template <class L, class R>
    static constexpr Result<void> emit(R r, MutBytes packet, const auto&) noexcept {
        if constexpr (std::is_same_v<R, PppoeRepr>) {
            if (packet.size() - r.buffer_len() > 0xffff)
                return Error::at(pppoe_field::length, Errc::too_big, packet.size() - r.buffer_len(),
                                 0xffff);
            r.payload_len = packet.size() - r.buffer_len();
        }
        r.emit(view<Byte>::unchecked(packet));
        return {};
    }
};

} // namespace strata
