// ICMP: an ICMP message (RFC 792); nothing inside (error messages quote the
// offending datagram, which IcmpView::quoted() exposes for Ipv4View).
#pragma once

#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/wire/icmp.hpp>

namespace strata {

struct ICMP {
    using kind = layer_kind::transport;
    static constexpr std::string_view name = "icmp";
    static constexpr IpProtocol ip_protocol = IpProtocol::icmp;
    template <class B>
    using view = IcmpView<B>;
    using repr = IcmpRepr;

    template <class B>
    static constexpr Result<view<B>> parse(std::span<B> b) noexcept {
        return view<B>::checked(b);
    }
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.payload();
    }

    /// The whole message: header and data or quote.
    static constexpr std::size_t header_len(const repr& r) noexcept { return r.buffer_len(); }
    template <class L>
    static constexpr Result<void> emit(const repr& r, MutBytes message,
                                       const EncodeContext&) noexcept {
        r.emit(view<Byte>::unchecked(message));
        return {};
    }
};

} // namespace strata
