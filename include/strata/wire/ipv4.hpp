// IPv4 (RFC 791): a zero-copy view over a datagram, and its header as a value.
//
//  0       4       8              16    19                    31
// +-------+-------+--------------+-----+----------------------+
// |version|  IHL  |  DSCP  |ECN  |        total length        |
// +-------+-------+--------------+-----+----------------------+
// |        identification        |flags|   fragment offset    |
// +---------------+--------------+-----+----------------------+
// |      TTL      |   protocol   |      header checksum       |
// +---------------+--------------+----------------------------+
// |                      source address                       |
// |                   destination address                     |
// |                options (0-40 bytes, padded)               |
// +-----------------------------------------------------------+
//
// The view is handed the link payload, which may be longer than the
// datagram (Ethernet pads to 60 bytes): payload() ends at total length.
// The DSCP/ECN split of the old TOS octet follows RFC 2474 §3 and RFC 3168 §5.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/ipv4_options.hpp>

namespace strata {

namespace ipv4_field {
inline constexpr Field ver_ihl{0, 1, "ipv4", "ver_ihl"};
inline constexpr Field tos{1, 2, "ipv4", "tos"}; ///< DSCP (6 bits) | ECN (2 bits)
inline constexpr Field total_len{2, 4, "ipv4", "total_len"};
inline constexpr Field ident{4, 6, "ipv4", "ident"};
inline constexpr Field flags_frag{
    6, 8, "ipv4", "flags_frag"}; ///< reserved | DF | MF | offset (13 bits, 8-byte units)
inline constexpr Field ttl{8, 9, "ipv4", "ttl"};
inline constexpr Field protocol{9, 10, "ipv4", "protocol"};
inline constexpr Field checksum{10, 12, "ipv4", "checksum"};
inline constexpr Field src{12, 16, "ipv4", "src"};
inline constexpr Field dst{16, 20, "ipv4", "dst"};
/// Header without options.
inline constexpr std::size_t header_len = dst.last;
/// Header with the most options (IHL 15).
inline constexpr std::size_t max_header_len = 60;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, dst.last, "ipv4", "header"};
inline constexpr Field version{0, 1, "ipv4", "version"};
inline constexpr Field ihl{0, 1, "ipv4", "ihl"};
inline constexpr Field frag_offset{6, 8, "ipv4", "frag_offset"};
} // namespace ipv4_field

/// Minimum IPv4 header length (20 bytes).
inline constexpr std::size_t ipv4_min_header_len = ipv4_field::header_len;
/// Maximum IPv4 header length (60 bytes).
inline constexpr std::size_t ipv4_max_header_len = ipv4_field::max_header_len;

namespace detail {
inline constexpr std::uint16_t ipv4_flag_reserved = 0x8000;
inline constexpr std::uint16_t ipv4_flag_df = 0x4000;
inline constexpr std::uint16_t ipv4_flag_mf = 0x2000;
inline constexpr std::uint16_t ipv4_frag_mask = 0x1fff;
} // namespace detail

template <ByteType B = const Byte>
class Ipv4View {
    std::span<B> buf_;

    constexpr explicit Ipv4View(std::span<B> b) noexcept : buf_(b) {}

    constexpr const Byte* at(Field f) const noexcept { return buf_.data() + f.first; }
    constexpr std::uint16_t word(std::size_t off) const noexcept {
        return load_be16(buf_.data() + off);
    }
    constexpr void store16(Field f, std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + f.first, v);
    }

    // Header checks shared by checked() and checked_quote(); `whole` says
    // whether total length must fit in the buffer.
    static constexpr Result<Ipv4View> check(std::span<B> b, bool whole) noexcept {
        const std::size_t n = b.size();
        if (n < ipv4_field::header_len)
            return Error::at(ipv4_field::header, Errc::truncated, n, ipv4_field::header_len);
        const std::size_t version = b[0] >> 4;
        if (version != 4) return Error::at(ipv4_field::version, Errc::bad_version, version, 4);
        const std::size_t ihl = b[0] & 0x0fu;
        if (ihl < 5) return Error::at(ipv4_field::ihl, Errc::bad_value, ihl, 5);
        const std::size_t hl = ihl * 4;
        if (hl > n) return Error::at(ipv4_field::ihl, Errc::truncated, hl, n);
        const std::size_t tl = load_be16(b.data() + ipv4_field::total_len.first);
        if (tl < hl) return Error::at(ipv4_field::total_len, Errc::bad_length, tl, hl);
        if (whole && tl > n) return Error::at(ipv4_field::total_len, Errc::truncated, tl, n);
        if (hl > ipv4_field::header_len &&
            !detail::ipv4_options_ok(b.data() + ipv4_field::header_len,
                                     hl - ipv4_field::header_len)) [[unlikely]]
            return options_error(Bytes(b.data(), hl));
        return Ipv4View{b};
    }

    // Cold path: says which option is malformed and how.
    [[gnu::cold]] static constexpr Error options_error(Bytes header) noexcept {
        auto r = detail::ipv4_check_options(header.subspan(ipv4_field::header_len),
                                            ipv4_field::header_len);
        return r ? Error::at(ipv4_field::options, Errc::bad_value) : r.error();
    }

