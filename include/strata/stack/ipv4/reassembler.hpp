// Reassembly of IPv4 fragments addressed to the host (RFC 791 §3.2,
// RFC 1122 §3.3.2), keyed by (source, destination, protocol,
// identification), with RFC 815's hole descriptors: a datagram starts as one
// hole [0, ∞); each fragment must fall inside a hole, which it splits; the
// last fragment (MF clear) closes the hole at infinity; no holes left means
// complete.
//
// Overlaps: RFC 791 lets later data overwrite earlier, which is how overlap
// attacks evade filters (RFC 1858). Like Linux's ipfrag (RFC 5722 §4 applied
// to IPv4, and its errata 3089) a fragment that overlaps data already held
// and also covers a hole drops the whole datagram; one that lies entirely
// within data already held (an exact duplicate, or a piece of one) is
// ignored and the datagram kept. Inconsistent ends (a second last fragment
// with another end, data beyond the end) drop the datagram too (Linux's
// ip_frag_queue "corrupted" cases).
//
// Timeout: RFC 791 suggests 15 s as the initial timer, RFC 1122 §3.3.2
// recommends 60 to 120 s; the default here is Linux's net.ipv4.ipfrag_time,
// 30 s, counted from the first fragment (not re-armed by later ones, as in
// Linux). A datagram timing out with fragment 0 present is reported so the
// host can send ICMP time exceeded, code 1 (RFC 1122 §3.3.2, RFC 792); one
// without fragment 0 is dropped silently (there is nothing to quote).
//
// Storage is fixed, allocated once when the first fragment arrives: slots
// for `max_datagrams` datagrams, each with room for `max_holes` hole
// descriptors, and a pool of 512-byte blocks holding `memory` bytes of
// fragment data in all (Linux's ipfrag_high_thresh, counted here in
// blocks). When a new datagram finds no slot, or a fragment finds no free
// block, the oldest datagram is evicted (Linux's inet_frag_evictor, oldest
// first). A complete datagram is written into one 64 KiB output buffer:
// add() returns a view of it, valid until the next call. Nothing allocates
// per fragment.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/byte_buffer.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::stack {

struct ReassemblyConfig {
    Duration timeout = std::chrono::seconds{30}; ///< Linux ipfrag_time; RFC 791 ≥ 15 s
    std::size_t memory = 256 * 1024;             ///< fragment data held in all, bytes
    std::size_t max_datagrams = 64;              ///< datagrams being reassembled at once
    std::size_t max_holes = 64;                  ///< RFC 815 hole descriptors per datagram
};

/// What went on, in the spirit of Linux's Ip: Reasm* counters.
struct ReassemblyCounters {
    std::uint64_t fragments = 0;   ///< fragments given to add() (ReasmReqds)
    std::uint64_t reassembled = 0; ///< datagrams completed (ReasmOKs)
    std::uint64_t duplicates = 0;  ///< fragments within data already held, ignored
    std::uint64_t overlaps = 0;    ///< datagrams dropped for an overlap (ReasmOverlaps)
    std::uint64_t timeouts = 0;    ///< datagrams expired (ReasmTimeout)
    std::uint64_t evicted = 0;     ///< datagrams dropped to make room (slot or memory)
    std::uint64_t no_memory = 0;   ///< fragments refused: no room even after evicting
    std::uint64_t malformed = 0;   ///< bad fragments (and datagrams they dropped)
    std::uint64_t too_big = 0;     ///< datagrams that would exceed 65535 bytes
    friend constexpr bool operator==(const ReassemblyCounters&,
                                     const ReassemblyCounters&) = default;
};

/// A datagram that timed out, as expire() reports it.
struct ExpiredDatagram {
    Ipv4Address src{};
    Ipv4Address dst{};
    IpProtocol protocol{};
    std::uint16_t ident = 0;
    /// Fragment 0 had arrived: send ICMP time exceeded, code 1 (fragment
    /// reassembly time exceeded) to `src`, quoting `quote`.
    bool had_first = false;
    /// Fragment 0 as received: its header (options included) and up to 8
    /// data bytes (RFC 792's quote). Empty without fragment 0. Valid during
    /// the callback only.
    Bytes quote{};
};

class Reassembler {
public:
    enum class Status : std::uint8_t {
        incomplete, ///< kept (or ignored as a duplicate); more fragments needed
        complete,   ///< `datagram` holds the whole datagram
        overlap,    ///< overlapped data already held: the datagram was dropped
        too_big,    ///< would exceed 65535 bytes: the datagram was dropped
        no_memory,  ///< no room even after evicting older datagrams: dropped
        malformed,  ///< MF with data not a multiple of 8, no data, or ends that
                    ///< disagree (the datagram was dropped in the last case)
    };
    struct Result {
        Status status = Status::incomplete;
        /// When complete: the whole datagram, fragment 0's header (options
        /// included) with total length set, MF and offset cleared (DF as
        /// fragment 0 had it) and the checksum recomputed. Valid until the
        /// next call on the Reassembler.
        Bytes datagram{};
    };

