// CursorRange<Derived>: a lazy forward range driven by a cursor, which is how
// the option, TAG, label and record ranges of wire/ walk their bytes.
//
// It is a view for range-v3 (it derives from ranges::view_base) and a forward
// range for std::ranges, without including range-v3's view_facade, whose
// concept machinery is heavy to compile for every file that walks options
// (docs/bench/core.md, "History from the headers"). range_fwd.hpp only
// declares.
//
// Derived provides `cursor begin_cursor() const` (befriend
// strata::cursor_access to keep it private). A cursor is a small value with
//   read() const   the current element (by value: elements borrow the bytes)
//   next()         step to the following element; precondition !done()
//   done() const   true at the end
//   equal(const cursor&) const
// and a default constructor.
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

#include <range/v3/range_fwd.hpp>

namespace strata {

/// Befriend this to keep begin_cursor() private.
struct cursor_access {
    template <class Range>
    static constexpr auto begin_cursor(const Range& r) noexcept(noexcept(r.begin_cursor())) {
        return r.begin_cursor();
    }
};

template <class Cursor>
class CursorIterator {
    Cursor c_{};

    // Members, not the friends below, touch the cursor: a range that is its
    // own cursor befriends CursorIterator, and friendship does not pass on.
    constexpr bool at_end() const noexcept { return c_.done(); }
    constexpr bool same(const CursorIterator& o) const noexcept { return c_.equal(o.c_); }

public:
    using reference = decltype(std::declval<const Cursor&>().read());
    using value_type = std::remove_cvref_t<reference>;
    using difference_type = std::ptrdiff_t;
    // Elements are returned by value, so in C++17 terms an input iterator;
    // multi-pass and equality-comparable, so a C++20 forward iterator.
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::forward_iterator_tag;

    constexpr CursorIterator() = default;
    constexpr explicit CursorIterator(Cursor c) noexcept : c_(std::move(c)) {}

    constexpr reference operator*() const noexcept(noexcept(c_.read())) { return c_.read(); }
    constexpr CursorIterator& operator++() noexcept(noexcept(c_.next())) {
        c_.next();
        return *this;
    }
    constexpr CursorIterator operator++(int) noexcept(noexcept(c_.next())) {
        CursorIterator before = *this;
        c_.next();
        return before;
    }

    friend constexpr bool operator==(const CursorIterator& a, const CursorIterator& b) noexcept {
        return a.same(b);
    }
    friend constexpr bool operator==(const CursorIterator& a, std::default_sentinel_t) noexcept {
        return a.at_end();
    }
};

template <class Derived>
class CursorRange : public ranges::view_base {
    constexpr const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }

public:
    constexpr auto begin() const noexcept {
        return CursorIterator<decltype(cursor_access::begin_cursor(derived()))>{
            cursor_access::begin_cursor(derived())};
    }
    constexpr std::default_sentinel_t end() const noexcept { return {}; }

    [[nodiscard]] constexpr bool empty() const noexcept { return begin() == end(); }
    constexpr explicit operator bool() const noexcept { return !empty(); }
    /// Precondition: !empty().
    constexpr auto front() const noexcept { return *begin(); }
};

} // namespace strata
