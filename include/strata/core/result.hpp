// Result<T>: a value or an Error (C++23 std::expected is not in g++ 12).
// Parsing on untrusted input always returns one of these; failure is a value.
//
// Access follows std::expected: value() and error() are checked (value() on
// an error throws BadResultAccess carrying that Error, error() on a value
// throws BadResultAccess too), operator* and operator-> are the unchecked
// access for code that has just tested the Result.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <strata/core/error.hpp>

namespace strata {

/// Thrown by Result<T>::value() when the Result holds an Error (which it
/// carries), and by Result<T>::error() when it holds a value.
class BadResultAccess : public std::exception {
    Error error_{};
    bool has_error_ = false;
    std::string what_;

public:
    explicit BadResultAccess(const Error& e, std::string_view context = "Result::value() on an error")
        : error_(e), has_error_(true), what_(std::string(context) + ": " + to_string(e)) {}
    /// error() was called on a Result holding a value.
    BadResultAccess() : what_("Result::error() on a value") {}

    /// The Error the Result held (meaningful when has_error()).
    [[nodiscard]] const Error& error() const noexcept { return error_; }
    [[nodiscard]] bool has_error() const noexcept { return has_error_; }
    [[nodiscard]] const char* what() const noexcept override { return what_.c_str(); }
};

namespace detail {
[[noreturn, gnu::cold]] inline void throw_bad_value_access(const Error& e) {
    throw BadResultAccess(e);
}
[[noreturn, gnu::cold]] inline void throw_bad_error_access() { throw BadResultAccess(); }
} // namespace detail

template <class T>
class [[nodiscard]] Result {
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
    std::variant<Stored, Error> v_;

    constexpr void check_value() const {
        if (v_.index() != 0) detail::throw_bad_value_access(*std::get_if<1>(&v_));
    }

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

    /// The value; throws BadResultAccess (carrying the Error) when there is none.
    constexpr Stored& value() & requires(!std::is_void_v<T>) {
        check_value();
        return *std::get_if<0>(&v_);
    }
    constexpr const Stored& value() const& requires(!std::is_void_v<T>) {
        check_value();
        return *std::get_if<0>(&v_);
    }
    /// By value, so that `for (auto& x : open(...).value())` keeps the value
    /// alive for the whole loop (a reference into the temporary would dangle).
    constexpr Stored value() && requires(!std::is_void_v<T>) {
        check_value();
        return std::move(*std::get_if<0>(&v_));
    }
    /// For Result<void>: throws BadResultAccess when this holds an error.
    constexpr void value() const& requires std::is_void_v<T> { check_value(); }

    /// Unchecked access. Precondition: has_value().
    constexpr Stored& operator*() & noexcept requires(!std::is_void_v<T>) { return *std::get_if<0>(&v_); }
    constexpr const Stored& operator*() const& noexcept requires(!std::is_void_v<T>) {
        return *std::get_if<0>(&v_);
    }
    constexpr Stored&& operator*() && noexcept requires(!std::is_void_v<T>) {
        return std::move(*std::get_if<0>(&v_));
    }
    constexpr Stored* operator->() noexcept requires(!std::is_void_v<T>) { return std::get_if<0>(&v_); }
    constexpr const Stored* operator->() const noexcept requires(!std::is_void_v<T>) {
        return std::get_if<0>(&v_);
    }

    /// The error; throws BadResultAccess when this holds a value.
    [[nodiscard]] constexpr const Error& error() const {
        if (v_.index() != 1) detail::throw_bad_error_access();
        return *std::get_if<1>(&v_);
    }

    /// The value, or `fallback` when this holds an error.
    template <class U>
    constexpr Stored value_or(U&& fallback) const& requires(!std::is_void_v<T>) {
        return has_value() ? **this : static_cast<Stored>(std::forward<U>(fallback));
    }
};

/// Propagate an error from an expression returning Result<...> (GNU statement
/// expressions are avoided: this is a plain early return).
#define STRATA_TRY_VOID(expr)                                                                      \
    do {                                                                                           \
        if (auto strata_try_r_ = (expr); !strata_try_r_) return strata_try_r_.error();             \
    } while (false)

} // namespace strata
