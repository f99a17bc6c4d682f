// Routing tables: every model against routing::Linear (the executable
// specification) on the reference table, on random tables with interleaved
// updates, and on bad input. A user-written table that models the concept
// runs through the same tests.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/policy/routing/adaptive.hpp>
#include <strata/policy/routing/binary_trie.hpp>
#include <strata/policy/routing/concept.hpp>
#include <strata/policy/routing/dir24_8.hpp>
#include <strata/policy/routing/linear.hpp>
#include <strata/policy/routing/poptrie.hpp>
#include <strata/policy/routing/print.hpp>
#include <strata/policy/routing/route.hpp>

using namespace strata;
using namespace strata::routing;

namespace {

/// A table a user might write: one std::map per prefix length, probed from
/// /32 down to /0. It shares no code with the library's models; that it
/// passes the same tests shows the concept is all a table needs.
class PerLengthMaps {
    std::deque<NextHop> hops_; // never shrinks: ids stay valid
    std::array<std::map<std::uint32_t, std::vector<HopId>>, 33> by_len_;
    std::size_t size_ = 0;

public:
    ConfigResult<void> insert(Ipv4Prefix p, const NextHop& nh) {
        if (auto ok = check_destination(p); !ok) return ok.error();
        auto& v = by_len_[static_cast<std::size_t>(p.length())][p.address().value()];
        for (HopId h : v)
            if (hops_[h].metric == nh.metric) return duplicate_route(p, nh.metric);
        hops_.push_back(nh);
        v.push_back(static_cast<HopId>(hops_.size() - 1));
        std::sort(v.begin(), v.end(),
                  [&](HopId a, HopId b) { return hops_[a].metric < hops_[b].metric; });
        ++size_;
        return {};
    }
    ConfigResult<void> erase(Ipv4Prefix p) {
        if (auto ok = check_destination(p); !ok) return ok.error();
        auto& m = by_len_[static_cast<std::size_t>(p.length())];
        auto it = m.find(p.address().value());
        if (it == m.end() || it->second.empty()) return no_route(p);
        size_ -= it->second.size();
        m.erase(it);
        return {};
    }
    Match lookup(Ipv4Address a) const noexcept {
        for (int len = 32; len >= 0; --len) {
            const auto& m = by_len_[static_cast<std::size_t>(len)];
            auto it = m.find(a.value() & netmask_bits(len));
            if (it != m.end() && !it->second.empty()) return Match{it->second.front(), len};
        }
        return Match{};
    }
    void lookup_bulk(std::span<const Ipv4Address> in, std::span<Match> out) const noexcept {
        for (std::size_t i = 0; i < in.size() && i < out.size(); ++i)
            out[i] = lookup(in[i]);
    }
    const NextHop& next_hop(HopId h) const noexcept { return hops_[h]; }
    std::optional<Route> route(Ipv4Address a) const noexcept {
        const Match m = lookup(a);
        if (!m) return std::nullopt;
        return make_route(a, m, hops_[m.hop()]);
    }
    std::size_t size() const noexcept { return size_; }
    std::size_t memory_bytes() const noexcept { return 0; }
    template <class F>
    void for_each(F&& f) const {
        for (int len = 0; len <= 32; ++len)
            for (const auto& [net, v] : by_len_[static_cast<std::size_t>(len)])
                for (HopId h : v)
                    f(Route{Ipv4Prefix{Ipv4Address{net}, len}, hops_[h].gateway, hops_[h].interface,
                            hops_[h].metric});
    }
};

static_assert(RouteTable<Linear>);
static_assert(RouteTable<BinaryTrie>);
static_assert(RouteTable<Dir24_8>);
static_assert(RouteTable<Poptrie>);
static_assert(RouteTable<Adaptive>);
static_assert(RouteTable<PerLengthMaps>);
static_assert(std::is_same_v<Default, Adaptive>);

/// The data plane alone: what a forwarding path that never edits may ask
/// for. It models RouteLookup and not RouteTable.
struct LookupOnly {
    Match lookup(Ipv4Address) const noexcept { return Match{}; }
    void lookup_bulk(std::span<const Ipv4Address>, std::span<Match>) const noexcept {}
    const NextHop& next_hop(HopId) const noexcept { return hop; }
    std::optional<Route> route(Ipv4Address) const noexcept { return std::nullopt; }
    NextHop hop;
};
static_assert(RouteLookup<LookupOnly> && !RouteEdit<LookupOnly> && !RouteTable<LookupOnly>);
static_assert(RouteLookup<Poptrie> && RouteEdit<Poptrie>);

/// A lookup that may throw is not a data plane.
struct ThrowingLookup : LookupOnly {
    Match lookup(Ipv4Address) const { return Match{}; }
};
static_assert(!RouteLookup<ThrowingLookup>);

Ipv4Prefix pfx(const char* s) { return Ipv4Prefix::parse(s).value(); }
Ipv4Address ip(const char* s) { return Ipv4Address::parse(s).value(); }

/// The reference five-route router table. Gateways and interfaces are ours:
/// the two 10.10.1.x routes leave through eth0, the 192.168.1.x ones
/// through eth1, the default route through eth2 via 192.0.2.1.
template <class T>
void load_reference(T& t) {
    REQUIRE(t.insert(pfx("10.10.1.0/24"), NextHop{{}, InterfaceId{0}, 0}));
    REQUIRE(t.insert(pfx("10.10.1.101/32"), NextHop{{}, InterfaceId{0}, 0}));
    REQUIRE(t.insert(pfx("192.168.1.0/24"), NextHop{{}, InterfaceId{1}, 0}));
    REQUIRE(t.insert(pfx("192.168.1.10/32"), NextHop{{}, InterfaceId{1}, 0}));
    REQUIRE(t.insert(pfx("0.0.0.0/0"), NextHop{ip("192.0.2.1"), InterfaceId{2}, 0}));
}

/// Every way of asking agrees: lookup + next_hop, route, lookup_bulk.
template <class T>
std::optional<Route> ask(const T& t, Ipv4Address a) {
    const Match m = t.lookup(a);
    std::array<Ipv4Address, 1> in{a};
    std::array<Match, 1> out{};
    t.lookup_bulk(in, out);
    CHECK(out[0] == m);
    const auto r = t.route(a);
    CHECK(r.has_value() == m.found());
    if (m) CHECK(*r == make_route(a, m, t.next_hop(m.hop())));
    return r;
}

} // namespace

