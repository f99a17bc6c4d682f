// routing::Poptrie: a compressed multibit trie in the manner of Asai and
// Ohara, "Poptrie: A Compressed Trie with Population Count for Fast and
// Scalable Software IP Routing Table Lookup" (SIGCOMM 2015): bitmaps mark
// where runs of equal answers start and a population count turns a slot
// into an index into the packed runs. The big-table half of routing::Default.
//
// Layout (strides 16-8-8). Each /16 has a 128-byte node (two cache lines)
// at a fixed place, roots_[top 16 bits], so finding it needs no memory read
// (a direct-pointing array of 2^16 such nodes, 8 MiB). A node covers bits
// 16..23: `leafvec` (256 bits) marks the slots where a new run of equal
// leaves starts, `before[w]` counts the runs before 64-bit word w, and the
// node's first 42 leaves sit inline after the header (the rest continue in
// an overflow array). A leaf is the 15-bit id of a (prefix length, next
// hop) pair, or, with bit 15 set, the ordinal of a child node for bits
// 24..31 (prefixes longer than /24, rare in BGP tables). So a lookup of a
// /24 or shorter reads one node (two adjacent lines, requested together)
// and does one popcount: on a machine where everything beyond L2 costs a
// DRAM access, one memory latency per lookup, like DIR-24-8, in a fifth of
// its memory.
//
// Updates are incremental. The control plane keeps every prefix: /0../16
// in a heap-indexed array (index (1 << len) | top len bits), longer ones in
// a sorted array per /16. Inserting or erasing a prefix longer than /16
// rebuilds the one node (and its children) of its /16 - a few hundred bytes;
// a shorter prefix repaints the /16 defaults it covers and rebuilds those
// /16 nodes. Nothing else moves.
//
// Limit: at most 32,767 distinct (prefix length, next hop) pairs; one more
// is refused ("leaf limit reached: a Poptrie holds at most 32767 distinct
// (prefix length, next hop) pairs").
//
// Memory: about 9 MiB from the first route (the 2^16 fixed nodes and the
// per-/16 control arrays), 16 MiB for a 900k-prefix BGP table. A big-table
// model: routing::Default (adaptive.hpp) starts as a BinaryTrie and becomes
// a Poptrie only when the table grows.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/basic_table.hpp>
#include <strata/policy/routing/route.hpp>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STRATA_ROUTING_X86 1
#else
#define STRATA_ROUTING_X86 0
#endif

namespace strata::routing {
namespace detail {

/// True when the CPU has the POPCNT instruction (x86-64 baseline lacks it;
/// without it a popcount is a dozen instructions). Checked once.
inline bool cpu_has_popcnt() noexcept {
#if STRATA_ROUTING_X86
    static const bool yes = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("popcnt") != 0;
    }();
    return yes;
#else
    return false;
#endif
}

/// Population count. With `hw` (the CPU has POPCNT, decided once per table)
/// the instruction itself, through inline assembly so that no -march or
/// target attribute is needed and the lookup inlines into its caller; the
/// branch on `hw` is always predicted.
[[gnu::always_inline]] inline int popcount64(std::uint64_t x, [[maybe_unused]] bool hw) noexcept {
#if STRATA_ROUTING_X86
    if (hw) {
        std::uint64_t r;
        __asm__("popcntq %1, %0" : "=r"(r) : "rm"(x));
        return static_cast<int>(r);
    }
#endif
    return std::popcount(x);
}

class PoptrieFib {
public:
    static constexpr int direct_bits = 16;
    static constexpr int inline_leaves = 42;

private:
    static constexpr std::size_t chunks = std::size_t{1} << direct_bits;
    static constexpr std::uint16_t child_flag = 0x8000;
    static constexpr std::size_t max_leaf_ids = 0x7fff;

    struct alignas(64) Node {
        std::uint64_t leafvec[4] = {};
        std::uint32_t base0 = 0;     // overflow leaves (run 42 onwards)
        std::uint32_t base1 = 0;     // first child node
        std::uint8_t before[4] = {}; // runs in the words before word w
        std::uint16_t leaf[inline_leaves] = {};
    };
    static_assert(sizeof(Node) == 128);

    // --- lookup structures ---
    // The node of /16 number c is roots_[c]: its address is computed from
    // the looked-up address, no load needed. A /16 without longer prefixes
    // holds a one-run node of its answer, so the lookup has no leaf-or-node
    // branch. 2^16 x 128 B = 8 MiB, four huge pages.
    std::vector<Node, HugePageAllocator<Node>> roots_;
    bool hw_popcnt_ = cpu_has_popcnt();
    Pool<Node, HugePageAllocator<Node>> nodes_;
    Pool<std::uint16_t, HugePageAllocator<std::uint16_t>> leaves_;
    std::vector<std::uint32_t> leaf_match_ = {0}; // leaf id -> Match raw; id 0 = no route

