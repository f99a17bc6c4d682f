// What a Router is built from: its ports (MAC, address with prefix, MTU),
// its static routes, and the knobs of ARP and of the ICMP error rate limit.
// A plain value: the strata-net tool builds it from a topology file, a test
// or a program writes it inline. check_config() says what is wrong with one,
// as a ConfigError whose key path names the field ("routes[2].via").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/config_error.hpp>
#include <strata/core/time.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::router {

using namespace std::chrono_literals;

/// One router port: its MAC, its address with the connected prefix
/// (10.0.0.1/24: address 10.0.0.1, connected route 10.0.0.0/24), its MTU.
struct PortConfig {
    MacAddress mac{};
    Ipv4Prefix address{};
    std::uint32_t mtu = 1500;
};

/// One static route. `via` unspecified (0.0.0.0) means on-link, which
/// needs `port`; with a gateway, `port` may be left out when the gateway
/// lies in a port's connected prefix.
struct RouteConfig {
    Ipv4Prefix prefix{};
    Ipv4Address via{};
    std::optional<std::uint16_t> port{};
    std::uint32_t metric = 0;
};

/// Most packets one unresolved next hop may hold (ArpConfig::queue_per_hop).
inline constexpr std::uint8_t max_queue_per_hop = 128;

/// ARP (RFC 826) with Linux's neighbour defaults (mcast_solicit 3,
/// retrans_time 1 s) and its old queue default (unres_qlen 3 packets per
/// neighbour). Linux today bounds the queue by bytes (unres_qlen_bytes
/// 212992, about 101 full-size frames): set queue_per_hop (at most
/// max_queue_per_hop) and queue_slots to behave like it. Linux keeps an
/// entry REACHABLE 15-45 s (base_reachable_time 30 s, randomised) and then
/// uses it STALE while it re-checks it; this cache uses an entry for
/// `reachable` and then resolves it anew, queueing meanwhile.
struct ArpConfig {
    Duration reachable = 60s;           ///< how long a learned entry is used
    Duration retry = 1s;                ///< between requests for one next hop
    std::uint8_t tries = 3;             ///< requests before giving up
    std::uint8_t queue_per_hop = 3;     ///< packets held per unresolved next hop
    std::uint16_t queue_slots = 64;     ///< packets held in all (preallocated)
    std::uint32_t cache_entries = 4096; ///< bound on the cache
};

/// Token buckets on ICMP errors, as Linux's: one for the whole router
/// (net.ipv4.icmp_msgs_per_sec 1000, icmp_msgs_burst 50) and one per
/// destination host (icmp_ratelimit 1000 ms, a burst of XRLIM_BURST_FACTOR
/// 6). Fragmentation needed is never limited (Linux exempts it: path MTU
/// discovery depends on it).
struct IcmpRateConfig {
    std::uint32_t per_second = 1000;
    std::uint32_t burst = 50;
    Duration peer_interval = 1s; ///< one error per interval to one host; 0: no per-host limit
    std::uint32_t peer_burst = 6;
};

struct RouterConfig {
    std::vector<PortConfig> ports;
    std::vector<RouteConfig> routes;
    ArpConfig arp{};
    IcmpRateConfig icmp_rate{};
};

/// The egress port a route uses: its own, or the port whose connected
/// prefix holds the gateway. Errors name the field (key path relative to
/// the route: "via", "port").
inline ConfigResult<std::uint16_t> resolve_route_port(const std::vector<PortConfig>& ports,
                                                      const RouteConfig& r) {
    if (r.port) {
        if (*r.port >= ports.size())
            return std::move(ConfigError{ConfigErrc::not_found,
                                         "port " + std::to_string(*r.port) + " does not exist (" +
                                             std::to_string(ports.size()) + " ports)"}
                                 .at("port"));
        if (!r.via.is_unspecified() && !ports[*r.port].address.contains(r.via))
            return std::move(ConfigError{ConfigErrc::bad_value,
                                         "gateway " + to_string(r.via) +
                                             " is not on the network of port " +
                                             std::to_string(*r.port) + " (" +
                                             to_string(ports[*r.port].address.network()) + ")"}
                                 .at("via"));
        return *r.port;
    }
    if (r.via.is_unspecified())
        return std::move(
            ConfigError{ConfigErrc::bad_value, "an on-link route (no gateway) needs a port"}.at(
                "port"));
    for (std::size_t i = 0; i < ports.size(); ++i)
        if (ports[i].address.contains(r.via)) return static_cast<std::uint16_t>(i);
    return std::move(ConfigError{ConfigErrc::not_found,
                                 "gateway " + to_string(r.via) + " is on no port's network"}
                         .at("via"));
}

/// Everything check_config rejects, with the key path of the field:
///   ports: none                                   ("ports")
///   ports[i].address: unspecified, or a second port with the same address
///   ports[i].mtu: below 68 (RFC 791 §3.2) or above 65535
///   ports[i].mac: multicast or zero
///   arp: a zero count, or queue_per_hop above max_queue_per_hop
///   routes[i].prefix: length or host bits (routing::check_destination)
///   routes[i].port / routes[i].via: see resolve_route_port
/// Duplicate (prefix, metric) pairs are reported when the table is built.
inline ConfigResult<void> check_config(const RouterConfig& c) {
    if (c.ports.empty())
        return std::move(ConfigError{ConfigErrc::bad_value, "a router needs a port"}.at("ports"));
    for (std::size_t i = 0; i < c.ports.size(); ++i) {
        const auto& p = c.ports[i];
        const std::string key = "ports[" + std::to_string(i) + "]";
        if (p.address.address().is_unspecified() || p.address.length() > 32)
            return std::move(ConfigError{ConfigErrc::bad_value,
                                         "address " + to_string(p.address) + " is not usable"}
                                 .at("address")
                                 .at(key));
        for (std::size_t j = 0; j < i; ++j)
            if (c.ports[j].address.address() == p.address.address())
                return std::move(ConfigError{ConfigErrc::duplicate,
                                             "address " + to_string(p.address.address()) +
                                                 " is already port " + std::to_string(j) + "'s"}
                                     .at("address")
                                     .at(key));
        if (p.mtu < 68 || p.mtu > 65535)
            return std::move(ConfigError{ConfigErrc::bad_value,
                                         "mtu " + std::to_string(p.mtu) + " is not in 68..65535"}
                                 .at("mtu")
                                 .at(key));
        if (p.mac.is_multicast() || p.mac == MacAddress::zero())
            return std::move(ConfigError{ConfigErrc::bad_value,
                                         "mac " + to_string(p.mac) + " is not a unicast address"}
                                 .at("mac")
                                 .at(key));
    }
    for (std::size_t i = 0; i < c.routes.size(); ++i) {
        const std::string key = "routes[" + std::to_string(i) + "]";
        if (auto ok = routing::check_destination(c.routes[i].prefix); !ok)
            return std::move(ConfigError{ok.error()}.at("prefix").at(key));
        if (auto port = resolve_route_port(c.ports, c.routes[i]); !port)
            return std::move(ConfigError{port.error()}.at(key));
    }
    if (c.arp.tries == 0 || c.arp.queue_per_hop == 0 || c.arp.queue_per_hop > max_queue_per_hop ||
        c.arp.queue_slots == 0 || c.arp.cache_entries == 0)
        return std::move(ConfigError{ConfigErrc::bad_value,
                                     "tries, queue and cache sizes must be positive (and at most " +
                                         std::to_string(max_queue_per_hop) +
                                         " packets queued per next hop)"}
                             .at("arp"));
    return {};
}

} // namespace strata::router