TEMPLATE_TEST_CASE("reference table: longest prefix, host routes, default route", "[routing]",
                   Linear, BinaryTrie, Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    TestType t;
    load_reference(t);
    CHECK(t.size() == 5);
    // 10.10.1.101 is inside 10.10.1.0/24 and equals the /32: the /32 wins.
    auto r = ask(t, ip("10.10.1.101"));
    REQUIRE(r);
    CHECK(r->destination == pfx("10.10.1.101/32"));
    CHECK(r->on_link());
    // 10.10.1.100 and .102 are next to the host route: only the /24 matches.
    for (const char* a : {"10.10.1.100", "10.10.1.102", "10.10.1.0", "10.10.1.255"}) {
        r = ask(t, ip(a));
        REQUIRE(r);
        CHECK(r->destination == pfx("10.10.1.0/24"));
        CHECK(r->interface == InterfaceId{0});
    }
    r = ask(t, ip("192.168.1.10"));
    REQUIRE(r);
    CHECK(r->destination == pfx("192.168.1.10/32"));
    r = ask(t, ip("192.168.1.11"));
    REQUIRE(r);
    CHECK(r->destination == pfx("192.168.1.0/24"));
    CHECK(r->interface == InterfaceId{1});
    // Outside every specific prefix: the default route, with its gateway.
    for (const char* a :
         {"8.8.8.8", "10.10.2.1", "192.168.0.255", "192.168.2.0", "255.255.255.255", "0.0.0.0"}) {
        r = ask(t, ip(a));
        REQUIRE(r);
        CHECK(r->destination == pfx("0.0.0.0/0"));
        CHECK(r->gateway == ip("192.0.2.1"));
        CHECK_FALSE(r->on_link());
    }
    // Without the default route there is no route (the router will answer
    // ICMP destination unreachable).
    REQUIRE(t.erase(pfx("0.0.0.0/0")));
    CHECK_FALSE(ask(t, ip("8.8.8.8")));
    CHECK_FALSE(t.lookup(ip("8.8.8.8")));
    CHECK(t.lookup(ip("8.8.8.8")).length() == -1);
    CHECK(ask(t, ip("10.10.1.101"))->destination == pfx("10.10.1.101/32"));
    // Erasing the host route uncovers the /24 again.
    REQUIRE(t.erase(pfx("10.10.1.101/32")));
    CHECK(ask(t, ip("10.10.1.101"))->destination == pfx("10.10.1.0/24"));
    CHECK(t.size() == 3);
}

