// PPP<Inner>: a PPP frame (RFC 1661 §2) as PPPoE carries it: the protocol
// field selects Inner (IPv4, LCP, IPCP, PAP, CHAP, a user's protocol).
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

template <class Inner = Raw>
struct PPP : ViewReprLayer<PppView, PppRepr> {
    static_assert(fits_all<family::ppp_protocol, Inner>,
                  "PPP<Inner>: Inner must be a layer with a PPP protocol number (IPv4<...>, LCP, "
                  "IPCP, PAP, CHAP, a user layer declaring `static constexpr PppProtocol "
                  "ppp_protocol`), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ppp";

    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        return is_selected_by<L, PppProtocol>(v.protocol());
    }
    template <class L, class B>
    static constexpr Error mismatch(const view<B>& v) noexcept {
        return key_mismatch<L, PppProtocol>(name, "protocol", 0, v.protocol());
    }

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const EncodeContext&) noexcept {
        r.protocol = key_to_write<L, PppProtocol>(r.protocol);
        r.payload_len = frame.size() - r.buffer_len();
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
