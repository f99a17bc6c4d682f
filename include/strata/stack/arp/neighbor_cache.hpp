// The host's ARP (RFC 826): which MAC each on-link next hop has, the frames
// waiting for an answer, and what to say to ARP packets about the host's
// own addresses. It sends nothing itself: functions return (or call back
// with) what the host should send, and the host writes the frames
// (arp_frames.hpp) through its output token.
//
// Behaviour, with Linux's neighbour defaults:
// - a learned entry is used for `reachable` (30 s, base_reachable_time);
//   after that it is STALE for `stale` more (60 s, gc_stale_time): still
//   used, so a long transfer loses nothing, but its first use asks again
//   (a request at the next expire(), then one every `retry` while it is
//   used and unanswered), and the answer makes it reachable again. Linux
//   waits delay_first_probe_time (5 s) for an upper-layer confirmation
//   first; this host has no such confirmations and asks at once. An entry
//   nobody answered for is resolved anew, with queueing, when it ends;
// - a resolution sends a request at once (the caller, on Queued::first),
//   then one every `retry` (1 s, retrans_time) up to `tries` (3,
//   mcast_solicit); a `retry` after the last it gives up and the waiting
//   frames fail: the host drops them and reports EHOSTUNREACH to their
//   sockets (Linux's FAILED state);
// - at most `queue_per_address` frames (3, the old unres_qlen) wait per
//   next hop, the oldest dropped first;
// - requests for the host's address are answered, and their sender learned
//   (RFC 826 "merge": a known sender is refreshed by any ARP packet; a new
//   one is added only by a request aimed at us, or by any packet from a
//   next hop being resolved; an unsolicited reply creates nothing, as with
//   Linux's default arp_accept 0);
// - each address is announced with gratuitous ARP (RFC 5227 §2.3:
//   ANNOUNCE_NUM 2 requests ANNOUNCE_INTERVAL 2 s apart, sender and target
//   address both the host's) from when it is added. RFC 5227 §2.1's probing
//   before use is not done (no address conflict detection delay); a packet
//   claiming our address from another MAC is reported as a conflict
//   (§2.4) and counted.
//
// The table and the queue are the router's (device/router/arp_cache.hpp):
// one pool of frame slots allocated at construction, hash tables reserved
// up front, so nothing allocates per frame.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/arp_cache.hpp>
#include <strata/device/router/config.hpp>
#include <strata/node/port.hpp>
#include <strata/wire/arp.hpp>

namespace strata::stack {

struct NeighborConfig {
    Duration reachable = std::chrono::seconds{30}; ///< use of a learned entry
    Duration stale = std::chrono::seconds{60};     ///< then still used while asked again
    Duration retry = std::chrono::seconds{1};      ///< between requests
    std::uint8_t tries = 3;                        ///< requests before giving up
    std::uint8_t queue_per_address = 3;            ///< frames waiting per next hop
    std::uint16_t queue_slots = 16; ///< frames waiting in all (a pool grown on use, frame_bytes each)
    std::uint32_t entries = 256;    ///< learned neighbours kept
    std::size_t frame_bytes = 1514; ///< largest frame queued (14 + MTU)
    std::uint8_t announcements = 2; ///< RFC 5227 ANNOUNCE_NUM
    Duration announce_interval = std::chrono::seconds{2}; ///< RFC 5227 ANNOUNCE_INTERVAL
};

/// A request the host should send: write_arp_request(to, sender_mac,
/// sender_ip, target) out of `port`. sender_ip == target: an announcement.
struct ArpRequest {
    PortId port{};
    MacAddress sender_mac{};
    Ipv4Address sender_ip{};
    Ipv4Address target{};
    [[nodiscard]] constexpr bool is_announcement() const noexcept { return sender_ip == target; }
    friend constexpr bool operator==(const ArpRequest&, const ArpRequest&) = default;
};

/// What an incoming ARP packet asks of the host (NeighborCache::on_arp).
struct ArpReaction {
    bool learned = false;  ///< the sender's MAC was recorded or refreshed
    bool resolved = false; ///< frames were waiting for it: call release(peer_ip, peer_mac, f)
    bool reply = false;    ///< answer: write_arp_reply(to, our_mac, our_ip, peer_mac, peer_ip)
    bool conflict = false; ///< another MAC claims our address (RFC 5227 §2.4)
    PortId port{};
    MacAddress our_mac{};
    Ipv4Address our_ip{};
    MacAddress peer_mac{};
    Ipv4Address peer_ip{};
};

struct NeighborCounters {
    std::uint64_t requests_retried = 0; ///< requests expire() asked for after the first
    std::uint64_t stale_refreshes = 0;  ///< requests expire() asked for a STALE entry in use
    std::uint64_t resolved = 0;         ///< resolutions answered
    std::uint64_t failed = 0;           ///< resolutions given up
    std::uint64_t frames_failed = 0;    ///< waiting frames dropped when one gave up
    std::uint64_t frames_dropped = 0;   ///< frames dropped: queue full (oldest) or no slot
    std::uint64_t replies = 0;          ///< requests for our address to answer
    std::uint64_t conflicts = 0;        ///< packets claiming our address
    std::uint64_t ignored = 0;          ///< ARP packets that taught and asked nothing
};

class NeighborCache {
public:
    using Queued = router::ArpCache::Queued;