    // --- control plane ---
    std::vector<std::uint32_t> leaf_refs_ = {0};
    std::vector<std::uint16_t> leaf_free_;
    boost::unordered_flat_map<std::uint32_t, std::uint16_t> leaf_index_;
    std::vector<std::uint16_t> dflt_ = std::vector<std::uint16_t>(chunks, 0); // best /0../16
    std::vector<std::uint16_t> short_ =
        std::vector<std::uint16_t>(std::size_t{2} << direct_bits, 0);
    struct Bucket {
        std::uint32_t off = 0;
        std::uint32_t size = 0;
    };
    std::vector<Bucket> long_ = std::vector<Bucket>(chunks);
    Pool<std::uint32_t> rib_; // entries (suffix << 16) | leaf id, sorted by (suffix, length)
    // Scratch for rebuilding one /16.
    std::vector<Node> tmp_nodes_;
    std::vector<std::uint16_t> tmp_leaves_;
    std::vector<std::uint32_t> tmp_deeper_;

    // ---------------------------------------------------------------- helpers
    static constexpr std::size_t short_index(std::uint32_t net, int len) noexcept {
        return len == 0 ? 1 : (std::size_t{1} << len) | (net >> (32 - len));
    }
    [[nodiscard]] int leaf_len(std::uint16_t id) const noexcept {
        return Match::from_raw(leaf_match_[id]).length();
    }
    [[nodiscard]] std::uint32_t entry_order(std::uint32_t e) const noexcept {
        return order_of(e >> 16, Match::from_raw(leaf_match_[e & 0xffff]).rank());
    }

    /// Sort key of a /16 bucket entry: (suffix, rank).
    static constexpr std::uint32_t order_of(std::uint32_t suffix, std::uint32_t rank) noexcept {
        return (suffix << Match::rank_bits) | rank;
    }
    static constexpr std::uint32_t order_of_prefix(std::uint32_t net, int len) noexcept {
        return order_of(net & 0xffff, static_cast<std::uint32_t>(len + 1));
    }

    static ConfigError leaf_limit() {
        return ConfigError{ConfigErrc::limit_exceeded,
                           "leaf limit reached: a Poptrie holds at most " +
                               std::to_string(max_leaf_ids) +
                               " distinct (prefix length, next hop) pairs"};
    }

    ConfigResult<std::uint16_t> leaf_acquire(Match m) {
        if (auto it = leaf_index_.find(m.raw()); it != leaf_index_.end()) {
            ++leaf_refs_[it->second];
            return it->second;
        }
        std::uint16_t id;
        if (!leaf_free_.empty()) {
            id = leaf_free_.back();
            leaf_free_.pop_back();
            leaf_match_[id] = m.raw();
            leaf_refs_[id] = 1;
        } else {
            if (leaf_match_.size() > max_leaf_ids) return leaf_limit();
            id = static_cast<std::uint16_t>(leaf_match_.size());
            leaf_match_.push_back(m.raw());
            leaf_refs_.push_back(1);
        }
        leaf_index_.emplace(m.raw(), id);
        return id;
    }
    void leaf_release(std::uint16_t id) {
        if (--leaf_refs_[id] == 0) {
            leaf_index_.erase(leaf_match_[id]);
            leaf_free_.push_back(id);
        }
    }

    /// A node whose 256 slots all hold leaf `id`.
    static Node leaf_root(std::uint16_t id) noexcept {
        Node node;
        node.leafvec[0] = 1;
        node.before[1] = node.before[2] = node.before[3] = 1;
        node.leaf[0] = id;
        return node;
    }

    /// Position of (suffix, len) in a /16 bucket: first entry not before it.
    [[nodiscard]] std::uint32_t* bucket_lower(const Bucket& b, std::uint32_t order) noexcept {
        std::uint32_t* first = rib_.data() + b.off;
        return std::lower_bound(
            first, first + b.size, order,
            [&](std::uint32_t e, std::uint32_t o) { return entry_order(e) < o; });
    }

    /// Best /0../(len-1) prefix covering `net`: its leaf id, or 0.
    [[nodiscard]] std::uint16_t cover(std::uint32_t net, int len) const noexcept {
        for (int l = len - 1; l >= 0; --l)
            if (const auto id = short_[short_index(net & netmask_bits(l), l)]) return id;
        return 0;
    }

