// UDP (RFC 768): a zero-copy view over a datagram and its header as a value.
//
//  0      7 8     15 16    23 24    31
// +--------+--------+--------+--------+
// |   source port   | destination port|
// +--------+--------+--------+--------+
// |     length      |    checksum     |
// +--------+--------+--------+--------+
//
// The view is handed the IP payload. `length` covers header and data; a
// datagram shorter than the IP payload is accepted and trimmed to `length`
// (Linux does the same, __udp4_lib_rcv → pskb_trim_rcsum), a longer one is
// an error. The checksum covers the IPv4 pseudo-header, the header and the
// data; 0 means "no checksum" (RFC 768), so a computed 0 is sent as 0xffff.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace udp_field {
inline constexpr Field src_port{0, 2, "udp", "src_port"};
inline constexpr Field dst_port{2, 4, "udp", "dst_port"};
inline constexpr Field length{4, 6, "udp", "length"};
inline constexpr Field checksum{6, 8, "udp", "checksum"};
inline constexpr std::size_t header_len = checksum.last;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, checksum.last, "udp", "header"};
} // namespace udp_field

template <ByteType B = const Byte>
class UdpView {
    std::span<B> buf_;

    constexpr explicit UdpView(std::span<B> b) noexcept : buf_(b) {}

    constexpr std::uint16_t load16(Field f) const noexcept {
        return load_be16(buf_.data() + f.first);
    }
    constexpr void store16(Field f, std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + f.first, v);
    }
    // RFC 768: a transmitted 0 means "not computed"; the one's complement
    // value 0 is sent as its other representation, 0xffff.
    static constexpr std::uint16_t nonzero(std::uint16_t c) noexcept { return c == 0 ? 0xffff : c; }

public:
    static constexpr std::size_t min_header_len = udp_field::header_len;

    /// Validates `b`, the IP payload. Errors (layer "udp"):
    ///   b.size() < 8                → field "header", truncated, offset 0
    ///   length field < 8            → field "length", bad_length, offset 4
    ///   length field > b.size()     → field "length", truncated, offset 4
    ///                                 (UDP length inconsistent with IP's)
    /// On success bytes() is trimmed to the length field, so payload() is
    /// exactly the datagram's data.
    static constexpr Result<UdpView> checked(std::span<B> b) noexcept {
        if (b.size() < udp_field::header_len)
            return Error::at(udp_field::header, Errc::truncated, b.size(), udp_field::header_len);
        const std::size_t len = load_be16(b.data() + udp_field::length.first);
        if (len < udp_field::header_len)
            return Error::at(udp_field::length, Errc::bad_length, len, udp_field::header_len);
        if (len > b.size()) return Error::at(udp_field::length, Errc::truncated, len, b.size());
        return UdpView{b.first(len)};
    }

    /// No validation. Precondition: b.size() >= 8. bytes() is `b` as given
    /// (not trimmed to the length field): size it to header + payload.
    static constexpr UdpView unchecked(std::span<B> b) noexcept { return UdpView{b}; }

    /// A read-only view of the same bytes.
    constexpr operator UdpView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return UdpView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr Port src_port() const noexcept { return Port{load16(udp_field::src_port)}; }
    constexpr Port dst_port() const noexcept { return Port{load16(udp_field::dst_port)}; }
    /// Header plus data, in bytes, as the field says.
    constexpr std::uint16_t length() const noexcept { return load16(udp_field::length); }
    constexpr std::uint16_t checksum() const noexcept { return load16(udp_field::checksum); }
    /// False when the sender did not compute a checksum (field 0, RFC 768).
    constexpr bool has_checksum() const noexcept { return checksum() != 0; }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return udp_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(udp_field::header_len); }
    constexpr std::span<B> payload() const noexcept { return buf_.subspan(udp_field::header_len); }

    /// Partial sum of pseudo-header + header + data (checksum field included).
    constexpr std::uint64_t checksum_sum(Ipv4Address src, Ipv4Address dst) const noexcept {
        const std::uint64_t pseudo = checksum::pseudo_header_ipv4(
            src.value(), dst.value(), static_cast<std::uint8_t>(IpProtocol::udp), length());
        return checksum::sum(Bytes(buf_), pseudo);
    }

    /// True when the checksum verifies over the IPv4 pseudo-header, or when
    /// there is none (field 0, RFC 768; see has_checksum()).
    constexpr bool verify_checksum(Ipv4Address src, Ipv4Address dst) const noexcept {
        if (!has_checksum()) return true;
        return checksum::verifies(checksum_sum(src, dst));
    }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_src_port(Port p) const noexcept requires is_mutable_byte<B> {
        store16(udp_field::src_port, p.value());
    }
    constexpr void set_dst_port(Port p) const noexcept requires is_mutable_byte<B> {
        store16(udp_field::dst_port, p.value());
    }
    constexpr void set_length(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(udp_field::length, v);
    }
    constexpr void set_checksum(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store16(udp_field::checksum, v);
    }

    /// Computes the checksum over pseudo-header + bytes() (header and data in
    /// place, length field already set). A computed 0 is written as 0xffff.
    constexpr void fill_checksum(Ipv4Address src,
                                 Ipv4Address dst) const noexcept requires is_mutable_byte<B> {
        set_checksum(0);
        set_checksum(nonzero(checksum::finish(checksum_sum(src, dst))));
    }

    // Incremental rewrites (RFC 1624 eqn. 3) for NAT. A zero checksum means
    // "none" and stays zero (RFC 768); a result of 0 is written as 0xffff.
    constexpr void rewrite_src_port(Port p) const noexcept requires is_mutable_byte<B> {
        rewrite16(udp_field::src_port, p.value());
    }
    constexpr void rewrite_dst_port(Port p) const noexcept requires is_mutable_byte<B> {
        rewrite16(udp_field::dst_port, p.value());
    }
    /// The IP layer changed a source or destination address from `old_addr`
    /// to `new_addr`: fix the checksum, which covers it through the pseudo-header.
    constexpr void
    rewrite_pseudo_header_address(Ipv4Address old_addr,
                                  Ipv4Address new_addr) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t c = checksum();
        if (c == 0) return;
        set_checksum(nonzero(checksum::update32(c, old_addr.value(), new_addr.value())));
    }