public:
    static constexpr std::size_t min_header_len = ipv4_field::header_len;

    /// Validates `b`, the link-layer payload. Errors (layer "ipv4"), in order:
    ///   b.size() < 20             → field "header",    truncated,   offset 0
    ///   version != 4              → field "version",   bad_version, offset 0
    ///   IHL < 5                   → field "ihl",       bad_value,   offset 0
    ///   IHL * 4 > b.size()        → field "ihl",       truncated,   offset 0
    ///   total length < IHL * 4    → field "total_len", bad_length,  offset 2
    ///   total length > b.size()   → field "total_len", truncated,   offset 2
    ///   malformed option          → field "options",   bad_length (length < 2)
    ///                               or truncated (past the header), offset
    ///                               of the option's type octet
    /// The checksum is not checked here (verify_checksum()): routers and
    /// captures with offloaded checksums need the view either way.
    /// Bytes beyond total length (link padding) are allowed; payload() stops
    /// before them.
    static constexpr Result<Ipv4View> checked(std::span<B> b) noexcept { return check(b, true); }

    /// Like checked(), but a total length beyond the buffer is allowed: for
    /// the datagram quoted inside an ICMP error (RFC 792: header + at least
    /// 8 bytes; RFC 1812 §4.3.2.3: as much as fits in 576). payload() then
    /// ends at the end of the buffer; total_len() still says what the
    /// original datagram's header said.
    static constexpr Result<Ipv4View> checked_quote(std::span<B> b) noexcept {
        return check(b, false);
    }

    /// No validation. Precondition: b.size() >= 20 and >= header_len(), and
    /// (for payload()) the header's total length and IHL fields are set.
    static constexpr Ipv4View unchecked(std::span<B> b) noexcept { return Ipv4View{b}; }

    constexpr operator Ipv4View<const Byte>() const noexcept requires is_mutable_byte<B> {
        return Ipv4View<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr std::uint8_t version() const noexcept { return buf_[0] >> 4; }
    /// Header length in 32-bit words (5..15).
    constexpr std::uint8_t ihl() const noexcept { return buf_[0] & 0x0f; }
    /// Header length in bytes (20..60), options included.
    constexpr std::size_t header_len() const noexcept { return std::size_t{buf_[0] & 0x0fu} * 4; }
    /// The type-of-service octet as a whole (DSCP << 2 | ECN).
    constexpr std::uint8_t tos() const noexcept { return buf_[ipv4_field::tos.first]; }
    /// Differentiated services code point (RFC 2474), 0..63.
    constexpr std::uint8_t dscp() const noexcept { return tos() >> 2; }
    /// Explicit congestion notification (RFC 3168), 0..3.
    constexpr std::uint8_t ecn() const noexcept { return tos() & 0x3; }
    /// Header plus data, in bytes.
    constexpr std::uint16_t total_len() const noexcept { return word(ipv4_field::total_len.first); }
    constexpr std::uint16_t ident() const noexcept { return word(ipv4_field::ident.first); }
    /// The reserved flag (must be zero, RFC 791).
    constexpr bool reserved_flag() const noexcept {
        return (word(ipv4_field::flags_frag.first) & detail::ipv4_flag_reserved) != 0;
    }
    constexpr bool dont_frag() const noexcept {
        return (word(ipv4_field::flags_frag.first) & detail::ipv4_flag_df) != 0;
    }
    constexpr bool more_frags() const noexcept {
        return (word(ipv4_field::flags_frag.first) & detail::ipv4_flag_mf) != 0;
    }
    /// Fragment offset as on the wire, in 8-byte units (0..8191).
    constexpr std::uint16_t frag_offset_raw() const noexcept {
        return word(ipv4_field::flags_frag.first) & detail::ipv4_frag_mask;
    }
    /// Fragment offset in bytes (a multiple of 8).
    constexpr std::uint32_t frag_offset() const noexcept {
        return std::uint32_t{frag_offset_raw()} * 8;
    }
    /// True for any fragment: MF set or a nonzero offset (RFC 791 §3.2).
    constexpr bool is_fragment() const noexcept {
        return (word(ipv4_field::flags_frag.first) &
                (detail::ipv4_flag_mf | detail::ipv4_frag_mask)) != 0;
    }
    /// True for the first fragment of a fragmented datagram: MF set, offset 0
    /// (the only fragment that carries the transport header).
    constexpr bool is_first_fragment() const noexcept {
        return (word(ipv4_field::flags_frag.first) &
                (detail::ipv4_flag_mf | detail::ipv4_frag_mask)) == detail::ipv4_flag_mf;
    }
    constexpr std::uint8_t ttl() const noexcept { return buf_[ipv4_field::ttl.first]; }
    constexpr IpProtocol protocol() const noexcept {
        return IpProtocol{buf_[ipv4_field::protocol.first]};
    }
    constexpr std::uint16_t checksum() const noexcept { return word(ipv4_field::checksum.first); }
    constexpr Ipv4Address src() const noexcept {
        return Ipv4Address::from_bytes(at(ipv4_field::src));
    }
    constexpr Ipv4Address dst() const noexcept {
        return Ipv4Address::from_bytes(at(ipv4_field::dst));
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    /// Header bytes, options included.
    constexpr std::span<B> header() const noexcept { return buf_.first(header_len()); }
    /// The raw option bytes (header bytes 20 .. header_len), padding included.
    constexpr std::span<B> options_bytes() const noexcept {
        return buf_.subspan(ipv4_field::header_len, header_len() - ipv4_field::header_len);
    }
    /// The options as a lazy range of Ipv4Option<B> (see ipv4_options.hpp).
    constexpr Ipv4OptionRange<B> options() const noexcept {
        return Ipv4OptionRange<B>{options_bytes()};
    }
    /// Bytes [header_len, total_len): the data, without link padding. For a
    /// view from checked_quote() the end is clamped to the buffer.
    constexpr std::span<B> payload() const noexcept {
        const std::size_t hl = header_len();
        const std::size_t tl = total_len();
        const std::size_t end = tl < buf_.size() ? tl : buf_.size();
        return std::span<B>(buf_.data() + hl, end - hl);
    }

    // --- checksum -------------------------------------------------------------
    /// True when the header checksum verifies (RFC 791 §3.1, RFC 1071).
    constexpr bool verify_checksum() const noexcept {
        return checksum::verifies(checksum::sum(Bytes(header())));
    }
    /// The checksum the header should carry (the checksum field counted as 0).
    constexpr std::uint16_t compute_checksum() const noexcept {
        const std::uint64_t s =
            checksum::sum(Bytes(header())) + static_cast<std::uint16_t>(~checksum());
        return checksum::finish(s);
    }
    /// Recomputes the header checksum over header() (options included).
    constexpr void fill_checksum() const noexcept requires is_mutable_byte<B> {
        set_checksum(0);
        set_checksum(checksum::internet_checksum(Bytes(header())));
    }

    // --- setters (mutable views; the checksum is not touched) -----------------
    constexpr void set_version(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>((buf_[0] & 0x0f) | (v << 4));
    }
    /// IHL in 32-bit words (low 4 bits used).
    constexpr void set_ihl(std::uint8_t words) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>((buf_[0] & 0xf0) | (words & 0x0f));
    }
    /// Version 4 and IHL for a header of `bytes` bytes (20..60, multiple of 4).
    constexpr void set_header_len(std::size_t bytes) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>(0x40 | ((bytes / 4) & 0x0f));
    }
    constexpr void set_tos(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        buf_[ipv4_field::tos.first] = v;
    }
    constexpr void set_dscp(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        set_tos(static_cast<std::uint8_t>((v << 2) | ecn()));
    }
    constexpr void set_ecn(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        set_tos(static_cast<std::uint8_t>((tos() & 0xfc) | (v & 0x3)));
    }
    constexpr void set_total_len(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(ipv4_field::total_len, v);
    }
    constexpr void set_ident(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(ipv4_field::ident, v);
    }
    constexpr void set_dont_frag(bool on) const noexcept requires is_mutable_byte<B> {
        set_flag(detail::ipv4_flag_df, on);
    }
    constexpr void set_more_frags(bool on) const noexcept requires is_mutable_byte<B> {
        set_flag(detail::ipv4_flag_mf, on);
    }
    /// Offset in 8-byte units (low 13 bits used); flags are kept.
    constexpr void
    set_frag_offset_raw(std::uint16_t units) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t w = word(ipv4_field::flags_frag.first);
        store16(ipv4_field::flags_frag,
                static_cast<std::uint16_t>((w & ~detail::ipv4_frag_mask) |
                                           (units & detail::ipv4_frag_mask)));
    }
    /// Offset in bytes. Precondition: a multiple of 8, < 65536.
    constexpr void set_frag_offset(std::uint32_t bytes) const noexcept requires is_mutable_byte<B> {
        set_frag_offset_raw(static_cast<std::uint16_t>(bytes / 8));
    }
    constexpr void set_ttl(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        buf_[ipv4_field::ttl.first] = v;
    }
    constexpr void set_protocol(IpProtocol p) const noexcept requires is_mutable_byte<B> {
        buf_[ipv4_field::protocol.first] = static_cast<Byte>(p);
    }
    constexpr void set_checksum(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(ipv4_field::checksum, v);
    }
    constexpr void set_src(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        a.to_bytes(buf_.data() + ipv4_field::src.first);
    }
    constexpr void set_dst(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        a.to_bytes(buf_.data() + ipv4_field::dst.first);
    }

    // --- rewrites with incremental checksum (RFC 1624 eqn. 3) -----------------
    // For routers (TTL) and NAT (addresses). A transport checksum that covers
    // the address through its pseudo-header (TCP, UDP) must be fixed by the
    // transport view too.

    /// Sets the TTL and fixes the checksum. TTL shares its 16-bit word with
    /// the protocol octet.
    constexpr void rewrite_ttl(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t old_w = word(ipv4_field::ttl.first);
        set_ttl(v);
        set_checksum(checksum::update16(checksum(), old_w, word(ipv4_field::ttl.first)));
    }
    /// TTL - 1 with the checksum fixed (RFC 1812 §5.3.1); returns the new
    /// TTL. A TTL of 0 stays 0 and nothing is written: the caller checks
    /// for expiry (and sends ICMP time exceeded) before forwarding.
    constexpr std::uint8_t decrement_ttl() const noexcept requires is_mutable_byte<B> {
        const std::uint8_t t = ttl();
        if (t == 0) return 0;
        rewrite_ttl(static_cast<std::uint8_t>(t - 1));
        return static_cast<std::uint8_t>(t - 1);
    }
    /// Sets the TOS octet (DSCP and ECN) and fixes the checksum.
    constexpr void rewrite_tos(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t old_w = word(0);
        set_tos(v);
        set_checksum(checksum::update16(checksum(), old_w, word(0)));
    }
    constexpr void rewrite_src(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        const std::uint32_t old_v = load_be32(at(ipv4_field::src));
        set_src(a);
        set_checksum(checksum::update32(checksum(), old_v, a.value()));
    }
    constexpr void rewrite_dst(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        const std::uint32_t old_v = load_be32(at(ipv4_field::dst));
        set_dst(a);
        set_checksum(checksum::update32(checksum(), old_v, a.value()));
    }

