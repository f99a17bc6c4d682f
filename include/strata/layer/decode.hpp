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
#include <strata/layer/options.hpp>

namespace strata {

namespace detail {

template <class B>
struct DecodeState {
    ViewSlot<Error> error; // not std::optional: see ViewSlot
    std::span<B> rest{};
    std::size_t depth = 0;
};

/// A layer with a type field (the DemuxBy mixin) selects by it; one
/// without (PPPoE's session, a tunnel) carries the first alternative of a
/// OneOf.
template <class Outer, class Inner, class V>
constexpr bool outer_selects(const V& outer) noexcept {
    if constexpr (RawLayer<Inner>)
        return true;
    else if constexpr (requires { typename Outer::demux_key; })
        return Outer::template selects<Inner>(outer);
    else
        return true;
}

template <class L, class B>
constexpr void decode_node(DecodeNode<L, B>& node, std::span<B> bytes, std::size_t base,
                           DecodeState<B>& st) noexcept;

/// The hooks a layer's options ask for exist, and it defines none it did not
/// ask for: a misspelled or forgotten hook is a compile error, never a
/// silently different decode.
template <class L, class B>
constexpr void check_layer_contract() noexcept {
    using V = typename L::template view<B>;
    constexpr LayerOptions options = L::options;
    constexpr bool defines_has_inner = requires(const V& v) { L::has_inner(v); };
    static_assert((options.inner == InnerPresence::by_hook) == defines_has_inner,
                  "layer contract: `options.inner = InnerPresence::by_hook` and a `static bool "
                  "has_inner(const view<B>&)` go together (one without the other is a typo)");
    constexpr bool defines_inner_error = requires(const V& v) { L::inner_error(v); };
    static_assert(options.checks_inner == defines_inner_error,
                  "layer contract: `options.checks_inner = true` and a `static "
                  "std::optional<Error> inner_error(const view<B>&)` go together");
    constexpr bool defines_parse_into = requires(ViewSlot<V> & slot, std::span<B> b) {
        L::parse_into(slot, b);
    };
    static_assert(options.parses_in_place == defines_parse_into,
                  "layer contract: `options.parses_in_place = true` and a `static "
                  "std::optional<Error> parse_into(Slot&, std::span<B>)` go together");
}

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
        check_layer_contract<L, B>();
        constexpr LayerOptions options = L::options;
        if constexpr (options.parses_in_place) {
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
        bool inner_present = true;
        if constexpr (options.inner == InnerPresence::unless_payload_empty)
            inner_present = !payload.empty();
        else if constexpr (options.inner == InnerPresence::by_hook)
            inner_present = L::has_inner(view);
        if (!inner_present) {
            // This instance of the layer carries no inner header (a pure
            // ACK, a PPPoE discovery packet): the stack ends here, successfully.
            st.rest = payload;
            return;
        }
        if constexpr (!EndLayer<Inner> && !RawLayer<Inner> && options.checks_inner) {
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
        } else if constexpr (options.trusts_named_inner) {
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
