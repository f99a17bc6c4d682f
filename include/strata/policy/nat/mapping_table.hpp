// The mapping table of a nat::Napt: one 32-byte entry per mapping, found two
// ways.
// - By the private endpoint (protocol, private address, private port): a
//   linear-probing index of 12-byte slots holding the key and the entry
//   number (private_index.hpp).
// - By the public endpoint (address in the pool, protocol, port): a flat
//   array over the port range holding the entry index, which is also the
//   "port in use" map (RFC 4787 REQ-1: never two mappings on one public port).
// Expiry is a lazy min-heap of (time, entry): using a mapping only moves the
// entry's expiry later, the heap is fixed up when its node comes to the top,
// so the per-packet path touches no heap (a node is pushed only when a TCP
// state change shortens the timeout).
// Everything is reserved for `capacity` mappings at construction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/time.hpp>
#include <strata/policy/flow/timeouts.hpp>
#include <strata/policy/nat/large_page_allocator.hpp>
#include <strata/policy/nat/private_index.hpp>

namespace strata::nat {

/// One mapping: private endpoint <-> public endpoint, and its life.
struct Mapping {
    std::int64_t expiry_ns = 0; ///< idle deadline (ns since the start of the run)
    std::int64_t queued_ns = 0; ///< time of this entry's live heap node
    std::uint32_t private_ip = 0;
    std::uint16_t private_port = 0; ///< or ICMP echo identifier
    std::uint16_t public_port = 0;
    std::uint16_t public_index = 0; ///< which address of the pool
    std::uint8_t protocol = 0;      ///< IP protocol number: 6, 17 or 1
    flow::TcpTracker tcp{};
    bool live = false;
};
static_assert(sizeof(Mapping) == 32);

/// Index of the protocols that have a public port space.
[[nodiscard]] constexpr int l4_index(std::uint8_t protocol) noexcept {
    return protocol == 6 ? 0 : protocol == 17 ? 1 : protocol == 1 ? 2 : -1;
}

class MappingTable {
public:
    static constexpr std::uint32_t npos = ~0u;
    /// A public-port slot taken by static forward k: forward_bit | k.
    static constexpr std::uint32_t forward_bit = 0x8000'0000u;

    MappingTable(std::uint32_t capacity, std::uint16_t addresses, std::uint16_t port_lo,
                 std::uint16_t port_hi)
        : capacity_(capacity), addresses_(addresses), port_lo_(port_lo),
          range_(std::uint32_t{port_hi} - port_lo + 1u), entries_(reserved(capacity)),
          private_(capacity) {
        heap_.reserve(std::size_t{capacity} + capacity / 8 + 1);
        public_.assign(std::size_t{addresses} * 3 * range_, npos);
        used_.assign(std::size_t{addresses} * 3, 0);
    }
    MappingTable(MappingTable&&) noexcept = default;
    MappingTable(const MappingTable&) = delete;
    MappingTable& operator=(const MappingTable&) = delete;
    MappingTable& operator=(MappingTable&&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::uint32_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] std::uint32_t range() const noexcept { return range_; }
    [[nodiscard]] std::uint16_t addresses() const noexcept { return addresses_; }
    [[nodiscard]] Mapping& operator[](std::uint32_t i) noexcept { return entries_[i]; }
    [[nodiscard]] const Mapping& operator[](std::uint32_t i) const noexcept { return entries_[i]; }

    /// The entry of a private endpoint, or npos.
    [[nodiscard, gnu::always_inline]] std::uint32_t
    find_private(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port) const noexcept {
        const PrivateIndex::Slot* s = private_.find(protocol, ip, port);
        return s ? s->entry : npos;
    }

    /// The same with the public endpoint: what an outbound packet needs,
    /// without reading the entry. nullptr when not mapped.
    [[nodiscard, gnu::always_inline]] const PrivateIndex::Slot*
    find_private_slot(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port) const noexcept {
        return private_.find(protocol, ip, port);
    }

    /// Copies entry i's TCP state into its private-index slot (after a
    /// SYN, FIN or RST changed it).
    void sync_tcp(std::uint32_t i) noexcept {
        const Mapping& m = entries_[i];
        if (PrivateIndex::Slot* s = private_.find(m.protocol, m.private_ip, m.private_port))
            s->tcp = m.tcp;
    }

