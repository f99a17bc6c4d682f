// Result<T>: a value or an Error (C++23 std::expected is not in g++ 12).
// Parsing on untrusted input always returns one of these; failure is a value.
//
// Access follows std::expected: value() and error() are checked (value() on
// an error throws BadResultAccess carrying that Error, error() on a value
// throws BadResultAccess too), operator* and operator-> are the unchecked
// access for code that has just tested the Result.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <strata/core/error.hpp>

namespace strata {

/// Thrown by Result<T>::value() when the Result holds an Error (which it
/// carries), and by Result<T>::error() when it holds a value.
class BadResultAccess : public std::exception {
    Error error_{};
    bool has_error_ = false;
    std::string what_;

public:
    explicit BadResultAccess(const Error& e,
                             std::string_view context = "Result::value() on an error")
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

namespace detail {

struct ResultVoid {
    friend constexpr bool operator==(ResultVoid, ResultVoid) noexcept { return true; }
};

/// A value or an Error in one union and a flag. Not std::variant: a Result
/// is instantiated for some sixty types, and std::variant's machinery was a
/// third of the parse time of <strata/layers.hpp>. Trivially copyable values
/// (views, reprs, addresses) give a trivially copyable Result, returned in
/// registers; others (a PcapReader) get the special members below.
template <class S,
          bool Trivial = std::is_trivially_copyable_v<S>&& std::is_trivially_destructible_v<S>>
struct ResultStorage {
    union {
        S value_;
        Error error_;
    };
    bool ok_;

    template <class... A>
    constexpr explicit ResultStorage(std::in_place_index_t<0>, A&&... a)
        : value_(std::forward<A>(a)...), ok_(true) {}
    constexpr ResultStorage(std::in_place_index_t<1>, const Error& e) : error_(e), ok_(false) {}
};

template <class S>
struct ResultStorage<S, false> {
    union {
        S value_;
        Error error_;
    };
    bool ok_;

    template <class... A>
    constexpr explicit ResultStorage(std::in_place_index_t<0>, A&&... a)
        : value_(std::forward<A>(a)...), ok_(true) {}
    constexpr ResultStorage(std::in_place_index_t<1>, const Error& e) : error_(e), ok_(false) {}
    ResultStorage(const ResultStorage& o) : ok_(o.ok_) { construct_from(o); }
    ResultStorage(ResultStorage&& o) noexcept(std::is_nothrow_move_constructible_v<S>)
        : ok_(o.ok_) {
        construct_from(std::move(o));
    }
    ResultStorage& operator=(const ResultStorage& o) {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            construct_from(o);
        }
        return *this;
    }
    ResultStorage& operator=(ResultStorage&& o) noexcept(std::is_nothrow_move_constructible_v<S>) {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            construct_from(std::move(o));
        }
        return *this;
    }
    ~ResultStorage() { destroy(); }

private:
    template <class Other>
    void construct_from(Other&& o) {
        if (ok_)
            ::new (static_cast<void*>(&value_)) S(std::forward<Other>(o).value_);
        else
            ::new (static_cast<void*>(&error_)) Error(o.error_);
    }
    void destroy() noexcept {
        if (ok_) value_.~S();
    }
};

} // namespace detail

template <class T>
class [[nodiscard]] Result {
    using Stored = std::conditional_t<std::is_void_v<T>, detail::ResultVoid, T>;
    detail::ResultStorage<Stored> s_;

    constexpr void check_value() const {
        if (!s_.ok_) detail::throw_bad_value_access(s_.error_);
    }

public:
    using value_type = T;

    constexpr Result() requires std::is_void_v<T> : s_(std::in_place_index<0>) {}
    template <class U = Stored>
    requires(!std::is_void_v<T> && std::is_constructible_v<Stored, U&&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Error> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result>) constexpr Result(U&& value)
        : s_(std::in_place_index<0>, std::forward<U>(value)) {}
    constexpr Result(Error e) : s_(std::in_place_index<1>, e) {}

    [[nodiscard]] constexpr bool has_value() const noexcept { return s_.ok_; }
    constexpr explicit operator bool() const noexcept { return s_.ok_; }

    /// The value; throws BadResultAccess (carrying the Error) when there is none.
    constexpr Stored& value() & requires(!std::is_void_v<T>) {
        check_value();
        return s_.value_;
    }
    constexpr const Stored& value() const& requires(!std::is_void_v<T>) {
        check_value();
        return s_.value_;
    }
    /// By value, so that `for (auto& x : open(...).value())` keeps the value
    /// alive for the whole loop (a reference into the temporary would dangle).
    constexpr Stored value() && requires(!std::is_void_v<T>) {
        check_value();
        return std::move(s_.value_);
    }
    /// For Result<void>: throws BadResultAccess when this holds an error.
    constexpr void value() const& requires std::is_void_v<T> { check_value(); }

    /// Unchecked access. Precondition: has_value().
    constexpr Stored& operator*() & noexcept requires(!std::is_void_v<T>) { return s_.value_; }
    constexpr const Stored& operator*() const& noexcept requires(!std::is_void_v<T>) {
        return s_.value_;
    }
    constexpr Stored&& operator*() && noexcept requires(!std::is_void_v<T>) {
        return std::move(s_.value_);
    }
    constexpr Stored* operator->() noexcept requires(!std::is_void_v<T>) { return &s_.value_; }
    constexpr const Stored* operator->() const noexcept requires(!std::is_void_v<T>) {
        return &s_.value_;
    }

    /// The error; throws BadResultAccess when this holds a value.
    [[nodiscard]] constexpr const Error& error() const {
        if (s_.ok_) detail::throw_bad_error_access();
        return s_.error_;
    }

    /// The value, or `fallback` when this holds an error.
    template <class U>
    constexpr Stored value_or(U&& fallback) const& requires(!std::is_void_v<T>) {
        return s_.ok_ ? s_.value_ : static_cast<Stored>(std::forward<U>(fallback));
    }
};

/// Propagate an error from an expression returning Result<...> (GNU statement
/// expressions are avoided: this is a plain early return).
#define STRATA_TRY_VOID(expr)                                                                      \
    do {                                                                                           \
        if (auto strata_try_r_ = (expr); !strata_try_r_) return strata_try_r_.error();             \
    } while (false)

} // namespace strata
