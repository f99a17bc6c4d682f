// The control plane shared by the trie and array tables: next-hop
// deduplication, several routes per prefix (one per metric), input checks and
// error values. A model only provides a "FIB": one next hop per prefix, exact
// find/assign/remove, and the fast lookup.
//
// routing::Linear does not use this: it is the executable specification and
// implements the semantics on its own, so that the property tests compare two
// independent implementations.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing::detail {

/// Next hops stored once and shared by every prefix that uses them (a BGP
/// table has ~900k prefixes but a few hundred next hops). Reference-counted:
/// the id is recycled when the last route using it goes.
class NextHopTable {
    struct Hash {
        std::size_t operator()(const NextHop& h) const noexcept {
            std::uint64_t x = (std::uint64_t{h.gateway.value()} << 32) ^
                              (std::uint64_t{h.metric} * 0x9e3779b97f4a7c15ull) ^
                              std::uint64_t{h.interface.value()};
            x ^= x >> 29;
            x *= 0xbf58476d1ce4e5b9ull;
            return static_cast<std::size_t>(x ^ (x >> 32));
        }
    };
    std::vector<NextHop> hops_;
    std::vector<std::uint32_t> refs_;
    std::vector<HopId> free_;
    boost::unordered_flat_map<NextHop, HopId, Hash> index_;

public:
    /// The id of `nh`, adding it (or one more reference to it).
    ConfigResult<HopId> acquire(const NextHop& nh) {
        if (auto it = index_.find(nh); it != index_.end()) {
            ++refs_[it->second];
            return it->second;
        }
        HopId id;
        if (!free_.empty()) {
            id = free_.back();
            free_.pop_back();
            hops_[id] = nh;
            refs_[id] = 1;
        } else {
            if (hops_.size() >= Match::max_next_hops) return next_hop_limit();
            id = static_cast<HopId>(hops_.size());
            hops_.push_back(nh);
            refs_.push_back(1);
        }
        index_.emplace(nh, id);
        return id;
    }
    void release(HopId id) {
        if (--refs_[id] == 0) {
            index_.erase(hops_[id]);
            free_.push_back(id);
        }
    }
    /// Precondition: `id` is live.
    [[nodiscard]] const NextHop& operator[](HopId id) const noexcept { return hops_[id]; }
    [[nodiscard]] std::size_t live() const noexcept { return index_.size(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return hops_.capacity() * sizeof(NextHop) + refs_.capacity() * 4 + free_.capacity() * 4 +
               index_.bucket_count() * (sizeof(NextHop) + sizeof(HopId) + 1);
    }
};

/// Key of a prefix in hash maps: address and length in one integer.
constexpr std::uint64_t prefix_key(Ipv4Prefix p) noexcept {
    return (std::uint64_t{p.address().value()} << 8) | static_cast<std::uint64_t>(p.length());
}
constexpr Ipv4Prefix prefix_of_key(std::uint64_t k) noexcept {
    return Ipv4Prefix{Ipv4Address{static_cast<std::uint32_t>(k >> 8)}, static_cast<int>(k & 0xff)};
}

/// Allocator for large hot arrays: blocks of 2 MiB or more are 2 MiB
/// aligned and marked MADV_HUGEPAGE before first touch, so that the kernel
/// backs them with transparent huge pages and a random lookup walks no
/// page tables (a 4 KiB-page TLB covers a few MiB; a lookup table is
/// bigger). A hint only: without THP it is an ordinary allocation.
template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t huge = std::size_t{2} << 20;

    HugePageAllocator() = default;
    template <class U>
    constexpr HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    static constexpr std::size_t rounded(std::size_t bytes) noexcept {
        return bytes >= huge ? (bytes + huge - 1) / huge * huge : bytes;
    }
    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < huge) return std::allocator<T>{}.allocate(n);
        void* p = std::aligned_alloc(huge, rounded(bytes));
        if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        ::madvise(p, rounded(bytes), MADV_HUGEPAGE);
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n * sizeof(T) < huge)
            std::allocator<T>{}.deallocate(p, n);
        else
            std::free(p);
    }
    template <class U>
    friend constexpr bool operator==(const HugePageAllocator&,
                                     const HugePageAllocator<U>&) noexcept {
        return true;
    }
};

