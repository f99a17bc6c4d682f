// TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018): a lazy range over the
// option area of a TCP header, yielding one TcpOption per option, without
// allocation.
//
// Every option but EOL (kind 0) and NOP (kind 1) is kind, length, data; the
// length counts the kind and length bytes. Iteration ends after an EOL (the
// rest of the area is padding, RFC 9293 §3.1), at the end of the area, or just
// before the first malformed option (then TcpOptions::error() says why).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/error.hpp>
#include <strata/core/seq_num.hpp>

namespace strata {

namespace tcp_field {
/// The options area after the fixed header (errors place their offset at the
/// option that is wrong).
inline constexpr Field options{20, 60, "tcp", "options"};
} // namespace tcp_field

/// Option kinds (IANA "TCP Option Kind Numbers"). Open: any byte is a kind.
enum class TcpOptionKind : std::uint8_t {
    eol = 0,            ///< end of option list (RFC 9293)
    nop = 1,            ///< no-operation, padding (RFC 9293)
    mss = 2,            ///< maximum segment size, len 4 (RFC 9293 §3.7.1)
    window_scale = 3,   ///< shift count, len 3 (RFC 7323 §2)
    sack_permitted = 4, ///< len 2 (RFC 2018 §2)
    sack = 5,           ///< 1..4 blocks, len 2 + 8n (RFC 2018 §3)
    timestamps = 8,     ///< TSval, TSecr, len 10 (RFC 7323 §3)
};

constexpr std::string_view to_string(TcpOptionKind k) noexcept {
    switch (k) {
    case TcpOptionKind::eol:
        return "EOL";
    case TcpOptionKind::nop:
        return "NOP";
    case TcpOptionKind::mss:
        return "MSS";
    case TcpOptionKind::window_scale:
        return "WS";
    case TcpOptionKind::sack_permitted:
        return "SACK_PERM";
    case TcpOptionKind::sack:
        return "SACK";
    case TcpOptionKind::timestamps:
        return "TS";
    }
    return "unknown";
}

/// One SACK block: the left edge and the sequence number just after the
/// right edge of a block of data received out of order (RFC 2018 §3).
struct TcpSackBlock {
    SeqNum left;
    SeqNum right;
    friend constexpr bool operator==(const TcpSackBlock&, const TcpSackBlock&) = default;
};

/// The timestamps option (RFC 7323 §3.2). Plain integers: TSval is a clock
/// tick count, compared modulo 2^32 by PAWS (RFC 7323 §5).
struct TcpTimestamps {
    std::uint32_t tsval = 0;
    std::uint32_t tsecr = 0;
    friend constexpr bool operator==(const TcpTimestamps&, const TcpTimestamps&) = default;
};

namespace tcp_option_len {
inline constexpr std::size_t mss = 4;
inline constexpr std::size_t window_scale = 3;
inline constexpr std::size_t sack_permitted = 2;
inline constexpr std::size_t timestamps = 10;
inline constexpr std::size_t sack_base = 2;
inline constexpr std::size_t sack_block = 8;
inline constexpr std::size_t max_sack_blocks = 4; ///< (40 - 2) / 8
} // namespace tcp_option_len

/// One option as found in the header. The decoding getters have a
/// precondition on kind(); a TcpOptions range only yields options whose
/// length matches their kind, so they never read outside bytes().
class TcpOption {
    Bytes raw_;

public:
    constexpr TcpOption() = default;
    /// `raw` is the whole option: kind, length and data (one byte for EOL/NOP).
    constexpr explicit TcpOption(Bytes raw) noexcept : raw_(raw) {}

    constexpr TcpOptionKind kind() const noexcept { return TcpOptionKind{raw_[0]}; }
    /// The whole option, kind and length bytes included.
    constexpr Bytes bytes() const noexcept { return raw_; }
    constexpr std::size_t size() const noexcept { return raw_.size(); }
    /// The data after kind and length (empty for EOL and NOP). For unknown kinds.
    constexpr Bytes data() const noexcept { return raw_.size() > 2 ? raw_.subspan(2) : Bytes{}; }

