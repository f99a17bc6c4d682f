// Router nodes of a topology file: ports, routes, nat and filter, each
// value checked against the router's own ports (docs/strata-net.md).
#include "load_router.hpp"

#include <algorithm>

namespace strata::net::detail {
namespace {

std::string port_list(const RouterConfig& r) {
    std::string s;
    for (const auto& p : r.ports)
        s += (s.empty() ? "" : ", ") + p.name;
    return s;
}

ConfigResult<std::size_t> port_by_name(const RouterConfig& r, const json& v,
                                       const std::string& path) {
    NET_TRY(name, to_string_value(v, path));
    for (std::size_t i = 0; i < r.ports.size(); ++i) {
        if (r.ports[i].name == name) return i;
    }
    return error_at(path,
                    "router has no port " + in_quotes(name) + " (ports: " + port_list(r) + ")",
                    ConfigErrc::not_found);
}

ConfigResult<RouterPortConfig> load_port(const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path, {"name", "mac", "ip", "mtu"}));
    RouterPortConfig p;
    NET_TRY(name_v, required(*obj, path, "name"));
    NET_TRY(name, to_name(*name_v, join(path, "name")));
    p.name = std::move(name);
    NET_TRY(mac_v, required(*obj, path, "mac"));
    NET_TRY(mac, to_mac(*mac_v, join(path, "mac")));
    if (!mac.is_unicast() || mac == MacAddress::zero())
        return error_at(join(path, "mac"), to_string(mac) + " is not a unicast address");
    p.mac = mac;
    NET_TRY(ip_v, required(*obj, path, "ip"));
    NET_TRY(ip, to_prefix(*ip_v, join(path, "ip")));
    if (ip.address().is_unspecified() || ip.address().is_multicast() ||
        ip.address().is_broadcast() ||
        (ip.length() <= 30 &&
         (ip.address() == ip.network_address() || ip.address() == ip.broadcast_address()))) {
        return error_at(join(path, "ip"), to_string(ip) + " is not a host address on its network");
    }
    p.ip = ip;
    if (const json* m = member(*obj, "mtu")) {
        NET_TRY(mtu, to_uint(*m, join(path, "mtu"), 68, 65535));
        p.mtu = static_cast<std::uint32_t>(mtu);
    }
    return p;
}

/// The port whose network holds `a` (the longest such prefix), if any.
std::optional<std::size_t> port_on_link(const RouterConfig& r, Ipv4Address a) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < r.ports.size(); ++i) {
        if (r.ports[i].ip.network().contains(a) &&
            (!best || r.ports[i].ip.length() > r.ports[*best].ip.length()))
            best = i;
    }
    return best;
}

ConfigResult<RouteConfig> load_route(const RouterConfig& r, const json& v,
                                     const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path, {"prefix", "via", "port", "metric"}));
    RouteConfig route;
    NET_TRY(prefix_v, required(*obj, path, "prefix"));
    NET_TRY(prefix, to_prefix(*prefix_v, join(path, "prefix")));
    if (!prefix.is_canonical()) {
        return error_at(join(path, "prefix"), to_string(prefix) +
                                                  " has host bits set (did you mean " +
                                                  to_string(prefix.network()) + "?)");
    }
    route.prefix = prefix;
    if (const json* m = member(*obj, "metric")) {
        NET_TRY(metric, to_uint(*m, join(path, "metric"), 0, 0xffffffffu));
        route.metric = static_cast<std::uint32_t>(metric);
    }
    const json* via_v = member(*obj, "via");
    const json* port_v = member(*obj, "port");
    if (via_v == nullptr && port_v == nullptr)
        return error_at(path, "a route needs \"via\" or \"port\" (or both)", ConfigErrc::not_found);
    if (port_v != nullptr) {
        NET_TRY(port, port_by_name(r, *port_v, join(path, "port")));
        route.port = port;
    }
    if (via_v != nullptr) {
        NET_TRY(via, to_address(*via_v, join(path, "via")));
        for (const auto& p : r.ports) {
            if (p.ip.address() == via)
                return error_at(join(path, "via"),
                                to_string(via) + " is this router's own address");
        }
        if (port_v != nullptr) {
            const auto& p = r.ports[route.port];
            if (!p.ip.network().contains(via)) {
                return error_at(join(path, "via"), to_string(via) + " is not on port " + p.name +
                                                       "'s network " + to_string(p.ip.network()));
            }
        } else {
            const auto port = port_on_link(r, via);
            if (!port)
                return error_at(join(path, "via"),
                                to_string(via) + " is not on any port's network");
            route.port = *port;
        }
        route.via = via;
    }
    return route;
}

