// The classifier against the definition: on random ClassBench-style rule
// sets (fixed seeds) the bit-vector lookup must give the same first match
// as trying every rule in order (linear_first_match, which applies
// rule.hpp's matches() rule by rule).
#include <catch2/catch.hpp>

#include <strata/policy/filter/rules.hpp>

#include "classbench.hpp"

using namespace strata;
using namespace strata::filter;

namespace {

std::size_t disagreements(std::size_t rule_count, std::uint64_t seed, testgen::Options o,
                          std::size_t packets) {
    testgen::Generator gen(seed, o);
    auto list = gen.rules(rule_count);
    auto built = Rules::build(list, Action::drop);
    REQUIRE(built.has_value());
    const Rules& rules = *built;
    std::size_t bad = 0, matched = 0;
    const auto trace = gen.packets(list, packets);
    std::vector<std::uint32_t> burst(packets);
    rules.first_match_burst(trace, burst);
    for (std::size_t i = 0; i < packets; ++i) {
        const Packet& p = trace[i];
        const auto want = linear_first_match(list, p);
        const auto got = rules.first_match(p);
        if (burst[i] != got && bad++ < 5) UNSCOPED_INFO("packet " << i << ": burst differs");
        if (want != Verdict::default_rule) ++matched;
        if (got != want && bad++ < 5) {
            UNSCOPED_INFO("packet " << i << ": linear " << want << ", classifier " << got);
        }
    }
    // The trace must exercise the rules: most packets are built inside one.
    CHECK(matched > packets / 2);
    return bad;
}

} // namespace

