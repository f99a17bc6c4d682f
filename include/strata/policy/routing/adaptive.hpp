// routing::Adaptive, also routing::Default: small for a home router's five
// routes, fast for a BGP table. It starts as a BinaryTrie (tens of bytes per
// route) and becomes a Poptrie (about 9 MiB fixed, 16 MiB at 900k prefixes,
// one memory latency per lookup) when the table grows past `grow_at`
// distinct prefixes; it goes back to a trie when it shrinks to `shrink_at`
// (the gap stops a table near the threshold from switching on every edit).
//
// The switch happens inside an insert or erase, so it cannot break a HopId
// (valid until the next edit anyway); the next hops themselves are shared by
// both halves and keep their ids. The lookup pays one predictable branch on
// which half is live.
//
// Limits: a BinaryTrie's (Match::max_next_hops next hops) while small; once
// it is a Poptrie, also the Poptrie's 32,767 distinct (prefix length, next
// hop) pairs, refused with the Poptrie's message.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/basic_table.hpp>
#include <strata/policy/routing/binary_trie.hpp>
#include <strata/policy/routing/poptrie.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {
namespace detail {

class AdaptiveFib {
public:
    /// Becomes a Poptrie when an insert would make more prefixes than this.
    /// At 1,024 prefixes the trie holds ~40 KiB of nodes and a lookup visits
    /// at most a few dozen of them, all in L2; a Poptrie costs 9 MiB before
    /// its first route, worth it only for a big table.
    static constexpr std::size_t grow_at = 1024;
    /// Goes back to a trie when an erase leaves this many prefixes.
    static constexpr std::size_t shrink_at = 256;

private:
    TrieFib small_;
    std::optional<PoptrieFib> big_; // in place: no pointer to chase per lookup
    std::size_t prefixes_ = 0;

    template <class From, class To>
    static void copy(const From& from, To& to) {
        from.for_each([&](Ipv4Prefix p, HopId h) {
            // Into a Poptrie only below grow_at prefixes, far under its
            // 32,767-pair limit; into a trie, which has none.
            [[maybe_unused]] const auto ok = to.assign(p, h);
        });
    }

public:
    [[nodiscard]] bool big() const noexcept { return big_.has_value(); }

    [[nodiscard]] std::optional<HopId> find(Ipv4Prefix p) const noexcept {
        return big_ ? big_->find(p) : small_.find(p);
    }

    ConfigResult<void> assign(Ipv4Prefix p, HopId hop) {
        const bool fresh = !find(p);
        if (fresh && !big_ && prefixes_ + 1 > grow_at) {
            big_.emplace();
            copy(small_, *big_);
            small_ = TrieFib{};
        }
        STRATA_TRY_CONFIG(big_ ? big_->assign(p, hop) : small_.assign(p, hop));
        if (fresh) ++prefixes_;
        return {};
    }

    /// Precondition: `p` is present.
    void remove(Ipv4Prefix p) {
        if (big_)
            big_->remove(p);
        else
            small_.remove(p);
        --prefixes_;
        if (big_ && prefixes_ <= shrink_at) {
            small_ = TrieFib{};
            copy(*big_, small_);
            big_.reset();
        }
    }

    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept {
        return big_ ? big_->lookup(a) : small_.lookup(a);
    }
    void lookup_bulk(const Ipv4Address* in, Match* out, std::size_t n) const noexcept {
        if (big_)
            big_->lookup_bulk(in, out, n);
        else
            small_.lookup_bulk(in, out, n);
    }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return small_.memory_bytes() + (big_ ? big_->memory_bytes() : 0);
    }
    template <class F>
    void for_each(F&& f) const {
        if (big_)
            big_->for_each(f);
        else
            small_.for_each(f);
    }
};

} // namespace detail

class Adaptive : public detail::BasicTable<detail::AdaptiveFib> {
public:
    static constexpr std::string_view name = "adaptive";
    static constexpr std::size_t grow_at = detail::AdaptiveFib::grow_at;
    static constexpr std::size_t shrink_at = detail::AdaptiveFib::shrink_at;

    /// True while the lookup structure is a Poptrie (more than grow_at
    /// prefixes were present since it last shrank to shrink_at).
    [[nodiscard]] bool uses_poptrie() const noexcept { return fib_.big(); }
};

/// The table Router<> uses unless told otherwise: a few KiB for a handful of
/// routes, a Poptrie for a big table.
using Default = Adaptive;

} // namespace strata::routing
