// The topology loader against the schema (docs/strata-net.md): a good file
// loads with the defaults the schema states, and every kind of bad value is
// an error whose key path names exactly where it is.
#include <string>

#include <catch2/catch.hpp>

#include "loader.hpp"

using namespace strata;
using namespace strata::net;

namespace {

// A router with two ports, a switch, a hub, a host and two replays; every
// later case changes one thing in it.
const std::string base_nodes = R"(
  {"name": "r1", "type": "router",
   "ports": [{"name": "lan", "mac": "02:00:00:00:01:01", "ip": "10.0.0.1/24"},
             {"name": "wan", "mac": "02:00:00:00:01:02", "ip": "192.0.2.2/30", "mtu": 1400}],
   "routes": [{"prefix": "0.0.0.0/0", "via": "192.0.2.1"},
              {"prefix": "10.9.0.0/16", "port": "lan"}]},
  {"name": "sw1", "type": "switch", "ports": 4},
  {"name": "hub1", "type": "hub", "ports": 3},
  {"name": "h1", "type": "host", "mac": "02:00:00:00:02:01", "ip": "10.0.0.10/24"},
  {"name": "p1", "type": "replay", "file": "in.pcap"},
  {"name": "p2", "type": "replay", "file": "wan.pcap", "start_ms": 5, "spacing_us": 100}
)";
const std::string base_links = R"(
  {"name": "l1", "a": "p1.0", "b": "sw1.1"},
  {"name": "l2", "a": "sw1.4", "b": "r1.lan", "rate_mbps": 100, "delay_us": 50},
  {"name": "l3", "a": "r1.wan", "b": "p2.0", "rate_mbps": {"a_to_b": 1, "b_to_a": 8},
   "mtu": 1400, "queue_frames": 10, "loss": 0.5, "duplicate": 0, "reorder": 1, "corrupt": 0.25}
)";

std::string file(const std::string& nodes, const std::string& links,
                 const std::string& top = R"("schema": 1, "seed": 7, "until_ms": 100,)") {
    return "{" + top + R"("nodes": [)" + nodes + R"(], "links": [)" + links + "]}";
}

/// The error of loading `text`, as "path: message".
std::string error_of(const std::string& text) {
    auto r = load_topology(text);
    if (r) return "(loaded)";
    return r.error().what();
}

/// `text` with the first `from` replaced by `to` (the case must change something).
std::string with(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const std::string good = file(base_nodes, base_links);

} // namespace

TEST_CASE("a good file loads with the schema's defaults", "[loader]") {
    auto r = load_topology(good);
    INFO((r ? std::string() : r.error().what()));
    REQUIRE(r);
    const TopologyConfig& t = *r;
    CHECK(t.seed == 7);
    CHECK(t.until_ms == 100);
    REQUIRE(t.nodes.size() == 6);
    const auto& router = std::get<RouterConfig>(t.nodes[0].spec);
    REQUIRE(router.ports.size() == 2);
    CHECK(router.ports[0].mtu == 1500); // schema: mtu default 1500
    CHECK(router.ports[1].mtu == 1400);
    CHECK(to_string(router.ports[0].ip) == "10.0.0.1/24");
    REQUIRE(router.routes.size() == 2);
    // 192.0.2.1 lies in wan's 192.0.2.0/30, so the route leaves by wan (index 1).
    CHECK(router.routes[0].port == 1);
    CHECK(router.routes[0].metric == 0); // schema: metric default 0
    CHECK(!router.routes[1].via);        // absent via = on-link
    CHECK(router.routes[1].port == 0);
    const auto& sw = std::get<SwitchConfig>(t.nodes[1].spec);
    CHECK(sw.ports == 4);
    CHECK(sw.aging_s == 300);     // schema default
    CHECK(sw.table_size == 4096); // schema default
    CHECK(std::get<HubConfig>(t.nodes[2].spec).ports == 3);
    CHECK(std::get<HostConfig>(t.nodes[3].spec).mtu == 1500);
    const auto& p1 = std::get<ReplayConfig>(t.nodes[4].spec);
    CHECK(p1.start_ms == 0); // schema default
    CHECK(!p1.spacing_us);   // absent = the capture's own times
    CHECK(std::get<ReplayConfig>(t.nodes[5].spec).spacing_us == 100u);
    REQUIRE(t.links.size() == 3);
    // sw1.4 is the switch's fourth port: PortId 3.
    CHECK(t.links[1].a == Endpoint{1, 3});
    CHECK(t.links[1].b == Endpoint{0, 0});
    CHECK(t.links[0].mtu == 1500);
    CHECK(t.links[0].queue_frames == 100);
    CHECK(t.links[0].rate_a_to_b_mbps == 0);
    CHECK(t.links[1].rate_a_to_b_mbps == 100);
    CHECK(t.links[1].rate_b_to_a_mbps == 100);
    CHECK(t.links[1].delay_us == 50);
    CHECK(t.links[2].rate_a_to_b_mbps == 1);
    CHECK(t.links[2].rate_b_to_a_mbps == 8);
    CHECK(t.links[2].loss == 0.5);
    CHECK(t.links[2].corrupt == 0.25);
}

