// PPP control packets: LCP (RFC 1661 §5–6), IPCP (RFC 1332, RFC 1877),
// PAP (RFC 1334 §2) and CHAP (RFC 1994 §4). All four share one header:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Code      |  Identifier   |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |    Data ...
//
// Length counts the header; bytes after it are padding and are dropped
// (RFC 1661 §5: "Octets outside the range of the Length field are treated
// as padding and are ignored on reception").
//
// PppControlView<P, B> is one view template for the four protocols (chosen
// by the PPP protocol number P, so errors carry the right layer name and
// code() returns the right enum); the data accessors that make sense only
// for one protocol are constrained to it. LcpView, IpcpView, PapView and
// ChapView name the four.
//
// Configure-Request/Ack/Nak/Reject (LCP and IPCP codes 1–4) carry options,
// each Type (1), Length (1, counting Type and Length, so ≥ 2), Data
// (RFC 1661 §6), iterated lazily by PppOptions<P>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/ppp.hpp>

namespace strata {

namespace ppp_control_field {
inline constexpr Field code{0, 1};
inline constexpr Field identifier{1, 2};
inline constexpr Field length{2, 4};
inline constexpr std::size_t header_len = length.last;
/// Type + Length of one configuration option.
inline constexpr std::size_t option_header_len = 2;
} // namespace ppp_control_field

/// LCP codes (RFC 1661 §5, RFC 1570). Open.
enum class LcpCode : std::uint8_t {
    configure_request = 1,
    configure_ack = 2,
    configure_nak = 3,
    configure_reject = 4,
    terminate_request = 5,
    terminate_ack = 6,
    code_reject = 7,
    protocol_reject = 8,
    echo_request = 9,
    echo_reply = 10,
    discard_request = 11,
    identification = 12, ///< RFC 1570 §2.1
    time_remaining = 13, ///< RFC 1570 §2.2
};

/// IPCP codes: LCP's 1–7 (RFC 1332 §2). Open.
enum class IpcpCode : std::uint8_t {
    configure_request = 1,
    configure_ack = 2,
    configure_nak = 3,
    configure_reject = 4,
    terminate_request = 5,
    terminate_ack = 6,
    code_reject = 7,
};

/// PAP codes (RFC 1334 §2.2). Open.
enum class PapCode : std::uint8_t {
    authenticate_request = 1,
    authenticate_ack = 2,
    authenticate_nak = 3,
};

/// CHAP codes (RFC 1994 §4). Open.
enum class ChapCode : std::uint8_t {
    challenge = 1,
    response = 2,
    success = 3,
    failure = 4,
};

/// LCP configuration option types (RFC 1661 §6). Open.
enum class LcpOptionType : std::uint8_t {
    mru = 1,              ///< Maximum-Receive-Unit, len 4
    accm = 2,             ///< Async-Control-Character-Map, len 6 (RFC 1662 §7.1)
    auth_protocol = 3,    ///< Authentication-Protocol, len ≥ 4
    quality_protocol = 4, ///< Quality-Protocol, len ≥ 4
    magic_number = 5,     ///< Magic-Number, len 6
    pfc = 7,              ///< Protocol-Field-Compression, len 2
    acfc = 8,             ///< Address-and-Control-Field-Compression, len 2
};

/// IPCP configuration option types (RFC 1332 §3, RFC 1877 §1). Open.
enum class IpcpOptionType : std::uint8_t {
    ip_addresses = 1,            ///< deprecated pair of addresses, len 10
    ip_compression_protocol = 2, ///< len ≥ 4
    ip_address = 3,              ///< len 6
    primary_dns = 129,           ///< RFC 1877, len 6
    primary_nbns = 130,          ///< RFC 1877, len 6
    secondary_dns = 131,         ///< RFC 1877, len 6
    secondary_nbns = 132,        ///< RFC 1877, len 6
};

/// CHAP algorithm byte of the Authentication-Protocol option (RFC 1994 §3).
inline constexpr std::uint8_t chap_md5 = 5;

constexpr std::string_view to_string(LcpCode c) noexcept {
    switch (c) {
    case LcpCode::configure_request:
        return "Configure-Request";
    case LcpCode::configure_ack:
        return "Configure-Ack";
    case LcpCode::configure_nak:
        return "Configure-Nak";
    case LcpCode::configure_reject:
        return "Configure-Reject";
    case LcpCode::terminate_request:
        return "Terminate-Request";
    case LcpCode::terminate_ack:
        return "Terminate-Ack";
    case LcpCode::code_reject:
        return "Code-Reject";
    case LcpCode::protocol_reject:
        return "Protocol-Reject";
    case LcpCode::echo_request:
        return "Echo-Request";
    case LcpCode::echo_reply:
        return "Echo-Reply";
    case LcpCode::discard_request:
        return "Discard-Request";
    case LcpCode::identification:
        return "Identification";
    case LcpCode::time_remaining:
        return "Time-Remaining";
    }
    return "unknown";
}
constexpr std::string_view to_string(IpcpCode c) noexcept {
    return c <= IpcpCode::code_reject ? to_string(LcpCode{static_cast<std::uint8_t>(c)})
                                      : "unknown";
}
constexpr std::string_view to_string(PapCode c) noexcept {
    switch (c) {
    case PapCode::authenticate_request:
        return "Authenticate-Request";
    case PapCode::authenticate_ack:
        return "Authenticate-Ack";
    case PapCode::authenticate_nak:
        return "Authenticate-Nak";
    }
    return "unknown";
}
constexpr std::string_view to_string(ChapCode c) noexcept {
    switch (c) {
    case ChapCode::challenge:
        return "Challenge";
    case ChapCode::response:
        return "Response";
    case ChapCode::success:
        return "Success";
    case ChapCode::failure:
        return "Failure";
    }
    return "unknown";
}

/// What differs between the four protocols: layer name, code enum, option
/// type enum. Only the four protocols below have traits.
template <PppProtocol P>
struct ppp_control_traits;
template <>
struct ppp_control_traits<PppProtocol::lcp> {
    static constexpr std::string_view layer = "lcp";
    using code_type = LcpCode;
    using option_type = LcpOptionType;
};
template <>
struct ppp_control_traits<PppProtocol::ipcp> {
    static constexpr std::string_view layer = "ipcp";
    using code_type = IpcpCode;
    using option_type = IpcpOptionType;
};
template <>
struct ppp_control_traits<PppProtocol::pap> {
    static constexpr std::string_view layer = "pap";
    using code_type = PapCode;
};
template <>
struct ppp_control_traits<PppProtocol::chap> {
    static constexpr std::string_view layer = "chap";
    using code_type = ChapCode;
};

/// The protocols PppControlView handles.
template <PppProtocol P>
concept PppControlProtocol = P == PppProtocol::lcp || P == PppProtocol::ipcp ||
                             P == PppProtocol::pap || P == PppProtocol::chap;
/// The protocols whose Configure-* packets carry options.
template <PppProtocol P>
concept PppConfigProtocol = P == PppProtocol::lcp || P == PppProtocol::ipcp;

namespace detail {
// Not constexpr: viewing bytes as chars needs a reinterpret_cast.
inline std::string_view ppp_text(Bytes b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
constexpr bool ppp_equal_bytes(Bytes a, Bytes b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

/// The length a known option type must have: exact when `exact`, else a
/// minimum; {0, false} for types with no rule.
struct PppOptionRule {
    std::size_t len = 0;
    bool exact = false;
};
template <PppProtocol P>
constexpr PppOptionRule ppp_option_rule(Byte type) noexcept {
    if constexpr (P == PppProtocol::lcp) {
        switch (static_cast<LcpOptionType>(type)) {
        case LcpOptionType::mru:
            return {4, true};
        case LcpOptionType::accm:
            return {6, true};
        case LcpOptionType::auth_protocol:
            return {4, false};
        case LcpOptionType::quality_protocol:
            return {4, false};
        case LcpOptionType::magic_number:
            return {6, true};
        case LcpOptionType::pfc:
            return {2, true};
        case LcpOptionType::acfc:
            return {2, true};
        }
    } else {
        switch (static_cast<IpcpOptionType>(type)) {
        case IpcpOptionType::ip_addresses:
            return {10, true};
        case IpcpOptionType::ip_compression_protocol:
            return {4, false};
        case IpcpOptionType::ip_address:
        case IpcpOptionType::primary_dns:
        case IpcpOptionType::primary_nbns:
        case IpcpOptionType::secondary_dns:
        case IpcpOptionType::secondary_nbns:
            return {6, true};
        }
    }
    return {};
}

/// The first malformed option in `area` (offsets from `base`), or nothing:
///   1 byte left, no Length         → "option", truncated, at the option
///   Length < 2                     → "option_length", bad_length, at Length
///   Length past the packet         → "option_length", truncated, at Length
///   known type, wrong Length       → "option_length", bad_value, at Length
///                                    (value = Length, expected = required)
template <PppProtocol P>
constexpr std::optional<Error> ppp_options_error(Bytes area, std::size_t base) noexcept {
    constexpr std::string_view layer = ppp_control_traits<P>::layer;
    std::size_t i = 0;
    while (i < area.size()) {
        const std::size_t avail = area.size() - i;
        if (avail < ppp_control_field::option_header_len)
            return Error{layer, "option", base + i, Errc::truncated, avail, 2};
        const std::size_t len = area[i + 1];
        if (len < ppp_control_field::option_header_len)
            return Error{layer, "option_length", base + i + 1, Errc::bad_length, len, 2};
        if (len > avail)
            return Error{layer, "option_length", base + i + 1, Errc::truncated, len, avail};
        const PppOptionRule r = ppp_option_rule<P>(area[i]);
        if (r.len != 0 && (r.exact ? len != r.len : len < r.len))
            return Error{layer, "option_length", base + i + 1, Errc::bad_value, len, r.len};
        i += len;
    }
    return std::nullopt;
}

/// Length of the well-formed option at area[i], or 0.
template <PppProtocol P>
constexpr std::size_t ppp_option_len(Bytes area, std::size_t i) noexcept {
    if (area.size() - i < ppp_control_field::option_header_len) return 0;
    const std::size_t len = area[i + 1];
    if (len < ppp_control_field::option_header_len || len > area.size() - i) return 0;
    const PppOptionRule r = ppp_option_rule<P>(area[i]);
    if (r.len != 0 && (r.exact ? len != r.len : len < r.len)) return 0;
    return len;
}
} // namespace detail

/// One configuration option as found in a packet. A PppOptions range only
/// yields options whose Length fits the packet and matches their known type,
/// so the typed getters (with their precondition on type()) stay in bounds.
template <PppProtocol P>
requires PppConfigProtocol<P>
class PppOption {
    Bytes raw_;
    std::size_t offset_ = 0;

public:
    using option_type = typename ppp_control_traits<P>::option_type;

    constexpr PppOption() = default;
    /// `raw`: the whole option; `offset`: its offset from the packet start.
    constexpr PppOption(Bytes raw, std::size_t offset) noexcept : raw_(raw), offset_(offset) {}

    constexpr option_type type() const noexcept { return option_type{raw_[0]}; }
    /// Length byte: the whole option, Type and Length included.
    constexpr std::uint8_t length() const noexcept { return raw_[1]; }
    constexpr Bytes data() const noexcept { return raw_.subspan(2); }
    constexpr Bytes bytes() const noexcept { return raw_; }
    constexpr std::size_t offset() const noexcept { return offset_; }

    // --- LCP (precondition: the matching type()) -----------------------------
    constexpr std::uint16_t mru() const noexcept requires(P == PppProtocol::lcp) {
        return load_be16(raw_.data() + 2);
    }
    constexpr std::uint32_t accm() const noexcept requires(P == PppProtocol::lcp) {
        return load_be32(raw_.data() + 2);
    }
    /// Authentication-Protocol: the protocol (PAP 0xc023, CHAP 0xc223).
    constexpr PppProtocol auth_protocol() const noexcept requires(P == PppProtocol::lcp) {
        return PppProtocol{load_be16(raw_.data() + 2)};
    }
    /// The byte after the protocol (CHAP's algorithm, 5 = MD5, RFC 1994 §3),
    /// when the option has one.
    constexpr std::optional<std::uint8_t> chap_algorithm() const noexcept
        requires(P == PppProtocol::lcp) {
        if (raw_.size() < 5) return std::nullopt;
        return raw_[4];
    }
    constexpr std::uint32_t magic_number() const noexcept requires(P == PppProtocol::lcp) {
        return load_be32(raw_.data() + 2);
    }

    // --- IPCP ---------------------------------------------------------------
    /// IP-Address (3), primary/secondary DNS (129/131), NBNS (130/132).
    constexpr Ipv4Address address() const noexcept requires(P == PppProtocol::ipcp) {
        return Ipv4Address::from_bytes(raw_.data() + 2);
    }
    /// IP-Compression-Protocol (2): the protocol number (0x002d Van Jacobson).
    constexpr std::uint16_t compression_protocol() const noexcept requires(P == PppProtocol::ipcp) {
        return load_be16(raw_.data() + 2);
    }
};

/// Lazy range of PppOption<P> over the options of a Configure-* packet.
/// Iteration ends at the end of the area or just before the first
/// malformed option; error() says why.
template <PppProtocol P>
requires PppConfigProtocol<P>
class PppOptions : public CursorRange<PppOptions<P>> {
    friend cursor_access;
    Bytes area_;
    std::size_t base_ = ppp_control_field::header_len;

    struct cursor {
        Bytes area;
        std::size_t base = 0;
        std::size_t i = 0;
        std::size_t len = 0; ///< 0 when done

        constexpr PppOption<P> read() const noexcept {
            return PppOption<P>{area.subspan(i, len), base + i};
        }
        constexpr void next() noexcept {
            i += len;
            len = i < area.size() ? detail::ppp_option_len<P>(area, i) : 0;
        }
        constexpr bool done() const noexcept { return len == 0; }
        constexpr bool equal(const cursor& o) const noexcept {
            return (len == 0 && o.len == 0) || (i == o.i && len == o.len);
        }
    };
    constexpr cursor begin_cursor() const noexcept {
        return cursor{area_, base_, 0, area_.empty() ? 0 : detail::ppp_option_len<P>(area_, 0)};
    }

public:
    using option_type = typename ppp_control_traits<P>::option_type;

    constexpr PppOptions() = default;
    /// `area`: the packet's data; `base`: its offset in the packet (4).
    constexpr explicit PppOptions(Bytes area,
                                  std::size_t base = ppp_control_field::header_len) noexcept
        : area_(area), base_(base) {}

    constexpr Bytes bytes() const noexcept { return area_; }
    /// See detail::ppp_options_error: "option"/"option_length" errors with
    /// the layer of P and offsets from the start of the control packet.
    constexpr std::optional<Error> error() const noexcept {
        return detail::ppp_options_error<P>(area_, base_);
    }
    /// The first well-formed option of type `t`.
    constexpr std::optional<PppOption<P>> find(option_type t) const noexcept {
        for (const PppOption<P> o : *this)
            if (o.type() == t) return o;
        return std::nullopt;
    }
};

template <PppProtocol P, ByteType B = const Byte>
requires PppControlProtocol<P>
class PppControlView {
    std::span<B> buf_;

    constexpr explicit PppControlView(std::span<B> b) noexcept : buf_(b) {}

    static constexpr std::string_view layer = ppp_control_traits<P>::layer;
    static constexpr std::size_t hl = ppp_control_field::header_len;

    constexpr Byte at(std::size_t i) const noexcept { return buf_[i]; }
    constexpr Bytes sub(std::size_t from, std::size_t n) const noexcept {
        return Bytes(buf_).subspan(from, n);
    }
    constexpr std::uint8_t raw_code() const noexcept { return buf_[0]; }

    // Code-specific checks on a header-checked, trimmed packet.
    static constexpr std::optional<Error> check_data(Bytes p) noexcept {
        const std::uint8_t code = p[0];
        const std::size_t n = p.size();
        if constexpr (PppConfigProtocol<P>) {
            if (code >= 1 && code <= 4) return detail::ppp_options_error<P>(p.subspan(hl), hl);
        }
        if constexpr (P == PppProtocol::lcp) {
            // RFC 1661 §5.7: Protocol-Reject starts with the rejected protocol.
            if (code == 8 && n < hl + 2)
                return Error{layer, "rejected_protocol", hl, Errc::truncated, n - hl, 2};
            // RFC 1661 §5.8–5.9, RFC 1570: Echo, Discard, Identification and
            // Time-Remaining start with the Magic-Number.
            if (code >= 9 && code <= 13 && n < hl + 4)
                return Error{layer, "magic_number", hl, Errc::truncated, n - hl, 4};
            if (code == 13 && n < hl + 8)
                return Error{layer, "seconds_remaining", hl + 4, Errc::truncated, n - hl - 4, 4};
        }
        if constexpr (P == PppProtocol::pap) {
            if (code == 1) { // RFC 1334 §2.2.1
                if (n < hl + 1) return Error{layer, "peer_id_length", hl, Errc::truncated, 0, 1};
                const std::size_t id_len = p[hl];
                if (id_len > n - hl - 1)
                    return Error{layer, "peer_id", hl + 1, Errc::truncated, id_len, n - hl - 1};
                const std::size_t pw_at = hl + 1 + id_len;
                if (n < pw_at + 1)
                    return Error{layer, "passwd_length", pw_at, Errc::truncated, 0, 1};
                const std::size_t pw_len = p[pw_at];
                if (pw_len > n - pw_at - 1)
                    return Error{layer,           "password", pw_at + 1,
                                 Errc::truncated, pw_len,     n - pw_at - 1};
            } else if (code == 2 || code == 3) { // RFC 1334 §2.2.2
                // A missing Msg-Length is read as an empty message: some
                // peers send a bare 4-byte Ack.
                if (n > hl && p[hl] > n - hl - 1)
                    return Error{layer, "message", hl + 1, Errc::truncated, p[hl], n - hl - 1};
            }
        }
        if constexpr (P == PppProtocol::chap) {
            if (code == 1 || code == 2) { // RFC 1994 §4.1
                if (n < hl + 1) return Error{layer, "value_size", hl, Errc::truncated, 0, 1};
                const std::size_t vs = p[hl];
                if (vs == 0) return Error{layer, "value_size", hl, Errc::bad_length, 0, 1};
                if (vs > n - hl - 1)
                    return Error{layer, "value", hl + 1, Errc::truncated, vs, n - hl - 1};
            }
        }
        return std::nullopt;
    }

public:
    using code_type = typename ppp_control_traits<P>::code_type;
    static constexpr PppProtocol protocol = P;
    static constexpr std::size_t min_header_len = hl;

    /// Header only. Errors (layer "lcp"/"ipcp"/"pap"/"chap"):
    ///   b.size() < 4          → "header", truncated, offset 0
    ///   Length < 4            → "length", bad_length, offset 2
    ///   Length > b.size()     → "length", truncated, offset 2
    /// On success bytes() is trimmed to Length. Then code(), identifier(),
    /// length(), data() and options() are safe; the code-specific getters
    /// (magic_number(), peer_id(), value(), …) need checked().
    static constexpr Result<PppControlView> checked_header(std::span<B> b) noexcept {
        if (b.size() < hl) return Error{layer, "header", 0, Errc::truncated, b.size(), hl};
        const std::size_t len = load_be16(b.data() + ppp_control_field::length.first);
        if (len < hl)
            return Error{layer, "length", ppp_control_field::length.first, Errc::bad_length,
                         len,   hl};
        if (len > b.size())
            return Error{layer,           "length", ppp_control_field::length.first,
                         Errc::truncated, len,      b.size()};
        return PppControlView{b.first(len)};
    }

    /// The header as in checked_header(), then what the code's getters read:
    ///   LCP/IPCP 1–4: every option (see PppOptions::error())
    ///   LCP 8:  < 2 data bytes   → "rejected_protocol", truncated, offset 4
    ///   LCP 9–13: < 4 data bytes → "magic_number", truncated, offset 4
    ///   LCP 13: < 8 data bytes   → "seconds_remaining", truncated, offset 8
    ///   PAP 1:  no Peer-ID-Length → "peer_id_length", truncated, offset 4;
    ///           Peer-ID past the end → "peer_id", truncated, offset 5;
    ///           no Passwd-Length → "passwd_length", truncated, at it;
    ///           Password past the end → "password", truncated, after it
    ///   PAP 2–3: Message past the end → "message", truncated, offset 5
    ///   CHAP 1–2: no Value-Size → "value_size", truncated, offset 4;
    ///           Value-Size 0 → "value_size", bad_length, offset 4;
    ///           Value past the end → "value", truncated, offset 5
    /// Unknown codes carry opaque data and pass.
    static constexpr Result<PppControlView> checked(std::span<B> b) noexcept {
        auto v = checked_header(b);
        if (!v) return v;
        if (auto e = check_data(Bytes(v->bytes()))) return *e;
        return v;
    }

    /// No validation. Precondition: b holds a packet that checked() accepts.
    static constexpr PppControlView unchecked(std::span<B> b) noexcept { return PppControlView{b}; }

    constexpr operator PppControlView<P, const Byte>() const noexcept requires is_mutable_byte<B> {
        return PppControlView<P, const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- common ---------------------------------------------------------------
    constexpr code_type code() const noexcept { return code_type{buf_[0]}; }
    constexpr std::uint8_t identifier() const noexcept { return buf_[1]; }
    constexpr std::uint16_t length() const noexcept {
        return load_be16(buf_.data() + ppp_control_field::length.first);
    }
    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return hl; }
    constexpr std::span<B> header() const noexcept { return buf_.first(hl); }
    /// Everything after the header (options, the rejected packet, …).
    constexpr std::span<B> data() const noexcept { return buf_.subspan(hl); }
    constexpr std::span<B> payload() const noexcept { return data(); }

    // --- LCP / IPCP -------------------------------------------------------------
    /// The options of a Configure-Request/Ack/Nak/Reject (codes 1–4).
    constexpr auto options() const noexcept requires PppConfigProtocol<P> {
        return PppOptions<P>{Bytes(data()), hl};
    }
    /// True for codes 1–4, whose data is options.
    constexpr bool has_options() const noexcept requires PppConfigProtocol<P> {
        return raw_code() >= 1 && raw_code() <= 4;
    }

    // --- LCP (after checked(), precondition: the matching code) -----------------
    /// Echo-Request/Reply, Discard-Request, Identification, Time-Remaining.
    constexpr std::uint32_t magic_number() const noexcept requires(P == PppProtocol::lcp) {
        return load_be32(buf_.data() + hl);
    }
    /// The data after the Magic-Number (Echo, Discard; the message of
    /// Identification).
    constexpr std::span<B> echo_data() const noexcept requires(P == PppProtocol::lcp) {
        return buf_.subspan(hl + 4);
    }
    /// Protocol-Reject: the protocol that was rejected.
    constexpr PppProtocol rejected_protocol() const noexcept requires(P == PppProtocol::lcp) {
        return PppProtocol{load_be16(buf_.data() + hl)};
    }
    /// Protocol-Reject: the start of the rejected information field.
    constexpr std::span<B> rejected_information() const noexcept requires(P == PppProtocol::lcp) {
        return buf_.subspan(hl + 2);
    }

    // --- PAP (after checked(), precondition: the matching code) ----------------
    /// Authenticate-Request.
    std::string_view peer_id() const noexcept requires(P == PppProtocol::pap) {
        return detail::ppp_text(sub(hl + 1, at(hl)));
    }
    /// Authenticate-Request. PAP sends it in the clear (RFC 1334 §2).
    std::string_view password() const noexcept requires(P == PppProtocol::pap) {
        const std::size_t pw_at = hl + 1 + at(hl);
        return detail::ppp_text(sub(pw_at + 1, at(pw_at)));
    }
    /// Authenticate-Ack/Nak: the message (empty when Msg-Length is absent).
    std::string_view message() const noexcept requires(P == PppProtocol::pap) {
        if (buf_.size() <= hl) return {};
        return detail::ppp_text(sub(hl + 1, at(hl)));
    }

    // --- CHAP (after checked(), precondition: the matching code) ---------------
    /// Challenge/Response: the challenge or the hash.
    constexpr Bytes value() const noexcept requires(P == PppProtocol::chap) {
        return sub(hl + 1, at(hl));
    }
    /// Challenge/Response: the sender's name, the rest of the packet.
    std::string_view name() const noexcept requires(P == PppProtocol::chap) {
        return detail::ppp_text(Bytes(buf_).subspan(hl + 1 + at(hl)));
    }
    /// Success/Failure: the message, the rest of the packet.
    std::string_view message() const noexcept requires(P == PppProtocol::chap) {
        return detail::ppp_text(Bytes(buf_).subspan(hl));
    }

    // --- setters ----------------------------------------------------------------
    constexpr void set_code(code_type c) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>(c);
    }
    constexpr void set_identifier(std::uint8_t id) const noexcept requires is_mutable_byte<B> {
        buf_[1] = id;
    }
    constexpr void set_length(std::uint16_t len) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + ppp_control_field::length.first, len);
    }
};

