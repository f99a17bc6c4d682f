// The router's ARP state (RFC 826): resolved neighbours with an expiry, and
// next hops being resolved with the packets waiting for them. Waiting
// packets are copied into slots of one pool, which grows by doubling up to
// queue_slots the first times that many wait (a host that only ever waits
// for its gateway holds one slot, not sixteen); both hash tables are
// reserved up front, so a burst allocates nothing once the pool is grown. Bounded like Linux's
// neighbour table: a few packets per next hop (unres_qlen 3), the oldest dropped first when a
// fourth arrives.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/byte_buffer.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/config.hpp>
#include <strata/node/port.hpp>

namespace strata::router {

/// A resolved next hop.
struct Neighbour {
    MacAddress mac{};
    PortId port{};
    Instant expires{};
};

class ArpCache {
public:
    /// What enqueue() did.
    enum class Queued : std::uint8_t {
        first,       ///< a new resolution: send the first request now
        added,       ///< joined a resolution already under way
        dropped_old, ///< joined it, the oldest waiting packet was dropped
        no_room,     ///< no slot free anywhere: the packet was not kept
    };

    ArpCache(const ArpConfig& c, std::size_t slot_bytes)
        : config_(c), slot_bytes_(slot_bytes), slots_(c.queue_slots) {
        // The front table: a slot per four cache entries, 16 to 1024 (a
        // router's 4096-entry cache gets 1024; a host's 256, 64 slots: 2 KiB).
        std::uint32_t bits = 4;
        while (bits < front_bits_max && (std::size_t{4} << bits) < c.cache_entries)
            ++bits;
        front_shift_ = 32 - bits;
        front_.assign(std::size_t{1} << bits, Front{});
        entries_.reserve(c.cache_entries);
        pending_.reserve(c.queue_slots);
        free_.reserve(c.queue_slots);
        for (std::size_t i = c.queue_slots; i-- > 0;)
            free_.push_back(static_cast<std::uint16_t>(i));
    }

    /// The neighbour for `ip` if it is known and has not expired. A small
    /// direct-mapped copy of recent answers sits in front of the hash table
    /// (one compare on the forwarding path, like Linux's cached neighbour
    /// in a route).
    [[nodiscard]] const Neighbour* find(Ipv4Address ip, Instant now) const noexcept {
        const Front& f = front_[front_index(ip)];
        if (f.ip == ip.value() && f.valid) [[likely]]
            return f.n.expires > now ? &f.n : nullptr;
        const auto it = entries_.find(ip.value());
        if (it == entries_.end() || it->second.expires <= now) return nullptr;
        front_[front_index(ip)] = Front{ip.value(), true, it->second};
        return &it->second;
    }

    /// Records ip → mac on port (RFC 826 "merge"): an existing entry is
    /// refreshed; a new one is added only when `create` (the packet was
    /// aimed at us) and the table has room (expired entries make room).
    /// Returns whether the entry exists afterwards.
    bool learn(Ipv4Address ip, MacAddress mac, PortId port, Instant now, bool create) {
        const Neighbour n{mac, port, now + config_.reachable};
        if (Front& f = front_[front_index(ip)]; f.ip == ip.value()) f.valid = false;
        if (auto it = entries_.find(ip.value()); it != entries_.end()) {
            it->second = n;
            return true;
        }
        if (!create) return false;
        if (entries_.size() >= config_.cache_entries) {
            boost::unordered::erase_if(entries_,
                                       [&](const auto& kv) { return kv.second.expires <= now; });
            if (entries_.size() >= config_.cache_entries) return false;
        }
        entries_.emplace(ip.value(), n);
        return true;
    }

    [[nodiscard]] bool resolving(Ipv4Address ip) const noexcept {
        return pending_.contains(ip.value());
    }

    /// Keeps a copy of `packet` (an IPv4 datagram; longer than the slots:
    /// no_room) until
    /// `ip` resolves on `port`. `ingress` is remembered for the error sent
    /// if it never does.
    Queued enqueue(Ipv4Address ip, PortId port, PortId ingress, Bytes packet, Instant now) {
        if (packet.size() > slot_bytes_ || slot_bytes_ == 0) return Queued::no_room;
        auto it = pending_.find(ip.value());
        Queued result = Queued::added;
        if (it == pending_.end()) {
            if (free_.empty()) return Queued::no_room;
            it = pending_.emplace(ip.value(), Pending{port, 1, 0, now + config_.retry}).first;
            result = Queued::first;
        }
        Pending& p = it->second;
        if (p.count == config_.queue_per_hop || free_.empty()) {
            if (p.count == 0) return Queued::no_room;
            // Linux's neighbour queue drops from its head: the oldest goes.
            const std::uint16_t oldest = p.head;
            p.head = slots_[oldest].next;
            release_slot(oldest);
            --p.count;
            result = Queued::dropped_old;
        }
        const std::uint16_t s = free_.back();
        free_.pop_back();
        if (std::size_t{s} * slot_bytes_ >= pool_.size()) grow_pool(s);
        const std::size_t n = packet.size();
        std::memcpy(pool_.data() + std::size_t{s} * slot_bytes_, packet.data(), n);
        slots_[s] = Slot{static_cast<std::uint32_t>(n), ingress, no_slot};
        if (p.count == 0)
            p.head = s;
        else
            slots_[p.tail].next = s;
        p.tail = s;
        ++p.count;
        return result;
    }