ConfigResult<std::uint8_t> to_l4_proto(const json& v, const std::string& path, bool any) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "tcp") return std::uint8_t{6};
        if (s == "udp") return std::uint8_t{17};
        if (any && s == "icmp") return std::uint8_t{1};
    } else if (any && v.is_number_integer()) {
        NET_TRY(n, to_uint(v, path, 0, 255));
        return static_cast<std::uint8_t>(n);
    }
    return error_at(path,
                    any ? "must be \"tcp\", \"udp\", \"icmp\" or a number 0-255, got " + describe(v)
                        : "must be \"tcp\" or \"udp\", got " + describe(v));
}

ConfigResult<NatForwardConfig> load_forward(const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path, {"proto", "public_port", "to"}));
    NatForwardConfig f;
    NET_TRY(proto_v, required(*obj, path, "proto"));
    NET_TRY(proto, to_l4_proto(*proto_v, join(path, "proto"), false));
    f.proto = proto;
    NET_TRY(pp_v, required(*obj, path, "public_port"));
    NET_TRY(pp, to_uint(*pp_v, join(path, "public_port"), 1, 65535));
    f.public_port = static_cast<std::uint16_t>(pp);
    NET_TRY(to_v, required(*obj, path, "to"));
    NET_TRY(to, to_string_value(*to_v, join(path, "to")));
    const auto colon = to.rfind(':');
    const auto bad = [&] {
        return error_at(join(path, "to"), in_quotes(to) + " is not A.B.C.D:PORT");
    };
    if (colon == std::string::npos || colon + 1 == to.size() || to.size() - colon > 6) return bad();
    auto addr = Ipv4Address::parse(std::string_view(to).substr(0, colon));
    if (!addr || addr->is_unspecified()) return bad();
    std::uint32_t port = 0;
    for (std::size_t i = colon + 1; i < to.size(); ++i) {
        if (to[i] < '0' || to[i] > '9') return bad();
        port = port * 10 + static_cast<std::uint32_t>(to[i] - '0');
    }
    if (port == 0 || port > 65535) return bad();
    f.to_ip = *addr;
    f.to_port = static_cast<std::uint16_t>(port);
    return f;
}

ConfigResult<NatConfig> load_nat(const RouterConfig& r, const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(
        only_keys(*obj, path, {"inside", "outside", "public_ip", "ports", "forwards"}));
    NatConfig nat;
    NET_TRY(out_v, required(*obj, path, "outside"));
    NET_TRY(outside, port_by_name(r, *out_v, join(path, "outside")));
    nat.outside = outside;
    NET_TRY(in_v, required(*obj, path, "inside"));
    NET_TRY(in, need_array(*in_v, join(path, "inside")));
    if (in->empty()) return error_at(join(path, "inside"), "must name at least one port");
    for (std::size_t i = 0; i < in->size(); ++i) {
        const auto p = index(join(path, "inside"), i);
        NET_TRY(port, port_by_name(r, (*in)[i], p));
        if (port == outside) return error_at(p, r.ports[port].name + " is the outside port");
        if (std::find(nat.inside.begin(), nat.inside.end(), port) != nat.inside.end())
            return error_at(p, r.ports[port].name + " is listed twice", ConfigErrc::duplicate);
        nat.inside.push_back(port);
    }
    nat.public_ip = r.ports[outside].ip.address();
    if (const json* pub = member(*obj, "public_ip")) {
        NET_TRY(ip, to_address(*pub, join(path, "public_ip")));
        if (ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast())
            return error_at(join(path, "public_ip"), to_string(ip) + " is not a unicast address");
        nat.public_ip = ip;
    }
    if (const json* ports = member(*obj, "ports")) {
        NET_TRY(range, to_range(*ports, join(path, "ports"), 1, 65535));
        nat.port_lo = static_cast<std::uint16_t>(range.first);
        nat.port_hi = static_cast<std::uint16_t>(range.second);
    }
    if (const json* fw = member(*obj, "forwards")) {
        NET_TRY(list, need_array(*fw, join(path, "forwards")));
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto p = index(join(path, "forwards"), i);
            NET_TRY(f, load_forward((*list)[i], p));
            for (const auto& g : nat.forwards) {
                if (g.proto == f.proto && g.public_port == f.public_port) {
                    return error_at(join(p, "public_port"),
                                    std::to_string(f.public_port) + " is already forwarded",
                                    ConfigErrc::duplicate);
                }
            }
            nat.forwards.push_back(f);
        }
    }
    return nat;
}

