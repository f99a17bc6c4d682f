// A host's IPv4 routes (RFC 1122 §3.3.1): the connected prefix of each
// interface address, static routes, and the default gateway. A lookup picks
// the longest matching prefix, then the lowest metric (Linux's fib rule),
// and says which port, which next hop (the gateway, or the destination
// itself when the route is on-link) and which source address to use
// (RFC 1122 §3.3.4.3: the route's preferred source, else the address of
// the interface the datagram leaves by, like Linux's "src" / inet_select_addr).
//
// A host has a handful of routes, so the table is a vector kept sorted by
// (prefix length descending, metric ascending, insertion): the first match
// is the answer. It allocates only when routes are added (configuration).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/node/port.hpp>

namespace strata::stack {

/// One route. `prefix` is stored canonical (host bits cleared).
/// `gateway` unspecified (0.0.0.0): the destination is on-link.
/// `source` unspecified: the address of the interface on `port`.
struct HostRoute {
    Ipv4Prefix prefix{};
    Ipv4Address gateway{};
    PortId port{};
    Ipv4Address source{};
    std::uint32_t metric = 0;
    friend constexpr bool operator==(const HostRoute&, const HostRoute&) = default;
};

/// Where a datagram to some destination goes.
struct NextHop {
    PortId port{};
    /// The address to resolve with ARP: the gateway, or the destination
    /// itself for an on-link route.
    Ipv4Address next_hop{};
    /// The source address to put in the datagram (unspecified only when
    /// the port has no address and the route names none).
    Ipv4Address source{};
    friend constexpr bool operator==(const NextHop&, const NextHop&) = default;
};

class RouteTable {
public:
    /// An address of the host on `port` with its prefix (10.0.0.2/24):
    /// records the address and adds the connected route 10.0.0.0/24 on-link
    /// with that source (Linux's "proto kernel scope link" route). Returns
    /// false (and changes nothing) when the address is unspecified or the
    /// length is above 32. A /32 adds no connected route.
    bool add_address(PortId port, Ipv4Prefix address, std::uint32_t metric = 0) {
        if (address.address().is_unspecified() || address.length() > 32) return false;
        addresses_.push_back(Address{port, address});
        if (address.length() < 32)
            insert(HostRoute{address.network(), Ipv4Address{}, port, address.address(), metric});
        return true;
    }

    /// A static route. Returns false when a route with the same prefix and
    /// metric exists already (Linux: `ip route add` fails with EEXIST) or
    /// the prefix length is above 32.
    bool add(HostRoute r) {
        if (r.prefix.length() > 32) return false;
        r.prefix = r.prefix.network();
        for (const HostRoute& x : routes_)
            if (x.prefix == r.prefix && x.metric == r.metric) return false;
        insert(r);
        return true;
    }

    /// The default route 0.0.0.0/0 via `gateway` on `port`.
    bool set_default_gateway(Ipv4Address gateway, PortId port, std::uint32_t metric = 0) {
        return add(HostRoute{Ipv4Prefix{}, gateway, port, Ipv4Address{}, metric});
    }

    /// Removes the route with this prefix and metric; false when none.
    bool remove(Ipv4Prefix prefix, std::uint32_t metric = 0) noexcept {
        prefix = prefix.network();
        for (std::size_t i = 0; i < routes_.size(); ++i)
            if (routes_[i].prefix == prefix && routes_[i].metric == metric) {
                routes_.erase(routes_.begin() + static_cast<std::ptrdiff_t>(i));
                return true;
            }
        return false;
    }

    /// The route for `dst`: the longest prefix, then the lowest metric, then
    /// the first added. nullopt: no route (the socket gets ENETUNREACH, as
    /// Linux answers connect() without a route).
    [[nodiscard]] std::optional<NextHop> lookup(Ipv4Address dst) const noexcept {
        const HostRoute* r = find(dst);
        if (r == nullptr) return std::nullopt;
        NextHop h{r->port, r->gateway.is_unspecified() ? dst : r->gateway, r->source};
        if (h.source.is_unspecified()) h.source = address_on(r->port);
        return h;
    }

    /// The route lookup() used for `dst`, or nullptr.
    [[nodiscard]] const HostRoute* find(Ipv4Address dst) const noexcept {
        for (const HostRoute& r : routes_)
            if (r.prefix.contains(dst)) return &r;
        return nullptr;
    }

    /// The first address of the host on `port`, or 0.0.0.0.
    [[nodiscard]] Ipv4Address address_on(PortId port) const noexcept {
        for (const Address& a : addresses_)
            if (a.port == port) return a.prefix.address();
        return Ipv4Address{};
    }

    /// True when `a` is one of the host's addresses (RFC 1122 §3.3.4.2:
    /// a datagram to it is delivered locally).
    [[nodiscard]] bool is_local(Ipv4Address a) const noexcept {
        for (const Address& x : addresses_)
            if (x.prefix.address() == a) return true;
        return false;
    }

    /// True for the limited broadcast 255.255.255.255 and for the directed
    /// broadcast address of a connected prefix shorter than /31 (RFC 1122
    /// §3.2.1.3, RFC 3021 for /31): such a datagram goes to the Ethernet
    /// broadcast address, without ARP.
    [[nodiscard]] bool is_broadcast(Ipv4Address a) const noexcept {
        if (a.is_broadcast()) return true;
        for (const Address& x : addresses_)
            if (x.prefix.length() < 31 && x.prefix.broadcast_address() == a) return true;
        return false;
    }

    /// Routes in lookup order.
    [[nodiscard]] std::span<const HostRoute> routes() const noexcept { return routes_; }
    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }

private:
    struct Address {
        PortId port{};
        Ipv4Prefix prefix{};
    };

    // Keeps routes_ sorted: longer prefixes first, then lower metrics;
    // among equals the earlier added stays first.
    void insert(const HostRoute& r) {
        std::size_t i = 0;
        while (i < routes_.size() && !goes_before(r, routes_[i]))
            ++i;
        routes_.insert(routes_.begin() + static_cast<std::ptrdiff_t>(i), r);
    }
    static bool goes_before(const HostRoute& a, const HostRoute& b) noexcept {
        if (a.prefix.length() != b.prefix.length()) return a.prefix.length() > b.prefix.length();
        return a.metric < b.metric;
    }

    std::vector<HostRoute> routes_;
    std::vector<Address> addresses_;
};

} // namespace strata::stack
