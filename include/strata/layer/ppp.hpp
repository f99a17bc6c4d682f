// PPP<Inner>: a PPP frame (RFC 1661 §2) as PPPoE carries it: the protocol
// field selects Inner (IPv4, LCP, IPCP, PAP, CHAP, a user's protocol).
#pragma once

#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/families.hpp>
#include <strata/wire/ppp.hpp>

namespace strata {

template <class Inner = Raw>
struct PPP {
    static_assert(fits_all<family::ppp_protocol, Inner>,
                  "PPP<Inner>: Inner must be a layer with a PPP protocol number (IPv4<...>, LCP, "
                  "IPCP, PAP, CHAP, a user layer declaring `static constexpr PppProtocol "
                  "ppp_protocol`), Raw, or OneOf<...> of those");
    using kind = layer_kind::link;
    using inner = Inner;
    static constexpr std::string_view name = "ppp";
    template <class B>
    using view = PppView<B>;
    using repr = PppRepr;

    template <class B>
    static constexpr Result<view<B>> parse(std::span<B> b) noexcept {
        return view<B>::checked(b);
    }
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.payload();
    }
    template <class L, class B>
    static constexpr bool selects(const view<B>& v) noexcept {
        return is_selected_by<L, PppProtocol>(v.protocol());
    }
    template <class L, class B>
    static constexpr Error mismatch(const view<B>& v) noexcept {
        return Error{name,
                     "protocol",
                     0,
                     Errc::unsupported,
                     static_cast<std::uint16_t>(v.protocol()),
                     static_cast<std::uint16_t>(key_of<L, PppProtocol>)};
    }

    static constexpr std::size_t header_len(const repr& r) noexcept { return r.buffer_len(); }
    template <class L>
    static constexpr Result<void> emit(repr r, MutBytes frame, const EncodeContext&) noexcept {
        if constexpr (BoundBy<L, PppProtocol>) {
            if (!is_selected_by<L, PppProtocol>(r.protocol)) r.protocol = key_of<L, PppProtocol>;
        }
        r.payload_len = frame.size() - r.buffer_len();
        r.emit(view<Byte>::unchecked(frame));
        return {};
    }
};

} // namespace strata
