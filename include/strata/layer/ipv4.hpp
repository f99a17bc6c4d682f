// IPv4<Inner>: an IPv4 packet whose protocol field selects Inner. Its
// network traits give the transport layers inside it their pseudo-header.
#pragma once

#include <cstdint>
#include <optional>

#include <strata/checksum/internet.hpp>
#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

/// The IPv4 network family: 32-bit addresses, the pseudo-header of RFC 9293
/// §3.1 / RFC 768 (source, destination, zero, protocol, transport length).
struct Ipv4Traits {
    using address = Ipv4Address;
    static constexpr std::uint64_t pseudo_header_sum(const Ipv4Address& src, const Ipv4Address& dst,
                                                     IpProtocol protocol,
                                                     std::uint16_t transport_length) noexcept {
        return checksum::pseudo_header_ipv4(src.value(), dst.value(),
                                            static_cast<std::uint8_t>(protocol), transport_length);
    }
};

template <class Inner = Raw>
struct IPv4 : ViewReprLayer<Ipv4View, Ipv4Repr, LayerOptions{.checks_inner = true}>,
              DemuxBy<IpProtocol, ipv4_field::protocol> {
    static_assert(fits_all<family::ip_protocol, Inner>,
                  "IPv4<Inner>: Inner must be a layer with an IP protocol number (TCP<...>, "
                  "UDP<...>, ICMP, a user layer whose `selected_by` KeySet holds an "
                  "IpProtocol), Raw, or OneOf<...> of those");
    using kind = layer_kind::network;
    using inner = Inner;
    using network_traits = Ipv4Traits;
    static constexpr std::string_view name = "ipv4";
    static constexpr KeySet selected_by{EtherType::ipv4, PppProtocol::ipv4};

    /// A non-first fragment does not start with the inner header: it cannot
    /// be decoded without reassembly (RFC 791 §3.2), which is the stack's job.
    template <class B>
    static constexpr std::optional<Error> inner_error(const view<B>& v) noexcept {
        if (v.frag_offset() != 0)
            return Error::at(ipv4_field::frag_offset, Errc::unsupported, v.frag_offset());
        return std::nullopt;
    }

    static constexpr NetworkEndpoints<Ipv4Traits> endpoints(const repr& r) noexcept {
        return {r.src, r.dst};
    }
    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes packet, const auto&) noexcept {
        const std::size_t payload_len = packet.size() - r.buffer_len();
        if (packet.size() > 0xffff)
            return Error::at(ipv4_field::total_len, Errc::too_big, packet.size(), 0xffff);
        r.protocol = key_to_write<L, IpProtocol>(r.protocol);
        r.payload_len = static_cast<std::uint16_t>(payload_len);
        r.emit(view<Byte>::unchecked(packet));
        return {};
    }
};

} // namespace strata
