// The fixed 12-byte DNS header (RFC 1035 §4.1.1) with the AD and CD bits of
// RFC 4035 §3.2: field offsets, the flag bits of the second word, and the
// header as a value (`Header`, the Repr of this layer).
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>
#include <strata/wire/dns/types.hpp>

namespace strata::dns {

namespace header_field {
inline constexpr Field id{0, 2, "dns", "id"};
inline constexpr Field flags{2, 4, "dns", "flags"};
inline constexpr Field qdcount{4, 6, "dns", "qdcount"};
inline constexpr Field ancount{6, 8, "dns", "ancount"};
inline constexpr Field nscount{8, 10, "dns", "nscount"};
inline constexpr Field arcount{10, 12, "dns", "arcount"};
} // namespace header_field

/// Length of the fixed header; every message starts with it.
inline constexpr std::size_t header_len = header_field::arcount.last;

/// Bits of the flags word (RFC 1035 §4.1.1; AD, CD from RFC 4035 §3.2):
///   QR | Opcode(4) | AA | TC | RD | RA | Z | AD | CD | RCODE(4)
namespace flag {
inline constexpr std::uint16_t qr = 0x8000;
inline constexpr std::uint16_t opcode_mask = 0x7800;
inline constexpr unsigned opcode_shift = 11;
inline constexpr std::uint16_t aa = 0x0400;
inline constexpr std::uint16_t tc = 0x0200;
inline constexpr std::uint16_t rd = 0x0100;
inline constexpr std::uint16_t ra = 0x0080;
inline constexpr std::uint16_t z = 0x0040;
inline constexpr std::uint16_t ad = 0x0020;
inline constexpr std::uint16_t cd = 0x0010;
inline constexpr std::uint16_t rcode_mask = 0x000f;
} // namespace flag

/// The header as a value. `parse` never fails on the 12 bytes themselves:
/// every bit pattern is a header (unknown opcodes and rcodes are values).
struct Header {
    std::uint16_t id = 0;
    bool qr = false;
    Opcode opcode = Opcode::query;
    bool aa = false;
    bool tc = false;
    bool rd = false;
    bool ra = false;
    bool z = false; ///< must be zero (RFC 1035), carried so a dissector can show it
    bool ad = false;
    bool cd = false;
    Rcode rcode = Rcode::noerror; ///< the header's four bits only
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    std::uint16_t arcount = 0;

    /// The second header word assembled from the fields (rcode and opcode
    /// are cut to their four bits).
    [[nodiscard]] constexpr std::uint16_t flags() const noexcept {
        std::uint16_t f = 0;
        if (qr) f |= flag::qr;
        f |=
            static_cast<std::uint16_t>((static_cast<unsigned>(opcode) & 0xf) << flag::opcode_shift);
        if (aa) f |= flag::aa;
        if (tc) f |= flag::tc;
        if (rd) f |= flag::rd;
        if (ra) f |= flag::ra;
        if (z) f |= flag::z;
        if (ad) f |= flag::ad;
        if (cd) f |= flag::cd;
        f |= static_cast<std::uint16_t>(static_cast<unsigned>(rcode) & flag::rcode_mask);
        return f;
    }

    constexpr void set_flags(std::uint16_t f) noexcept {
        qr = (f & flag::qr) != 0;
        opcode = static_cast<Opcode>((f & flag::opcode_mask) >> flag::opcode_shift);
        aa = (f & flag::aa) != 0;
        tc = (f & flag::tc) != 0;
        rd = (f & flag::rd) != 0;
        ra = (f & flag::ra) != 0;
        z = (f & flag::z) != 0;
        ad = (f & flag::ad) != 0;
        cd = (f & flag::cd) != 0;
        rcode = static_cast<Rcode>(f & flag::rcode_mask);
    }

    /// Reads the header from the first 12 bytes of `b`.
    static constexpr Result<Header> parse(Bytes b) noexcept {
        if (b.size() < header_len)
            return Error::at(dns_field::header, b.size(), Errc::truncated, b.size(), header_len);
        Header h;
        h.id = load_be16(b.data() + header_field::id.first);
        h.set_flags(load_be16(b.data() + header_field::flags.first));
        h.qdcount = load_be16(b.data() + header_field::qdcount.first);
        h.ancount = load_be16(b.data() + header_field::ancount.first);
        h.nscount = load_be16(b.data() + header_field::nscount.first);
        h.arcount = load_be16(b.data() + header_field::arcount.first);
        return h;
    }

    [[nodiscard]] static constexpr std::size_t buffer_len() noexcept { return header_len; }

    /// Writes the 12 bytes; precondition: `out.size() >= header_len`.
    constexpr void emit(MutBytes out) const noexcept {
        store_be16(out.data() + header_field::id.first, id);
        store_be16(out.data() + header_field::flags.first, flags());
        store_be16(out.data() + header_field::qdcount.first, qdcount);
        store_be16(out.data() + header_field::ancount.first, ancount);
        store_be16(out.data() + header_field::nscount.first, nscount);
        store_be16(out.data() + header_field::arcount.first, arcount);
    }

    friend constexpr bool operator==(const Header&, const Header&) = default;
};

} // namespace strata::dns
