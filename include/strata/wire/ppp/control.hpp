// The packet format PPP's control protocols share (RFC 1661 §5): LCP, IPCP
// (RFC 1332), PAP (RFC 1334 §2) and CHAP (RFC 1994 §4) all start with
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
// PppControlView<P, B> is one view template for every such protocol, chosen
// by the PPP protocol number P. What differs between them lives in
// ppp_control_traits<P>, specialised by each protocol's header (ppp/lcp.hpp,
// ppp/ipcp.hpp, ppp/pap.hpp, ppp/chap.hpp): the layer name, the code enum,
// the checks a code's data must pass, and the getters for that data (a
// mixin the view derives from).
//
// Configure-Request/Ack/Nak/Reject (LCP and IPCP codes 1–4) carry options,
// each Type (1), Length (1, counting Type and Length, so ≥ 2), Data
// (RFC 1661 §6), iterated lazily by PppOptions<P>, written by
// PppOptionWriter<P>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/cursor_range.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/core/visit.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

namespace ppp_control_field {
inline constexpr std::size_t header_len = 4;
/// Type + Length of one configuration option.
inline constexpr std::size_t option_header_len = 2;
} // namespace ppp_control_field

/// What differs between the control protocols. A specialisation declares:
///   static constexpr std::string_view layer;          ("lcp", ...)
///   using code_type = <its code enum>;
///   static constexpr std::optional<Error> check_data(Bytes packet);
///   template <class View, ByteType B> struct view_getters;   (may be empty)
/// and, for protocols whose Configure-* packets carry options (LCP, IPCP):
///   using option_type = <its option type enum>;
///   static constexpr PppOptionRule option_rule(Byte type);
///   template <class Option> struct option_getters;
template <PppProtocol P>
struct ppp_control_traits;

/// The protocols PppControlView handles: those with traits.
template <PppProtocol P>
concept PppControlProtocol = requires {
    typename ppp_control_traits<P>::code_type;
};
/// The protocols whose Configure-* packets carry options.
template <PppProtocol P>
concept PppConfigProtocol = PppControlProtocol<P> && requires {
    typename ppp_control_traits<P>::option_type;
};

/// The descriptors of the fields every control protocol has, with that
/// protocol's layer name (lcp_field::length is ppp_control_fields<lcp>::length).
/// Option fields are relative to the option's start, `options` to the end of
/// the options written so far: errors rebase them.
template <PppProtocol P>
struct ppp_control_fields {
    static constexpr std::string_view layer = ppp_control_traits<P>::layer;
    static constexpr Field header{0, ppp_control_field::header_len, layer, "header"};
    static constexpr Field code{0, 1, layer, "code"};
    static constexpr Field identifier{1, 2, layer, "identifier"};
    static constexpr Field length{2, 4, layer, "length"};
    static constexpr Field options{ppp_control_field::header_len, ppp_control_field::header_len,
                                   layer, "options"};
    static constexpr Field option{0, ppp_control_field::option_header_len, layer, "option"};
    static constexpr Field option_length{1, 2, layer, "option_length"};
};

/// The length a known option type must have: exact when `exact`, else a
/// minimum; {0, false} for types with no rule.
struct PppOptionRule {
    std::size_t len = 0;
    bool exact = false;
};

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

/// The first malformed option in `area` (offsets from `base`), or nothing:
///   1 byte left, no Length         → "option", truncated, at the option
///   Length < 2                     → "option_length", bad_length, at Length
///   Length past the packet         → "option_length", truncated, at Length
///   known type, wrong Length       → "option_length", bad_value, at Length
///                                    (value = Length, expected = required)
template <PppProtocol P>
constexpr std::optional<Error> ppp_options_error(Bytes area, std::size_t base) noexcept {
    using F = ppp_control_fields<P>;
    std::size_t i = 0;
    while (i < area.size()) {
        const std::size_t avail = area.size() - i;
        if (avail < ppp_control_field::option_header_len)
            return Error::at(F::option, Errc::truncated, avail, 2).rebased(base + i);
        const std::size_t len = area[i + 1];
        if (len < ppp_control_field::option_header_len)
            return Error::at(F::option_length, Errc::bad_length, len, 2).rebased(base + i);
        if (len > avail)
            return Error::at(F::option_length, Errc::truncated, len, avail).rebased(base + i);
        const PppOptionRule r = ppp_control_traits<P>::option_rule(area[i]);
        if (r.len != 0 && (r.exact ? len != r.len : len < r.len))
            return Error::at(F::option_length, Errc::bad_value, len, r.len).rebased(base + i);
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
    const PppOptionRule r = ppp_control_traits<P>::option_rule(area[i]);
    if (r.len != 0 && (r.exact ? len != r.len : len < r.len)) return 0;
    return len;
}
} // namespace detail

/// One configuration option as found in a packet. A PppOptions range only
/// yields options whose Length fits the packet and matches their known type,
/// so the typed getters of the protocol (option_getters, with their
/// precondition on type()) stay in bounds.
template <PppProtocol P>
requires PppConfigProtocol<P>
class PppOption : public ppp_control_traits<P>::template option_getters<PppOption<P>> {
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
class PppControlView
    : public ppp_control_traits<P>::template view_getters<PppControlView<P, B>, B> {
    std::span<B> buf_;

    constexpr explicit PppControlView(std::span<B> b) noexcept : buf_(b) {}

    using fields = ppp_control_fields<P>;
    static constexpr std::size_t hl = ppp_control_field::header_len;

    constexpr std::uint8_t raw_code() const noexcept { return buf_[0]; }

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
        if (b.size() < hl) return Error::at(fields::header, Errc::truncated, b.size(), hl);
        const std::size_t len = load_be16(b.data() + fields::length.first);
        if (len < hl) return Error::at(fields::length, Errc::bad_length, len, hl);
        if (len > b.size()) return Error::at(fields::length, Errc::truncated, len, b.size());
        return PppControlView{b.first(len)};
    }

