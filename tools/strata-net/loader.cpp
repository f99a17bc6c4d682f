// The file-level part of the topology loader: JSON syntax, the top-level
// keys, nodes other than routers, links and their ends.
#include "loader.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include "json_check.hpp"
#include "load_host.hpp"
#include "load_router.hpp"

namespace strata::net {

std::size_t NodeConfig::port_count() const noexcept {
    switch (type()) {
    case NodeType::hub:
        return std::get<HubConfig>(spec).ports;
    case NodeType::switch_:
        return std::get<SwitchConfig>(spec).ports;
    case NodeType::router:
        return std::get<RouterConfig>(spec).ports.size();
    case NodeType::host:
    case NodeType::replay:
        return 1;
    }
    return 0;
}

std::string NodeConfig::port_name(std::size_t index) const {
    switch (type()) {
    case NodeType::hub:
    case NodeType::switch_:
        return std::to_string(index + 1);
    case NodeType::router:
        return std::get<RouterConfig>(spec).ports.at(index).name;
    case NodeType::host:
    case NodeType::replay:
        return "0";
    }
    return {};
}

const char* to_string(NodeType t) noexcept {
    switch (t) {
    case NodeType::hub:
        return "hub";
    case NodeType::switch_:
        return "switch";
    case NodeType::router:
        return "router";
    case NodeType::host:
        return "host";
    case NodeType::replay:
        return "replay";
    }
    return "?";
}

const char* to_string(FilterAction a) noexcept {
    switch (a) {
    case FilterAction::accept:
        return "accept";
    case FilterAction::drop:
        return "drop";
    case FilterAction::reject:
        return "reject";
    }
    return "?";
}

namespace {

using namespace detail;

/// nlohmann's parser recurses per nesting level when it destroys and copies
/// values: refuse deep documents before parsing (the schema needs 5 levels).
ConfigResult<void> check_nesting(std::string_view text) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_nesting) {
                return error_at("", "malformed JSON at byte " + std::to_string(i + 1) +
                                        ": nested deeper than " + std::to_string(max_nesting) +
                                        " levels");
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return {};
}

/// JSON allows an object to repeat a key and nlohmann keeps the last one; a
/// topology with two "via" is a mistake, so the parser's callback notes the
/// first repeated key with its path.
struct DuplicateKeyWatch {
    struct Level {
        bool object = false;
        std::size_t index = 0;
        std::string key;
        std::vector<std::string> keys;
    };
    std::vector<Level> stack;
    std::string duplicate_path;

    std::string path() const {
        std::string p;
        for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
            p = stack[i].object ? join(p, printable(stack[i].key)) : index(p, stack[i].index);
        }
        return p;
    }
    void element_done() {
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
    }
    bool operator()(int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start:
            stack.push_back({event == json::parse_event_t::object_start, 0, {}, {}});
            break;
        case json::parse_event_t::key: {
            auto& top = stack.back();
            top.key = parsed.get<std::string>();
            bool repeated = false;
            for (const auto& k : top.keys)
                repeated = repeated || k == top.key;
            top.keys.push_back(top.key);
            if (repeated && duplicate_path.empty()) {
                // path() names the levels above the innermost one; the
                // repeated key is the innermost level's own.
                stack.push_back({});
                duplicate_path = path();
                stack.pop_back();
            }
            break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            stack.pop_back();
            element_done();
            break;
        case json::parse_event_t::value:
            element_done();
            break;
        }
        return true;
    }
};

ConfigResult<json> parse_json(std::string_view text) {
    STRATA_TRY_CONFIG(check_nesting(text));
    DuplicateKeyWatch watch;
    json doc;
    try {
        doc = json::parse(text.begin(), text.end(), std::ref(watch));
    } catch (const json::parse_error& e) {
        // e.what() is "[json.exception.parse_error.101] parse error at line …"
        std::string what = e.what();
        if (const auto close = what.find("] "); close != std::string::npos)
            what.erase(0, close + 2);
        return error_at("", "malformed JSON at byte " + std::to_string(e.byte) + ": " +
                                printable(what, 200));
    } catch (const json::exception& e) {
        // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
        std::string what = e.what();
        if (const auto close = what.find("] "); close != std::string::npos)
            what.erase(0, close + 2);
        return error_at("", "malformed JSON: " + printable(what, 200));
    }
    if (!watch.duplicate_path.empty())
        return error_at(watch.duplicate_path, "key given twice", ConfigErrc::duplicate);
    return doc;
}

