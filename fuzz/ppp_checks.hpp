// Checks shared by the ppp and pppoe targets: a PPP frame (RFC 1661 §2,
// protocol field and information) and the control protocols it carries:
// LCP (RFC 1661), PAP (RFC 1334), CHAP (RFC 1994), IPCP (RFC 1332/1877).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/ppp/chap.hpp>
#include <strata/wire/ppp/ipcp.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/pap.hpp>
#include <strata/wire/ppp/ppp.hpp>

#include "fuzz_util.hpp"

namespace strata::fuzz {

template <PppProtocol P>
void check_options(const PppControlView<P>& v) {
    const auto opts = v.options();
    std::size_t seen = 0;
    for (const PppOption<P> o : opts) {
        STRATA_FUZZ_CHECK(o.length() >= 2 && o.bytes().size() == o.length());
        STRATA_FUZZ_CHECK(within(o.bytes(), Bytes(v.data())));
        STRATA_FUZZ_CHECK(o.data().size() + 2 == o.length());
        keep(o.offset());
        if constexpr (P == PppProtocol::lcp) {
            switch (o.type()) {
            case LcpOptionType::mru:
                keep(o.mru());
                break;
            case LcpOptionType::accm:
                keep(o.accm());
                break;
            case LcpOptionType::auth_protocol:
                keep(o.auth_protocol());
                keep(o.chap_algorithm());
                break;
            case LcpOptionType::magic_number:
                keep(o.magic_number());
                break;
            default:
                break;
            }
        } else {
            switch (o.type()) {
            case IpcpOptionType::ip_address:
            case IpcpOptionType::primary_dns:
            case IpcpOptionType::secondary_dns:
            case IpcpOptionType::primary_nbns:
            case IpcpOptionType::secondary_nbns:
                keep(o.address());
                break;
            case IpcpOptionType::ip_compression_protocol:
                keep(o.compression_protocol());
                break;
            default:
                break;
            }
        }
        seen += o.length();
    }
    // checked() validated the options of codes 1-4: the range walks them all.
    if (v.has_options()) {
        STRATA_FUZZ_CHECK(!opts.error());
        STRATA_FUZZ_CHECK(seen == v.data().size());
    }
}

// parse → emit → parse of a repr; the emitted packet passes checked().
template <PppProtocol P, class Repr>
void repr_round_trip(const Repr& r) {
    std::vector<Byte> out(r.buffer_len());
    r.emit(PppControlView<P, Byte>::unchecked(out));
    auto back = PppControlView<P>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->length() == out.size());
    auto again = Repr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value() && *again == r);
}

template <PppProtocol P>
void check_control(Bytes in) {
    auto h = PppControlView<P>::checked_header(in);
    auto v = PppControlView<P>::checked(in);
    if (v) STRATA_FUZZ_CHECK(h.has_value());
    if (!h) {
        STRATA_FUZZ_CHECK(well_formed(h.error()));
        return;
    }
    // The generic repr needs only the header.
    auto g = PppControlRepr<P>::parse(*h);
    STRATA_FUZZ_CHECK(g.has_value());
    STRATA_FUZZ_CHECK(g->buffer_len() == h->length());
    {
        std::vector<Byte> out(g->buffer_len());
        g->emit(PppControlView<P, Byte>::unchecked(out));
        STRATA_FUZZ_CHECK(same_bytes(out, Bytes(h->bytes()).first(h->length())));
        auto back = PppControlView<P>::checked_header(Bytes(out));
        STRATA_FUZZ_CHECK(back.has_value());
        auto again = PppControlRepr<P>::parse(*back);
        STRATA_FUZZ_CHECK(again.has_value() && *again == *g);
    }
    if (!v) {
        STRATA_FUZZ_CHECK(well_formed(v.error()));
        return;
    }
    keep(to_string(v->code()));
    keep(v->identifier());
    STRATA_FUZZ_CHECK(v->bytes().size() == v->length());
    STRATA_FUZZ_CHECK(v->header().size() + v->data().size() == v->length());
    STRATA_FUZZ_CHECK(within(Bytes(v->bytes()), in));
    const auto code = static_cast<std::uint8_t>(v->code());

    if constexpr (P == PppProtocol::lcp) {
        check_options<P>(*v);
        if (v->has_options()) {
            auto r = LcpConfigRepr::parse(*v);
            STRATA_FUZZ_CHECK(r.has_value());
            repr_round_trip<P>(*r);
        }
        if (code == 8) {
            keep(v->rejected_protocol());
            STRATA_FUZZ_CHECK(within(Bytes(v->rejected_information()), in));
        }
        if (code >= 9 && code <= 13) {
            keep(v->magic_number());
            STRATA_FUZZ_CHECK(within(Bytes(v->echo_data()), in));
        }
        if (code >= 9 && code <= 11) {
            auto r = LcpEchoRepr::parse(*v);
            STRATA_FUZZ_CHECK(r.has_value());
            repr_round_trip<P>(*r);
        }
    } else if constexpr (P == PppProtocol::ipcp) {
        check_options<P>(*v);
        if (v->has_options()) {
            auto r = IpcpConfigRepr::parse(*v);
            STRATA_FUZZ_CHECK(r.has_value());
            repr_round_trip<P>(*r);
        }
    } else if constexpr (P == PppProtocol::pap) {
        if (code == 1) {
            STRATA_FUZZ_CHECK(
                within(v->peer_id(),
                       std::string_view(reinterpret_cast<const char*>(in.data()), in.size())));
            STRATA_FUZZ_CHECK(
                within(v->password(),
                       std::string_view(reinterpret_cast<const char*>(in.data()), in.size())));
        }
        if (code == 2 || code == 3) keep(v->message());
        auto r = PapRepr::parse(*v);
        STRATA_FUZZ_CHECK(r.has_value() == (code >= 1 && code <= 3));
        if (r) repr_round_trip<P>(*r);
    } else if constexpr (P == PppProtocol::chap) {
        if (code == 1 || code == 2) {
            STRATA_FUZZ_CHECK(!v->value().empty() && within(v->value(), in));
            keep(v->name());
        }
        if (code == 3 || code == 4) keep(v->message());
        auto r = ChapRepr::parse(*v);
        STRATA_FUZZ_CHECK(r.has_value() == (code >= 1 && code <= 4));
        if (r) repr_round_trip<P>(*r);
    }
}

// A PPP frame: protocol field, then the packet of that protocol.
inline void check_ppp_frame(Bytes in) {
    auto v = PppView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(well_formed(v.error()));
        return;
    }
    const PppProtocol p = v->protocol();
    keep(to_string(p));
    STRATA_FUZZ_CHECK(is_valid_ppp_protocol(static_cast<std::uint16_t>(p)));
    keep(is_ppp_network_protocol(p));
    keep(is_ppp_control_protocol(p));
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == in.size());
    auto r = PppRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    std::vector<Byte> out(r->buffer_len());
    r->emit(PppView<Byte>::unchecked(out));
    STRATA_FUZZ_CHECK(same_bytes(out, v->header()));

    const Bytes payload = v->payload();
    switch (p) {
    case PppProtocol::lcp:
        check_control<PppProtocol::lcp>(payload);
        break;
    case PppProtocol::ipcp:
        check_control<PppProtocol::ipcp>(payload);
        break;
    case PppProtocol::pap:
        check_control<PppProtocol::pap>(payload);
        break;
    case PppProtocol::chap:
        check_control<PppProtocol::chap>(payload);
        break;
    default:
        break;
    }
}

} // namespace strata::fuzz