    static constexpr std::size_t block_size = 512;

    /// Keeps the configuration; the storage is allocated, all at once, when
    /// the first fragment arrives (most hosts never see one).
    explicit Reassembler(ReassemblyConfig c = {}) : config_(fix(c)) {}

    /// One fragment addressed to the host. Precondition: `ip` passed
    /// Ipv4View::checked() (and the checksum check). A datagram that is not
    /// a fragment (MF clear, offset 0) is returned as complete unchanged.
    Result add(Ipv4View<const Byte> ip, Instant now);

    /// Drops the datagrams whose timer ran out by `now`, calling
    /// f(const ExpiredDatagram&) for each (oldest first); returns how many.
    template <class F>
    std::size_t expire(Instant now, F&& f) {
        std::size_t n = 0;
        while (oldest_ != none && slots_[oldest_].deadline <= now) {
            const std::uint32_t i = oldest_;
            Slot& s = slots_[i];
            ExpiredDatagram e{Ipv4Address{s.key.src},
                              Ipv4Address{s.key.dst},
                              IpProtocol{s.key.protocol},
                              s.key.ident,
                              s.have_first,
                              Bytes{}};
            if (s.have_first) e.quote = Bytes(s.quote.data(), s.quote_len);
            f(static_cast<const ExpiredDatagram&>(e));
            ++counters_.timeouts;
            ++n;
            kill(i);
        }
        return n;
    }
    /// expire() for a caller that sends no ICMP.
    std::size_t expire(Instant now) {
        return expire(now, [](const ExpiredDatagram&) {});
    }

    /// When the oldest datagram times out, or never.
    [[nodiscard]] Instant poll_at() const noexcept {
        return oldest_ == none ? never : slots_[oldest_].deadline;
    }

    [[nodiscard]] const ReassemblyCounters& counters() const noexcept { return counters_; }
    /// Datagrams being reassembled.
    [[nodiscard]] std::size_t pending() const noexcept { return index_.size(); }
    /// Bytes of the block pool in use (a multiple of block_size).
    [[nodiscard]] std::size_t memory_used() const noexcept {
        return (blocks_.size() - free_blocks_) * block_size;
    }
    [[nodiscard]] const ReassemblyConfig& config() const noexcept { return config_; }

private:
    static constexpr std::uint32_t none = 0xffffffffu;
    static constexpr std::uint32_t infinity = 0x20000; // beyond any offset + length

    struct Key {
        std::uint32_t src = 0;
        std::uint32_t dst = 0;
        std::uint16_t ident = 0;
        std::uint8_t protocol = 0;
        friend constexpr bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            const std::uint64_t a = (std::uint64_t{k.src} << 32) | k.dst;
            const std::uint64_t b = (std::uint64_t{k.ident} << 8) | k.protocol;
            std::uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
            h ^= h >> 33;
            return static_cast<std::size_t>(h);
        }
    };
    struct Block {
        std::uint32_t next = none;
        std::uint32_t offset = 0; // data offset in the datagram
        std::uint32_t len = 0;
    };
    struct Hole {
        std::uint32_t begin = 0; // [begin, end) of missing data bytes
        std::uint32_t end = 0;
    };
    struct Slot {
        Key key{};
        Instant deadline{};
        std::uint32_t first_block = none, last_block = none;
        std::uint32_t older = none, newer = none; // age list
        std::uint32_t holes = 0;                  // descriptors in use
        std::uint32_t data_len = 0;               // known once the last fragment came
        std::uint32_t max_end = 0;                // highest data byte seen + 1
        bool have_last = false;
        bool have_first = false;
        std::uint8_t header_len = 0;
        std::uint8_t quote_len = 0;
        std::array<Byte, ipv4_max_header_len + 8> quote{}; // fragment 0: header + 8 bytes
    };

    static ReassemblyConfig fix(ReassemblyConfig c) noexcept {
        if (c.max_datagrams == 0) c.max_datagrams = 1;
        if (c.max_holes < 2) c.max_holes = 2;
        return c;
    }
    static std::size_t blocks_for(const ReassemblyConfig& c) noexcept {
        const std::size_t n = c.memory / block_size;
        return n == 0 ? 1 : n;
    }

    Hole* holes_of(std::uint32_t slot) noexcept {
        return holes_.data() + std::size_t{slot} * config_.max_holes;
    }

    void release_block(std::uint32_t b) noexcept {
        blocks_[b].next = free_head_;
        free_head_ = b;
        ++free_blocks_;
    }

    // The one allocation: every buffer at its final size.
    void allocate() {
        pool_ = ByteBuffer(blocks_for(config_) * block_size);
        blocks_.resize(blocks_for(config_));
        slots_.resize(config_.max_datagrams);
        holes_.resize(config_.max_datagrams * config_.max_holes);
        out_ = ByteBuffer(65535);
        for (std::size_t i = blocks_.size(); i-- > 0;)
            release_block(static_cast<std::uint32_t>(i));
        free_slots_.reserve(slots_.size());
        for (std::size_t i = slots_.size(); i-- > 0;)
            free_slots_.push_back(static_cast<std::uint32_t>(i));
        index_.reserve(slots_.size());
    }

    std::uint32_t open_slot(const Key& k, Instant now);
    void kill(std::uint32_t slot) noexcept;
    bool make_room(std::uint32_t keep, std::size_t blocks) noexcept;
    Result finish(std::uint32_t slot);

    ReassemblyConfig config_;
    ByteBuffer pool_; ///< not zeroed: resident only as far as fragments reach
    std::vector<Block> blocks_;
    std::uint32_t free_head_ = none;
    std::size_t free_blocks_ = 0;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::vector<Hole> holes_;
    std::uint32_t oldest_ = none, newest_ = none;
    boost::unordered_flat_map<Key, std::uint32_t, KeyHash> index_;
    ByteBuffer out_;
    ReassemblyCounters counters_{};
};