/// A growable array handing out blocks of exact sizes, with free lists per
/// size, for structures whose pieces must be contiguous (a Poptrie node's
/// children and leaves). Blocks are named by offset, so growing the array
/// never invalidates them. Growth is by 1/8 rather than doubling so that the
/// slack stays small in a 20 MiB budget (amortised O(1) copying all the same).
template <class T, class Alloc = std::allocator<T>>
class Pool {
    std::vector<T, Alloc> data_;
    std::vector<std::vector<std::uint32_t>> free_;

public:
    std::uint32_t alloc(std::uint32_t n) {
        if (n < free_.size() && !free_[n].empty()) {
            const std::uint32_t off = free_[n].back();
            free_[n].pop_back();
            return off;
        }
        const std::size_t off = data_.size();
        if (off + n > data_.capacity())
            data_.reserve(std::max<std::size_t>(
                {off + n, data_.capacity() + data_.capacity() / 8, std::size_t{1024}}));
        data_.resize(off + n);
        return static_cast<std::uint32_t>(off);
    }
    void release(std::uint32_t off, std::uint32_t n) {
        if (n == 0) return;
        if (n >= free_.size()) free_.resize(n + 1);
        free_[n].push_back(off);
    }
    [[nodiscard]] T* data() noexcept { return data_.data(); }
    [[nodiscard]] const T* data() const noexcept { return data_.data(); }
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        std::size_t b = HugePageAllocator<T>::rounded(data_.capacity() * sizeof(T)) +
                        free_.capacity() * sizeof(free_[0]);
        for (const auto& f : free_)
            b += f.capacity() * sizeof(std::uint32_t);
        return b;
    }
};

/// The routing-table API on top of a FIB. A FIB `F` provides:
///   std::optional<HopId> find(Ipv4Prefix) const;      exact match
///   ConfigResult<void> assign(Ipv4Prefix, HopId);     insert or overwrite
///   void remove(Ipv4Prefix);                          precondition: present
///   Match lookup(Ipv4Address) const noexcept;
///   void lookup_bulk(const Ipv4Address*, Match*, std::size_t) const noexcept;
///   std::size_t memory_bytes() const noexcept;
///   void for_each(fn(Ipv4Prefix, HopId)) const;
/// The FIB holds the best (lowest-metric) route of each prefix; the others
/// wait in `alternates_` and take over when it is erased.
template <class Fib>
class BasicTable {
protected:
    Fib fib_;
    NextHopTable hops_;
    boost::unordered_flat_map<std::uint64_t, std::vector<HopId>> alternates_;
    std::size_t size_ = 0;

public:
    /// Adds a route. A second route to the same destination with the same
    /// metric is refused ("route 10.1.0.0/16 metric 5 already present"),
    /// like `ip route add`; erase it first to replace it. Routes with
    /// different metrics coexist and the lowest metric is used.
    ConfigResult<void> insert(Ipv4Prefix p, const NextHop& nh) {
        STRATA_TRY_CONFIG(check_destination(p));
        const auto cur = fib_.find(p);
        if (!cur) {
            auto h = hops_.acquire(nh);
            if (!h) return std::move(h).error();
            if (auto ok = fib_.assign(p, *h); !ok) {
                hops_.release(*h);
                return std::move(ok).error();
            }
            ++size_;
            return {};
        }
        const auto key = prefix_key(p);
        auto alt = alternates_.find(key);
        if (hops_[*cur].metric == nh.metric) return duplicate_route(p, nh.metric);
        if (alt != alternates_.end())
            for (HopId h : alt->second)
                if (hops_[h].metric == nh.metric) return duplicate_route(p, nh.metric);
        auto h = hops_.acquire(nh);
        if (!h) return std::move(h).error();
        if (nh.metric < hops_[*cur].metric) {
            if (auto ok = fib_.assign(p, *h); !ok) {
                hops_.release(*h);
                return std::move(ok).error();
            }
            alternates_[key].push_back(*cur);
        } else {
            alternates_[key].push_back(*h);
        }
        ++size_;
        return {};
    }
    ConfigResult<void> insert(const Route& r) { return insert(r.destination, r.next_hop()); }

