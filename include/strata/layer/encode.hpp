// encode<Stack>(buffer, reprs…): build a whole frame in one pass.
//
// The offsets of every header follow from the reprs, so each layer is written
// in place at its final position — innermost first, so that checksums cover
// what is already there — and nothing is ever copied or moved. Fields the
// composition implies are filled: EtherType, IP protocol, IP total length,
// UDP length, TCP/UDP pseudo-header checksums (through the traits of the
// network layer outside them), the IPv4 header checksum; for an Ethernet
// stack, when asked, padding and FCS (layer/ethernet.hpp).
//
//   std::array<Byte, 1514> buf;
//   auto frame = encode<Ethernet<IPv4<TCP<>>>>(buf, eth, ip, tcp, payload);
//
// One repr per header layer, outermost first, then the payload for a Raw or
// application tail: a byte span, or an object with
// `write_to(MutBytes) -> Result<std::size_t>` (DNS messages, HTTP requests).
#pragma once

#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/encode_context.hpp>
#include <strata/layer/one_of.hpp>

namespace strata {

/// A payload that writes itself into a buffer and says how long it was.
template <class P>
concept PayloadWriter = requires(const P& p, MutBytes out) {
    { p.write_to(out) } -> std::same_as<Result<std::size_t>>;
};

/// Anything usable as a payload: bytes, or a PayloadWriter.
template <class P>
concept Payload = PayloadWriter<P> || std::is_convertible_v<const P&, Bytes>;

namespace detail {

/// Encodes as a leaf anything that is not a header layer with a repr.
template <class L>
concept EncodedAsPayload = RawLayer<L> || EndLayer<L> ||
    (ApplicationLayer<L> && !requires { typename L::repr; });

/// `R` is a repr `L` encodes from: L::repr, or one L::accepts_repr<R> names
/// (PPPoE: session or discovery; LCP: configure, echo, generic, ...).
template <class L, class R>
constexpr bool is_repr_of = [] {
    if constexpr (requires { L::template accepts_repr<R>; })
        return L::template accepts_repr<R>;
    else
        return std::is_same_v<R, typename L::repr>;
}();

template <class P>
constexpr Result<std::size_t> write_payload(const P& p, MutBytes out, std::string_view layer,
                                            std::size_t offset) noexcept {
    if constexpr (PayloadWriter<P>) {
        auto r = p.write_to(out);
        if (!r) return r.error().rebased(offset);
        return r;
    } else {
        const Bytes b = p;
        if (b.size() > out.size())
            return Error{layer,
                         "payload",
                         offset,
                         Errc::buffer_too_small,
                         offset + b.size(),
                         offset + out.size()};
        return copy_bytes(b, out.data());
    }
}

/// A network layer: names its family's traits and the endpoints a repr holds.
template <class L>
concept NetworkLayerWithTraits = requires {
    typename L::network_traits;
};

template <class L, std::size_t I, class Ctx, class Tuple>
constexpr Result<std::size_t> encode_layer(MutBytes buf, std::size_t offset, const Ctx& ctx,
                                           const Tuple& args) noexcept {
    constexpr std::size_t n_args = std::tuple_size_v<Tuple>;
    if constexpr (is_one_of<L>) {
        static_assert(!is_one_of<L>, "encode<Stack>: a stack to encode must name every layer; "
                                     "replace OneOf<...> by the alternative you are building");
        return std::size_t{0};
    } else if constexpr (EncodedAsPayload<L>) {
        if constexpr (I < n_args) {
            static_assert(I + 1 == n_args, "encode<Stack>: too many arguments for this stack");
            using P = std::remove_cvref_t<std::tuple_element_t<I, Tuple>>;
            if constexpr (!Payload<P>) {
                static_assert(Payload<P>, "encode<Stack>: the argument after the last header must "
                                          "be a payload: bytes, or an object with "
                                          "write_to(MutBytes) -> Result<std::size_t>");
                return std::size_t{0};
            } else {
                return write_payload(std::get<I>(args), buf.subspan(offset), L::name, offset);
            }
        } else {
            return std::size_t{0};
        }
    } else if constexpr (I >= n_args) {
        static_assert(I < n_args, "encode<Stack>: missing the repr of a layer (one repr per "
                                  "header layer, outermost first)");
        return std::size_t{0};
    } else if constexpr (!is_repr_of<L, std::remove_cvref_t<std::tuple_element_t<I, Tuple>>>) {
        static_assert(is_repr_of<L, std::remove_cvref_t<std::tuple_element_t<I, Tuple>>>,
                      "encode<Stack>: an argument is not the repr of its layer (one repr per "
                      "header layer, outermost first: EthernetRepr, Ipv4Repr, TcpRepr, ...)");
        return std::size_t{0};
    } else {
        const auto& r = std::get<I>(args);
        const std::size_t hl = L::header_len(r);
        if (hl > buf.size() - offset)
            return Error{L::name,     "header",  offset, Errc::buffer_too_small,
                         offset + hl, buf.size()};
        using Inner = inner_of_t<L>;
        Result<std::size_t> inner = [&] {
            if constexpr (NetworkLayerWithTraits<L>) {
                static_assert(NetworkTraits<typename L::network_traits>,
                              "a network layer's network_traits must name an address type and "
                              "pseudo_header_sum (layer/encode_context.hpp)");
                const NetworkEndpoints<typename L::network_traits> inside = L::endpoints(r);
                return encode_layer<Inner, I + 1>(buf, offset + hl, inside, args);
            } else {
                return encode_layer<Inner, I + 1>(buf, offset + hl, ctx, args);
            }
        }();
        if (!inner) return inner.error();
        auto e = L::template emit<Inner>(r, buf.subspan(offset, hl + *inner), ctx);
        if (!e) return e.error().rebased(offset);
        return hl + *inner;
    }
}

template <class Stack, class... Args>
constexpr Result<MutBytes> encode_impl(MutBytes buf, const Args&... args) noexcept {
    static_assert(LayerDescriptor<Stack>, "encode<Stack>: Stack must be a layer such as "
                                          "Ethernet<IPv4<TCP<>>>");
    auto len = encode_layer<Stack, 0>(buf, 0, NoNetwork{}, std::forward_as_tuple(args...));
    if (!len) return len.error();
    return buf.first(*len);
}

} // namespace detail

/// What a real NIC adds to a frame on the wire: padding to the 60-byte
/// minimum (IEEE 802.3 §4.2.3.3) and the 4-byte FCS (§3.2.9). Only an
/// Ethernet stack takes it (layer/ethernet.hpp).
struct EthernetFraming {
    bool pad_to_minimum = false;
    bool append_fcs = false;
};
/// The name earlier releases used.
using EncodeOptions = EthernetFraming;

/// Builds a frame of shape `Stack` at the start of `buffer`; returns the
/// frame's bytes, or an Error (buffer too small, payload too big).
template <class Stack, class... Args>
[[nodiscard]] constexpr Result<MutBytes> encode(MutBytes buffer, const Args&... args) noexcept {
    if constexpr ((std::is_same_v<Args, EthernetFraming> || ...)) {
        static_assert(!(std::is_same_v<Args, EthernetFraming> || ...),
                      "encode<Stack>: padding and FCS are Ethernet's: EthernetFraming needs an "
                      "Ethernet<...> stack (and #include <strata/layer/ethernet.hpp>)");
        return MutBytes{};
    } else {
        return detail::encode_impl<Stack>(buffer, args...);
    }
}

} // namespace strata