    explicit NeighborCache(NeighborConfig c = {})
        : config_(c), cache_(to_router(c), c.frame_bytes) {}

    /// One of the host's addresses, on `port` with `mac`: answered from now
    /// on, and announced (c.announcements gratuitous requests, the first
    /// due at `now`, see expire()).
    void add_address(PortId port, MacAddress mac, Ipv4Address ip, Instant now) {
        own_.push_back(Own{port, mac, ip, config_.announcements, now});
    }

    /// The MAC of `next_hop` if known and not aged out. A STALE entry
    /// (past `reachable`) is returned too, and noted so that expire() asks
    /// for it again.
    [[nodiscard]] std::optional<MacAddress> lookup(Ipv4Address next_hop,
                                                   Instant now) const noexcept {
        const router::Neighbour* n = cache_.find(next_hop, now);
        if (n == nullptr) return std::nullopt;
        if (n->expires - config_.stale <= now) note_stale_use(next_hop, n->port, now);
        return n->mac;
    }

    /// Keeps a copy of `frame` (a whole Ethernet frame; its destination MAC
    /// is filled in by release()) until `next_hop` resolves on `port`.
    /// Queued::first: a new resolution, send request_for(next_hop, port)
    /// now. dropped_old: the oldest waiting frame was dropped for it.
    /// no_room: longer than frame_bytes, or no slot free: not kept.
    Queued enqueue(Ipv4Address next_hop, PortId port, Bytes frame, Instant now) {
        const Queued q = cache_.enqueue(next_hop, port, port, frame, now);
        if (q == Queued::dropped_old || q == Queued::no_room) ++counters_.frames_dropped;
        return q;
    }

    /// The request that resolves `target` on `port` (sender: our address
    /// there).
    [[nodiscard]] ArpRequest request_for(Ipv4Address target, PortId port) const noexcept {
        const Own* o = own_on(port);
        return o == nullptr ? ArpRequest{port, MacAddress{}, Ipv4Address{}, target}
                            : ArpRequest{port, o->mac, o->ip, target};
    }

    /// An ARP packet arrived on `port` (checked by ArpView::checked: Ethernet
    /// and IPv4 sizes). Learns what RFC 826 lets it learn and says what to
    /// send.
    ArpReaction on_arp(PortId port, ArpView<const Byte> arp, Instant now) {
        ArpReaction r{};
        r.port = port;
        r.peer_mac = arp.sender_hardware_addr();
        r.peer_ip = arp.sender_protocol_addr();
        const Ipv4Address target = arp.target_protocol_addr();
        const Own* me = nullptr;
        for (const Own& o : own_) {
            if (o.port != port) continue;
            if (o.ip == r.peer_ip && o.mac != r.peer_mac) {
                r.conflict = true; // RFC 5227 §2.4: someone else says it is us
                ++counters_.conflicts;
            }
            if (o.ip == target) me = &o;
        }
        if (me != nullptr) {
            r.our_mac = me->mac;
            r.our_ip = me->ip;
        }
        const bool ours = is_own(r.peer_ip);
        // A probe (sender 0.0.0.0, RFC 5227 §2.1.1) teaches nothing; nor
        // does a packet claiming one of our own addresses.
        if (!r.peer_ip.is_unspecified() && r.peer_mac.is_unicast() && !ours) {
            const bool waiting = cache_.resolving(r.peer_ip);
            const bool asked = me != nullptr && arp.operation() == ArpOperation::request;
            r.learned = cache_.learn(r.peer_ip, r.peer_mac, port, now, asked || waiting);
            if (r.learned && waiting) {
                r.resolved = true;
                ++counters_.resolved;
            }
        }
        // Answer requests for our address (probes included, as Linux does),
        // but not our own announcement looped back, nor one from a MAC that
        // claims our own address.
        if (me != nullptr && arp.operation() == ArpOperation::request && !ours &&
            r.peer_mac.is_unicast()) {
            r.reply = true;
            ++counters_.replies;
        }
        if (!r.learned && !r.reply && !r.conflict) ++counters_.ignored;
        return r;
    }

    /// `next_hop` resolved to `mac`: calls f(PortId port, MutBytes frame)
    /// for each waiting frame, oldest first, with the frame's destination
    /// MAC set to `mac`, then frees it. Returns how many.
    template <class F>
    std::size_t release(Ipv4Address next_hop, MacAddress mac, F&& f) {
        std::size_t n = 0;
        cache_.drain(next_hop, [&](PortId, PortId port, MutBytes frame) {
            if (frame.size() >= 6) mac.to_bytes(frame.data());
            f(port, frame);
            ++n;
        });
        return n;
    }