// ---------------------------------------------------------------- add

inline Reassembler::Result Reassembler::add(Ipv4View<const Byte> ip, Instant now) {
    if (!ip.is_fragment())
        return {Status::complete, ip.bytes().first(ip.header_len() + ip.payload().size())};
    ++counters_.fragments;
    if (out_.empty()) [[unlikely]]
        allocate();
    const Bytes data = ip.payload();
    const std::uint32_t off = ip.frag_offset();
    const auto len = static_cast<std::uint32_t>(data.size());
    const std::uint32_t end = off + len;
    const bool mf = ip.more_frags();

    // RFC 791: every fragment but the last carries a multiple of 8 bytes
    // (Linux trims the excess instead; a fragment without data has no place).
    if (len == 0 || (mf && len % 8 != 0)) {
        ++counters_.malformed;
        return {Status::malformed, {}};
    }
    const Key key{ip.src().value(), ip.dst().value(), ip.ident(),
                  static_cast<std::uint8_t>(ip.protocol())};
    const auto found = index_.find(key);
    // The reassembled datagram has at least a 20-byte header.
    if (ipv4_min_header_len + end > 65535) {
        if (found != index_.end()) kill(found->second);
        ++counters_.too_big;
        return {Status::too_big, {}};
    }

    std::uint32_t si = found != index_.end() ? found->second : open_slot(key, now);
    Slot* s = &slots_[si];

    // Ends must agree (Linux's ip_frag_queue "corrupted" checks).
    if ((!mf && ((s->have_last && end != s->data_len) || (!s->have_last && end < s->max_end))) ||
        (mf && s->have_last && end > s->data_len)) {
        kill(si);
        ++counters_.malformed;
        return {Status::malformed, {}};
    }

    // RFC 815: find the hole holding the fragment.
    Hole* holes = holes_of(si);
    std::uint32_t h = none;
    bool touches_hole = false;
    for (std::uint32_t i = 0; i < s->holes; ++i) {
        if (off >= holes[i].end || end <= holes[i].begin) continue;
        touches_hole = true;
        if (off >= holes[i].begin && end <= holes[i].end) h = i;
        break; // holes are disjoint: a fragment inside one touches no other
    }
    if (!touches_hole) { // entirely within data already held
        ++counters_.duplicates;
        return {Status::incomplete, {}};
    }
    if (h == none) {
        kill(si);
        ++counters_.overlaps;
        return {Status::overlap, {}};
    }

    const Hole hole = holes[h];
    const bool left = off > hole.begin;
    const bool right = end < hole.end && mf;
    if (left && right && s->holes == config_.max_holes) {
        kill(si);
        ++counters_.no_memory;
        return {Status::no_memory, {}};
    }
    // Data continuing the previous fragment in order fills its last block
    // first, so small in-order fragments do not cost a block each.
    std::uint32_t room = 0;
    if (s->last_block != none) {
        const Block& lb = blocks_[s->last_block];
        if (lb.offset + lb.len == off) room = static_cast<std::uint32_t>(block_size) - lb.len;
    }
    const std::size_t need = len <= room ? 0 : (len - room + block_size - 1) / block_size;
    if (need > free_blocks_ && !make_room(si, need)) {
        kill(si);
        ++counters_.no_memory;
        return {Status::no_memory, {}};
    }
    s = &slots_[si];

    // Split the hole (RFC 815 steps 4-7): keep the part before, and the
    // part after unless this is the last fragment.
    if (left && right) {
        holes[h].end = off;
        holes[s->holes++] = Hole{end, hole.end};
    } else if (left) {
        holes[h].end = off;
    } else if (right) {
        holes[h].begin = end;
    } else {
        holes[h] = holes[--s->holes];
    }
    if (!mf) {
        s->have_last = true;
        s->data_len = end;
    }
    if (end > s->max_end) s->max_end = end;

    // Copy the data into blocks, appended to the datagram's list.
    std::uint32_t done = room < len ? room : len;
    if (done != 0) {
        Block& lb = blocks_[s->last_block];
        std::memcpy(pool_.data() + std::size_t{s->last_block} * block_size + lb.len, data.data(),
                    done);
        lb.len += done;
    }
    while (done < len) {
        const std::uint32_t b = free_head_;
        free_head_ = blocks_[b].next;
        --free_blocks_;
        const std::uint32_t n =
            len - done < block_size ? len - done : static_cast<std::uint32_t>(block_size);
        std::memcpy(pool_.data() + std::size_t{b} * block_size, data.data() + done, n);
        blocks_[b] = Block{none, off + done, n};
        if (s->last_block == none)
            s->first_block = b;
        else
            blocks_[s->last_block].next = b;
        s->last_block = b;
        done += n;
    }
    if (off == 0) {
        const std::size_t hl = ip.header_len();
        const std::size_t q = len < 8 ? len : 8;
        std::memcpy(s->quote.data(), ip.bytes().data(), hl);
        std::memcpy(s->quote.data() + hl, data.data(), q);
        s->have_first = true;
        s->header_len = static_cast<std::uint8_t>(hl);
        s->quote_len = static_cast<std::uint8_t>(hl + q);
    }
    if (s->holes == 0) return finish(si);
    return {Status::incomplete, {}};
}

