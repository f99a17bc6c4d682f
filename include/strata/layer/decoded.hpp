// Decoded<Stack, B>: the typed chain of views that decode<Stack>() returns.
//
// The chain is a tree of plain aggregates known at compile time: one node per
// layer of the stack, holding that layer's view; a OneOf position holds a
// std::variant over its alternatives. Access by layer type (`get<IPv4>()`) is
// resolved at compile time for linear stacks (and by one variant index test
// per OneOf): no pointer walking, no allocation, no exceptions.
//
// Partial decoding is a first-class result: when an inner layer is malformed,
// the outer views stay usable, error() says which layer, field and offset
// failed, and rest() holds the bytes from where decoding stopped.
#pragma once

#include <cstddef>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/one_of.hpp>

namespace strata {

/// The payload of a OneOf position whose key no alternative answered to.
template <class B>
struct Unmatched {
    std::span<B> bytes{};
};

namespace detail {

/// Where a decode node keeps its layer's view (and decode its error): the part of std::optional's
/// interface that decode uses (bool test, *, ->, emplace, reset), without its
/// cost. libstdc++ 12's std::optional zeroes its whole storage when default-
/// constructed; with an HTTP head in the stack that was ~1.5 KB cleared on
/// every decode before a byte was read, 10-15 % of decode_stack/strata.
template <class T>
class ViewSlot {
    union {
        T value_;
    };
    bool engaged_ = false;

public:
    using value_type = T;

    constexpr ViewSlot() noexcept {} // leaves the storage alone, on purpose
    constexpr ViewSlot(const ViewSlot& o) noexcept(std::is_nothrow_copy_constructible_v<T>) {
        if (o.engaged_) emplace(o.value_);
    }
    constexpr ViewSlot&
    operator=(const ViewSlot& o) noexcept(std::is_nothrow_copy_constructible_v<T>) {
        if (this != &o) {
            reset();
            if (o.engaged_) emplace(o.value_);
        }
        return *this;
    }
    constexpr ~ViewSlot() { reset(); }

    template <class... Args>
    constexpr T& emplace(Args&&... args) noexcept(std::is_nothrow_constructible_v<T, Args...>) {
        reset();
        // Placement new, not std::construct_at: <memory> was a fifth of the
        // parse time of <strata/layers.hpp>. Decoding therefore runs at run
        // time only (it never did otherwise in strata's own code).
        ::new (static_cast<void*>(&value_)) T(std::forward<Args>(args)...);
        engaged_ = true;
        return value_;
    }
    constexpr void reset() noexcept {
        if (engaged_) {
            value_.~T();
            engaged_ = false;
        }
    }