ConfigResult<FilterAction> to_action(const json& v, const std::string& path) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s == "accept") return FilterAction::accept;
        if (s == "drop") return FilterAction::drop;
        if (s == "reject") return FilterAction::reject;
    }
    return error_at(path, "must be \"accept\", \"drop\" or \"reject\", got " + describe(v));
}

/// "syn,!ack": flags that must be set and, with '!', flags that must be clear.
ConfigResult<void> parse_tcp_flags(const json& v, const std::string& path, FilterRuleConfig& rule) {
    NET_TRY(s, to_string_value(v, path));
    std::string_view rest = s;
    const auto bad = [&](std::string why) { return error_at(path, in_quotes(s) + ": " + why); };
    if (rest.empty()) return bad("no flags (write e.g. \"syn,!ack\")");
    while (true) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        const bool clear = !item.empty() && item.front() == '!';
        if (clear) item.remove_prefix(1);
        static constexpr std::pair<std::string_view, std::uint8_t> names[] = {
            {"fin", tcp_flag::fin}, {"syn", tcp_flag::syn}, {"rst", tcp_flag::rst},
            {"psh", tcp_flag::psh}, {"ack", tcp_flag::ack}, {"urg", tcp_flag::urg},
            {"ece", tcp_flag::ece}, {"cwr", tcp_flag::cwr}};
        std::uint8_t bit = 0;
        for (const auto& [n, b] : names) {
            if (item == n) bit = b;
        }
        if (bit == 0)
            return bad("unknown flag " + in_quotes(item) + " (fin syn rst psh ack urg ece cwr)");
        if ((rule.tcp_mask & bit) != 0) return bad("flag " + std::string(item) + " given twice");
        rule.tcp_mask |= bit;
        if (!clear) rule.tcp_value |= bit;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return {};
}

ConfigResult<FilterRuleConfig> load_rule(const RouterConfig& r, const json& v,
                                         const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path,
                                {"in", "out", "src", "dst", "proto", "sport", "dport", "tcp_flags",
                                 "icmp_type", "src_mac", "action"}));
    FilterRuleConfig rule;
    NET_TRY(action_v, required(*obj, path, "action"));
    NET_TRY(action, to_action(*action_v, join(path, "action")));
    rule.action = action;
    if (const json* in = member(*obj, "in")) {
        NET_TRY(port, port_by_name(r, *in, join(path, "in")));
        rule.in = port;
    }
    if (const json* out = member(*obj, "out")) {
        NET_TRY(port, port_by_name(r, *out, join(path, "out")));
        rule.out = port;
    }
    for (const char* key : {"src", "dst"}) {
        if (const json* p = member(*obj, key)) {
            NET_TRY(prefix, to_prefix(*p, join(path, key)));
            if (!prefix.is_canonical()) {
                return error_at(join(path, key), to_string(prefix) +
                                                     " has host bits set (did you mean " +
                                                     to_string(prefix.network()) + "?)");
            }
            (key[0] == 's' ? rule.src : rule.dst) = prefix;
        }
    }
    if (const json* p = member(*obj, "proto")) {
        NET_TRY(proto, to_l4_proto(*p, join(path, "proto"), true));
        rule.proto = proto;
    }
    const bool ports_ok = rule.proto == 6 || rule.proto == 17;
    for (const char* key : {"sport", "dport"}) {
        if (const json* p = member(*obj, key)) {
            if (!ports_ok) return error_at(join(path, key), "needs \"proto\": \"tcp\" or \"udp\"");
            NET_TRY(range, to_range(*p, join(path, key), 0, 65535));
            (key[0] == 's' ? rule.sport : rule.dport) = std::pair{
                static_cast<std::uint16_t>(range.first), static_cast<std::uint16_t>(range.second)};
        }
    }
    if (const json* f = member(*obj, "tcp_flags")) {
        if (rule.proto != 6) return error_at(join(path, "tcp_flags"), "needs \"proto\": \"tcp\"");
        STRATA_TRY_CONFIG(parse_tcp_flags(*f, join(path, "tcp_flags"), rule));
    }
    if (const json* t = member(*obj, "icmp_type")) {
        if (rule.proto != 1) return error_at(join(path, "icmp_type"), "needs \"proto\": \"icmp\"");
        NET_TRY(type, to_uint(*t, join(path, "icmp_type"), 0, 255));
        rule.icmp_type = static_cast<std::uint8_t>(type);
    }
    if (const json* m = member(*obj, "src_mac")) {
        NET_TRY(mac, to_mac(*m, join(path, "src_mac")));
        rule.src_mac = mac;
    }
    return rule;
}