private:
    constexpr void set_flag(std::uint16_t mask,
                            bool on) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t w = word(ipv4_field::flags_frag.first);
        store16(ipv4_field::flags_frag, static_cast<std::uint16_t>(on ? (w | mask) : (w & ~mask)));
    }
};

/// The IPv4 header as a value. Options are stored inline (no allocation)
/// and emitted zero-padded (EOL) to a multiple of 4 bytes.
/// Defaults are a host's: TTL 64, DF set (RFC 1191 path MTU discovery, as
/// Linux sends), identification 0 (RFC 6864 §4.1: atomic datagrams need no
/// unique ID); encode<> fills protocol and lengths, so
/// `Ipv4Repr{.src = a, .dst = b}` is a whole header.
struct Ipv4Repr {
    Ipv4Address src{};
    Ipv4Address dst{};
    IpProtocol protocol{};
    std::uint8_t ttl = 64;
    std::uint8_t dscp = 0; ///< 0..63
    std::uint8_t ecn = 0;  ///< 0..3
    std::uint16_t ident = 0;
    bool dont_frag = true;
    bool more_frags = false;
    std::uint16_t frag_offset = 0; ///< bytes, a multiple of 8
    std::uint16_t payload_len = 0; ///< bytes after the header
    /// Option bytes: options[0, options_len). Bytes past options_len are kept
    /// zero so that == compares values (set_options() maintains this).
    std::array<Byte, ipv4_max_options_len> options{};
    std::uint8_t options_len = 0;

