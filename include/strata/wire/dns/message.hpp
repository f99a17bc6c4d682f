// A DNS message (RFC 1035 §4.1) as a zero-copy view: the header's fields and
// lazy ranges over the sections that decode each entry as it is reached,
// without allocating.
//
// Errors in sections: the ranges yield Parsed<Question> / Parsed<Record>
// (by value, decoded on dereference: dereference once per step), which reads
// like a Result (operator bool, *, ->, error(), result()).
// A malformed entry is yielded once as an error and ends the range (nothing
// after it can be located), so
//     for (auto r : msg.answers()) { if (!r) return r.error(); use(*r); }
// sees every good record before the bad one and then the error. The ranges
// validate envelopes (owner name, fixed fields, RDLENGTH within the message);
// RDATA is decoded on request (decode_rdata), and `validate()` walks
// everything, RDATA included, returning the first error.
//
// To reach a section the ones before it are stepped over (names skipped
// without following pointers); `records()` walks answer, authority and
// additional in one pass and tags each record with its section.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <type_traits>

#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>
#include <strata/wire/dns/header.hpp>
#include <strata/wire/dns/name.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/record.hpp>
#include <strata/wire/dns/types.hpp>

namespace strata::dns {

namespace detail {
template <class T>
class EntryRange;
} // namespace detail

/// One entry of a section range: the decoded entry or the error that ended
/// the range. Reads like a Result<T> (operator bool, *, ->, error()), but is
/// built in place by the iterator's dereference (no variant copy per step).
template <class T>
class Parsed {
    // The error is constructed only when there is one: an entry does not
    // pay for zeroing a 64-byte Error (docs/bench/dns.md, "History from the
    // headers").
    union ErrorSlot {
        Error e;
        ErrorSlot() noexcept {} // NOLINT: constructed on the error path only
    };
    T value_; // default member initializers only, no zeroing
    ErrorSlot error_;
    bool ok_ = false;
    template <class>
    friend class detail::EntryRange;

public:
    [[nodiscard]] bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    /// Precondition: has_value().
    [[nodiscard]] const T& value() const noexcept { return value_; }
    const T& operator*() const noexcept { return value_; }
    const T* operator->() const noexcept { return &value_; }
    /// Precondition: !has_value().
    [[nodiscard]] const Error& error() const noexcept { return error_.e; }
    /// As a Result (a copy).
    [[nodiscard]] Result<T> result() const noexcept {
        if (ok_) return value_;
        return error_.e;
    }
};

namespace detail {
struct SectionCounts {
    std::uint32_t qd, an, ns, ar;
    /// First entry index (in message order, questions first) of a section.
    [[nodiscard]] constexpr std::uint32_t first(Section s) const noexcept {
        switch (s) {
        case Section::question:
            return 0;
        case Section::answer:
            return qd;
        case Section::authority:
            return qd + an;
        case Section::additional:
            return qd + an + ns;
        }
        return 0;
    }
    [[nodiscard]] constexpr std::uint32_t total() const noexcept { return qd + an + ns + ar; }
    [[nodiscard]] constexpr Section section_of(std::uint32_t i) const noexcept {
        if (i < qd) return Section::question;
        if (i < qd + an) return Section::answer;
        if (i < qd + an + ns) return Section::authority;
        return Section::additional;
    }
};

/// Entries [first, last) of a message, in message order; T is Question for
/// the question section, Record for the others. The cursor holds only
/// positions (cheap to copy); dereferencing decodes the entry into the
/// caller's variable, and remembers where it ends so stepping is O(1).
template <class T>
class EntryRange : public CursorRange<EntryRange<T>> {
    friend cursor_access;
    Bytes msg_;
    SectionCounts counts_{};
    std::uint32_t first_ = 0;
    std::uint32_t last_ = 0;

    struct cursor {
        Bytes msg;
        SectionCounts counts{};
        std::uint32_t index = 0; // entry at `pos`
        std::uint32_t last = 0;
        std::uint32_t pos = 0;
        mutable std::uint32_t next_pos = 0; // end of the entry at `pos`, 0 = unknown
        mutable bool failed = false;        // the entry at `pos` is an error
        bool unlocatable = false;           // an earlier section could not be stepped over
        bool at_end = true;

