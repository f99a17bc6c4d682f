// LayerOptions: a layer's optional behaviour, declared as data.
//
// Decoding and encoding never look for optional hooks by name, so a
// misspelled option cannot compile silently: options are designated
// initializers of one struct (a typo is a compile error), and the few
// options that need code name the hook they need — a layer that asks for a
// hook and does not define it, or defines a hook it did not ask for, fails
// with one sentence (layer/contract.hpp).
//
//   struct TCP : ViewReprLayer<TcpView, TcpRepr,
//                              LayerOptions{.inner = InnerPresence::unless_payload_empty,
//                                           .trusts_named_inner = true}> { ... };
#pragma once

#include <cstdint>

namespace strata {

/// When a header of this layer carries its inner layer.
enum class InnerPresence : std::uint8_t {
    always,               ///< the payload is always the inner layer
    unless_payload_empty, ///< an empty payload ends the stack here, successfully (a pure TCP ACK)
    by_hook, ///< `static bool has_inner(const view<B>&)` decides (a PPPoE discovery packet has
             ///< none)
};

struct LayerOptions {
    /// When the inner layer is there (see InnerPresence).
    InnerPresence inner = InnerPresence::always;
    /// The inner layer the stack names is believed without reading the type
    /// field (UDP<DNS>, TCP<HTTP>: ports are no type field; only a OneOf
    /// chooses by them).
    bool trusts_named_inner = false;
    /// One message per datagram: the layer cannot ride a byte stream (DNS
    /// needs its TCP length framing, so TCP<DNS> is refused).
    bool datagram_only = false;
    /// `static std::optional<Error> inner_error(const view<B>&)` may refuse to
    /// decode the inner layer (an IPv4 fragment other than the first).
    bool checks_inner = false;
    /// `static std::optional<Error> parse_into(Slot&, std::span<B>)` builds a
    /// large view where it stays, instead of parse() returning it (HTTP).
    bool parses_in_place = false;

    friend constexpr bool operator==(const LayerOptions&, const LayerOptions&) = default;
};

} // namespace strata
