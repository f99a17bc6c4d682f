// Typed RDATA: A (RFC 1035 §3.4.1), AAAA (RFC 3596 §2.2), NS/CNAME/PTR
// (RFC 1035 §3.3) and DNAME (RFC 6672), MX (§3.3.9), SOA (§3.3.13),
// TXT (§3.3.14), SRV (RFC 2782), OPT (RFC 6891 §6.1), anything else raw
// (RFC 3597). Decoding is zero-copy: names are NameViews into the message and
// TXT strings / EDNS options are lazy ranges over the RDATA.
//
// Every decoder checks that the type consumes exactly RDLENGTH bytes:
// ("rdlength", bad_length) at the RDLENGTH field otherwise, value = RDLENGTH,
// expected = what the type needed. Names in RDATA are validated like owner
// names, bounded by the RDATA end before their first pointer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/port.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>
#include <strata/wire/dns/name.hpp>
#include <strata/wire/dns/record.hpp>
#include <strata/wire/dns/types.hpp>

namespace strata::dns {

struct ARdata {
    Ipv4Address address;
    friend constexpr bool operator==(const ARdata&, const ARdata&) = default;
};

struct AaaaRdata {
    std::array<Byte, 16> address{}; ///< network order
    friend constexpr bool operator==(const AaaaRdata&, const AaaaRdata&) = default;
};

/// NS, CNAME, PTR, DNAME: one domain name.
struct NameRdata {
    NameView name;
};

struct MxRdata {
    std::uint16_t preference = 0;
    NameView exchange;
};

struct SoaRdata {
    NameView mname;
    NameView rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
};

struct SrvRdata {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    Port port;
    NameView target;
};

/// The <character-string>s of a validated TXT RDATA, each without its
/// length byte. Iteration cannot fail (decode checked the layout).
class CharacterStringRange : public CursorRange<CharacterStringRange> {
    friend cursor_access;
    Bytes data_;
    struct cursor {
        Bytes rest;
        [[nodiscard]] Bytes read() const noexcept { return rest.subspan(1, rest[0]); }
        void next() noexcept { rest = rest.subspan(std::size_t{rest[0]} + 1); }
        [[nodiscard]] bool done() const noexcept { return rest.empty(); }
        [[nodiscard]] bool equal(const cursor& o) const noexcept {
            return rest.data() == o.rest.data();
        }
    };
    [[nodiscard]] cursor begin_cursor() const noexcept { return cursor{data_}; }

public:
    CharacterStringRange() = default;
    explicit CharacterStringRange(Bytes validated) noexcept : data_(validated) {}
};

struct TxtRdata {
    Bytes data; ///< the whole RDATA
    [[nodiscard]] CharacterStringRange strings() const noexcept {
        return CharacterStringRange{data};
    }
};

/// One EDNS0 option (RFC 6891 §6.1.2): OPTION-CODE, OPTION-LENGTH = data.size().
struct EdnsOption {
    std::uint16_t code = 0;
    Bytes data;
};

/// Options of a validated OPT RDATA.
class EdnsOptionRange : public CursorRange<EdnsOptionRange> {
    friend cursor_access;
    Bytes data_;
    struct cursor {
        Bytes rest;
        [[nodiscard]] EdnsOption read() const noexcept {
            return EdnsOption{load_be16(rest.data()), rest.subspan(4, load_be16(rest.data() + 2))};
        }
        void next() noexcept { rest = rest.subspan(4 + std::size_t{load_be16(rest.data() + 2)}); }
        [[nodiscard]] bool done() const noexcept { return rest.empty(); }
        [[nodiscard]] bool equal(const cursor& o) const noexcept {
            return rest.data() == o.rest.data();
        }
    };
    [[nodiscard]] cursor begin_cursor() const noexcept { return cursor{data_}; }

public:
    EdnsOptionRange() = default;
    explicit EdnsOptionRange(Bytes validated) noexcept : data_(validated) {}
};

/// OPT pseudo-RR (RFC 6891 §6.1.2-6.1.3): CLASS is the requestor's UDP
/// payload size; TTL is EXTENDED-RCODE(8) | VERSION(8) | DO(1) | Z(15).
struct OptRdata {
    std::uint16_t udp_payload_size = 0;
    std::uint8_t extended_rcode = 0; ///< upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    std::uint16_t z = 0; ///< the 15 bits after DO
    Bytes data;          ///< the options, raw