    void refresh(std::size_t c) { rebuild(c); }

    [[nodiscard]] static int runs_of(const Node& n) noexcept {
        return n.before[3] + std::popcount(n.leafvec[3]);
    }
    [[nodiscard]] std::uint16_t run_leaf(const Node& n, int k) const noexcept {
        return k < inline_leaves ? n.leaf[k]
                                 : leaves_[n.base0 + static_cast<std::uint32_t>(k - inline_leaves)];
    }

    /// Returns the children and overflow leaves of a replaced root.
    void free_blocks(const Node& r) {
        const int runs = runs_of(r);
        std::uint32_t kids = 0;
        for (int k = 0; k < runs; ++k)
            if (run_leaf(r, k) & child_flag) ++kids;
        std::uint32_t nl =
            runs > inline_leaves ? static_cast<std::uint32_t>(runs - inline_leaves) : 0;
        for (std::uint32_t i = 0; i < kids; ++i) {
            const int rk = runs_of(nodes_[r.base1 + i]);
            if (rk > inline_leaves) nl += static_cast<std::uint32_t>(rk - inline_leaves);
        }
        leaves_.release(r.base0, nl);
        nodes_.release(r.base1, kids);
    }

    /// Packs 256 slot values into tmp_nodes_[index] (+ overflow leaves).
    void emit(const std::array<std::uint16_t, 256>& val, std::size_t index, std::uint32_t base1) {
        Node node;
        node.base0 = static_cast<std::uint32_t>(tmp_leaves_.size());
        node.base1 = base1;
        int runs = 0;
        for (int i = 0; i < 256; ++i) {
            if ((i & 63) == 0) node.before[i >> 6] = static_cast<std::uint8_t>(runs);
            const std::uint16_t v = val[static_cast<std::size_t>(i)];
            if (i != 0 && v == val[static_cast<std::size_t>(i - 1)]) continue;
            node.leafvec[i >> 6] |= std::uint64_t{1} << (i & 63);
            if (runs < inline_leaves)
                node.leaf[runs] = v;
            else
                tmp_leaves_.push_back(v);
            ++runs;
        }
        tmp_nodes_[index] = node;
    }

    /// Rebuilds the node (and children) of /16 chunk c from the control plane.
    void rebuild(std::size_t c) {
        const Bucket& b = long_[c];
        const Node old = roots_[c];
        if (b.size == 0) {
            roots_[c] = leaf_root(dflt_[c]);
        } else {
            const std::uint32_t* e = rib_.data() + b.off;
            std::array<std::uint16_t, 256> val;
            val.fill(dflt_[c]);
            tmp_deeper_.clear();
            // Sorted by (address, length): a covering prefix comes before the
            // prefixes inside it, so painting in order leaves the longest.
            for (std::uint32_t k = 0; k < b.size; ++k) {
                const auto id = static_cast<std::uint16_t>(e[k] & 0xffff);
                const int len = leaf_len(id);
                if (len <= 24)
                    std::fill_n(val.begin() + (e[k] >> 24), std::size_t{1} << (24 - len), id);
                else
                    tmp_deeper_.push_back(e[k]);
            }
            // Children: one per slot holding prefixes longer than /24.
            tmp_nodes_.assign(1, Node{});
            tmp_leaves_.clear();
            std::vector<std::array<std::uint16_t, 256>> kids;
            for (std::size_t k = 0; k < tmp_deeper_.size();) {
                const std::uint32_t slot = tmp_deeper_[k] >> 24;
                std::array<std::uint16_t, 256> v2;
                v2.fill(val[slot]);
                for (; k < tmp_deeper_.size() && (tmp_deeper_[k] >> 24) == slot; ++k) {
                    const auto id = static_cast<std::uint16_t>(tmp_deeper_[k] & 0xffff);
                    std::fill_n(v2.begin() + ((tmp_deeper_[k] >> 16) & 255),
                                std::size_t{1} << (32 - leaf_len(id)), id);
                }
                val[slot] = static_cast<std::uint16_t>(child_flag | kids.size());
                kids.push_back(v2);
            }
            tmp_nodes_.resize(1 + kids.size());
            emit(val, 0, 0);
            for (std::size_t k = 0; k < kids.size(); ++k)
                emit(kids[k], 1 + k, 0);
            const auto nk = static_cast<std::uint32_t>(kids.size());
            const auto nl = static_cast<std::uint32_t>(tmp_leaves_.size());
            const std::uint32_t noff = nk ? nodes_.alloc(nk) : 0;
            const std::uint32_t loff = nl ? leaves_.alloc(nl) : 0;
            for (std::uint32_t k = 1; k <= nk; ++k) {
                Node n = tmp_nodes_[k];
                n.base0 += loff;
                nodes_[noff + k - 1] = n;
            }
            std::copy(tmp_leaves_.begin(), tmp_leaves_.end(), leaves_.data() + loff);
            Node root = tmp_nodes_[0];
            root.base0 += loff;
            root.base1 = noff;
            roots_[c] = root;
        }
        free_blocks(old);
    }

