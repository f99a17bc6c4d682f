// UDP<Inner>: a UDP datagram (RFC 768) carrying an application.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/udp.hpp>

namespace strata {

template <class Inner = Raw>
struct UDP : ViewReprLayer<UdpView, UdpRepr> {
    static_assert(fits_all<family::application, Inner>,
                  "UDP<Inner>: Inner must be an application layer (DNS, a user layer with `using "
                  "kind = layer_kind::application`), Raw, or OneOf<...> of those");
    using kind = layer_kind::transport;
    using inner = Inner;
    static constexpr std::string_view name = "udp";
    static constexpr IpProtocol ip_protocol = IpProtocol::udp;
    /// UDP<DNS> is believed whatever the ports: only a OneOf chooses by port.
    static constexpr bool trusts_named_inner = true;

    /// Either port equal to the application's port selects it (RFC 768 has
    /// no type field; the well-known port stands in for one).
    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        if constexpr (BoundBy<L, Port>)
            return v.dst_port() == key_of<L, Port> || v.src_port() == key_of<L, Port>;
        else
            return false;
    }

    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes datagram,
                                       const EncodeContext& ctx) noexcept {
        if (datagram.size() > 0xffff)
            return Error{name, "length", 4, Errc::too_big, datagram.size(), 0xffff};
        r.payload_len = static_cast<std::uint16_t>(datagram.size() - r.buffer_len());
        if (!ctx.has_ipv4) {
            r.emit_header(view<Byte>::unchecked(datagram));
            return {};
        }
        r.emit(view<Byte>::unchecked(datagram), ctx.ipv4_src, ctx.ipv4_dst);
        return {};
    }
};

} // namespace strata
