// OneOf<Alternatives…>: a position in a stack filled at run time by whichever
// alternative the outer layer's type field selects (EtherType, IP protocol,
// port, PPP protocol). The first alternative that answers to the key wins; a
// key no alternative answers to is not an error (the enums are open): decoding
// stops there and the payload stays raw.
#pragma once

#include <strata/layer/concepts.hpp>

namespace strata {

template <class... Alternatives>
struct OneOf {
    static_assert(sizeof...(Alternatives) > 0, "OneOf<...> needs at least one alternative");
    static_assert((LayerDescriptor<Alternatives> && ...),
                  "OneOf<...>: every alternative must be a layer (Ethernet<>, IPv4<>, TCP<>, "
                  "DNS, Raw, a user layer, ...)");
    using kind = layer_kind::choice;
    static constexpr std::string_view name = "one_of";
};

template <class L>
inline constexpr bool is_one_of = false;
template <class... A>
inline constexpr bool is_one_of<OneOf<A...>> = true;

/// True when `Inner`, or every alternative of `Inner = OneOf<…>`, satisfies
/// the predicate `Fits<L>::value`. Layers use it to reject compositions that
/// make no sense with a single static_assert.
template <template <class> class Fits, class Inner>
inline constexpr bool fits_all = Fits<Inner>::value;
template <template <class> class Fits, class... A>
inline constexpr bool fits_all<Fits, OneOf<A...>> = (Fits<A>::value && ...);

} // namespace strata