    [[nodiscard]] constexpr bool has_value() const noexcept { return engaged_; }
    constexpr explicit operator bool() const noexcept { return engaged_; }
    /// Precondition: has_value().
    constexpr T& operator*() noexcept { return value_; }
    constexpr const T& operator*() const noexcept { return value_; }
    constexpr T* operator->() noexcept { return &value_; }
    constexpr const T* operator->() const noexcept { return &value_; }
};

template <class L, class B>
struct DecodeNode;

template <class B>
struct DecodeNode<End, B> {};

template <class B>
struct DecodeNode<Raw, B> {
    std::span<B> bytes{};
    bool present = false;
};

template <class L, class B>
requires HeaderLayer<L>
struct DecodeNode<L, B> {
    using layer = L;
    using view_type = typename L::template view<B>;
    // No braces, and a ViewSlot rather than std::optional: nothing zeroes the
    // (large) node tree before decode fills it.
    ViewSlot<view_type> view;
    DecodeNode<inner_of_t<L>, B> inner;
};

template <class... A, class B>
struct DecodeNode<OneOf<A...>, B> {
    std::variant<Unmatched<B>, DecodeNode<A, B>...> alt{};
};

/// Matches a layer by class (ARP, DNS, a user class) or by template (IPv4).
template <class T>
struct MatchClass {
    template <class L>
    static constexpr bool test = std::is_same_v<unbind_t<L>, T>;
    template <class B>
    using view = typename T::template view<B>;
    static constexpr std::string_view name = T::name;
};
template <template <class...> class T>
struct MatchTemplate {
    template <class L>
    static constexpr bool test = is_instance_of<unbind_t<L>, T>;
    template <class B>
    using view = typename T<Raw>::template view<B>;
    static constexpr std::string_view name = T<Raw>::name;
};

template <class Match, class V, class L, class B>
constexpr V* find_in(DecodeNode<L, B>& n, std::size_t& skip) noexcept {
    if constexpr (HeaderLayer<L>) {
        if (!n.view) return nullptr;
        if constexpr (Match::template test<L>) {
            static_assert(std::is_same_v<typename DecodeNode<L, B>::view_type, V>);
            if (skip == 0) return &*n.view;
            --skip;
        }
        return find_in<Match, V>(n.inner, skip);
    } else if constexpr (is_one_of<L>) {
        return std::visit(
            [&](auto& alt) -> V* {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(alt)>, Unmatched<B>>)
                    return nullptr;
                else
                    return find_in<Match, V>(alt, skip);
            },
            n.alt);
    } else {
        return nullptr;
    }
}

/// The most layers matching `Match` that any frame of stack `L` can hold
/// (the longest path through its OneOfs): 0 means the stack cannot contain
/// the layer at all, and asking for it is a mistake the compiler reports.
template <class Match, class L>
consteval std::size_t max_matches() {
    if constexpr (HeaderLayer<L>)
        return (Match::template test<L> ? 1 : 0) + max_matches<Match, inner_of_t<L>>();
    else if constexpr (is_one_of<L>)
        return []<class... A>(std::type_identity<OneOf<A...>>) {
            std::size_t most = 0;
            ((most = max_matches<Match, A>() > most ? max_matches<Match, A>() : most), ...);
            return most;
        }(std::type_identity<L>{});
    else
        return 0;
}

template <class Node>
struct node_of;
template <class L, class B>
struct node_of<DecodeNode<L, B>> {
    using layer = L;
    using byte = B;
};

/// Calls f for every decoded layer of `n` (a node, const or not).
template <class Node, class F>
constexpr void visit_in(Node& n, F& f) {
    using L = typename node_of<std::remove_const_t<Node>>::layer;
    using B = typename node_of<std::remove_const_t<Node>>::byte;
    if constexpr (HeaderLayer<L>) {
        if (!n.view) return;
        f(std::type_identity<L>{}, *n.view);
        visit_in(n.inner, f);
    } else if constexpr (is_one_of<L>) {
        std::visit(
            [&](auto& alt) {
                if constexpr (!std::is_same_v<std::remove_cvref_t<decltype(alt)>, Unmatched<B>>)
                    visit_in(alt, f);
            },
            n.alt);
    }
}

[[noreturn, gnu::cold]] inline void throw_layer_absent(std::string_view layer) {
    throw BadResultAccess(Error{layer, "layer", 0, Errc::not_found},
                          "Decoded::get(): this frame does not hold the layer");
}

} // namespace detail

template <class Stack, ByteType B>
class Decoded;

namespace detail {
template <class Stack, class B>
constexpr Decoded<Stack, B> decode_impl(std::span<B> bytes) noexcept;
} // namespace detail

template <class Stack, ByteType B = const Byte>
class Decoded {
public:
    using stack = Stack;
    using root_node = detail::DecodeNode<Stack, B>;