        /// Decodes entry `index` at `pos` into `out`; false and `e` on failure.
        bool decode(Parsed<T>& out, Error& e) const noexcept {
            if (unlocatable) { // repeat the step that failed, for its error
                auto r = skip_entry(msg, pos, index < counts.qd);
                e = r ? Error::at(dns_field::section, pos, Errc::bad_value) : r.error();
                return false;
            }
            if constexpr (std::is_same_v<T, Question>) {
                if (!read_question(msg, pos, out.value_, e)) return false;
                next_pos = static_cast<std::uint32_t>(pos + out.value_.name.wire_len() +
                                                      question_fixed_len);
            } else {
                if (!read_record(msg, pos, counts.section_of(index), out.value_, e)) return false;
                next_pos = static_cast<std::uint32_t>(out.value_.end_offset());
            }
            return true;
        }
        [[nodiscard]] Parsed<T> read() const noexcept {
            Parsed<T> out;
            Error e;
            out.ok_ = decode(out, e);
            if (!out.ok_) {
                ::new (static_cast<void*>(&out.error_.e)) Error(e);
                failed = true;
            }
            return out;
        }
        void next() noexcept {
            if (next_pos == 0 && !failed) { // stepped without reading
                Parsed<T> tmp;
                Error e;
                if (!decode(tmp, e)) failed = true;
            }
            if (failed) { // an error is yielded once, then the range ends
                at_end = true;
                return;
            }
            pos = next_pos;
            next_pos = 0;
            if (++index >= last) at_end = true;
        }
        [[nodiscard]] bool done() const noexcept { return at_end; }
        [[nodiscard]] bool equal(const cursor& o) const noexcept {
            return at_end == o.at_end && (at_end || index == o.index);
        }
    };

    [[nodiscard]] cursor begin_cursor() const noexcept {
        cursor c;
        c.msg = msg_;
        c.counts = counts_;
        c.last = last_;
        std::size_t pos = header_len;
        for (std::uint32_t i = 0; i < first_; ++i) {
            auto e = skip_entry(msg_, pos, i < counts_.qd);
            if (!e) { // the section cannot be located: yield that error once
                c.unlocatable = true;
                c.index = i;
                c.pos = static_cast<std::uint32_t>(pos);
                c.at_end = false;
                return c;
            }
            pos = *e;
        }
        c.index = first_;
        c.pos = static_cast<std::uint32_t>(pos);
        c.at_end = first_ >= last_;
        return c;
    }

public:
    EntryRange() = default;
    EntryRange(Bytes msg, SectionCounts counts, std::uint32_t first, std::uint32_t last) noexcept
        : msg_(msg), counts_(counts), first_(first), last_(last) {}
};
} // namespace detail

/// decode_rdata for an entry of a section range (precondition: it holds a record).
inline bool decode_rdata(const Parsed<Record>& r, Rdata& out, Error& err) noexcept {
    return decode_rdata(*r, out, err);
}
inline Result<Rdata> decode_rdata(const Parsed<Record>& r) noexcept {
    Rdata d;
    Error e;
    if (!decode_rdata(r, d, e)) return e;
    return d;
}

using QuestionRange = detail::EntryRange<Question>;
using RecordRange = detail::EntryRange<Record>;

template <ByteType B = const Byte>
class MessageView {
    std::span<B> b_;
    constexpr explicit MessageView(std::span<B> b) noexcept : b_(b) {}

    [[nodiscard]] constexpr std::uint16_t word(Field f) const noexcept {
        return load_be16(b_.data() + f.first);
    }
    constexpr void set_flag(std::uint16_t mask, bool on) noexcept requires is_mutable_byte<B> {
        const std::uint16_t f = flags();
        store_be16(b_.data() + header_field::flags.first,
                   static_cast<std::uint16_t>(on ? (f | mask) : (f & ~mask)));
    }
    [[nodiscard]] constexpr detail::SectionCounts counts() const noexcept {
        return {qdcount(), ancount(), nscount(), arcount()};
    }

public:
    /// Checks the header is there (12 bytes) and the message is no larger
    /// than 65535 bytes (offsets are 16-bit). Sections are checked as they
    /// are walked. Errors: ("header", truncated), ("message", too_big).
    static constexpr Result<MessageView> checked(std::span<B> b) noexcept {
        if (b.size() < header_len)
            return Error::at(dns_field::header, b.size(), Errc::truncated, b.size(), header_len);
        if (b.size() > max_message_len)
            return Error::at(dns_field::message, 0, Errc::too_big, b.size(), max_message_len);
        return MessageView{b};
    }
    /// Precondition: 12 <= b.size() <= 65535.
    static constexpr MessageView unchecked(std::span<B> b) noexcept { return MessageView{b}; }

    [[nodiscard]] constexpr std::span<B> bytes() const noexcept { return b_; }
    [[nodiscard]] constexpr Bytes const_bytes() const noexcept {
        return Bytes{b_.data(), b_.size()};
    }

