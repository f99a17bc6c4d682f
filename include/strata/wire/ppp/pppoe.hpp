// PPPoE (RFC 2516): a zero-copy view over the 6-byte PPPoE header and its
// payload, a lazy range over discovery TAGs, and the header as a value. The
// discovery stage's rules, the TAG writer and discovery packets as values
// are in ppp/pppoe_discovery.hpp.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  VER  | TYPE  |      CODE     |          SESSION_ID           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            LENGTH             |           payload             ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The same header is used in both stages (RFC 2516 §4); the stage is told by
// the EtherType: 0x8863 discovery (payload = TAGs), 0x8864 session (payload =
// one PPP frame, CODE 0). LENGTH counts the payload only; bytes after it are
// Ethernet padding and are trimmed away (a PADT fits in 26 bytes, far below
// the 46-byte Ethernet minimum).
//
// A TAG (RFC 2516 §4, Appendix A) is TAG_TYPE (2), TAG_LENGTH (2), value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>

namespace strata {

namespace pppoe_field {
inline constexpr Field header{0, 6, "pppoe", "header"};
/// VER and TYPE share byte 0 (high and low nibble).
inline constexpr Field ver_type{0, 1, "pppoe", "ver_type"};
inline constexpr Field version{0, 1, "pppoe", "version"};
inline constexpr Field type{0, 1, "pppoe", "type"};
inline constexpr Field code{1, 2, "pppoe", "code"};
inline constexpr Field session_id{2, 4, "pppoe", "session_id"};
inline constexpr Field length{4, 6, "pppoe", "length"};
inline constexpr std::size_t header_len = length.last;
static_assert(header.last == header_len);
/// The discovery payload; the TAG-presence rules of RFC 2516 §5
/// (service_name, ac_name) and the TAG writer's overflow (tags, rebased by
/// the bytes written) point at its start.
inline constexpr Field tags{header_len, header_len, "pppoe", "tags"};
inline constexpr Field service_name{header_len, header_len, "pppoe", "service_name"};
inline constexpr Field ac_name{header_len, header_len, "pppoe", "ac_name"};
/// TAG fields, relative to the TAG's start (errors rebase them).
inline constexpr Field tag{0, 4, "pppoe", "tag"};
inline constexpr Field tag_length{2, 4, "pppoe", "tag_length"};
/// The TAG_LENGTH of a Relay-Session-Id TAG (RFC 2516 Appendix A).
inline constexpr Field relay_session_id{2, 4, "pppoe", "relay_session_id"};
/// TAG_TYPE + TAG_LENGTH.
inline constexpr std::size_t tag_header_len = tag.last;
} // namespace pppoe_field

/// RFC 2516 §4: VER and TYPE MUST be 1.
inline constexpr std::uint8_t pppoe_version = 1;
inline constexpr std::uint8_t pppoe_type = 1;
/// RFC 2516 §7: the PPP MRU over PPPoE is at most 1500 - 6 (PPPoE header) -
/// 2 (PPP protocol) = 1492, unless PPP-Max-Payload (RFC 4638) raises it.
inline constexpr std::uint16_t pppoe_max_mru = 1492;
/// RFC 2516 Appendix A: a Relay-Session-Id value is at most 12 bytes.
inline constexpr std::size_t pppoe_max_relay_session_id = 12;

/// CODE values (RFC 2516 §5, §6). Open: any byte is a code.
enum class PppoeCode : std::uint8_t {
    session_data = 0x00, ///< every session-stage packet (§6)
    pado = 0x07,         ///< Active Discovery Offer (§5.2)
    padi = 0x09,         ///< Active Discovery Initiation (§5.1)
    padr = 0x19,         ///< Active Discovery Request (§5.3)
    pads = 0x65,         ///< Active Discovery Session-confirmation (§5.4)
    padt = 0xa7,         ///< Active Discovery Terminate (§5.5)
};

constexpr std::string_view to_string(PppoeCode c) noexcept {
    switch (c) {
    case PppoeCode::session_data:
        return "session";
    case PppoeCode::pado:
        return "PADO";
    case PppoeCode::padi:
        return "PADI";
    case PppoeCode::padr:
        return "PADR";
    case PppoeCode::pads:
        return "PADS";
    case PppoeCode::padt:
        return "PADT";
    }
    return "unknown";
}

/// Which stage a PPPoE header belongs to, told by the EtherType (RFC 2516 §4).
enum class PppoeStage : std::uint8_t { discovery, session };

/// The stage for an EtherType, or nothing when it is not a PPPoE one.
constexpr std::optional<PppoeStage> pppoe_stage(EtherType t) noexcept {
    if (t == EtherType::pppoe_discovery) return PppoeStage::discovery;
    if (t == EtherType::pppoe_session) return PppoeStage::session;
    return std::nullopt;
}

/// "discovery" / "session", as the dissector prints them.
constexpr std::string_view to_string(PppoeStage s) noexcept {
    return s == PppoeStage::discovery ? "discovery" : "session";
}

/// TAG_TYPE values (RFC 2516 Appendix A, RFC 4638, RFC 4937). Open.
enum class PppoeTagType : std::uint16_t {
    end_of_list = 0x0000,        ///< no TAGs follow; length MUST be 0
    service_name = 0x0101,       ///< UTF-8, empty = any service
    ac_name = 0x0102,            ///< UTF-8 name of the access concentrator
    host_uniq = 0x0103,          ///< opaque, echoed by the AC
    ac_cookie = 0x0104,          ///< opaque, echoed by the host in PADR
    vendor_specific = 0x0105,    ///< 4-byte vendor id, then data
    relay_session_id = 0x0110,   ///< opaque (≤ 12 bytes), added by relays
    ppp_max_payload = 0x0120,    ///< RFC 4638: 2-byte MRU above 1492
    service_name_error = 0x0201, ///< requested service refused
    ac_system_error = 0x0202,    ///< AC out of resources
    generic_error = 0x0203,      ///< anything else
};

constexpr std::string_view to_string(PppoeTagType t) noexcept {
    switch (t) {
    case PppoeTagType::end_of_list:
        return "End-Of-List";
    case PppoeTagType::service_name:
        return "Service-Name";
    case PppoeTagType::ac_name:
        return "AC-Name";
    case PppoeTagType::host_uniq:
        return "Host-Uniq";
    case PppoeTagType::ac_cookie:
        return "AC-Cookie";
    case PppoeTagType::vendor_specific:
        return "Vendor-Specific";
    case PppoeTagType::relay_session_id:
        return "Relay-Session-Id";
    case PppoeTagType::ppp_max_payload:
        return "PPP-Max-Payload";
    case PppoeTagType::service_name_error:
        return "Service-Name-Error";
    case PppoeTagType::ac_system_error:
        return "AC-System-Error";
    case PppoeTagType::generic_error:
        return "Generic-Error";
    }
    return "unknown";
}

/// One TAG as found in a discovery payload; a PppoeTags range only yields
/// TAGs whose value lies inside the payload.
class PppoeTag {
    Bytes raw_;
    std::size_t offset_ = 0;

public:
    constexpr PppoeTag() = default;
    /// `raw` is the whole TAG (header and value); `offset` its offset from
    /// the start of the PPPoE header.
    constexpr PppoeTag(Bytes raw, std::size_t offset) noexcept : raw_(raw), offset_(offset) {}

