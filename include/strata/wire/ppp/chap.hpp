// CHAP, the Challenge-Handshake Authentication Protocol (RFC 1994 §4): its
// codes, the checks each code's data must pass, and its four messages as
// values. ChapView is PppControlView<chap> (ppp/control.hpp).
//
//   Challenge/Response:  Code Id Length | Value-Size Value Name
//   Success/Failure:     Code Id Length | Message
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

/// CHAP codes (RFC 1994 §4). Open.
enum class ChapCode : std::uint8_t {
    challenge = 1,
    response = 2,
    success = 3,
    failure = 4,
};

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

/// The CHAP-only fields. Value has Value-Size bytes, Name and Message run to
/// the end of the packet (first == last here).
namespace chap_field {
inline constexpr Field value_size{4, 5, "chap", "value_size"};
inline constexpr Field value{5, 5, "chap", "value"};
inline constexpr Field message{4, 4, "chap", "message"};
} // namespace chap_field

template <>
struct ppp_control_traits<PppProtocol::chap> {
    static constexpr std::string_view layer = "chap";
    using code_type = ChapCode;

    /// What checked() adds to the header check, for Challenge/Response:
    ///   no Value-Size        → "value_size", truncated, offset 4
    ///   Value-Size 0         → "value_size", bad_length, offset 4
    ///   Value past the end   → "value", truncated, offset 5
    static constexpr std::optional<Error> check_data(Bytes p) noexcept {
        using namespace chap_field;
        const std::size_t n = p.size();
        if (p[0] == 1 || p[0] == 2) { // RFC 1994 §4.1
            if (n < value.first) return Error::at(value_size, Errc::truncated, 0, 1);
            const std::size_t vs = p[value_size.first];
            if (vs == 0) return Error::at(value_size, Errc::bad_length, 0, 1);
            if (vs > n - value.first) return Error::at(value, Errc::truncated, vs, n - value.first);
        }
        return std::nullopt;
    }

    /// ChapView's getters (after checked(); precondition: the matching code).
    template <class View, ByteType B>
    struct view_getters {
        /// Challenge/Response: the challenge or the hash.
        constexpr Bytes value() const noexcept {
            return bytes().subspan(chap_field::value.first, bytes()[chap_field::value_size.first]);
        }
        /// Challenge/Response: the sender's name, the rest of the packet.
        std::string_view name() const noexcept {
            return detail::ppp_text(
                bytes().subspan(chap_field::value.first + bytes()[chap_field::value_size.first]));
        }
        /// Success/Failure: the message, the rest of the packet.
        std::string_view message() const noexcept {
            return detail::ppp_text(bytes().subspan(chap_field::message.first));
        }

    private:
        constexpr Bytes bytes() const noexcept { return static_cast<const View&>(*this).bytes(); }
    };
};

namespace chap_field {
inline constexpr const Field& code = ppp_control_fields<PppProtocol::chap>::code;
inline constexpr const Field& identifier = ppp_control_fields<PppProtocol::chap>::identifier;
inline constexpr const Field& length = ppp_control_fields<PppProtocol::chap>::length;
inline constexpr const Field& header = ppp_control_fields<PppProtocol::chap>::header;
} // namespace chap_field

template <ByteType B = const Byte>
using ChapView = PppControlView<PppProtocol::chap, B>;

// --- CHAP messages as values --------------------------------------------------
// Bytes and strings BORROW from the parsed packet (after parse) or from the
// caller (before emit). Equality compares the bytes, not the pointers.

/// Challenge (1) or Response (2): the challenge or the hash (1..255 bytes)
/// and the sender's name.
template <ChapCode C>
struct ChapValue {
    static constexpr ChapCode code = C;
    std::uint8_t identifier = 0;
    Bytes value;
    std::string_view name;
    friend constexpr bool operator==(const ChapValue& a, const ChapValue& b) noexcept {
        return a.identifier == b.identifier && detail::ppp_equal_bytes(a.value, b.value) &&
               a.name == b.name;
    }
};
using ChapChallenge = ChapValue<ChapCode::challenge>;
using ChapResponse = ChapValue<ChapCode::response>;

/// Success (3) or Failure (4): a message for the peer.
template <ChapCode C>
struct ChapResult {
    static constexpr ChapCode code = C;
    std::uint8_t identifier = 0;
    std::string_view message;
    friend constexpr bool operator==(const ChapResult&, const ChapResult&) = default;
};
using ChapSuccess = ChapResult<ChapCode::success>;
using ChapFailure = ChapResult<ChapCode::failure>;

/// A CHAP packet as a tagged value. Example:
///   ChapRepr r{ChapResponse{.identifier = 9, .value = hash, .name = "alice"}};
///   r.emit(ChapView<Byte>::unchecked(buf.first(r.buffer_len())));
struct ChapRepr
    : detail::ControlMessage<ChapCode, ChapChallenge, ChapResponse, ChapSuccess, ChapFailure> {
    using ControlMessage::ControlMessage;

    /// Expects a view that passed checked(). Unknown codes → "code",
    /// bad_value, offset 0.
    template <ByteType B>
    static Result<ChapRepr> parse(const ChapView<B>& v) noexcept {
        switch (v.code()) {
        case ChapCode::challenge:
            return ChapRepr{ChapChallenge{v.identifier(), v.value(), v.name()}};
        case ChapCode::response:
            return ChapRepr{ChapResponse{v.identifier(), v.value(), v.name()}};
        case ChapCode::success:
            return ChapRepr{ChapSuccess{v.identifier(), v.message()}};
        case ChapCode::failure:
            return ChapRepr{ChapFailure{v.identifier(), v.message()}};
        }
        return Error::at(chap_field::code, Errc::bad_value, static_cast<std::uint8_t>(v.code()), 1);
    }

    constexpr std::size_t buffer_len() const noexcept {
        return strata::visit(
            [](const auto& m) -> std::size_t {
                if constexpr (requires { m.value; })
                    return chap_field::value.first + m.value.size() + m.name.size();
                else
                    return chap_field::message.first + m.message.size();
            },
            message);
    }

    /// Precondition: v.bytes().size() >= buffer_len(); 1 ≤ value.size() ≤ 255.
    constexpr void emit(ChapView<Byte> v) const noexcept {
        detail::ppp_control_emit_header(v, code(), identifier(), buffer_len());
        Byte* p = v.bytes().data() + ppp_control_field::header_len;
        strata::visit(
            [&p](const auto& m) {
                if constexpr (requires { m.value; }) {
                    *p++ = static_cast<Byte>(m.value.size());
                    for (Byte b : m.value)
                        *p++ = b;
                    for (char c : m.name)
                        *p++ = static_cast<Byte>(c);
                } else {
                    for (char c : m.message)
                        *p++ = static_cast<Byte>(c);
                }
            },
            message);
    }

    friend constexpr bool operator==(const ChapRepr&, const ChapRepr&) = default;
};

} // namespace strata
