// decode<Stack>(bytes): parse a frame as deep as the stack asks, into a
// Decoded<Stack> (layer/decoded.hpp). Each layer is parsed with its view's
// checked construction; the outer layer's type field must select the inner
// layer (an Ethernet<IPv4<>> stack given an ARP frame stops with an error
// naming ethernet.ethertype); a OneOf picks its alternative by that field.
//
// decode() over const bytes yields read-only views; decode_mut() over
// writable bytes yields views with setters, for in-place editing (a router
// decrementing TTL, a NAT rewriting addresses with incremental checksums).
#pragma once

#include <cstddef>
#include <span>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/decoded.hpp>
#include <strata/layer/one_of.hpp>

namespace strata {

namespace detail {

template <class B>
struct DecodeState {
    ViewSlot<Error> error; // not std::optional: see ViewSlot
    std::span<B> rest{};
    std::size_t depth = 0;
};

template <class Outer, class Inner, class V>
constexpr bool outer_selects(const V& outer) noexcept {
    if constexpr (RawLayer<Inner>)
        return true;
    else
        return Outer::template selects<Inner>(outer);
}

template <class L, class B>
constexpr void decode_node(DecodeNode<L, B>& node, std::span<B> bytes, std::size_t base,
                           DecodeState<B>& st) noexcept;

template <class Outer, class B, class V, class... A>
constexpr void decode_choice(DecodeNode<OneOf<A...>, B>& node, const V& outer, std::span<B> payload,
                             std::size_t base, DecodeState<B>& st) noexcept {
    bool chosen = false;
    // The first alternative whose binding matches the outer type field wins.
    (void)((!chosen && outer_selects<Outer, A>(outer)
                ? (chosen = true,
                   decode_node(node.alt.template emplace<DecodeNode<A, B>>(), payload, base, st),
                   true)
                : false) ||
           ...);
    if (!chosen) {
        node.alt.template emplace<Unmatched<B>>(Unmatched<B>{payload});
        st.rest = payload;
    }
}

template <class L, class B>
constexpr void decode_node(DecodeNode<L, B>& node, std::span<B> bytes, std::size_t base,
                           DecodeState<B>& st) noexcept {
    if constexpr (RawLayer<L>) {
        node.bytes = bytes;
        node.present = true;
        st.rest = bytes;
    } else if constexpr (EndLayer<L>) {
        st.rest = bytes;
    } else {
        if constexpr (requires { L::parse_into(node.view, bytes); }) {
            // A large view (an HTTP head) is built where it stays.
            if (auto e = L::parse_into(node.view, bytes)) {
                st.error.emplace(e->rebased(base));
                st.rest = bytes;
                return;
            }
        } else {
            auto parsed = L::parse(bytes);
            if (!parsed) {
                st.error.emplace(parsed.error().rebased(base));
                st.rest = bytes;
                return;
            }
            node.view.emplace(*parsed);
        }
        ++st.depth;
        const auto& view = *node.view;
        std::span<B> payload = L::payload(view);
        const std::size_t inner_base =
            base + static_cast<std::size_t>(payload.data() - bytes.data());
        using Inner = inner_of_t<L>;
        if constexpr (requires { L::has_inner(view); }) {
            // This instance of the layer carries no inner header (a PPPoE
            // discovery packet): the stack ends here, successfully.
            if (!L::has_inner(view)) {
                st.rest = payload;
                return;
            }
        }
        if constexpr (!EndLayer<Inner> && !RawLayer<Inner> && requires { L::inner_error(view); }) {
            if (auto e = L::inner_error(view)) {
                st.error.emplace(e->rebased(base));
                st.rest = payload;
                return;
            }
        }
        if constexpr (is_one_of<Inner>) {
            decode_choice<L>(node.inner, view, payload, inner_base, st);
        } else if constexpr (EndLayer<Inner> || RawLayer<Inner>) {
            decode_node(node.inner, payload, inner_base, st);
        } else if constexpr (requires { L::trusts_named_inner; }) {
            // The stack named the application (UDP<DNS>): believe it.
            decode_node(node.inner, payload, inner_base, st);
        } else {
            if (!outer_selects<L, Inner>(view)) {
                st.error.emplace(L::template mismatch<Inner>(view).rebased(base));
                st.rest = payload;
                return;
            }
            decode_node(node.inner, payload, inner_base, st);
        }
    }
}

template <class Stack, class B>
constexpr Decoded<Stack, B> decode_impl(std::span<B> bytes) noexcept {
    Decoded<Stack, B> d;
    DecodeState<B> st;
    decode_node(d.root_, bytes, 0, st);
    d.error_ = st.error;
    d.rest_ = st.rest;
    d.depth_ = st.depth;
    return d;
}

} // namespace detail

/// Decodes read-only bytes as `Stack`.
template <class Stack>
[[nodiscard]] constexpr auto decode(Bytes bytes) noexcept {
    if constexpr (!LayerDescriptor<Stack>) {
        // A layer whose own static_assert fired lands here too: stop without
        // instantiating anything more, so that message stays the only one.
        static_assert(LayerDescriptor<Stack>, "decode<Stack>: Stack must be a layer such as "
                                              "Ethernet<IPv4<TCP<>>>");
        return Decoded<Raw, const Byte>{};
    } else {
        return detail::decode_impl<Stack, const Byte>(bytes);
    }
}

/// Decodes writable bytes as `Stack`: the views have setters.
template <class Stack>
[[nodiscard]] constexpr auto decode_mut(MutBytes bytes) noexcept {
    if constexpr (!LayerDescriptor<Stack>) {
        static_assert(LayerDescriptor<Stack>, "decode_mut<Stack>: Stack must be a layer such as "
                                              "Ethernet<IPv4<TCP<>>>");
        return Decoded<Raw, Byte>{};
    } else {
        return detail::decode_impl<Stack, Byte>(bytes);
    }
}

} // namespace strata