template <ByteType B = const Byte>
using LcpView = PppControlView<PppProtocol::lcp, B>;
template <ByteType B = const Byte>
using IpcpView = PppControlView<PppProtocol::ipcp, B>;
template <ByteType B = const Byte>
using PapView = PppControlView<PppProtocol::pap, B>;
template <ByteType B = const Byte>
using ChapView = PppControlView<PppProtocol::chap, B>;

/// Appends configuration options to a caller buffer (the area after a
/// control header). Running out of room is remembered; finish() reports it.
template <PppProtocol P>
requires PppConfigProtocol<P>
class PppOptionWriter {
    MutBytes buf_;
    std::size_t len_ = 0;
    bool overflow_ = false;

public:
    using option_type = typename ppp_control_traits<P>::option_type;

    constexpr explicit PppOptionWriter(MutBytes area) noexcept : buf_(area) {}

    /// One option with raw data (at most 253 bytes: Length is one byte).
    constexpr PppOptionWriter& add(option_type t, Bytes d) noexcept {
        const std::size_t need = ppp_control_field::option_header_len + d.size();
        if (overflow_ || need > 0xff || need > buf_.size() - len_) {
            overflow_ = true;
            return *this;
        }
        Byte* p = buf_.data() + len_;
        p[0] = static_cast<Byte>(t);
        p[1] = static_cast<Byte>(need);
        copy_bytes(d, p + 2);
        len_ += need;
        return *this;
    }
    /// An option copied whole (type, length, data), e.g. to echo it in a
    /// Configure-Ack or Configure-Reject (RFC 1661 §5.2, §5.4).
    constexpr PppOptionWriter& add(const PppOption<P>& o) noexcept {
        return add(o.type(), o.data());
    }
    constexpr PppOptionWriter& add_flag(option_type t) noexcept { return add(t, Bytes{}); }
    constexpr PppOptionWriter& add_u16(option_type t, std::uint16_t v) noexcept {
        const Byte b[2] = {static_cast<Byte>(v >> 8), static_cast<Byte>(v)};
        return add(t, Bytes{b, 2});
    }
    constexpr PppOptionWriter& add_u32(option_type t, std::uint32_t v) noexcept {
        const Byte b[4] = {static_cast<Byte>(v >> 24), static_cast<Byte>(v >> 16),
                           static_cast<Byte>(v >> 8), static_cast<Byte>(v)};
        return add(t, Bytes{b, 4});
    }
    constexpr PppOptionWriter& add_address(option_type t, Ipv4Address a) noexcept {
        return add_u32(t, a.value());
    }