private:
    constexpr void rewrite16(Field f, std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t old = load16(f);
        store16(f, v);
        const std::uint16_t c = checksum();
        if (c != 0) set_checksum(nonzero(checksum::update16(c, old, v)));
    }
};

/// The UDP header as a value. The checksum is not part of it: emit()
/// computes it, verify_checksum() on the view checks it. encode<> fills
/// payload_len, so `UdpRepr{.src_port = a, .dst_port = b}` is enough there.
struct UdpRepr {
    Port src_port{};
    Port dst_port{};
    std::size_t payload_len = 0;

    /// From a checked view this cannot fail; from an unchecked one a length
    /// field below 8 is reported as in UdpView::checked().
    template <ByteType B>
    static constexpr Result<UdpRepr> parse(const UdpView<B>& v) noexcept {
        const std::size_t len = v.length();
        if (len < udp_field::header_len)
            return Error::at(udp_field::length, Errc::bad_length, len, udp_field::header_len);
        return UdpRepr{v.src_port(), v.dst_port(), len - udp_field::header_len};
    }

    /// Header bytes emit() writes (always 8); the datagram is
    /// buffer_len() + payload_len bytes.
    constexpr std::size_t buffer_len() const noexcept { return udp_field::header_len; }

    /// Writes ports and length; checksum 0 ("none", RFC 768). Precondition:
    /// v.bytes().size() >= 8 and payload_len <= 65527.
    constexpr void emit_header(UdpView<Byte> v) const noexcept {
        v.set_src_port(src_port);
        v.set_dst_port(dst_port);
        v.set_length(static_cast<std::uint16_t>(udp_field::header_len + payload_len));
        v.set_checksum(0);
    }

    /// Writes the header and fills the checksum. Precondition: the
    /// payload_len bytes of data are already in place right after the
    /// header, i.e. v.bytes().size() >= 8 + payload_len (only the first
    /// 8 + payload_len bytes are summed).
    constexpr void emit(UdpView<Byte> v, Ipv4Address src, Ipv4Address dst) const noexcept {
        emit(v, checksum::pseudo_header_ipv4(
                    src.value(), dst.value(), static_cast<std::uint8_t>(IpProtocol::udp),
                    static_cast<std::uint16_t>(udp_field::header_len + payload_len)));
    }
    /// The same for any network family: `pseudo_header_sum` is the partial
    /// sum of the network layer's pseudo-header (RFC 768 for IPv4). A computed
    /// 0 is written as 0xffff.
    constexpr void emit(UdpView<Byte> v, std::uint64_t pseudo_header_sum) const noexcept {
        emit_header(v);
        const Bytes datagram = v.bytes().first(udp_field::header_len + payload_len);
        const std::uint16_t c = checksum::finish(checksum::sum(datagram, pseudo_header_sum));
        v.set_checksum(c == 0 ? std::uint16_t{0xffff} : c);
    }

    friend constexpr bool operator==(const UdpRepr&, const UdpRepr&) = default;
};

} // namespace strata