    constexpr PppoeTagType type() const noexcept { return PppoeTagType{load_be16(raw_.data())}; }
    /// TAG_LENGTH: the value's length.
    constexpr std::uint16_t length() const noexcept { return load_be16(raw_.data() + 2); }
    constexpr Bytes value() const noexcept { return raw_.subspan(pppoe_field::tag_header_len); }
    /// The value as text (Service-Name, AC-Name and the error TAGs are UTF-8,
    /// not NUL-terminated, RFC 2516 Appendix A).
    /// Not constexpr (bytes viewed as chars).
    std::string_view text() const noexcept {
        const Bytes v = value();
        return {reinterpret_cast<const char*>(v.data()), v.size()};
    }
    /// The whole TAG, header included.
    constexpr Bytes bytes() const noexcept { return raw_; }
    /// Offset of the TAG from the start of the PPPoE header.
    constexpr std::size_t offset() const noexcept { return offset_; }
    /// True for the three error TAGs (0x0201..0x0203).
    constexpr bool is_error() const noexcept {
        const auto t = static_cast<std::uint16_t>(type());
        return t >= 0x0201 && t <= 0x0203;
    }
};

/// Lazy range of PppoeTag over a discovery payload. Iteration ends at the
/// end of the payload, after an End-Of-List TAG (RFC 2516 Appendix A: no
/// further TAGs), or just before the first malformed TAG (error() says why).
class PppoeTags : public CursorRange<PppoeTags> {
    friend cursor_access;
    Bytes area_;
    std::size_t base_ = pppoe_field::header_len;

