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
