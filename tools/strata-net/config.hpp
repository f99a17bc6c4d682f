// The topology file (schema v1, docs/strata-net.md) as plain values. The
// loader fills these from JSON and has already checked every value: names
// are unique and well formed, prefixes parse, every port a link, a route or
// a NAT/filter rule names exists. The runner only builds what they say.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>

namespace strata::net {

struct HubConfig {
    std::uint32_t ports = 0; ///< numbered 1..ports in the file
};

struct SwitchConfig {
    std::uint32_t ports = 0;
    std::uint64_t aging_s = 300;
    std::uint32_t table_size = 4096;
};

struct RouterPortConfig {
    std::string name;
    MacAddress mac{};
    Ipv4Prefix ip{}; ///< the port's address with its network's length ("10.0.0.1/24")
    std::uint32_t mtu = 1500;
};

struct RouteConfig {
    Ipv4Prefix prefix{};
    std::optional<Ipv4Address> via; ///< absent: on-link
    std::size_t port = 0; ///< index into RouterConfig::ports (resolved from via when absent)
    std::uint32_t metric = 0;
};

struct NatForwardConfig {
    std::uint8_t proto = 6; ///< 6 (tcp) or 17 (udp)
    std::uint16_t public_port = 0;
    Ipv4Address to_ip{};
    std::uint16_t to_port = 0;
};

struct NatConfig {
    std::vector<std::size_t> inside; ///< router port indices
    std::size_t outside = 0;
    Ipv4Address public_ip{};       ///< default: the outside port's address
    std::uint16_t port_lo = 20000; ///< nat::NaptConfig's defaults
    std::uint16_t port_hi = 59999;
    std::vector<NatForwardConfig> forwards;
};

enum class FilterAction : std::uint8_t { accept, drop, reject };

/// TCP flag bits as in the header's byte 13 (RFC 9293 §3.1).
namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10,
                              urg = 0x20, ece = 0x40, cwr = 0x80;
}

struct FilterRuleConfig {
    std::optional<std::size_t> in;  ///< router port index
    std::optional<std::size_t> out; ///< router port index
    std::optional<Ipv4Prefix> src;
    std::optional<Ipv4Prefix> dst;
    std::optional<std::uint8_t> proto;
    std::optional<std::pair<std::uint16_t, std::uint16_t>> sport;
    std::optional<std::pair<std::uint16_t, std::uint16_t>> dport;
    /// Flags in `tcp_mask` must equal their bit in `tcp_value` ("syn,!ack":
    /// mask syn|ack, value syn). mask 0 = no flag condition.
    std::uint8_t tcp_mask = 0;
    std::uint8_t tcp_value = 0;
    std::optional<std::uint8_t> icmp_type;
    std::optional<MacAddress> src_mac;
    FilterAction action = FilterAction::accept;
};

struct FilterConfig {
    FilterAction default_action = FilterAction::accept;
    bool stateful = false;
    std::vector<FilterRuleConfig> rules;
};

struct RouterConfig {
    std::vector<RouterPortConfig> ports;
    std::vector<RouteConfig> routes;
    std::optional<NatConfig> nat;
    std::optional<FilterConfig> filter;
};

/// What a host's HTTP server serves: files given inline in the topology
/// file (target path → body) and/or a folder read by the tool.
struct HttpServiceConfig {
    std::vector<std::pair<std::string, std::string>> files; ///< "/index.html" → body
    std::optional<std::string> root; ///< as written; relative to the topology file's folder
};

/// The services a host runs (extension of schema v1, docs/strata-net.md
/// "Hosts"). ICMP echo is always on.
struct ServicesConfig {
    bool echo = false;                     ///< RFC 862 on TCP and UDP port 7
    bool discard = false;                  ///< RFC 863 on TCP and UDP port 9
    std::optional<HttpServiceConfig> http; ///< HTTP/1.1 on TCP port 80
};

enum class StepKind : std::uint8_t { ping, fetch, udp_echo, tcp_send };

/// One scripted client step of a host's "run" list; steps run in order,
/// each starting when the previous one is done and not before at_ms.
struct RunStepConfig {
    StepKind kind = StepKind::ping;
    std::optional<std::uint64_t> at_ms;
    std::string target; ///< as written ("203.0.113.10", "http://…", "A.B.C.D:7")
    Ipv4Address addr{};
    std::uint16_t port = 0;  ///< fetch: the URL's port (80); ping: unused
    std::string path = "/";  ///< fetch: the request target
    std::uint32_t count = 1; ///< ping, udp_echo (defaults 3 and 1)
    std::uint32_t size = 56; ///< ping: ICMP data bytes (56); udp_echo: datagram bytes (64)
    std::uint64_t bytes = 0; ///< tcp_send
};

/// A host: schema v1's addressing keys, plus what it runs.
struct HostConfig {
    MacAddress mac{};
    Ipv4Prefix ip{};
    std::optional<Ipv4Address> gateway;
    std::uint32_t mtu = 1500;
    ServicesConfig services;
    std::vector<RunStepConfig> run;
};

struct ReplayConfig {
    std::string file; ///< as written; relative to the topology file's folder
    std::uint64_t start_ms = 0;
    std::optional<std::uint64_t> spacing_us; ///< absent: the capture's own relative times
};

enum class NodeType : std::uint8_t { hub, switch_, router, host, replay };

struct NodeConfig {
    std::string name;
    std::variant<HubConfig, SwitchConfig, RouterConfig, HostConfig, ReplayConfig> spec;

    [[nodiscard]] NodeType type() const noexcept { return static_cast<NodeType>(spec.index()); }
    /// Ports in PortId order (switch/hub port k of the file is PortId k-1).
    [[nodiscard]] std::size_t port_count() const noexcept;
    /// The port's name as the file writes it after "NODE." ("3", "wan", "0").
    [[nodiscard]] std::string port_name(std::size_t index) const;
};

/// One end of a link: node index and the node's PortId index.
struct Endpoint {
    std::size_t node = 0;
    std::size_t port = 0;
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct LinkConfig {
    std::string name;
    Endpoint a;
    Endpoint b;
    /// Megabits per second each way; 0 = no serialization delay (infinitely fast).
    double rate_a_to_b_mbps = 0;
    double rate_b_to_a_mbps = 0;
    std::uint64_t delay_us = 0;
    std::uint32_t mtu = 1500;
    std::uint32_t queue_frames = 100;
    double loss = 0, duplicate = 0, reorder = 0, corrupt = 0;
};

struct TopologyConfig {
    std::uint64_t seed = 1;
    std::uint64_t until_ms = 60000;
    std::vector<NodeConfig> nodes;
    std::vector<LinkConfig> links;
};

[[nodiscard]] const char* to_string(NodeType t) noexcept;
[[nodiscard]] const char* to_string(FilterAction a) noexcept;

} // namespace strata::net
