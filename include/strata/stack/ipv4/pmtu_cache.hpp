// Path MTU discovery for the host's destinations (RFC 1191). Each
// destination starts at the MTU of the interface its route leaves by; an
// ICMP "fragmentation needed and DF set" (type 3 code 4) lowers the
// estimate to the next-hop MTU it reports (§4), or, from an old router that
// reports 0, to the largest plateau of §7's table below the total length of
// the datagram it quotes (§5). An estimate is never raised by ICMP (§3) and
// is forgotten 10 minutes after it was learned (§6.3, Linux's
// net.ipv4.route.mtu_expires 600 s), so the path is probed again at the
// interface MTU.
//
// The floor: RFC 1191 §3 and RFC 791 say never below 68, the smallest MTU
// every IPv4 link carries. Linux instead floors at net.ipv4.route.min_pmtu
// 552 (512 + 20 + 20, against forged ICMP shrinking a path to tiny
// segments) and keeps sending 552-byte datagrams without DF below it. The
// default here is RFC 1191's 68; set PmtuConfig::min_mtu = 552 to behave
// like Linux. RFC 1122 §3.3.3's 576 is the size every host must accept, not
// a path MTU floor.
//
// Fixed capacity: a hash table reserved when the first estimate arrives
// (most hosts never get one); when it is full the entry learned longest ago
// gives way.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/time.hpp>

namespace strata::stack {

struct PmtuConfig {
    std::size_t capacity = 256;                  ///< destinations remembered
    Duration expires = std::chrono::minutes{10}; ///< RFC 1191 §6.3
    std::uint32_t min_mtu = 68;                  ///< RFC 1191 §3 (Linux: 552); at least 68
};

/// RFC 1191 §7's plateau table, largest first.
inline constexpr std::array<std::uint16_t, 11> pmtu_plateaus{65535, 32000, 17914, 8166, 4352, 2002,
                                                             1492,  1006,  508,   296,  68};

/// The largest plateau strictly below `total_len` (RFC 1191 §5: the
/// datagram that did not fit), or 68.
[[nodiscard]] constexpr std::uint32_t pmtu_plateau_below(std::uint32_t total_len) noexcept {
    for (const std::uint16_t p : pmtu_plateaus)
        if (p < total_len) return p;
    return 68;
}

class PmtuCache {
public:
    explicit PmtuCache(PmtuConfig c = {}) : config_(c) {
        if (config_.min_mtu < 68) config_.min_mtu = 68;
        if (config_.capacity == 0) config_.capacity = 1;
    }

    /// An ICMP fragmentation-needed about a datagram to `dst` arrived:
    /// `next_hop_mtu` is the MTU the router reported (0 from a pre-RFC 1191
    /// router), `quoted_total_len` the total length of the quoted original
    /// datagram, `interface_mtu` the MTU of the route to `dst`. Returns the
    /// new estimate when it went down (the caller tells TCP: MSS = mtu - 40),
    /// nullopt when nothing changed (an estimate not below the current one:
    /// RFC 1191 §3 forbids raising it from ICMP).
    std::optional<std::uint32_t> learn(Ipv4Address dst, std::uint16_t next_hop_mtu,
                                       std::uint16_t quoted_total_len, std::uint32_t interface_mtu,
                                       Instant now) {
        std::uint32_t mtu = next_hop_mtu;
        // §5: zero from an old router: guess the plateau below the datagram
        // that failed (or below the interface MTU when the quote says 0).
        if (mtu == 0)
            mtu = pmtu_plateau_below(quoted_total_len != 0 ? quoted_total_len : interface_mtu);
        if (mtu < config_.min_mtu) mtu = config_.min_mtu;
        const std::uint32_t current = this->mtu(dst, interface_mtu, now);
        if (mtu >= current) return std::nullopt;
        if (auto it = entries_.find(dst.value()); it != entries_.end()) {
            it->second = Entry{mtu, now + config_.expires};
        } else {
            if (entries_.bucket_count() == 0) entries_.reserve(config_.capacity);
            if (entries_.size() >= config_.capacity) make_room(now);
            entries_.emplace(dst.value(), Entry{mtu, now + config_.expires});
        }
        ++learned_;
        return mtu;
    }

    /// The path MTU to `dst`: the learned estimate while it has not expired
    /// (and is below the interface's), else `interface_mtu`.
    [[nodiscard]] std::uint32_t mtu(Ipv4Address dst, std::uint32_t interface_mtu,
                                    Instant now) const noexcept {
        const auto it = entries_.find(dst.value());
        if (it == entries_.end() || it->second.expires <= now) return interface_mtu;
        return it->second.mtu < interface_mtu ? it->second.mtu : interface_mtu;
    }

    /// The learned estimate for `dst` if one is live.
    [[nodiscard]] std::optional<std::uint32_t> learned(Ipv4Address dst,
                                                       Instant now) const noexcept {
        const auto it = entries_.find(dst.value());
        if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
        return it->second.mtu;
    }

    /// Forgets estimates older than the expiry (§6.3); returns how many.
    /// Calling it is optional (mtu() ignores expired entries), it frees room.
    std::size_t expire(Instant now) {
        return boost::unordered::erase_if(entries_,
                                          [&](const auto& kv) { return kv.second.expires <= now; });
    }

    /// The earliest expiry, or never.
    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = never;
        for (const auto& kv : entries_)
            if (kv.second.expires < t) t = kv.second.expires;
        return t;
    }

    void erase(Ipv4Address dst) { entries_.erase(dst.value()); }
    void clear() noexcept { entries_.clear(); }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return config_.capacity; }
    /// Estimates lowered by learn() since construction.
    [[nodiscard]] std::uint64_t learned_count() const noexcept { return learned_; }
    [[nodiscard]] const PmtuConfig& config() const noexcept { return config_; }

private:
    struct Entry {
        std::uint32_t mtu = 0;
        Instant expires{};
    };

    // Full: drop expired entries, else the one that expires first (the one
    // learned longest ago).
    void make_room(Instant now) {
        if (expire(now) != 0) return;
        auto oldest = entries_.begin();
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->second.expires < oldest->second.expires) oldest = it;
        if (oldest != entries_.end()) entries_.erase(oldest);
    }

    PmtuConfig config_;
    boost::unordered_flat_map<std::uint32_t, Entry> entries_;
    std::uint64_t learned_ = 0;
};

} // namespace strata::stack
