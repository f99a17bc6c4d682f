// Domain names (RFC 1035 §3.1, §4.1.4): a zero-copy NameView into a message,
// which may be compressed, and an owned Name holding the uncompressed wire
// form in an inline 255-byte buffer (no heap).
//
// Decompression is the classic attack surface of DNS parsers, so a NameView
// only exists after `NameView::checked` walked the whole pointer chain once.
// The rules, each with its own error (layer "dns", offset of the bad byte):
//   ("name", truncated)            a label runs past the bound (offset: its length
//                                  byte) or the next length byte would (offset: the
//                                  bound); the bound is the message end, or the
//                                  RDATA end before the first pointer
//   ("name_pointer", truncated)    the 2nd pointer byte is missing
//   ("name_pointer", too_big)      out of bounds: target past the end of the message
//   ("name_pointer", bad_value)    forward pointer: target after the pointer itself
//   ("name_pointer", loop)         target inside the stretch being read
//                                  (at/after the start of the current segment):
//                                  following it would revisit the same bytes
//   ("name_pointer", limit_exceeded) more than `max_pointer_hops` pointers
//   ("label_type", unsupported)    0b01 label type (0x40..0x7f: RFC 6891 §5
//                                  extended labels, RFC 2673 binary labels)
//   ("label_type", bad_value)      0b10 label type (0x80..0xbf), reserved
//   ("name", too_big)              more than 255 octets uncompressed (§3.1)
// Each pointer must target strictly before the start of the segment it was
// read from, so the segment starts strictly decrease: the walk ends even
// without the hop counter, which only bounds the work per name. Pointers into
// the header are not special: they are bounded like any other.
// On the wire a label longer than 63 cannot be written (the length byte has
// six bits); a length byte above 63 is one of the label types above. From
// text, ("label", too_big) reports it.
//
// Comparison is ASCII case-insensitive (RFC 4343 §3); other bytes compare
// exactly. Text form: labels joined by '.', the root is "."; special
// characters are escaped as \c and non-printable bytes as \DDD (RFC 1035 §5.1,
// RFC 4343 §2.1).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>