TEMPLATE_TEST_CASE("equal prefixes: the lowest metric wins, the next takes over", "[routing]",
                   Linear, BinaryTrie, Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    TestType t;
    const auto p = pfx("172.16.0.0/12");
    REQUIRE(t.insert(p, NextHop{ip("192.0.2.7"), InterfaceId{1}, 20}));
    REQUIRE(t.insert(p, NextHop{ip("192.0.2.5"), InterfaceId{2}, 5}));
    REQUIRE(t.insert(p, NextHop{ip("192.0.2.9"), InterfaceId{3}, 10}));
    CHECK(t.size() == 3);
    CHECK(ask(t, ip("172.20.1.1"))->metric == 5);
    CHECK(ask(t, ip("172.20.1.1"))->gateway == ip("192.0.2.5"));
    // A longer prefix beats any metric.
    REQUIRE(t.insert(pfx("172.20.0.0/16"), NextHop{ip("192.0.2.99"), InterfaceId{4}, 1000}));
    CHECK(ask(t, ip("172.20.1.1"))->metric == 1000);
    CHECK(ask(t, ip("172.21.1.1"))->metric == 5);
    if constexpr (requires { t.erase(p, 5u); }) {
        REQUIRE(t.erase(p, 5u));
        CHECK(ask(t, ip("172.21.1.1"))->metric == 10);
        CHECK(ask(t, ip("172.21.1.1"))->gateway == ip("192.0.2.9"));
        CHECK(t.erase(p, 5u).error().code() == ConfigErrc::not_found);
        REQUIRE(t.erase(p, 20u));
        CHECK(ask(t, ip("172.21.1.1"))->metric == 10);
    }
    REQUIRE(t.erase(p));
    CHECK_FALSE(ask(t, ip("172.21.1.1")));
    CHECK(ask(t, ip("172.20.1.1"))->metric == 1000);
}

TEMPLATE_TEST_CASE("bad input gives distinct error values", "[routing]", Linear, BinaryTrie,
                   Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    TestType t;
    // Host bits set: 10.1.2.3/24 is not a destination.
    auto e = t.insert(Ipv4Prefix{ip("10.1.2.3"), 24}, NextHop{});
    REQUIRE_FALSE(e);
    CHECK(e.error().what() ==
          "destination 10.1.2.3/24 has host bits set (the network is 10.1.2.0/24)");
    CHECK(e.error().code() == ConfigErrc::bad_value);
    // A length beyond 32 (possible through the unchecked constructor).
    e = t.insert(Ipv4Prefix{ip("10.1.2.0"), 33}, NextHop{});
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "prefix length 33 of 10.1.2.0/33 is not in 0..32");
    // Duplicate (destination, metric): reported, the first route stays.
    REQUIRE(t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 5}));
    e = t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.2"), InterfaceId{1}, 5});
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "route 10.1.0.0/16 metric 5 already present");
    CHECK(e.error().code() == ConfigErrc::duplicate);
    CHECK(e.error().path().empty());
    CHECK(t.size() == 1);
    CHECK(ask(t, ip("10.1.5.5"))->gateway == ip("192.0.2.1"));
    // Erase of a missing prefix, including a longer one inside a present one.
    e = t.erase(pfx("10.9.0.0/16"));
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "no route to 10.9.0.0/16");
    CHECK(e.error().code() == ConfigErrc::not_found);
    for (const char* missing : {"10.2.0.0/16", "10.1.0.0/17", "10.0.0.0/15", "0.0.0.0/0"}) {
        e = t.erase(pfx(missing));
        REQUIRE_FALSE(e);
        CHECK(e.error().what() == std::string("no route to ") + missing);
    }
    if constexpr (requires { t.erase(pfx("10.1.0.0/16"), 5u); }) {
        e = t.erase(pfx("10.1.0.0/16"), 6u);
        REQUIRE_FALSE(e);
        CHECK(e.error().what() == "no route to 10.1.0.0/16 metric 6");
    }
    CHECK(t.erase(Ipv4Prefix{ip("10.1.0.1"), 16}).error().what() ==
          "destination 10.1.0.1/16 has host bits set (the network is 10.1.0.0/16)");
    CHECK(t.size() == 1);
}

