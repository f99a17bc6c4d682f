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
struct TCP : ViewReprLayer<TcpView, TcpRepr> {
    static_assert(fits_all<family::stream_application, Inner>,
                  "TCP<Inner>: Inner must be a stream application layer (HTTP, a user layer with "
                  "`using kind = layer_kind::application`), Raw, or OneOf<...> of those; DNS "
                  "over TCP is length-framed: reassemble, then use dns::tcp_deframe");
    using kind = layer_kind::transport;
    using inner = Inner;
    static constexpr std::string_view name = "tcp";
    static constexpr IpProtocol ip_protocol = IpProtocol::tcp;
    /// TCP<HTTP> is believed whatever the ports: only a OneOf chooses by port.
    static constexpr bool trusts_named_inner = true;

    /// A segment without data (SYN, pure ACK, FIN) carries no application
    /// bytes: the stack ends at TCP, successfully.
    template <class B>
    static constexpr bool has_inner(const view<B>& v) noexcept {
        return !v.payload().empty();
    }
    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        if constexpr (BoundBy<L, Port>)
            return v.dst_port() == key_of<L, Port> || v.src_port() == key_of<L, Port>;
        else
            return false;
    }

    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes segment,
                                       const EncodeContext& ctx) noexcept {
        if (!ctx.has_ipv4) {
            r.emit_header(view<Byte>::unchecked(segment));
            return {};
        }
        r.emit(view<Byte>::unchecked(segment), ctx.ipv4_src, ctx.ipv4_dst);
        return {};
    }
};

} // namespace strata