    /// The slot of a public endpoint: npos (free), forward_bit | k, or an
    /// entry. Precondition: address < addresses, l4 in [0, 3), port in range.
    [[nodiscard]] std::uint32_t& public_slot(std::uint16_t address, int l4,
                                             std::uint16_t port) noexcept {
        return public_[(std::size_t{address} * 3 + static_cast<std::size_t>(l4)) * range_ +
                       (port - port_lo_)];
    }
    [[nodiscard]] bool in_range(std::uint16_t port) const noexcept {
        return static_cast<std::uint32_t>(port - port_lo_) < range_;
    }
    /// The slot of a public endpoint anywhere: in the range, the array's;
    /// outside it, a static forward's (address 0 only), or nullptr.
    [[nodiscard]] std::uint32_t* slot(std::uint16_t address, int l4, std::uint16_t port) noexcept {
        if (in_range(port)) return &public_slot(address, l4, port);
        return outside_slot(address, l4, port);
    }
    /// What a public endpoint holds (npos, forward_bit | k, or an entry),
    /// in the range or not.
    [[nodiscard, gnu::always_inline]] std::uint32_t find_public(std::uint16_t address, int l4,
                                                                std::uint16_t port) noexcept {
        if (in_range(port)) [[likely]]
            return public_slot(address, l4, port);
        const std::uint32_t* s = outside_slot(address, l4, port);
        return s ? *s : npos;
    }
    /// Ports still free for (address, l4).
    [[nodiscard]] std::uint32_t free_ports(std::uint16_t address, int l4) const noexcept {
        return range_ - used_[std::size_t{address} * 3 + static_cast<std::size_t>(l4)];
    }
    /// Takes a public port for a static forward (configuration time).
    /// A forwarded port outside the dynamic range is legal (Linux DNAT has
    /// no such rule): it gets a slot of its own, and no dynamic mapping can
    /// draw it anyway.
    void reserve_forward(std::uint16_t address, int l4, std::uint16_t port, std::uint32_t k) {
        if (!in_range(port)) {
            outside_[outside_key(address, l4, port)] = forward_bit | k;
            return;
        }
        public_slot(address, l4, port) = forward_bit | k;
        ++used_[std::size_t{address} * 3 + static_cast<std::size_t>(l4)];
    }

    /// Adds a mapping. Preconditions: size() < capacity(), the private
    /// endpoint is not mapped, and the public slot is free or (forward)
    /// holds this endpoint's forward.
    std::uint32_t insert(const Mapping& m, bool forward_slot) {
        std::uint32_t i;
        if (free_head_ != npos) {
            i = free_head_;
            free_head_ = entries_[i].private_ip;
            entries_[i] = m;
        } else {
            i = static_cast<std::uint32_t>(entries_.size());
            entries_.push_back(m);
        }
        entries_[i].live = true;
        entries_[i].queued_ns = m.expiry_ns;
        private_.insert(m.protocol, m.private_ip, m.private_port, i, m.public_port, m.public_index);
        *slot(m.public_index, l4_index(m.protocol), m.public_port) = i;
        if (!forward_slot)
            ++used_[std::size_t{m.public_index} * 3 +
                    static_cast<std::size_t>(l4_index(m.protocol))];
        push({m.expiry_ns, i});
        ++size_;
        return i;
    }

    /// Removes entry i; its public slot goes back to `restore` (npos, or the
    /// forward it belonged to).
    void erase(std::uint32_t i, std::uint32_t restore) {
        Mapping& m = entries_[i];
        private_.erase(m.protocol, m.private_ip, m.private_port);
        *slot(m.public_index, l4_index(m.protocol), m.public_port) = restore;
        if (restore == npos)
            --used_[std::size_t{m.public_index} * 3 +
                    static_cast<std::size_t>(l4_index(m.protocol))];
        m.live = false;
        m.private_ip = free_head_;
        free_head_ = i;
        --size_;
    }

    /// The expiry of entry i moved earlier than its heap node: queue it again.
    [[gnu::always_inline]] void reschedule_earlier(std::uint32_t i) {
        Mapping& m = entries_[i];
        if (m.expiry_ns < m.queued_ns) {
            m.queued_ns = m.expiry_ns;
            push({m.expiry_ns, i});
        }
    }