    // ----------------------------------------------------------------- lookup
    [[gnu::always_inline]] inline std::uint16_t leaf_at(const Node* n,
                                                        std::uint32_t i) const noexcept {
        const std::uint32_t w = i >> 6;
        const int k =
            n->before[w] +
            popcount64(n->leafvec[w] & (~std::uint64_t{0} >> (63 - (i & 63))), hw_popcnt_) - 1;
        return k < inline_leaves
                   ? n->leaf[k]
                   : leaves_.data()[n->base0 + static_cast<std::uint32_t>(k - inline_leaves)];
    }

    // The common path is short on purpose: lookups are bound by memory
    // latency, and the number the CPU keeps in flight is its reorder window
    // divided by the instructions per lookup. The branch to a child is
    // almost never taken on a BGP table (prefixes longer than /24 are rare),
    // so it is almost never mispredicted.
    [[gnu::always_inline]] inline std::uint32_t lookup_raw(std::uint32_t x) const noexcept {
        const Node* n = roots_.data() + (x >> 16);
        // The leaf may be in the node's second line: ask for it now, in
        // parallel with the first.
        __builtin_prefetch(reinterpret_cast<const char*>(n) + 64);
        std::uint16_t leaf = leaf_at(n, (x >> 8) & 255);
        if (leaf & child_flag) [[unlikely]] {
            n = nodes_.data() + n->base1 + (leaf & ~child_flag);
            leaf = leaf_at(n, x & 255);
        }
        return leaf_match_.data()[leaf];
    }

    /// Software-pipelined: while address i is resolved, the node of address
    /// i + 8 is being fetched, so misses overlap whatever the reorder window.
    [[gnu::always_inline]] inline void lookup_bulk_raw(const Ipv4Address* in, Match* out,
                                                       std::size_t count) const noexcept {
        const Node* roots = roots_.data();
        constexpr std::size_t ahead = 8;
        for (std::size_t i = 0; i < count; ++i) {
            if (i + ahead < count) {
                const char* p =
                    reinterpret_cast<const char*>(roots + (in[i + ahead].value() >> 16));
                __builtin_prefetch(p);
                __builtin_prefetch(p + 64);
            }
            out[i] = Match::from_raw(lookup_raw(in[i].value()));
        }
    }

public:
    PoptrieFib() {
        roots_.assign(chunks, leaf_root(0)); // leaf id 0: no route
    }

    [[nodiscard]] std::optional<HopId> find(Ipv4Prefix p) const noexcept {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        std::uint16_t id = 0;
        if (len <= direct_bits) {
            id = short_[short_index(net, len)];
        } else {
            const Bucket& b = long_[net >> 16];
            const std::uint32_t* first = rib_.data() + b.off;
            const std::uint32_t want = order_of_prefix(net, len);
            const auto* it = std::lower_bound(
                first, first + b.size, want,
                [&](std::uint32_t e, std::uint32_t o) { return entry_order(e) < o; });
            if (it != first + b.size && entry_order(*it) == want)
                id = static_cast<std::uint16_t>(*it & 0xffff);
        }
        if (id == 0) return std::nullopt;
        return Match::from_raw(leaf_match_[id]).hop();
    }