TEST_CASE("top-level defaults: seed 1, no links", "[loader]") {
    auto r = load_topology(R"({"nodes": [{"name": "h", "type": "hub", "ports": 2}]})");
    REQUIRE(r);
    CHECK(r->seed == 1);
    CHECK(r->until_ms == 60000);
    CHECK(r->links.empty());
}

TEST_CASE("nat and filter load into values", "[loader]") {
    const auto text = with(good, R"("routes": [)", R"(
        "nat": {"inside": ["lan"], "outside": "wan", "ports": [20000, 59999],
                "forwards": [{"proto": "tcp", "public_port": 8080, "to": "10.0.0.5:80"}]},
        "filter": {"default": "drop", "stateful": true, "rules": [
            {"in": "wan", "out": "lan", "src": "0.0.0.0/0", "dst": "10.0.0.5/32", "proto": "tcp",
             "sport": [0, 65535], "dport": [80, 80], "tcp_flags": "syn,!ack",
             "src_mac": "02:00:00:00:00:01", "action": "accept"},
            {"proto": "icmp", "icmp_type": 8, "action": "reject"},
            {"proto": 47, "action": "drop"}]},
        "routes": [)");
    auto r = load_topology(text);
    INFO((r ? std::string() : r.error().what()));
    REQUIRE(r);
    const auto& router = std::get<RouterConfig>(r->nodes[0].spec);
    REQUIRE(router.nat);
    CHECK(router.nat->outside == 1);
    CHECK(router.nat->public_ip ==
          Ipv4Address(192, 0, 2, 2)); // default: the outside port's address
    CHECK(router.nat->port_lo == 20000);
    CHECK(router.nat->port_hi == 59999);
    REQUIRE(router.nat->forwards.size() == 1);
    CHECK(router.nat->forwards[0].to_port == 80);
    REQUIRE(router.filter);
    CHECK(router.filter->default_action == FilterAction::drop);
    CHECK(router.filter->stateful);
    REQUIRE(router.filter->rules.size() == 3);
    const auto& rule = router.filter->rules[0];
    // "syn,!ack": SYN (0x02) and ACK (0x10) examined, SYN set (RFC 9293 §3.1 bit order).
    CHECK(rule.tcp_mask == 0x12);
    CHECK(rule.tcp_value == 0x02);
    CHECK(rule.in == std::size_t{1});
    CHECK(rule.dport == std::pair<std::uint16_t, std::uint16_t>{80, 80});
    CHECK(router.filter->rules[1].icmp_type == std::uint8_t{8});
    CHECK(router.filter->rules[2].proto == std::uint8_t{47});
}

TEST_CASE("bad files name the key path", "[loader]") {
    struct Case {
        std::string text;
        std::string expected; // the start of "path: message"
    };
    const Case cases[] = {
        // file level
        {"{\"nodes\": [", "malformed JSON at byte 12"},
        {"[1]", "the file must hold one JSON object"},
        {file(base_nodes, base_links, R"("colour": 1,)"), "colour: unknown key \"colour\""},
        {file(base_nodes, base_links, R"("schema": 2,)"), "schema: this strata-net reads schema 1"},
        {file(base_nodes, base_links, R"("seed": -1,)"), "seed: must be an integer from 0"},
        {file(base_nodes, base_links, R"("seed": 1e400,)"), "malformed JSON: number overflow"},
        {file(base_nodes, base_links, R"("until_ms": 99999999999999999999999,)"),
         "until_ms: must be an integer from 0 to 1000000000000, got 9.99"},
        {R"({"links": []})", "nodes: required key missing"},
        {R"({"nodes": {}})", "nodes: must be an array, got an object"},
        {std::string(100, '[') + std::string(100, ']'), "malformed JSON at byte 33: nested deeper"},
        {file(base_nodes, base_links, R"("seed": 1, "seed": 2,)"), "seed: key given twice"},
        // nodes
        {with(good, R"("name": "sw1")", R"("name": "r1")"), "nodes[1].name: duplicate node name"},
        {with(good, R"("name": "sw1")", R"("name": "s w")"),
         "nodes[1].name: \"s w\" is not a name"},
        {with(good, R"("type": "hub")", R"("type": "bridge")"),
         "nodes[2].type: \"bridge\" is not a node type"},
        {with(good, R"("ports": 4)", R"("ports": 4, "vlan": 2)"),
         "nodes[1].vlan: unknown key \"vlan\""},
        {with(good, R"("ports": 4)", R"("ports": "4")"),
         "nodes[1].ports: must be an integer from 1 to 1024, got \"4\""},
        {with(good, R"("ports": 3)", R"("ports": 0)"), "nodes[2].ports: must be an integer from 1"},
        {with(good, R"("ports": 4)", R"("ports": 4, "aging_s": 2.5)"),
         "nodes[1].aging_s: must be an integer"},
        {with(good, R"("file": "in.pcap")", R"("file": "in.pcap", "spacing_us": -5)"),
         "nodes[4].spacing_us: must be an integer from 0"},
        {with(good, R"("file": "in.pcap")", R"("start_ms": 1)"),
         "nodes[4].file: required key missing"},
        {with(good, R"("ip": "10.0.0.10/24")", R"("ip": "10.0.0.10/24", "gateway": "10.1.0.1")"),
         "nodes[3].gateway: 10.1.0.1 is not another address on 10.0.0.0/24"},
        // router ports
        {with(good, R"("ip": "10.0.0.1/24")", R"("ip": "10.0.0.1/33")"),
         "nodes[0].ports[0].ip: \"10.0.0.1/33\" is not an IPv4 prefix"},
        {with(good, R"("ip": "10.0.0.1/24")", R"("ip": "10.0.0.0/24")"),
         "nodes[0].ports[0].ip: 10.0.0.0/24 is not a host address"},
        {with(good, R"("mac": "02:00:00:00:01:01")", R"("mac": "02:00:00:00:01")"),
         "nodes[0].ports[0].mac: \"02:00:00:00:01\" is not a MAC address"},
        {with(good, R"("name": "wan")", R"("name": "lan")"),
         "nodes[0].ports[1].name: duplicate port name \"lan\""},
        {with(good, R"("mtu": 1400}])", R"("mtu": 40}])"),
         "nodes[0].ports[1].mtu: must be an integer from 68"},
        // routes
        {with(
             good, R"("prefix": "0.0.0.0/0", "via": "192.0.2.1")",
             R"("prefix": "0.0.0.0/0", "via": "192.0.2.1"}, {"prefix": "10.8.0.0/16", "via": "10.9.9.1")"),
         "nodes[0].routes[1].via: 10.9.9.1 is not on any port's network"},
        {with(good, R"("prefix": "10.9.0.0/16")", R"("prefix": "10.9.0.1/16")"),
         "nodes[0].routes[1].prefix: 10.9.0.1/16 has host bits set (did you mean 10.9.0.0/16?)"},
        {with(good, R"("port": "lan"})", R"("port": "dmz"})"),
         "nodes[0].routes[1].port: router has no port \"dmz\" (ports: lan, wan)"},
        {with(good, R"("port": "lan"})", R"("metric": 1})"),
         "nodes[0].routes[1]: a route needs \"via\" or \"port\""},
        {with(good, R"("port": "lan"})", R"("port": "lan", "via": "192.0.2.1"})"),
         "nodes[0].routes[1].via: 192.0.2.1 is not on port lan's network 10.0.0.0/24"},
        {with(good, R"("prefix": "10.9.0.0/16")", R"("prefix": "0.0.0.0/0")"),
         "nodes[0].routes[1].prefix: route 0.0.0.0/0 metric 0 already present (routes[0])"},
        {with(good, R"("prefix": "10.9.0.0/16")", R"("prefix": "10.0.0.0/24")"),
         "nodes[0].routes[1].prefix: route 10.0.0.0/24 metric 0 is port lan's connected network"},
        {with(good, R"("ip": "192.0.2.2/30")", R"("ip": "10.0.0.1/30")"),
         "nodes[0].ports[1].ip: 10.0.0.1 is already port lan's"},
        {with(good, R"("via": "192.0.2.1")", R"("via": "192.0.2.2")"),
         "nodes[0].routes[0].via: 192.0.2.2 is this router's own address"},
        {with(good, R"("port": "lan"})", R"("port": "lan", "gw": "10.0.0.9"})"),
         "nodes[0].routes[1].gw: unknown key \"gw\""},
        // nat
        {with(good, R"("routes": [)",
              R"("nat": {"inside": ["lan", "dmz"], "outside": "wan"}, "routes": [)"),
         "nodes[0].nat.inside[1]: router has no port \"dmz\""},
        {with(good, R"("routes": [)",
              R"("nat": {"inside": ["lan"], "outside": "lan"}, "routes": [)"),
         "nodes[0].nat.inside[0]: lan is the outside port"},
        {with(
             good, R"("routes": [)",
             R"("nat": {"inside": ["lan"], "outside": "wan", "ports": [60000, 1024]}, "routes": [)"),
         "nodes[0].nat.ports: range [60000, 1024] has lo > hi"},
        {with(
             good, R"("routes": [)",
             R"("nat": {"inside": ["lan"], "outside": "wan", "forwards": [{"proto": "tcp", "public_port": 80, "to": "10.0.0.5"}]}, "routes": [)"),
         "nodes[0].nat.forwards[0].to: \"10.0.0.5\" is not A.B.C.D:PORT"},
        {with(
             good, R"("routes": [)",
             R"("nat": {"inside": ["lan"], "outside": "wan", "forwards": [{"proto": "icmp", "public_port": 80, "to": "10.0.0.5:80"}]}, "routes": [)"),
         "nodes[0].nat.forwards[0].proto: must be \"tcp\" or \"udp\""},
        // filter
        {with(good, R"("routes": [)", R"("filter": {"default": "allow"}, "routes": [)"),
         "nodes[0].filter.default: must be \"accept\", \"drop\" or \"reject\", got \"allow\""},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"in": "dmz", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].in: router has no port \"dmz\""},
        {with(
             good, R"("routes": [)",
             R"("filter": {"rules": [{"proto": "tcp", "dport": [443, 80], "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].dport: range [443, 80] has lo > hi"},
        {with(
             good, R"("routes": [)",
             R"("filter": {"rules": [{"proto": "tcp", "tcp_flags": "syn,!ak", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].tcp_flags: \"syn,!ak\": unknown flag \"ak\""},
        {with(
             good, R"("routes": [)",
             R"("filter": {"rules": [{"proto": "udp", "tcp_flags": "syn", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].tcp_flags: needs \"proto\": \"tcp\""},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"proto": "gre", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].proto: must be \"tcp\", \"udp\", \"icmp\" or a number 0-255"},
        {with(
             good, R"("routes": [)",
             R"("filter": {"rules": [{"proto": "icmp", "icmp_type": 256, "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].icmp_type: must be an integer from 0 to 255, got 256"},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"src_mac": "zz", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].src_mac: \"zz\" is not a MAC address"},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"src": "10.0.0.0/8"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].action: required key missing"},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"dst": "10.0.0.1/8", "action": "drop"}]}, "routes": [)"),
         "nodes[0].filter.rules[0].dst: 10.0.0.1/8 has host bits set"},
        {with(good, R"("routes": [)",
              R"("filter": {"rules": [{"action": "drop", "port": 1}]}, "routes": [)"),
         "nodes[0].filter.rules[0].port: unknown key \"port\""},
        // links
        {with(good, R"("b": "sw1.1")", R"("b": "sw1.5")"),
         "links[0].b: switch sw1 has no port \"5\" (ports 1 to 4)"},
        {with(good, R"("b": "sw1.1")", R"("b": "sw1.0")"),
         "links[0].b: switch sw1 has no port \"0\""},
        {with(good, R"("b": "r1.lan")", R"("b": "r1.dmz")"),
         "links[1].b: router r1 has no port \"dmz\" (ports lan, wan)"},
        {with(good, R"("a": "p1.0")", R"("a": "p1.1")"), "links[0].a: replay p1 has no port \"1\""},
        {with(good, R"("b": "sw1.1")", R"("b": "x9.1")"), "links[0].b: no node named \"x9\""},
        {with(good, R"("b": "sw1.1")", R"("b": "sw1")"), "links[0].b: \"sw1\" is not NODE.PORT"},
        {with(good, R"("a": "sw1.4")", R"("a": "p1.0")"),
         "links[1].a: p1.0 is already the a end of links[0]"},
        {with(good, R"("a": "p1.0", "b": "sw1.1")", R"("a": "p1.0", "b": "p1.0")"),
         "links[0].b: p1.0 is already the a end of links[0]"},
        {with(good, R"("name": "l2")", R"("name": "l1")"),
         "links[1].name: duplicate link name \"l1\""},
        {with(good, R"("loss": 0.5)", R"("loss": 1.5)"),
         "links[2].loss: must be a number from 0 to 1, got 1.5"},
        {with(good, R"("corrupt": 0.25)", R"("corrupt": -0.1)"),
         "links[2].corrupt: must be a number from 0"},
        {with(good, R"("b_to_a": 8)", R"("b_to_a": "8")"),
         "links[2].rate_mbps.b_to_a: must be a number"},
        {with(good, R"("b_to_a": 8)", R"("ba": 8)"), "links[2].rate_mbps.ba: unknown key \"ba\""},
        {with(good, R"("queue_frames": 10)", R"("queue_frames": 0)"),
         "links[2].queue_frames: must be an integer from 1"},
        {with(good, R"("delay_us": 50)", R"("delay_us": 50, "jitter_us": 5)"),
         "links[1].jitter_us: unknown key \"jitter_us\""},
        {with(good, R"("name": "l1", )", ""), "links[0].name: required key missing"},
    };
    for (const auto& c : cases) {
        const std::string got = error_of(c.text);
        INFO("expected: " << c.expected << "\n     got: " << got);
        CHECK(got.rfind(c.expected, 0) == 0);
        CHECK(got.find('\n') == std::string::npos);
    }
    CHECK(std::size(cases) >= 25);
}

