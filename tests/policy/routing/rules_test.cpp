// Policy routing rules (ip rule semantics: ascending priority, first match
// with a route wins, main table last).
#include <catch2/catch.hpp>

#include <strata/policy/routing/adaptive.hpp>
#include <strata/policy/routing/binary_trie.hpp>
#include <strata/policy/routing/linear.hpp>
#include <strata/policy/routing/poptrie.hpp>
#include <strata/policy/routing/rules.hpp>

using namespace strata;
using namespace strata::routing;

namespace {

Ipv4Prefix pfx(const char* s) { return Ipv4Prefix::parse(s).value(); }
Ipv4Address ip(const char* s) { return Ipv4Address::parse(s).value(); }

Flow flow(const char* src, const char* dst, IpProtocol proto = IpProtocol::tcp,
          std::uint16_t sport = 40000, std::uint16_t dport = 80, std::uint8_t tos = 0) {
    return Flow{ip(src), ip(dst), proto, Port{sport}, Port{dport}, tos};
}

// Rules are built field by field: g++ 12 warns (-Wmissing-field-initializers)
// on designated initializers that leave members to their defaults.
Rule rule(std::uint32_t priority, TableId table) {
    Rule r;
    r.priority = priority;
    r.table = table;
    return r;
}

constexpr TableId isp_b = 100;
constexpr TableId voip = 101;

/// Two uplinks: main's default goes to ISP A (eth1), table 100's to ISP B
/// (eth2); table 101 has only a route for the SIP provider's network.
template <class T>
void setup(Rules<T>& r) {
    REQUIRE(r.main().insert(pfx("0.0.0.0/0"), NextHop{ip("198.51.100.1"), InterfaceId{1}, 0}));
    REQUIRE(r.main().insert(pfx("192.168.1.0/24"), NextHop{{}, InterfaceId{0}, 0}));
    REQUIRE(r.table(isp_b).insert(pfx("0.0.0.0/0"), NextHop{ip("203.0.113.1"), InterfaceId{2}, 0}));
    REQUIRE(
        r.table(voip).insert(pfx("198.18.0.0/15"), NextHop{ip("203.0.113.9"), InterfaceId{3}, 0}));
}

} // namespace

TEMPLATE_TEST_CASE("rules select the table; main is the fallback", "[routing][rules]", Linear,
                   BinaryTrie, Poptrie, Adaptive) {
    Rules<TestType> r;
    setup(r);
    // Priority 10: the guest subnet 192.168.1.128/25 leaves through ISP B.
    Rule guests = rule(10, isp_b);
    guests.from = pfx("192.168.1.128/25");
    REQUIRE(r.add(guests));
    // Priority 5: UDP to ports 5060-5061 with TOS 0xb8 (EF) uses table 101.
    Rule sip_rule = rule(5, voip);
    sip_rule.protocol = IpProtocol::udp;
    sip_rule.destination_ports = {5060, 5061};
    sip_rule.tos = std::uint8_t{0xb8};
    REQUIRE(r.add(sip_rule));
    CHECK(r.rules().front().priority == 5); // kept in priority order

    // No rule matches a .20 source: main table, ISP A.
    auto d = r.lookup(flow("192.168.1.20", "8.8.8.8"));
    CHECK(d.table == main_table);
    CHECK(r.route(flow("192.168.1.20", "8.8.8.8"))->gateway == ip("198.51.100.1"));
    // A .200 source matches rule 10: ISP B.
    d = r.lookup(flow("192.168.1.200", "8.8.8.8"));
    CHECK(d.table == isp_b);
    CHECK(r.route(flow("192.168.1.200", "8.8.8.8"))->gateway == ip("203.0.113.1"));
    // Rule 10's table has only a default route, which also matches the LAN:
    // the rule wins over main's more specific /24 (tables are not merged).
    CHECK(r.route(flow("192.168.1.200", "192.168.1.5"))->gateway == ip("203.0.113.1"));

    // VoIP to the provider: rule 5 (protocol, port range, TOS all match).
    const auto sip = flow("192.168.1.200", "198.19.0.10", IpProtocol::udp, 5060, 5061, 0xb8);
    CHECK(r.lookup(sip).table == voip);
    CHECK(r.route(sip)->gateway == ip("203.0.113.9"));
    CHECK(r.route(sip)->destination == pfx("198.18.0.0/15"));
    // Each condition alone failing sends the flow on to the next rule.
    auto other = sip;
    other.protocol = IpProtocol::tcp;
    CHECK(r.lookup(other).table == isp_b);
    other = sip;
    other.destination_port = Port{5062};
    CHECK(r.lookup(other).table == isp_b);
    other = sip;
    other.tos = 0;
    CHECK(r.lookup(other).table == isp_b);
    // Rule 5 matches, but table 101 has no route to 8.8.8.8: the search
    // goes on (Linux FIB rules), here to rule 10.
    CHECK(r.lookup(flow("192.168.1.200", "8.8.8.8", IpProtocol::udp, 5060, 5060, 0xb8)).table ==
          isp_b);
    // ...and from a .20 source past every rule to main.
    CHECK(r.lookup(flow("192.168.1.20", "8.8.8.8", IpProtocol::udp, 5060, 5060, 0xb8)).table ==
          main_table);

    // Erasing a rule: .200 goes back to ISP A.
    REQUIRE(r.erase(10));
    CHECK(r.route(flow("192.168.1.200", "8.8.8.8"))->gateway == ip("198.51.100.1"));
    CHECK(r.erase(10).error().what() == "no rule with priority 10");
    CHECK(r.erase(10).error().code() == ConfigErrc::not_found);
}