    /// The header as in checked_header(), then what the code's getters read
    /// (the protocol's check_data: see lcp.hpp, ipcp.hpp, pap.hpp, chap.hpp).
    /// Unknown codes carry opaque data and pass.
    static constexpr Result<PppControlView> checked(std::span<B> b) noexcept {
        auto v = checked_header(b);
        if (!v) return v;
        if (auto e = ppp_control_traits<P>::check_data(Bytes(v->bytes()))) return *e;
        return v;
    }

    /// No validation. Precondition: b holds a packet that checked() accepts.
    static constexpr PppControlView unchecked(std::span<B> b) noexcept { return PppControlView{b}; }

    constexpr operator PppControlView<P, const Byte>() const noexcept requires is_mutable_byte<B> {
        return PppControlView<P, const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    constexpr code_type code() const noexcept { return code_type{buf_[0]}; }
    constexpr std::uint8_t identifier() const noexcept { return buf_[1]; }
    constexpr std::uint16_t length() const noexcept {
        return load_be16(buf_.data() + fields::length.first);
    }
    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::size_t header_len() const noexcept { return hl; }
    constexpr std::span<B> header() const noexcept { return buf_.first(hl); }
    /// Everything after the header (options, the rejected packet, …).
    constexpr std::span<B> data() const noexcept { return buf_.subspan(hl); }
    constexpr std::span<B> payload() const noexcept { return data(); }

    /// The options of a Configure-Request/Ack/Nak/Reject (codes 1–4).
    constexpr auto options() const noexcept requires PppConfigProtocol<P> {
        return PppOptions<P>{Bytes(data()), hl};
    }
    /// True for codes 1–4, whose data is options.
    constexpr bool has_options() const noexcept requires PppConfigProtocol<P> {
        return raw_code() >= 1 && raw_code() <= 4;
    }

    constexpr void set_code(code_type c) const noexcept requires is_mutable_byte<B> {
        buf_[0] = static_cast<Byte>(c);
    }
    constexpr void set_identifier(std::uint8_t id) const noexcept requires is_mutable_byte<B> {
        buf_[1] = id;
    }
    constexpr void set_length(std::uint16_t len) const noexcept requires is_mutable_byte<B> {
        store_be16(buf_.data() + fields::length.first, len);
    }
};

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
    /// An address option (IPCP IP-Address, RFC 1877 name servers).
    constexpr PppOptionWriter& add_address(option_type t, Ipv4Address a) noexcept {
        return add_u32(t, a.value());
    }

    constexpr std::size_t size() const noexcept { return len_; }
    /// Option bytes written, or buffer_too_small (field "options", offset =
    /// bytes written before the option that did not fit, counted from the
    /// packet start).
    constexpr Result<std::size_t> finish() const noexcept {
        if (overflow_)
            return Error::at(ppp_control_fields<P>::options, Errc::buffer_too_small, len_,
                             buf_.size())
                .rebased(len_);
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
        using F = ppp_control_fields<P>;
        constexpr std::size_t hl = ppp_control_field::header_len;
        const std::size_t len = v.length();
        if (len < hl) return Error::at(F::length, Errc::bad_length, len, hl);
        if (len > v.bytes().size())
            return Error::at(F::length, Errc::truncated, len, v.bytes().size());
        return PppControlRepr{v.code(), v.identifier(), Bytes(v.bytes()).subspan(hl, len - hl)};
    }
    constexpr std::size_t buffer_len() const noexcept {
        return ppp_control_field::header_len + data.size();
    }
    /// Precondition: v.bytes().size() >= buffer_len() <= 65535.
    constexpr void emit(PppControlView<P, Byte> v) const noexcept {
        v.set_code(code);
        v.set_identifier(identifier);
        v.set_length(static_cast<std::uint16_t>(buffer_len()));
        copy_bytes(data, v.bytes().data() + ppp_control_field::header_len);
    }
    friend constexpr bool operator==(const PppControlRepr& a, const PppControlRepr& b) noexcept {
        return a.code == b.code && a.identifier == b.identifier &&
               detail::ppp_equal_bytes(a.data, b.data);
    }
};

namespace detail {
/// Writes the shared header of a control packet whose whole length is `len`.
template <PppProtocol P, class Code>
constexpr void ppp_control_emit_header(const PppControlView<P, Byte>& v, Code code,
                                       std::uint8_t identifier, std::size_t len) noexcept {
    v.set_code(code);
    v.set_identifier(identifier);
    v.set_length(static_cast<std::uint16_t>(len));
}
} // namespace detail

namespace detail {
/// A control packet as a tagged value, as IcmpRepr is: one of the messages
/// its Code field selects (PAP, CHAP). Each message type names its code as
/// `static constexpr Code code` and holds an `identifier`.
template <class Code, class... Messages>
struct ControlMessage {
    using Message = std::variant<Messages...>;
    Message message;

    constexpr ControlMessage() = default;
    template <class M>
    requires std::is_constructible_v<Message, M&&>
    constexpr ControlMessage(M&& m) noexcept : message(static_cast<M&&>(m)) {}

    constexpr Code code() const noexcept {
        return strata::visit([](const auto& m) { return m.code; }, message);
    }
    constexpr std::uint8_t identifier() const noexcept {
        return strata::visit([](const auto& m) { return m.identifier; }, message);
    }
    friend constexpr bool operator==(const ControlMessage&, const ControlMessage&) = default;
};
} // namespace detail

} // namespace strata
