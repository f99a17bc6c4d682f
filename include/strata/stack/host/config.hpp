// What a Host is built from: its name, MAC, IPv4 address with the connected
// prefix, default gateway, MTU, the random stream every choice is drawn
// from (ephemeral ports, IP identification, ping identifiers, ISNs), and
// the knobs of its engines. A plain value, written inline by a test or a
// program; the strata-net loader fills it from a topology file.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/config.hpp>
#include <strata/stack/udp/udp_engine.hpp>

namespace strata::stack {

using namespace std::chrono_literals;

/// ARP as a host runs it (RFC 826, RFC 1122 §2.3.2.2): an entry is used
/// for 30 s (Linux base_reachable_time), requests are retried every second
/// three times (mcast_solicit 3, retrans_time 1 s), and 3 packets wait per
/// unresolved neighbour (unres_qlen's old default), the oldest dropped.
inline router::ArpConfig host_arp_defaults() noexcept {
    router::ArpConfig c;
    c.reachable = 30s;
    c.retry = 1s;
    c.tries = 3;
    c.queue_per_hop = 3;
    c.queue_slots = 64;
    c.cache_entries = 256;
    return c;
}

struct HostConfig {
    std::string name = "host";
    MacAddress mac{};
    Ipv4Prefix address{};      ///< e.g. 10.0.0.2/24: the address and its connected prefix
    Ipv4Address gateway{};     ///< default route; 0.0.0.0 = none (on-link only)
    std::uint32_t mtu = 1500;  ///< largest IP packet; the port's MTU may lower it
    std::uint8_t ttl = 64;     ///< RFC 1700's recommended default, Linux's ip_default_ttl
    RandomStream rng{};        ///< derive it from the run's seed and the host's name
    router::ArpConfig arp = host_arp_defaults();
    UdpConfig udp{};
    std::size_t max_descriptors = 1024;
    bool send_gratuitous_arp = true; ///< announce the address on the first poll (RFC 5227 §2.3)
};

} // namespace strata::stack
