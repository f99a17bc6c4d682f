// ICMP for IPv4 (RFC 792): a zero-copy view over a message, the message as a
// tagged value, and a helper that builds the quote an error message carries.
//
//  0        8       16               31
// +--------+--------+----------------+
// |  type  |  code  |    checksum    |
// +--------+--------+----------------+
// |          rest of header          |  identifier|sequence (echo, 13-18),
// +----------------------------------+  unused|next-hop MTU (3/4, RFC 1191 §4),
// |  data / quoted datagram ...      |  gateway (5), pointer (12)
//
// The checksum covers the whole ICMP message (header and data), so the view
// must be handed exactly the message: the IPv4 payload (Ipv4View::payload()),
// which excludes Ethernet padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/core/visit.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata {

/// ICMP message type (IANA "ICMP Type Numbers"). Open: other values are values.
enum class IcmpType : std::uint8_t {
    echo_reply = 0,
    dest_unreachable = 3,
    source_quench = 4, ///< deprecated (RFC 6633)
    redirect = 5,
    echo_request = 8,
    router_advertisement = 9, ///< RFC 1256
    router_solicitation = 10, ///< RFC 1256
    time_exceeded = 11,
    parameter_problem = 12,
    timestamp_request = 13,
    timestamp_reply = 14,
    info_request = 15,         ///< deprecated (RFC 6918)
    info_reply = 16,           ///< deprecated (RFC 6918)
    address_mask_request = 17, ///< RFC 950
    address_mask_reply = 18,   ///< RFC 950
};

constexpr std::string_view to_string(IcmpType t) noexcept {
    switch (t) {
    case IcmpType::echo_reply:
        return "echo-reply";
    case IcmpType::dest_unreachable:
        return "destination-unreachable";
    case IcmpType::source_quench:
        return "source-quench";
    case IcmpType::redirect:
        return "redirect";
    case IcmpType::echo_request:
        return "echo-request";
    case IcmpType::router_advertisement:
        return "router-advertisement";
    case IcmpType::router_solicitation:
        return "router-solicitation";
    case IcmpType::time_exceeded:
        return "time-exceeded";
    case IcmpType::parameter_problem:
        return "parameter-problem";
    case IcmpType::timestamp_request:
        return "timestamp-request";
    case IcmpType::timestamp_reply:
        return "timestamp-reply";
    case IcmpType::info_request:
        return "info-request";
    case IcmpType::info_reply:
        return "info-reply";
    case IcmpType::address_mask_request:
        return "address-mask-request";
    case IcmpType::address_mask_reply:
        return "address-mask-reply";
    }
    return "unknown";
}

/// Codes of destination unreachable (type 3; RFC 792, RFC 1122 §3.2.2.1,
/// RFC 1812 §5.2.7.1). Open.
enum class IcmpUnreachable : std::uint8_t {
    net = 0,
    host = 1,
    protocol = 2,
    port = 3,
    frag_needed = 4, ///< DF set; next-hop MTU in the header (RFC 1191 §4)
    source_route_failed = 5,
    net_unknown = 6,
    host_unknown = 7,
    source_host_isolated = 8,
    net_prohibited = 9,
    host_prohibited = 10,
    net_tos = 11,
    host_tos = 12,
    comm_prohibited = 13, ///< RFC 1812
    host_precedence_violation = 14,
    precedence_cutoff = 15,
};

/// Codes of time exceeded (type 11, RFC 792).
enum class IcmpTimeExceededCode : std::uint8_t {
    ttl = 0,        ///< TTL exceeded in transit
    reassembly = 1, ///< fragment reassembly time exceeded
};

/// Codes of redirect (type 5, RFC 792).
enum class IcmpRedirectCode : std::uint8_t { net = 0, host = 1, tos_net = 2, tos_host = 3 };