TEST_CASE("a ConfigError carries a key path filled on the way up", "[routing]") {
    Adaptive t;
    REQUIRE(t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 5}));
    auto e = t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 5});
    REQUIRE_FALSE(e);
    // What a topology loader will do as the error leaves each level.
    ConfigError err = std::move(e).error();
    err.at("prefix").at("routes[1]").at("[2]").at("nodes");
    CHECK(err.path() == "nodes[2].routes[1].prefix");
    CHECK(err.what() == "nodes[2].routes[1].prefix: route 10.1.0.0/16 metric 5 already present");
    CHECK(to_string(err) == err.what());
    CHECK(err.message() == "route 10.1.0.0/16 metric 5 already present");
}

TEST_CASE("Route::make rejects a netmask that is not contiguous", "[routing]") {
    auto r = Route::make(ip("10.0.0.0"), ip("255.0.255.0"), ip("192.0.2.1"), InterfaceId{0});
    REQUIRE_FALSE(r);
    CHECK(r.error().what() == "netmask 255.0.255.0 is not contiguous");
    CHECK(r.error().code() == ConfigErrc::bad_value);
    r = Route::make(ip("10.0.0.1"), ip("255.0.0.0"), {}, InterfaceId{0});
    REQUIRE_FALSE(r);
    CHECK(r.error().what() ==
          "destination 10.0.0.1/8 has host bits set (the network is 10.0.0.0/8)");
    r = Route::make(ip("10.0.0.0"), ip("255.0.0.0"), {}, InterfaceId{3}, 7);
    REQUIRE(r);
    CHECK(r->destination == pfx("10.0.0.0/8"));
    CHECK(r->netmask() == ip("255.0.0.0"));
    CHECK(r->on_link());
    CHECK(to_string(*r) == "10.0.0.0/8 dev eth3 metric 7");
}

TEST_CASE("Match packs length and next hop", "[routing]") {
    constexpr Match none;
    static_assert(!none && none.length() == -1 && none.rank() == 0);
    constexpr Match m{12345, 32};
    static_assert(m && m.length() == 32 && m.hop() == 12345 && m.rank() == 33);
    static_assert(Match{0, 0}.found() && Match{0, 0}.length() == 0);
    static_assert(Match{Match::max_hop, 17}.hop() == Match::max_hop);
    // One limit: 2^25 next hops, and bit 31 never set (Dir24_8's flag).
    static_assert(Match::max_next_hops == std::uint64_t{1} << 25);
    static_assert((Match{Match::max_hop, 32}.raw() & Match::spare_bit) == 0);
    CHECK(next_hop_limit().what() ==
          "next-hop limit reached: a table names at most 33554432 distinct next hops");
    CHECK(next_hop_limit().code() == ConfigErrc::limit_exceeded);
}

TEST_CASE("a DIR-24-8 entry is one 32-bit layout", "[routing]") {
    using strata::routing::detail::Dir24Entry;
    static_assert(sizeof(Dir24Entry) == 4);
    constexpr Dir24Entry none{};
    static_assert(!none.is_group() && !none.match() && none.rank() == 0);
    constexpr auto r = Dir24Entry::route(Match{Match::max_hop, 24});
    static_assert(!r.is_group() && r.match().hop() == Match::max_hop && r.rank() == 25);
    constexpr auto g = Dir24Entry::group(Dir24Entry::max_group);
    static_assert(g.is_group() && g.group_index() == Dir24Entry::max_group);
}

