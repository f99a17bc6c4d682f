// ARP (RFC 826) for Ethernet hardware and IPv4 protocol addresses: a view
// over the packet and the packet as a value.
//
//  0        2        4    5    6        8
// +--------+--------+----+----+--------+
// | htype  | ptype  |hlen|plen|  oper  |
// +--------+--------+----+----+--------+
// | sender hardware address (6)        |  8
// | sender protocol address (4)        | 14
// | target hardware address (6)        | 18
// | target protocol address (4)        | 24 .. 28
// +------------------------------------+
//
// The address fields only have this layout when htype = 1 (Ethernet),
// ptype = 0x0800 (IPv4), hlen = 6 and plen = 4, so checked() insists on
// those; other combinations are reported as unsupported / bad length rather
// than read with the wrong offsets. Bytes after the 28th (Ethernet padding
// to the 60-byte minimum) are allowed and ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/result.hpp>

namespace strata {

/// ARP opcode (IANA "Operation Codes"). Open: other values are values.
enum class ArpOperation : std::uint16_t {
    request = 1,
    reply = 2,
    rarp_request = 3, ///< RFC 903
    rarp_reply = 4,   ///< RFC 903
};

constexpr std::string_view to_string(ArpOperation op) noexcept {
    switch (op) {
    case ArpOperation::request:
        return "request";
    case ArpOperation::reply:
        return "reply";
    case ArpOperation::rarp_request:
        return "rarp-request";
    case ArpOperation::rarp_reply:
        return "rarp-reply";
    }
    return "unknown";
}

namespace arp_field {
inline constexpr Field htype{0, 2, "arp", "htype"};
inline constexpr Field ptype{2, 4, "arp", "ptype"};
inline constexpr Field hlen{4, 5, "arp", "hlen"};
inline constexpr Field plen{5, 6, "arp", "plen"};
inline constexpr Field oper{6, 8, "arp", "oper"};
inline constexpr Field sha{8, 14, "arp", "sha"};  ///< sender hardware address
inline constexpr Field spa{14, 18, "arp", "spa"}; ///< sender protocol address
inline constexpr Field tha{18, 24, "arp", "tha"}; ///< target hardware address
inline constexpr Field tpa{24, 28, "arp", "tpa"}; ///< target protocol address
/// Fixed part that says how long the addresses are.
inline constexpr std::size_t fixed_len = oper.last;
/// Whole Ethernet/IPv4 packet.
inline constexpr std::size_t header_len = tpa.last;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, tpa.last, "arp", "header"};
inline constexpr Field addresses{sha.first, tpa.last, "arp", "addresses"};
} // namespace arp_field

/// ARP hardware type for Ethernet (RFC 826, IANA "Hardware Types").
inline constexpr std::uint16_t arp_htype_ethernet = 1;
/// Length of an Ethernet/IPv4 ARP packet (28 bytes).
inline constexpr std::size_t arp_packet_len = arp_field::header_len;

template <ByteType B = const Byte>
class ArpView {
    std::span<B> buf_;

    constexpr explicit ArpView(std::span<B> b) noexcept : buf_(b) {}
    constexpr const Byte* at(Field f) const noexcept { return buf_.data() + f.first; }

public:
    static constexpr std::size_t min_header_len = arp_field::header_len;

    /// Validates `b` (the Ethernet payload). Errors (layer "arp"), in order:
    ///   b.size() < 8          → field "header", truncated, offset 0
    ///   htype != 1            → field "htype", unsupported, offset 0
    ///   ptype != 0x0800       → field "ptype", unsupported, offset 2
    ///   hlen != 6             → field "hlen", bad_length, offset 4
    ///   plen != 4             → field "plen", bad_length, offset 5
    ///   b.size() < 28         → field "addresses", truncated, offset 8
    /// Trailing bytes (padding) are allowed: bytes() keeps them, header() and
    /// every accessor stop at 28.
    static constexpr Result<ArpView> checked(std::span<B> b) noexcept {
        if (b.size() < arp_field::fixed_len)
            return Error::at(arp_field::header, Errc::truncated, b.size(), arp_field::fixed_len);
        const Byte* p = b.data();
        if (const auto h = load_be16(p + arp_field::htype.first); h != arp_htype_ethernet)
            return Error::at(arp_field::htype, Errc::unsupported, h, arp_htype_ethernet);
        if (const auto t = load_be16(p + arp_field::ptype.first); t != 0x0800)
            return Error::at(arp_field::ptype, Errc::unsupported, t, 0x0800);
        if (p[arp_field::hlen.first] != MacAddress::size)
            return Error::at(arp_field::hlen, Errc::bad_length, p[arp_field::hlen.first],
                             MacAddress::size);
        if (p[arp_field::plen.first] != Ipv4Address::size)
            return Error::at(arp_field::plen, Errc::bad_length, p[arp_field::plen.first],
                             Ipv4Address::size);
        if (b.size() < arp_field::header_len)
            return Error::at(arp_field::addresses, Errc::truncated, b.size(),
                             arp_field::header_len);
        return ArpView{b};
    }

