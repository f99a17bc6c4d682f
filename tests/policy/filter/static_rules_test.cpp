// Rules written in the program: a constexpr list checked by the compiler
// (tests/compile_fail/filter_rule_reversed_range.cpp shows the refusal).
#include <array>

#include <catch2/catch.hpp>

#include <strata/policy/filter/static_rules.hpp>

using namespace strata;
using namespace strata::filter;

namespace {

// A web server's LAN: HTTP and HTTPS in, ping in, the rest dropped.
constexpr std::array web_acl{
    Rule{.action = Action::accept, .proto = proto_tcp, .dport = PortRange{80, 80}},
    Rule{.action = Action::accept, .proto = proto_tcp, .dport = PortRange{443, 443}},
    Rule{.action = Action::accept, .proto = proto_icmp, .icmp_type = 8},
    Rule{.action = Action::reject, .proto = proto_tcp},
};
using WebFilter = StaticRules<web_acl, Action::drop>;

// The whole check is a constant expression: usable in a static_assert of
// one's own, and it finds the bad rule.
static_assert(WebFilter::first_invalid == web_acl.size());
constexpr std::array two{Rule{}, Rule{.sport = PortRange{9, 1}}};
static_assert(check_rules(two).index == 1);
static_assert(check_rules(two).problem == Problem::sport_reversed);
static_assert(Policy<WebFilter>);

} // namespace

TEST_CASE("StaticRules: a constexpr list becomes a filter policy", "[filter][static]") {
    WebFilter f;
    REQUIRE(f.rules().size() == 4);
    Packet p;
    p.protocol = proto_tcp;
    p.has_transport = true;
    p.dport = 443;
    CHECK(f.check(p, {}).rule == 1);
    p.dport = 22;
    auto v = f.check(p, {});
    CHECK(v.rule == 3);
    CHECK(v.action == Action::reject);
    p.protocol = proto_udp;
    v = f.check(p, {});
    CHECK(v.rule == Verdict::default_rule);
    CHECK(v.action == Action::drop);
}
