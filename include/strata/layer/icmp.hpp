// ICMP: an ICMP message (RFC 792); nothing inside (error messages quote the
// offending datagram, which IcmpView::quoted() exposes for Ipv4View).
#pragma once

#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/icmp.hpp>

namespace strata {

struct ICMP : ViewReprLayer<IcmpView, IcmpRepr> {
    using kind = layer_kind::transport;
    static constexpr std::string_view name = "icmp";
    static constexpr IpProtocol ip_protocol = IpProtocol::icmp;

    /// The whole message: header and data or quote.
    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes message,
                                       const EncodeContext&) noexcept {
        r.emit(view<Byte>::unchecked(message));
        return {};
    }
};

} // namespace strata