    constexpr std::size_t size() const noexcept { return len_; }
    /// Option bytes written, or buffer_too_small (field "options", offset =
    /// bytes written before the option that did not fit, counted from the
    /// packet start).
    constexpr Result<std::size_t> finish() const noexcept {
        if (overflow_)
            return Error{
                ppp_control_traits<P>::layer, "options", ppp_control_field::header_len + len_,
                Errc::buffer_too_small,       len_,      buf_.size()};
        return len_;
    }
};

/// Any control packet as header plus opaque data (Terminate-Request/Ack,
/// Code-Reject, a CHAP Success/Failure message, an unknown code). `data`
/// borrows.
template <PppProtocol P>
requires PppControlProtocol<P>
struct PppControlRepr {
    using code_type = typename ppp_control_traits<P>::code_type;
    code_type code{};
    std::uint8_t identifier = 0;
    Bytes data;

    /// From a view that passed checked_header(); cannot fail there. From an
    /// unchecked one a Length below 4 or past the view is reported as there.
    template <ByteType B>
    static constexpr Result<PppControlRepr> parse(const PppControlView<P, B>& v) noexcept {
        const std::size_t len = v.length();
        constexpr std::string_view layer = ppp_control_traits<P>::layer;
        constexpr std::size_t hl = ppp_control_field::header_len;
        if (len < hl) return Error{layer, "length", 2, Errc::bad_length, len, hl};
        if (len > v.bytes().size())
            return Error{layer, "length", 2, Errc::truncated, len, v.bytes().size()};
        return PppControlRepr{v.code(), v.identifier(), Bytes(v.bytes()).subspan(4, len - 4)};
    }
    constexpr std::size_t buffer_len() const noexcept {
        return ppp_control_field::header_len + data.size();
    }
    /// Precondition: v.bytes().size() >= buffer_len() <= 65535.
    constexpr void emit(PppControlView<P, Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        copy_bytes(data, v.bytes().data() + 4);
    }
    friend constexpr bool operator==(const PppControlRepr& a, const PppControlRepr& b) noexcept {
        return a.code == b.code && a.identifier == b.identifier &&
               detail::ppp_equal_bytes(a.data, b.data);
    }
};

