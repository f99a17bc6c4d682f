// IPv4 options (RFC 791 §3.1 "Options"): a lazy, allocation-free range over
// the option bytes of a header, and the validation Ipv4View::checked() uses.
//
// Two forms exist. Single-octet: End of Option List (0) and No Operation (1).
// Type-length-value: type, length (counting type and length, so >= 2), data.
// EOL ends the list; the bytes after it are padding up to the 32-bit
// boundary of the header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace ipv4_field {
/// The options area after the fixed header (errors place their offset at the
/// option that is wrong).
inline constexpr Field options{20, 60, "ipv4", "options"};
} // namespace ipv4_field

/// Option type numbers (IANA "IP Option Numbers"; the whole type octet,
/// copied flag and class included). Open: any octet is an option type.
namespace ipv4_option {
inline constexpr std::uint8_t eol = 0;            ///< End of Option List
inline constexpr std::uint8_t nop = 1;            ///< No Operation
inline constexpr std::uint8_t record_route = 7;   ///< RFC 791 §3.1
inline constexpr std::uint8_t timestamp = 68;     ///< RFC 791 §3.1
inline constexpr std::uint8_t security = 130;     ///< RFC 1108
inline constexpr std::uint8_t lsrr = 131;         ///< loose source and record route
inline constexpr std::uint8_t stream_id = 136;    ///< obsolete (RFC 6814)
inline constexpr std::uint8_t ssrr = 137;         ///< strict source and record route
inline constexpr std::uint8_t router_alert = 148; ///< RFC 2113
} // namespace ipv4_option

/// Most option bytes a header can hold: (15 - 5) * 4.
inline constexpr std::size_t ipv4_max_options_len = 40;

/// One option as found in the header. For NOP, `length` is 1 and `data` is
/// empty; for TLV options `data` is the `length - 2` bytes after the length.
template <ByteType B = const Byte>
struct Ipv4Option {
    std::uint8_t type = 0;
    std::uint8_t length = 0;
    std::span<B> data;

    /// Copied flag: the option is repeated in every fragment (RFC 791 §3.1).
    constexpr bool copied() const noexcept { return (type & 0x80) != 0; }
    /// Option class (0 control, 2 debugging and measurement).
    constexpr std::uint8_t option_class() const noexcept { return (type >> 5) & 0x3; }
    /// Option number (low 5 bits).
    constexpr std::uint8_t number() const noexcept { return type & 0x1f; }
};

namespace detail {
/// The fast walk Ipv4View::checked() runs: true when the options are well
/// formed (same rules as ipv4_check_options, which it calls only on failure
/// to say what is wrong).
constexpr bool ipv4_options_ok(const Byte* o, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n) {
        const Byte t = o[i];
        if (t == ipv4_option::eol) return true;
        if (t == ipv4_option::nop) {
            ++i;
            continue;
        }
        if (i + 1 >= n) return false;
        const std::size_t len = o[i + 1];
        if (len < 2 || len > n - i) return false;
        i += len;
    }
    return true;
}

/// Walks the option bytes `o` (header bytes 20 .. header_len), which sit at
/// `base` from the start of the IPv4 header. Errors (layer "ipv4", field
/// "options", offset = the offending option's type octet, from the start
/// of the IPv4 header):
///   length octet < 2                   → bad_length (value = length, expected 2)
///   length octet missing or option
///   running past the header            → truncated (value = end of option,
///                                          expected = header length)
constexpr Result<void> ipv4_check_options(Bytes o, std::size_t base) noexcept {
    std::size_t i = 0;
    while (i < o.size()) {
        const Byte t = o[i];
        if (t == ipv4_option::eol) break;
        if (t == ipv4_option::nop) {
            ++i;
            continue;
        }
        if (i + 1 >= o.size())
            return Error::at(ipv4_field::options, base + i, Errc::truncated, base + i + 2,
                             base + o.size());
        const std::size_t len = o[i + 1];
        if (len < 2) return Error::at(ipv4_field::options, base + i, Errc::bad_length, len, 2);
        if (len > o.size() - i)
            return Error::at(ipv4_field::options, base + i, Errc::truncated, base + i + len,
                             base + o.size());
        i += len;
    }
    return {};
}
} // namespace detail

/// The options of one header as a lazy forward range of Ipv4Option<B>.
/// Iteration stops at EOL, at the end of the bytes, or at a malformed option
/// (which Ipv4View::checked() has already rejected, so on a checked view
/// that last case does not arise). Nothing is allocated; each element
/// borrows from the packet.
template <ByteType B = const Byte>
class Ipv4OptionRange : public CursorRange<Ipv4OptionRange<B>> {
    friend cursor_access;

    std::span<B> opts_;
    std::size_t pos_ = 0;
    std::size_t len_ = 0; // length of the option at pos_, 0 = at the end

    // The length of the option at `at`, or 0 when iteration must stop there.
    constexpr std::size_t length_at(std::size_t at) const noexcept {
        if (at >= opts_.size()) return 0;
        const Byte t = opts_[at];
        if (t == ipv4_option::eol) return 0;
        if (t == ipv4_option::nop) return 1;
        if (at + 1 >= opts_.size()) return 0;
        const std::size_t len = opts_[at + 1];
        if (len < 2 || len > opts_.size() - at) return 0;
        return len;
    }

    // The range is its own cursor (core/cursor_range.hpp).
    template <class>
    friend class CursorIterator;
    constexpr Ipv4OptionRange begin_cursor() const noexcept { return *this; }
    constexpr Ipv4Option<B> read() const noexcept {
        const Byte t = opts_[pos_];
        if (len_ == 1) return Ipv4Option<B>{t, 1, {}};
        return Ipv4Option<B>{t, static_cast<std::uint8_t>(len_), opts_.subspan(pos_ + 2, len_ - 2)};
    }
    constexpr void next() noexcept {
        pos_ += len_;
        len_ = length_at(pos_);
    }
    constexpr bool done() const noexcept { return len_ == 0; }
    constexpr bool equal(const Ipv4OptionRange& other) const noexcept {
        return pos_ == other.pos_ && len_ == other.len_;
    }

public:
    constexpr Ipv4OptionRange() = default;
    /// `opts`: header bytes 20 .. header_len.
    constexpr explicit Ipv4OptionRange(std::span<B> opts) noexcept
        : opts_(opts), pos_(0), len_(length_at(0)) {}
};

} // namespace strata
