// Field: one named byte range of a header — the single source for where a
// view reads a field and for what an Error about that field says.
//
// As in smoltcp's `field` modules, offsets are named once and header lengths
// derive from them; unlike smoltcp, the same descriptor names the layer and
// the field, so an error is built from it (Error::at) and recognised by
// identity (error.is(ipv4_field::total_len)) rather than by comparing strings.
#pragma once

#include <cstddef>
#include <string_view>

namespace strata {

/// A half-open byte range [first, last) inside a header of `layer`.
/// Descriptors are `inline constexpr` objects: each has one address in a
/// program, which is what Error::is() compares.
struct Field {
    std::size_t first;
    std::size_t last;
    std::string_view layer{};
    std::string_view name{};
    constexpr std::size_t size() const noexcept { return last - first; }
};

} // namespace strata