    /// No validation. Precondition: b.size() >= 28.
    static constexpr ArpView unchecked(std::span<B> b) noexcept { return ArpView{b}; }

    constexpr operator ArpView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return ArpView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr std::uint16_t hardware_type() const noexcept {
        return load_be16(at(arp_field::htype));
    }
    constexpr EtherType protocol_type() const noexcept {
        return EtherType{load_be16(at(arp_field::ptype))};
    }
    constexpr std::uint8_t hardware_len() const noexcept { return buf_[arp_field::hlen.first]; }
    constexpr std::uint8_t protocol_len() const noexcept { return buf_[arp_field::plen.first]; }
    constexpr ArpOperation operation() const noexcept {
        return ArpOperation{load_be16(at(arp_field::oper))};
    }
    constexpr MacAddress sender_hardware_addr() const noexcept {
        return MacAddress::from_bytes(at(arp_field::sha));
    }
    constexpr Ipv4Address sender_protocol_addr() const noexcept {
        return Ipv4Address::from_bytes(at(arp_field::spa));
    }
    constexpr MacAddress target_hardware_addr() const noexcept {
        return MacAddress::from_bytes(at(arp_field::tha));
    }
    constexpr Ipv4Address target_protocol_addr() const noexcept {
        return Ipv4Address::from_bytes(at(arp_field::tpa));
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    /// The whole ARP packet is header: 28.
    constexpr std::size_t header_len() const noexcept { return arp_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(arp_field::header_len); }
    /// ARP carries no payload; this is whatever follows the 28 bytes
    /// (Ethernet padding), normally to be ignored.
    constexpr std::span<B> payload() const noexcept { return buf_.subspan(arp_field::header_len); }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_hardware_type(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + arp_field::htype.first, v);
    }
    constexpr void set_protocol_type(EtherType t) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + arp_field::ptype.first, static_cast<std::uint16_t>(t));
    }
    constexpr void set_hardware_len(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        buf_[arp_field::hlen.first] = v;
    }
    constexpr void set_protocol_len(std::uint8_t v) const noexcept requires is_mutable_byte<B> {
        buf_[arp_field::plen.first] = v;
    }
    constexpr void set_operation(ArpOperation op) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + arp_field::oper.first, static_cast<std::uint16_t>(op));
    }
    constexpr void
    set_sender_hardware_addr(const MacAddress& m) const noexcept requires is_mutable_byte<B> {
        m.to_bytes(buf_.data() + arp_field::sha.first);
    }
    constexpr void
    set_sender_protocol_addr(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        a.to_bytes(buf_.data() + arp_field::spa.first);
    }
    constexpr void
    set_target_hardware_addr(const MacAddress& m) const noexcept requires is_mutable_byte<B> {
        m.to_bytes(buf_.data() + arp_field::tha.first);
    }
    constexpr void
    set_target_protocol_addr(Ipv4Address a) const noexcept requires is_mutable_byte<B> {
        a.to_bytes(buf_.data() + arp_field::tpa.first);
    }
};

/// An Ethernet/IPv4 ARP packet as a value (htype, ptype and lengths are
/// implied).
struct ArpRepr {
    ArpOperation operation = ArpOperation::request;
    MacAddress sender_hardware_addr{};
    Ipv4Address sender_protocol_addr{};
    MacAddress target_hardware_addr{};
    Ipv4Address target_protocol_addr{};

    /// Never fails on a checked view; on an unchecked view the htype /
    /// ptype / hlen / plen checks of ArpView::checked() are repeated.
    template <ByteType B>
    static constexpr Result<ArpRepr> parse(const ArpView<B>& v) noexcept {
        if (auto r = ArpView<const Byte>::checked(Bytes(v.bytes())); !r) return r.error();
        return ArpRepr{v.operation(), v.sender_hardware_addr(), v.sender_protocol_addr(),
                       v.target_hardware_addr(), v.target_protocol_addr()};
    }

    /// Bytes emit() writes (28). Pad the frame to 60 with ethernet_pad().
    constexpr std::size_t buffer_len() const noexcept { return arp_field::header_len; }

    /// Writes all 28 bytes. Precondition: v.bytes().size() >= 28.
    constexpr void emit(ArpView<Byte> v) const noexcept {
        v.set_hardware_type(arp_htype_ethernet);
        v.set_protocol_type(EtherType::ipv4);
        v.set_hardware_len(static_cast<std::uint8_t>(MacAddress::size));
        v.set_protocol_len(static_cast<std::uint8_t>(Ipv4Address::size));
        v.set_operation(operation);
        v.set_sender_hardware_addr(sender_hardware_addr);
        v.set_sender_protocol_addr(sender_protocol_addr);
        v.set_target_hardware_addr(target_hardware_addr);
        v.set_target_protocol_addr(target_protocol_addr);
    }

    friend constexpr bool operator==(const ArpRepr&, const ArpRepr&) = default;
};

} // namespace strata
