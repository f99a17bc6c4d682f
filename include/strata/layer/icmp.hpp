// ICMP: an ICMP message (RFC 792); nothing inside (error messages quote the
// offending datagram, which IcmpView::quoted() exposes for Ipv4View).
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/icmp.hpp>

namespace strata {

struct ICMP : ViewReprLayer<IcmpView, IcmpRepr> {
    using kind = layer_kind::transport;
    static constexpr std::string_view name = "icmp";
    static constexpr KeySet selected_by{IpProtocol::icmp};

    /// The whole message: header and data or quote.
    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes message, const auto&) noexcept {
        r.emit(view<Byte>::unchecked(message));
        return {};
    }
};

} // namespace strata