    constexpr Bytes options_bytes() const noexcept { return Bytes(options.data(), options_len); }

    /// Copies `o` (at most 40 bytes) into options, zeroing the rest. Error
    /// (layer "ipv4", field "options", too_big) when `o` is longer.
    constexpr Result<void> set_options(Bytes o) noexcept {
        if (o.size() > ipv4_max_options_len)
            return Error::at(ipv4_field::options, Errc::too_big, o.size(), ipv4_max_options_len);
        for (std::size_t i = 0; i < options.size(); ++i)
            options[i] = i < o.size() ? o[i] : 0;
        options_len = static_cast<std::uint8_t>(o.size());
        return {};
    }

    /// Reads every header field; options_len becomes header_len - 20 (padding
    /// included). payload_len is total_len - header_len from the header (not
    /// clamped to the buffer). The checksum is not verified here; use
    /// view.verify_checksum(). On an unchecked view the IHL / total length
    /// checks of Ipv4View::checked_quote() are repeated.
    template <ByteType B>
    static constexpr Result<Ipv4Repr> parse(const Ipv4View<B>& v) noexcept {
        if (auto r = Ipv4View<const Byte>::checked_quote(Bytes(v.bytes())); !r) return r.error();
        Ipv4Repr r;
        r.src = v.src();
        r.dst = v.dst();
        r.protocol = v.protocol();
        r.ttl = v.ttl();
        r.dscp = v.dscp();
        r.ecn = v.ecn();
        r.ident = v.ident();
        r.dont_frag = v.dont_frag();
        r.more_frags = v.more_frags();
        r.frag_offset = static_cast<std::uint16_t>(v.frag_offset());
        r.payload_len = static_cast<std::uint16_t>(v.total_len() - v.header_len());
        const auto o = v.options_bytes();
        for (std::size_t i = 0; i < o.size(); ++i)
            r.options[i] = o[i];
        r.options_len = static_cast<std::uint8_t>(o.size());
        return r;
    }