    // --- header (RFC 1035 §4.1.1) ---
    [[nodiscard]] constexpr std::uint16_t id() const noexcept { return word(header_field::id); }
    /// The raw second word: QR, Opcode, AA, TC, RD, RA, Z, AD, CD, RCODE.
    [[nodiscard]] constexpr std::uint16_t flags() const noexcept {
        return word(header_field::flags);
    }
    [[nodiscard]] constexpr bool qr() const noexcept { return (flags() & flag::qr) != 0; }
    [[nodiscard]] constexpr Opcode opcode() const noexcept {
        return static_cast<Opcode>((flags() & flag::opcode_mask) >> flag::opcode_shift);
    }
    [[nodiscard]] constexpr bool aa() const noexcept { return (flags() & flag::aa) != 0; }
    [[nodiscard]] constexpr bool tc() const noexcept { return (flags() & flag::tc) != 0; }
    [[nodiscard]] constexpr bool rd() const noexcept { return (flags() & flag::rd) != 0; }
    [[nodiscard]] constexpr bool ra() const noexcept { return (flags() & flag::ra) != 0; }
    [[nodiscard]] constexpr bool z() const noexcept { return (flags() & flag::z) != 0; }
    [[nodiscard]] constexpr bool ad() const noexcept { return (flags() & flag::ad) != 0; }
    [[nodiscard]] constexpr bool cd() const noexcept { return (flags() & flag::cd) != 0; }
    /// The header's four RCODE bits (see OptRdata::full_rcode for EDNS).
    [[nodiscard]] constexpr Rcode rcode() const noexcept {
        return static_cast<Rcode>(flags() & flag::rcode_mask);
    }
    [[nodiscard]] constexpr std::uint16_t qdcount() const noexcept {
        return word(header_field::qdcount);
    }
    [[nodiscard]] constexpr std::uint16_t ancount() const noexcept {
        return word(header_field::ancount);
    }
    [[nodiscard]] constexpr std::uint16_t nscount() const noexcept {
        return word(header_field::nscount);
    }
    [[nodiscard]] constexpr std::uint16_t arcount() const noexcept {
        return word(header_field::arcount);
    }
    [[nodiscard]] constexpr Header header() const noexcept { return *Header::parse(const_bytes()); }

    // --- header setters (a server flips TC, a proxy rewrites the ID) ---
    constexpr void set_id(std::uint16_t v) noexcept requires is_mutable_byte<B> {
        store_be16(b_.data() + header_field::id.first, v);
    }
    constexpr void set_flags(std::uint16_t v) noexcept requires is_mutable_byte<B> {
        store_be16(b_.data() + header_field::flags.first, v);
    }
    constexpr void set_qr(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::qr, v); }
    constexpr void set_aa(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::aa, v); }
    constexpr void set_tc(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::tc, v); }
    constexpr void set_rd(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::rd, v); }
    constexpr void set_ra(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::ra, v); }
    constexpr void set_ad(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::ad, v); }
    constexpr void set_cd(bool v) noexcept requires is_mutable_byte<B> { set_flag(flag::cd, v); }
    constexpr void set_opcode(Opcode o) noexcept requires is_mutable_byte<B> {
        const unsigned f = flags();
        set_flags(static_cast<std::uint16_t>(
            (f & ~unsigned{flag::opcode_mask}) |
            ((static_cast<unsigned>(o) << flag::opcode_shift) & flag::opcode_mask)));
    }
    constexpr void set_rcode(Rcode r) noexcept requires is_mutable_byte<B> {
        const unsigned f = flags();
        set_flags(static_cast<std::uint16_t>((f & ~unsigned{flag::rcode_mask}) |
                                             (static_cast<unsigned>(r) & flag::rcode_mask)));
    }

    // --- sections ---
    [[nodiscard]] QuestionRange questions() const noexcept {
        const auto c = counts();
        return QuestionRange{const_bytes(), c, 0, c.qd};
    }
    /// The records of one of the three RR sections.
    [[nodiscard]] RecordRange section(Section s) const noexcept {
        const auto c = counts();
        if (s == Section::question) return RecordRange{const_bytes(), c, 0, 0};
        const std::uint32_t first = c.first(s);
        const std::uint32_t n = s == Section::answer ? c.an : s == Section::authority ? c.ns : c.ar;
        return RecordRange{const_bytes(), c, first, first + n};
    }
    [[nodiscard]] RecordRange answers() const noexcept { return section(Section::answer); }
    [[nodiscard]] RecordRange authorities() const noexcept { return section(Section::authority); }
    [[nodiscard]] RecordRange additionals() const noexcept { return section(Section::additional); }
    /// Answer, authority and additional records in one pass.
    [[nodiscard]] RecordRange records() const noexcept {
        const auto c = counts();
        return RecordRange{const_bytes(), c, c.qd, c.total()};
    }

    /// The OPT record of the additional section (RFC 6891 §6.1.1), if any.
    /// Errors: section errors, OPT decode errors, ("opt", duplicate) at the
    /// second OPT record.
    [[nodiscard]] Result<std::optional<OptRdata>> opt() const noexcept {
        std::optional<OptRdata> found;
        for (const auto& r : additionals()) {
            if (!r) return r.error();
            if (r->type != RrType::opt) continue;
            if (found) return Error::at(dns_field::opt, r->offset, Errc::duplicate);
            auto o = decode_opt(*r);
            if (!o) return o.error();
            found = *o;
        }
        return found;
    }

    /// Walks every entry and decodes every RDATA; the first error, if any.
    /// Trailing bytes after the last record are not an error (RFC 1035 does
    /// not forbid them and some servers pad).
    [[nodiscard]] Result<void> validate() const noexcept {
        for (const auto& q : questions())
            if (!q) return q.error();
        Rdata d;
        Error e;
        for (const auto& r : records()) {
            if (!r) return r.error();
            if (!decode_rdata(r, d, e)) return e;
        }
        return {};
    }
};

} // namespace strata::dns