/// LCP Authentication-Protocol option value (RFC 1661 §6.2, RFC 1994 §3).
struct PppAuth {
    PppProtocol protocol = PppProtocol::pap;
    std::optional<std::uint8_t> chap_algorithm; ///< 5 (MD5) with CHAP, none with PAP
    friend constexpr bool operator==(const PppAuth&, const PppAuth&) = default;
};

/// An LCP Configure-Request/Ack/Nak/Reject with the options strata speaks.
/// parse() keeps the first of each known option and skips the others (a
/// peer answering with Configure-Reject iterates LcpView::options() to echo
/// them). emit() writes options in type order, as pppd does.
struct LcpConfigRepr {
    LcpCode code = LcpCode::configure_request;
    std::uint8_t identifier = 0;
    std::optional<std::uint16_t> mru;
    std::optional<std::uint32_t> accm;
    std::optional<PppAuth> auth;
    std::optional<std::uint32_t> magic_number;
    bool pfc = false;
    bool acfc = false;

    /// Errors: a code other than 1–4 → "code", bad_value, offset 0; a
    /// malformed option as PppOptions::error(). Expects a view that passed
    /// checked_header() (checked() already rules out bad options).
    template <ByteType B>
    static constexpr Result<LcpConfigRepr> parse(const LcpView<B>& v) noexcept {
        if (!v.has_options())
            return Error{"lcp", "code", 0, Errc::bad_value, static_cast<std::uint8_t>(v.code()), 1};
        const auto opts = v.options();
        if (auto e = opts.error()) return *e;
        LcpConfigRepr r;
        r.code = v.code();
        r.identifier = v.identifier();
        for (const auto o : opts) {
            switch (o.type()) {
            case LcpOptionType::mru:
                if (!r.mru) r.mru = o.mru();
                break;
            case LcpOptionType::accm:
                if (!r.accm) r.accm = o.accm();
                break;
            case LcpOptionType::auth_protocol:
                if (!r.auth) r.auth = PppAuth{o.auth_protocol(), o.chap_algorithm()};
                break;
            case LcpOptionType::magic_number:
                if (!r.magic_number) r.magic_number = o.magic_number();
                break;
            case LcpOptionType::pfc:
                r.pfc = true;
                break;
            case LcpOptionType::acfc:
                r.acfc = true;
                break;
            default:
                break;
            }
        }
        return r;
    }

