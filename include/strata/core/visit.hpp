// visit(f, variant): calls f with the alternative a std::variant holds.
//
// The same as std::visit for one variant whose alternatives f handles with
// one return type, written as a chain of index tests: std::visit builds a
// table of function pointers per call site, and the reprs that hold variants
// (IcmpRepr, PapRepr, ChapRepr) call it in members that every includer
// instantiates — a tenth of <strata/layers.hpp>'s parse time. The chain also
// compiles to the same compare-and-branch code for the few alternatives these
// have. Precondition: the variant is not valueless (strata's never are: their
// alternatives do not throw).
#pragma once

#include <cstddef>
#include <type_traits>
#include <variant>

namespace strata {

namespace detail {
template <std::size_t I, class F, class V>
constexpr decltype(auto) visit_from(F& f, V& v) {
    constexpr std::size_t n = std::variant_size_v<std::remove_cv_t<V>>;
    if constexpr (I + 1 == n) {
        return f(*std::get_if<I>(&v));
    } else {
        if (v.index() == I) return f(*std::get_if<I>(&v));
        return visit_from<I + 1>(f, v);
    }
}
} // namespace detail

/// f(alternative held by v); every call of f must return the same type.
template <class F, class V>
constexpr decltype(auto) visit(F&& f, V& v) {
    return detail::visit_from<0>(f, v);
}

} // namespace strata
