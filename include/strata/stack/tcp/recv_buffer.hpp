// The bytes a TCP receiver holds: in-order data the application has not read
// yet, then the window, where out-of-order segments are stored at their place
// until the hole before them fills. One ring allocated at construction; the
// out-of-order ranges are a small fixed array, kept with the order in which
// they were last touched so the ACK can list SACK blocks most recent first
// (RFC 2018 §4).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <strata/core/bytes.hpp>

namespace strata::stack::tcp {

class RecvBuffer {
public:
    /// How many disjoint out-of-order ranges are kept. Linux keeps more, but
    /// an ACK reports at most 4 SACK blocks (3 beside timestamps).
    static constexpr std::size_t max_ranges = 16;

    /// An out-of-order range as offsets [begin, end) from rcv_nxt.
    struct Range {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
    };

    /// The largest capacity kept: TCP's largest window, 2^30 (RFC 7323 §2.3,
    /// shift 14). Offsets are 32-bit; a larger request is cut to this.
    static constexpr std::size_t max_capacity = std::size_t{1} << 30;

    explicit RecvBuffer(std::size_t capacity)
        : cap_(capacity < max_capacity ? capacity : max_capacity),
          buf_(cap_ == 0 ? nullptr : std::make_unique<Byte[]>(cap_)) {}

    /// Stores `data`, which starts `offset` bytes after rcv_nxt, as far as it
    /// fits in the window; returns how many bytes became in order (the
    /// caller advances rcv_nxt by that much, and readable() grew by it).
    std::size_t insert(std::size_t offset, Bytes data) noexcept {
        const std::size_t win = window();
        if (offset >= win || data.empty()) return 0;
        const std::size_t len = data.size() < win - offset ? data.size() : win - offset;
        const std::size_t end = offset + len;
        if (offset > 0 &&
            !add_range(static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(end)))
            return 0; // no room to remember another hole: drop it, the peer resends
        put(offset, data.first(len));
        if (offset > 0) return 0;
        // In order: absorb every out-of-order range the new data reaches.
        std::size_t reach = end;
        std::size_t k = 0;
        while (k < n_ && r_[k].begin <= reach) {
            if (r_[k].end > reach) reach = r_[k].end;
            ++k;
        }
        const auto advance = static_cast<std::uint32_t>(reach);
        for (std::size_t i = k; i < n_; ++i)
            r_[i - k] = Slot{r_[i].begin - advance, r_[i].end - advance, r_[i].stamp};
        n_ -= k;
        readable_ += reach;
        return reach;
    }

    [[nodiscard]] std::size_t readable() const noexcept { return readable_; }

    /// Copies up to out.size() in-order bytes and frees them.
    std::size_t read(MutBytes out) noexcept {
        const std::size_t n = out.size() < readable_ ? out.size() : readable_;
        const std::size_t first = (cap_ - head_) < n ? (cap_ - head_) : n;
        copy_bytes(Bytes{buf_.get() + head_, first}, out.data());
        copy_bytes(Bytes{buf_.get(), n - first}, out.data() + first);
        head_ = wrap(head_ + n);
        readable_ -= n;
        return n;
    }

    /// The space to advertise: capacity - readable (out-of-order data sits
    /// inside the window, RFC 9293 §3.8.6.2.2 lets it).
    [[nodiscard]] std::size_t window() const noexcept { return cap_ - readable_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
    [[nodiscard]] bool has_out_of_order() const noexcept { return n_ != 0; }

    /// The out-of-order ranges, most recently updated first (RFC 2018 §4: the
    /// first block holds the segment that triggered the ACK, then the most
    /// recently reported ones). Writes at most out.size(); returns the count.
    std::size_t sack_ranges(std::span<Range> out) const noexcept {
        std::size_t written = 0;
        std::uint64_t below = ~std::uint64_t{0}; // stamps are unique: pick in descending order
        while (written < out.size()) {
            std::size_t best = n_;
            for (std::size_t i = 0; i < n_; ++i)
                if (r_[i].stamp < below && (best == n_ || r_[i].stamp > r_[best].stamp)) best = i;
            if (best == n_) break;
            out[written++] = Range{r_[best].begin, r_[best].end};
            below = r_[best].stamp;
        }
        return written;
    }

private:
    struct Slot {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
        std::uint64_t stamp = 0;
    };

    [[nodiscard]] std::size_t wrap(std::size_t i) const noexcept {
        return i >= cap_ ? i - cap_ : i;
    }

    // Copies data to the ring at `offset` after rcv_nxt; the caller checked
    // that it lies inside the window.
    void put(std::size_t offset, Bytes data) noexcept {
        std::size_t pos = wrap(head_ + readable_);
        pos = wrap(pos + offset);
        const std::size_t first = (cap_ - pos) < data.size() ? (cap_ - pos) : data.size();
        copy_bytes(data.first(first), buf_.get() + pos);
        copy_bytes(data.subspan(first), buf_.get());
    }

    // Records [b, e) (b > 0) as received out of order, merged with what it
    // touches, stamped as the most recent. False when it needs a new slot and
    // none can be freed.
    bool add_range(std::uint32_t b, std::uint32_t e) noexcept {
        const std::uint64_t stamp = ++clock_;
        std::size_t i = 0;
        while (i < n_ && r_[i].end < b)
            ++i;
        std::size_t j = i;
        std::uint32_t nb = b, ne = e;
        while (j < n_ && r_[j].begin <= e) {
            if (r_[j].begin < nb) nb = r_[j].begin;
            if (r_[j].end > ne) ne = r_[j].end;
            ++j;
        }
        if (j > i) {
            r_[i] = Slot{nb, ne, stamp};
            const std::size_t gone = j - i - 1;
            for (std::size_t k = i + 1; k + gone < n_; ++k)
                r_[k] = r_[k + gone];
            n_ -= gone;
            return true;
        }
        if (n_ == max_ranges) {
            // Keep the ranges nearest rcv_nxt: they are the ones that will
            // become readable first (Linux prunes its queue from the end too).
            if (i == n_) return false;
            --n_;
        }
        for (std::size_t k = n_; k > i; --k)
            r_[k] = r_[k - 1];
        r_[i] = Slot{b, e, stamp};
        ++n_;
        return true;
    }

    std::size_t cap_ = 0;
    std::unique_ptr<Byte[]> buf_;
    std::size_t head_ = 0;     // ring index of the first readable byte
    std::size_t readable_ = 0; // in-order bytes not read yet
    std::array<Slot, max_ranges> r_{};
    std::size_t n_ = 0;
    std::uint64_t clock_ = 0;
};

} // namespace strata::stack::tcp
