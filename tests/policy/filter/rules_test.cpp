// filter::Rules: first match wins, every key, port range edges, TCP flags
// as mask/value, ICMP type, the default action, counters, and the errors of
// bad rules. Expected verdicts come from the rule semantics written in each
// test (rule.hpp's header comment), not from running the code.
#include <catch2/catch.hpp>

#include <strata/policy/filter/rules.hpp>
#include <strata/policy/filter/tcp_flags_parse.hpp>

using namespace strata;
using namespace strata::filter;

namespace {

Ipv4Prefix pfx(const char* s) { return *Ipv4Prefix::parse(s); }
Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }

Packet tcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
           std::uint8_t flags = tcp_flag::ack) {
    Packet p;
    p.src = ip(src);
    p.dst = ip(dst);
    p.protocol = proto_tcp;
    p.has_transport = true;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = flags;
    return p;
}

Rules make(std::vector<Rule> rules, Action def = Action::accept) {
    auto r = Rules::build(std::move(rules), def);
    REQUIRE(r.has_value());
    return std::move(*r);
}

} // namespace

TEST_CASE("the first matching rule decides, not a later more specific one", "[filter]") {
    auto rules = make({
        Rule{.action = Action::drop, .dst = pfx("10.0.0.0/8")},
        Rule{.action = Action::accept, .dst = pfx("10.1.2.3/32")},
        Rule{.action = Action::reject, .proto = proto_tcp},
    });
    // 10.1.2.3 is inside rule 0's 10/8: rule 0 wins although rule 1 is a /32.
    auto v = rules.check(tcp("192.0.2.1", 1000, "10.1.2.3", 80), {});
    CHECK(v.action == Action::drop);
    CHECK(v.rule == 0);
    // Outside 10/8, TCP: rule 2.
    v = rules.check(tcp("192.0.2.1", 1000, "192.0.2.9", 80), {});
    CHECK(v.action == Action::reject);
    CHECK(v.rule == 2);
}

TEST_CASE("no match gives the default action and counts it", "[filter]") {
    auto rules = make({Rule{.action = Action::accept, .proto = proto_udp}}, Action::drop);
    const auto v = rules.check(tcp("1.1.1.1", 1, "2.2.2.2", 2), {});
    CHECK(v.action == Action::drop);
    CHECK(v.rule == Verdict::default_rule);
    CHECK(rules.default_hits() == 1);
    CHECK(rules.hits(0) == 0);
    // An empty list: the default only.
    auto none = make({}, Action::reject);
    CHECK(none.check(tcp("1.1.1.1", 1, "2.2.2.2", 2), {}).action == Action::reject);
    // Rules{} is accept-all (Linux's default chain policy).
    Rules dflt;
    CHECK(dflt.check(tcp("1.1.1.1", 1, "2.2.2.2", 2), {}).action == Action::accept);
}

TEST_CASE("each key matches alone", "[filter]") {
    const Packet base = [] {
        Packet p = tcp("10.0.0.5", 40000, "203.0.113.10", 443);
        p.in = PortId{1};
        p.out = PortId{2};
        p.src_mac = MacAddress{0x02, 0, 0, 0, 0, 0x01};
        return p;
    }();
    struct Case {
        const char* name;
        Rule hit;  // matches base
        Rule miss; // differs in that key only
    };
    const Case cases[] = {
        {"in", Rule{.in = PortId{1}}, Rule{.in = PortId{0}}},
        {"out", Rule{.out = PortId{2}}, Rule{.out = PortId{1}}},
        {"src_mac", Rule{.src_mac = MacAddress{0x02, 0, 0, 0, 0, 0x01}},
         Rule{.src_mac = MacAddress{0x02, 0, 0, 0, 0, 0x02}}},
        {"src", Rule{.src = pfx("10.0.0.0/24")}, Rule{.src = pfx("10.0.1.0/24")}},
        {"dst", Rule{.dst = pfx("203.0.113.10/32")}, Rule{.dst = pfx("203.0.113.11/32")}},
        {"proto", Rule{.proto = proto_tcp}, Rule{.proto = proto_udp}},
        {"sport", Rule{.sport = PortRange{40000, 40000}}, Rule{.sport = PortRange{40001, 65535}}},
        {"dport", Rule{.dport = PortRange{443, 443}}, Rule{.dport = PortRange{80, 80}}},
        {"tcp_flags", Rule{.tcp_flags = TcpFlags{tcp_flag::ack, tcp_flag::ack}},
         Rule{.tcp_flags = TcpFlags{tcp_flag::syn, tcp_flag::syn}}},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = make({c.miss, c.hit});
        CHECK(r.check(base, {}).rule == 1);
        auto m = make({c.miss}, Action::drop);
        CHECK(m.check(base, {}).rule == Verdict::default_rule);
    }
}

