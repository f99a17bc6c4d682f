// PPPoE (RFC 2516): a zero-copy view over the 6-byte PPPoE header and its
// payload, a lazy range over discovery TAGs, a TAG writer, and the header
// and discovery packets as values.
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
#include <strata/core/result.hpp>

namespace strata {

namespace pppoe_field {
inline constexpr Field ver_type{0, 1};
inline constexpr Field code{1, 2};
inline constexpr Field session_id{2, 4};
inline constexpr Field length{4, 6};
inline constexpr std::size_t header_len = length.last;
/// TAG_TYPE + TAG_LENGTH.
inline constexpr std::size_t tag_header_len = 4;
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
                return Error{"pppoe",         "tag", base_ + i,
                             Errc::truncated, avail, pppoe_field::tag_header_len};
            const std::uint16_t type = load_be16(area_.data() + i);
            const std::size_t len = load_be16(area_.data() + i + 2);
            if (len > avail - pppoe_field::tag_header_len)
                return Error{"pppoe",         "tag_length", base_ + i + 2,
                             Errc::truncated, len,          avail - pppoe_field::tag_header_len};
            if (type == 0) {
                if (len != 0)
                    return Error{"pppoe", "tag_length", base_ + i + 2, Errc::bad_length, len, 0};
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
    /// header; validate() checks them along with the RFC 2516 §5 rules.
    static constexpr Result<PppoeView> checked(std::span<B> b) noexcept {
        if (b.size() < pppoe_field::header_len)
            return Error{"pppoe", "header", 0, Errc::truncated, b.size(), pppoe_field::header_len};
        if ((b[0] >> 4) != pppoe_version)
            return Error{"pppoe",
                         "version",
                         0,
                         Errc::bad_version,
                         static_cast<std::uint64_t>(b[0] >> 4),
                         pppoe_version};
        if ((b[0] & 0x0f) != pppoe_type)
            return Error{
                "pppoe",   "type", 0, Errc::bad_version, static_cast<std::uint64_t>(b[0] & 0x0f),
                pppoe_type};
        const std::size_t len = load_be16(b.data() + pppoe_field::length.first);
        if (len > b.size() - pppoe_field::header_len)
            return Error{"pppoe",         "length", pppoe_field::length.first,
                         Errc::truncated, len,      b.size() - pppoe_field::header_len};
        return PppoeView{b.first(pppoe_field::header_len + len)};
    }

    /// No validation. Precondition: b.size() >= 6; bytes() is `b` as given.
    static constexpr PppoeView unchecked(std::span<B> b) noexcept { return PppoeView{b}; }

    constexpr operator PppoeView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return PppoeView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr std::uint8_t version() const noexcept { return buf_[0] >> 4; }
    constexpr std::uint8_t type() const noexcept { return buf_[0] & 0x0f; }
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

/// RFC 2516 rules a receiver applies on top of the header check, kept apart
/// from checked() so a dissector can still show a packet that breaks them.
/// Returns the first problem (layer "pppoe"), or nothing:
///   any TAG malformed                         → as PppoeTags::error()
///   Relay-Session-Id over 12 bytes (App. A)   → "relay_session_id", bad_length,
///                                               at its TAG_LENGTH
///   session stage, CODE != 0 (§6)             → "code", bad_value, offset 1
///   discovery stage, CODE 0                   → "code", bad_value, offset 1
///   PADI/PADO/PADR with SESSION_ID != 0 (§5)  → "session_id", bad_value, offset 2
///   PADT with SESSION_ID 0 (§5.5)             → "session_id", bad_value, offset 2
///   PADI/PADR without exactly one Service-Name,
///   PADO without one (§5.1–5.3)               → "service_name", not_found/duplicate, offset 6
///   PADO without an AC-Name (§5.2)            → "ac_name", not_found, offset 6
///   PADS with neither Service-Name nor a
///   Service-Name-Error (§5.4)                 → "service_name", not_found, offset 6
/// Unknown discovery codes pass (the code space is open).
template <ByteType B>
constexpr std::optional<Error> validate(const PppoeView<B>& v, PppoeStage stage) noexcept {
    const PppoeCode code = v.code();
    constexpr std::size_t code_at = pppoe_field::code.first;
    constexpr std::size_t sid_at = pppoe_field::session_id.first;
    constexpr std::size_t tags_at = pppoe_field::header_len;
    if (stage == PppoeStage::session) {
        if (code != PppoeCode::session_data)
            return Error{
                "pppoe", "code", code_at, Errc::bad_value, static_cast<std::uint64_t>(code), 0};
        return std::nullopt;
    }
    if (code == PppoeCode::session_data)
        return Error{"pppoe", "code", code_at, Errc::bad_value, 0, 0};
    const PppoeTags tags = v.tags();
    if (auto e = tags.error()) return e;
    if (auto relay = tags.find(PppoeTagType::relay_session_id);
        relay && relay->length() > pppoe_max_relay_session_id)
        return Error{"pppoe",          "relay_session_id", relay->offset() + 2,
                     Errc::bad_length, relay->length(),    pppoe_max_relay_session_id};
    const std::size_t services = tags.count(PppoeTagType::service_name);
    switch (code) {
    case PppoeCode::padi:
    case PppoeCode::padr:
    case PppoeCode::pado:
        if (v.session_id() != 0)
            return Error{"pppoe", "session_id", sid_at, Errc::bad_value, v.session_id(), 0};
        if (services == 0) return Error{"pppoe", "service_name", tags_at, Errc::not_found, 0, 1};
        if (services > 1 && code != PppoeCode::pado)
            return Error{"pppoe", "service_name", tags_at, Errc::duplicate, services, 1};
        if (code == PppoeCode::pado && tags.count(PppoeTagType::ac_name) == 0)
            return Error{"pppoe", "ac_name", tags_at, Errc::not_found, 0, 1};
        return std::nullopt;
    case PppoeCode::pads:
        if (services == 0 && tags.count(PppoeTagType::service_name_error) == 0)
            return Error{"pppoe", "service_name", tags_at, Errc::not_found, 0, 1};
        return std::nullopt;
    case PppoeCode::padt:
        if (v.session_id() == 0) return Error{"pppoe", "session_id", sid_at, Errc::bad_value, 0, 1};
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

/// Appends TAGs to a caller buffer (the PPPoE payload area). Running out of
/// room is remembered rather than checked at every call: finish() reports it.
class PppoeTagWriter {
    MutBytes buf_;
    std::size_t len_ = 0;
    bool overflow_ = false;

public:
    constexpr explicit PppoeTagWriter(MutBytes payload_area) noexcept : buf_(payload_area) {}

    /// Appends one TAG. A value longer than 65535 bytes cannot be expressed
    /// and is treated like running out of room.
    constexpr PppoeTagWriter& add(PppoeTagType t, Bytes value) noexcept {
        const std::size_t need = pppoe_field::tag_header_len + value.size();
        if (overflow_ || value.size() > 0xffff || need > buf_.size() - len_) {
            overflow_ = true;
            return *this;
        }
        Byte* p = buf_.data() + len_;
        store_be16(p, static_cast<std::uint16_t>(t));
        store_be16(p + 2, static_cast<std::uint16_t>(value.size()));
        copy_bytes(value, p + 4);
        len_ += need;
        return *this;
    }
    constexpr PppoeTagWriter& add(PppoeTagType t, std::string_view text) noexcept {
        const std::size_t need = pppoe_field::tag_header_len + text.size();
        if (overflow_ || text.size() > 0xffff || need > buf_.size() - len_) {
            overflow_ = true;
            return *this;
        }
        Byte* p = buf_.data() + len_;
        store_be16(p, static_cast<std::uint16_t>(t));
        store_be16(p + 2, static_cast<std::uint16_t>(text.size()));
        Byte* out = p + 4;
        for (const char c : text)
            *out++ = static_cast<Byte>(c);
        len_ += need;
        return *this;
    }
    constexpr PppoeTagWriter& add_u16(PppoeTagType t, std::uint16_t v) noexcept {
        const Byte b[2] = {static_cast<Byte>(v >> 8), static_cast<Byte>(v)};
        return add(t, Bytes{b, 2});
    }

    /// Bytes written so far.
    constexpr std::size_t size() const noexcept { return len_; }
    /// The TAG bytes written, or buffer_too_small (layer "pppoe", field
    /// "tags", offset = bytes written before the TAG that did not fit).
    constexpr Result<std::size_t> finish() const noexcept {
        if (overflow_)
            return Error{
                "pppoe", "tags",     pppoe_field::header_len + len_, Errc::buffer_too_small,
                len_,    buf_.size()};
        return len_;
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
            return Error{"pppoe", "version", 0, Errc::bad_version, v.version(), pppoe_version};
        if (v.type() != pppoe_type)
            return Error{"pppoe", "type", 0, Errc::bad_version, v.type(), pppoe_type};
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

namespace detail {
constexpr bool pppoe_same_bytes(const std::optional<Bytes>& a,
                                const std::optional<Bytes>& b) noexcept {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    if (a->size() != b->size()) return false;
    for (std::size_t i = 0; i < a->size(); ++i)
        if ((*a)[i] != (*b)[i]) return false;
    return true;
}
} // namespace detail

/// A discovery packet as a value: header plus the TAGs the client and the AC
/// act on. Values borrow from the parsed buffer (or from the caller when
/// emitting). Each field holds the first TAG of its type; a PADO's further
/// Service-Names, Vendor-Specific and unknown TAGs are not kept (iterate
/// PppoeView::tags() for those). emit() writes TAGs in a fixed order:
/// Service-Name, AC-Name, Host-Uniq, AC-Cookie, Relay-Session-Id,
/// PPP-Max-Payload, then the error TAGs.
struct PppoeDiscoveryRepr {
    PppoeCode code = PppoeCode::padi;
    std::uint16_t session_id = 0;
    std::optional<std::string_view> service_name; ///< present and empty = any service
    std::optional<std::string_view> ac_name;
    std::optional<Bytes> host_uniq;
    std::optional<Bytes> ac_cookie;
    std::optional<Bytes> relay_session_id;
    std::optional<std::uint16_t> ppp_max_payload; ///< RFC 4638
    std::optional<std::string_view> service_name_error;
    std::optional<std::string_view> ac_system_error;
    std::optional<std::string_view> generic_error;

    /// Header as in PppoeRepr::parse, then the TAGs: the first malformed one
    /// is reported as by PppoeTags::error(); a PPP-Max-Payload whose value is
    /// not 2 bytes → "tag_length", bad_length, at its TAG_LENGTH.
    template <ByteType B>
    static Result<PppoeDiscoveryRepr> parse(const PppoeView<B>& v) noexcept {
        auto hdr = PppoeRepr::parse(v);
        if (!hdr) return hdr.error();
        const PppoeTags tags = v.tags();
        if (auto e = tags.error()) return *e;
        PppoeDiscoveryRepr r;
        r.code = v.code();
        r.session_id = v.session_id();
        for (const PppoeTag t : tags) {
            switch (t.type()) {
            case PppoeTagType::service_name:
                if (!r.service_name) r.service_name = t.text();
                break;
            case PppoeTagType::ac_name:
                if (!r.ac_name) r.ac_name = t.text();
                break;
            case PppoeTagType::host_uniq:
                if (!r.host_uniq) r.host_uniq = t.value();
                break;
            case PppoeTagType::ac_cookie:
                if (!r.ac_cookie) r.ac_cookie = t.value();
                break;
            case PppoeTagType::relay_session_id:
                if (!r.relay_session_id) r.relay_session_id = t.value();
                break;
            case PppoeTagType::ppp_max_payload:
                if (t.length() != 2)
                    return Error{"pppoe",          "tag_length", t.offset() + 2,
                                 Errc::bad_length, t.length(),   2};
                if (!r.ppp_max_payload) r.ppp_max_payload = load_be16(t.value().data());
                break;
            case PppoeTagType::service_name_error:
                if (!r.service_name_error) r.service_name_error = t.text();
                break;
            case PppoeTagType::ac_system_error:
                if (!r.ac_system_error) r.ac_system_error = t.text();
                break;
            case PppoeTagType::generic_error:
                if (!r.generic_error) r.generic_error = t.text();
                break;
            default:
                break;
            }
        }
        return r;
    }

    /// Payload bytes (all TAGs).
    constexpr std::size_t payload_len() const noexcept {
        constexpr std::size_t h = pppoe_field::tag_header_len;
        std::size_t n = 0;
        auto text = [&](const std::optional<std::string_view>& s) {
            if (s) n += h + s->size();
        };
        auto raw = [&](const std::optional<Bytes>& b) {
            if (b) n += h + b->size();
        };
        text(service_name);
        text(ac_name);
        raw(host_uniq);
        raw(ac_cookie);
        raw(relay_session_id);
        if (ppp_max_payload) n += h + 2;
        text(service_name_error);
        text(ac_system_error);
        text(generic_error);
        return n;
    }
    /// Header plus TAGs: the bytes emit() writes.
    constexpr std::size_t buffer_len() const noexcept {
        return pppoe_field::header_len + payload_len();
    }

    /// Writes header and TAGs. Precondition: v.bytes().size() >= buffer_len()
    /// and payload_len() <= 65535 (each value fits a TAG_LENGTH).
    constexpr void emit(PppoeView<Byte> v) const noexcept {
        PppoeRepr{code, session_id, payload_len()}.emit(v);
        PppoeTagWriter w{v.bytes().subspan(pppoe_field::header_len)};
        if (service_name) w.add(PppoeTagType::service_name, *service_name);
        if (ac_name) w.add(PppoeTagType::ac_name, *ac_name);
        if (host_uniq) w.add(PppoeTagType::host_uniq, *host_uniq);
        if (ac_cookie) w.add(PppoeTagType::ac_cookie, *ac_cookie);
        if (relay_session_id) w.add(PppoeTagType::relay_session_id, *relay_session_id);
        if (ppp_max_payload) w.add_u16(PppoeTagType::ppp_max_payload, *ppp_max_payload);
        if (service_name_error) w.add(PppoeTagType::service_name_error, *service_name_error);
        if (ac_system_error) w.add(PppoeTagType::ac_system_error, *ac_system_error);
        if (generic_error) w.add(PppoeTagType::generic_error, *generic_error);
    }

    friend constexpr bool operator==(const PppoeDiscoveryRepr& a,
                                     const PppoeDiscoveryRepr& b) noexcept {
        return a.code == b.code && a.session_id == b.session_id &&
               a.service_name == b.service_name && a.ac_name == b.ac_name &&
               detail::pppoe_same_bytes(a.host_uniq, b.host_uniq) &&
               detail::pppoe_same_bytes(a.ac_cookie, b.ac_cookie) &&
               detail::pppoe_same_bytes(a.relay_session_id, b.relay_session_id) &&
               a.ppp_max_payload == b.ppp_max_payload &&
               a.service_name_error == b.service_name_error &&
               a.ac_system_error == b.ac_system_error && a.generic_error == b.generic_error;
    }
};

} // namespace strata