    ConfigResult<void> assign(Ipv4Prefix p, HopId hop) {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        auto acquired = leaf_acquire(Match{hop, len});
        if (!acquired) return std::move(acquired).error();
        const std::uint16_t id = *acquired;
        std::uint16_t old = 0;
        if (len <= direct_bits) {
            std::uint16_t& s = short_[short_index(net, len)];
            old = s;
            s = id;
            const std::size_t first = net >> 16;
            const std::size_t count = std::size_t{1} << (direct_bits - len);
            for (std::size_t c = first; c < first + count; ++c) {
                if (leaf_len(dflt_[c]) > len || dflt_[c] == id) continue;
                dflt_[c] = id;
                refresh(c);
            }
        } else {
            Bucket& b = long_[net >> 16];
            const std::uint32_t entry = ((net & 0xffff) << 16) | id;
            const std::uint32_t want = order_of_prefix(net, len);
            std::uint32_t* it = bucket_lower(b, want);
            if (it != rib_.data() + b.off + b.size && entry_order(*it) == want) {
                old = static_cast<std::uint16_t>(*it & 0xffff);
                *it = entry;
            } else {
                // Grow the bucket by one into a fresh block (exact sizes, so
                // the freed block serves the next bucket of this size).
                const auto pos = static_cast<std::uint32_t>(it - (rib_.data() + b.off));
                const std::uint32_t off = rib_.alloc(b.size + 1);
                std::uint32_t* src = rib_.data() + b.off;
                std::uint32_t* dst = rib_.data() + off;
                std::copy(src, src + pos, dst);
                dst[pos] = entry;
                std::copy(src + pos, src + b.size, dst + pos + 1);
                rib_.release(b.off, b.size);
                b = Bucket{off, b.size + 1};
            }
            rebuild(net >> 16);
        }
        if (old) leaf_release(old);
        return {};
    }

    void remove(Ipv4Prefix p) {
        const std::uint32_t net = p.address().value();
        const int len = p.length();
        std::uint16_t id = 0;
        if (len <= direct_bits) {
            std::uint16_t& s = short_[short_index(net, len)];
            id = s;
            s = 0;
            const std::uint16_t to = cover(net, len);
            const std::size_t first = net >> 16;
            const std::size_t count = std::size_t{1} << (direct_bits - len);
            // Only this prefix has this length inside its own range.
            for (std::size_t c = first; c < first + count; ++c) {
                if (dflt_[c] != id) continue;
                dflt_[c] = to;
                refresh(c);
            }
        } else {
            Bucket& b = long_[net >> 16];
            const std::uint32_t want = order_of_prefix(net, len);
            std::uint32_t* it = bucket_lower(b, want);
            id = static_cast<std::uint16_t>(*it & 0xffff);
            const auto pos = static_cast<std::uint32_t>(it - (rib_.data() + b.off));
            if (b.size == 1) {
                rib_.release(b.off, 1);
                b = Bucket{};
            } else {
                const std::uint32_t off = rib_.alloc(b.size - 1);
                std::uint32_t* src = rib_.data() + b.off;
                std::uint32_t* dst = rib_.data() + off;
                std::copy(src, src + pos, dst);
                std::copy(src + pos + 1, src + b.size, dst + pos);
                rib_.release(b.off, b.size);
                b = Bucket{off, b.size - 1};
            }
            rebuild(net >> 16);
        }
        leaf_release(id);
    }

    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept {
        return Match::from_raw(lookup_raw(a.value()));
    }
    void lookup_bulk(const Ipv4Address* in, Match* out, std::size_t n) const noexcept {
        lookup_bulk_raw(in, out, n);
    }

    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return HugePageAllocator<Node>::rounded(roots_.capacity() * sizeof(Node)) +
               nodes_.memory_bytes() + leaves_.memory_bytes() + leaf_match_.capacity() * 4 +
               leaf_refs_.capacity() * 4 + leaf_free_.capacity() * 2 +
               leaf_index_.bucket_count() * 7 + dflt_.capacity() * 2 + short_.capacity() * 2 +
               long_.capacity() * sizeof(Bucket) + rib_.memory_bytes() +
               tmp_nodes_.capacity() * sizeof(Node) + tmp_leaves_.capacity() * 2 +
               tmp_deeper_.capacity() * 4;
    }

    template <class F>
    void for_each(F&& f) const {
        for (int len = 0; len <= direct_bits; ++len)
            for (std::uint32_t i = 0; i < (std::uint32_t{1} << len); ++i)
                if (const auto id = short_[(std::size_t{1} << len) | i]) {
                    const std::uint32_t net = len == 0 ? 0 : i << (32 - len);
                    f(Ipv4Prefix{Ipv4Address{net}, len}, Match::from_raw(leaf_match_[id]).hop());
                }
        for (std::uint32_t h = 0; h < long_.size(); ++h)
            for (std::uint32_t k = 0; k < long_[h].size; ++k) {
                const std::uint32_t e = rib_[long_[h].off + k];
                const Match m = Match::from_raw(leaf_match_[e & 0xffff]);
                f(Ipv4Prefix{Ipv4Address{(h << 16) | (e >> 16)}, m.length()}, m.hop());
            }
    }
};

} // namespace detail

class Poptrie : public detail::BasicTable<detail::PoptrieFib> {
public:
    static constexpr std::string_view name = "poptrie";
};

} // namespace strata::routing
