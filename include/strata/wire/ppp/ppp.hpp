// PPP encapsulation inside PPPoE (RFC 1661 §2, RFC 2516 §7): a view over the
// PPPoE session payload, which is a 2-byte Protocol field and the
// information field.
//
// +----------+-------------+
// | Protocol | Information |
// | 16 bits  |      *      |
// +----------+-------------+
//
// Over PPPoE there is no Address/Control (0xff 0x03) and no FCS (RFC 2516 §7:
// ACFC and FCS-Alternatives MUST NOT be requested; the frame is carried
// whole by Ethernet). Protocol-Field-Compression is NOT RECOMMENDED there
// (§7) and strata never negotiates it, so the field is always 2 bytes: a
// 1-byte compressed field would start with an odd byte, which RFC 1661 §2
// forbids in the high octet, and is reported as a bad protocol value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace ppp_field {
inline constexpr Field protocol{0, 2, "ppp", "protocol"};
inline constexpr std::size_t header_len = protocol.last;
} // namespace ppp_field

/// PPP DLL protocol numbers (IANA "PPP DLL Protocol Numbers"). Open.
enum class PppProtocol : std::uint16_t {
    ipv4 = 0x0021,   ///< RFC 1332
    ipv6 = 0x0057,   ///< RFC 5072
    ipcp = 0x8021,   ///< RFC 1332
    ipv6cp = 0x8057, ///< RFC 5072
    ccp = 0x80fd,    ///< RFC 1962
    lcp = 0xc021,    ///< RFC 1661
    pap = 0xc023,    ///< RFC 1334
    lqr = 0xc025,    ///< RFC 1989
    chap = 0xc223,   ///< RFC 1994
};

constexpr std::string_view to_string(PppProtocol p) noexcept {
    switch (p) {
    case PppProtocol::ipv4:
        return "IPv4";
    case PppProtocol::ipv6:
        return "IPv6";
    case PppProtocol::ipcp:
        return "IPCP";
    case PppProtocol::ipv6cp:
        return "IPV6CP";
    case PppProtocol::ccp:
        return "CCP";
    case PppProtocol::lcp:
        return "LCP";
    case PppProtocol::pap:
        return "PAP";
    case PppProtocol::lqr:
        return "LQR";
    case PppProtocol::chap:
        return "CHAP";
    }
    return "unknown";
}

/// RFC 1661 §2: a protocol number is odd, and the low bit of its high octet
/// is 0 (so a compressed one-byte field can be told from a full one).
constexpr bool is_valid_ppp_protocol(std::uint16_t p) noexcept {
    return (p & 0x0001) == 1 && (p & 0x0100) == 0;
}
/// RFC 1661 §2: 0x0*** to 0x3*** carry network-layer datagrams, 0x8*** to
/// 0xb*** their network control protocols, 0xc*** link-layer control.
constexpr bool is_ppp_network_protocol(PppProtocol p) noexcept {
    return static_cast<std::uint16_t>(p) < 0x4000;
}
constexpr bool is_ppp_control_protocol(PppProtocol p) noexcept {
    return static_cast<std::uint16_t>(p) >= 0x8000;
}

template <ByteType B = const Byte>
class PppView {
    std::span<B> buf_;

    constexpr explicit PppView(std::span<B> b) noexcept : buf_(b) {}

public:
    static constexpr std::size_t min_header_len = ppp_field::header_len;

    /// Validates `b`, the PPPoE session payload. Errors (layer "ppp"):
    ///   b.size() < 2                        → "protocol", truncated, offset 0
    ///   protocol breaks RFC 1661 §2 (even,
    ///   or odd high octet, e.g. compressed)  → "protocol", bad_value, offset 0
    static constexpr Result<PppView> checked(std::span<B> b) noexcept {
        if (b.size() < ppp_field::header_len)
            return Error::at(ppp_field::protocol, Errc::truncated, b.size(), ppp_field::header_len);
        const std::uint16_t p = load_be16(b.data());
        if (!is_valid_ppp_protocol(p)) return Error::at(ppp_field::protocol, Errc::bad_value, p);
        return PppView{b};
    }

    /// No validation. Precondition: b.size() >= 2.
    static constexpr PppView unchecked(std::span<B> b) noexcept { return PppView{b}; }

    constexpr operator PppView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return PppView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    constexpr PppProtocol protocol() const noexcept { return PppProtocol{load_be16(buf_.data())}; }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return ppp_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(ppp_field::header_len); }
    /// The information field (an IPv4 datagram, an LCP packet, …).
    constexpr std::span<B> payload() const noexcept { return buf_.subspan(ppp_field::header_len); }

    constexpr void set_protocol(PppProtocol p) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data(), static_cast<std::uint16_t>(p));
    }
};

/// The PPP header as a value.
struct PppRepr {
    PppProtocol protocol = PppProtocol::lcp;
    std::size_t payload_len = 0;

    /// From a checked view this cannot fail; from an unchecked one a protocol
    /// value breaking RFC 1661 §2 is reported as in PppView::checked().
    template <ByteType B>
    static constexpr Result<PppRepr> parse(const PppView<B>& v) noexcept {
        const auto p = static_cast<std::uint16_t>(v.protocol());
        if (!is_valid_ppp_protocol(p)) return Error::at(ppp_field::protocol, Errc::bad_value, p);
        return PppRepr{v.protocol(), v.payload().size()};
    }

    constexpr std::size_t buffer_len() const noexcept { return ppp_field::header_len; }

    /// Precondition: v.bytes().size() >= 2.
    constexpr void emit(PppView<Byte> v) const noexcept { v.set_protocol(protocol); }

    friend constexpr bool operator==(const PppRepr&, const PppRepr&) = default;
};

} // namespace strata
