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
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/stack/arp/neighbor_cache.hpp>
#include <strata/stack/ipv4/pmtu_cache.hpp>
#include <strata/stack/ipv4/reassembler.hpp>
#include <strata/stack/ipv4/route_table.hpp>
#include <strata/stack/tcp/config.hpp>
#include <strata/stack/udp/udp_engine.hpp>

namespace strata::stack {

using namespace std::chrono_literals;

struct HostConfig {
    std::string name = "host";
    MacAddress mac{};
    Ipv4Prefix address{};            ///< e.g. 10.0.0.2/24: the address and its connected prefix
    Ipv4Address gateway{};           ///< default route; 0.0.0.0 = none (on-link only)
    std::uint32_t mtu = 1500;        ///< largest IP packet; the port's MTU may lower it
    std::uint8_t ttl = 64;           ///< RFC 1700's recommended default, Linux's ip_default_ttl
    RandomStream rng{};              ///< derive it from the run's seed and the host's name
    std::vector<HostRoute> routes{}; ///< static routes beside the connected one and the gateway
    /// ARP (RFC 826, RFC 1122 §2.3.2.2) with Linux's defaults: an entry is
    /// used 30 s, requests retried every second three times, 3 frames wait
    /// per unresolved neighbour; the address is announced twice (RFC 5227).
    NeighborConfig arp{};
    ReassemblyConfig reassembly{};
    PmtuConfig pmtu{};
    UdpConfig udp{};
    tcp::TcpConfig tcp{};
    std::size_t max_descriptors = 1024;
};

} // namespace strata::stack
