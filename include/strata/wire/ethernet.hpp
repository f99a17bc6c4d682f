// Ethernet II framing (IEEE 802.3 clause 3, "DIX" type field): a zero-copy
// view over a frame, the header as a value, and FCS / padding helpers.
//
//  0                   6                  12       14
// +-------------------+-------------------+--------+-----------------+-----+
// |  destination MAC  |    source MAC     |  type  | payload 46-1500 | FCS |
// +-------------------+-------------------+--------+-----------------+-----+
//
// Frames as the OS hands them (AF_PACKET, TAP, pcap) usually carry neither
// the preamble nor the FCS; the view therefore takes the bytes from the
// destination address on, and payload() runs to the end of the buffer. That
// end may include padding up to the 60-byte minimum (and an FCS when the
// capture kept it): inner layers trim by their own length fields (IPv4's
// total length), which is why Ethernet itself does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/addr/mac_address.hpp>
#include <strata/checksum/crc32.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace ethernet_field {
inline constexpr Field dst{0, 6, "ethernet", "dst"};
inline constexpr Field src{6, 12, "ethernet", "src"};
inline constexpr Field ethertype{12, 14, "ethernet", "ethertype"};
inline constexpr std::size_t header_len = ethertype.last;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, ethertype.last, "ethernet", "header"};
inline constexpr Field fcs{0, 0, "ethernet", "fcs"}; ///< at the frame's end: errors rebase it
inline constexpr Field padding{0, 0, "ethernet",
                               "padding"}; ///< after the payload: errors rebase it
} // namespace ethernet_field

/// Header length (14 bytes: two addresses and the type).
inline constexpr std::size_t ethernet_header_len = ethernet_field::header_len;
/// Smallest frame on the wire without FCS (64 with it, IEEE 802.3 §4.2.3.3).
inline constexpr std::size_t ethernet_min_frame_len = 60;
/// Largest payload of an untagged frame (the classic MTU).
inline constexpr std::size_t ethernet_max_payload_len = 1500;
/// Frame check sequence length.
inline constexpr std::size_t ethernet_fcs_len = 4;
/// CRC-32 over a frame followed by its own correct FCS (IEEE 802.3 §3.2.9,
/// the well-known residue "0x2144DF1C" of the reflected CRC-32 with final XOR).
inline constexpr std::uint32_t ethernet_fcs_residue = 0x2144DF1Cu;

template <ByteType B = const Byte>
class EthernetView {
    std::span<B> buf_;

    constexpr explicit EthernetView(std::span<B> b) noexcept : buf_(b) {}

public:
    static constexpr std::size_t min_header_len = ethernet_field::header_len;

    /// Validates `b`, a frame from the destination address on. Error (layer
    /// "ethernet"): b.size() < 14 → field "header", truncated, offset 0.
    /// A type value <= 1500 is an IEEE 802.3 length; it is exposed, not
    /// rejected (see is_ieee8023_length()).
    static constexpr Result<EthernetView> checked(std::span<B> b) noexcept {
        if (b.size() < ethernet_field::header_len)
            return Error::at(ethernet_field::header, Errc::truncated, b.size(),
                             ethernet_field::header_len);
        return EthernetView{b};
    }

    /// No validation. Precondition: b.size() >= 14.
    static constexpr EthernetView unchecked(std::span<B> b) noexcept { return EthernetView{b}; }

    /// A read-only view of the same bytes.
    constexpr operator EthernetView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return EthernetView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr MacAddress dst() const noexcept {
        return MacAddress::from_bytes(buf_.data() + ethernet_field::dst.first);
    }
    constexpr MacAddress src() const noexcept {
        return MacAddress::from_bytes(buf_.data() + ethernet_field::src.first);
    }
    /// The type field: an EtherType, or an 802.3 length when <= 1500.
    constexpr EtherType ethertype() const noexcept {
        return EtherType{load_be16(buf_.data() + ethernet_field::ethertype.first)};
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return ethernet_field::header_len; }
    constexpr std::span<B> header() const noexcept {
        return buf_.first(ethernet_field::header_len);
    }
    /// Everything after the header, including padding (and an FCS if the
    /// buffer has one).
    constexpr std::span<B> payload() const noexcept {
        return buf_.subspan(ethernet_field::header_len);
    }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_dst(const MacAddress& m) const noexcept requires is_mutable_byte<B> {
        m.to_bytes(buf_.data() + ethernet_field::dst.first);
    }
    constexpr void set_src(const MacAddress& m) const noexcept requires is_mutable_byte<B> {
        m.to_bytes(buf_.data() + ethernet_field::src.first);
    }
    constexpr void set_ethertype(EtherType t) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + ethernet_field::ethertype.first, static_cast<std::uint16_t>(t));
    }
};