    constexpr std::size_t buffer_len() const noexcept {
        return ppp_control_field::header_len + (mru ? 4 : 0) + (accm ? 6 : 0) +
               (auth ? 4 + (auth->chap_algorithm ? 1 : 0) : 0) + (magic_number ? 6 : 0) +
               (pfc ? 2 : 0) + (acfc ? 2 : 0);
    }

    /// Precondition: v.bytes().size() >= buffer_len().
    constexpr void emit(LcpView<Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        PppOptionWriter<PppProtocol::lcp> w{v.data()};
        if (mru) w.add_u16(LcpOptionType::mru, *mru);
        if (accm) w.add_u32(LcpOptionType::accm, *accm);
        if (auth) {
            const auto p = static_cast<std::uint16_t>(auth->protocol);
            const Byte b[3] = {static_cast<Byte>(p >> 8), static_cast<Byte>(p),
                               auth->chap_algorithm.value_or(0)};
            w.add(LcpOptionType::auth_protocol, Bytes{b, auth->chap_algorithm ? 3u : 2u});
        }
        if (magic_number) w.add_u32(LcpOptionType::magic_number, *magic_number);
        if (pfc) w.add_flag(LcpOptionType::pfc);
        if (acfc) w.add_flag(LcpOptionType::acfc);
    }