    /// Removes every route to `p`; "no route to 10.9.0.0/16" when there is
    /// none.
    ConfigResult<void> erase(Ipv4Prefix p) {
        STRATA_TRY_CONFIG(check_destination(p));
        const auto cur = fib_.find(p);
        if (!cur) return no_route(p);
        fib_.remove(p);
        hops_.release(*cur);
        --size_;
        if (auto alt = alternates_.find(prefix_key(p)); alt != alternates_.end()) {
            for (HopId h : alt->second)
                hops_.release(h);
            size_ -= alt->second.size();
            alternates_.erase(alt);
        }
        return {};
    }

    /// Removes the route to `p` with `metric`; the next-best metric, if any,
    /// takes over. "no route to 10.9.0.0/16 metric 5" when there is none.
    ConfigResult<void> erase(Ipv4Prefix p, std::uint32_t metric) {
        STRATA_TRY_CONFIG(check_destination(p));
        const auto cur = fib_.find(p);
        if (!cur) return no_route(p, metric);
        auto alt = alternates_.find(prefix_key(p));
        if (hops_[*cur].metric == metric) {
            if (alt == alternates_.end()) {
                fib_.remove(p);
            } else {
                auto& v = alt->second;
                auto best = std::min_element(v.begin(), v.end(), [&](HopId a, HopId b) {
                    return hops_[a].metric < hops_[b].metric;
                });
                STRATA_TRY_CONFIG(fib_.assign(p, *best));
                v.erase(best);
                if (v.empty()) alternates_.erase(alt);
            }
            hops_.release(*cur);
            --size_;
            return {};
        }
        if (alt != alternates_.end()) {
            auto& v = alt->second;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (hops_[*it].metric != metric) continue;
                hops_.release(*it);
                v.erase(it);
                if (v.empty()) alternates_.erase(alt);
                --size_;
                return {};
            }
        }
        return no_route(p, metric);
    }

    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept { return fib_.lookup(a); }
    /// Looks up min(addresses.size(), results.size()) addresses.
    void lookup_bulk(std::span<const Ipv4Address> addresses,
                     std::span<Match> results) const noexcept {
        fib_.lookup_bulk(addresses.data(), results.data(),
                         std::min(addresses.size(), results.size()));
    }
    [[nodiscard]] const NextHop& next_hop(HopId h) const noexcept { return hops_[h]; }
    [[nodiscard]] std::optional<Route> route(Ipv4Address a) const noexcept {
        const Match m = lookup(a);
        if (!m) return std::nullopt;
        return make_route(a, m, hops_[m.hop()]);
    }
    /// Number of routes (every metric of every prefix).
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    /// Bytes owned by the table: lookup structures, the control plane that
    /// incremental updates need, and the next hops.
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        std::size_t b =
            fib_.memory_bytes() + hops_.memory_bytes() +
            alternates_.bucket_count() * (sizeof(std::uint64_t) + sizeof(std::vector<HopId>) + 1);
        for (const auto& [k, v] : alternates_)
            b += v.capacity() * sizeof(HopId);
        return b;
    }
    /// Calls f(const Route&) for every route, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        fib_.for_each([&](Ipv4Prefix p, HopId h) {
            const NextHop& nh = hops_[h];
            f(Route{p, nh.gateway, nh.interface, nh.metric});
        });
        for (const auto& [k, v] : alternates_)
            for (HopId h : v) {
                const NextHop& nh = hops_[h];
                f(Route{prefix_of_key(k), nh.gateway, nh.interface, nh.metric});
            }
    }
};

} // namespace strata::routing::detail