    /// The earliest instant an entry may expire (a lower bound: the entry
    /// at the top may have been used since), or `never`.
    [[nodiscard]] Instant next_expiry() const noexcept {
        return heap_.empty() ? never : at_ns(heap_.front().at);
    }

    /// Calls expire(i) for every entry whose expiry is <= now (the callee
    /// erases it); re-queues entries used since their node was pushed.
    template <class F>
    void expire_until(std::int64_t now, F&& expire) {
        while (!heap_.empty() && heap_.front().at <= now) {
            const Node top = heap_.front();
            std::pop_heap(heap_.begin(), heap_.end(), Later{});
            heap_.pop_back();
            Mapping& m = entries_[top.entry];
            if (!m.live || m.queued_ns != top.at) continue; // stale node
            if (m.expiry_ns <= now) {
                expire(top.entry);
            } else {
                m.queued_ns = m.expiry_ns;
                push({m.expiry_ns, top.entry});
            }
        }
    }

    /// Times the expiry heap was rebuilt to drop stale nodes.
    [[nodiscard]] std::uint64_t heap_compactions() const noexcept { return compactions_; }
    /// Nodes in the expiry heap (live entries plus stale nodes).
    [[nodiscard]] std::size_t heap_size() const noexcept { return heap_.size(); }

    /// Bytes held by the table's containers (capacity, not size): what a
    /// mapping costs is this over capacity().
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return entries_.capacity() * sizeof(Mapping) + heap_.capacity() * sizeof(Node) +
               public_.capacity() * sizeof(std::uint32_t) +
               used_.capacity() * sizeof(std::uint32_t) + private_.memory_bytes();
    }

private:
    static std::uint32_t outside_key(std::uint16_t address, int l4, std::uint16_t port) noexcept {
        return std::uint32_t{address} << 18 | static_cast<std::uint32_t>(l4) << 16 | port;
    }
    [[gnu::noinline]] std::uint32_t* outside_slot(std::uint16_t address, int l4,
                                                  std::uint16_t port) noexcept {
        if (outside_.empty()) return nullptr;
        const auto it = outside_.find(outside_key(address, l4, port));
        return it == outside_.end() ? nullptr : &it->second;
    }

    struct Node {
        std::int64_t at;
        std::uint32_t entry;
    };
    struct Later {
        bool operator()(const Node& a, const Node& b) const noexcept { return a.at > b.at; }
    };
    // Every caller has set the entry's queued_ns to n.at and the entry is
    // live, so a compaction already gives it its node.
    void push(Node n) {
        if (heap_.size() == heap_.capacity()) {
            compact();
            return;
        }
        heap_.push_back(n);
        std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
    // Stale nodes (left behind when a FIN or RST shortened a deadline) could
    // pile up for the 2 h 4 min of the established timeout under churn.
    // When the reserved heap is full, rebuild it from the live entries: one
    // node each, O(n), no allocation (capacity + capacity / 8 + 1 > live).
    void compact() {
        heap_.clear();
        for (std::uint32_t i = 0; i < entries_.size(); ++i) {
            Mapping& m = entries_[i];
            if (!m.live) continue;
            m.queued_ns = m.expiry_ns;
            heap_.push_back({m.expiry_ns, i});
        }
        std::make_heap(heap_.begin(), heap_.end(), Later{});
        ++compactions_;
    }
    static std::vector<Mapping, LargePageAllocator<Mapping>> reserved(std::uint32_t capacity) {
        std::vector<Mapping, LargePageAllocator<Mapping>> v;
        v.reserve(capacity == 0 ? 1 : capacity);
        return v;
    }

    std::uint32_t capacity_;
    std::uint16_t addresses_;
    std::uint16_t port_lo_;
    std::uint32_t range_;
    std::uint32_t free_head_ = npos;
    std::size_t size_ = 0;
    std::vector<Mapping, LargePageAllocator<Mapping>> entries_;
    PrivateIndex private_;
    std::vector<std::uint32_t, LargePageAllocator<std::uint32_t>> public_;
    std::vector<std::uint32_t> used_;
    /// Slots of forwarded ports outside [port_lo, port_hi] (fixed at
    /// configuration: only their values change afterwards).
    boost::unordered_flat_map<std::uint32_t, std::uint32_t> outside_;
    std::vector<Node, LargePageAllocator<Node>> heap_;
    std::uint64_t compactions_ = 0;
};

} // namespace strata::nat
