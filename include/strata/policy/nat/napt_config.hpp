// The configuration of a nat::Napt: which ports are inside, which one is
// outside, the public address(es), the public port range, static port
// forwards, the idle timeouts and the table's capacity. A plain value;
// validate() says what is wrong with one, with the key path of the topology
// file (../shared/topology-schema.md, `nat` on a router).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/config_error.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/node/port.hpp>
#include <strata/policy/flow/timeouts.hpp>

namespace strata::nat {

/// Inbound packets to public_address:public_port of `protocol` go to
/// private_address:private_port (a "port forward", DNAT). The private
/// endpoint's outbound packets use that public port too, so the forward is
/// also its endpoint-independent mapping (RFC 4787 REQ-1).
struct StaticForward {
    IpProtocol protocol = IpProtocol::tcp; ///< tcp or udp
    /// Any port but 0: inside [port_lo, port_hi] it is taken out of the
    /// dynamic pool, outside it it is simply forwarded (as Linux DNAT).
    std::uint16_t public_port = 0;
    Ipv4Address private_address{};
    std::uint16_t private_port = 0;
    friend constexpr bool operator==(const StaticForward&, const StaticForward&) = default;
};

struct NaptConfig {
    std::vector<PortId>
        inside_ports;      ///< the LAN side: sources translated when leaving by `outside`
    PortId outside_port{}; ///< the WAN side
    /// The public address. With public_address_count > 1 the addresses
    /// public_address .. public_address + count - 1 form a pool, used with
    /// "paired" pooling (RFC 4787 REQ-2): one private address always gets the
    /// same public address, chosen by a hash of the private address. One
    /// address gives at most 3 × range mappings (TCP, UDP, ICMP ids); a pool
    /// is how a 1 M-mapping table is filled.
    Ipv4Address public_address{};
    std::uint16_t public_address_count = 1;
    /// Public ports (and ICMP ids) are drawn from [port_lo, port_hi]. The
    /// default is the schema's example, 20000-59999 (40,000 ports); Linux
    /// MASQUERADE without --to-ports uses 1024-65535 for sources >= 1024.
    std::uint16_t port_lo = 20000;
    std::uint16_t port_hi = 59999;
    std::vector<StaticForward> forwards;
    flow::Timeouts timeouts{};
    /// Most mappings at once. Everything is reserved for it up front, so the
    /// steady state does not allocate; past it, new flows get
    /// Verdict::ports_exhausted.
    std::uint32_t capacity = 65536;
    /// Fragmented datagrams in flight whose later fragments can be
    /// translated (RFC 4787 REQ-14; fragment_table.hpp), and how long a
    /// first fragment is remembered (Linux: ipfrag_time, 30 s). 0: later
    /// fragments are all dropped.
    std::uint32_t fragment_capacity = 1024;
    Duration fragment_timeout = std::chrono::seconds{30};
};

namespace detail {
inline std::string indexed(const char* name, std::size_t i) {
    return std::string(name) + '[' + std::to_string(i) + ']';
}
} // namespace detail

/// Success, or the first problem found, with its key path under "nat"
/// (e.g. "nat.forwards[1].public_port").
inline ConfigResult<void> validate(const NaptConfig& c) {
    auto bad = [](ConfigErrc code, std::string msg, std::string key) {
        return ConfigError(code, std::move(msg)).at(key).at("nat");
    };
    if (c.public_address.is_unspecified())
        return bad(ConfigErrc::bad_value, "public address 0.0.0.0", "public_ip");
    if (c.public_address_count == 0 ||
        std::uint64_t{c.public_address.value()} + c.public_address_count > 0x1'0000'0000ULL)
        return bad(ConfigErrc::bad_value, "public address pool empty or past 255.255.255.255",
                   "public_ip");
    if (c.port_lo == 0 || c.port_lo > c.port_hi)
        return bad(ConfigErrc::bad_value,
                   "port range [" + std::to_string(c.port_lo) + ", " + std::to_string(c.port_hi) +
                       "] is empty, reversed or starts at 0",
                   "ports");
    if (c.capacity == 0 || c.capacity >= 0x8000'0000u)
        return bad(ConfigErrc::bad_value, "capacity must be in [1, 2^31)", "capacity");
    for (std::size_t i = 0; i < c.inside_ports.size(); ++i) {
        if (c.inside_ports[i] == c.outside_port)
            return bad(ConfigErrc::bad_value, "the outside port cannot be inside too",
                       detail::indexed("inside", i));
    }
    for (std::size_t i = 0; i < c.forwards.size(); ++i) {
        const StaticForward& f = c.forwards[i];
        const std::string at = detail::indexed("forwards", i);
        if (f.protocol != IpProtocol::tcp && f.protocol != IpProtocol::udp)
            return bad(ConfigErrc::bad_value, "protocol must be tcp or udp", at + ".proto");
        if (f.public_port == 0)
            return bad(ConfigErrc::bad_value, "public port 0", at + ".public_port");
        if (f.private_address.is_unspecified() || f.private_port == 0)
            return bad(ConfigErrc::bad_value, "private endpoint 0.0.0.0 or port 0", at + ".to");
        for (std::size_t j = 0; j < i; ++j) {
            const StaticForward& g = c.forwards[j];
            if (g.protocol != f.protocol) continue;
            if (g.public_port == f.public_port)
                return bad(ConfigErrc::duplicate,
                           "public port " + std::to_string(f.public_port) + " already forwarded",
                           at + ".public_port");
            if (g.private_address == f.private_address && g.private_port == f.private_port)
                return bad(ConfigErrc::duplicate, "private endpoint already forwarded", at + ".to");
        }
    }
    return {};
}

} // namespace strata::nat
