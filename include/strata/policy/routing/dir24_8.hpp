// routing::Dir24_8: the DIR-24-8 scheme (Gupta, Lin, McKeown, "Routing
// Lookups in Hardware at Memory Access Speeds", INFOCOM 1998), as in DPDK's
// rte_lpm. A 2^24-entry array indexed by the top 24 bits of the address gives
// the answer for prefixes up to /24; an entry covering a longer prefix points
// instead to a 256-entry group indexed by the last byte. One or two memory
// reads per lookup, at the price of 64 MiB for the first array.
//
// An entry is a Dir24Entry (below): 32 bits holding either a Match (prefix
// length + next hop) or the number of a 256-entry group, like DPDK's
// rte_lpm_tbl_entry. An update paints the range a prefix covers wherever the
// entry there is no longer than the new prefix, and an erase repaints it
// with the next shorter covering prefix (found in the exact-match rule map),
// as rte_lpm does.
//
// Memory: 64 MiB for tbl24 from the first route (calloc'd, so the pages are
// touched lazily, but memory_bytes counts them). A big-table model: name it
// explicitly; routing::Default stays small for small tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/basic_table.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {
namespace detail {

/// One entry of tbl24 or of a tbl8 group, packed in 32 bits (DPDK
/// rte_lpm_tbl_entry, without bitfields):
///
///   bit 31 clear   a Match: bits 0..5 rank (prefix length + 1, 0 = no
///                  route), bits 6..30 next hop (Match's own layout)
///   bit 31 set     a pointer to a group: bits 0..30 the group number
///
/// Zero is "no route", so calloc'd memory is an empty table. The hop limit
/// is Match's (Match::max_next_hops): Match keeps bit 31 clear for this
/// flag, so every HopId a table hands out fits, with no limit of its own.
class Dir24Entry {
    std::uint32_t raw_ = 0;

public:
    static constexpr std::uint32_t group_flag = Match::spare_bit;
    static constexpr std::uint32_t max_group = group_flag - 1;
    static_assert(group_flag == std::uint32_t{1} << 31 &&
                      (Match{Match::max_hop, 32}.raw() & group_flag) == 0,
                  "a Match never sets the group flag");

    constexpr Dir24Entry() = default;
    static constexpr Dir24Entry route(Match m) noexcept { return from_raw(m.raw()); }
    /// Precondition: g <= max_group.
    static constexpr Dir24Entry group(std::uint32_t g) noexcept { return from_raw(group_flag | g); }

    [[nodiscard]] constexpr bool is_group() const noexcept { return (raw_ & group_flag) != 0; }
    /// Precondition: is_group().
    [[nodiscard]] constexpr std::uint32_t group_index() const noexcept {
        return raw_ & ~group_flag;
    }
    /// Precondition: !is_group().
    [[nodiscard]] constexpr Match match() const noexcept { return Match::from_raw(raw_); }
    /// Painting order of a route entry: prefix length + 1, 0 for no route.
    [[nodiscard]] constexpr std::uint32_t rank() const noexcept { return match().rank(); }
    friend constexpr bool operator==(Dir24Entry, Dir24Entry) = default;

private:
    static constexpr Dir24Entry from_raw(std::uint32_t raw) noexcept {
        Dir24Entry e;
        e.raw_ = raw;
        return e;
    }
};
static_assert(sizeof(Dir24Entry) == 4, "a DIR-24-8 entry is 32 bits");
static_assert(std::is_trivially_copyable_v<Dir24Entry> &&
                  std::is_trivially_destructible_v<Dir24Entry>,
              "tbl24 is calloc'd: zero bytes are an empty entry");

class Dir24Fib {
    static constexpr std::size_t tbl24_size = std::size_t{1} << 24;
    // A group exists only behind a tbl24 entry, so group numbers fit.
    static_assert(tbl24_size - 1 <= Dir24Entry::max_group);

    struct FreeDeleter {
        void operator()(Dir24Entry* p) const noexcept { std::free(p); }
    };
    // calloc: the kernel hands out zero pages lazily, so an empty table
    // costs no time to create (tests make many).
    std::unique_ptr<Dir24Entry[], FreeDeleter> tbl24_{
        static_cast<Dir24Entry*>(std::calloc(tbl24_size, sizeof(Dir24Entry)))};
    std::vector<Dir24Entry> tbl8_;
    std::vector<std::uint32_t> free_groups_;
    boost::unordered_flat_map<std::uint64_t, HopId> rules_;