inline std::uint32_t Reassembler::open_slot(const Key& k, Instant now) {
    if (free_slots_.empty()) {
        kill(oldest_);
        ++counters_.evicted;
    }
    const std::uint32_t i = free_slots_.back();
    free_slots_.pop_back();
    Slot& s = slots_[i];
    s = Slot{};
    s.key = k;
    s.deadline = now + config_.timeout;
    s.holes = 1;
    holes_of(i)[0] = Hole{0, infinity};
    // Newest at the tail of the age list.
    s.older = newest_;
    if (newest_ != none)
        slots_[newest_].newer = i;
    else
        oldest_ = i;
    newest_ = i;
    index_.emplace(k, i);
    return i;
}

inline void Reassembler::kill(std::uint32_t i) noexcept {
    Slot& s = slots_[i];
    for (std::uint32_t b = s.first_block; b != none;) {
        const std::uint32_t next = blocks_[b].next;
        release_block(b);
        b = next;
    }
    s.first_block = s.last_block = none;
    if (s.older != none)
        slots_[s.older].newer = s.newer;
    else
        oldest_ = s.newer;
    if (s.newer != none)
        slots_[s.newer].older = s.older;
    else
        newest_ = s.older;
    s.older = s.newer = none;
    index_.erase(s.key);
    free_slots_.push_back(i);
}

// Evicts the oldest datagrams other than `keep` until `blocks` are free.
inline bool Reassembler::make_room(std::uint32_t keep, std::size_t blocks) noexcept {
    while (free_blocks_ < blocks) {
        std::uint32_t victim = oldest_;
        if (victim == keep) victim = slots_[victim].newer;
        if (victim == none) return false;
        kill(victim);
        ++counters_.evicted;
    }
    return true;
}

inline Reassembler::Result Reassembler::finish(std::uint32_t i) {
    Slot& s = slots_[i];
    const std::size_t hl = s.header_len;
    const std::size_t total = hl + s.data_len;
    if (total > 65535) { // fragment 0 had options: too long after all
        kill(i);
        ++counters_.too_big;
        return {Status::too_big, {}};
    }
    std::memcpy(out_.data(), s.quote.data(), hl);
    for (std::uint32_t b = s.first_block; b != none; b = blocks_[b].next)
        std::memcpy(out_.data() + hl + blocks_[b].offset,
                    pool_.data() + std::size_t{b} * block_size, blocks_[b].len);
    const auto v = Ipv4View<Byte>::unchecked(MutBytes(out_.data(), total));
    v.set_total_len(static_cast<std::uint16_t>(total));
    v.set_more_frags(false);
    v.set_frag_offset_raw(0);
    v.fill_checksum();
    kill(i);
    ++counters_.reassembled;
    return {Status::complete, Bytes(out_.data(), total)};
}

} // namespace strata::stack
