// The one error type used everywhere: it names the layer, the field and the
// byte offset, so a user (or the dissector) can say exactly what was wrong.
// smoltcp's error carries nothing; ours is meant to be printed as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <strata/core/field.hpp>

namespace strata {

/// What kind of problem was found. Layer and field say where.
enum class Errc : std::uint8_t {
    truncated,        ///< the buffer ends before the field does
    bad_version,      ///< a version field holds a value we do not speak
    bad_length,       ///< a length field contradicts itself or its container
    bad_value,        ///< a field holds a value the protocol forbids
    bad_checksum,     ///< a checksum or FCS does not verify
    bad_syntax,       ///< text (an address, a URL, a header line) is malformed
    buffer_too_small, ///< emitting needs more room than the buffer has
    too_big,          ///< a payload exceeds what the field can express
    unsupported,      ///< well-formed but outside what this code handles
    loop,             ///< a pointer chain revisits itself (DNS compression)
    not_found,        ///< a lookup or erase named something absent
    duplicate,        ///< an insert named something already present
    limit_exceeded,   ///< a configured limit (header count, line length) was hit
};

constexpr std::string_view to_string(Errc c) noexcept {
    switch (c) {
    case Errc::truncated:
        return "truncated";
    case Errc::bad_version:
        return "bad version";
    case Errc::bad_length:
        return "bad length";
    case Errc::bad_value:
        return "bad value";
    case Errc::bad_checksum:
        return "bad checksum";
    case Errc::bad_syntax:
        return "bad syntax";
    case Errc::buffer_too_small:
        return "buffer too small";
    case Errc::too_big:
        return "too big";
    case Errc::unsupported:
        return "unsupported";
    case Errc::loop:
        return "loop";
    case Errc::not_found:
        return "not found";
    case Errc::duplicate:
        return "duplicate";
    case Errc::limit_exceeded:
        return "limit exceeded";
    }
    return "unknown";
}

/// An error value. `layer` and `field` are static strings ("ipv4", "ihl");
/// `offset` is the byte offset of the offending field, counted from the start
/// of the buffer the caller handed in (a stack decoder rebases inner errors
/// with `rebased`). `value` is the offending value and `expected` the bound it
/// broke, both 0 when they mean nothing for the problem.
struct Error {
    std::string_view layer;
    std::string_view field;
    std::size_t offset = 0;
    Errc code = Errc::bad_value;
    std::uint64_t value = 0;
    std::uint64_t expected = 0;
    /// The descriptor of the field, when the error is about a header field
    /// (wire views, layers): compare with is(), not by the `field` text.
    const Field* where = nullptr;

    /// The error about field `f`: layer, name and offset come from the
    /// descriptor, so no name or offset is ever written twice.
    [[nodiscard]] static constexpr Error at(const Field& f, Errc code, std::uint64_t value = 0,
                                            std::uint64_t expected = 0) noexcept {
        return Error{f.layer, f.name, f.first, code, value, expected, &f};
    }
    /// The same, for a field found at a computed position (an option, a DNS
    /// name, a line of an HTTP head): `offset` is where it was found.
    [[nodiscard]] static constexpr Error at(const Field& f, std::size_t offset, Errc code,
                                            std::uint64_t value = 0,
                                            std::uint64_t expected = 0) noexcept {
        return Error{f.layer, f.name, offset, code, value, expected, &f};
    }
    /// True when this error is about field `f` (identity, not text).
    [[nodiscard]] constexpr bool is(const Field& f) const noexcept { return where == &f; }

    /// The same error, seen from a buffer that starts `base` bytes earlier.
    [[nodiscard]] constexpr Error rebased(std::size_t base) const noexcept {
        Error e = *this;
        e.offset += base;
        return e;
    }

    /// Same problem at the same place; `where` is not compared, so an error
    /// built from a descriptor equals one spelled out by hand.
    friend constexpr bool operator==(const Error& a, const Error& b) noexcept {
        return a.layer == b.layer && a.field == b.field && a.offset == b.offset &&
               a.code == b.code && a.value == b.value && a.expected == b.expected;
    }
};

/// "ipv4.ihl: bad value 3 (expected 5) at offset 14"
inline std::string to_string(const Error& e) {
    std::string s;
    s.reserve(64);
    s.append(e.layer);
    s.push_back('.');
    s.append(e.field);
    s.append(": ");
    s.append(to_string(e.code));
    if (e.value != 0 || e.expected != 0) {
        s.push_back(' ');
        s.append(std::to_string(e.value));
        s.append(" (expected ");
        s.append(std::to_string(e.expected));
        s.push_back(')');
    }
    s.append(" at offset ");
    s.append(std::to_string(e.offset));
    return s;
}

} // namespace strata