    [[nodiscard]] Dir24Entry* group_at(Dir24Entry e) noexcept {
        return tbl8_.data() + std::size_t{e.group_index()} * 256;
    }

    std::uint32_t new_group(Dir24Entry fill) {
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

    /// The entry of the longest rule strictly shorter than `len` covering
    /// `net`, or no route.
    [[nodiscard]] Dir24Entry cover(std::uint32_t net, int len) const noexcept {
        for (int l = len - 1; l >= 0; --l) {
            const std::uint32_t n = net & netmask_bits(l);
            if (auto it = rules_.find(prefix_key(Ipv4Prefix{Ipv4Address{n}, l}));
                it != rules_.end())
                return Dir24Entry::route(Match{it->second, l});
        }
        return Dir24Entry{};
    }

    /// Sets `to` wherever the entries in [first, first+count) of tbl24 (and
    /// their groups) satisfy `pred`.
    template <class Pred>
    void paint24(std::uint32_t first, std::uint32_t count, Dir24Entry to, Pred pred) {
        for (std::uint32_t i = first; i < first + count; ++i) {
            Dir24Entry& e = tbl24_[i];
            if (e.is_group()) {
                Dir24Entry* g = group_at(e);
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

    /// Precondition: hop <= Match::max_hop (BasicTable's NextHopTable never
    /// hands out more).
    ConfigResult<void> assign(Ipv4Prefix p, HopId hop) {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        rules_[prefix_key(p)] = hop;
        const Dir24Entry m = Dir24Entry::route(Match{hop, len});
        const std::uint32_t r = m.rank();
        auto no_longer = [r](Dir24Entry e) { return e.rank() <= r; };
        if (len <= 24) {
            paint24(net >> 8, std::uint32_t{1} << (24 - len), m, no_longer);
            return {};
        }
        Dir24Entry& e = tbl24_[net >> 8];
        if (!e.is_group()) {
            const Dir24Entry fill = e; // read before tbl8_ may grow
            e = Dir24Entry::group(new_group(fill));
        }
        Dir24Entry* g = group_at(tbl24_[net >> 8]);
        for (std::uint32_t k = net & 255; k < (net & 255) + (1u << (32 - len)); ++k)
            if (no_longer(g[k])) g[k] = m;
        return {};
    }

    void remove(Ipv4Prefix p) {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        rules_.erase(prefix_key(p));
        const auto r = static_cast<std::uint32_t>(len + 1);
        const Dir24Entry to = cover(net, len);
        // Inside the prefix's range an entry of the same length can only be
        // this prefix's own.
        auto mine = [r](Dir24Entry e) { return e.rank() == r; };
        if (len <= 24) {
            paint24(net >> 8, std::uint32_t{1} << (24 - len), to, mine);
            return;
        }
        Dir24Entry& e = tbl24_[net >> 8];
        const std::uint32_t gi = e.group_index();
        Dir24Entry* g = group_at(e);
        bool only_short = true;
        for (std::uint32_t k = 0; k < 256; ++k) {
            if (k >= (net & 255) && k < (net & 255) + (1u << (32 - len)) && mine(g[k])) g[k] = to;
            only_short = only_short && g[k].rank() <= 25;
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
        Dir24Entry e = tbl24_[v >> 8];
        if (e.is_group()) e = tbl8_[std::size_t{e.group_index()} * 256 + (v & 255)];
        return e.match();
    }
    void lookup_bulk(const Ipv4Address* in, Match* out, std::size_t n) const noexcept {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = lookup(in[i]);
    }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return tbl24_size * sizeof(Dir24Entry) + tbl8_.capacity() * sizeof(Dir24Entry) +
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

/// DIR-24-8 (rte_lpm's scheme): one or two memory reads per lookup, 64 MiB
/// from the first route. For big tables; see routing::Default for small ones.
class Dir24_8 : public detail::BasicTable<detail::Dir24Fib> {
public:
    static constexpr std::string_view name = "dir24_8";
};

} // namespace strata::routing
