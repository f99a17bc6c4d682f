// filter::Stateful: connection tracking in front of a rule policy (DESIGN.md
// §5). A packet that the rules accept opens an entry for its flow (the
// 5-tuple, both directions in one entry); later packets of the flow, either
// way, pass without consulting the rules (Verdict::tracked). An entry lives
// for the idle timeout of its flow after its last packet — the timeouts of
// NAT (policy/flow/timeouts.hpp): TCP established or transitory by the
// SYN/FIN/RST seen (RFC 5382 §5), UDP, ICMP queries, others — and is gone at
// exactly last packet + timeout.
//
// ICMP errors (RFC 792 types 3, 4, 5, 11, 12) that quote a tracked flow
// (Packet::has_inner) pass as related, like Linux's RELATED state.
//
// Expiry is lazy and exact without scanning: entries sit in one FIFO per
// timeout class, in order of their last packet (a packet moves its entry to
// the back), so the front of each list is the next to expire; poll(now) pops
// fronts, poll_at() is the earliest front deadline. The table is bounded:
// when it is full (after expiring what is due), a new flow is let through by
// its rule but not tracked, and counted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/time.hpp>
#include <strata/policy/filter/concept.hpp>
#include <strata/policy/filter/rule.hpp>
#include <strata/policy/filter/rules.hpp>
#include <strata/policy/flow/timeouts.hpp>

