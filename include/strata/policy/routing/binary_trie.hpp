// routing::BinaryTrie: a path-compressed binary trie (a PATRICIA tree in the
// BSD radix-tree tradition, Sklower 1991). Each node holds a whole prefix, so
// a chain of one-child nodes collapses into one edge; a lookup walks at most
// 33 nodes, remembering the last one that carries a route. Small, simple,
// updates in O(32); lookups are pointer chasing and so the slowest of the
// non-linear models.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/basic_table.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {
namespace detail {

class TrieFib {
    static constexpr std::uint32_t nil = 0xffffffffu;
    struct Node {
        std::uint32_t key = 0; // prefix bits, host bits zero
        std::uint8_t len = 0;
        bool has_route = false;
        HopId hop = 0;
        std::uint32_t child[2] = {nil, nil};
    };
    std::vector<Node> nodes_;
    std::vector<std::uint32_t> free_;
    std::uint32_t root_ = nil;
    std::size_t prefixes_ = 0;

    // A link is either the root pointer or one child slot of a node; kept as
    // (node, side) so that it survives the node array growing.
    struct Link {
        std::uint32_t node = nil;
        int side = 0;
    };
    std::uint32_t& at(Link l) noexcept {
        return l.node == nil ? root_ : nodes_[l.node].child[l.side];
    }

    static constexpr int bit(std::uint32_t key, int i) noexcept {
        return static_cast<int>((key >> (31 - i)) & 1u);
    }
    static constexpr int common_length(std::uint32_t a, std::uint32_t b) noexcept {
        return std::countl_zero(a ^ b); // 32 when equal
    }

    std::uint32_t make_node(std::uint32_t key, int len, bool has, HopId hop) {
        std::uint32_t i;
        if (!free_.empty()) {
            i = free_.back();
            free_.pop_back();
        } else {
            i = static_cast<std::uint32_t>(nodes_.size());
            nodes_.emplace_back();
        }
        nodes_[i] = Node{key, static_cast<std::uint8_t>(len), has, hop, {nil, nil}};
        return i;
    }
    void free_node(std::uint32_t i) { free_.push_back(i); }

    /// Index of the node holding exactly (key, len), or nil.
    [[nodiscard]] std::uint32_t find_node(std::uint32_t key, int len) const noexcept {
        std::uint32_t n = root_;
        while (n != nil) {
            const Node& x = nodes_[n];
            if (x.len > len || ((key ^ x.key) & netmask_bits(x.len)) != 0) return nil;
            if (x.len == len) return n;
            n = x.child[bit(key, x.len)];
        }
        return nil;
    }

public:
    [[nodiscard]] std::optional<HopId> find(Ipv4Prefix p) const noexcept {
        const std::uint32_t n = find_node(p.address().value(), p.length());
        if (n == nil || !nodes_[n].has_route) return std::nullopt;
        return nodes_[n].hop;
    }

    ConfigResult<void> assign(Ipv4Prefix p, HopId hop) {
        const std::uint32_t key = p.address().value();
        const int len = p.length();
        Link link;
        for (;;) {
            const std::uint32_t n = at(link);
            if (n == nil) {
                const std::uint32_t m = make_node(key, len, true, hop);
                at(link) = m;
                ++prefixes_;
                return {};
            }
            const Node x = nodes_[n];
            const int common = std::min({common_length(key, x.key), int{x.len}, len});
            if (common == x.len && x.len == len) { // the node itself
                if (!x.has_route) ++prefixes_;
                nodes_[n].has_route = true;
                nodes_[n].hop = hop;
                return {};
            }
            if (common == x.len) { // x is an ancestor: go down
                link = Link{n, bit(key, x.len)};
                continue;
            }
            // x's prefix and ours diverge (or ours is above x): split the edge.
            const std::uint32_t m = make_node(key, len, true, hop);
            ++prefixes_;
            if (common == len) { // ours is an ancestor of x
                nodes_[m].child[bit(x.key, len)] = n;
                at(link) = m;
                return {};
            }
            const std::uint32_t g = make_node(key & netmask_bits(common), common, false, 0);
            nodes_[g].child[bit(key, common)] = m;
            nodes_[g].child[bit(x.key, common)] = n;
            at(link) = g;
            return {};
        }
    }

    void remove(Ipv4Prefix p) {
        const std::uint32_t key = p.address().value();
        const int len = p.length();
        Link parent_link, link;
        std::uint32_t parent = nil;
        std::uint32_t n = root_;
        while (n != nil && nodes_[n].len < len) {
            parent_link = link;
            parent = n;
            link = Link{n, bit(key, nodes_[n].len)};
            n = nodes_[n].child[link.side];
        }
        if (n == nil || nodes_[n].len != len || nodes_[n].key != key || !nodes_[n].has_route)
            return;
        --prefixes_;
        Node& x = nodes_[n];
        x.has_route = false;
        if (x.child[0] != nil && x.child[1] != nil) return; // stays as a branch point
        const std::uint32_t only = x.child[0] != nil ? x.child[0] : x.child[1];
        at(link) = only;
        free_node(n);
        if (only != nil || parent == nil) return;
        // The parent lost a child; a routeless parent with one child left is
        // a useless branch point: splice it out too.
        Node& y = nodes_[parent];
        if (y.has_route) return;
        const std::uint32_t other = y.child[0] != nil ? y.child[0] : y.child[1];
        at(parent_link) = other;
        free_node(parent);
    }

    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept {
        const std::uint32_t v = a.value();
        Match best;
        std::uint32_t n = root_;
        while (n != nil) {
            const Node& x = nodes_[n];
            if (((v ^ x.key) & netmask_bits(x.len)) != 0) break;
            if (x.has_route) best = Match{x.hop, x.len};
            if (x.len == 32) break;
            n = x.child[bit(v, x.len)];
        }
        return best;
    }
    void lookup_bulk(const Ipv4Address* in, Match* out, std::size_t n) const noexcept {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = lookup(in[i]);
    }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return nodes_.capacity() * sizeof(Node) + free_.capacity() * sizeof(std::uint32_t);
    }
    template <class F>
    void for_each(F&& f) const {
        // Depth-first with an explicit stack (at most 33 deep per branch,
        // 2 pushes per level).
        std::vector<std::uint32_t> stack;
        if (root_ != nil) stack.push_back(root_);
        while (!stack.empty()) {
            const Node& x = nodes_[stack.back()];
            stack.pop_back();
            if (x.has_route) f(Ipv4Prefix{Ipv4Address{x.key}, x.len}, x.hop);
            for (std::uint32_t c : x.child)
                if (c != nil) stack.push_back(c);
        }
    }
};

} // namespace detail

class BinaryTrie : public detail::BasicTable<detail::TrieFib> {
public:
    static constexpr std::string_view name = "binary_trie";
};

} // namespace strata::routing
