// IPCP, the IP Control Protocol (RFC 1332, name servers RFC 1877): LCP's
// codes 1–7 and packet format (RFC 1332 §2) with its own options. IpcpView
// is PppControlView<ipcp> (ppp/control.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/ppp/control.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/ppp.hpp>

namespace strata {

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

constexpr std::string_view to_string(IpcpCode c) noexcept {
    return c <= IpcpCode::code_reject ? to_string(LcpCode{static_cast<std::uint8_t>(c)})
                                      : "unknown";
}

template <>
struct ppp_control_traits<PppProtocol::ipcp> {
    static constexpr std::string_view layer = "ipcp";
    using code_type = IpcpCode;
    using option_type = IpcpOptionType;

    static constexpr PppOptionRule option_rule(Byte type) noexcept {
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
        return {};
    }

    /// What checked() adds to the header check: for codes 1–4 every option
    /// (see PppOptions::error()).
    static constexpr std::optional<Error> check_data(Bytes p) noexcept {
        constexpr std::size_t hl = ppp_control_field::header_len;
        if (p[0] >= 1 && p[0] <= 4)
            return detail::ppp_options_error<PppProtocol::ipcp>(p.subspan(hl), hl);
        return std::nullopt;
    }

    /// No code-specific data beyond options.
    template <class View, ByteType B>
    struct view_getters {};

    /// PppOption<ipcp>'s getters (precondition: the matching type()).
    template <class Option>
    struct option_getters {
        /// IP-Address (3), primary/secondary DNS (129/131), NBNS (130/132).
        constexpr Ipv4Address address() const noexcept {
            return Ipv4Address::from_bytes(static_cast<const Option&>(*this).data().data());
        }
        /// IP-Compression-Protocol (2): the protocol number (0x002d Van Jacobson).
        constexpr std::uint16_t compression_protocol() const noexcept {
            return load_be16(static_cast<const Option&>(*this).data().data());
        }
    };
};

/// IPCP has only the fields every control protocol has.
namespace ipcp_field {
inline constexpr const Field& code = ppp_control_fields<PppProtocol::ipcp>::code;
inline constexpr const Field& identifier = ppp_control_fields<PppProtocol::ipcp>::identifier;
inline constexpr const Field& length = ppp_control_fields<PppProtocol::ipcp>::length;
inline constexpr const Field& header = ppp_control_fields<PppProtocol::ipcp>::header;
inline constexpr const Field& option = ppp_control_fields<PppProtocol::ipcp>::option;
inline constexpr const Field& option_length = ppp_control_fields<PppProtocol::ipcp>::option_length;
inline constexpr const Field& options = ppp_control_fields<PppProtocol::ipcp>::options;
} // namespace ipcp_field

template <ByteType B = const Byte>
using IpcpView = PppControlView<PppProtocol::ipcp, B>;

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
            return Error::at(ipcp_field::code, Errc::bad_value, static_cast<std::uint8_t>(v.code()),
                             1);
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
        detail::ppp_control_emit_header(v, code, identifier, buffer_len());
        PppOptionWriter<PppProtocol::ipcp> w{v.data()};
        if (ip_address) w.add_address(IpcpOptionType::ip_address, *ip_address);
        if (primary_dns) w.add_address(IpcpOptionType::primary_dns, *primary_dns);
        if (primary_nbns) w.add_address(IpcpOptionType::primary_nbns, *primary_nbns);
        if (secondary_dns) w.add_address(IpcpOptionType::secondary_dns, *secondary_dns);
        if (secondary_nbns) w.add_address(IpcpOptionType::secondary_nbns, *secondary_nbns);
    }

    friend constexpr bool operator==(const IpcpConfigRepr&, const IpcpConfigRepr&) = default;
};

} // namespace strata
