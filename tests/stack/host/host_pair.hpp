// Two hosts of one stack joined by one simulated link (a = end a, b = end
// b), as the host tests build them: MACs 02:00:00:00:00:0a and :0b,
// addresses 10.0.0.1/24 and 10.0.0.2/24, each host's stream derived from
// `host_seed` and its name.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>

namespace hosttest {

using namespace strata;

inline const MacAddress mac_a{0x02, 0, 0, 0, 0, 0x0a};
inline const MacAddress mac_b{0x02, 0, 0, 0, 0, 0x0b};
inline const Ipv4Address ip_a{10, 0, 0, 1};
inline const Ipv4Address ip_b{10, 0, 0, 2};

inline stack::HostConfig config(std::string name, MacAddress mac, Ipv4Address ip,
                                std::uint64_t host_seed, int prefix_len = 24,
                                Ipv4Address gateway = {}) {
    stack::HostConfig c;
    c.name = std::move(name);
    c.mac = mac;
    c.address = Ipv4Prefix{ip, prefix_len};
    c.gateway = gateway;
    c.rng = RandomStream::derive(host_seed, c.name);
    return c;
}
/// MAC 02:00:00:00:00:<last>, a /24.
inline stack::HostConfig config(std::string name, std::uint8_t last, Ipv4Address ip,
                                std::uint64_t host_seed = 11) {
    return config(std::move(name), MacAddress{0x02, 0, 0, 0, 0, last}, ip, host_seed);
}

template <class H>
struct Pair {
    sim::Network net;
    sim::NodeRef<H> a, b;
    explicit Pair(sim::LinkConfig lc, std::uint64_t net_seed = 1, std::uint64_t host_seed = 11)
        : net(net_seed) {
        a = net.add("a", H(config("a", 0x0a, ip_a, host_seed)));
        b = net.add("b", H(config("b", 0x0b, ip_b, host_seed)));
        REQUIRE(net.connect({a, PortId{0}}, {b, PortId{0}}, lc));
    }
    H& A() { return net.node(a); }
    H& B() { return net.node(b); }
    void run_for(Duration d) { net.run_until(net.now() + d); }
};

inline Bytes as_bytes(const std::string& s) {
    return Bytes(reinterpret_cast<const Byte*>(s.data()), s.size());
}

} // namespace hosttest