TEMPLATE_TEST_CASE("a table prints itself in the router layout", "[routing]", Linear, BinaryTrie,
                   Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    TestType t;
    load_reference(t);
    // Longest prefixes first, then by address; columns 16/16/16/11 wide.
    const std::string want = "Destination     Netmask         Gateway         Interface  Metric\n"
                             "10.10.1.101     255.255.255.255 on-link         eth0       0\n"
                             "192.168.1.10    255.255.255.255 on-link         eth1       0\n"
                             "10.10.1.0       255.255.255.0   on-link         eth0       0\n"
                             "192.168.1.0     255.255.255.0   on-link         eth1       0\n"
                             "0.0.0.0         0.0.0.0         192.0.2.1       eth2       0\n";
    CHECK(format_table(t) == want);
    const auto named = format_table(t, [](InterfaceId i) {
        return std::string(i.value() == 2 ? "wan" : "lan") + std::to_string(i.value());
    });
    CHECK(named.find("192.0.2.1       wan2       0\n") != std::string::npos);
}

namespace {

struct Op {
    enum Kind { insert, erase, erase_metric } kind;
    Ipv4Prefix prefix;
    NextHop hop;
};

/// Random prefixes crowded into a few places so that they overlap: inside
/// 10.0.0.0/14 (several /18 chunks of the Poptrie, many /24 groups of
/// DIR-24-8), around 192.168.0.0/16, plus a sprinkling of short and global
/// ones, /0 and /32 included.
Ipv4Prefix random_prefix(std::mt19937& g) {
    std::uniform_int_distribution<int> pick(0, 99);
    const int where = pick(g);
    std::uint32_t base;
    int len;
    if (where < 3) { // short: /0../7 (rare: DIR-24-8 repaints 2^(24-len) entries)
        len = std::uniform_int_distribution<int>(0, 7)(g);
        base = static_cast<std::uint32_t>(g());
    } else if (where < 55) {
        base = 0x0a000000u | (static_cast<std::uint32_t>(g()) & 0x3ffffu);
        len = std::uniform_int_distribution<int>(12, 32)(g);
    } else if (where < 85) {
        base = 0xc0a80000u | (static_cast<std::uint32_t>(g()) & 0xffffu);
        len = std::uniform_int_distribution<int>(16, 32)(g);
    } else {
        base = static_cast<std::uint32_t>(g());
        len = std::uniform_int_distribution<int>(8, 32)(g);
    }
    if (pick(g) < 20) len = pick(g) < 50 ? 32 : 24;
    return Ipv4Prefix{Ipv4Address{base & netmask_bits(len)}, len};
}

/// Addresses worth asking about: inside a known prefix, at its edges and
/// just outside them, and anywhere.
Ipv4Address probe(std::mt19937& g, const std::vector<Ipv4Prefix>& known) {
    std::uniform_int_distribution<int> pick(0, 9);
    if (known.empty() || pick(g) == 0) return Ipv4Address{static_cast<std::uint32_t>(g())};
    const Ipv4Prefix p = known[g() % known.size()];
    const std::uint32_t lo = p.network_address().value(), hi = p.broadcast_address().value();
    switch (pick(g)) {
    case 1:
        return Ipv4Address{lo};
    case 2:
        return Ipv4Address{hi};
    case 3:
        return Ipv4Address{lo - 1};
    case 4:
        return Ipv4Address{hi + 1};
    default:
        return Ipv4Address{lo | (static_cast<std::uint32_t>(g()) & ~netmask_bits(p.length()))};
    }
}

template <class T>
void check_agree(const Linear& spec, const T& t, std::mt19937& g,
                 const std::vector<Ipv4Prefix>& known, int probes) {
    REQUIRE(t.size() == spec.size());
    std::vector<Ipv4Address> addrs;
    for (int i = 0; i < probes; ++i)
        addrs.push_back(probe(g, known));
    std::vector<Match> bulk(addrs.size());
    t.lookup_bulk(addrs, bulk);
    for (std::size_t i = 0; i < addrs.size(); ++i) {
        const auto want = spec.route(addrs[i]);
        const auto got = t.route(addrs[i]);
        INFO("address " << to_string(addrs[i]));
        REQUIRE(got == want);
        REQUIRE(bulk[i] == t.lookup(addrs[i]));
    }
    CHECK(sorted_routes(t) == sorted_routes(spec));
}

template <class T>
void random_run(std::uint32_t seed, int ops) {
    std::mt19937 g(seed);
    Linear spec;
    T t;
    std::vector<Ipv4Prefix> known;
    std::uniform_int_distribution<int> pick(0, 99);
    for (int i = 0; i < ops; ++i) {
        const int what = pick(g);
        Ipv4Prefix p = (!known.empty() && what < 45 && pick(g) < 60) ? known[g() % known.size()]
                                                                     : random_prefix(g);
        const NextHop nh{
            pick(g) < 20 ? Ipv4Address{}
                         : Ipv4Address{static_cast<std::uint32_t>(0xc0000200u + g() % 8)},
            InterfaceId{static_cast<std::uint16_t>(g() % 4)}, static_cast<std::uint32_t>(g() % 3)};
        if (what < 65) {
            const auto a = spec.insert(p, nh);
            const auto b = t.insert(p, nh);
            REQUIRE(a.has_value() == b.has_value());
            if (!a) REQUIRE(a.error() == b.error());
            known.push_back(p);
        } else if (what < 85 || !requires { t.erase(p, 0u); }) {
            const auto a = spec.erase(p);
            const auto b = t.erase(p);
            REQUIRE(a.has_value() == b.has_value());
            if (!a) REQUIRE(a.error() == b.error());
        } else {
            if constexpr (requires { t.erase(p, 0u); }) {
                const auto a = spec.erase(p, nh.metric);
                const auto b = t.erase(p, nh.metric);
                REQUIRE(a.has_value() == b.has_value());
            }
        }
        if (i % 16 == 15) check_agree(spec, t, g, known, 64);
    }
    check_agree(spec, t, g, known, 2000);
    // Empty it again: every model must come back to "no route anywhere".
    for (const auto& r : sorted_routes(spec))
        (void)t.erase(r.destination);
    CHECK(t.size() == 0);
    for (int i = 0; i < 200; ++i)
        CHECK_FALSE(t.lookup(probe(g, known)));
}

} // namespace

