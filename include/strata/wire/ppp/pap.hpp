// PAP, the Password Authentication Protocol (RFC 1334 §2): its codes, the
// checks each code's data must pass, and its three messages as values.
// PapView is PppControlView<pap> (ppp/control.hpp). PAP sends the password
// in the clear (RFC 1334 §2); strata parses it, it does not recommend it.
//
//   Authenticate-Request:  Code Id Length | Peer-ID-Length Peer-ID
//                                           Passwd-Length Password
//   Authenticate-Ack/Nak:  Code Id Length | Msg-Length Message
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/core/visit.hpp>
#include <strata/wire/ppp/control.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

/// PAP codes (RFC 1334 §2.2). Open.
enum class PapCode : std::uint8_t {
    authenticate_request = 1,
    authenticate_ack = 2,
    authenticate_nak = 3,
};

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

/// The PAP-only fields. Peer-ID, Password and Message have the length their
/// length byte gives (first == last here); the Password's fields follow the
/// Peer-ID, so errors rebase them by its length.
namespace pap_field {
inline constexpr Field peer_id_length{4, 5, "pap", "peer_id_length"};
inline constexpr Field peer_id{5, 5, "pap", "peer_id"};
/// Where it is when the Peer-ID is empty.
inline constexpr Field passwd_length{5, 6, "pap", "passwd_length"};
inline constexpr Field password{6, 6, "pap", "password"};
inline constexpr Field msg_length{4, 5, "pap", "msg_length"};
inline constexpr Field message{5, 5, "pap", "message"};
} // namespace pap_field

template <>
struct ppp_control_traits<PppProtocol::pap> {
    static constexpr std::string_view layer = "pap";
    using code_type = PapCode;

    /// What checked() adds to the header check:
    ///   1: no Peer-ID-Length   → "peer_id_length", truncated, offset 4;
    ///      Peer-ID past the end → "peer_id", truncated, offset 5;
    ///      no Passwd-Length    → "passwd_length", truncated, at it;
    ///      Password past the end → "password", truncated, after it
    ///   2–3: Message past the end → "message", truncated, offset 5
    static constexpr std::optional<Error> check_data(Bytes p) noexcept {
        using namespace pap_field;
        const std::uint8_t code = p[0];
        const std::size_t n = p.size();
        if (code == 1) { // RFC 1334 §2.2.1
            if (n < peer_id.first) return Error::at(peer_id_length, Errc::truncated, 0, 1);
            const std::size_t id_len = p[peer_id_length.first];
            if (id_len > n - peer_id.first)
                return Error::at(peer_id, Errc::truncated, id_len, n - peer_id.first);
            const std::size_t pw_at = passwd_length.first + id_len;
            if (n < pw_at + 1)
                return Error::at(passwd_length, Errc::truncated, 0, 1).rebased(id_len);
            const std::size_t pw_len = p[pw_at];
            if (pw_len > n - pw_at - 1)
                return Error::at(password, Errc::truncated, pw_len, n - pw_at - 1).rebased(id_len);
        } else if (code == 2 || code == 3) { // RFC 1334 §2.2.2
            // A missing Msg-Length is read as an empty message: some peers
            // send a bare 4-byte Ack.
            if (n > msg_length.first && p[msg_length.first] > n - message.first)
                return Error::at(message, Errc::truncated, p[msg_length.first], n - message.first);
        }
        return std::nullopt;
    }

    /// PapView's getters (after checked(); precondition: the matching code).
    template <class View, ByteType B>
    struct view_getters {
        /// Authenticate-Request.
        std::string_view peer_id() const noexcept {
            return detail::ppp_text(bytes().subspan(pap_field::peer_id.first, id_len()));
        }
        /// Authenticate-Request. PAP sends it in the clear (RFC 1334 §2).
        std::string_view password() const noexcept {
            const std::size_t pw_at = pap_field::passwd_length.first + id_len();
            return detail::ppp_text(bytes().subspan(pw_at + 1, bytes()[pw_at]));
        }
        /// Authenticate-Ack/Nak: the message (empty when Msg-Length is absent).
        std::string_view message() const noexcept {
            const Bytes b = bytes();
            if (b.size() <= pap_field::msg_length.first) return {};
            return detail::ppp_text(
                b.subspan(pap_field::message.first, b[pap_field::msg_length.first]));
        }