/// True for the error messages that quote the offending datagram
/// (RFC 792): 3, 4, 5, 11, 12. RFC 1122 §3.2.2: never answer one with an error.
constexpr bool is_icmp_error(IcmpType t) noexcept {
    switch (t) {
    case IcmpType::dest_unreachable:
    case IcmpType::source_quench:
    case IcmpType::redirect:
    case IcmpType::time_exceeded:
    case IcmpType::parameter_problem:
        return true;
    default:
        return false;
    }
}

namespace icmp_field {
inline constexpr Field type{0, 1, "icmp", "type"};
inline constexpr Field code{1, 2, "icmp", "code"};
inline constexpr Field checksum{2, 4, "icmp", "checksum"};
inline constexpr Field rest{4, 8, "icmp", "rest"};                 ///< rest of header, as a whole
inline constexpr Field identifier{4, 6, "icmp", "identifier"};     ///< echo and types 13-18
inline constexpr Field sequence{6, 8, "icmp", "sequence"};         ///< echo and types 13-18
inline constexpr Field unused_mtu{4, 6, "icmp", "unused_mtu"};     ///< type 3: unused (zero)
inline constexpr Field next_hop_mtu{6, 8, "icmp", "next_hop_mtu"}; ///< type 3 code 4 (RFC 1191 §4)
inline constexpr Field gateway{4, 8, "icmp", "gateway"};           ///< type 5
inline constexpr Field pointer{4, 5, "icmp", "pointer"};           ///< type 12
inline constexpr std::size_t header_len = rest.last;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, rest.last, "icmp", "header"};
} // namespace icmp_field

/// ICMP header length (8 bytes).
inline constexpr std::size_t icmp_header_len = icmp_field::header_len;

template <ByteType B = const Byte>
class IcmpView {
    std::span<B> buf_;

    constexpr explicit IcmpView(std::span<B> b) noexcept : buf_(b) {}
    constexpr std::uint16_t word(Field f) const noexcept {
        return load_be16(buf_.data() + f.first);
    }
    constexpr void store16(Field f, std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + f.first, v);
    }

