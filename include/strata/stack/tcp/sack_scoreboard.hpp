// The sender's record of what the peer SACKed (RFC 2018), and the RFC 6675
// routines the loss-recovery algorithm asks of it: IsLost, SetPipe (§4) and
// rules 1 and 3 of NextSeg. Ranges live in a fixed array: no allocation.
// When the array is full the highest range is forgotten; that only makes
// the sender more conservative (it may retransmit bytes the peer holds).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <strata/core/seq_num.hpp>
#include <strata/wire/tcp_options.hpp>

namespace strata::stack::tcp {

class SackScoreboard {
public:
    /// RFC 6675 §2: DupThresh.
    static constexpr std::uint32_t dup_thresh = 3;
    /// How many disjoint SACKed ranges are remembered.
    static constexpr std::size_t max_ranges = 32;

    /// A SACKed range [left, right).
    struct Range {
        SeqNum left;
        SeqNum right;
    };
    /// One segment to retransmit. `lost` is true for NextSeg rule 1 (IsLost
    /// holds: send it before new data) and false for rule 3 (send it only
    /// when rule 2, new data, has nothing).
    struct Segment {
        SeqNum seq;
        std::uint32_t len = 0;
        bool lost = true;
    };

    void clear() noexcept { n_ = 0; }

    /// Merges the ACK's SACK blocks and drops everything below snd_una.
    /// Blocks ending at or below snd_una (D-SACK, RFC 2883), empty or
    /// inverted ones, and ones beyond snd_nxt are ignored; one that
    /// straddles snd_una is cut there. Returns the bytes newly SACKed.
    std::uint32_t update(SeqNum snd_una, SeqNum snd_nxt,
                         std::span<const TcpSackBlock> blocks) noexcept {
        drop_below(snd_una);
        std::uint32_t added = 0;
        for (const TcpSackBlock& b : blocks) {
            if (!(b.left < b.right)) continue;
            if (b.right <= snd_una || b.right > snd_nxt) continue;
            const SeqNum left = b.left < snd_una ? snd_una : b.left;
            added += insert(left, b.right);
        }
        return added;
    }

    [[nodiscard]] bool is_sacked(SeqNum s) const noexcept {
        for (std::size_t i = 0; i < n_; ++i)
            if (r_[i].left <= s && s < r_[i].right) return true;
        return false;
    }

    /// RFC 6675 §4 IsLost(s): DupThresh discontiguous SACKed ranges, or more
    /// than (DupThresh - 1) * SMSS SACKed bytes, lie above s.
    [[nodiscard]] bool is_lost(SeqNum s, std::uint32_t mss) const noexcept {
        std::uint32_t ranges = 0;
        std::uint64_t bytes = 0;
        for (std::size_t i = n_; i-- > 0;) {
            if (r_[i].right <= s + 1) break;
            ++ranges;
            const SeqNum from = r_[i].left > s ? r_[i].left : s + 1;
            bytes += static_cast<std::uint32_t>(r_[i].right - from);
        }
        return ranges >= dup_thresh || bytes > std::uint64_t{dup_thresh - 1} * mss;
    }

    /// RFC 6675 §4 SetPipe, counted in octets (which §4 allows): every byte
    /// in [snd_una, snd_nxt) that is not SACKed counts once unless IsLost says
    /// it is lost, and once more if it was retransmitted. `high_rxt` is one
    /// past the highest retransmitted byte (HighRxt + 1); bytes below it were
    /// retransmitted. Outside recovery pass snd_una.
    [[nodiscard]] std::uint32_t pipe(SeqNum snd_una, SeqNum snd_nxt, SeqNum high_rxt,
                                     std::uint32_t mss) const noexcept {
        std::uint64_t total = 0;
        // Walk the holes from the top down: IsLost is constant across a hole
        // (the SACKed data above every byte of it is the same).
        SeqNum hole_end = snd_nxt;
        std::uint32_t ranges_above = 0;
        std::uint64_t bytes_above = 0;
        for (std::size_t i = n_ + 1; i-- > 0;) {
            const SeqNum hole_begin = i == 0 ? snd_una : r_[i - 1].right;
            if (hole_begin < hole_end) {
                const bool lost =
                    ranges_above >= dup_thresh || bytes_above > std::uint64_t{dup_thresh - 1} * mss;
                if (!lost) total += static_cast<std::uint32_t>(hole_end - hole_begin);
                if (hole_begin < high_rxt) {
                    const SeqNum rx_end = high_rxt < hole_end ? high_rxt : hole_end;
                    total += static_cast<std::uint32_t>(rx_end - hole_begin);
                }
            }
            if (i == 0) break;
            ++ranges_above;
            bytes_above += static_cast<std::uint32_t>(r_[i - 1].right - r_[i - 1].left);
            hole_end = r_[i - 1].left;
        }
        return total > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(total);
    }