TEST_CASE("classifier equals a linear scan on 100k packets", "[filter][classifier]") {
    for (const std::size_t n : {10u, 100u, 1000u}) {
        INFO(n << " rules");
        CHECK(disagreements(n, 0x5eed0000 + n, {}, 100'000) == 0);
    }
}

TEST_CASE("classifier equals a linear scan with extra keys and portless packets",
          "[filter][classifier]") {
    // Router ports, TCP flags and ICMP types are checked on candidates: a
    // candidate failing them must let the scan continue in rule order.
    for (const std::size_t n : {10u, 100u, 1000u}) {
        INFO(n << " rules");
        CHECK(disagreements(n, 0xe0e0 + n, {.extras = true}, 100'000) == 0);
    }
}

TEST_CASE("classifier equals a linear scan at 10,000 rules", "[filter][classifier]") {
    CHECK(disagreements(10000, 0x5eed0000 + 10000, {}, 20'000) == 0);
    CHECK(disagreements(10000, 0xe0e0 + 10000, {.extras = true}, 20'000) == 0);
}

TEST_CASE("each classifier structure equals a linear scan", "[filter][classifier]") {
    // Classifier picks one structure by size; each must agree with the
    // definition on any list (the scan runs only on CPUs with AVX-512F and
    // falls back to bit vectors elsewhere; RFC hands packets whose first
    // candidate has extra keys to the bit vectors).
    for (const auto kind :
         {Classifier::Kind::scan, Classifier::Kind::rfc, Classifier::Kind::bit_vector})
        for (const std::size_t n : {1u, 17u, 100u, 1000u}) {
            INFO(n << " rules, kind " << static_cast<int>(kind));
            testgen::Generator gen(0xc0de + n, {.extras = true});
            const auto list = gen.rules(n);
            const Classifier c(list, kind);
            if (kind == Classifier::Kind::rfc) CHECK(c.kind() == Classifier::Kind::rfc);
            const auto trace = gen.packets(list, 20'000);
            std::vector<std::uint32_t> burst(trace.size());
            c.first_match_burst(trace, burst, [&](std::size_t i, std::uint32_t r) {
                return matches_extra(list[r], trace[i]);
            });
            std::size_t bad = 0;
            for (std::size_t i = 0; i < trace.size(); ++i) {
                const auto want = linear_first_match(list, trace[i]);
                const auto one = c.first_match(
                    trace[i], [&](std::uint32_t r) { return matches_extra(list[r], trace[i]); });
                bad += one != want;
                bad += burst[i] != want;
            }
            CHECK(bad == 0);
        }
}

TEST_CASE("shadowed rules are not indexed, and first-match order is kept", "[filter][classifier]") {
    const Ipv4Prefix net{Ipv4Address{10, 0, 0, 0}, 8};
    const Ipv4Prefix host{Ipv4Address{10, 1, 2, 3}, 32};
    std::vector<Rule> list{
        // 0: extra key (ingress port 1): covers rule 1's addresses but cannot
        //    shadow it, since packets from other ports skip it.
        Rule{.in = PortId{1}, .dst = net},
        // 1: tcp to 10.0.0.0/8 port 80-90.
        Rule{.dst = net, .proto = proto_tcp, .dport = PortRange{80, 90}},
        // 2: inside rule 1 (port 85 only, /32): dead.
        Rule{.dst = host, .proto = proto_tcp, .dport = PortRange{85, 85}},
        // 3: port 79-85 is not inside 80-90: live.
        Rule{.dst = host, .proto = proto_tcp, .dport = PortRange{79, 85}},
        // 4: no port key: also matches portless packets, which rule 1 does
        //    not: live.
        Rule{.dst = host, .proto = proto_tcp},
        // 5: catch-all: live, and everything after it is dead.
        Rule{},
        Rule{.dst = host},
    };
    const auto live = live_rules(list);
    CHECK(live == std::vector<std::uint32_t>{0, 1, 3, 4, 5});
    auto rules = Rules::build(list, Action::drop);
    REQUIRE(rules.has_value());
    CHECK(rules->classifier().live_count() == 5);
    Packet p;
    p.in = PortId{0};
    p.dst = Ipv4Address{10, 1, 2, 3};
    p.protocol = proto_tcp;
    p.has_transport = true;
    p.dport = 85;
    CHECK(rules->first_match(p) == 1);
    p.dport = 79;
    CHECK(rules->first_match(p) == 3);
    p.has_transport = false; // a non-first fragment: no ports
    CHECK(rules->first_match(p) == 4);
    p.in = PortId{1};
    CHECK(rules->first_match(p) == 0);
    p.in = PortId{0};
    p.protocol = proto_udp;
    CHECK(rules->first_match(p) == 5);
}

TEST_CASE("classifier edges: 0.0.0.0 and 255.255.255.255, 64-rule word edges",
          "[filter][classifier]") {
    std::vector<Rule> list;
    // 130 rules: three words; only the last rule of each word matches.
    for (int i = 0; i < 130; ++i)
        list.push_back(Rule{.dst = Ipv4Prefix{Ipv4Address{10, 0, 0, 1}, 32}});
    list[63] = Rule{.dst = Ipv4Prefix{Ipv4Address{255, 255, 255, 255}, 32}};
    list[127] = Rule{.dst = Ipv4Prefix{Ipv4Address{0, 0, 0, 0}, 32}};
    list[129] = Rule{.src = Ipv4Prefix{Ipv4Address{128, 0, 0, 0}, 1}};
    auto rules = Rules::build(list, Action::drop);
    REQUIRE(rules.has_value());
    Packet p;
    p.dst = Ipv4Address{255, 255, 255, 255};
    CHECK(rules->first_match(p) == 63);
    p.dst = Ipv4Address{0, 0, 0, 0};
    CHECK(rules->first_match(p) == 127);
    p.dst = Ipv4Address{1, 2, 3, 4};
    p.src = Ipv4Address{200, 0, 0, 0};
    CHECK(rules->first_match(p) == 129);
    p.src = Ipv4Address{127, 255, 255, 255};
    CHECK(rules->first_match(p) == Verdict::default_rule);
    p.dst = Ipv4Address{10, 0, 0, 1};
    CHECK(rules->first_match(p) == 0);
}
