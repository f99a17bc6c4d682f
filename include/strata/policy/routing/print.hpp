// A routing table printed the way a router shows it:
//
//   Destination     Netmask         Gateway         Interface  Metric
//   192.168.1.10    255.255.255.255 on-link         eth1       0
//   0.0.0.0         0.0.0.0         192.0.2.1       eth0       0
//
// Rows in the order a lookup prefers them: longest prefix first, then by
// address, then lowest metric, so the default route is the last line and
// every model prints the same text for the same routes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/policy/routing/concept.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {

/// The interface column; the default writes "eth<N>".
using InterfaceNamer = std::function<std::string(InterfaceId)>;

inline std::string default_interface_name(InterfaceId i) {
    return "eth" + std::to_string(i.value());
}

/// Every route of `t`, in printing order.
template <RouteEdit T>
std::vector<Route> sorted_routes(const T& t) {
    std::vector<Route> v;
    v.reserve(t.size());
    t.for_each([&](const Route& r) { v.push_back(r); });
    std::sort(v.begin(), v.end(), [](const Route& a, const Route& b) {
        if (a.destination.length() != b.destination.length())
            return a.destination.length() > b.destination.length();
        if (a.destination.address() != b.destination.address())
            return a.destination.address() < b.destination.address();
        return a.metric < b.metric;
    });
    return v;
}

/// The table as text, one line per route, header first. An on-link route
/// (no gateway) shows "on-link" in the Gateway column.
template <RouteEdit T>
std::string format_table(const T& t, const InterfaceNamer& names = default_interface_name) {
    auto pad = [](std::string s, std::size_t w) {
        if (s.size() < w)
            s.append(w - s.size(), ' ');
        else
            s.push_back(' ');
        return s;
    };
    std::string out = pad("Destination", 16) + pad("Netmask", 16) + pad("Gateway", 16) +
                      pad("Interface", 11) + "Metric\n";
    for (const Route& r : sorted_routes(t)) {
        out += pad(to_string(r.destination.address()), 16);
        out += pad(to_string(r.netmask()), 16);
        out += pad(r.on_link() ? std::string("on-link") : to_string(r.gateway), 16);
        out += pad(names(r.interface), 11);
        out += std::to_string(r.metric);
        out += '\n';
    }
    return out;
}

} // namespace strata::routing
