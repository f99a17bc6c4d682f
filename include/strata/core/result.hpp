// Result<T>: a value or an Error, never an exception (C++23 std::expected is
// not in g++ 12). Parsing on untrusted input always returns one of these.
#pragma once

#include <strata/core/error.hpp>

#include <type_traits>
#include <utility>
#include <variant>

namespace strata {

template <class T>
class [[nodiscard]] Result {
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
    std::variant<Stored, Error> v_;

public:
    using value_type = T;

    constexpr Result() requires std::is_void_v<T> : v_(std::monostate{}) {}
    template <class U = Stored>
        requires(!std::is_void_v<T> && std::is_constructible_v<Stored, U &&> &&
                 !std::is_same_v<std::remove_cvref_t<U>, Error> &&
                 !std::is_same_v<std::remove_cvref_t<U>, Result>)
    constexpr Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}
    constexpr Result(Error e) : v_(std::in_place_index<1>, e) {}

    [[nodiscard]] constexpr bool has_value() const noexcept { return v_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    /// Precondition: has_value().
    constexpr decltype(auto) value() & requires(!std::is_void_v<T>) { return *std::get_if<0>(&v_); }
    constexpr decltype(auto) value() const& requires(!std::is_void_v<T>) {
        return *std::get_if<0>(&v_);
    }
    constexpr Stored&& value() && requires(!std::is_void_v<T>) {
        return std::move(*std::get_if<0>(&v_));
    }
    constexpr decltype(auto) operator*() & requires(!std::is_void_v<T>) { return value(); }
    constexpr decltype(auto) operator*() const& requires(!std::is_void_v<T>) { return value(); }
    constexpr Stored&& operator*() && requires(!std::is_void_v<T>) {
        return std::move(*std::get_if<0>(&v_));
    }
    constexpr auto operator->() requires(!std::is_void_v<T>) { return std::get_if<0>(&v_); }
    constexpr auto operator->() const requires(!std::is_void_v<T>) { return std::get_if<0>(&v_); }

    /// Precondition: !has_value().
    [[nodiscard]] constexpr const Error& error() const { return *std::get_if<1>(&v_); }

    /// The value, or `fallback` when this holds an error.
    template <class U>
    constexpr Stored value_or(U&& fallback) const& requires(!std::is_void_v<T>) {
        return has_value() ? value() : static_cast<Stored>(std::forward<U>(fallback));
    }
};

/// Propagate an error from an expression returning Result<...> (GNU statement
/// expressions are avoided: this is a plain early return).
#define STRATA_TRY_VOID(expr)                                                                      \
    do {                                                                                           \
        if (auto strata_try_r_ = (expr); !strata_try_r_) return strata_try_r_.error();             \
    } while (false)

} // namespace strata