ConfigResult<FilterConfig> load_filter(const RouterConfig& r, const json& v,
                                       const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path, {"default", "stateful", "rules"}));
    FilterConfig f;
    if (const json* d = member(*obj, "default")) {
        NET_TRY(action, to_action(*d, join(path, "default")));
        f.default_action = action;
    }
    if (const json* s = member(*obj, "stateful")) {
        NET_TRY(stateful, to_bool(*s, join(path, "stateful")));
        f.stateful = stateful;
    }
    if (const json* rules = member(*obj, "rules")) {
        NET_TRY(list, need_array(*rules, join(path, "rules")));
        for (std::size_t i = 0; i < list->size(); ++i) {
            NET_TRY(rule, load_rule(r, (*list)[i], index(join(path, "rules"), i)));
            f.rules.push_back(std::move(rule));
        }
    }
    return f;
}

} // namespace

ConfigResult<RouterConfig> load_router(const json& obj, const std::string& path) {
    STRATA_TRY_CONFIG(only_keys(obj, path, {"name", "type", "ports", "routes", "nat", "filter"}));
    RouterConfig r;
    NET_TRY(ports_v, required(obj, path, "ports"));
    NET_TRY(ports, need_array(*ports_v, join(path, "ports")));
    if (ports->empty() || ports->size() > 256)
        return error_at(join(path, "ports"), "a router has 1 to 256 ports");
    for (std::size_t i = 0; i < ports->size(); ++i) {
        const auto p = index(join(path, "ports"), i);
        NET_TRY(port, load_port((*ports)[i], p));
        for (const auto& q : r.ports) {
            if (q.name == port.name) {
                return error_at(join(p, "name"), "duplicate port name " + in_quotes(port.name),
                                ConfigErrc::duplicate);
            }
            if (q.ip.address() == port.ip.address()) {
                return error_at(join(p, "ip"),
                                to_string(port.ip.address()) + " is already port " + q.name + "'s",
                                ConfigErrc::duplicate);
            }
        }
        r.ports.push_back(std::move(port));
    }
    if (const json* routes_v = member(obj, "routes")) {
        NET_TRY(routes, need_array(*routes_v, join(path, "routes")));
        for (std::size_t i = 0; i < routes->size(); ++i) {
            const auto p = index(join(path, "routes"), i);
            NET_TRY(route, load_route(r, (*routes)[i], p));
            // Every port's network is a connected route of metric 0 (as
            // Linux's proto kernel routes); a static route may not repeat it.
            for (const auto& port : r.ports) {
                if (route.metric == 0 && port.ip.network() == route.prefix) {
                    return error_at(join(p, "prefix"),
                                    "route " + to_string(route.prefix) + " metric 0 is port " +
                                        port.name +
                                        "'s connected network (give it a metric above 0)",
                                    ConfigErrc::duplicate);
                }
            }
            for (std::size_t j = 0; j < r.routes.size(); ++j) {
                if (r.routes[j].prefix == route.prefix && r.routes[j].metric == route.metric) {
                    return error_at(join(p, "prefix"),
                                    "route " + to_string(route.prefix) + " metric " +
                                        std::to_string(route.metric) + " already present (routes[" +
                                        std::to_string(j) + "])",
                                    ConfigErrc::duplicate);
                }
            }
            r.routes.push_back(route);
        }
    }
    if (const json* nat = member(obj, "nat")) {
        NET_TRY(n, load_nat(r, *nat, join(path, "nat")));
        r.nat = std::move(n);
    }
    if (const json* filter = member(obj, "filter")) {
        NET_TRY(f, load_filter(r, *filter, join(path, "filter")));
        r.filter = std::move(f);
    }
    return r;
}

} // namespace strata::net::detail
