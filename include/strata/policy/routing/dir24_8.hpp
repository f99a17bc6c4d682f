// routing::Dir24_8: the DIR-24-8 scheme (Gupta, Lin, McKeown, "Routing
// Lookups in Hardware at Memory Access Speeds", INFOCOM 1998), as in DPDK's
// rte_lpm. A 2^24-entry array indexed by the top 24 bits of the address gives
// the answer for prefixes up to /24; an entry covering a longer prefix points
// instead to a 256-entry group indexed by the last byte. One or two memory
// reads per lookup, at the price of 64 MiB for the first array.
//
// Entries are Match values (prefix length + next hop), so an update paints
// the range a prefix covers wherever the entry there is no longer than the
// new prefix, and an erase repaints it with the next shorter covering prefix
// (found in the exact-match rule map), as rte_lpm does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/result.hpp>
#include <strata/policy/routing/basic_table.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {
namespace detail {

class Dir24Fib {
    static constexpr std::uint32_t ext = 0x80000000u; // entry points to a group
    static constexpr std::size_t tbl24_size = std::size_t{1} << 24;

    struct FreeDeleter {
        void operator()(std::uint32_t* p) const noexcept { std::free(p); }
    };
    // calloc: the kernel hands out zero pages lazily, so an empty table
    // costs no time to create (tests make many).
    std::unique_ptr<std::uint32_t[], FreeDeleter> tbl24_{
        static_cast<std::uint32_t*>(std::calloc(tbl24_size, sizeof(std::uint32_t)))};
    std::vector<std::uint32_t> tbl8_;
    std::vector<std::uint32_t> free_groups_;
    boost::unordered_flat_map<std::uint64_t, HopId> rules_;

    /// Entry's prefix length + 1 (0 for no route): the painting order.
    static constexpr std::uint32_t rank(std::uint32_t e) noexcept { return e & 63; }

    std::uint32_t new_group(std::uint32_t fill) {
        std::uint32_t g;
        if (!free_groups_.empty()) {
            g = free_groups_.back();
            free_groups_.pop_back();
        } else {
            g = static_cast<std::uint32_t>(tbl8_.size() / 256);
            tbl8_.resize(tbl8_.size() + 256);
        }
        std::fill_n(tbl8_.begin() + std::ptrdiff_t{g} * 256, 256, fill);
        return g;
    }

    /// The Match of the longest rule strictly shorter than `len` covering
    /// `net`, or 0.
    [[nodiscard]] std::uint32_t cover(std::uint32_t net, int len) const noexcept {
        for (int l = len - 1; l >= 0; --l) {
            const std::uint32_t n = net & netmask_bits(l);
            if (auto it = rules_.find(prefix_key(Ipv4Prefix{Ipv4Address{n}, l}));
                it != rules_.end())
                return Match{it->second, l}.raw();
        }
        return 0;
    }

    /// Sets `to` wherever the entries in [first, first+count) of tbl24 (and
    /// their groups) satisfy `pred`.
    template <class Pred>
    void paint24(std::uint32_t first, std::uint32_t count, std::uint32_t to, Pred pred) {
        for (std::uint32_t i = first; i < first + count; ++i) {
            std::uint32_t& e = tbl24_[i];
            if (e & ext) {
                std::uint32_t* g = tbl8_.data() + std::size_t{e & ~ext} * 256;
                for (int k = 0; k < 256; ++k)
                    if (pred(g[k])) g[k] = to;
            } else if (pred(e)) {
                e = to;
            }
        }
    }

public:
    Dir24Fib() {
        if (!tbl24_) throw std::bad_alloc();
    }

    [[nodiscard]] std::optional<HopId> find(Ipv4Prefix p) const noexcept {
        if (auto it = rules_.find(prefix_key(p)); it != rules_.end()) return it->second;
        return std::nullopt;
    }

    Result<void> assign(Ipv4Prefix p, HopId hop) {
        // Bit 31 marks a group pointer, so hop ids here have 25 bits.
        if (hop >= (HopId{1} << 25))
            return Error{"routing", "next_hop", 0, Errc::limit_exceeded, hop, HopId{1} << 25};
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        rules_[prefix_key(p)] = hop;
        const std::uint32_t m = Match{hop, len}.raw();
        const std::uint32_t r = rank(m);
        auto no_longer = [r](std::uint32_t e) { return rank(e) <= r; };
        if (len <= 24) {
            paint24(net >> 8, std::uint32_t{1} << (24 - len), m, no_longer);
            return {};
        }
        std::uint32_t& e = tbl24_[net >> 8];
        if (!(e & ext)) {
            const std::uint32_t fill = e; // read before tbl8_ may grow
            e = ext | new_group(fill);
        }
        std::uint32_t* g = tbl8_.data() + std::size_t{tbl24_[net >> 8] & ~ext} * 256;
        for (std::uint32_t k = net & 255; k < (net & 255) + (1u << (32 - len)); ++k)
            if (no_longer(g[k])) g[k] = m;
        return {};
    }

    void remove(Ipv4Prefix p) {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        rules_.erase(prefix_key(p));
        const std::uint32_t r = static_cast<std::uint32_t>(len + 1);
        const std::uint32_t to = cover(net, len);
        // Inside the prefix's range an entry of the same length can only be
        // this prefix's own.
        auto mine = [r](std::uint32_t e) { return rank(e) == r; };
        if (len <= 24) {
            paint24(net >> 8, std::uint32_t{1} << (24 - len), to, mine);
            return;
        }
        std::uint32_t& e = tbl24_[net >> 8];
        const std::uint32_t gi = e & ~ext;
        std::uint32_t* g = tbl8_.data() + std::size_t{gi} * 256;
        bool only_short = true;
        for (std::uint32_t k = 0; k < 256; ++k) {
            if (k >= (net & 255) && k < (net & 255) + (1u << (32 - len)) && mine(g[k])) g[k] = to;
            only_short = only_short && rank(g[k]) <= 25;
        }
        // No prefix longer than /24 left in the group: all 256 entries are
        // the same /24-or-shorter answer, so fold the group back.
        if (only_short) {
            e = g[0];
            free_groups_.push_back(gi);
        }
    }

    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept {
        const std::uint32_t v = a.value();
        std::uint32_t e = tbl24_[v >> 8];
        if (e & ext) e = tbl8_[std::size_t{e & ~ext} * 256 + (v & 255)];
        return Match::from_raw(e);
    }
    void lookup_bulk(const Ipv4Address* in, Match* out, std::size_t n) const noexcept {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = lookup(in[i]);
    }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return tbl24_size * sizeof(std::uint32_t) + tbl8_.capacity() * sizeof(std::uint32_t) +
               free_groups_.capacity() * sizeof(std::uint32_t) +
               rules_.bucket_count() * (sizeof(std::uint64_t) + sizeof(HopId) + 1);
    }
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [k, h] : rules_)
            f(prefix_of_key(k), h);
    }
};

} // namespace detail

class Dir24_8 : public detail::BasicTable<detail::Dir24Fib> {
public:
    static constexpr std::string_view name = "dir24_8";
};

} // namespace strata::routing