TEST_CASE("the printed line names the file", "[loader]") {
    auto r = load_topology(with(good, R"("b": "sw1.1")", R"("b": "x9.1")"));
    REQUIRE(!r);
    CHECK(error_line("t.json", r.error()) ==
          "strata-net: t.json: links[0].b: no node named \"x9\"");
}

TEST_CASE("hostile bytes end in an error, never a crash", "[loader]") {
    // Control bytes inside a key are escaped: the message stays one line.
    CHECK(error_of("{\"a\\nb\": 1, \"nodes\": []}") ==
          "a\\x0ab: unknown key \"a\\x0ab\" (known here: schema, seed, until_ms, nodes, links)");
    CHECK(error_of("").rfind("malformed JSON at byte 1", 0) == 0);
    CHECK(error_of("{\"nodes\": [\"\xff\"]}").rfind("malformed JSON", 0) == 0);
    CHECK(error_of(std::string(5000, '{')).rfind("malformed JSON at byte 33", 0) == 0);
    CHECK(error_of(R"({"nodes": [], "seed": 18446744073709551616})")
              .rfind("seed: must be an integer", 0) == 0);
}

// ------------------------------------------------------------------ hosts
// "services" and "run" (docs/strata-net.md "Hosts", an extension of schema 1).

namespace {
const std::string h1 = R"("ip": "10.0.0.10/24"})";
std::string host_with(const std::string& extra) {
    return with(good, h1, R"("ip": "10.0.0.10/24", )" + extra + "}");
}
} // namespace