namespace strata::filter {

struct StatefulConfig {
    flow::Timeouts timeouts{};
    /// Flows tracked at most. Memory for all of them is reserved up front.
    std::size_t capacity = 65536;
};

/// The counters of a Stateful filter.
struct StatefulCounters {
    std::uint64_t tracked = 0;    ///< packets passed by an entry
    std::uint64_t related = 0;    ///< ICMP errors passed for a tracked flow
    std::uint64_t created = 0;    ///< entries opened
    std::uint64_t expired = 0;    ///< entries timed out
    std::uint64_t table_full = 0; ///< accepted new flows not tracked: the table was full
};

/// True for the ICMP types that report an error about a quoted packet.
[[nodiscard]] constexpr bool is_icmp_error(std::uint8_t type) noexcept {
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

template <Policy Inner = Rules>
class Stateful {
public:
    static constexpr bool enabled = true;

    Stateful() : Stateful(Inner{}) {}
    explicit Stateful(Inner rules, StatefulConfig config = {})
        : rules_(std::move(rules)), config_(config) {
        entries_.reserve(config_.capacity);
        map_.reserve(config_.capacity);
    }

    Verdict check(const Packet& p, Instant now) {
        if (p.protocol == proto_icmp && p.has_transport && is_icmp_error(p.icmp_type)) {
            if (p.has_inner) {
                const Key k = make_key(p.inner_protocol, p.inner_src, p.inner_sport, p.inner_dst,
                                       p.inner_dport);
                if (const auto it = map_.find(k);
                    it != map_.end() && now < deadline(entries_[it->second])) {
                    ++counters_.related;
                    return {Action::accept, Verdict::tracked};
                }
            }
            return rules_.check(p, now); // errors never open an entry
        }
        const std::optional<Key> k = key_of(p);
        if (k) {
            if (const auto it = map_.find(*k); it != map_.end()) {
                const std::uint32_t i = it->second;
                Entry& e = entries_[i];
                if (now < deadline(e)) {
                    if (p.protocol == proto_tcp) {
                        const bool from_a = endpoint(p.src, p.sport) == e.key.a;
                        e.tcp.observe(p.tcp_flags, from_a == e.a_opened);
                    }
                    e.last = now;
                    relink(i, class_of(e));
                    ++counters_.tracked;
                    return {Action::accept, Verdict::tracked};
                }
                expire(i); // due, and poll has not run yet
            }
        }
        const Verdict v = rules_.check(p, now);
        if (v.action == Action::accept && k &&
            !(p.protocol == proto_tcp && (p.tcp_flags & tcp_flag::rst)))
            open(*k, p, now);
        return v;
    }

    /// Forgets every flow whose deadline is at or before `now`.
    void poll(Instant now) {
        for (std::uint8_t c = 0; c < class_count; ++c)
            while (lists_[c].head != nil && deadline(entries_[lists_[c].head]) <= now)
                expire(lists_[c].head);
        rules_.poll(now);
    }

    /// The earliest deadline of a tracked flow (or of the inner policy).
    [[nodiscard]] Instant poll_at() const {
        Instant t = rules_.poll_at();
        for (const auto& l : lists_)
            if (l.head != nil && deadline(entries_[l.head]) < t) t = deadline(entries_[l.head]);
        return t;
    }

    /// Whether the flow of `p` (either direction) is tracked at `now`.
    [[nodiscard]] bool tracks(const Packet& p, Instant now) const {
        const auto k = key_of(p);
        if (!k) return false;
        const auto it = map_.find(*k);
        return it != map_.end() && now < deadline(entries_[it->second]);
    }

    [[nodiscard]] const Inner& rules() const noexcept { return rules_; }
    [[nodiscard]] Inner& rules() noexcept { return rules_; }
    [[nodiscard]] const StatefulCounters& counters() const noexcept { return counters_; }
    /// Flows tracked now (expired ones count until poll or a packet finds them).
    [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return config_.capacity; }

private:
    static constexpr std::uint32_t nil = ~0u;
    // Timeout classes, one FIFO each.
    enum : std::uint8_t { tcp_established, tcp_transitory, udp, icmp, other, class_count };

    /// Both endpoints, ordered, so that either direction finds the entry.
    struct Key {
        std::uint64_t a = 0; ///< the lower endpoint (address << 16 | port)
        std::uint64_t b = 0;
        std::uint8_t proto = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            std::uint64_t h = (k.a * 0x9e3779b97f4a7c15ULL) ^ (k.b + k.proto);
            h ^= h >> 32;
            h *= 0xd6e8feb86659fd93ULL;
            return static_cast<std::size_t>(h ^ (h >> 32));
        }
    };
    struct Entry {
        Key key{};
        Instant last{};
        std::uint32_t prev = nil, next = nil;
        flow::TcpTracker tcp{};
        std::uint8_t cls = other;
        bool a_opened = true; ///< the first packet came from endpoint a
        bool live = false;
    };
    struct List {
        std::uint32_t head = nil, tail = nil;
    };

    static constexpr std::uint64_t endpoint(Ipv4Address ip, std::uint16_t port) noexcept {
        return std::uint64_t{ip.value()} << 16 | port;
    }
    static constexpr Key make_key(std::uint8_t proto, Ipv4Address src, std::uint16_t sport,
                                  Ipv4Address dst, std::uint16_t dport) noexcept {
        const std::uint64_t x = endpoint(src, sport), y = endpoint(dst, dport);
        return x <= y ? Key{x, y, proto} : Key{y, x, proto};
    }
    /// The flow of a packet. TCP, UDP and ICMP need their transport header
    /// (a non-first fragment has no ports: it is judged by the rules alone).
    static constexpr std::optional<Key> key_of(const Packet& p) noexcept {
        const bool ported =
            p.protocol == proto_tcp || p.protocol == proto_udp || p.protocol == proto_icmp;
        if (ported && !p.has_transport) return std::nullopt;
        if (!ported) return make_key(p.protocol, p.src, 0, p.dst, 0);
        return make_key(p.protocol, p.src, p.sport, p.dst, p.dport);
    }

    static constexpr std::uint8_t class_of(const Entry& e) noexcept {
        switch (e.key.proto) {
        case proto_tcp:
            return e.tcp.established() ? tcp_established : tcp_transitory;
        case proto_udp:
            return udp;
        case proto_icmp:
            return icmp;
        default:
            return other;
        }
    }
    [[nodiscard]] Instant deadline(const Entry& e) const noexcept {
        return e.last + flow::idle_timeout(config_.timeouts, e.key.proto, e.tcp);
    }

    void unlink(std::uint32_t i) noexcept {
        Entry& e = entries_[i];
        List& l = lists_[e.cls];
        (e.prev == nil ? l.head : entries_[e.prev].next) = e.next;
        (e.next == nil ? l.tail : entries_[e.next].prev) = e.prev;
        e.prev = e.next = nil;
    }
    void push_back(std::uint32_t i, std::uint8_t cls) noexcept {
        Entry& e = entries_[i];
        List& l = lists_[cls];
        e.cls = cls;
        e.prev = l.tail;
        e.next = nil;
        (l.tail == nil ? l.head : entries_[l.tail].next) = i;
        l.tail = i;
    }
    void relink(std::uint32_t i, std::uint8_t cls) noexcept {
        unlink(i);
        push_back(i, cls);
    }

    void expire(std::uint32_t i) {
        unlink(i);
        map_.erase(entries_[i].key);
        entries_[i].live = false;
        entries_[i].next = free_;
        free_ = i;
        ++counters_.expired;
    }

    void open(const Key& k, const Packet& p, Instant now) {
        if (map_.size() >= config_.capacity) poll(now);
        if (map_.size() >= config_.capacity) {
            ++counters_.table_full;
            return;
        }
        std::uint32_t i;
        if (free_ != nil) {
            i = free_;
            free_ = entries_[i].next;
        } else {
            i = static_cast<std::uint32_t>(entries_.size());
            entries_.emplace_back();
        }
        Entry& e = entries_[i];
        e = Entry{};
        e.key = k;
        e.last = now;
        e.live = true;
        e.a_opened = endpoint(p.src, p.sport) == k.a;
        if (p.protocol == proto_tcp) e.tcp.observe(p.tcp_flags, true);
        if (p.protocol != proto_tcp && p.protocol != proto_udp && p.protocol != proto_icmp)
            e.a_opened = endpoint(p.src, 0) == k.a;
        push_back(i, class_of(e));
        map_.emplace(k, i);
        ++counters_.created;
    }

    Inner rules_;
    StatefulConfig config_;
    std::vector<Entry> entries_;
    boost::unordered_flat_map<Key, std::uint32_t, KeyHash> map_;
    std::array<List, class_count> lists_{};
    std::uint32_t free_ = nil;
    StatefulCounters counters_{};
};

static_assert(Policy<Stateful<>>);

} // namespace strata::filter