TEST_CASE("port ranges include both ends and nothing outside", "[filter]") {
    auto rules =
        make({Rule{.action = Action::accept, .dport = PortRange{1024, 2047}}}, Action::drop);
    CHECK(rules.check(tcp("1.1.1.1", 5, "2.2.2.2", 1023), {}).rule == Verdict::default_rule);
    CHECK(rules.check(tcp("1.1.1.1", 5, "2.2.2.2", 1024), {}).rule == 0);
    CHECK(rules.check(tcp("1.1.1.1", 5, "2.2.2.2", 2047), {}).rule == 0);
    CHECK(rules.check(tcp("1.1.1.1", 5, "2.2.2.2", 2048), {}).rule == Verdict::default_rule);
    // 0 and 65535 are ports like the others.
    auto edges = make({Rule{.sport = PortRange{0, 0}}, Rule{.sport = PortRange{65535, 65535}}},
                      Action::drop);
    CHECK(edges.check(tcp("1.1.1.1", 0, "2.2.2.2", 1), {}).rule == 0);
    CHECK(edges.check(tcp("1.1.1.1", 65535, "2.2.2.2", 1), {}).rule == 1);
    CHECK(edges.check(tcp("1.1.1.1", 1, "2.2.2.2", 1), {}).rule == Verdict::default_rule);
}

TEST_CASE("a port key matches only TCP/UDP packets that carry their ports", "[filter]") {
    auto rules = make({Rule{.dport = PortRange{0, 65535}}}, Action::drop);
    Packet p = tcp("1.1.1.1", 5, "2.2.2.2", 80);
    CHECK(rules.check(p, {}).rule == 0);
    p.has_transport = false; // a non-first fragment (RFC 791): no ports to compare
    CHECK(rules.check(p, {}).rule == Verdict::default_rule);
    p.has_transport = true;
    p.protocol = proto_icmp; // echo: sport/dport hold the identifier, not ports
    CHECK(rules.check(p, {}).rule == Verdict::default_rule);
    p.protocol = proto_udp;
    CHECK(rules.check(p, {}).rule == 0);
}

TEST_CASE("TCP flags as mask/value: the SYN leaving a server", "[filter]") {
    // A server (203.0.113.10) answers connections but never opens one: a
    // segment from it with SYN set and ACK clear is an outgoing connection
    // attempt and is dropped. SYN+ACK (its answers) and plain ACKs pass.
    // mask = SYN|ACK = 0x12, value = SYN = 0x02 (RFC 9293 §3.1 bit order).
    const auto flags = parse_tcp_flags("syn,!ack");
    REQUIRE(flags.has_value());
    CHECK(flags->mask == 0x12);
    CHECK(flags->value == 0x02);
    auto rules = make({Rule{.action = Action::drop,
                            .src = pfx("203.0.113.10/32"),
                            .proto = proto_tcp,
                            .tcp_flags = *flags}},
                      Action::accept);
    CHECK(rules.check(tcp("203.0.113.10", 40000, "198.51.100.1", 80, 0x02), {}).action ==
          Action::drop); // SYN
    CHECK(rules.check(tcp("203.0.113.10", 80, "198.51.100.1", 40000, 0x12), {}).action ==
          Action::accept); // SYN+ACK
    CHECK(rules.check(tcp("203.0.113.10", 80, "198.51.100.1", 40000, 0x10), {}).action ==
          Action::accept); // ACK
    CHECK(rules.check(tcp("203.0.113.10", 40000, "198.51.100.1", 80, 0x0a), {}).action ==
          Action::drop); // SYN+PSH: PSH is outside the mask
}