    [[nodiscard]] EdnsOptionRange options() const noexcept { return EdnsOptionRange{data}; }
    /// The full 12-bit RCODE given the header's four bits (RFC 6891 §6.1.3).
    [[nodiscard]] constexpr Rcode full_rcode(Rcode header_rcode) const noexcept {
        return static_cast<Rcode>((unsigned{extended_rcode} << 4) |
                                  (static_cast<unsigned>(header_rcode) & 0xfu));
    }
};

/// Unknown (or not decoded) types: the bytes as they are (RFC 3597).
struct RawRdata {
    Bytes data;
};

using Rdata = std::variant<RawRdata, ARdata, AaaaRdata, NameRdata, MxRdata, SoaRdata, TxtRdata,
                           SrvRdata, OptRdata>;

namespace detail {

constexpr bool rdlength_error(const Record& r, std::size_t expected, Error& err) noexcept {
    err =
        Error::at(dns_field::rdlength, r.rdlength_offset(), Errc::bad_length, r.rdlength, expected);
    return false;
}

/// A name inside RDATA at `pos`, bounded by the RDATA end.
constexpr bool rdata_name(const Record& r, std::size_t pos, NameView& out, Error& err) noexcept {
    return NameView::check(r.message, pos, r.end_offset(), out, err) != 0;
}

// The decoders fill `out` or `err` (false): decode_rdata runs once per
// record, and out-parameters avoid copying a Result per type.

constexpr bool decode(const Record& r, ARdata& out, Error& err) noexcept {
    if (r.rdlength != 4) return rdlength_error(r, 4, err);
    out.address = Ipv4Address::from_bytes(r.message.data() + r.rdata_offset);
    return true;
}

constexpr bool decode(const Record& r, AaaaRdata& out, Error& err) noexcept {
    if (r.rdlength != 16) return rdlength_error(r, 16, err);
    for (std::size_t i = 0; i < 16; ++i)
        out.address[i] = r.message[r.rdata_offset + i];
    return true;
}

constexpr bool decode(const Record& r, NameRdata& out, Error& err) noexcept {
    if (!rdata_name(r, r.rdata_offset, out.name, err)) return false;
    if (out.name.wire_len() != r.rdlength) return rdlength_error(r, out.name.wire_len(), err);
    return true;
}

constexpr bool decode(const Record& r, MxRdata& out, Error& err) noexcept {
    if (r.rdlength < 3) return rdlength_error(r, 3, err);
    out.preference = load_be16(r.message.data() + r.rdata_offset);
    if (!rdata_name(r, r.rdata_offset + 2u, out.exchange, err)) return false;
    if (2 + out.exchange.wire_len() != r.rdlength)
        return rdlength_error(r, 2 + out.exchange.wire_len(), err);
    return true;
}

constexpr bool decode(const Record& r, SoaRdata& out, Error& err) noexcept {
    if (!rdata_name(r, r.rdata_offset, out.mname, err)) return false;
    if (!rdata_name(r, r.rdata_offset + out.mname.wire_len(), out.rname, err)) return false;
    const std::size_t names = out.mname.wire_len() + out.rname.wire_len();
    if (names + 20 != r.rdlength) return rdlength_error(r, names + 20, err);
    const Byte* p = r.message.data() + r.rdata_offset + names;
    out.serial = load_be32(p);
    out.refresh = load_be32(p + 4);
    out.retry = load_be32(p + 8);
    out.expire = load_be32(p + 12);
    out.minimum = load_be32(p + 16);
    return true;
}

constexpr bool decode(const Record& r, TxtRdata& out, Error& err) noexcept {
    if (r.rdlength == 0) return rdlength_error(r, 1, err);
    const Bytes d = r.rdata();
    std::size_t i = 0;
    while (i < d.size()) {
        const std::size_t n = d[i];
        if (d.size() - i - 1 < n) {
            err = Error::at(dns_field::txt_string, r.rdata_offset + i, Errc::truncated, n,
                            d.size() - i - 1);
            return false;
        }
        i += n + 1;
    }
    out.data = d;
    return true;
}

constexpr bool decode(const Record& r, SrvRdata& out, Error& err) noexcept {
    if (r.rdlength < 7) return rdlength_error(r, 7, err);
    const Byte* p = r.message.data() + r.rdata_offset;
    out.priority = load_be16(p);
    out.weight = load_be16(p + 2);
    out.port = Port{load_be16(p + 4)};
    if (!rdata_name(r, r.rdata_offset + 6u, out.target, err)) return false;
    if (6 + out.target.wire_len() != r.rdlength)
        return rdlength_error(r, 6 + out.target.wire_len(), err);
    return true;
}

constexpr bool decode(const Record& r, OptRdata& out, Error& err) noexcept {
    if (!r.name.is_root()) {
        err = Error::at(dns_field::opt_name, r.offset, Errc::bad_value);
        return false;
    }
    const Bytes d = r.rdata();
    std::size_t i = 0;
    while (i < d.size()) {
        if (d.size() - i < 4) {
            err = Error::at(dns_field::edns_option, r.rdata_offset + i, Errc::truncated,
                            d.size() - i, 4);
            return false;
        }
        const std::size_t len = load_be16(d.data() + i + 2);
        if (d.size() - i - 4 < len) {
            err = Error::at(dns_field::edns_option, r.rdata_offset + i, Errc::truncated, len,
                            d.size() - i - 4);
            return false;
        }
        i += 4 + len;
    }
    out.udp_payload_size = static_cast<std::uint16_t>(r.cls);
    out.extended_rcode = static_cast<std::uint8_t>(r.ttl >> 24);
    out.version = static_cast<std::uint8_t>(r.ttl >> 16);
    out.dnssec_ok = (r.ttl & 0x8000u) != 0;
    out.z = static_cast<std::uint16_t>(r.ttl & 0x7fffu);
    out.data = d;
    return true;
}

template <class T>
constexpr Result<T> decode_as(const Record& r) noexcept {
    T v{};
    Error e;
    if (!decode(r, v, e)) return e;
    return v;
}

template <class T>
constexpr bool decode_into(const Record& r, Rdata& out, Error& err) noexcept {
    return decode(r, out.template emplace<T>(), err);
}

} // namespace detail

constexpr Result<ARdata> decode_a(const Record& r) noexcept { return detail::decode_as<ARdata>(r); }
constexpr Result<AaaaRdata> decode_aaaa(const Record& r) noexcept {
    return detail::decode_as<AaaaRdata>(r);
}
/// NS, CNAME, PTR, DNAME (the type is not checked: the caller chose).
constexpr Result<NameRdata> decode_name_rdata(const Record& r) noexcept {
    return detail::decode_as<NameRdata>(r);
}
constexpr Result<MxRdata> decode_mx(const Record& r) noexcept {
    return detail::decode_as<MxRdata>(r);
}
constexpr Result<SoaRdata> decode_soa(const Record& r) noexcept {
    return detail::decode_as<SoaRdata>(r);
}
/// Errors: ("rdlength", bad_length) for an empty RDATA (RFC 1035 §3.3.14
/// wants one or more strings), ("txt_string", truncated) at the length byte of
/// a string that runs past the RDATA.
constexpr Result<TxtRdata> decode_txt(const Record& r) noexcept {
    return detail::decode_as<TxtRdata>(r);
}
/// RFC 2782. The target is decompressed if a sender compressed it (RFC 3597
/// §4 asks receivers to), although senders must not.
constexpr Result<SrvRdata> decode_srv(const Record& r) noexcept {
    return detail::decode_as<SrvRdata>(r);
}
/// Errors: ("opt_name", bad_value) when the owner is not the root
/// (RFC 6891 §6.1.2), ("edns_option", truncated) at an option whose header or
/// data runs past the RDATA.
constexpr Result<OptRdata> decode_opt(const Record& r) noexcept {
    return detail::decode_as<OptRdata>(r);
}

/// Decodes RDATA by the record's type into `out`; false and `err` on failure.
/// Types without a decoder come back as RawRdata (never an error). This form
/// decodes in place, for loops over many records.
namespace detail {
constexpr bool decode_rdata_other(const Record& r, Rdata& out, Error& err) noexcept {
    switch (r.type) {
    case RrType::ns:
    case RrType::cname:
    case RrType::ptr:
    case RrType::dname:
        return decode_into<NameRdata>(r, out, err);
    case RrType::aaaa:
        return decode_into<AaaaRdata>(r, out, err);
    case RrType::opt:
        return decode_into<OptRdata>(r, out, err);
    case RrType::mx:
        return decode_into<MxRdata>(r, out, err);
    case RrType::soa:
        return decode_into<SoaRdata>(r, out, err);
    case RrType::txt:
        return decode_into<TxtRdata>(r, out, err);
    case RrType::srv:
        return decode_into<SrvRdata>(r, out, err);
    default:
        out.emplace<RawRdata>(RawRdata{r.rdata()});
        return true;
    }
}
} // namespace detail

constexpr bool decode_rdata(const Record& r, Rdata& out, Error& err) noexcept {
    // A records dominate responses: decoded here, small enough to inline at
    // the caller; the other types go through one dispatch.
    if (r.type == RrType::a) {
        if (r.rdlength != 4) return detail::rdlength_error(r, 4, err);
        out.emplace<ARdata>(ARdata{Ipv4Address::from_bytes(r.message.data() + r.rdata_offset)});
        return true;
    }
    return detail::decode_rdata_other(r, out, err);
}

/// Decodes RDATA by the record's type; types without a decoder come back as
/// RawRdata (never an error).
constexpr Result<Rdata> decode_rdata(const Record& r) noexcept {
    Rdata d;
    Error e;
    if (!decode_rdata(r, d, e)) return e;
    return d;
}

} // namespace strata::dns
