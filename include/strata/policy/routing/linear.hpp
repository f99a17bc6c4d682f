// routing::Linear: the textbook algorithm, kept as the executable
// specification. For each route, AND the destination with the netmask and
// compare with the route's destination; of the routes that match, take the
// longest prefix, then the lowest metric. O(n) per lookup: for tests and for
// tables of a handful of routes (a host's table).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {

class Linear {
    // Every route, each with its own next hop (no sharing: the point is to
    // be obviously right, not small).
    struct Entry {
        Ipv4Prefix destination;
        NextHop hop;
    };
    std::vector<Entry> routes_;
    static Route to_route(const Entry& e) noexcept {
        return Route{e.destination, e.hop.gateway, e.hop.interface, e.hop.metric};
    }

    /// Index of the best route for `a`, or -1.
    [[nodiscard]] std::ptrdiff_t best(Ipv4Address a) const noexcept {
        std::ptrdiff_t b = -1;
        for (std::size_t i = 0; i < routes_.size(); ++i) {
            const Entry& r = routes_[i];
            if ((a.value() & r.destination.netmask().value()) != r.destination.address().value())
                continue;
            if (b < 0) {
                b = static_cast<std::ptrdiff_t>(i);
                continue;
            }
            const Entry& cur = routes_[static_cast<std::size_t>(b)];
            if (r.destination.length() > cur.destination.length() ||
                (r.destination.length() == cur.destination.length() &&
                 r.hop.metric < cur.hop.metric))
                b = static_cast<std::ptrdiff_t>(i);
        }
        return b;
    }

public:
    static constexpr std::string_view name = "linear";

    /// Errors as for every table (route.hpp): a bad prefix
    /// (check_destination), "route 10.1.0.0/16 metric 5 already present",
    /// the next-hop limit (every route here is its own next hop).
    ConfigResult<void> insert(Ipv4Prefix p, const NextHop& nh) {
        STRATA_TRY_CONFIG(check_destination(p));
        for (const Entry& r : routes_)
            if (r.destination == p && r.hop.metric == nh.metric)
                return duplicate_route(p, nh.metric);
        if (routes_.size() >= Match::max_next_hops) return next_hop_limit();
        routes_.push_back(Entry{p, nh});
        return {};
    }
    ConfigResult<void> insert(const Route& r) { return insert(r.destination, r.next_hop()); }

    /// Removes every route to `p`; "no route to 10.9.0.0/16" if none.
    ConfigResult<void> erase(Ipv4Prefix p) {
        STRATA_TRY_CONFIG(check_destination(p));
        const auto n = std::erase_if(routes_, [&](const Entry& r) { return r.destination == p; });
        if (n == 0) return no_route(p);
        return {};
    }
    /// Removes the route to `p` with `metric`; "no route to 10.9.0.0/16
    /// metric 5" if none.
    ConfigResult<void> erase(Ipv4Prefix p, std::uint32_t metric) {
        STRATA_TRY_CONFIG(check_destination(p));
        const auto n = std::erase_if(
            routes_, [&](const Entry& r) { return r.destination == p && r.hop.metric == metric; });
        if (n == 0) return no_route(p, metric);
        return {};
    }

    /// The hop index is the route's position in the table: valid until the
    /// next edit, as the concept says (in fact until the next erase).
    [[nodiscard]] Match lookup(Ipv4Address a) const noexcept {
        const auto b = best(a);
        if (b < 0) return Match{};
        return Match{static_cast<HopId>(b),
                     routes_[static_cast<std::size_t>(b)].destination.length()};
    }
    void lookup_bulk(std::span<const Ipv4Address> in, std::span<Match> out) const noexcept {
        const std::size_t n = in.size() < out.size() ? in.size() : out.size();
        for (std::size_t i = 0; i < n; ++i)
            out[i] = lookup(in[i]);
    }
    /// Precondition: `h` came from a lookup since the last edit.
    [[nodiscard]] const NextHop& next_hop(HopId h) const noexcept { return routes_[h].hop; }
    [[nodiscard]] std::optional<Route> route(Ipv4Address a) const noexcept {
        const auto b = best(a);
        if (b < 0) return std::nullopt;
        return to_route(routes_[static_cast<std::size_t>(b)]);
    }
    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }
    [[nodiscard]] bool empty() const noexcept { return routes_.empty(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return routes_.capacity() * sizeof(Entry);
    }
    template <class F>
    void for_each(F&& f) const {
        for (const Entry& r : routes_)
            f(to_route(r));
    }
};

} // namespace strata::routing
