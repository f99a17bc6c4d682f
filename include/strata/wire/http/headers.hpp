// A header section as views into the caller's buffer: a fixed-capacity array
// of (name, value) pairs in arrival order. Repeated fields are kept as they
// came (RFC 9110 §5.3: order matters for lists and for Set-Cookie); lookup is
// case-insensitive (RFC 9110 §5.1). Adding never allocates; a full array is an
// Error (limit_exceeded), which is also how the parser enforces its
// header-count limit.
#pragma once

#include <cstddef>
#include <cstring>
#include <iterator>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>

#include <strata/core/result.hpp>
#include <strata/wire/http/fields.hpp>
#include <strata/wire/http/syntax.hpp>

namespace strata::http {

/// One field line. `value` has its leading and trailing whitespace removed
/// (RFC 9112 §5: OWS is not part of the value).
struct Header {
    std::string_view name;
    std::string_view value;

    friend constexpr bool operator==(const Header&, const Header&) = default;
};

template <std::size_t N = 64>
class Headers {
    static_assert(N > 0, "Headers<N>: capacity must be at least 1");
    static_assert(std::is_trivially_copyable_v<Header> && std::is_trivially_destructible_v<Header>);
    // Raw storage: only the first n_ slots ever hold a Header. A
    // std::array<Header, N> would be cleared (N * 32 bytes, a kilobyte at
    // N = 32) every time a parser is made, before a byte is read.
    // boost::container::static_vector does this too, at a compile-time cost
    // in every file that parses HTTP (docs/bench/http.md, "History from the
    // headers").
    alignas(Header) std::byte raw_[N * sizeof(Header)];
    std::size_t n_ = 0;

    Header* slots() noexcept { return std::launder(reinterpret_cast<Header*>(raw_)); }
    const Header* slots() const noexcept {
        return std::launder(reinterpret_cast<const Header*>(raw_));
    }

public:
    static constexpr std::size_t capacity = N;
    using const_iterator = const Header*;

    Headers() noexcept {} // leaves raw_ alone, on purpose
    // Header is trivially copyable: copying the bytes of the slots in use
    // copies the fields (and creates them in the destination).
    Headers(const Headers& o) noexcept : n_(o.n_) {
        std::memcpy(raw_, o.raw_, n_ * sizeof(Header));
    }
    Headers& operator=(const Headers& o) noexcept {
        if (this != &o) {
            n_ = o.n_;
            std::memcpy(raw_, o.raw_, n_ * sizeof(Header));
        }
        return *this;
    }
    ~Headers() = default;

    /// Appends a field. Error {"http", "headers", 0, limit_exceeded, N+1, N}
    /// when full (the parser replaces the offset with the line's).
    Result<void> add(std::string_view name, std::string_view value) noexcept {
        if (n_ == N) return Error::at(http_field::headers, 0, Errc::limit_exceeded, N + 1, N);
        ::new (static_cast<void*>(raw_ + n_ * sizeof(Header))) Header{name, value};
        ++n_;
        return {};
    }
    void clear() noexcept { n_ = 0; }

    [[nodiscard]] constexpr std::size_t size() const noexcept { return n_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return n_ == 0; }
    /// Precondition: i < size().
    [[nodiscard]] const Header& operator[](std::size_t i) const noexcept { return slots()[i]; }
    [[nodiscard]] const Header* begin() const noexcept { return slots(); }
    [[nodiscard]] const Header* end() const noexcept { return slots() + n_; }

    /// The first field named `name` (any case), or nullptr.
    [[nodiscard]] const Header* find(std::string_view name) const noexcept {
        const Header* h = slots();
        for (std::size_t i = 0; i < n_; ++i)
            if (detail::iequals(h[i].name, name)) return &h[i];
        return nullptr;
    }
    /// The value of the first field named `name`, if there is one.
    [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const noexcept {
        if (const Header* h = find(name)) return h->value;
        return std::nullopt;
    }
    [[nodiscard]] bool contains(std::string_view name) const noexcept {
        return find(name) != nullptr;
    }
    /// How many fields are named `name`.
    [[nodiscard]] std::size_t count(std::string_view name) const noexcept {
        std::size_t c = 0;
        for (const Header& h : *this)
            if (detail::iequals(h.name, name)) ++c;
        return c;
    }

    /// A forward range over every field named `name`, in arrival order.
    class Matches {
        const Header* first_;
        const Header* last_;
        std::string_view name_;

    public:
        class iterator {
            const Header* p_ = nullptr;
            const Header* last_ = nullptr;
            std::string_view name_;
            constexpr void skip() noexcept {
                while (p_ != last_ && !detail::iequals(p_->name, name_))
                    ++p_;
            }

        public:
            using value_type = Header;
            using difference_type = std::ptrdiff_t;
            using reference = const Header&;
            using pointer = const Header*;
            using iterator_category = std::forward_iterator_tag;
            constexpr iterator() = default;
            constexpr iterator(const Header* p, const Header* last, std::string_view name) noexcept
                : p_(p), last_(last), name_(name) {
                skip();
            }
            constexpr const Header& operator*() const noexcept { return *p_; }
            constexpr const Header* operator->() const noexcept { return p_; }
            constexpr iterator& operator++() noexcept {
                ++p_;
                skip();
                return *this;
            }
            constexpr iterator operator++(int) noexcept {
                iterator t = *this;
                ++*this;
                return t;
            }
            friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
                return a.p_ == b.p_;
            }
        };
        constexpr Matches(const Header* f, const Header* l, std::string_view n) noexcept
            : first_(f), last_(l), name_(n) {}
        [[nodiscard]] constexpr iterator begin() const noexcept { return {first_, last_, name_}; }
        [[nodiscard]] constexpr iterator end() const noexcept { return {last_, last_, name_}; }
    };
    [[nodiscard]] Matches all(std::string_view name) const noexcept {
        return Matches{begin(), end(), name};
    }

    /// Moves every view by the same distance: used when the bytes they point
    /// into were moved (the parser's buffer grew somewhere else).
    /// Done on integers: the old storage may already be gone.
    void rebase(const char* from, const char* to) noexcept {
        Header* h = slots();
        for (std::size_t i = 0; i < n_; ++i) {
            h[i].name = detail::rebased(h[i].name, from, to);
            h[i].value = detail::rebased(h[i].value, from, to);
        }
    }
};

} // namespace strata::http