    /// Precondition: kind() == mss.
    constexpr std::uint16_t mss() const noexcept { return load_be16(raw_.data() + 2); }
    /// Precondition: kind() == window_scale. The raw shift; RFC 7323 §2.3
    /// says a receiver uses 14 when it is larger.
    constexpr std::uint8_t window_scale() const noexcept { return raw_[2]; }
    /// Precondition: kind() == sack. 1..4.
    constexpr std::size_t sack_count() const noexcept {
        return (raw_.size() - tcp_option_len::sack_base) / tcp_option_len::sack_block;
    }
    /// Precondition: kind() == sack, i < sack_count().
    constexpr TcpSackBlock sack_block(std::size_t i) const noexcept {
        const Byte* p = raw_.data() + tcp_option_len::sack_base + i * tcp_option_len::sack_block;
        return TcpSackBlock{SeqNum{load_be32(p)}, SeqNum{load_be32(p + 4)}};
    }
    /// Precondition: kind() == timestamps.
    constexpr TcpTimestamps timestamps() const noexcept {
        return TcpTimestamps{load_be32(raw_.data() + 2), load_be32(raw_.data() + 6)};
    }
};

namespace detail {
/// What is wrong with the option at the start of `p[0..avail)`, or its length.
struct TcpOptionScan {
    std::size_t len = 0; ///< bytes the option takes, when code is absent
    bool ok = false;
    Errc code = Errc::truncated;
    std::uint64_t value = 0;
    std::uint64_t expected = 0;
};

/// Precondition: avail >= 1. RFC 9293 §3.2: an option other than EOL/NOP
/// has a length byte counting itself and the kind, so at least 2.
constexpr TcpOptionScan scan_tcp_option(const Byte* p, std::size_t avail) noexcept {
    const Byte kind = p[0];
    if (kind <= 1) return {1, true};
    if (avail < 2) return {0, false, Errc::truncated, 2, avail};
    const std::size_t len = p[1];
    if (len < 2) return {0, false, Errc::bad_length, len, 2};
    if (len > avail) return {0, false, Errc::truncated, len, avail};
    std::size_t want = len;
    switch (static_cast<TcpOptionKind>(kind)) {
    case TcpOptionKind::mss:
        want = tcp_option_len::mss;
        break;
    case TcpOptionKind::window_scale:
        want = tcp_option_len::window_scale;
        break;
    case TcpOptionKind::sack_permitted:
        want = tcp_option_len::sack_permitted;
        break;
    case TcpOptionKind::timestamps:
        want = tcp_option_len::timestamps;
        break;
    case TcpOptionKind::sack:
        // 2 + 8n for n in 1..4 (RFC 2018 §3); an area of at most 40 bytes
        // already caps n at 4.
        if (len < tcp_option_len::sack_base + tcp_option_len::sack_block ||
            (len - tcp_option_len::sack_base) % tcp_option_len::sack_block != 0)
            want = tcp_option_len::sack_base + tcp_option_len::sack_block;
        break;
    default:
        break;
    }
    if (len != want) return {0, false, Errc::bad_value, len, want};
    return {len, true};
}

/// Walks an option area one option at a time; the cursor behind TcpOptions,
/// usable directly where range-v3's iterators are not constexpr (0.12).
struct TcpOptionCursor {
    const Byte* p = nullptr;
    const Byte* end = nullptr;
    std::size_t len = 0; ///< length of the current option; 0 when done

    constexpr TcpOptionCursor() = default;
    constexpr TcpOptionCursor(const Byte* first, const Byte* last) noexcept : p(first), end(last) {
        settle();
    }
    /// Measures the option at p; a malformed one ends the walk.
    constexpr void settle() noexcept {
        if (p == end) {
            len = 0;
            return;
        }
        const auto s = scan_tcp_option(p, static_cast<std::size_t>(end - p));
        len = s.ok ? s.len : 0;
    }
    constexpr bool done() const noexcept { return len == 0; }
    /// Precondition: !done().
    constexpr TcpOption read() const noexcept { return TcpOption{Bytes{p, len}}; }
    /// Precondition: !done().
    constexpr void next() noexcept {
        if (*p == 0) { // EOL: what follows is padding (RFC 9293 §3.1)
            p = end;
            len = 0;
            return;
        }
        p += len;
        settle();
    }
    constexpr bool equal(const TcpOptionCursor& o) const noexcept {
        return (done() && o.done()) || p == o.p;
    }
};
} // namespace detail

/// Lazy range of TcpOption over an option area (the bytes between offset 20
/// and the data offset). `base` is the area's offset inside the TCP header,
/// used for error offsets (20 for a real header).
class TcpOptions : public CursorRange<TcpOptions> {
    friend cursor_access;
    Bytes area_;
    std::size_t base_ = 20;

    using cursor = detail::TcpOptionCursor;
    constexpr cursor begin_cursor() const noexcept {
        return cursor{area_.data(), area_.data() + area_.size()};
    }

public:
    constexpr TcpOptions() = default;
    constexpr explicit TcpOptions(Bytes area, std::size_t base = 20) noexcept
        : area_(area), base_(base) {}

    /// The option area as given.
    constexpr Bytes bytes() const noexcept { return area_; }

    /// The first malformed option (layer "tcp", field "options", offset of the
    /// option from the start of the TCP header), or nothing when the whole
    /// area up to EOL is well formed. Codes:
    ///   length byte 0 or 1                      → bad_length (value = length)
    ///   no length byte, or option past the area → truncated
    ///   known kind with the wrong length        → bad_value (value, expected)
    constexpr std::optional<Error> error() const noexcept {
        std::size_t i = 0;
        while (i < area_.size()) {
            if (area_[i] == 0) return std::nullopt;
            const auto s = detail::scan_tcp_option(area_.data() + i, area_.size() - i);
            if (!s.ok) return Error::at(tcp_field::options, base_ + i, s.code, s.value, s.expected);
            i += s.len;
        }
        return std::nullopt;
    }
};

} // namespace strata