namespace strata::dns {

/// RFC 1035 §3.1: a name is at most 255 octets including length bytes and
/// the terminating root label.
inline constexpr std::size_t max_name_len = 255;
/// RFC 1035 §2.3.4.
inline constexpr std::size_t max_label_len = 63;
/// Upper bound on compression pointers followed for one name. 127 is the
/// most labels a name can have, so a well-formed message never needs more.
inline constexpr std::size_t max_pointer_hops = 127;
/// Largest DNS message (the TCP length prefix is 16 bits, RFC 1035 §4.2.2).
inline constexpr std::size_t max_message_len = 65535;

namespace detail {

inline constexpr std::array<Byte, 1> root_wire{0};

constexpr Byte ascii_lower(Byte c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<Byte>(c + ('a' - 'A')) : c;
}

/// What a successful walk learnt about a name.
struct NameInfo {
    std::uint16_t wire_len; ///< bytes the name occupies where it starts
    std::uint8_t length;    ///< uncompressed length, including the root byte
    std::uint8_t labels;    ///< labels, not counting the root
};

/// Walks and validates a possibly compressed name at `offset` in `msg`. The
/// first segment (before any pointer) must end before `end` (a record's RDATA
/// end); after a pointer the whole message is reachable. On failure fills
/// `err` and returns wire_len 0 (a name always occupies at least one byte).
/// Not a Result: this runs for every name, and the 4-byte NameInfo comes
/// back in a register (an out-parameter written as three narrow stores and
/// read back as one word stalled store forwarding). Always inlined: clang 14
/// keeps it out of line otherwise, on the path of every record
/// (docs/bench/dns.md, "History from the headers").
[[gnu::always_inline]] constexpr NameInfo scan_name(Bytes msg, std::size_t offset, std::size_t end,
                                                    Error& err) noexcept {
    // Runs for every name of every message: the common path is one load, a
    // few predicted compares and an add per label; the rarely taken checks
    // are merged and sorted out on the error path.
    const Byte* const p = msg.data();
    const std::size_t size = msg.size();
    std::size_t pos = offset;
    std::size_t bound = end;        // first segment: the caller's bound
    std::size_t seg_start = offset; // pointers must target strictly before this
    std::size_t wire_len = 0;       // set at the first pointer or at the root
    std::size_t length = 1;         // the root byte
    std::size_t labels = 0;
    std::size_t hops = 0;
    if (pos >= bound) {
        err = Error::at(dns_field::name, pos, Errc::truncated, pos, bound);
        return NameInfo{0, 0, 0};
    }
    for (;;) { // invariant: pos < bound
        const Byte b = p[pos];
        if (b < 0x40) {
            if (b == 0) {
                if (hops == 0) wire_len = pos + 1 - offset;
                break;
            }
            const std::size_t next = pos + b + 1;
            length += std::size_t{b} + 1;
            if (length > max_name_len) {
                err = Error::at(dns_field::name, pos, Errc::too_big, length, max_name_len);
                return NameInfo{0, 0, 0};
            }
            if (next >= bound) {
                if (next > bound) // the label's bytes run past the bound
                    err = Error::at(dns_field::name, pos, Errc::truncated, next, bound);
                else // no room for the next length byte
                    err = Error::at(dns_field::name, next, Errc::truncated, next, bound);
                return NameInfo{0, 0, 0};
            }
            ++labels;
            pos = next;
            continue;
        }
        if (b < 0xc0) {
            if (b < 0x80)
                err = Error::at(dns_field::label_type, pos, Errc::unsupported, b, 0);
            else
                err = Error::at(dns_field::label_type, pos, Errc::bad_value, b, 0);
            return NameInfo{0, 0, 0};
        }
        // Compression pointer (RFC 1035 §4.1.4).
        if (pos + 1 >= bound) {
            err = Error::at(dns_field::name_pointer, pos, Errc::truncated, pos + 2, bound);
            return NameInfo{0, 0, 0};
        }
        const std::size_t target = (std::size_t{b & 0x3fu} << 8) | p[pos + 1];
        if (hops == 0) wire_len = pos + 2 - offset;
        // seg_start <= pos < size, so one compare catches all three cases.
        if (target >= seg_start) {
            if (target >= size)
                err = Error::at(dns_field::name_pointer, pos, Errc::too_big, target, size);
            else if (target > pos)
                err = Error::at(dns_field::name_pointer, pos, Errc::bad_value, target, seg_start);
            else
                err = Error::at(dns_field::name_pointer, pos, Errc::loop, target, seg_start);
            return NameInfo{0, 0, 0};
        }
        if (++hops > max_pointer_hops) {
            err = Error::at(dns_field::name_pointer, pos, Errc::limit_exceeded, hops,
                            max_pointer_hops);
            return NameInfo{0, 0, 0};
        }
        seg_start = target;
        pos = target;
        bound = size;
    }
    return NameInfo{static_cast<std::uint16_t>(wire_len), static_cast<std::uint8_t>(length),
                    static_cast<std::uint8_t>(labels)};
}

/// Position of the next label length byte at or after `pos`, following
/// pointers. Precondition: the name was validated by scan_name.
constexpr std::size_t follow(const Byte* p, std::size_t pos) noexcept {
    while (p[pos] >= 0xc0)
        pos = (std::size_t{p[pos] & 0x3fu} << 8) | p[pos + 1];
    return pos;
}

/// RFC 1035 §5.1 characters that need a backslash in master-file text.
constexpr bool is_special(Byte c) noexcept {
    return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
           c == '$';
}

inline void append_label_text(std::string& out, const Byte* l, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const Byte c = l[i];
        if (is_special(c)) {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c > 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('\\');
            out.push_back(static_cast<char>('0' + c / 100));
            out.push_back(static_cast<char>('0' + (c / 10) % 10));
            out.push_back(static_cast<char>('0' + c % 10));
        }
    }
}

} // namespace detail

/// Labels of a validated name, first to last, without the root; each label is
/// the span of its bytes (without the length byte). Pointers are followed
/// transparently. A forward range; iteration cannot fail.
class LabelRange : public CursorRange<LabelRange> {
    friend cursor_access;
    const Byte* msg_ = detail::root_wire.data();
    std::size_t start_ = 0;

