// IEEE 802.1Q VLAN tags (and 802.1ad service tags, which have the same
// layout): a view over the 4 bytes that follow a tag's type field.
//
//  0     3 4  15 16               31
// +-----+-+----+------------------+
// | PCP |D| VID | inner EtherType |   D = DEI (drop eligible)
// +-----+-+----+------------------+
//
// A tagged frame is Ethernet (type 0x8100 or 0x88a8) + tag + payload, so
// tags compose with the Ethernet view and with each other:
//
//   auto eth = EthernetView<>::checked(frame);              // type 0x88a8
//   auto s   = Dot1QView<>::checked(eth->payload());        // S-tag, type 0x8100
//   auto c   = Dot1QView<>::checked(s->payload());          // C-tag, type 0x0800
//   auto ip  = Ipv4View<>::checked(c->payload());
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace dot1q_field {
inline constexpr Field tci{0, 2, "dot1q", "tci"}; ///< PCP (3 bits) | DEI (1) | VID (12)
inline constexpr Field ethertype{2, 4, "dot1q", "ethertype"};
inline constexpr std::size_t header_len = ethertype.last;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, ethertype.last, "dot1q", "header"};
} // namespace dot1q_field

/// Tag length after the outer type field (4 bytes).
inline constexpr std::size_t dot1q_header_len = dot1q_field::header_len;

/// True for the type values that announce a VLAN tag: 0x8100 (802.1Q C-tag),
/// 0x88a8 (802.1ad S-tag) and the pre-standard QinQ 0x9100.
constexpr bool is_vlan_tag(EtherType t) noexcept {
    return t == EtherType::vlan || t == EtherType::qinq || t == EtherType::qinq_legacy;
}

template <ByteType B = const Byte>
class Dot1QView {
    std::span<B> buf_;

    constexpr explicit Dot1QView(std::span<B> b) noexcept : buf_(b) {}
    constexpr std::uint16_t tci_raw() const noexcept { return load_be16(buf_.data()); }
    constexpr void store_tci(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + dot1q_field::tci.first, v);
    }

public:
    static constexpr std::size_t min_header_len = dot1q_field::header_len;

    /// Validates `b`, the bytes after the tag's type field (an Ethernet or
    /// outer tag payload). Error (layer "dot1q"): b.size() < 4 → field
    /// "header", truncated, offset 0. Every VID is accepted (0 = priority
    /// tag, 0xfff reserved: values, not errors).
    static constexpr Result<Dot1QView> checked(std::span<B> b) noexcept {
        if (b.size() < dot1q_field::header_len)
            return Error::at(dot1q_field::header, Errc::truncated, b.size(),
                             dot1q_field::header_len);
        return Dot1QView{b};
    }

    /// No validation. Precondition: b.size() >= 4.
    static constexpr Dot1QView unchecked(std::span<B> b) noexcept { return Dot1QView{b}; }

    constexpr operator Dot1QView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return Dot1QView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    /// The whole tag control information word.
    constexpr std::uint16_t tci() const noexcept { return tci_raw(); }
    /// Priority code point, 0..7 (IEEE 802.1p).
    constexpr std::uint8_t pcp() const noexcept { return static_cast<std::uint8_t>(buf_[0] >> 5); }
    /// Drop eligible indicator (formerly CFI).
    constexpr bool dei() const noexcept { return (buf_[0] & 0x10) != 0; }
    /// VLAN identifier, 0..4095.
    constexpr std::uint16_t vlan_id() const noexcept {
        return static_cast<std::uint16_t>(tci_raw() & 0x0fff);
    }
    /// Type of what follows the tag (another tag for stacked VLANs).
    constexpr EtherType ethertype() const noexcept {
        return EtherType{load_be16(buf_.data() + dot1q_field::ethertype.first)};
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return dot1q_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(dot1q_field::header_len); }
    constexpr std::span<B> payload() const noexcept {
        return buf_.subspan(dot1q_field::header_len);
    }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_tci(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_tci(v);
    }
    /// Only the low 3 bits of `p` are used.
    constexpr void set_pcp(std::uint8_t p) const noexcept requires is_mutable_byte<B> {
        store_tci(static_cast<std::uint16_t>((tci_raw() & 0x1fff) | ((p & 0x7u) << 13)));
    }
    constexpr void set_dei(bool d) const noexcept requires is_mutable_byte<B> {
        store_tci(static_cast<std::uint16_t>((tci_raw() & 0xefff) | (d ? 0x1000u : 0u)));
    }
    /// Only the low 12 bits of `id` are used.
    constexpr void set_vlan_id(std::uint16_t id) const noexcept requires is_mutable_byte<B> {
        store_tci(static_cast<std::uint16_t>((tci_raw() & 0xf000) | (id & 0x0fffu)));
    }
    constexpr void set_ethertype(EtherType t) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + dot1q_field::ethertype.first, static_cast<std::uint16_t>(t));
    }
};

/// One VLAN tag as a value. The tag's own type (0x8100 or 0x88a8) belongs to
/// the enclosing header (Ethernet or an outer tag), not to this repr.
struct Dot1QRepr {
    std::uint8_t pcp = 0; ///< 0..7
    bool dei = false;
    std::uint16_t vlan_id = 0; ///< 0..4095
    EtherType ethertype{};     ///< what follows the tag

    /// Never fails on a checked view.
    template <ByteType B>
    static constexpr Result<Dot1QRepr> parse(const Dot1QView<B>& v) noexcept {
        return Dot1QRepr{v.pcp(), v.dei(), v.vlan_id(), v.ethertype()};
    }

    /// Tag bytes emit() writes (4).
    constexpr std::size_t buffer_len() const noexcept { return dot1q_field::header_len; }

    /// Writes the tag. Precondition: v.bytes().size() >= 4, pcp <= 7,
    /// vlan_id <= 4095 (excess bits are dropped).
    constexpr void emit(Dot1QView<Byte> v) const noexcept {
        v.set_tci(static_cast<std::uint16_t>(((pcp & 0x7u) << 13) | (dei ? 0x1000u : 0u) |
                                             (vlan_id & 0x0fffu)));
        v.set_ethertype(ethertype);
    }

    friend constexpr bool operator==(const Dot1QRepr&, const Dot1QRepr&) = default;
};

} // namespace strata