    /// True when every layer the stack asks for decoded (a OneOf whose key
    /// matched no alternative counts as decoded: the rest is raw).
    [[nodiscard]] constexpr bool ok() const noexcept { return !error_; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    /// The first problem met; precondition: !ok().
    [[nodiscard]] constexpr const Error& error() const noexcept { return *error_; }
    [[nodiscard]] constexpr std::optional<Error> maybe_error() const noexcept {
        if (error_) return *error_;
        return std::nullopt;
    }
    /// Bytes from where decoding stopped: the payload of the innermost layer
    /// decoded (a Raw tail, an unmatched OneOf, or a malformed layer's bytes).
    [[nodiscard]] constexpr std::span<B> rest() const noexcept { return rest_; }
    /// How many headers were decoded.
    [[nodiscard]] constexpr std::size_t depth() const noexcept { return depth_; }

    /// The view of the `Nth` (0 = outermost) decoded layer made from template
    /// `T` (IPv4, TCP, …) or of class `T` (ARP, DNS, a user layer), or
    /// nullptr when this frame did not contain it (a OneOf alternative not
    /// taken, a layer after a decoding error). Asking for a layer the stack
    /// cannot contain at all is a compile error.
    template <template <class...> class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr auto* find() noexcept {
        return find_matching<detail::MatchTemplate<T>, Nth>();
    }
    template <class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr auto* find() noexcept {
        return find_matching<detail::MatchClass<T>, Nth>();
    }
    template <template <class...> class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr const auto* find() const noexcept {
        return const_cast<Decoded*>(this)->template find<T, Nth>();
    }
    template <class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr const auto* find() const noexcept {
        return const_cast<Decoded*>(this)->template find<T, Nth>();
    }

    template <template <class...> class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr bool has() const noexcept {
        return find<T, Nth>() != nullptr;
    }
    template <class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr bool has() const noexcept {
        return find<T, Nth>() != nullptr;
    }

    /// The view of layer T; throws BadResultAccess (field "layer",
    /// not_found) when this frame does not hold it — test has<T>() or ok()
    /// first, or use find<T>().
    template <template <class...> class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr auto& get() {
        return checked<detail::MatchTemplate<T>>(find<T, Nth>());
    }
    template <class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr auto& get() {
        return checked<detail::MatchClass<T>>(find<T, Nth>());
    }
    template <template <class...> class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr const auto& get() const {
        return checked<detail::MatchTemplate<T>>(find<T, Nth>());
    }
    template <class T, std::size_t Nth = 0>
    [[nodiscard]] constexpr const auto& get() const {
        return checked<detail::MatchClass<T>>(find<T, Nth>());
    }

    /// Calls f(std::type_identity<Layer>{}, view) for every decoded layer,
    /// outermost first: the way to walk a frame whose OneOf choices are only
    /// known at run time.
    template <class F>
    constexpr void visit(F&& f) {
        detail::visit_in(root_, f);
    }
    template <class F>
    constexpr void visit(F&& f) const {
        detail::visit_in(root_, f);
    }

    /// The node tree itself, for code that wants the std::variant of a OneOf.
    [[nodiscard]] constexpr root_node& root() noexcept { return root_; }
    [[nodiscard]] constexpr const root_node& root() const noexcept { return root_; }

private:
    template <class Match, std::size_t Nth>
    constexpr auto* find_matching() noexcept {
        using V = typename Match::template view<B>;
        constexpr std::size_t most = detail::max_matches<Match, Stack>();
        if constexpr (most <= Nth) {
            static_assert(most > Nth,
                          "Decoded<Stack>::get/find/has: the stack cannot contain this layer "
                          "(or not this many of it): no frame decoded as Stack holds it");
            return static_cast<V*>(nullptr);
        } else {
            std::size_t skip = Nth;
            return detail::find_in<Match, V>(root_, skip);
        }
    }
    template <class Match, class V>
    static constexpr V& checked(V* v) {
        if (v == nullptr) detail::throw_layer_absent(Match::name);
        return *v;
    }

    template <class S, class B2>
    friend constexpr Decoded<S, B2> detail::decode_impl(std::span<B2> bytes) noexcept;

    root_node root_;                // see DecodeNode: not value-initialised, on purpose
    detail::ViewSlot<Error> error_; // not std::optional: see ViewSlot
    std::span<B> rest_{};
    std::size_t depth_ = 0;
};

} // namespace strata