    friend constexpr bool operator==(const LcpConfigRepr&, const LcpConfigRepr&) = default;
};

/// An IPCP Configure-Request/Ack/Nak/Reject with addresses (RFC 1332 §3.3)
/// and name servers (RFC 1877). A client asks with 0.0.0.0, the server
/// answers with a Configure-Nak carrying the values to use.
struct IpcpConfigRepr {
    IpcpCode code = IpcpCode::configure_request;
    std::uint8_t identifier = 0;
    std::optional<Ipv4Address> ip_address;
    std::optional<Ipv4Address> primary_dns;
    std::optional<Ipv4Address> primary_nbns;
    std::optional<Ipv4Address> secondary_dns;
    std::optional<Ipv4Address> secondary_nbns;

    /// As LcpConfigRepr::parse, with layer "ipcp".
    template <ByteType B>
    static constexpr Result<IpcpConfigRepr> parse(const IpcpView<B>& v) noexcept {
        if (!v.has_options())
            return Error{"ipcp", "code", 0, Errc::bad_value, static_cast<std::uint8_t>(v.code()),
                         1};
        const auto opts = v.options();
        if (auto e = opts.error()) return *e;
        IpcpConfigRepr r;
        r.code = v.code();
        r.identifier = v.identifier();
        for (const auto o : opts) {
            std::optional<Ipv4Address>* slot = nullptr;
            switch (o.type()) {
            case IpcpOptionType::ip_address:
                slot = &r.ip_address;
                break;
            case IpcpOptionType::primary_dns:
                slot = &r.primary_dns;
                break;
            case IpcpOptionType::primary_nbns:
                slot = &r.primary_nbns;
                break;
            case IpcpOptionType::secondary_dns:
                slot = &r.secondary_dns;
                break;
            case IpcpOptionType::secondary_nbns:
                slot = &r.secondary_nbns;
                break;
            default:
                break;
            }
            if (slot && !*slot) *slot = o.address();
        }
        return r;
    }