    /// Header bytes emit() writes: 20 + options rounded up to 4.
    constexpr std::size_t header_len() const noexcept {
        return ipv4_field::header_len + ((std::size_t{options_len} + 3) & ~std::size_t{3});
    }
    constexpr std::size_t buffer_len() const noexcept { return header_len(); }
    /// Header plus payload.
    constexpr std::size_t total_len() const noexcept { return header_len() + payload_len; }

    /// Writes the whole header: version/IHL, DSCP/ECN, total length
    /// (header_len() + payload_len), identification, flags (reserved bit 0),
    /// fragment offset, TTL, protocol, addresses, options padded with zeros
    /// (EOL), and the header checksum. Preconditions: v.bytes().size() >=
    /// header_len(); options_len <= 40; total_len() <= 65535.
    /// Always inlined: out of line (clang++ 14 does not inline it), the
    /// call and the reload of the repr cost more than the work (build_tcp/*).
    [[gnu::always_inline]] constexpr void emit(Ipv4View<Byte> v) const noexcept {
        const std::size_t hl = header_len();
        const auto tos = static_cast<std::uint8_t>((dscp << 2) | (ecn & 0x3));
        const auto total = static_cast<std::uint16_t>(hl + payload_len);
        const auto ff = static_cast<std::uint16_t>((dont_frag ? detail::ipv4_flag_df : 0) |
                                                   (more_frags ? detail::ipv4_flag_mf : 0) |
                                                   ((frag_offset / 8) & detail::ipv4_frag_mask));
        v.set_header_len(hl);
        v.set_tos(tos);
        v.set_total_len(total);
        v.set_ident(ident);
        store_be16(v.bytes().data() + ipv4_field::flags_frag.first, ff);
        v.set_ttl(ttl);
        v.set_protocol(protocol);
        v.set_src(src);
        v.set_dst(dst);
        if (options_len != 0) [[unlikely]] {
            const MutBytes o =
                v.bytes().subspan(ipv4_field::header_len, hl - ipv4_field::header_len);
            for (std::size_t i = 0; i < o.size(); ++i)
                o[i] = i < options_len ? options[i] : 0;
            Ipv4View<Byte>::unchecked(v.bytes().first(hl)).fill_checksum();
            return;
        }
        // No options: sum the ten header words from the values just written
        // instead of reading them back. Re-reading freshly stored 16-bit
        // fields with wide loads stalls on store forwarding and was the
        // largest cost of building a small frame (bench build_tcp/*).
        const std::uint64_t words =
            std::uint64_t{0x4500u | tos} + total + ident + ff +
            ((std::uint32_t{ttl} << 8) | static_cast<std::uint8_t>(protocol)) +
            (src.value() >> 16) + (src.value() & 0xffffu) + (dst.value() >> 16) +
            (dst.value() & 0xffffu);
        v.set_checksum(checksum::finish(words));
    }

    friend constexpr bool operator==(const Ipv4Repr&, const Ipv4Repr&) = default;
};

} // namespace strata
