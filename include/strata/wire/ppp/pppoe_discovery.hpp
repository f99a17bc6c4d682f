// The PPPoE discovery stage (RFC 2516 §5): the rules a receiver applies to
// a discovery packet on top of the header check (validate), a TAG writer,
// and a discovery packet (PADI, PADO, PADR, PADS, PADT) as a value. The
// header view and the TAG reader are in ppp/pppoe.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/ppp/pppoe.hpp>

namespace strata {

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
    namespace f = pppoe_field;
    const PppoeCode code = v.code();
    if (stage == PppoeStage::session) {
        if (code != PppoeCode::session_data)
            return Error::at(f::code, Errc::bad_value, static_cast<std::uint64_t>(code));
        return std::nullopt;
    }
    if (code == PppoeCode::session_data) return Error::at(f::code, Errc::bad_value);
    const PppoeTags tags = v.tags();
    if (auto e = tags.error()) return e;
    if (auto relay = tags.find(PppoeTagType::relay_session_id);
        relay && relay->length() > pppoe_max_relay_session_id)
        return Error::at(f::relay_session_id, Errc::bad_length, relay->length(),
                         pppoe_max_relay_session_id)
            .rebased(relay->offset());
    const std::size_t services = tags.count(PppoeTagType::service_name);
    switch (code) {
    case PppoeCode::padi:
    case PppoeCode::padr:
    case PppoeCode::pado:
        if (v.session_id() != 0) return Error::at(f::session_id, Errc::bad_value, v.session_id());
        if (services == 0) return Error::at(f::service_name, Errc::not_found, 0, 1);
        if (services > 1 && code != PppoeCode::pado)
            return Error::at(f::service_name, Errc::duplicate, services, 1);
        if (code == PppoeCode::pado && tags.count(PppoeTagType::ac_name) == 0)
            return Error::at(f::ac_name, Errc::not_found, 0, 1);
        return std::nullopt;
    case PppoeCode::pads:
        if (services == 0 && tags.count(PppoeTagType::service_name_error) == 0)
            return Error::at(f::service_name, Errc::not_found, 0, 1);
        return std::nullopt;
    case PppoeCode::padt:
        if (v.session_id() == 0) return Error::at(f::session_id, Errc::bad_value, 0, 1);
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
            return Error::at(pppoe_field::tags, Errc::buffer_too_small, len_, buf_.size())
                .rebased(len_);
        return len_;
    }
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
                    return Error::at(pppoe_field::tag_length, Errc::bad_length, t.length(), 2)
                        .rebased(t.offset());
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
