// What every layer descriptor built on a strata wire view has in common:
// the view and repr types, parsing by the view's checked construction, the
// payload the view exposes, the header length its repr writes, and the
// layer's optional behaviour declared as data (LayerOptions). A descriptor
// derives from ViewLayer/ViewReprLayer and adds what makes it different (its
// keys, its type field, what it fills while encoding).
#pragma once

#include <cstddef>
#include <span>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/layer/options.hpp>

namespace strata {

/// Parsing only: a layer that is decoded but not encoded by itself (DNS,
/// HTTP: encode() takes their bytes as the payload of the layer outside).
template <template <class> class View, LayerOptions Options = LayerOptions{}>
struct ViewLayer {
    template <class B>
    using view = View<B>;
    static constexpr LayerOptions options = Options;

    template <class B>
    static constexpr Result<view<B>> parse(std::span<B> b) noexcept {
        return view<B>::checked(b);
    }
    template <class B>
    static constexpr std::span<B> payload(const view<B>& v) noexcept {
        return v.payload();
    }
};

/// Parsing and encoding: the repr writes the header.
template <template <class> class View, class Repr, LayerOptions Options = LayerOptions{}>
struct ViewReprLayer : ViewLayer<View, Options> {
    using repr = Repr;
    static constexpr std::size_t header_len(const repr& r) noexcept { return r.buffer_len(); }
};

} // namespace strata
