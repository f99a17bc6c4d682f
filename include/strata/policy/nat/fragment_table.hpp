// The fragments a nat::Napt has seen the start of. Only the first fragment
// of a datagram (MF set, offset 0) carries the ports a mapping is found by;
// RFC 4787 REQ-14 says a NAT MUST still translate the rest. So when a first
// fragment is translated, the NAT remembers which address it rewrote for
// (source, destination, protocol, IP identification, which field) — the
// four values RFC 791 §3.2 uses to put a datagram together again — and
// rewrites the same address in the later fragments of that datagram.
//
// Bounded and allocated once: 4-way buckets chosen by a hash of the key; a
// record lives `lifetime` (30 s by default, Linux's ipfrag_time); a full
// bucket gives up its oldest record (counted).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#include <strata/core/time.hpp>

namespace strata::nat {

class FragmentTable {
public:
    /// Which address the first fragment had rewritten.
    enum class Field : std::uint8_t { source = 0, destination = 1 };
    static constexpr std::uint32_t ways = 4;

    /// Room for at least `capacity` datagrams in flight (rounded up to a
    /// power of two of buckets); 0 remembers nothing.
    FragmentTable(std::uint32_t capacity, Duration lifetime)
        : lifetime_ns_(lifetime.count()),
          buckets_(capacity == 0 ? 0 : std::bit_ceil((capacity + ways - 1) / ways)),
          records_(std::size_t{buckets_} * ways) {}

    /// After a first fragment from `src` to `dst` had `field` rewritten to
    /// `to` (src and dst as the fragment arrived).
    void remember(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol, std::uint16_t ident,
                  Field field, std::uint32_t to, std::int64_t now_ns) noexcept {
        if (buckets_ == 0) return;
        Record* const b = bucket(src, dst, protocol, ident, field);
        Record* victim = b;
        for (std::uint32_t w = 0; w < ways; ++w) {
            Record& r = b[w];
            if (r.expiry_ns > now_ns && r.same(src, dst, protocol, ident, field)) {
                victim = &r; // a retransmitted first fragment: refresh
                break;
            }
            if (r.expiry_ns < victim->expiry_ns) victim = &r;
        }
        if (victim->expiry_ns > now_ns && !victim->same(src, dst, protocol, ident, field))
            ++evicted_;
        *victim = Record{
            src, dst, ident, protocol, static_cast<std::uint8_t>(field), to, now_ns + lifetime_ns_};
    }

    /// The address to write into a later fragment, or false when its first
    /// fragment was not seen (or too long ago).
    [[nodiscard]] bool find(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                            std::uint16_t ident, Field field, std::int64_t now_ns,
                            std::uint32_t& to) const noexcept {
        if (buckets_ == 0) return false;
        const Record* const b = bucket(src, dst, protocol, ident, field);
        for (std::uint32_t w = 0; w < ways; ++w) {
            if (b[w].expiry_ns > now_ns && b[w].same(src, dst, protocol, ident, field)) {
                to = b[w].to;
                return true;
            }
        }
        return false;
    }

    /// Live records were overwritten because their bucket was full.
    [[nodiscard]] std::uint64_t evicted() const noexcept { return evicted_; }
    /// Datagrams that fit at most (0: none remembered).
    [[nodiscard]] std::size_t capacity() const noexcept { return records_.size(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return records_.capacity() * sizeof(Record);
    }

private:
    struct Record {
        std::uint32_t src = 0;
        std::uint32_t dst = 0;
        std::uint16_t ident = 0;
        std::uint8_t protocol = 0;
        std::uint8_t field = 0;
        std::uint32_t to = 0;
        std::int64_t expiry_ns = std::numeric_limits<std::int64_t>::min(); ///< empty
        [[nodiscard]] bool same(std::uint32_t s, std::uint32_t d, std::uint8_t p, std::uint16_t i,
                                Field f) const noexcept {
            return src == s && dst == d && ident == i && protocol == p &&
                   field == static_cast<std::uint8_t>(f);
        }
    };
    static_assert(sizeof(Record) == 24);

    [[nodiscard]] std::uint32_t index(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                      std::uint16_t ident, Field field) const noexcept {
        const std::uint64_t k = (std::uint64_t{src} << 32 | dst) ^
                                (std::uint64_t{ident} << 17 | std::uint64_t{protocol} << 1 |
                                 static_cast<std::uint64_t>(field)) *
                                    0xff51afd7ed558ccdULL;
        const std::uint64_t h = k * 0x9e3779b97f4a7c15ULL;
        return static_cast<std::uint32_t>(h >> 32) & (buckets_ - 1);
    }
    Record* bucket(std::uint32_t s, std::uint32_t d, std::uint8_t p, std::uint16_t i,
                   Field f) noexcept {
        return &records_[std::size_t{index(s, d, p, i, f)} * ways];
    }
    const Record* bucket(std::uint32_t s, std::uint32_t d, std::uint8_t p, std::uint16_t i,
                         Field f) const noexcept {
        return &records_[std::size_t{index(s, d, p, i, f)} * ways];
    }

    std::int64_t lifetime_ns_;
    std::uint32_t buckets_;
    std::vector<Record> records_;
    std::uint64_t evicted_ = 0;
};

} // namespace strata::nat