TEMPLATE_TEST_CASE("random tables: every model agrees with Linear", "[routing][property]",
                   BinaryTrie, Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        INFO("seed " << seed);
        random_run<TestType>(seed, 400);
    }
}

TEMPLATE_TEST_CASE("bulk inserts then erases in another order", "[routing][property]", BinaryTrie,
                   Dir24_8, Poptrie, Adaptive) {
    // A few thousand prefixes in one /14 (Poptrie tries 3 levels deep, many
    // DIR-24-8 groups), erased in a shuffled order with lookups in between.
    std::mt19937 g(99);
    Linear spec;
    TestType t;
    std::vector<Ipv4Prefix> known;
    for (int i = 0; i < 3000; ++i) {
        const int len = std::uniform_int_distribution<int>(15, 32)(g);
        const Ipv4Prefix p{
            Ipv4Address{(0x0a000000u | (static_cast<std::uint32_t>(g()) & 0x3ffffu)) &
                        netmask_bits(len)},
            len};
        const NextHop nh{Ipv4Address{static_cast<std::uint32_t>(0xc0000200u + g() % 200)},
                         InterfaceId{1}, 0};
        const bool ok = spec.insert(p, nh).has_value();
        REQUIRE(t.insert(p, nh).has_value() == ok);
        if (ok) known.push_back(p);
    }
    check_agree(spec, t, g, known, 3000);
    std::shuffle(known.begin(), known.end(), g);
    for (std::size_t i = 0; i < known.size(); ++i) {
        REQUIRE(spec.erase(known[i]));
        REQUIRE(t.erase(known[i]));
        if (i % 500 == 0) check_agree(spec, t, g, known, 200);
    }
    CHECK(t.size() == 0);
}