TEST_CASE("no route in any table is no route", "[routing][rules]") {
    Rules<Poptrie> r;
    REQUIRE(r.table(7).insert(pfx("10.0.0.0/8"), NextHop{{}, InterfaceId{1}, 0}));
    Rule to_ten = rule(1, 7);
    to_ten.to = pfx("10.0.0.0/8");
    REQUIRE(r.add(to_ten));
    CHECK(r.route(flow("1.1.1.1", "10.2.3.4"))->interface == InterfaceId{1});
    CHECK_FALSE(r.route(flow("1.1.1.1", "11.2.3.4")));
    CHECK_FALSE(r.lookup(flow("1.1.1.1", "11.2.3.4")).match);
    CHECK(r.lookup(flow("1.1.1.1", "11.2.3.4")).table == main_table);
}

TEST_CASE("bad rules are refused with distinct errors", "[routing][rules]") {
    Rules<Poptrie> r;
    REQUIRE(r.add(rule(1, main_table)));
    auto e = r.add(rule(1, main_table));
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "rule priority 1 already used");
    CHECK(e.error().code() == ConfigErrc::duplicate);
    Rule bad = rule(2, main_table);
    bad.from = Ipv4Prefix{ip("10.0.0.1"), 8};
    e = r.add(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "rule from 10.0.0.1/8 has host bits set (the network is 10.0.0.0/8)");
    bad = rule(2, main_table);
    bad.to = Ipv4Prefix{ip("10.0.0.1"), 8};
    e = r.add(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "rule to 10.0.0.1/8 has host bits set (the network is 10.0.0.0/8)");
    bad = rule(2, main_table);
    bad.source_ports = {100, 99};
    e = r.add(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "rule source ports 100-99 are an empty range");
    e = r.add(rule(2, 42));
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "rule table 42 does not exist (create it with table(42))");
    CHECK(e.error().code() == ConfigErrc::not_found);
    CHECK(r.rules().size() == 1);
}

TEST_CASE("a plain table and Rules are both flow routing policies", "[routing][rules]") {
    static_assert(FlowRouting<Poptrie>);
    static_assert(FlowRouting<Rules<Poptrie>>);
    static_assert(!FlowRouting<int>);
    Poptrie t;
    REQUIRE(t.insert(pfx("10.0.0.0/8"), NextHop{{}, InterfaceId{4}, 0}));
    CHECK(route_flow(t, flow("1.1.1.1", "10.9.9.9"))->interface == InterfaceId{4});
    CHECK(decide(t, flow("1.1.1.1", "10.9.9.9")).match.length() == 8);
    Rules<Poptrie> r;
    REQUIRE(r.main().insert(pfx("10.0.0.0/8"), NextHop{{}, InterfaceId{5}, 0}));
    CHECK(route_flow(r, flow("1.1.1.1", "10.9.9.9"))->interface == InterfaceId{5});
    CHECK(decide(r, flow("1.1.1.1", "10.9.9.9")).table == main_table);
}