    struct cursor {
        const Byte* msg = detail::root_wire.data();
        std::size_t pos = 0; // a label length byte, never a pointer
        [[nodiscard]] Bytes read() const noexcept { return Bytes{msg + pos + 1, msg[pos]}; }
        void next() noexcept { pos = detail::follow(msg, pos + 1 + msg[pos]); }
        [[nodiscard]] bool done() const noexcept { return msg[pos] == 0; }
        [[nodiscard]] bool equal(const cursor& o) const noexcept { return pos == o.pos; }
    };
    [[nodiscard]] cursor begin_cursor() const noexcept {
        return cursor{msg_, detail::follow(msg_, start_)};
    }

public:
    LabelRange() = default;
    /// Precondition: a name at `start` in `msg` passed detail::scan_name.
    LabelRange(const Byte* msg, std::size_t start) noexcept : msg_(msg), start_(start) {}
};

namespace detail {
/// Case-insensitive equality of two validated names, possibly in different
/// buffers, label by label.
constexpr bool names_equal(const Byte* a, std::size_t pa, const Byte* b, std::size_t pb) noexcept {
    for (;;) {
        pa = follow(a, pa);
        pb = follow(b, pb);
        if (a == b && pa == pb) return true; // the same bytes: equal suffixes
        const Byte la = a[pa];
        if (la != b[pb]) return false;
        if (la == 0) return true;
        for (std::size_t i = 1; i <= la; ++i)
            if (ascii_lower(a[pa + i]) != ascii_lower(b[pb + i])) return false;
        pa += std::size_t{la} + 1;
        pb += std::size_t{la} + 1;
    }
}
} // namespace detail

class Name;

/// A validated, possibly compressed name inside a message: the message bytes
/// and the offset where the name starts. Cheap to copy; the message must
/// outlive it.
class NameView {
    const Byte* msg_ = detail::root_wire.data();
    std::uint16_t offset_ = 0;
    std::uint16_t wire_len_ = 1;
    std::uint8_t length_ = 1;
    std::uint8_t labels_ = 0;

    constexpr NameView(const Byte* msg, std::size_t offset, detail::NameInfo info) noexcept
        : msg_(msg), offset_(static_cast<std::uint16_t>(offset)), wire_len_(info.wire_len),
          length_(info.length), labels_(info.labels) {}

public:
    /// The root name ".".
    constexpr NameView() = default;

    /// Validates the name at `offset` (see the rules at the top of this
    /// file). `end` bounds the bytes before the first pointer (a record's
    /// RDATA end), `msg.size()` when omitted.
    static constexpr Result<NameView> checked(Bytes msg, std::size_t offset,
                                              std::size_t end = max_message_len + 1) noexcept {
        NameView v;
        Error e;
        if (check(msg, offset, end, v, e) == 0) return e;
        return v;
    }

    /// `checked` without a Result, for loops that decode many names: fills
    /// `out` and returns its wire_len(), or fills `err` and returns 0 (the
    /// length comes back in a register for the caller's next field).
    static constexpr std::size_t check(Bytes msg, std::size_t offset, std::size_t end,
                                       NameView& out, Error& err) noexcept {
        if (msg.size() > max_message_len) {
            err = Error::at(dns_field::message, 0, Errc::too_big, msg.size(), max_message_len);
            return 0;
        }
        if (end > msg.size()) end = msg.size();
        const detail::NameInfo info = detail::scan_name(msg, offset, end, err);
        if (info.wire_len != 0) out = NameView{msg.data(), offset, info};
        return info.wire_len;
    }

    /// Where the name starts in its message.
    [[nodiscard]] constexpr std::size_t offset() const noexcept { return offset_; }
    /// Bytes the name occupies at its offset (up to and including its first
    /// pointer or its root label): where the next field starts.
    [[nodiscard]] constexpr std::size_t wire_len() const noexcept { return wire_len_; }
    /// Uncompressed wire length, root byte included (1 for the root).
    [[nodiscard]] constexpr std::size_t length() const noexcept { return length_; }
    [[nodiscard]] constexpr std::size_t label_count() const noexcept { return labels_; }
    [[nodiscard]] constexpr bool is_root() const noexcept { return labels_ == 0; }
    /// The message start (for comparing where two views point).
    [[nodiscard]] constexpr const Byte* message() const noexcept { return msg_; }