TEST_CASE("Poptrie refuses a 32,768th distinct (length, next hop) pair", "[routing]") {
    // Leaves are 15-bit ids of (prefix length, next hop) pairs; id 0 is "no
    // route", so 32,767 pairs fit. Each /17 here has its own next hop (one
    // per /16, so that each insert rebuilds one small node).
    Poptrie t;
    std::uint32_t i = 0;
    for (; i < 32767; ++i)
        REQUIRE(t.insert(Ipv4Prefix{Ipv4Address{0x0b000000u + (i << 16)}, 17},
                         NextHop{Ipv4Address{0x64000000u + i}, InterfaceId{0}, 0}));
    const auto e = t.insert(Ipv4Prefix{Ipv4Address{0x0b000000u + (i << 16)}, 17},
                            NextHop{Ipv4Address{0x64000000u + i}, InterfaceId{0}, 0});
    REQUIRE_FALSE(e);
    CHECK(e.error().what() == "leaf limit reached: a Poptrie holds at most 32767 distinct (prefix "
                              "length, next hop) pairs");
    CHECK(e.error().code() == ConfigErrc::limit_exceeded);
    CHECK(t.size() == 32767);
    CHECK_FALSE(t.lookup(Ipv4Address{0x0b000000u + (i << 16)}));
    CHECK(t.route(Ipv4Address{0x0b010000u})->gateway == Ipv4Address{0x64000001u});
    // A pair already in use needs no new id: same next hop, same length.
    REQUIRE(t.insert(Ipv4Prefix{Ipv4Address{0x0b008000u}, 17},
                     NextHop{Ipv4Address{0x64000001u}, InterfaceId{0}, 0}));
    // Freeing one pair makes room again.
    REQUIRE(t.erase(Ipv4Prefix{Ipv4Address{0x0b000000u}, 17}));
    REQUIRE(t.insert(Ipv4Prefix{Ipv4Address{0x0b000000u + (i << 16)}, 17},
                     NextHop{Ipv4Address{0x64000000u + i}, InterfaceId{0}, 0}));
    CHECK(t.route(Ipv4Address{0x0b000000u + (i << 16)})->gateway == Ipv4Address{0x64000000u + i});
}

namespace {

/// The first `n` routes of the reference table (n <= 5).
template <class T>
void load_first(T& t, int n) {
    const std::array<std::pair<const char*, NextHop>, 5> routes{{
        {"0.0.0.0/0", NextHop{ip("192.0.2.1"), InterfaceId{2}, 0}},
        {"192.168.1.0/24", NextHop{{}, InterfaceId{1}, 0}},
        {"10.10.1.0/24", NextHop{{}, InterfaceId{0}, 0}},
        {"10.10.1.101/32", NextHop{{}, InterfaceId{0}, 0}},
        {"192.168.1.10/32", NextHop{{}, InterfaceId{1}, 0}},
    }};
    for (int i = 0; i < n; ++i)
        REQUIRE(t.insert(pfx(routes[static_cast<std::size_t>(i)].first),
                         routes[static_cast<std::size_t>(i)].second));
}

} // namespace

TEMPLATE_TEST_CASE("memory of a home router's table", "[routing][memory]", Linear, BinaryTrie,
                   Dir24_8, Poptrie, Adaptive) {
    TestType t2, t5;
    load_first(t2, 2);
    load_first(t5, 5);
    // Printed for docs/routing.md ("-s" shows them).
    INFO(TestType::name << ": 2 routes " << t2.memory_bytes() << " B, 5 routes "
                        << t5.memory_bytes() << " B");
    CHECK(t2.memory_bytes() > 0);
    SUCCEED(TestType::name << ": 2 routes " << t2.memory_bytes() << " B, 5 routes "
                           << t5.memory_bytes() << " B");
    if constexpr (std::is_same_v<TestType, Default>) {
        // A home router has ~5 routes. Its table must cost about what the
        // routes are, not a big table's fixed arrays: the bound is 4 KiB
        // (one page; the routes themselves are 5 x 16 bytes, the rest is
        // the next-hop dictionary and trie nodes).
        CHECK(t5.memory_bytes() <= 4096);
        CHECK(t2.memory_bytes() <= 4096);
        CHECK_FALSE(t5.uses_poptrie());
    }
}