public:
    static constexpr std::size_t min_header_len = icmp_field::header_len;

    /// Validates `b`, the whole message (the IPv4 payload). Error (layer
    /// "icmp"): b.size() < 8 → field "header", truncated, offset 0. Types and
    /// codes are open; the checksum is checked by verify_checksum().
    static constexpr Result<IcmpView> checked(std::span<B> b) noexcept {
        if (b.size() < icmp_field::header_len)
            return Error::at(icmp_field::header, Errc::truncated, b.size(), icmp_field::header_len);
        return IcmpView{b};
    }

    /// No validation. Precondition: b.size() >= 8; bytes() is the message.
    static constexpr IcmpView unchecked(std::span<B> b) noexcept { return IcmpView{b}; }

    constexpr operator IcmpView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return IcmpView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr IcmpType type() const noexcept { return IcmpType{buf_[icmp_field::type.first]}; }
    constexpr std::uint8_t code() const noexcept { return buf_[icmp_field::code.first]; }
    constexpr std::uint16_t checksum() const noexcept { return word(icmp_field::checksum); }
    /// Bytes 4..8 as one big-endian word, whatever the type.
    constexpr std::uint32_t rest_of_header() const noexcept {
        return load_be32(buf_.data() + icmp_field::rest.first);
    }
    /// Echo (0/8) and timestamp / information / address mask (13-18).
    constexpr std::uint16_t identifier() const noexcept { return word(icmp_field::identifier); }
    constexpr std::uint16_t sequence() const noexcept { return word(icmp_field::sequence); }
    /// Destination unreachable, fragmentation needed (3/4): the MTU of the
    /// next hop (RFC 1191 §4); 0 from routers that predate RFC 1191.
    constexpr std::uint16_t next_hop_mtu() const noexcept { return word(icmp_field::next_hop_mtu); }
    /// Redirect (5): the gateway to use.
    constexpr Ipv4Address gateway() const noexcept {
        return Ipv4Address::from_bytes(buf_.data() + icmp_field::gateway.first);
    }
    /// Parameter problem (12): offset of the offending octet in the quote.
    constexpr std::uint8_t pointer() const noexcept { return buf_[icmp_field::pointer.first]; }

    constexpr bool is_error() const noexcept { return is_icmp_error(type()); }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return icmp_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(icmp_field::header_len); }
    /// Everything after the 8-byte header (echo data, or the quote).
    constexpr std::span<B> payload() const noexcept { return buf_.subspan(icmp_field::header_len); }
    /// For error messages (is_error()): the quoted original datagram, IPv4
    /// header + at least 8 bytes of its data (RFC 792, RFC 1812 §4.3.2.3).
    /// Parse it with Ipv4View<>::checked_quote(), which accepts a datagram
    /// cut short of its total length. Same bytes as payload().
    constexpr std::span<B> quoted() const noexcept { return payload(); }

    // --- checksum -------------------------------------------------------------
    /// True when the checksum over the whole message verifies.
    constexpr bool verify_checksum() const noexcept {
        return checksum::verifies(checksum::sum(Bytes(buf_)));
    }
    /// Computes the checksum over bytes() (header and data in place).
    constexpr void fill_checksum() const noexcept requires is_mutable_byte<B> {
        set_checksum(0);
        set_checksum(checksum::internet_checksum(Bytes(buf_)));
    }

    // --- setters (mutable views; the checksum is not touched) -----------------
    constexpr void set_type(IcmpType t) const noexcept requires is_mutable_byte<B> {
        buf_[icmp_field::type.first] = static_cast<Byte>(t);
    }
    constexpr void set_code(std::uint8_t c) const noexcept requires is_mutable_byte<B> {
        buf_[icmp_field::code.first] = c;
    }
    constexpr void set_checksum(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(icmp_field::checksum, v);
    }
    constexpr void set_rest_of_header(std::uint32_t v) const noexcept requires is_mutable_byte<B> {
        store_be32(buf_.data() + icmp_field::rest.first, v);
    }
    constexpr void set_identifier(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(icmp_field::identifier, v);
    }
    constexpr void set_sequence(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(icmp_field::sequence, v);
    }
    /// Writes the unused half as zero and the MTU (type 3 code 4).
    constexpr void set_next_hop_mtu(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(icmp_field::unused_mtu, 0);
        store16(icmp_field::next_hop_mtu, v);
    }
    constexpr void set_gateway(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        a.to_bytes(buf_.data() + icmp_field::gateway.first);
    }
    /// Writes the pointer and zeroes the three unused bytes after it.
    constexpr void set_pointer(std::uint8_t p) const noexcept requires is_mutable_byte<B> {
        set_rest_of_header(std::uint32_t{p} << 24);
    }
};

/// The quote an ICMP error carries about `offending` (RFC 792: "the internet
/// header plus the first 64 bits of the original datagram's data"): its IPv4
/// header and the first `data_bytes` (default 8) bytes of its payload,
/// clamped to what the datagram has. RFC 1812 §4.3.2.3 allows quoting more,
/// as long as the whole ICMP datagram stays within 576 bytes; pass a larger
/// `data_bytes` for that. Borrowed: a prefix of offending.bytes().
template <ByteType B>
constexpr Bytes icmp_quote(const Ipv4View<B>& offending, std::size_t data_bytes = 8) noexcept {
    const std::size_t hl = offending.header_len();
    const std::size_t avail = offending.payload().size();
    return Bytes(offending.bytes().data(), hl + (data_bytes < avail ? data_bytes : avail));
}

namespace detail {
constexpr bool bytes_equal(Bytes a, Bytes b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}
} // namespace detail

// --- ICMP messages as values ----------------------------------------------------
// Every Bytes member (data, quoted, payload) is BORROWED: it points into the
// parsed packet (after parse) or into caller-owned memory (before emit), and
// must outlive the repr. emit() copies the bytes into the output buffer.
// Equality compares the bytes, not the pointers.