    constexpr std::size_t buffer_len() const noexcept {
        return ppp_control_field::header_len +
               6 * (std::size_t{ip_address.has_value()} + primary_dns.has_value() +
                    primary_nbns.has_value() + secondary_dns.has_value() +
                    secondary_nbns.has_value());
    }

    /// Precondition: v.bytes().size() >= buffer_len(). Options in type order.
    constexpr void emit(IpcpView<Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        PppOptionWriter<PppProtocol::ipcp> w{v.data()};
        if (ip_address) w.add_address(IpcpOptionType::ip_address, *ip_address);
        if (primary_dns) w.add_address(IpcpOptionType::primary_dns, *primary_dns);
        if (primary_nbns) w.add_address(IpcpOptionType::primary_nbns, *primary_nbns);
        if (secondary_dns) w.add_address(IpcpOptionType::secondary_dns, *secondary_dns);
        if (secondary_nbns) w.add_address(IpcpOptionType::secondary_nbns, *secondary_nbns);
    }

    friend constexpr bool operator==(const IpcpConfigRepr&, const IpcpConfigRepr&) = default;
};

/// LCP Echo-Request/Echo-Reply/Discard-Request (RFC 1661 §5.8–5.9): the
/// sender's Magic-Number (0 when none was negotiated) and opaque data.
struct LcpEchoRepr {
    LcpCode code = LcpCode::echo_request;
    std::uint8_t identifier = 0;
    std::uint32_t magic_number = 0;
    Bytes data;

