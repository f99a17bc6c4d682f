// PPP<Inner>: a PPP frame (RFC 1661 §2) as PPPoE carries it: the protocol
// field selects Inner (IPv4, LCP, IPCP, PAP, CHAP, a user's protocol).
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

template <class Inner = Raw>
struct PPP : ViewReprLayer<PppView, PppRepr>, DemuxBy<PppProtocol, ppp_field::protocol> {
    static_assert(fits_all<family::ppp_protocol, Inner>,
                  "PPP<Inner>: Inner must be a layer with a PPP protocol number (IPv4<...>, LCP, "
                  "IPCP, PAP, CHAP, a user layer whose `selected_by` KeySet holds a "
                  "PppProtocol), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ppp";

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const auto&) noexcept {
        r.protocol = key_to_write<L, PppProtocol>(r.protocol);
        r.payload_len = frame.size() - r.buffer_len();
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
