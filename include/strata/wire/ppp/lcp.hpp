// LCP, the PPP Link Control Protocol (RFC 1661 §5–6, RFC 1570): the codes,
// the configuration options, the checks each code's data must pass, and the
// Configure-* and Echo packets as values. The packet format is the one all
// control protocols share (ppp/control.hpp); LcpView is PppControlView<lcp>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/ppp/control.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

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

/// The LCP-only fields; the shared ones (code, identifier, length, header,
/// option, option_length, options) are ppp_control_fields<lcp>, named below.
namespace lcp_field {
/// Protocol-Reject (RFC 1661 §5.7).
inline constexpr Field rejected_protocol{4, 6, "lcp", "rejected_protocol"};
/// Echo, Discard, Identification, Time-Remaining (RFC 1661 §5.8–5.9, RFC 1570).
inline constexpr Field magic_number{4, 8, "lcp", "magic_number"};
/// Time-Remaining (RFC 1570 §2.2).
inline constexpr Field seconds_remaining{8, 12, "lcp", "seconds_remaining"};
} // namespace lcp_field

template <>
struct ppp_control_traits<PppProtocol::lcp> {
    static constexpr std::string_view layer = "lcp";
    using code_type = LcpCode;
    using option_type = LcpOptionType;

    static constexpr PppOptionRule option_rule(Byte type) noexcept {
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
        return {};
    }

    /// What checked() adds to the header check:
    ///   1–4:  every option (see PppOptions::error())
    ///   8:    < 2 data bytes → "rejected_protocol", truncated, offset 4
    ///   9–13: < 4 data bytes → "magic_number", truncated, offset 4
    ///   13:   < 8 data bytes → "seconds_remaining", truncated, offset 8
    static constexpr std::optional<Error> check_data(Bytes p) noexcept {
        constexpr std::size_t hl = ppp_control_field::header_len;
        const std::uint8_t code = p[0];
        const std::size_t n = p.size();
        if (code >= 1 && code <= 4)
            return detail::ppp_options_error<PppProtocol::lcp>(p.subspan(hl), hl);
        if (code == 8 && n < hl + 2)
            return Error::at(lcp_field::rejected_protocol, Errc::truncated, n - hl, 2);
        if (code >= 9 && code <= 13 && n < hl + 4)
            return Error::at(lcp_field::magic_number, Errc::truncated, n - hl, 4);
        if (code == 13 && n < hl + 8)
            return Error::at(lcp_field::seconds_remaining, Errc::truncated, n - hl - 4, 4);
        return std::nullopt;
    }

    /// LcpView's getters for the data of one code (after checked();
    /// precondition: the matching code).
    template <class View, ByteType B>
    struct view_getters {
        /// Echo-Request/Reply, Discard-Request, Identification, Time-Remaining.
        constexpr std::uint32_t magic_number() const noexcept {
            return load_be32(self().bytes().data() + lcp_field::magic_number.first);
        }
        /// The data after the Magic-Number (Echo, Discard; the message of
        /// Identification).
        constexpr std::span<B> echo_data() const noexcept {
            return self().bytes().subspan(lcp_field::magic_number.last);
        }
        /// Protocol-Reject: the protocol that was rejected.
        constexpr PppProtocol rejected_protocol() const noexcept {
            return PppProtocol{
                load_be16(self().bytes().data() + lcp_field::rejected_protocol.first)};
        }
        /// Protocol-Reject: the start of the rejected information field.
        constexpr std::span<B> rejected_information() const noexcept {
            return self().bytes().subspan(lcp_field::rejected_protocol.last);
        }

    private:
        constexpr const View& self() const noexcept { return static_cast<const View&>(*this); }
    };

    /// PppOption<lcp>'s getters (precondition: the matching type()).
    template <class Option>
    struct option_getters {
        constexpr std::uint16_t mru() const noexcept { return load_be16(data()); }
        constexpr std::uint32_t accm() const noexcept { return load_be32(data()); }
        /// Authentication-Protocol: the protocol (PAP 0xc023, CHAP 0xc223).
        constexpr PppProtocol auth_protocol() const noexcept {
            return PppProtocol{load_be16(data())};
        }
        /// The byte after the protocol (CHAP's algorithm, 5 = MD5, RFC 1994
        /// §3), when the option has one.
        constexpr std::optional<std::uint8_t> chap_algorithm() const noexcept {
            const Bytes raw = static_cast<const Option&>(*this).bytes();
            if (raw.size() < 5) return std::nullopt;
            return raw[4];
        }
        constexpr std::uint32_t magic_number() const noexcept { return load_be32(data()); }

    private:
        constexpr const Byte* data() const noexcept {
            return static_cast<const Option&>(*this).data().data();
        }
    };
};

namespace lcp_field {
inline constexpr const Field& code = ppp_control_fields<PppProtocol::lcp>::code;
inline constexpr const Field& identifier = ppp_control_fields<PppProtocol::lcp>::identifier;
inline constexpr const Field& length = ppp_control_fields<PppProtocol::lcp>::length;
inline constexpr const Field& header = ppp_control_fields<PppProtocol::lcp>::header;
inline constexpr const Field& option = ppp_control_fields<PppProtocol::lcp>::option;
inline constexpr const Field& option_length = ppp_control_fields<PppProtocol::lcp>::option_length;
inline constexpr const Field& options = ppp_control_fields<PppProtocol::lcp>::options;
} // namespace lcp_field

template <ByteType B = const Byte>
using LcpView = PppControlView<PppProtocol::lcp, B>;

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
            return Error::at(lcp_field::code, Errc::bad_value, static_cast<std::uint8_t>(v.code()),
                             1);
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
        detail::ppp_control_emit_header(v, code, identifier, buffer_len());
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
        if (c < 9 || c > 11) return Error::at(lcp_field::code, Errc::bad_value, c, 9);
        if (v.data().size() < 4)
            return Error::at(lcp_field::magic_number, Errc::truncated, v.data().size(), 4);
        return LcpEchoRepr{v.code(), v.identifier(), v.magic_number(), Bytes(v.echo_data())};
    }
    constexpr std::size_t buffer_len() const noexcept {
        return lcp_field::magic_number.last + data.size();
    }
    /// Precondition: v.bytes().size() >= buffer_len().
    constexpr void emit(LcpView<Byte> v) const noexcept {
        detail::ppp_control_emit_header(v, code, identifier, buffer_len());
        store_be32(v.bytes().data() + lcp_field::magic_number.first, magic_number);
        copy_bytes(data, v.bytes().data() + lcp_field::magic_number.last);
    }
    friend constexpr bool operator==(const LcpEchoRepr& a, const LcpEchoRepr& b) noexcept {
        return a.code == b.code && a.identifier == b.identifier &&
               a.magic_number == b.magic_number && detail::ppp_equal_bytes(a.data, b.data);
    }
};

} // namespace strata
