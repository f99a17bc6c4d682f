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
#include <vector>

#include <catch2/catch.hpp>

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
    Result<void> insert(Ipv4Prefix p, const NextHop& nh) {
        if (auto ok = check_destination(p); !ok) return ok.error();
        auto& v = by_len_[static_cast<std::size_t>(p.length())][p.address().value()];
        for (HopId h : v)
            if (hops_[h].metric == nh.metric)
                return Error{"routing",           "route",  0, Errc::duplicate,
                             p.address().value(), nh.metric};
        hops_.push_back(nh);
        v.push_back(static_cast<HopId>(hops_.size() - 1));
        std::sort(v.begin(), v.end(),
                  [&](HopId a, HopId b) { return hops_[a].metric < hops_[b].metric; });
        ++size_;
        return {};
    }
    Result<void> erase(Ipv4Prefix p) {
        if (auto ok = check_destination(p); !ok) return ok.error();
        auto& m = by_len_[static_cast<std::size_t>(p.length())];
        auto it = m.find(p.address().value());
        if (it == m.end() || it->second.empty())
            return Error{"routing",
                         "route",
                         0,
                         Errc::not_found,
                         p.address().value(),
                         static_cast<std::uint64_t>(p.length())};
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

static_assert(RoutingTable<Linear>);
static_assert(RoutingTable<BinaryTrie>);
static_assert(RoutingTable<Dir24_8>);
static_assert(RoutingTable<Poptrie>);
static_assert(RoutingTable<PerLengthMaps>);
static_assert(std::is_same_v<Default, Poptrie>);

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
                   Linear, BinaryTrie, Dir24_8, Poptrie, PerLengthMaps) {
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
                   Linear, BinaryTrie, Dir24_8, Poptrie, PerLengthMaps) {
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
        CHECK(t.erase(p, 5u).error().code == Errc::not_found);
        REQUIRE(t.erase(p, 20u));
        CHECK(ask(t, ip("172.21.1.1"))->metric == 10);
    }
    REQUIRE(t.erase(p));
    CHECK_FALSE(ask(t, ip("172.21.1.1")));
    CHECK(ask(t, ip("172.20.1.1"))->metric == 1000);
}

TEMPLATE_TEST_CASE("bad input gives distinct error values", "[routing]", Linear, BinaryTrie,
                   Dir24_8, Poptrie, PerLengthMaps) {
    TestType t;
    // Host bits set: 10.1.2.3/24 is not a destination.
    auto e = t.insert(Ipv4Prefix{ip("10.1.2.3"), 24}, NextHop{});
    REQUIRE_FALSE(e);
    CHECK(e.error() == Error{"routing", "destination", 0, Errc::bad_value, 0x0a010203, 0x0a010200});
    // A length beyond 32 (possible through the unchecked constructor).
    e = t.insert(Ipv4Prefix{ip("10.1.2.0"), 33}, NextHop{});
    REQUIRE_FALSE(e);
    CHECK(e.error().field == "prefix_length");
    CHECK(e.error().code == Errc::bad_value);
    // Duplicate (destination, metric): reported, the first route stays.
    REQUIRE(t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.1"), InterfaceId{0}, 3}));
    e = t.insert(pfx("10.1.0.0/16"), NextHop{ip("192.0.2.2"), InterfaceId{1}, 3});
    REQUIRE_FALSE(e);
    CHECK(e.error().field == "route");
    CHECK(e.error().code == Errc::duplicate);
    CHECK(t.size() == 1);
    CHECK(ask(t, ip("10.1.5.5"))->gateway == ip("192.0.2.1"));
    // Erase of a missing prefix, including a longer one inside a present one.
    for (const char* missing : {"10.2.0.0/16", "10.1.0.0/17", "10.0.0.0/15", "0.0.0.0/0"}) {
        e = t.erase(pfx(missing));
        REQUIRE_FALSE(e);
        CHECK(e.error().field == "route");
        CHECK(e.error().code == Errc::not_found);
    }
    CHECK(t.erase(Ipv4Prefix{ip("10.1.0.1"), 16}).error().field == "destination");
    CHECK(t.size() == 1);
}

TEST_CASE("Route::make rejects a netmask that is not contiguous", "[routing]") {
    auto r = Route::make(ip("10.0.0.0"), ip("255.0.255.0"), ip("192.0.2.1"), InterfaceId{0});
    REQUIRE_FALSE(r);
    // 255.0.255.0 has one leading run of 8 ones; the contiguous mask with
    // that run is 255.0.0.0 = 0xff000000.
    CHECK(r.error() == Error{"routing", "netmask", 0, Errc::bad_value, 0xff00ff00, 0xff000000});
    r = Route::make(ip("10.0.0.1"), ip("255.0.0.0"), {}, InterfaceId{0});
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "destination");
    r = Route::make(ip("10.0.0.0"), ip("255.0.0.0"), {}, InterfaceId{3}, 7);
    REQUIRE(r);
    CHECK(r->destination == pfx("10.0.0.0/8"));
    CHECK(r->netmask() == ip("255.0.0.0"));
    CHECK(r->on_link());
    CHECK(to_string(*r) == "10.0.0.0/8 dev eth3 metric 7");
}

TEST_CASE("Match packs length and next hop", "[routing]") {
    constexpr Match none;
    static_assert(!none && none.length() == -1);
    constexpr Match m{12345, 32};
    static_assert(m && m.length() == 32 && m.hop() == 12345);
    static_assert(Match{0, 0}.found() && Match{0, 0}.length() == 0);
    static_assert(Match{Match::max_hop, 17}.hop() == Match::max_hop);
}

TEMPLATE_TEST_CASE("a table prints itself in the router layout", "[routing]", Linear, BinaryTrie,
                   Dir24_8, Poptrie, PerLengthMaps) {
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
                   BinaryTrie, Dir24_8, Poptrie, PerLengthMaps) {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        INFO("seed " << seed);
        random_run<TestType>(seed, 400);
    }
}

TEMPLATE_TEST_CASE("bulk inserts then erases in another order", "[routing][property]", BinaryTrie,
                   Dir24_8, Poptrie) {
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
    CHECK(e.error() == Error{"routing", "leaf", 0, Errc::limit_exceeded, 32768, 32767});
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
