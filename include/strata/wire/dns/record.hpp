// One question entry (RFC 1035 §4.1.2) and one resource record envelope
// (§4.1.3) as decoded views into a message. A Record holds the validated
// owner name, the fixed fields and where its RDATA lies; the RDATA itself is
// decoded on request (rdata.hpp), so walking a section costs only what is read.
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>
#include <strata/wire/dns/header.hpp>
#include <strata/wire/dns/name.hpp>
#include <strata/wire/dns/types.hpp>

namespace strata::dns {

/// QNAME, QTYPE, QCLASS.
struct Question {
    NameView name;
    RrType type = RrType::a;
    RrClass cls = RrClass::in;
    std::uint16_t offset = 0; ///< where the entry starts in the message
};

/// Fixed fields after the owner name: TYPE, CLASS, TTL, RDLENGTH.
inline constexpr std::size_t rr_fixed_len = 10;
inline constexpr std::size_t question_fixed_len = 4;

/// A resource record. For OPT (RFC 6891 §6.1.2) `cls` holds the UDP payload
/// size and `ttl` the extended RCODE, version and flags: decode_rdata gives
/// them names.
struct Record {
    Bytes message; ///< the whole message (RDATA names point into it)
    NameView name; ///< owner
    RrType type = RrType::a;
    RrClass cls = RrClass::in;
    std::uint32_t ttl = 0;
    std::uint16_t rdlength = 0;
    std::uint16_t offset = 0;       ///< where the record (its owner name) starts
    std::uint16_t rdata_offset = 0; ///< where RDATA starts in `message`
    Section section = Section::answer;

    /// The raw RDATA bytes (RFC 3597: what unknown types are kept as).
    [[nodiscard]] constexpr Bytes rdata() const noexcept {
        return message.subspan(rdata_offset, rdlength);
    }
    /// Offset just past the record.
    [[nodiscard]] constexpr std::size_t end_offset() const noexcept {
        return std::size_t{rdata_offset} + rdlength;
    }
    /// Offset of the RDLENGTH field (errors about RDATA size point here).
    [[nodiscard]] constexpr std::size_t rdlength_offset() const noexcept {
        return std::size_t{rdata_offset} - 2;
    }
};

namespace detail {

/// Reads the question at `pos` into `q`, or fills `err` and returns false.
/// Errors: name errors, ("question", truncated).
constexpr bool read_question(Bytes msg, std::size_t pos, Question& q, Error& err) noexcept {
    const std::size_t name_len = NameView::check(msg, pos, msg.size(), q.name, err);
    if (name_len == 0) return false;
    const std::size_t f = pos + name_len;
    if (msg.size() - f < question_fixed_len) {
        err =
            Error::at(dns_field::question, f, Errc::truncated, msg.size() - f, question_fixed_len);
        return false;
    }
    q.type = static_cast<RrType>(load_be16(msg.data() + f));
    q.cls = static_cast<RrClass>(load_be16(msg.data() + f + 2));
    q.offset = static_cast<std::uint16_t>(pos);
    return true;
}

/// Reads the record envelope at `pos` into `r`, or fills `err` and returns
/// false. Errors: name errors, ("rr", truncated) when the ten fixed bytes are
/// cut, ("rdlength", truncated) when RDATA runs past the end of the message.
constexpr bool read_record(Bytes msg, std::size_t pos, Section s, Record& r, Error& err) noexcept {
    const std::size_t name_len = NameView::check(msg, pos, msg.size(), r.name, err);
    if (name_len == 0) return false;
    const std::size_t f = pos + name_len;
    if (msg.size() - f < rr_fixed_len) {
        err = Error::at(dns_field::rr, f, Errc::truncated, msg.size() - f, rr_fixed_len);
        return false;
    }
    const Byte* p = msg.data() + f;
    r.message = msg;
    r.type = static_cast<RrType>(load_be16(p));
    r.cls = static_cast<RrClass>(load_be16(p + 2));
    r.ttl = load_be32(p + 4);
    r.rdlength = load_be16(p + 8);
    r.offset = static_cast<std::uint16_t>(pos);
    r.rdata_offset = static_cast<std::uint16_t>(f + rr_fixed_len);
    r.section = s;
    if (msg.size() - r.rdata_offset < r.rdlength) {
        err = Error::at(dns_field::rdlength, f + 8, Errc::truncated, r.rdlength,
                        msg.size() - r.rdata_offset);
        return false;
    }
    return true;
}

} // namespace detail

/// The question at `pos` of a message (MessageView::questions() is the usual way in).
constexpr Result<Question> read_question(Bytes msg, std::size_t pos) noexcept {
    Question q;
    Error e;
    if (!detail::read_question(msg, pos, q, e)) return e;
    return q;
}

/// The record at `pos` of a message, tagged with section `s`.
constexpr Result<Record> read_record(Bytes msg, std::size_t pos, Section s) noexcept {
    Record r;
    Error e;
    if (!detail::read_record(msg, pos, s, r, e)) return e;
    return r;
}

namespace detail {

/// Skips the name at `pos` without following pointers (the entry is not
/// exposed, only stepped over); returns the offset after it.
constexpr Result<std::size_t> skip_name(Bytes msg, std::size_t pos) noexcept {
    for (;;) {
        if (pos >= msg.size())
            return Error::at(dns_field::name, pos, Errc::truncated, pos, msg.size());
        const Byte b = msg[pos];
        if (b == 0) return pos + 1;
        if (b < 0x40) {
            if (msg.size() - pos - 1 < b)
                return Error::at(dns_field::name, pos, Errc::truncated, pos + 1 + b, msg.size());
            pos += std::size_t{b} + 1;
        } else if (b >= 0xc0) {
            if (pos + 1 >= msg.size())
                return Error::at(dns_field::name_pointer, pos, Errc::truncated, pos + 2,
                                 msg.size());
            return pos + 2;
        } else {
            if (b < 0x80) return Error::at(dns_field::label_type, pos, Errc::unsupported, b, 0);
            return Error::at(dns_field::label_type, pos, Errc::bad_value, b, 0);
        }
    }
}

/// Steps over a question (`is_question`) or a record at `pos`.
constexpr Result<std::size_t> skip_entry(Bytes msg, std::size_t pos, bool is_question) noexcept {
    auto e = skip_name(msg, pos);
    if (!e) return e;
    const std::size_t f = *e;
    if (is_question) {
        if (msg.size() - f < question_fixed_len)
            return Error::at(dns_field::question, f, Errc::truncated, msg.size() - f,
                             question_fixed_len);
        return f + question_fixed_len;
    }
    if (msg.size() - f < rr_fixed_len)
        return Error::at(dns_field::rr, f, Errc::truncated, msg.size() - f, rr_fixed_len);
    const std::size_t rdlen = load_be16(msg.data() + f + 8);
    const std::size_t rd = f + rr_fixed_len;
    if (msg.size() - rd < rdlen)
        return Error::at(dns_field::rdlength, f + 8, Errc::truncated, rdlen, msg.size() - rd);
    return rd + rdlen;
}

} // namespace detail

} // namespace strata::dns