    [[nodiscard]] LabelRange labels() const noexcept { return LabelRange{msg_, offset_}; }

    /// Writes the uncompressed wire form; `out` holds at least length() bytes.
    constexpr void copy_wire(Byte* out) const noexcept {
        std::size_t pos = offset_;
        for (;;) {
            pos = detail::follow(msg_, pos);
            const std::size_t n = std::size_t{msg_[pos]} + 1;
            for (std::size_t i = 0; i < n; ++i)
                out[i] = msg_[pos + i];
            if (n == 1) return;
            out += n;
            pos += n;
        }
    }

    /// The name in an owned buffer (defined after Name).
    [[nodiscard]] constexpr Name to_name() const noexcept;

    /// "www.example.com", "." for the root.
    void append_text(std::string& out) const {
        if (labels_ == 0) {
            out.push_back('.');
            return;
        }
        bool first = true;
        for (Bytes l : labels()) {
            if (!first) out.push_back('.');
            first = false;
            detail::append_label_text(out, l.data(), l.size());
        }
    }
    [[nodiscard]] std::string to_string() const {
        std::string s;
        s.reserve(length_);
        append_text(s);
        return s;
    }

    /// Case-insensitive equality (RFC 4343).
    friend constexpr bool operator==(const NameView& a, const NameView& b) noexcept {
        if (a.length_ != b.length_ || a.labels_ != b.labels_) return false;
        return detail::names_equal(a.msg_, a.offset_, b.msg_, b.offset_);
    }
    /// Case-insensitive equality with a dotted name ("www.example.com",
    /// trailing dot optional); false when the text is not a valid name.
    [[nodiscard]] constexpr bool equals(std::string_view dotted) const noexcept;
};

/// An owned, uncompressed name: the wire form in an inline buffer of 255
/// bytes, no heap. Default-constructed it is the root.
class Name {
    // Only the first len_ bytes are meaningful; the rest is left unset so
    // that making a Name does not clear 255 bytes (builders make one per
    // name).
    std::array<Byte, max_name_len> buf_;
    std::uint8_t len_ = 1;
    std::uint8_t labels_ = 0;

    friend class NameView;

public:
    constexpr Name() noexcept {
        if (std::is_constant_evaluated()) buf_ = {}; // constant evaluation may not copy unset bytes
        buf_[0] = 0;
    }

    /// Parses master-file text (RFC 1035 §5.1): labels separated by '.',
    /// a trailing '.' optional, "." is the root; "\c" is the character c and
    /// "\DDD" a decimal byte. Errors: ("name_text", bad_syntax) for an empty
    /// label, empty text or a bad escape, ("label", too_big) for a label over
    /// 63, ("name", too_big) past 255 octets; offsets count text characters.
    static constexpr Result<Name> parse(std::string_view text) noexcept {
        Name n;
        Error e;
        if (!parse_into(text, n, e)) return e;
        return n;
    }