    // Length of the TAG at area_[i], or 0 when it is malformed or i is the end.
    static constexpr std::size_t measure(Bytes area, std::size_t i) noexcept {
        const std::size_t avail = area.size() - i;
        if (avail < pppoe_field::tag_header_len) return 0;
        const std::size_t len = load_be16(area.data() + i + 2);
        if (len > avail - pppoe_field::tag_header_len) return 0;
        if (load_be16(area.data() + i) == 0 && len != 0) return 0;
        return pppoe_field::tag_header_len + len;
    }

    struct cursor {
        Bytes area;
        std::size_t base = 0;
        std::size_t i = 0;
        std::size_t len = 0; ///< 0 when done

        constexpr PppoeTag read() const noexcept {
            return PppoeTag{area.subspan(i, len), base + i};
        }
        constexpr void next() noexcept {
            if (load_be16(area.data() + i) == 0) { // End-Of-List
                len = 0;
                return;
            }
            i += len;
            len = i < area.size() ? measure(area, i) : 0;
        }
        constexpr bool done() const noexcept { return len == 0; }
        constexpr bool equal(const cursor& o) const noexcept {
            return (len == 0 && o.len == 0) || (i == o.i && len == o.len);
        }
    };
    constexpr cursor begin_cursor() const noexcept {
        return cursor{area_, base_, 0, area_.empty() ? 0 : measure(area_, 0)};
    }

public:
    constexpr PppoeTags() = default;
    /// `area` is the discovery payload; `base` its offset from the start of
    /// the PPPoE header (6), used for offsets and error offsets.
    constexpr explicit PppoeTags(Bytes area, std::size_t base = pppoe_field::header_len) noexcept
        : area_(area), base_(base) {}

    constexpr Bytes bytes() const noexcept { return area_; }

    /// The first malformed TAG (layer "pppoe"), or nothing. Offsets count
    /// from the start of the PPPoE header:
    ///   1..3 bytes left, too few for a TAG header → "tag", truncated, at the TAG
    ///   TAG_LENGTH runs past the payload          → "tag_length", truncated, at TAG_LENGTH
    ///   End-Of-List with a non-zero TAG_LENGTH    → "tag_length", bad_length, at TAG_LENGTH
    constexpr std::optional<Error> error() const noexcept {
        std::size_t i = 0;
        while (i < area_.size()) {
            const std::size_t avail = area_.size() - i;
            if (avail < pppoe_field::tag_header_len)
                return Error::at(pppoe_field::tag, Errc::truncated, avail,
                                 pppoe_field::tag_header_len)
                    .rebased(base_ + i);
            const std::uint16_t type = load_be16(area_.data() + i);
            const std::size_t len = load_be16(area_.data() + i + 2);
            if (len > avail - pppoe_field::tag_header_len)
                return Error::at(pppoe_field::tag_length, Errc::truncated, len,
                                 avail - pppoe_field::tag_header_len)
                    .rebased(base_ + i);
            if (type == 0) {
                if (len != 0)
                    return Error::at(pppoe_field::tag_length, Errc::bad_length, len)
                        .rebased(base_ + i);
                return std::nullopt;
            }
            i += pppoe_field::tag_header_len + len;
        }
        return std::nullopt;
    }

    /// The first well-formed TAG of type `t` before any malformed one.
    constexpr std::optional<PppoeTag> find(PppoeTagType t) const noexcept {
        for (const PppoeTag tag : *this)
            if (tag.type() == t) return tag;
        return std::nullopt;
    }
    /// How many well-formed TAGs of type `t` precede any malformed one.
    constexpr std::size_t count(PppoeTagType t) const noexcept {
        std::size_t n = 0;
        for (const PppoeTag tag : *this)
            if (tag.type() == t) ++n;
        return n;
    }
};

template <ByteType B = const Byte>
class PppoeView {
    std::span<B> buf_;

    constexpr explicit PppoeView(std::span<B> b) noexcept : buf_(b) {}

public:
    static constexpr std::size_t min_header_len = pppoe_field::header_len;