    /// Timers due at `now`:
    /// - send(const ArpRequest&) for each request to retry and each
    ///   announcement due;
    /// - failed(Ipv4Address next_hop, PortId port, MutBytes frame) for each
    ///   frame waiting for a next hop that had all its tries; the frame is
    ///   dropped afterwards (the host reports EHOSTUNREACH to its socket).
    template <class Send, class Failed>
    void expire(Instant now, Send&& send, Failed&& failed) {
        for (Own& o : own_) {
            if (o.announcements_left == 0 || o.next_announcement > now) continue;
            --o.announcements_left;
            o.next_announcement = now + config_.announce_interval;
            send(static_cast<const ArpRequest&>(ArpRequest{o.port, o.mac, o.ip, o.ip}));
        }
        for (Refresh& r : refresh_) {
            if (!r.wanted || r.next > now) continue;
            r.wanted = false;
            r.next = now + config_.retry;
            ++counters_.stale_refreshes;
            send(static_cast<const ArpRequest&>(request_for(r.ip, r.port)));
        }
        cache_.poll(
            now,
            [&](Ipv4Address ip, PortId port) {
                ++counters_.requests_retried;
                send(static_cast<const ArpRequest&>(request_for(ip, port)));
            },
            [&](Ipv4Address ip) {
                ++counters_.failed;
                cache_.drain(ip, [&](PortId, PortId port, MutBytes frame) {
                    ++counters_.frames_failed;
                    failed(ip, port, frame);
                });
            });
    }

    /// The next retry, give-up or announcement, or never.
    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = cache_.poll_at();
        for (const Refresh& r : refresh_)
            if (r.wanted && r.next < t) t = r.next;
        for (const Own& o : own_)
            if (o.announcements_left != 0 && o.next_announcement < t) t = o.next_announcement;
        return t;
    }

    /// True when `ip` is one of the host's addresses (any port).
    [[nodiscard]] bool is_own(Ipv4Address ip) const noexcept {
        for (const Own& o : own_)
            if (o.ip == ip) return true;
        return false;
    }
    [[nodiscard]] bool resolving(Ipv4Address ip) const noexcept { return cache_.resolving(ip); }
    /// Learned entries (aged ones included until they make room).
    [[nodiscard]] std::size_t size() const noexcept { return cache_.size(); }
    /// Next hops being resolved.
    [[nodiscard]] std::size_t pending() const noexcept { return cache_.pending(); }
    [[nodiscard]] const NeighborCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const NeighborConfig& config() const noexcept { return config_; }

private:
    struct Own {
        PortId port{};
        MacAddress mac{};
        Ipv4Address ip{};
        std::uint8_t announcements_left = 0;
        Instant next_announcement{};
    };

    static router::ArpConfig to_router(const NeighborConfig& c) noexcept {
        router::ArpConfig a{};
        a.reachable = c.reachable + c.stale;
        a.retry = c.retry;
        a.tries = c.tries == 0 ? std::uint8_t{1} : c.tries;
        a.queue_per_hop = c.queue_per_address == 0 ? std::uint8_t{1}
                          : c.queue_per_address > router::max_queue_per_hop
                              ? router::max_queue_per_hop
                              : c.queue_per_address;
        a.queue_slots = c.queue_slots == 0 ? std::uint16_t{1} : c.queue_slots;
        a.cache_entries = c.entries == 0 ? 1u : c.entries;
        return a;
    }

    // A STALE entry in use, to ask for again: a few at a time (a host talks
    // to few next hops: its gateway, some on-link peers); when all slots
    // are taken the least recently asked one is reused, which only delays
    // a refresh until the entry ends and is resolved anew.
    struct Refresh {
        Ipv4Address ip{};
        PortId port{};
        bool wanted = false; ///< used since the last request
        Instant next{};      ///< no request before (one per retry)
    };
    static constexpr std::size_t refresh_slots = 8;

    void note_stale_use(Ipv4Address ip, PortId port, Instant now) const noexcept {
        Refresh* slot = nullptr;
        for (Refresh& r : refresh_) {
            if (r.ip == ip && r.port == port) {
                if (r.next <= now) r.wanted = true;
                return;
            }
            if (slot == nullptr || r.next < slot->next) slot = &r;
        }
        *slot = Refresh{ip, port, true, now};
    }

    [[nodiscard]] const Own* own_on(PortId port) const noexcept {
        for (const Own& o : own_)
            if (o.port == port) return &o;
        return nullptr;
    }

    NeighborConfig config_;
    router::ArpCache cache_;
    std::vector<Own> own_;
    NeighborCounters counters_{};
    mutable std::array<Refresh, refresh_slots> refresh_{};
};

} // namespace strata::stack