    /// `parse` writing into `n` (false and `err` on failure, `n` then the
    /// root), for callers that already have a Name to fill.
    static constexpr bool parse_into(std::string_view text, Name& n, Error& err) noexcept {
        if (parse_text(text, n, err)) return true;
        n = Name{};
        return false;
    }

private:
    static constexpr bool parse_text(std::string_view text, Name& n, Error& err) noexcept {
        n.buf_[0] = 0;
        n.len_ = 1;
        n.labels_ = 0;
        if (text.empty()) {
            err = Error::at(dns_field::name_text, 0, Errc::bad_syntax);
            return false;
        }
        if (text == ".") return true;
        std::size_t out = 0; // position of the current label's length byte
        std::size_t i = 0;
        while (i < text.size()) {
            const std::size_t label_start = i;
            std::size_t len = 0;
            while (i < text.size() && text[i] != '.') {
                Byte c = static_cast<Byte>(text[i]);
                if (c == '\\') {
                    if (i + 1 >= text.size()) {
                        err = Error::at(dns_field::name_text, i, Errc::bad_syntax);
                        return false;
                    }
                    const char d0 = text[i + 1];
                    if (d0 >= '0' && d0 <= '9') {
                        if (i + 3 >= text.size()) {
                            err = Error::at(dns_field::name_text, i, Errc::bad_syntax);
                            return false;
                        }
                        unsigned v = 0;
                        for (std::size_t k = 1; k <= 3; ++k) {
                            const char d = text[i + k];
                            if (d < '0' || d > '9') {
                                err = Error::at(dns_field::name_text, i, Errc::bad_syntax);
                                return false;
                            }
                            v = v * 10 + static_cast<unsigned>(d - '0');
                        }
                        if (v > 255) {
                            err = Error::at(dns_field::name_text, i, Errc::bad_syntax, v, 255);
                            return false;
                        }
                        c = static_cast<Byte>(v);
                        i += 4;
                    } else {
                        c = static_cast<Byte>(d0);
                        i += 2;
                    }
                } else {
                    ++i;
                }
                ++len;
                if (len > max_label_len) {
                    err =
                        Error::at(dns_field::label, label_start, Errc::too_big, len, max_label_len);
                    return false;
                }
                if (out + 1 + len >= max_name_len) {
                    err = Error::at(dns_field::name, label_start, Errc::too_big, out + 2 + len,
                                    max_name_len);
                    return false;
                }
                n.buf_[out + len] = c;
            }
            if (len == 0) {
                err = Error::at(dns_field::name_text, label_start, Errc::bad_syntax);
                return false;
            }
            n.buf_[out] = static_cast<Byte>(len);
            out += len + 1;
            ++n.labels_;
            if (i < text.size()) ++i; // the dot; a trailing one ends the loop
        }
        n.buf_[out] = 0;
        n.len_ = static_cast<std::uint8_t>(out + 1);
        return true;
    }

public:
    /// Reads an uncompressed wire name from the front of `wire` (no pointers
    /// allowed: there is no message to point into).
    static constexpr Result<Name> from_wire(Bytes wire) noexcept {
        const std::size_t end = wire.size() < max_message_len ? wire.size() : max_message_len;
        // Any pointer at offset 0 targets the name itself and fails as a loop.
        Error e;
        const detail::NameInfo info = detail::scan_name(wire.first(end), 0, end, e);
        if (info.wire_len == 0) return e;
        Name n;
        for (std::size_t i = 0; i < info.length; ++i)
            n.buf_[i] = wire[i];
        n.len_ = info.length;
        n.labels_ = info.labels;
        return n;
    }

    /// The uncompressed wire form, root byte included.
    [[nodiscard]] constexpr Bytes wire() const noexcept { return Bytes{buf_.data(), len_}; }
    [[nodiscard]] constexpr std::size_t length() const noexcept { return len_; }
    [[nodiscard]] constexpr std::size_t label_count() const noexcept { return labels_; }
    [[nodiscard]] constexpr bool is_root() const noexcept { return labels_ == 0; }
    [[nodiscard]] LabelRange labels() const noexcept { return LabelRange{buf_.data(), 0}; }

    /// The same name as a view (into this object: keep it alive).
    [[nodiscard]] constexpr NameView view() const noexcept { return *NameView::checked(wire(), 0); }

    void append_text(std::string& out) const { view().append_text(out); }
    [[nodiscard]] std::string to_string() const { return view().to_string(); }

    /// Case-insensitive (RFC 4343).
    friend constexpr bool operator==(const Name& a, const Name& b) noexcept {
        return a.len_ == b.len_ && detail::names_equal(a.buf_.data(), 0, b.buf_.data(), 0);
    }
    friend constexpr bool operator==(const Name& a, const NameView& b) noexcept {
        return a.len_ == b.length() &&
               detail::names_equal(a.buf_.data(), 0, b.message(), b.offset());
    }
    [[nodiscard]] constexpr bool equals(std::string_view dotted) const noexcept {
        auto n = Name::parse(dotted);
        return n && *n == *this;
    }
};

constexpr Name NameView::to_name() const noexcept {
    Name n;
    copy_wire(n.buf_.data());
    n.len_ = length_;
    n.labels_ = labels_;
    return n;
}

constexpr bool NameView::equals(std::string_view dotted) const noexcept {
    auto n = Name::parse(dotted);
    return n && *n == *this;
}

} // namespace strata::dns