ConfigResult<NodeConfig> load_node(const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    NodeConfig node;
    NET_TRY(name_v, required(*obj, path, "name"));
    NET_TRY(name, to_name(*name_v, join(path, "name")));
    node.name = std::move(name);
    NET_TRY(type_v, required(*obj, path, "type"));
    NET_TRY(type, to_string_value(*type_v, join(path, "type")));
    if (type == "hub" || type == "switch") {
        const bool hub = type == "hub";
        if (hub)
            STRATA_TRY_CONFIG(only_keys(*obj, path, {"name", "type", "ports"}));
        else
            STRATA_TRY_CONFIG(
                only_keys(*obj, path, {"name", "type", "ports", "aging_s", "table_size"}));
        NET_TRY(ports_v, required(*obj, path, "ports"));
        NET_TRY(ports, to_uint(*ports_v, join(path, "ports"), 1, 1024));
        if (hub) {
            node.spec = HubConfig{static_cast<std::uint32_t>(ports)};
            return node;
        }
        SwitchConfig s;
        s.ports = static_cast<std::uint32_t>(ports);
        if (const json* a = member(*obj, "aging_s")) {
            NET_TRY(aging, to_uint(*a, join(path, "aging_s"), 1, 100'000'000));
            s.aging_s = aging;
        }
        if (const json* t = member(*obj, "table_size")) {
            NET_TRY(size, to_uint(*t, join(path, "table_size"), 1, 1u << 24));
            s.table_size = static_cast<std::uint32_t>(size);
        }
        node.spec = s;
    } else if (type == "router") {
        NET_TRY(r, load_router(*obj, path));
        node.spec = std::move(r);
    } else if (type == "host") {
        STRATA_TRY_CONFIG(only_keys(
            *obj, path, {"name", "type", "mac", "ip", "gateway", "mtu", "services", "run"}));
        HostConfig h;
        NET_TRY(mac_v, required(*obj, path, "mac"));
        NET_TRY(mac, to_mac(*mac_v, join(path, "mac")));
        if (!mac.is_unicast())
            return error_at(join(path, "mac"),
                            to_string(mac) + " is a group address, not a host's");
        h.mac = mac;
        NET_TRY(ip_v, required(*obj, path, "ip"));
        NET_TRY(ip, to_prefix(*ip_v, join(path, "ip")));
        if (ip.address().is_unspecified() || ip.address().is_multicast() ||
            ip.address().is_broadcast())
            return error_at(join(path, "ip"), to_string(ip) + " is not a host address");
        h.ip = ip;
        if (const json* g = member(*obj, "gateway")) {
            NET_TRY(gw, to_address(*g, join(path, "gateway")));
            if (!ip.network().contains(gw) || gw == ip.address()) {
                return error_at(join(path, "gateway"), to_string(gw) +
                                                           " is not another address on " +
                                                           to_string(ip.network()));
            }
            h.gateway = gw;
        }
        if (const json* m = member(*obj, "mtu")) {
            NET_TRY(mtu, to_uint(*m, join(path, "mtu"), 68, 65535));
            h.mtu = static_cast<std::uint32_t>(mtu);
        }
        if (const json* s = member(*obj, "services")) {
            NET_TRY(services, load_services(*s, join(path, "services")));
            h.services = std::move(services);
        }
        if (const json* r = member(*obj, "run")) {
            NET_TRY(run, load_run(*r, join(path, "run")));
            h.run = std::move(run);
        }
        node.spec = std::move(h);
    } else if (type == "replay") {
        STRATA_TRY_CONFIG(
            only_keys(*obj, path, {"name", "type", "file", "start_ms", "spacing_us"}));
        ReplayConfig r;
        NET_TRY(file_v, required(*obj, path, "file"));
        NET_TRY(file, to_string_value(*file_v, join(path, "file")));
        if (file.empty() || file.find('\0') != std::string::npos)
            return error_at(join(path, "file"), "must name a pcap file");
        r.file = std::move(file);
        if (const json* s = member(*obj, "start_ms")) {
            NET_TRY(start, to_uint(*s, join(path, "start_ms"), 0, 1'000'000'000));
            r.start_ms = start;
        }
        if (const json* s = member(*obj, "spacing_us")) {
            NET_TRY(spacing, to_uint(*s, join(path, "spacing_us"), 0, 1'000'000'000));
            r.spacing_us = spacing;
        }
        node.spec = std::move(r);
    } else {
        return error_at(join(path, "type"), in_quotes(type) +
                                                " is not a node type (hub, switch, router, host, "
                                                "replay)");
    }
    return node;
}

struct EndUse {
    Endpoint end;
    std::size_t link = 0;
    char side = 'a';
};

ConfigResult<Endpoint> load_end(const TopologyConfig& topo, const json& v,
                                const std::string& path) {
    NET_TRY(s, to_string_value(v, path));
    const auto dot = s.find('.');
    if (dot == std::string::npos)
        return error_at(path, in_quotes(s) + " is not NODE.PORT (e.g. \"r1.wan\", \"sw1.3\")");
    const std::string node_name = s.substr(0, dot);
    const std::string port_name = s.substr(dot + 1);
    for (std::size_t n = 0; n < topo.nodes.size(); ++n) {
        const auto& node = topo.nodes[n];
        if (node.name != node_name) continue;
        for (std::size_t p = 0; p < node.port_count(); ++p) {
            if (node.port_name(p) == port_name) return Endpoint{n, p};
        }
        std::string have;
        switch (node.type()) {
        case NodeType::hub:
        case NodeType::switch_:
            have = "ports 1 to " + std::to_string(node.port_count());
            break;
        case NodeType::router:
            for (std::size_t p = 0; p < node.port_count(); ++p)
                have += (p == 0 ? "ports " : ", ") + node.port_name(p);
            break;
        case NodeType::host:
        case NodeType::replay:
            have = "one port, 0";
            break;
        }
        return error_at(path,
                        to_string(node.type()) + std::string(" ") + node.name + " has no port " +
                            in_quotes(port_name) + " (" + have + ")",
                        ConfigErrc::not_found);
    }
    return error_at(path, "no node named " + in_quotes(node_name), ConfigErrc::not_found);
}

ConfigResult<LinkConfig> load_link(const TopologyConfig& topo, std::vector<EndUse>& used,
                                   const json& v, const std::string& path, std::size_t link_index) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path,
                                {"name", "a", "b", "rate_mbps", "delay_us", "mtu", "queue_frames",
                                 "loss", "duplicate", "reorder", "corrupt"}));
    LinkConfig link;
    NET_TRY(name_v, required(*obj, path, "name"));
    NET_TRY(name, to_name(*name_v, join(path, "name")));
    link.name = std::move(name);
    for (const char* side : {"a", "b"}) {
        NET_TRY(end_v, required(*obj, path, side));
        NET_TRY(end, load_end(topo, *end_v, join(path, side)));
        for (const auto& u : used) {
            if (u.end == end) {
                return error_at(join(path, side),
                                end_v->get<std::string>() + " is already the " + u.side +
                                    " end of links[" + std::to_string(u.link) + "]",
                                ConfigErrc::duplicate);
            }
        }
        used.push_back({end, link_index, side[0]});
        (side[0] == 'a' ? link.a : link.b) = end;
    }
    if (const json* rate = member(*obj, "rate_mbps")) {
        const auto rp = join(path, "rate_mbps");
        constexpr double max_rate = 1e6; // 1 Tbit/s
        if (rate->is_object()) {
            STRATA_TRY_CONFIG(only_keys(*rate, rp, {"a_to_b", "b_to_a"}));
            NET_TRY(ab_v, required(*rate, rp, "a_to_b"));
            NET_TRY(ab, to_number(*ab_v, join(rp, "a_to_b"), 0, max_rate));
            NET_TRY(ba_v, required(*rate, rp, "b_to_a"));
            NET_TRY(ba, to_number(*ba_v, join(rp, "b_to_a"), 0, max_rate));
            link.rate_a_to_b_mbps = ab;
            link.rate_b_to_a_mbps = ba;
        } else {
            NET_TRY(r, to_number(*rate, rp, 0, max_rate));
            link.rate_a_to_b_mbps = link.rate_b_to_a_mbps = r;
        }
        if (link.rate_a_to_b_mbps < 1e-3 && link.rate_a_to_b_mbps != 0) {
            return error_at(rp, "below 0.001 Mbit/s (1 kbit/s); 0 means no serialization delay");
        }
        if (link.rate_b_to_a_mbps < 1e-3 && link.rate_b_to_a_mbps != 0) {
            return error_at(rp, "below 0.001 Mbit/s (1 kbit/s); 0 means no serialization delay");
        }
    }
    if (const json* d = member(*obj, "delay_us")) {
        NET_TRY(delay, to_uint(*d, join(path, "delay_us"), 0, 1'000'000'000));
        link.delay_us = delay;
    }
    if (const json* m = member(*obj, "mtu")) {
        NET_TRY(mtu, to_uint(*m, join(path, "mtu"), 68, 65535));
        link.mtu = static_cast<std::uint32_t>(mtu);
    }
    if (const json* q = member(*obj, "queue_frames")) {
        NET_TRY(queue, to_uint(*q, join(path, "queue_frames"), 1, 1'000'000));
        link.queue_frames = static_cast<std::uint32_t>(queue);
    }
    const std::pair<const char*, double*> impairments[] = {{"loss", &link.loss},
                                                           {"duplicate", &link.duplicate},
                                                           {"reorder", &link.reorder},
                                                           {"corrupt", &link.corrupt}};
    for (const auto& [key, field] : impairments) {
        if (const json* p = member(*obj, key)) {
            NET_TRY(prob, to_number(*p, join(path, key), 0.0, 1.0));
            *field = prob;
        }
    }
    return link;
}

ConfigResult<TopologyConfig> load_document(const json& root) {
    if (!root.is_object())
        return error_at("", "the file must hold one JSON object, got " + describe(root));
    STRATA_TRY_CONFIG(only_keys(root, "", {"schema", "seed", "until_ms", "nodes", "links"}));
    TopologyConfig topo;
    if (const json* s = member(root, "schema")) {
        if (!s->is_number_integer() || s->dump() != "1")
            return error_at("schema", "this strata-net reads schema 1, got " + describe(*s));
    }
    if (const json* s = member(root, "seed")) {
        NET_TRY(seed, to_uint(*s, "seed", 0, ~std::uint64_t{0}));
        topo.seed = seed;
    }
    if (const json* u = member(root, "until_ms")) {
        NET_TRY(until, to_uint(*u, "until_ms", 0, 1'000'000'000'000));
        topo.until_ms = until;
    }
    NET_TRY(nodes_v, required(root, "", "nodes"));
    NET_TRY(nodes, need_array(*nodes_v, "nodes"));
    for (std::size_t i = 0; i < nodes->size(); ++i) {
        const auto p = index("nodes", i);
        NET_TRY(node, load_node((*nodes)[i], p));
        for (std::size_t j = 0; j < topo.nodes.size(); ++j) {
            if (topo.nodes[j].name == node.name) {
                return error_at(join(p, "name"),
                                "duplicate node name " + in_quotes(node.name) + " (nodes[" +
                                    std::to_string(j) + "])",
                                ConfigErrc::duplicate);
            }
        }
        topo.nodes.push_back(std::move(node));
    }
    if (const json* links_v = member(root, "links")) {
        NET_TRY(links, need_array(*links_v, "links"));
        std::vector<EndUse> used;
        for (std::size_t i = 0; i < links->size(); ++i) {
            const auto p = index("links", i);
            NET_TRY(link, load_link(topo, used, (*links)[i], p, i));
            for (std::size_t j = 0; j < topo.links.size(); ++j) {
                if (topo.links[j].name == link.name) {
                    return error_at(join(p, "name"),
                                    "duplicate link name " + in_quotes(link.name) + " (links[" +
                                        std::to_string(j) + "])",
                                    ConfigErrc::duplicate);
                }
            }
            topo.links.push_back(std::move(link));
        }
    }
    return topo;
}

} // namespace

ConfigResult<TopologyConfig> load_topology(std::string_view json_text) {
    try {
        NET_TRY(doc, parse_json(json_text));
        return load_document(doc);
    } catch (const std::exception& e) {
        // Not expected (every access above is checked); a bad file must
        // still end in one line and exit status 2.
        return error_at("", std::string("unreadable topology: ") + printable(e.what()));
    }
}

ConfigResult<TopologyConfig> load_topology_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return error_at("", "cannot open the file", ConfigErrc::not_found);
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_file_bytes)
            return error_at("", "larger than " + std::to_string(max_file_bytes) + " bytes");
    }
    if (in.bad()) return error_at("", "cannot read the file");
    return load_topology(text);
}

std::string error_line(const std::string& file, const ConfigError& e) {
    return "strata-net: " + file + ": " + e.what();
}

} // namespace strata::net
