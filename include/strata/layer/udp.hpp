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
struct UDP : ViewReprLayer<UdpView, UdpRepr,
                           // UDP<DNS> is believed whatever the ports: only a OneOf
                           // chooses by port.
                           LayerOptions{.trusts_named_inner = true}>,
             // RFC 768 has no type field; the well-known port stands in for
             // one, and either port equal to the application's selects it.
             DemuxBy<Port, udp_field::src_port, udp_field::dst_port> {
    static_assert(fits_all<family::application, Inner>,
                  "UDP<Inner>: Inner must be an application layer (DNS, a user layer with `using "
                  "kind = layer_kind::application`), Raw, or OneOf<...> of those");
    using kind = layer_kind::transport;
    using inner = Inner;
    static constexpr std::string_view name = "udp";
    static constexpr KeySet selected_by{IpProtocol::udp};

    template <class L, class Ctx>
    static constexpr Result<void> emit(repr r, MutBytes datagram, const Ctx& ctx) noexcept {
        static_assert(is_inside_network<Ctx>,
                      "UDP<...>: a datagram is encoded inside a network layer (IPv4<UDP<...>>): "
                      "its checksum covers the network's pseudo-header (RFC 768); "
                      "UdpRepr::emit_header writes a header alone");
        if (datagram.size() > 0xffff)
            return Error::at(udp_field::length, Errc::too_big, datagram.size(), 0xffff);
        r.payload_len = static_cast<std::uint16_t>(datagram.size() - r.buffer_len());
        if constexpr (is_inside_network<Ctx>)
            r.emit(view<Byte>::unchecked(datagram),
                   ctx.pseudo_header_sum(IpProtocol::udp,
                                         static_cast<std::uint16_t>(datagram.size())));
        return {};
    }
};

} // namespace strata