/// The Ethernet II header as a value. encode<> fills the EtherType from the
/// inner layer: `EthernetRepr{.dst = a, .src = b}` is enough there.
struct EthernetRepr {
    MacAddress dst{};
    MacAddress src{};
    EtherType ethertype{};

    /// Never fails on a checked view (every 14-byte header is well formed).
    template <ByteType B>
    static constexpr Result<EthernetRepr> parse(const EthernetView<B>& v) noexcept {
        return EthernetRepr{v.dst(), v.src(), v.ethertype()};
    }

    /// Header bytes emit() writes (14).
    constexpr std::size_t buffer_len() const noexcept { return ethernet_field::header_len; }

    /// Writes the header. Precondition: v.bytes().size() >= 14.
    constexpr void emit(EthernetView<Byte> v) const noexcept {
        v.set_dst(dst);
        v.set_src(src);
        v.set_ethertype(ethertype);
    }

    friend constexpr bool operator==(const EthernetRepr&, const EthernetRepr&) = default;
};

// --- FCS and padding -----------------------------------------------------------
//
// The FCS is the CRC-32 of IEEE 802.3 §3.2.9 over destination address ..
// end of payload (padding included). The CRC register is shifted out
// least-significant bit first, so in byte order the FCS is the CRC value
// little-endian: crc32 0x71fb1557 goes on the wire as 57 15 fb 71.

/// CRC-32 of a frame without FCS (destination address to end of padding).
constexpr std::uint32_t ethernet_fcs(Bytes frame) noexcept { return crc32(frame); }

/// Appends the FCS after the first `frame_len` bytes of `buf` and returns the
/// new length (frame_len + 4). Error (layer "ethernet", field "fcs",
/// buffer_too_small, offset frame_len) when `buf` has no room.
constexpr Result<std::size_t> ethernet_append_fcs(MutBytes buf, std::size_t frame_len) noexcept {
    if (frame_len > buf.size() || buf.size() - frame_len < ethernet_fcs_len)
        return Error::at(ethernet_field::fcs, Errc::buffer_too_small, frame_len + ethernet_fcs_len,
                         buf.size())
            .rebased(frame_len);
    const std::uint32_t c = ethernet_fcs(Bytes(buf.data(), frame_len));
    for (std::size_t i = 0; i < ethernet_fcs_len; ++i)
        buf[frame_len + i] = static_cast<Byte>(c >> (8 * i));
    return frame_len + ethernet_fcs_len;
}

/// True when the last 4 bytes of `frame_with_fcs` are the FCS of the rest.
/// A buffer shorter than header + FCS never verifies.
constexpr bool ethernet_verify_fcs(Bytes frame_with_fcs) noexcept {
    if (frame_with_fcs.size() < ethernet_header_len + ethernet_fcs_len) return false;
    const std::size_t n = frame_with_fcs.size() - ethernet_fcs_len;
    const Byte* f = frame_with_fcs.data() + n;
    const std::uint32_t stored = std::uint32_t{f[0]} | (std::uint32_t{f[1]} << 8) |
                                 (std::uint32_t{f[2]} << 16) | (std::uint32_t{f[3]} << 24);
    return ethernet_fcs(frame_with_fcs.first(n)) == stored;
}

/// The frame without its FCS when the FCS verifies; otherwise an error
/// (layer "ethernet", field "fcs", bad_checksum at the FCS offset, or
/// truncated at 0 when the buffer is shorter than header + FCS). This is
/// what a NIC does before handing a frame up (drop on bad FCS).
template <ByteType B>
constexpr Result<std::span<B>> ethernet_strip_fcs(std::span<B> frame_with_fcs) noexcept {
    if (frame_with_fcs.size() < ethernet_header_len + ethernet_fcs_len)
        return Error::at(ethernet_field::fcs, Errc::truncated, frame_with_fcs.size(),
                         ethernet_header_len + ethernet_fcs_len);
    const std::size_t n = frame_with_fcs.size() - ethernet_fcs_len;
    if (!ethernet_verify_fcs(Bytes(frame_with_fcs)))
        return Error::at(ethernet_field::fcs, Errc::bad_checksum).rebased(n);
    return frame_with_fcs.first(n);
}

/// Zero-fills bytes [frame_len, 60) of `buf` so the frame reaches the
/// minimum size, and returns the padded length (frame_len when already
/// >= 60). Error (field "padding", buffer_too_small) when `buf` is shorter
/// than the padded length.
constexpr Result<std::size_t> ethernet_pad(MutBytes buf, std::size_t frame_len) noexcept {
    if (frame_len >= ethernet_min_frame_len) return frame_len;
    if (buf.size() < ethernet_min_frame_len)
        return Error::at(ethernet_field::padding, Errc::buffer_too_small, ethernet_min_frame_len,
                         buf.size())
            .rebased(frame_len);
    for (std::size_t i = frame_len; i < ethernet_min_frame_len; ++i)
        buf[i] = 0;
    return ethernet_min_frame_len;
}

} // namespace strata