    /// Errors: code not 9–11 → "code", bad_value, offset 0; fewer than 4
    /// data bytes (from an unchecked view) → "magic_number", truncated, 4.
    template <ByteType B>
    static constexpr Result<LcpEchoRepr> parse(const LcpView<B>& v) noexcept {
        const auto c = static_cast<std::uint8_t>(v.code());
        if (c < 9 || c > 11) return Error{"lcp", "code", 0, Errc::bad_value, c, 9};
        if (v.data().size() < 4)
            return Error{"lcp", "magic_number", 4, Errc::truncated, v.data().size(), 4};
        return LcpEchoRepr{v.code(), v.identifier(), v.magic_number(), Bytes(v.echo_data())};
    }
    constexpr std::size_t buffer_len() const noexcept { return 8 + data.size(); }
    /// Precondition: v.bytes().size() >= buffer_len().
    constexpr void emit(LcpView<Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        store_be32(v.bytes().data() + 4, magic_number);
        copy_bytes(data, v.bytes().data() + 8);
    }
    friend constexpr bool operator==(const LcpEchoRepr& a, const LcpEchoRepr& b) noexcept {
        return a.code == b.code && a.identifier == b.identifier &&
               a.magic_number == b.magic_number && detail::ppp_equal_bytes(a.data, b.data);
    }
};

/// A PAP packet (RFC 1334 §2.2). Authenticate-Request uses peer_id and
/// password, Ack/Nak use message; the unused fields stay empty. Strings
/// borrow. Each is at most 255 bytes (one length byte).
struct PapRepr {
    PapCode code = PapCode::authenticate_request;
    std::uint8_t identifier = 0;
    std::string_view peer_id;
    std::string_view password;
    std::string_view message;

    /// Expects a view that passed checked(). Unknown codes → "code",
    /// bad_value, offset 0.
    template <ByteType B>
    static Result<PapRepr> parse(const PapView<B>& v) noexcept {
        switch (v.code()) {
        case PapCode::authenticate_request:
            return PapRepr{v.code(), v.identifier(), v.peer_id(), v.password(), {}};
        case PapCode::authenticate_ack:
        case PapCode::authenticate_nak:
            return PapRepr{v.code(), v.identifier(), {}, {}, v.message()};
        }
        return Error{"pap", "code", 0, Errc::bad_value, static_cast<std::uint8_t>(v.code()), 1};
    }
    constexpr std::size_t buffer_len() const noexcept {
        return code == PapCode::authenticate_request ? 6 + peer_id.size() + password.size()
                                                     : 5 + message.size();
    }
    /// Precondition: v.bytes().size() >= buffer_len(); strings ≤ 255 bytes.
    constexpr void emit(PapView<Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        Byte* p = v.bytes().data() + 4;
        auto put = [&p](std::string_view s) {
            *p++ = static_cast<Byte>(s.size());
            for (char c : s)
                *p++ = static_cast<Byte>(c);
        };
        if (code == PapCode::authenticate_request) {
            put(peer_id);
            put(password);
        } else {
            put(message);
        }
    }
    friend constexpr bool operator==(const PapRepr&, const PapRepr&) = default;
};

/// A CHAP packet (RFC 1994 §4). Challenge/Response use value and name,
/// Success/Failure use message. Bytes borrow. value is 1..255 bytes.
struct ChapRepr {
    ChapCode code = ChapCode::challenge;
    std::uint8_t identifier = 0;
    Bytes value;
    std::string_view name;
    std::string_view message;

    /// Expects a view that passed checked(). Unknown codes → "code",
    /// bad_value, offset 0.
    template <ByteType B>
    static Result<ChapRepr> parse(const ChapView<B>& v) noexcept {
        switch (v.code()) {
        case ChapCode::challenge:
        case ChapCode::response:
            return ChapRepr{v.code(), v.identifier(), v.value(), v.name(), {}};
        case ChapCode::success:
        case ChapCode::failure:
            return ChapRepr{v.code(), v.identifier(), {}, {}, v.message()};
        }
        return Error{"chap", "code", 0, Errc::bad_value, static_cast<std::uint8_t>(v.code()), 1};
    }
    constexpr bool has_value() const noexcept {
        return code == ChapCode::challenge || code == ChapCode::response;
    }
    constexpr std::size_t buffer_len() const noexcept {
        return has_value() ? 5 + value.size() + name.size() : 4 + message.size();
    }
    /// Precondition: v.bytes().size() >= buffer_len(); 1 ≤ value.size() ≤ 255.
    constexpr void emit(ChapView<Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        Byte* p = v.bytes().data() + 4;
        if (has_value()) {
            *p++ = static_cast<Byte>(value.size());
            for (Byte b : value)
                *p++ = b;
            for (char c : name)
                *p++ = static_cast<Byte>(c);
        } else {
            for (char c : message)
                *p++ = static_cast<Byte>(c);
        }
    }
    friend constexpr bool operator==(const ChapRepr& a, const ChapRepr& b) noexcept {
        return a.code == b.code && a.identifier == b.identifier &&
               detail::ppp_equal_bytes(a.value, b.value) && a.name == b.name &&
               a.message == b.message;
    }
};

} // namespace strata
