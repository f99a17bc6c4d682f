// TCP<Inner>: a TCP segment (RFC 9293) carrying an application. Decoding works
// segment by segment; reassembling a byte stream is the host stack's job.
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/tcp.hpp>

namespace strata {

template <class Inner = Raw>
struct TCP : ViewReprLayer<TcpView, TcpRepr,
                           // A segment without data (SYN, pure ACK, FIN) carries no
                           // application bytes: the stack ends at TCP, successfully.
                           // TCP<HTTP> is believed whatever the ports: only a OneOf
                           // chooses by port.
                           LayerOptions{.inner = InnerPresence::unless_payload_empty,
                                        .trusts_named_inner = true}>,
             DemuxBy<Port, tcp_field::src_port, tcp_field::dst_port> {
    static_assert(fits_all<family::stream_application, Inner>,
                  "TCP<Inner>: Inner must be a stream application layer (HTTP, a user layer with "
                  "`using kind = layer_kind::application`), Raw, or OneOf<...> of those; DNS "
                  "over TCP is length-framed: reassemble, then use dns::tcp_deframe");
    using kind = layer_kind::transport;
    using inner = Inner;
    static constexpr std::string_view name = "tcp";
    static constexpr KeySet selected_by{IpProtocol::tcp};

    template <class L, class Ctx>
    static constexpr Result<void> emit(const repr& r, MutBytes segment, const Ctx& ctx) noexcept {
        static_assert(is_inside_network<Ctx>,
                      "TCP<...>: a segment is encoded inside a network layer (IPv4<TCP<...>>): "
                      "its checksum covers the network's pseudo-header (RFC 9293 §3.1); "
                      "TcpRepr::emit_header writes a header alone");
        if constexpr (is_inside_network<Ctx>) {
            if (segment.size() > 0xffff)
                return Error::at(tcp_field::header, Errc::too_big, segment.size(), 0xffff);
            r.emit(
                view<Byte>::unchecked(segment),
                ctx.pseudo_header_sum(IpProtocol::tcp, static_cast<std::uint16_t>(segment.size())));
        }
        return {};
    }
};

} // namespace strata
