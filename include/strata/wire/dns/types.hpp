// DNS code points: RR types, classes, opcodes, response codes and message
// sections. The enums stay open to the wire (conventions.md): an unknown TYPE
// is a value that is carried as raw RDATA (RFC 3597), never an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::dns {

/// RR TYPE (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6672, RFC 6891).
enum class RrType : std::uint16_t {
    a = 1,
    ns = 2,
    cname = 5,
    soa = 6,
    ptr = 12,
    hinfo = 13,
    mx = 15,
    txt = 16,
    aaaa = 28,
    srv = 33,
    dname = 39,
    opt = 41,
    ds = 43,
    rrsig = 46,
    nsec = 47,
    dnskey = 48,
    https = 65,
    axfr = 252, ///< QTYPE only (RFC 1035 §3.2.3)
    any = 255,  ///< QTYPE "*"
    caa = 257,
};

/// RR CLASS (RFC 1035 §3.2.4, RFC 2136 for NONE).
enum class RrClass : std::uint16_t {
    in = 1,
    ch = 3,
    hs = 4,
    none = 254,
    any = 255, ///< QCLASS "*"
};

/// OPCODE (RFC 1035 §4.1.1, RFC 1996 NOTIFY, RFC 2136 UPDATE). Four bits.
enum class Opcode : std::uint8_t {
    query = 0,
    iquery = 1,
    status = 2,
    notify = 4,
    update = 5,
};

/// RCODE (RFC 1035 §4.1.1); values above 15 need the EDNS0 extended bits
/// (RFC 6891 §6.1.3), the header alone holds four bits.
enum class Rcode : std::uint16_t {
    noerror = 0,
    formerr = 1,
    servfail = 2,
    nxdomain = 3,
    notimp = 4,
    refused = 5,
    yxdomain = 6,
    yxrrset = 7,
    nxrrset = 8,
    notauth = 9,
    notzone = 10,
    badvers = 16, ///< RFC 6891: only expressible with OPT
};

/// The four message sections (RFC 1035 §4.1).
enum class Section : std::uint8_t { question = 0, answer = 1, authority = 2, additional = 3 };

/// Mnemonic of a known type ("AAAA"), empty for others.
constexpr std::string_view type_mnemonic(RrType t) noexcept {
    switch (t) {
    case RrType::a:
        return "A";
    case RrType::ns:
        return "NS";
    case RrType::cname:
        return "CNAME";
    case RrType::soa:
        return "SOA";
    case RrType::ptr:
        return "PTR";
    case RrType::hinfo:
        return "HINFO";
    case RrType::mx:
        return "MX";
    case RrType::txt:
        return "TXT";
    case RrType::aaaa:
        return "AAAA";
    case RrType::srv:
        return "SRV";
    case RrType::dname:
        return "DNAME";
    case RrType::opt:
        return "OPT";
    case RrType::ds:
        return "DS";
    case RrType::rrsig:
        return "RRSIG";
    case RrType::nsec:
        return "NSEC";
    case RrType::dnskey:
        return "DNSKEY";
    case RrType::https:
        return "HTTPS";
    case RrType::axfr:
        return "AXFR";
    case RrType::any:
        return "ANY";
    case RrType::caa:
        return "CAA";
    }
    return {};
}

/// "A", or "TYPE65280" for types without a mnemonic (RFC 3597 §5).
inline std::string to_string(RrType t) {
    if (auto m = type_mnemonic(t); !m.empty()) return std::string(m);
    return "TYPE" + std::to_string(static_cast<unsigned>(t));
}

/// "IN", or "CLASS42" (RFC 3597 §5).
inline std::string to_string(RrClass c) {
    switch (c) {
    case RrClass::in:
        return "IN";
    case RrClass::ch:
        return "CH";
    case RrClass::hs:
        return "HS";
    case RrClass::none:
        return "NONE";
    case RrClass::any:
        return "ANY";
    }
    return "CLASS" + std::to_string(static_cast<unsigned>(c));
}

/// "NOERROR", "NXDOMAIN", … or the number for unassigned codes.
inline std::string to_string(Rcode r) {
    switch (r) {
    case Rcode::noerror:
        return "NOERROR";
    case Rcode::formerr:
        return "FORMERR";
    case Rcode::servfail:
        return "SERVFAIL";
    case Rcode::nxdomain:
        return "NXDOMAIN";
    case Rcode::notimp:
        return "NOTIMP";
    case Rcode::refused:
        return "REFUSED";
    case Rcode::yxdomain:
        return "YXDOMAIN";
    case Rcode::yxrrset:
        return "YXRRSET";
    case Rcode::nxrrset:
        return "NXRRSET";
    case Rcode::notauth:
        return "NOTAUTH";
    case Rcode::notzone:
        return "NOTZONE";
    case Rcode::badvers:
        return "BADVERS";
    }
    return "RCODE" + std::to_string(static_cast<unsigned>(r));
}

/// "QUERY", "NOTIFY", … or the number.
inline std::string to_string(Opcode o) {
    switch (o) {
    case Opcode::query:
        return "QUERY";
    case Opcode::iquery:
        return "IQUERY";
    case Opcode::status:
        return "STATUS";
    case Opcode::notify:
        return "NOTIFY";
    case Opcode::update:
        return "UPDATE";
    }
    return "OPCODE" + std::to_string(static_cast<unsigned>(o));
}

} // namespace strata::dns
