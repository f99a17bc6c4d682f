// DNS: a DNS message (RFC 1035 §4) carried by UDP, port 53. The view checks
// the header; sections are walked lazily (dns::MessageView::questions(),
// answers(), ...), each name decompressed safely when read.
//
// Encoding takes the message as the payload: bytes, or anything with
// write_to(MutBytes) -> Result<std::size_t>; dns::Query (one question) and
// dns::Build (any message, through a MessageBuilder) write it in place in the
// frame buffer (wire/dns/builder.hpp):
//
//   encode<Ethernet<IPv4<UDP<DNS>>>>(buf, eth, ip, udp,
//                                    dns::Query{.id = 7, .name = "www.example.com"});
//
// TCP<DNS> is refused at compile time: over TCP each message is prefixed by
// its length (RFC 1035 §4.2.2) and one segment need not hold one whole
// message, so the host reassembles the stream and splits it with
// dns::tcp_deframe (wire/dns/tcp_framing.hpp).
#pragma once

#include <strata/core/port.hpp>
#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>

namespace strata {

/// One message per datagram (datagram_only): see above for TCP.
struct DNS : ViewLayer<dns::MessageView, LayerOptions{.datagram_only = true}> {
    using kind = layer_kind::application;
    static constexpr std::string_view name = "dns";
    static constexpr KeySet selected_by{Port{53}};

    /// A message fills its datagram: nothing follows it.
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.bytes().subspan(v.bytes().size());
    }
};

} // namespace strata
