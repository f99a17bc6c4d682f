// Policy routing rules, like Linux `ip rule` (ip-rule(8)): an ordered list of
// rules, each matching on source and destination prefix, IP protocol, port
// ranges and TOS, each naming the routing table to consult.
//
// Semantics (those of the Linux FIB rules):
//   * rules are tried in ascending priority (`pref`); priorities are unique;
//   * the first rule that matches the flow AND whose table has a route for
//     the destination decides; a matching rule whose table has no route lets
//     the search go on to the next rule (Linux's "lookup" action);
//   * the main table (id 254, as in /etc/iproute2/rt_tables) is the fallback
//     after the last rule.
//
// Rules<Table> is itself a compile-time routing policy: Router<Rules<Poptrie>>
// routes by flow where Router<Poptrie> routes by destination only; both
// satisfy FlowRouting (decide()).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/core/config_error.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/policy/routing/concept.hpp>
#include <strata/policy/routing/route.hpp>

namespace strata::routing {

using TableId = std::uint32_t;
inline constexpr TableId main_table = 254;

/// An inclusive port range; the default is every port.
struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 65535;
    [[nodiscard]] constexpr bool contains(Port p) const noexcept {
        return p.value() >= first && p.value() <= last;
    }
    [[nodiscard]] constexpr bool is_any() const noexcept { return first == 0 && last == 65535; }
    friend constexpr bool operator==(const PortRange&, const PortRange&) = default;
};

/// What a rule looks at in a packet. Ports are ignored by rules that do not
/// ask for them (and are 0 for protocols without ports).
struct Flow {
    Ipv4Address source;
    Ipv4Address destination;
    IpProtocol protocol = IpProtocol::hopopt;
    Port source_port;
    Port destination_port;
    std::uint8_t tos = 0;
};

struct Rule {
    std::uint32_t priority = 0;
    Ipv4Prefix from{}; ///< source prefix; 0.0.0.0/0 matches every source
    Ipv4Prefix to{};   ///< destination prefix
    std::optional<IpProtocol> protocol;
    PortRange source_ports;
    PortRange destination_ports;
    std::optional<std::uint8_t> tos; ///< the whole TOS byte, as `ip rule tos`
    TableId table = main_table;

    [[nodiscard]] constexpr bool matches(const Flow& f) const noexcept {
        return from.contains(f.source) && to.contains(f.destination) &&
               (!protocol || *protocol == f.protocol) && source_ports.contains(f.source_port) &&
               destination_ports.contains(f.destination_port) && (!tos || *tos == f.tos);
    }
};

/// Which table answered and what it answered (no route: match is empty).
struct Decision {
    TableId table = main_table;
    Match match;
};

template <RouteTable Table>
class Rules {
    std::vector<Rule> rules_; // ascending priority
    std::vector<std::pair<TableId, std::unique_ptr<Table>>> tables_;

public:
    using table_type = Table;

    Rules() { tables_.emplace_back(main_table, std::make_unique<Table>()); }

    [[nodiscard]] Table& main() noexcept { return *tables_.front().second; }
    [[nodiscard]] const Table& main() const noexcept { return *tables_.front().second; }
    /// The table with this id, created empty on first use.
    Table& table(TableId id) {
        for (auto& [i, t] : tables_)
            if (i == id) return *t;
        tables_.emplace_back(id, std::make_unique<Table>());
        return *tables_.back().second;
    }
    [[nodiscard]] const Table* find_table(TableId id) const noexcept {
        for (const auto& [i, t] : tables_)
            if (i == id) return t.get();
        return nullptr;
    }

    /// Adds a rule. Errors (ConfigError):
    ///   "rule from 10.0.0.1/8 has host bits set (the network is 10.0.0.0/8)"
    ///   (and "rule to ..." for the destination prefix),
    ///   "rule source ports 100-99 are an empty range" (first > last; and
    ///   "rule destination ports ..."),
    ///   "rule table 42 does not exist (create it with table(42))",
    ///   "rule priority 10 already used".
    ConfigResult<void> add(const Rule& r) {
        for (const auto& [what, pfx] : {std::pair{"from", r.from}, std::pair{"to", r.to}})
            if (!pfx.is_canonical())
                return ConfigError{ConfigErrc::bad_value,
                                   std::string("rule ") + what + " " + strata::to_string(pfx) +
                                       " has host bits set (the network is " +
                                       strata::to_string(pfx.network()) + ")"};
        for (const auto& [what, pr] :
             {std::pair{"source", r.source_ports}, std::pair{"destination", r.destination_ports}})
            if (pr.first > pr.last)
                return ConfigError{ConfigErrc::bad_value, std::string("rule ") + what + " ports " +
                                                              std::to_string(pr.first) + "-" +
                                                              std::to_string(pr.last) +
                                                              " are an empty range"};
        if (!find_table(r.table))
            return ConfigError{ConfigErrc::not_found, "rule table " + std::to_string(r.table) +
                                                          " does not exist (create it with table(" +
                                                          std::to_string(r.table) + "))"};
        auto at = std::lower_bound(rules_.begin(), rules_.end(), r.priority,
                                   [](const Rule& x, std::uint32_t p) { return x.priority < p; });
        if (at != rules_.end() && at->priority == r.priority)
            return ConfigError{ConfigErrc::duplicate,
                               "rule priority " + std::to_string(r.priority) + " already used"};
        rules_.insert(at, r);
        return {};
    }
    /// Removes the rule with this priority ("no rule with priority 10").
    ConfigResult<void> erase(std::uint32_t priority) {
        auto at = std::find_if(rules_.begin(), rules_.end(),
                               [&](const Rule& x) { return x.priority == priority; });
        if (at == rules_.end())
            return ConfigError{ConfigErrc::not_found,
                               "no rule with priority " + std::to_string(priority)};
        rules_.erase(at);
        return {};
    }
    [[nodiscard]] const std::vector<Rule>& rules() const noexcept { return rules_; }

    /// The decision for a flow; allocation-free.
    [[nodiscard]] Decision lookup(const Flow& f) const noexcept {
        for (const Rule& r : rules_) {
            if (!r.matches(f)) continue;
            const Table* t = find_table(r.table);
            if (!t) continue;
            if (const Match m = t->lookup(f.destination)) return Decision{r.table, m};
        }
        return Decision{main_table, main().lookup(f.destination)};
    }
    [[nodiscard]] std::optional<Route> route(const Flow& f) const noexcept {
        const Decision d = lookup(f);
        if (!d.match) return std::nullopt;
        const Table* t = find_table(d.table);
        return make_route(f.destination, d.match, t->next_hop(d.match.hop()));
    }
};

/// A routing policy that decides per flow: Rules<T>, or any RouteLookup
/// (which looks at the destination only) through decide().
template <class P>
concept FlowRouting = RouteLookup<P> || requires(const P& p, const Flow& f) {
    { p.lookup(f) }
    noexcept->std::same_as<Decision>;
    { p.route(f) } -> std::same_as<std::optional<Route>>;
};

template <FlowRouting P>
[[nodiscard]] Decision decide(const P& p, const Flow& f) noexcept {
    if constexpr (RouteLookup<P>)
        return Decision{main_table, p.lookup(f.destination)};
    else
        return p.lookup(f);
}

template <FlowRouting P>
[[nodiscard]] std::optional<Route> route_flow(const P& p, const Flow& f) noexcept {
    if constexpr (RouteLookup<P>)
        return p.route(f.destination);
    else
        return p.route(f);
}

} // namespace strata::routing