TEST_CASE("a host's services and run steps load with their defaults", "[loader]") {
    auto r = load_topology(host_with(
        R"("services": {"echo": true, "discard": false,
                        "http": {"files": {"/index.html": "<html>hi</html>", "/a/b.txt": "b"},
                                 "root": "www"}},
           "run": [{"ping": "10.0.0.1"},
                   {"fetch": "http://192.0.2.9:8080/x/y.html?q=1", "at_ms": 250},
                   {"fetch": "http://192.0.2.9"},
                   {"udp_echo": "192.0.2.9:7", "count": 5, "size": 100},
                   {"tcp_send": "192.0.2.9:9", "bytes": 1000000},
                   {"ping": "192.0.2.9", "count": 2, "size": 0}])"));
    INFO((r ? "" : r.error().what()));
    REQUIRE(r);
    const auto& h = std::get<HostConfig>(r->nodes[3].spec);
    CHECK(h.services.echo);
    CHECK_FALSE(h.services.discard);
    REQUIRE(h.services.http);
    REQUIRE(h.services.http->files.size() == 2);
    CHECK(h.services.http->root == "www");
    REQUIRE(h.run.size() == 6);
    // ping: 3 requests of 56 data bytes by default (ping(8)'s defaults but -c).
    CHECK(h.run[0].kind == StepKind::ping);
    CHECK(h.run[0].addr == Ipv4Address(10, 0, 0, 1));
    CHECK(h.run[0].count == 3);
    CHECK(h.run[0].size == 56);
    CHECK_FALSE(h.run[0].at_ms);
    CHECK(h.run[1].kind == StepKind::fetch);
    CHECK(h.run[1].addr == Ipv4Address(192, 0, 2, 9));
    CHECK(h.run[1].port == 8080);
    CHECK(h.run[1].path == "/x/y.html?q=1");
    CHECK(h.run[1].at_ms == 250u);
    CHECK(h.run[2].port == 80); // RFC 9110 §4.2.1: http's default port
    CHECK(h.run[2].path == "/");
    CHECK(h.run[3].kind == StepKind::udp_echo);
    CHECK(h.run[3].port == 7);
    CHECK(h.run[3].count == 5);
    CHECK(h.run[3].size == 100);
    CHECK(h.run[4].kind == StepKind::tcp_send);
    CHECK(h.run[4].bytes == 1000000u);
    CHECK(h.run[5].count == 2);
    CHECK(h.run[5].size == 0);
    // Without the new keys a host is what schema 1 said: nothing runs.
    auto plain = load_topology(good);
    REQUIRE(plain);
    const auto& p = std::get<HostConfig>(plain->nodes[3].spec);
    CHECK_FALSE(p.services.echo);
    CHECK_FALSE(p.services.http);
    CHECK(p.run.empty());
}