    /// Validates `b`, the Ethernet payload. Errors (layer "pppoe"):
    ///   b.size() < 6            → "header", truncated, offset 0
    ///   VER != 1                → "version", bad_version, offset 0
    ///   TYPE != 1               → "type", bad_version, offset 0
    ///   LENGTH > b.size() - 6   → "length", truncated, offset 4
    /// On success bytes() is trimmed to 6 + LENGTH (Ethernet padding
    /// dropped). TAGs are not checked here: tags() stops before a malformed
    /// one and tags().error() names it, so a dissector can still show the
    /// header; validate() (ppp/pppoe_discovery.hpp) checks them along with the RFC 2516
    /// §5 rules.
    static constexpr Result<PppoeView> checked(std::span<B> b) noexcept {
        namespace f = pppoe_field;
        if (b.size() < f::header_len)
            return Error::at(f::header, Errc::truncated, b.size(), f::header_len);
        const std::uint8_t version = b[f::ver_type.first] >> 4;
        const std::uint8_t type = b[f::ver_type.first] & 0x0f;
        if (version != pppoe_version)
            return Error::at(f::version, Errc::bad_version, version, pppoe_version);
        if (type != pppoe_type) return Error::at(f::type, Errc::bad_version, type, pppoe_type);
        const std::size_t len = load_be16(b.data() + f::length.first);
        if (len > b.size() - f::header_len)
            return Error::at(f::length, Errc::truncated, len, b.size() - f::header_len);
        return PppoeView{b.first(pppoe_field::header_len + len)};
    }

    /// No validation. Precondition: b.size() >= 6; bytes() is `b` as given.
    static constexpr PppoeView unchecked(std::span<B> b) noexcept { return PppoeView{b}; }

    constexpr operator PppoeView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return PppoeView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr std::uint8_t version() const noexcept {
        return buf_[pppoe_field::ver_type.first] >> 4;
    }
    constexpr std::uint8_t type() const noexcept {
        return buf_[pppoe_field::ver_type.first] & 0x0f;
    }
    constexpr PppoeCode code() const noexcept { return PppoeCode{buf_[pppoe_field::code.first]}; }
    constexpr std::uint16_t session_id() const noexcept {
        return load_be16(buf_.data() + pppoe_field::session_id.first);
    }
    /// LENGTH: payload bytes, header excluded.
    constexpr std::uint16_t length() const noexcept {
        return load_be16(buf_.data() + pppoe_field::length.first);
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return pppoe_field::header_len; }
    constexpr std::span<B> header() const noexcept { return buf_.first(pppoe_field::header_len); }
    constexpr std::span<B> payload() const noexcept {
        return buf_.subspan(pppoe_field::header_len);
    }
    /// The payload read as discovery TAGs (meaningful in the discovery stage).
    constexpr PppoeTags tags() const noexcept { return PppoeTags{Bytes(payload())}; }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_version_type(std::uint8_t version,
                                    std::uint8_t type) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>((version << 4) | (type & 0x0f));
    }
    constexpr void set_code(PppoeCode c) const noexcept requires is_mutable_byte<B> {
        buf_[pppoe_field::code.first] = static_cast<Byte>(c);
    }
    constexpr void set_session_id(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + pppoe_field::session_id.first, v);
    }
    constexpr void set_length(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + pppoe_field::length.first, v);
    }
};

/// The PPPoE header as a value: what a session-stage sender fills in (the PPP
/// frame goes right after it). VER and TYPE are always 1.
struct PppoeRepr {
    PppoeCode code = PppoeCode::session_data;
    std::uint16_t session_id = 0;
    std::size_t payload_len = 0;

    /// From a checked view this cannot fail; from an unchecked one VER/TYPE
    /// are reported as in PppoeView::checked().
    template <ByteType B>
    static constexpr Result<PppoeRepr> parse(const PppoeView<B>& v) noexcept {
        if (v.version() != pppoe_version)
            return Error::at(pppoe_field::version, Errc::bad_version, v.version(), pppoe_version);
        if (v.type() != pppoe_type)
            return Error::at(pppoe_field::type, Errc::bad_version, v.type(), pppoe_type);
        return PppoeRepr{v.code(), v.session_id(), v.length()};
    }

    constexpr std::size_t buffer_len() const noexcept { return pppoe_field::header_len; }

    /// Precondition: v.bytes().size() >= 6 and payload_len <= 65535.
    constexpr void emit(PppoeView<Byte> v) const noexcept {
        v.set_version_type(pppoe_version, pppoe_type);
        v.set_code(code);
        v.set_session_id(session_id);
        v.set_length(static_cast<std::uint16_t>(payload_len));
    }

    friend constexpr bool operator==(const PppoeRepr&, const PppoeRepr&) = default;
};

} // namespace strata