    /// RFC 6675 §4 NextSeg, rules 1 and 3: the lowest byte S2 >= high_rxt that
    /// is not SACKed and lies below the highest SACKed byte (and below
    /// snd_nxt, which may have been pulled back after a timeout); rule 1 if
    /// IsLost(S2), otherwise rule 3 (Segment::lost false). At most one SMSS,
    /// never into SACKed data. Rule 2 (new data) and rule 4 (rescue) are the
    /// connection's.
    [[nodiscard]] std::optional<Segment> next_seg(SeqNum snd_una, SeqNum snd_nxt, SeqNum high_rxt,
                                                  std::uint32_t mss) const noexcept {
        if (n_ == 0 || mss == 0) return std::nullopt;
        const SeqNum start = high_rxt > snd_una ? high_rxt : snd_una;
        SeqNum hole_begin = snd_una;
        for (std::size_t i = 0; i < n_; ++i) {
            const SeqNum b = hole_begin > start ? hole_begin : start;
            const SeqNum e = r_[i].left < snd_nxt ? r_[i].left : snd_nxt;
            if (b < e) {
                const auto room = static_cast<std::uint32_t>(e - b);
                return Segment{b, room < mss ? room : mss, is_lost(b, mss)};
            }
            if (!(r_[i].right < snd_nxt)) break;
            hole_begin = r_[i].right;
        }
        return std::nullopt;
    }

    [[nodiscard]] bool empty() const noexcept { return n_ == 0; }
    /// One past the highest SACKed byte; meaningless when empty().
    [[nodiscard]] SeqNum highest_sacked() const noexcept {
        return n_ == 0 ? SeqNum{} : r_[n_ - 1].right;
    }
    [[nodiscard]] std::uint32_t sacked_bytes() const noexcept {
        std::uint32_t total = 0;
        for (std::size_t i = 0; i < n_; ++i)
            total += static_cast<std::uint32_t>(r_[i].right - r_[i].left);
        return total;
    }
    /// The SACKed ranges in ascending order.
    [[nodiscard]] std::span<const Range> ranges() const noexcept { return {r_.data(), n_}; }

private:
    void drop_below(SeqNum una) noexcept {
        std::size_t keep = 0;
        for (std::size_t i = 0; i < n_; ++i) {
            if (r_[i].right <= una) continue;
            Range r = r_[i];
            if (r.left < una) r.left = una;
            r_[keep++] = r;
        }
        n_ = keep;
    }

    // Inserts [l, r) into the sorted disjoint list, merging what it touches;
    // returns how many bytes were not covered before.
    std::uint32_t insert(SeqNum l, SeqNum r) noexcept {
        // First range that ends at or after l (could touch or overlap).
        std::size_t i = 0;
        while (i < n_ && r_[i].right < l)
            ++i;
        // Ranges i..j-1 touch or overlap [l, r).
        std::size_t j = i;
        std::uint32_t covered = 0;
        SeqNum nl = l, nr = r;
        while (j < n_ && r_[j].left <= r) {
            const SeqNum ol = r_[j].left > l ? r_[j].left : l;
            const SeqNum orr = r_[j].right < r ? r_[j].right : r;
            if (ol < orr) covered += static_cast<std::uint32_t>(orr - ol);
            if (r_[j].left < nl) nl = r_[j].left;
            if (r_[j].right > nr) nr = r_[j].right;
            ++j;
        }
        const std::uint32_t added = static_cast<std::uint32_t>(r - l) - covered;
        if (j > i) {
            // Replace ranges i..j-1 by the merged one.
            r_[i] = Range{nl, nr};
            const std::size_t gone = j - i - 1;
            for (std::size_t k = i + 1; k + gone < n_; ++k)
                r_[k] = r_[k + gone];
            n_ -= gone;
            return added;
        }
        // A new disjoint range at position i.
        if (n_ == max_ranges) {
            if (i == n_) return 0; // above everything and no room: forget it
            --n_;                  // forget the highest range
        }
        for (std::size_t k = n_; k > i; --k)
            r_[k] = r_[k - 1];
        r_[i] = Range{l, r};
        ++n_;
        return added;
    }

    std::array<Range, max_ranges> r_{};
    std::size_t n_ = 0;
};

} // namespace strata::stack::tcp