/// Echo request (8) or echo reply (0): identifier, sequence number, data.
template <IcmpType T>
struct IcmpEcho {
    static constexpr IcmpType type = T;
    std::uint16_t ident = 0;
    std::uint16_t seq = 0;
    Bytes data; ///< borrowed

    friend constexpr bool operator==(const IcmpEcho& a, const IcmpEcho& b) noexcept {
        return a.ident == b.ident && a.seq == b.seq && detail::bytes_equal(a.data, b.data);
    }
};
using IcmpEchoRequest = IcmpEcho<IcmpType::echo_request>;
using IcmpEchoReply = IcmpEcho<IcmpType::echo_reply>;

/// Destination unreachable (3). next_hop_mtu is meaningful for code
/// frag_needed (RFC 1191 §4) and 0 otherwise.
struct IcmpDestUnreachable {
    IcmpUnreachable code = IcmpUnreachable::net;
    std::uint16_t next_hop_mtu = 0;
    Bytes quoted; ///< borrowed: IPv4 header + >= 8 bytes (icmp_quote())

    friend constexpr bool operator==(const IcmpDestUnreachable& a,
                                     const IcmpDestUnreachable& b) noexcept {
        return a.code == b.code && a.next_hop_mtu == b.next_hop_mtu &&
               detail::bytes_equal(a.quoted, b.quoted);
    }
};

/// Time exceeded (11).
struct IcmpTimeExceeded {
    IcmpTimeExceededCode code = IcmpTimeExceededCode::ttl;
    Bytes quoted; ///< borrowed: IPv4 header + >= 8 bytes (icmp_quote())

    friend constexpr bool operator==(const IcmpTimeExceeded& a,
                                     const IcmpTimeExceeded& b) noexcept {
        return a.code == b.code && detail::bytes_equal(a.quoted, b.quoted);
    }
};

/// Any other message, kept raw: type, code, the 4 rest-of-header bytes and
/// the data. Also used for type 3 / 11 messages whose unused header bytes
/// are not zero (RFC 4884 extensions), so parse() loses nothing.
struct IcmpOther {
    IcmpType type{};
    std::uint8_t code = 0;
    std::uint32_t rest = 0;
    Bytes payload; ///< borrowed

    friend constexpr bool operator==(const IcmpOther& a, const IcmpOther& b) noexcept {
        return a.type == b.type && a.code == b.code && a.rest == b.rest &&
               detail::bytes_equal(a.payload, b.payload);
    }
};

/// An ICMP message as a tagged value. Example:
///   IcmpRepr r{IcmpEchoRequest{.ident = 7, .seq = 1, .data = bytes}};
///   r.emit(IcmpView<Byte>::unchecked(buf.first(r.buffer_len())));
struct IcmpRepr {
    using Message = std::variant<IcmpEchoRequest, IcmpEchoReply, IcmpDestUnreachable,
                                 IcmpTimeExceeded, IcmpOther>;
    Message message;

    constexpr IcmpRepr() = default;
    template <class M>
    requires std::is_constructible_v<Message, M&&>
    constexpr IcmpRepr(M&& m) noexcept : message(static_cast<M&&>(m)) {}