    /// The resolution of `ip` ended (a reply came, or it gave up): calls
    /// f(ingress, egress, MutBytes packet) for each waiting packet, oldest
    /// first, and frees their slots. f may send and may enqueue (the
    /// resolution is gone from the table before the first call, and the
    /// slots being drained are not free until after theirs).
    template <class F>
    void drain(Ipv4Address ip, F&& f) {
        const auto it = pending_.find(ip.value());
        if (it == pending_.end()) return;
        const Pending p = it->second;
        pending_.erase(it);
        std::uint16_t at = p.head;
        for (std::uint8_t i = 0; i < p.count; ++i) {
            const Slot s = slots_[at];
            f(s.ingress, p.port, MutBytes(pool_.data() + std::size_t{at} * slot_bytes_, s.len));
            release_slot(at);
            at = s.next;
        }
    }

    /// Timers at `now`: retry(ip, port) for a next hop that gets another
    /// request; give_up(ip) for one that has had all its tries (the caller
    /// then drains it).
    template <class Retry, class GiveUp>
    void poll(Instant now, Retry&& retry, GiveUp&& give_up) {
        // Collect first: give_up drains, which erases from pending_.
        std::array<std::uint32_t, 64> expired{};
        std::size_t n_expired = 0;
        for (auto& [ip, p] : pending_) {
            if (p.next_try > now) continue;
            if (p.tries < config_.tries) {
                ++p.tries;
                p.next_try = now + config_.retry;
                retry(Ipv4Address{ip}, p.port);
            } else if (n_expired < expired.size()) {
                expired[n_expired++] = ip;
            }
        }
        for (std::size_t i = 0; i < n_expired; ++i)
            give_up(Ipv4Address{expired[i]});
    }

    /// The earliest retry or give-up, or never.
    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = never;
        for (const auto& kv : pending_)
            t = std::min(t, kv.second.next_try);
        return t;
    }

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] std::size_t pending() const noexcept { return pending_.size(); }
    [[nodiscard]] std::size_t free_slots() const noexcept { return free_.size(); }

private:
    static constexpr std::uint16_t no_slot = 0xFFFF;
    /// A next hop being resolved; its packets are a chain of slots, oldest
    /// first (Slot::next), so the entry stays small however long the queue.
    struct Pending {
        PortId port{};
        std::uint8_t tries = 0;
        std::uint8_t count = 0;
        Instant next_try{};
        std::uint16_t head = no_slot;
        std::uint16_t tail = no_slot;
    };
    struct Slot {
        std::uint32_t len = 0;
        PortId ingress{};
        std::uint16_t next = no_slot;
    };

    void release_slot(std::uint16_t s) { free_.push_back(s); }
    /// Room for slot `s` and more: free_ hands out the lowest slots first,
    /// so the slots in use stay at the front of the pool.
    void grow_pool(std::uint16_t s) {
        const std::size_t have = pool_.size() / slot_bytes_;
        const std::size_t want = std::min<std::size_t>(
            slots_.size(), std::max<std::size_t>({std::size_t{s} + 1, 2 * have, 1}));
        ByteBuffer bigger(want * slot_bytes_);
        if (!pool_.empty()) std::memcpy(bigger.data(), pool_.data(), pool_.size());
        pool_ = std::move(bigger);
    }

    struct Front {
        std::uint32_t ip = 0;
        bool valid = false;
        Neighbour n{};
    };
    static constexpr std::uint32_t front_bits_max = 10;
    std::uint32_t front_shift_ = 22;
    std::size_t front_index(Ipv4Address ip) const noexcept {
        return (ip.value() * 0x9e3779b1u) >> front_shift_; // Fibonacci hashing
    }

    ArpConfig config_;
    std::size_t slot_bytes_;
    ByteBuffer pool_; ///< slot_bytes_ per slot, grown on use (grow_pool)
    std::vector<Slot> slots_;
    std::vector<std::uint16_t> free_;
    boost::unordered_flat_map<std::uint32_t, Neighbour> entries_;
    boost::unordered_flat_map<std::uint32_t, Pending> pending_;
    mutable std::vector<Front> front_;
};

} // namespace strata::router