TEST_CASE("bad services and run steps name their key path", "[loader]") {
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {host_with(R"("services": [])"), "nodes[3].services: must be an object"},
        {host_with(R"("services": {"ftp": true})"), "nodes[3].services.ftp: unknown key \"ftp\""},
        {host_with(R"("services": {"echo": 1})"), "nodes[3].services.echo: must be true or false"},
        {host_with(R"("services": {"http": {}})"),
         "nodes[3].services.http: serves nothing: give \"files\" or \"root\""},
        {host_with(R"("services": {"http": {"files": {"index.html": "x"}}})"),
         "nodes[3].services.http.files.index.html: \"index.html\" is not a path starting with /"},
        {host_with(R"("services": {"http": {"files": {"/a/../b": "x"}}})"),
         "nodes[3].services.http.files./a/../b: \"/a/../b\" is not a path a server can serve"},
        {host_with(R"("services": {"http": {"files": {"/a": 5}}})"),
         "nodes[3].services.http.files./a: must be a string"},
        {host_with(R"("services": {"http": {"root": ""}})"),
         "nodes[3].services.http.root: must name a folder"},
        {host_with(R"("run": {})"), "nodes[3].run: must be an array"},
        {host_with(R"("run": [{"at_ms": 5}])"),
         "nodes[3].run[0]: names no action (\"ping\", \"fetch\", \"udp_echo\" or \"tcp_send\")"},
        {host_with(R"("run": [{"ping": "10.0.0.1", "fetch": "http://10.0.0.1/"}])"),
         "nodes[3].run[0]: has both \"ping\" and \"fetch\": one action per step"},
        {host_with(R"("run": [{"ping": "10.0.0.1"}, {"ping": "10.0.0.256"}])"),
         "nodes[3].run[1].ping: \"10.0.0.256\" is not an IPv4 address"},
        {host_with(R"("run": [{"ping": "10.0.0.1", "count": 0}])"),
         "nodes[3].run[0].count: must be an integer from 1"},
        {host_with(R"("run": [{"ping": "10.0.0.1", "bytes": 10}])"),
         "nodes[3].run[0].bytes: unknown key \"bytes\""},
        {host_with(R"("run": [{"fetch": "https://10.0.0.1/"}])"),
         "nodes[3].run[0].fetch: \"https://10.0.0.1/\" is not http://A.B.C.D[:PORT]/PATH"},
        {host_with(R"("run": [{"fetch": "http://10.0.0.1:0/"}])"),
         "nodes[3].run[0].fetch: \"http://10.0.0.1:0/\" is not http://"},
        {host_with(R"("run": [{"fetch": "http://example.com/"}])"),
         "nodes[3].run[0].fetch: \"http://example.com/\" is not http://"},
        {host_with(R"("run": [{"fetch": "http://10.0.0.1/a b"}])"),
         "nodes[3].run[0].fetch: \"http://10.0.0.1/a b\": the path has a space"},
        {host_with(R"("run": [{"udp_echo": "10.0.0.1"}])"),
         "nodes[3].run[0].udp_echo: \"10.0.0.1\" is not A.B.C.D:PORT"},
        {host_with(R"("run": [{"udp_echo": "10.0.0.1:70000"}])"),
         "nodes[3].run[0].udp_echo: \"10.0.0.1:70000\": port must be 1"},
        {host_with(R"("run": [{"udp_echo": "10.0.0.1:7", "size": 0}])"),
         "nodes[3].run[0].size: must be an integer from 1 to 65507"},
        {host_with(R"("run": [{"tcp_send": "10.0.0.1:9", "count": 2}])"),
         "nodes[3].run[0].count: unknown key \"count\""},
        {host_with(R"("run": [{"tcp_send": "10.0.0.1:9", "bytes": -1}])"),
         "nodes[3].run[0].bytes: must be an integer from 0"},
        {host_with(R"("run": [{"ping": "10.0.0.1", "at_ms": "soon"}])"),
         "nodes[3].run[0].at_ms: must be an integer"},
    };
    for (const auto& c : cases) {
        const std::string got = error_of(c.text);
        INFO("expected: " << c.expected << "\n     got: " << got);
        CHECK(got.rfind(c.expected, 0) == 0);
        CHECK(got.find('\n') == std::string::npos);
    }
}