TEST_CASE("parse_tcp_flags refuses unknown names", "[filter]") {
    CHECK(parse_tcp_flags("fin,SYN,rst,psh,ack,urg,ece,cwr")->value == 0xff);
    CHECK(parse_tcp_flags("!fin, !rst")->mask == 0x05);
    CHECK(parse_tcp_flags("!fin, !rst")->value == 0);
    const auto bad = parse_tcp_flags("syn,!ak");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message().find("\"ak\"") != std::string::npos);
    CHECK_FALSE(parse_tcp_flags("").has_value());
    CHECK_FALSE(parse_tcp_flags("syn,").has_value());
    CHECK(parse_tcp_flags("syn,!syn").error().code() == ConfigErrc::duplicate);
}

TEST_CASE("ICMP type and code", "[filter]") {
    auto rules = make({Rule{.action = Action::accept, .icmp_type = 8},
                       Rule{.action = Action::reject, .icmp_type = 3, .icmp_code = 4}},
                      Action::drop);
    Packet p;
    p.protocol = proto_icmp;
    p.has_transport = true;
    p.icmp_type = 8; // echo request (RFC 792)
    CHECK(rules.check(p, {}).rule == 0);
    p.icmp_type = 0; // echo reply
    CHECK(rules.check(p, {}).rule == Verdict::default_rule);
    p.icmp_type = 3;
    p.icmp_code = 4; // fragmentation needed
    CHECK(rules.check(p, {}).rule == 1);
    p.icmp_code = 3;
    CHECK(rules.check(p, {}).rule == Verdict::default_rule);
    p.icmp_type = 8;
    p.protocol = proto_udp; // the same byte in a UDP packet is no ICMP type
    CHECK(rules.check(p, {}).rule == Verdict::default_rule);
}

TEST_CASE("hits are counted per rule", "[filter]") {
    auto rules =
        make({Rule{.dport = PortRange{80, 80}}, Rule{.dport = PortRange{443, 443}}}, Action::drop);
    for (int i = 0; i < 3; ++i)
        (void)rules.check(tcp("1.1.1.1", 1, "2.2.2.2", 80), {});
    (void)rules.check(tcp("1.1.1.1", 1, "2.2.2.2", 443), {});
    (void)rules.check(tcp("1.1.1.1", 1, "2.2.2.2", 22), {});
    (void)rules.check(tcp("1.1.1.1", 1, "2.2.2.2", 22), {});
    CHECK(rules.hits(0) == 3);
    CHECK(rules.hits(1) == 1);
    CHECK(rules.default_hits() == 2);
    // first_match counts nothing.
    CHECK(rules.first_match(tcp("1.1.1.1", 1, "2.2.2.2", 80)) == 0);
    CHECK(rules.hits(0) == 3);
}

TEST_CASE("bad rules are refused with the rule index and key", "[filter]") {
    auto err = [](Rule bad) {
        auto r = Rules::build({Rule{}, Rule{}, Rule{}, bad});
        REQUIRE_FALSE(r.has_value());
        return r.error();
    };
    CHECK(err(Rule{.sport = PortRange{2000, 1000}}).what() ==
          "filter.rules[3].sport: port range 2000-1000 is reversed (first above last)");
    CHECK(err(Rule{.dport = PortRange{9, 8}}).path() == "filter.rules[3].dport");
    CHECK(err(Rule{.src = Ipv4Prefix{ip("10.1.2.3"), 8}}).what() ==
          "filter.rules[3].src: prefix 10.1.2.3/8 has host bits set (did you mean 10.0.0.0/8?)");
    CHECK(err(Rule{.dst = Ipv4Prefix{ip("10.1.2.3"), 8}}).path() == "filter.rules[3].dst");
    CHECK(err(Rule{.proto = proto_icmp, .dport = PortRange{}}).path() == "filter.rules[3].proto");
    CHECK(err(Rule{.tcp_flags = TcpFlags{0x02, 0x12}}).path() == "filter.rules[3].tcp_flags");
    CHECK(err(Rule{.proto = proto_udp, .tcp_flags = TcpFlags{0x02, 0x02}}).path() ==
          "filter.rules[3].tcp_flags");
    CHECK(err(Rule{.proto = proto_tcp, .icmp_type = 8}).path() == "filter.rules[3].icmp_type");
    CHECK(err(Rule{.icmp_code = 1}).path() == "filter.rules[3].icmp_code");
    // A loader adds the node: "nodes[2].filter.rules[3].icmp_code".
    auto e = err(Rule{.icmp_code = 1});
    e.at("nodes[2]");
    CHECK(e.path() == "nodes[2].filter.rules[3].icmp_code");
}