    private:
        constexpr Bytes bytes() const noexcept { return static_cast<const View&>(*this).bytes(); }
        constexpr std::size_t id_len() const noexcept {
            return bytes()[pap_field::peer_id_length.first];
        }
    };
};

namespace pap_field {
inline constexpr const Field& code = ppp_control_fields<PppProtocol::pap>::code;
inline constexpr const Field& identifier = ppp_control_fields<PppProtocol::pap>::identifier;
inline constexpr const Field& length = ppp_control_fields<PppProtocol::pap>::length;
inline constexpr const Field& header = ppp_control_fields<PppProtocol::pap>::header;
} // namespace pap_field

template <ByteType B = const Byte>
using PapView = PppControlView<PppProtocol::pap, B>;

// --- PAP messages as values ---------------------------------------------------
// Strings BORROW from the parsed packet (after parse) or from the caller
// (before emit). Each is at most 255 bytes (one length byte).

/// Authenticate-Request (1): the peer's name and password.
struct PapRequest {
    static constexpr PapCode code = PapCode::authenticate_request;
    std::uint8_t identifier = 0;
    std::string_view peer_id;
    std::string_view password;
    friend constexpr bool operator==(const PapRequest&, const PapRequest&) = default;
};

/// Authenticate-Ack (2) or Authenticate-Nak (3): a message for the peer.
template <PapCode C>
struct PapReply {
    static constexpr PapCode code = C;
    std::uint8_t identifier = 0;
    std::string_view message;
    friend constexpr bool operator==(const PapReply&, const PapReply&) = default;
};
using PapAck = PapReply<PapCode::authenticate_ack>;
using PapNak = PapReply<PapCode::authenticate_nak>;

/// A PAP packet as a tagged value. Example:
///   PapRepr r{PapRequest{.identifier = 1, .peer_id = "alice", .password = "secret"}};
///   r.emit(PapView<Byte>::unchecked(buf.first(r.buffer_len())));
struct PapRepr : detail::ControlMessage<PapCode, PapRequest, PapAck, PapNak> {
    using ControlMessage::ControlMessage;

    /// Expects a view that passed checked(). Unknown codes → "code",
    /// bad_value, offset 0.
    template <ByteType B>
    static Result<PapRepr> parse(const PapView<B>& v) noexcept {
        switch (v.code()) {
        case PapCode::authenticate_request:
            return PapRepr{PapRequest{v.identifier(), v.peer_id(), v.password()}};
        case PapCode::authenticate_ack:
            return PapRepr{PapAck{v.identifier(), v.message()}};
        case PapCode::authenticate_nak:
            return PapRepr{PapNak{v.identifier(), v.message()}};
        }
        return Error::at(pap_field::code, Errc::bad_value, static_cast<std::uint8_t>(v.code()), 1);
    }

    constexpr std::size_t buffer_len() const noexcept {
        return strata::visit(
            [](const auto& m) -> std::size_t {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(m)>, PapRequest>)
                    return pap_field::password.first + m.peer_id.size() + m.password.size();
                else
                    return pap_field::message.first + m.message.size();
            },
            message);
    }

    /// Precondition: v.bytes().size() >= buffer_len(); strings ≤ 255 bytes.
    constexpr void emit(PapView<Byte> v) const noexcept {
        detail::ppp_control_emit_header(v, code(), identifier(), buffer_len());
        Byte* p = v.bytes().data() + ppp_control_field::header_len;
        auto put = [&p](std::string_view s) {
            *p++ = static_cast<Byte>(s.size());
            for (char c : s)
                *p++ = static_cast<Byte>(c);
        };
        strata::visit(
            [&put](const auto& m) {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(m)>, PapRequest>) {
                    put(m.peer_id);
                    put(m.password);
                } else {
                    put(m.message);
                }
            },
            message);
    }

    friend constexpr bool operator==(const PapRepr&, const PapRepr&) = default;
};

} // namespace strata