    /// Splits the message by type, losslessly: echo (0/8) with code 0 parses
    /// as IcmpEchoRequest / IcmpEchoReply; type 3 and 11 parse as
    /// IcmpDestUnreachable / IcmpTimeExceeded when their unused header bytes
    /// are zero (bytes 4-5 for type 3, 4-7 for type 11); anything else,
    /// including those types with other codes or nonzero unused bytes, is
    /// IcmpOther. The
    /// checksum is not verified here (view.verify_checksum()). The Bytes
    /// members borrow from the view's buffer. Never fails on a checked view;
    /// on an unchecked one a message shorter than 8 bytes is reported as in
    /// IcmpView::checked().
    template <ByteType B>
    static constexpr Result<IcmpRepr> parse(const IcmpView<B>& v) noexcept {
        if (v.bytes().size() < icmp_field::header_len)
            return Error::at(icmp_field::header, Errc::truncated, v.bytes().size(),
                             icmp_field::header_len);
        const Bytes data(v.payload());
        switch (v.type()) {
        case IcmpType::echo_request:
            if (v.code() == 0) return IcmpRepr{IcmpEchoRequest{v.identifier(), v.sequence(), data}};
            break;
        case IcmpType::echo_reply:
            if (v.code() == 0) return IcmpRepr{IcmpEchoReply{v.identifier(), v.sequence(), data}};
            break;
        case IcmpType::dest_unreachable:
            if ((v.rest_of_header() >> 16) == 0)
                return IcmpRepr{
                    IcmpDestUnreachable{IcmpUnreachable{v.code()}, v.next_hop_mtu(), data}};
            break;
        case IcmpType::time_exceeded:
            if (v.rest_of_header() == 0)
                return IcmpRepr{IcmpTimeExceeded{IcmpTimeExceededCode{v.code()}, data}};
            break;
        default:
            break;
        }
        return IcmpRepr{IcmpOther{v.type(), v.code(), v.rest_of_header(), data}};
    }

    /// The message's type and code as they go on the wire.
    constexpr IcmpType type() const noexcept {
        return strata::visit(
            [](const auto& m) -> IcmpType {
                using M = std::remove_cvref_t<decltype(m)>;
                if constexpr (std::is_same_v<M, IcmpDestUnreachable>)
                    return IcmpType::dest_unreachable;
                else if constexpr (std::is_same_v<M, IcmpTimeExceeded>)
                    return IcmpType::time_exceeded;
                else if constexpr (std::is_same_v<M, IcmpOther>)
                    return m.type;
                else
                    return M::type;
            },
            message);
    }

    /// Bytes emit() writes: 8 + data / quote / payload.
    constexpr std::size_t buffer_len() const noexcept {
        return icmp_field::header_len + body().size();
    }

    /// Writes header and data and fills the checksum over the first
    /// buffer_len() bytes. Precondition: v.bytes().size() >= buffer_len(),
    /// and the borrowed bytes do not overlap the output.
    constexpr void emit(IcmpView<Byte> v) const noexcept {
        const Bytes body_bytes = body();
        const IcmpView<Byte> out =
            IcmpView<Byte>::unchecked(v.bytes().first(icmp_field::header_len + body_bytes.size()));
        out.set_type(type());
        strata::visit(
            [&out](const auto& m) {
                using M = std::remove_cvref_t<decltype(m)>;
                if constexpr (std::is_same_v<M, IcmpDestUnreachable>) {
                    out.set_code(static_cast<std::uint8_t>(m.code));
                    out.set_next_hop_mtu(m.next_hop_mtu);
                } else if constexpr (std::is_same_v<M, IcmpTimeExceeded>) {
                    out.set_code(static_cast<std::uint8_t>(m.code));
                    out.set_rest_of_header(0);
                } else if constexpr (std::is_same_v<M, IcmpOther>) {
                    out.set_code(m.code);
                    out.set_rest_of_header(m.rest);
                } else {
                    out.set_code(0);
                    out.set_identifier(m.ident);
                    out.set_sequence(m.seq);
                }
            },
            message);
        Byte* d = out.bytes().data() + icmp_field::header_len;
        for (std::size_t i = 0; i < body_bytes.size(); ++i)
            d[i] = body_bytes[i];
        out.fill_checksum();
    }

    friend constexpr bool operator==(const IcmpRepr&, const IcmpRepr&) = default;

private:
    constexpr Bytes body() const noexcept {
        return strata::visit(
            [](const auto& m) -> Bytes {
                using M = std::remove_cvref_t<decltype(m)>;
                if constexpr (std::is_same_v<M, IcmpDestUnreachable> ||
                              std::is_same_v<M, IcmpTimeExceeded>)
                    return m.quoted;
                else if constexpr (std::is_same_v<M, IcmpOther>)
                    return m.payload;
                else
                    return m.data;
            },
            message);
    }
};

} // namespace strata
