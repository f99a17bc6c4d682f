// IPv4<Inner>: an IPv4 packet whose protocol field selects Inner.
#pragma once

#include <optional>

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata {

template <class Inner = Raw>
struct IPv4 : ViewReprLayer<Ipv4View, Ipv4Repr> {
    static_assert(fits_all<family::ip_protocol, Inner>,
                  "IPv4<Inner>: Inner must be a layer with an IP protocol number (TCP<...>, "
                  "UDP<...>, ICMP, a user layer declaring `static constexpr IpProtocol "
                  "ip_protocol`), Raw, or OneOf<...> of those");
    using kind = layer_kind::network;
    using inner = Inner;
    static constexpr std::string_view name = "ipv4";
    static constexpr EtherType ether_type = EtherType::ipv4;
    static constexpr PppProtocol ppp_protocol = PppProtocol::ipv4;

    /// A non-first fragment does not start with the inner header: it cannot
    /// be decoded without reassembly (RFC 791 §3.2), which is the stack's job.
    template <class B>
    static constexpr std::optional<Error> inner_error(const view<B>& v) noexcept {
        if (v.frag_offset() != 0)
            return Error{name, "frag_offset", 6, Errc::unsupported, v.frag_offset(), 0};
        return std::nullopt;
    }
    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        return v.protocol() == key_of<L, IpProtocol>;
    }
    template <class L, class B>
    static constexpr Error mismatch(const view<B>& v) noexcept {
        return key_mismatch<L, IpProtocol>(name, "protocol", 9, v.protocol());
    }

    static constexpr void enter(const repr& r, EncodeContext& ctx) noexcept {
        ctx.has_ipv4 = true;
        ctx.ipv4_src = r.src;
        ctx.ipv4_dst = r.dst;
    }
    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes packet, const EncodeContext&) noexcept {
        const std::size_t payload_len = packet.size() - r.buffer_len();
        if (packet.size() > 0xffff)
            return Error{name, "total_len", 2, Errc::too_big, packet.size(), 0xffff};
        r.protocol = key_to_write<L, IpProtocol>(r.protocol);
        r.payload_len = static_cast<std::uint16_t>(payload_len);
        r.emit(view<Byte>::unchecked(packet));
        return {};
    }
};

} // namespace strata