TEMPLATE_TEST_CASE("a HopId names the same next hop until the next edit", "[routing]", Linear,
                   BinaryTrie, Dir24_8, Poptrie, Adaptive, PerLengthMaps) {
    TestType t;
    load_reference(t);
    const Match m = t.lookup(ip("8.8.8.8"));
    REQUIRE(m);
    const HopId h = m.hop();
    const NextHop want = t.next_hop(h);
    CHECK(want.gateway == ip("192.0.2.1"));
    // Reads of every kind leave it alone.
    std::vector<Ipv4Address> addrs;
    for (std::uint32_t i = 0; i < 4096; ++i)
        addrs.push_back(Ipv4Address{i * 0x00100001u});
    std::vector<Match> out(addrs.size());
    t.lookup_bulk(addrs, out);
    for (const Ipv4Address a : addrs)
        (void)t.route(a);
    std::size_t routes = 0;
    t.for_each([&](const Route&) { ++routes; });
    CHECK(routes == t.size());
    (void)t.memory_bytes();
    CHECK(t.next_hop(h) == want);
    CHECK(t.lookup(ip("8.8.8.8")).hop() == h);
    // After an edit, a fresh lookup gives the id to use.
    REQUIRE(t.insert(pfx("8.8.0.0/16"), NextHop{ip("192.0.2.77"), InterfaceId{3}, 0}));
    REQUIRE(t.erase(pfx("10.10.1.0/24")));
    const Match m2 = t.lookup(ip("8.8.8.8"));
    REQUIRE(m2);
    CHECK(t.next_hop(m2.hop()).gateway == ip("192.0.2.77"));
    CHECK(t.next_hop(t.lookup(ip("9.9.9.9")).hop()) == want);
}

TEST_CASE("Adaptive becomes a Poptrie past grow_at and a trie again at shrink_at", "[routing]") {
    Adaptive t;
    Linear spec;
    std::vector<Ipv4Prefix> known;
    REQUIRE(t.insert(pfx("0.0.0.0/0"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 0}));
    REQUIRE(spec.insert(pfx("0.0.0.0/0"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 0}));
    const std::size_t small = t.memory_bytes();
    // Distinct /24s inside 20.0.0.0/8, each with one of 16 next hops.
    std::uint32_t k = 0;
    auto add_one = [&] {
        const Ipv4Prefix p{Ipv4Address{0x14000000u + (k << 8)}, 24};
        const NextHop nh{Ipv4Address{0xc0000200u + k % 16}, InterfaceId{1}, 0};
        REQUIRE(t.insert(p, nh));
        REQUIRE(spec.insert(p, nh));
        known.push_back(p);
        ++k;
    };
    while (t.size() < Adaptive::grow_at)
        add_one();
    CHECK_FALSE(t.uses_poptrie());
    const std::size_t at_threshold = t.memory_bytes();
    add_one();
    CHECK(t.uses_poptrie());
    CHECK(t.memory_bytes() > 4 * at_threshold);
    std::mt19937 g(5);
    check_agree(spec, t, g, known, 2000);
    // Down to shrink_at prefixes: a trie again, with the same answers.
    while (t.size() > Adaptive::shrink_at + 1) {
        REQUIRE(t.erase(known.back()));
        REQUIRE(spec.erase(known.back()));
        known.pop_back();
    }
    CHECK(t.uses_poptrie());
    REQUIRE(t.erase(known.back()));
    REQUIRE(spec.erase(known.back()));
    known.pop_back();
    CHECK_FALSE(t.uses_poptrie());
    check_agree(spec, t, g, known, 2000);
    CHECK(t.memory_bytes() < 64 * 1024);
    CHECK(small <= 4096);
}
