// The host's IPv4 pieces: routes, reassembly, fragmentation, path MTU.
// Expected values are derived by hand from the RFCs in the comments.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/stack/ipv4/fragmenter.hpp>
#include <strata/stack/ipv4/pmtu_cache.hpp>
#include <strata/stack/ipv4/reassembler.hpp>
#include <strata/stack/ipv4/route_table.hpp>

using namespace strata;
using namespace strata::stack;
using namespace std::chrono_literals;

namespace {

constexpr PortId port0{0};
constexpr PortId port1{1};
const Ipv4Address src_ip{192, 0, 2, 1};
const Ipv4Address dst_ip{198, 51, 100, 7};

Ipv4Prefix pfx(Ipv4Address a, int len) { return Ipv4Prefix{a, len}; }

Byte pattern(std::size_t i) { return static_cast<Byte>((i * 7 + 3) % 251); }

// A whole datagram: 20-byte header (+ options) and `data_len` patterned bytes.
std::vector<Byte> datagram(std::size_t data_len, bool df = false, Bytes options = {},
                           std::uint16_t ident = 0x1234) {
    Ipv4Repr r;
    r.src = src_ip;
    r.dst = dst_ip;
    r.protocol = IpProtocol::udp;
    r.ident = ident;
    r.dont_frag = df;
    r.payload_len = static_cast<std::uint16_t>(data_len);
    REQUIRE(r.set_options(options));
    std::vector<Byte> b(r.total_len());
    r.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
    for (std::size_t i = 0; i < data_len; ++i)
        b[r.header_len() + i] = pattern(i);
    return b;
}

// One fragment by hand: data bytes [off, off+len) of the pattern.
std::vector<Byte> frag(std::uint32_t off, std::size_t len, bool mf, std::uint16_t ident = 0x1234,
                       Ipv4Address src = src_ip) {
    Ipv4Repr r;
    r.src = src;
    r.dst = dst_ip;
    r.protocol = IpProtocol::udp;
    r.ident = ident;
    r.dont_frag = false;
    r.more_frags = mf;
    r.frag_offset = static_cast<std::uint16_t>(off);
    r.payload_len = static_cast<std::uint16_t>(len);
    std::vector<Byte> b(r.total_len());
    r.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
    for (std::size_t i = 0; i < len; ++i)
        b[20 + i] = pattern(off + i);
    return b;
}

Ipv4View<const Byte> view(const std::vector<Byte>& b) {
    auto v = Ipv4View<const Byte>::checked(Bytes(b));
    REQUIRE(v);
    return *v;
}

std::vector<std::vector<Byte>> split(const std::vector<Byte>& d, std::size_t mtu,
                                     FragmentResult* result = nullptr) {
    std::vector<std::vector<Byte>> out;
    const FragmentResult r = fragment(view(d), mtu, [&](std::size_t len, auto&& fill) {
        std::vector<Byte> b(len + 5, 0xee); // a lent buffer longer than needed
        fill(MutBytes(b));
        CHECK(b[len] == 0xee); // nothing written past `len`
        b.resize(len);
        out.push_back(std::move(b));
    });
    if (result != nullptr) *result = r;
    return out;
}

} // namespace

// ------------------------------------------------------------------ routes

TEST_CASE("route table: connected, default and more specific static routes", "[stack][ip]") {
    RouteTable t;
    REQUIRE(t.add_address(port0, pfx(Ipv4Address{10, 0, 0, 2}, 24)));
    REQUIRE(t.set_default_gateway(Ipv4Address{10, 0, 0, 1}, port0));

    // On-link: the next hop is the destination itself, source the interface's.
    CHECK(t.lookup(Ipv4Address{10, 0, 0, 7}) ==
          NextHop{port0, Ipv4Address{10, 0, 0, 7}, Ipv4Address{10, 0, 0, 2}});
    // Elsewhere: the gateway.
    CHECK(t.lookup(Ipv4Address{8, 8, 8, 8}) ==
          NextHop{port0, Ipv4Address{10, 0, 0, 1}, Ipv4Address{10, 0, 0, 2}});

    // A /24 static route beats the /0 default; a /25 beats the connected /24.
    REQUIRE(t.add(
        HostRoute{pfx(Ipv4Address{192, 168, 5, 0}, 24), Ipv4Address{10, 0, 0, 254}, port0, {}, 0}));
    REQUIRE(t.add(
        HostRoute{pfx(Ipv4Address{10, 0, 0, 128}, 25), Ipv4Address{10, 0, 0, 253}, port0, {}, 0}));
    CHECK(t.lookup(Ipv4Address{192, 168, 5, 9})->next_hop == Ipv4Address{10, 0, 0, 254});
    CHECK(t.lookup(Ipv4Address{192, 168, 6, 9})->next_hop == Ipv4Address{10, 0, 0, 1});
    CHECK(t.lookup(Ipv4Address{10, 0, 0, 200})->next_hop == Ipv4Address{10, 0, 0, 253});
    CHECK(t.lookup(Ipv4Address{10, 0, 0, 100})->next_hop == Ipv4Address{10, 0, 0, 100});

    // A second interface: its prefix, its source address.
    REQUIRE(t.add_address(port1, pfx(Ipv4Address{172, 16, 0, 5}, 16)));
    CHECK(t.lookup(Ipv4Address{172, 16, 3, 3}) ==
          NextHop{port1, Ipv4Address{172, 16, 3, 3}, Ipv4Address{172, 16, 0, 5}});

    // A route's own source wins over the interface's (RFC 1122 §3.3.4.3).
    REQUIRE(t.add(HostRoute{pfx(Ipv4Address{203, 0, 113, 0}, 24), Ipv4Address{10, 0, 0, 1}, port0,
                            Ipv4Address{10, 0, 0, 99}, 0}));
    CHECK(t.lookup(Ipv4Address{203, 0, 113, 1})->source == Ipv4Address{10, 0, 0, 99});

    CHECK(t.is_local(Ipv4Address{10, 0, 0, 2}));
    CHECK_FALSE(t.is_local(Ipv4Address{10, 0, 0, 3}));
    CHECK(t.is_broadcast(Ipv4Address{10, 0, 0, 255}));     // directed, 10.0.0.0/24
    CHECK(t.is_broadcast(Ipv4Address{172, 16, 255, 255})); // directed, 172.16.0.0/16
    CHECK(t.is_broadcast(Ipv4Address::broadcast()));
    CHECK_FALSE(t.is_broadcast(Ipv4Address{10, 0, 0, 254}));
}

TEST_CASE("route table: metric breaks prefix ties; no route is nullopt", "[stack][ip]") {
    RouteTable t;
    REQUIRE(t.add_address(port0, pfx(Ipv4Address{10, 0, 0, 2}, 24)));
    CHECK_FALSE(t.lookup(Ipv4Address{8, 8, 8, 8})); // only the connected route

    REQUIRE(t.set_default_gateway(Ipv4Address{10, 0, 0, 1}, port0, 100));
    REQUIRE(t.set_default_gateway(Ipv4Address{10, 0, 0, 3}, port0, 50));
    // The lower metric wins whatever the order of addition.
    CHECK(t.lookup(Ipv4Address{8, 8, 8, 8})->next_hop == Ipv4Address{10, 0, 0, 3});
    // Same prefix and metric twice: refused, like Linux's EEXIST.
    CHECK_FALSE(t.set_default_gateway(Ipv4Address{10, 0, 0, 9}, port0, 50));
    // Host bits in a static prefix are cleared.
    REQUIRE(t.add(
        HostRoute{pfx(Ipv4Address{192, 168, 1, 77}, 24), Ipv4Address{10, 0, 0, 1}, port0, {}, 0}));
    CHECK(t.find(Ipv4Address{192, 168, 1, 5})->prefix == pfx(Ipv4Address{192, 168, 1, 0}, 24));

    CHECK(t.remove(Ipv4Prefix{}, 50));
    CHECK(t.lookup(Ipv4Address{8, 8, 8, 8})->next_hop == Ipv4Address{10, 0, 0, 1});
    CHECK_FALSE(t.remove(Ipv4Prefix{}, 50));
    CHECK_FALSE(t.add_address(port0, pfx(Ipv4Address{}, 24)));
}

// ------------------------------------------------------------------ fragmenter

TEST_CASE("fragmenter: 4000-byte datagram at MTU 1500, field by field", "[stack][ip]") {
    // RFC 791 §3.2: data per fragment = (1500 - 20) rounded down to 8 = 1480.
    // 4000 - 20 = 3980 data bytes = 1480 + 1480 + 1020; offsets in 8-byte
    // units 0, 1480/8 = 185, 2960/8 = 370; total lengths 1500, 1500, 1040.
    const auto d = datagram(3980);
    REQUIRE(d.size() == 4000);
    FragmentResult r{};
    const auto f = split(d, 1500, &r);
    CHECK(r == FragmentResult{FragmentStatus::ok, 3});
    CHECK(fragment_count(20, 20, 3980, 1500) == 3);
    REQUIRE(f.size() == 3);
    const std::uint16_t units[] = {0, 185, 370};
    const std::uint16_t totals[] = {1500, 1500, 1040};
    const bool mf[] = {true, true, false};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto v = view(f[i]);
        CHECK(f[i].size() == totals[i]);
        CHECK(v.total_len() == totals[i]);
        CHECK(v.frag_offset_raw() == units[i]);
        CHECK(v.more_frags() == mf[i]);
        CHECK_FALSE(v.dont_frag());
        CHECK(v.ident() == 0x1234);
        CHECK(v.src() == src_ip);
        CHECK(v.dst() == dst_ip);
        CHECK(v.protocol() == IpProtocol::udp);
        CHECK(v.verify_checksum());
        const auto p = v.payload();
        for (std::size_t k = 0; k < p.size(); ++k)
            if (p[k] != pattern(units[i] * 8u + k)) FAIL("data byte " << k << " of fragment " << i);
    }

    // And back, byte-exact.
    Reassembler re;
    CHECK(re.add(view(f[0]), at_ns(0)).status == Reassembler::Status::incomplete);
    CHECK(re.add(view(f[1]), at_ns(0)).status == Reassembler::Status::incomplete);
    const auto done = re.add(view(f[2]), at_ns(0));
    REQUIRE(done.status == Reassembler::Status::complete);
    CHECK(std::vector<Byte>(done.datagram.begin(), done.datagram.end()) == d);
}

TEST_CASE("fragmenter: options with the copied flag only in later fragments", "[stack][ip]") {
    // Router alert (RFC 2113: type 0x94, copied flag set, length 4) and
    // record route (type 7, not copied, length 7, pointer 4), then EOL:
    // 11 bytes padded to 12, a 32-byte first header. Later headers carry
    // router alert only: 24 bytes.
    const Byte opts[] = {0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0};
    const auto d = datagram(3968, false, Bytes(opts)); // 32 + 3968 = 4000
    REQUIRE(d.size() == 4000);
    // First: (1500 - 32) = 1468 → 1464 (multiple of 8), total 1496.
    // Later: (1500 - 24) = 1476 → 1472, offset 1464 = 183 units, total 1496.
    // Last: 3968 - 1464 - 1472 = 1032, offset 2936 = 367 units, total 1056.
    CHECK(fragment_count(32, 24, 3968, 1500) == 3);
    const auto f = split(d, 1500);
    REQUIRE(f.size() == 3);
    CHECK(view(f[0]).header_len() == 32);
    CHECK(view(f[1]).header_len() == 24);
    CHECK(view(f[2]).header_len() == 24);
    CHECK(view(f[0]).total_len() == 1496);
    CHECK(view(f[1]).total_len() == 1496);
    CHECK(view(f[2]).total_len() == 1056);
    CHECK(view(f[1]).frag_offset_raw() == 183);
    CHECK(view(f[2]).frag_offset_raw() == 367);
    CHECK(f[1][20] == 0x94);
    CHECK(f[1][21] == 4);
    CHECK(std::equal(f[0].begin() + 20, f[0].begin() + 32, d.begin() + 20)); // all options
    for (const auto& x : f)
        CHECK(view(x).verify_checksum());

    // Reassembled from fragment 0's header: the original, byte-exact.
    Reassembler re;
    re.add(view(f[2]), at_ns(0));
    re.add(view(f[0]), at_ns(0));
    const auto done = re.add(view(f[1]), at_ns(0));
    REQUIRE(done.status == Reassembler::Status::complete);
    CHECK(std::vector<Byte>(done.datagram.begin(), done.datagram.end()) == d);
}

TEST_CASE("fragmenter: fits, DF, MTU too small", "[stack][ip]") {
    const auto small = datagram(100, true);
    FragmentResult r{};
    const auto one = split(small, 1500, &r);
    CHECK(r == FragmentResult{FragmentStatus::ok, 1});
    REQUIRE(one.size() == 1);
    CHECK(one[0] == small); // unchanged, DF and all

    const auto big = datagram(3980, true);
    split(big, 1500, &r);
    CHECK(r == FragmentResult{FragmentStatus::dont_fragment, 0});

    // RFC 791: 68 = 60-byte header + 8; with 20 bytes, 28 is the least.
    const auto d = datagram(100);
    // 100 data bytes in 8-byte pieces: 12 of 8 and a last of 4 = 13.
    CHECK(split(d, 28, &r).size() == 13);
    CHECK(r.count == 13);
    CHECK(fragment_count(20, 20, 100, 28) == 13);
    split(d, 27, &r);
    CHECK(r == FragmentResult{FragmentStatus::mtu_too_small, 0});
}

// ------------------------------------------------------------------ reassembly

namespace {
using Status = Reassembler::Status;

// The 4000-byte datagram's three fragments at MTU 1500 (see above).
std::vector<std::vector<Byte>> three() {
    return {frag(0, 1480, true), frag(1480, 1480, true), frag(2960, 1020, false)};
}
} // namespace

TEST_CASE("reassembly: in order, reversed, every permutation", "[stack][ip]") {
    const auto whole = datagram(3980);
    auto f = three();
    std::vector<std::size_t> order{0, 1, 2};
    int perms = 0;
    do {
        Reassembler re;
        Reassembler::Result r{};
        for (std::size_t k = 0; k < 3; ++k) {
            r = re.add(view(f[order[k]]), at_ns(0));
            if (k < 2) CHECK(r.status == Status::incomplete);
        }
        REQUIRE(r.status == Status::complete);
        CHECK(std::vector<Byte>(r.datagram.begin(), r.datagram.end()) == whole);
        CHECK(re.pending() == 0);
        CHECK(re.memory_used() == 0);
        CHECK(re.counters().reassembled == 1);
        ++perms;
    } while (std::next_permutation(order.begin(), order.end()));
    CHECK(perms == 6);
}

TEST_CASE("reassembly: 50 fragments shuffled", "[stack][ip]") {
    // MTU 100: (100 - 20) = 80 data bytes each; 3980 = 49 * 80 + 60: 50 fragments.
    const auto whole = datagram(3980);
    auto f = split(whole, 100);
    REQUIRE(f.size() == 50);
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(f.begin(), f.end(), rng);
        Reassembler re;
        Reassembler::Result r{};
        for (std::size_t k = 0; k < f.size(); ++k) {
            r = re.add(view(f[k]), at_ns(0));
            if (k + 1 < f.size()) REQUIRE(r.status == Status::incomplete);
        }
        REQUIRE(r.status == Status::complete);
        CHECK(std::vector<Byte>(r.datagram.begin(), r.datagram.end()) == whole);
    }
}

TEST_CASE("reassembly: exact duplicates are ignored", "[stack][ip]") {
    const auto whole = datagram(3980);
    const auto f = three();
    Reassembler re;
    CHECK(re.add(view(f[1]), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(f[1]), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(f[0]), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(f[0]), at_ns(0)).status == Status::incomplete);
    CHECK(re.counters().duplicates == 2);
    CHECK(re.pending() == 1);
    const auto r = re.add(view(f[2]), at_ns(0));
    REQUIRE(r.status == Status::complete);
    CHECK(std::vector<Byte>(r.datagram.begin(), r.datagram.end()) == whole);
    // A piece inside data already held is a duplicate too (Linux's
    // IPFRAG_DUP): [8, 16) within [0, 1480).
    Reassembler re2;
    re2.add(view(f[0]), at_ns(0));
    CHECK(re2.add(view(frag(8, 8, true)), at_ns(0)).status == Status::incomplete);
    CHECK(re2.counters().duplicates == 1);
    CHECK(re2.pending() == 1);
}

TEST_CASE("reassembly: overlapping fragments drop the datagram", "[stack][ip]") {
    Reassembler re;
    // [0, 16) then [8, 24): bytes 8..15 twice, 16..23 new → overlap (RFC 5722).
    CHECK(re.add(view(frag(0, 16, true)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(8, 16, true)), at_ns(0)).status == Status::overlap);
    CHECK(re.pending() == 0);
    CHECK(re.memory_used() == 0);
    CHECK(re.counters().overlaps == 1);
    // The rest of the datagram starts a new one and cannot complete it:
    // [16, 24) last → holes [0, 16) remain.
    CHECK(re.add(view(frag(16, 8, false)), at_ns(0)).status == Status::incomplete);
    CHECK(re.pending() == 1);

    // Overlap on the left side of received data: [16, 32) then [8, 24).
    Reassembler re2;
    re2.add(view(frag(16, 16, true, 9)), at_ns(0));
    CHECK(re2.add(view(frag(8, 16, true, 9)), at_ns(0)).status == Status::overlap);
    // A fragment spanning a whole received piece: [16, 24) then [8, 32).
    Reassembler re3;
    re3.add(view(frag(16, 8, true, 9)), at_ns(0));
    CHECK(re3.add(view(frag(8, 24, true, 9)), at_ns(0)).status == Status::overlap);
    CHECK(re3.counters().overlaps == 1);
}

TEST_CASE("reassembly: timeout, with time exceeded only when fragment 0 came", "[stack][ip]") {
    const auto f = three();
    Reassembler re; // 30 s default
    const Instant t0 = at_ns(1'000'000'000);
    CHECK(re.poll_at() == never);
    re.add(view(f[0]), t0);
    re.add(view(f[2]), t0 + 1s); // the timer is not re-armed
    // Datagram B: no fragment 0.
    re.add(view(frag(1480, 1480, true, 0x5555)), t0 + 2s);
    CHECK(re.poll_at() == t0 + 30s);
    std::vector<ExpiredDatagram> got;
    std::vector<std::vector<Byte>> quotes;
    const auto collect = [&](const ExpiredDatagram& e) {
        got.push_back(e);
        quotes.emplace_back(e.quote.begin(), e.quote.end());
    };
    CHECK(re.expire(t0 + 30s - 1ns, collect) == 0);
    CHECK(re.expire(t0 + 30s, collect) == 1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].had_first);
    CHECK(got[0].src == src_ip);
    CHECK(got[0].dst == dst_ip);
    CHECK(got[0].ident == 0x1234);
    CHECK(got[0].protocol == IpProtocol::udp);
    // RFC 792: the internet header of the original (fragment 0 as it came,
    // MF set) and its first 64 bits of data: 20 + 8 bytes.
    CHECK(quotes[0] == std::vector<Byte>(f[0].begin(), f[0].begin() + 28));
    CHECK(re.poll_at() == t0 + 32s);
    CHECK(re.expire(t0 + 32s, collect) == 1);
    REQUIRE(got.size() == 2);
    CHECK_FALSE(got[1].had_first); // no ICMP: RFC 1122 §3.3.2
    CHECK(quotes[1].empty());
    CHECK(re.counters().timeouts == 2);
    CHECK(re.pending() == 0);
    CHECK(re.poll_at() == never);
    // The missing middle fragment now starts a new datagram.
    CHECK(re.add(view(f[1]), t0 + 33s).status == Status::incomplete);
}

TEST_CASE("reassembly: the memory cap evicts the oldest datagram", "[stack][ip]") {
    // 4 KiB = 8 blocks of 512. A 1480-byte fragment takes 3 blocks.
    Reassembler re(ReassemblyConfig{30s, 4096, 64, 64});
    re.add(view(frag(0, 1480, true, 1)), at_ns(0)); // A: 3 blocks
    re.add(view(frag(0, 1480, true, 2)), at_ns(1)); // B: 3 blocks, 2 free
    CHECK(re.memory_used() == 6 * 512);
    re.add(view(frag(0, 1480, true, 3)), at_ns(2)); // C needs 3: A goes
    CHECK(re.counters().evicted == 1);
    CHECK(re.pending() == 2);
    CHECK(re.memory_used() == 6 * 512);
    // A's last fragment finds no datagram: it starts a new one (D).
    CHECK(re.add(view(frag(1480, 1480, false, 1)), at_ns(3)).status == Status::incomplete);
    CHECK(re.counters().evicted == 2); // B made room for it
    // B is gone; C completes.
    const auto done = re.add(view(frag(1480, 8, false, 3)), at_ns(4));
    CHECK(done.status == Status::complete);
    CHECK(done.datagram.size() == 20 + 1488);

    // A datagram larger than all the memory: no_memory once it cannot grow.
    Reassembler small(ReassemblyConfig{30s, 2048, 64, 64}); // 4 blocks
    CHECK(small.add(view(frag(0, 1480, true, 1)), at_ns(0)).status == Status::incomplete);
    CHECK(small.add(view(frag(1480, 1480, true, 1)), at_ns(0)).status == Status::no_memory);
    CHECK(small.pending() == 0);
    CHECK(small.memory_used() == 0);
    CHECK(small.counters().no_memory == 1);

    // Out of slots: the oldest datagram goes.
    Reassembler two(ReassemblyConfig{30s, 64 * 1024, 2, 64});
    two.add(view(frag(0, 8, true, 1)), at_ns(0));
    two.add(view(frag(0, 8, true, 2)), at_ns(1));
    two.add(view(frag(0, 8, true, 3)), at_ns(2));
    CHECK(two.pending() == 2);
    CHECK(two.counters().evicted == 1);
    CHECK(two.add(view(frag(8, 8, false, 2)), at_ns(3)).status == Status::complete);
    CHECK(two.add(view(frag(8, 8, false, 1)), at_ns(3)).status == Status::incomplete);
}

TEST_CASE("reassembly: malformed fragments", "[stack][ip]") {
    Reassembler re;
    // MF with 12 data bytes: not a multiple of 8 (RFC 791).
    CHECK(re.add(view(frag(0, 12, true)), at_ns(0)).status == Status::malformed);
    CHECK(re.pending() == 0);
    // Offset 8184 units = 65472 bytes; + 100 data + 20 header = 65592 > 65535.
    CHECK(re.add(view(frag(65472, 100, false)), at_ns(0)).status == Status::too_big);
    // Exactly 65535: 20 + 65472 + 43.
    CHECK(re.add(view(frag(65472, 43, false, 77)), at_ns(0)).status == Status::incomplete);
    // A too-big fragment drops the datagram it belongs to.
    CHECK(re.add(view(frag(0, 8, true, 5)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(65528, 16, true, 5)), at_ns(0)).status == Status::too_big);
    CHECK(re.pending() == 1); // only ident 77 left
    // Ends that disagree: last fragment ends at 100, then another at 200.
    CHECK(re.add(view(frag(80, 20, false, 6)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(160, 40, false, 6)), at_ns(0)).status == Status::malformed);
    // Data beyond a known end: last ends at 100, then [96, 112) with MF.
    CHECK(re.add(view(frag(80, 20, false, 7)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(96, 16, true, 7)), at_ns(0)).status == Status::malformed);
    // A last fragment ending before data already held.
    CHECK(re.add(view(frag(96, 16, true, 8)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(8, 12, false, 8)), at_ns(0)).status == Status::malformed);
    CHECK(re.pending() == 1);
    CHECK(re.counters().malformed == 4);
    CHECK(re.counters().too_big == 2);

    // Not a fragment: returned as is.
    const auto d = datagram(10);
    const auto r = re.add(view(d), at_ns(0));
    CHECK(r.status == Status::complete);
    CHECK(r.datagram.data() == d.data());
    CHECK(r.datagram.size() == d.size());
}

TEST_CASE("reassembly: same id from another source is another datagram", "[stack][ip]") {
    Reassembler re;
    re.add(view(frag(0, 8, true, 1, Ipv4Address{192, 0, 2, 1})), at_ns(0));
    CHECK(re.add(view(frag(8, 8, false, 1, Ipv4Address{192, 0, 2, 99})), at_ns(0)).status ==
          Status::incomplete);
    CHECK(re.pending() == 2);
    const auto r = re.add(view(frag(8, 8, false, 1, Ipv4Address{192, 0, 2, 1})), at_ns(0));
    REQUIRE(r.status == Status::complete);
    const std::vector<Byte> whole(r.datagram.begin(), r.datagram.end());
    const auto v = view(whole);
    // Reassembled header: total 36, MF and offset cleared, checksum good.
    CHECK(v.total_len() == 36);
    CHECK_FALSE(v.more_frags());
    CHECK(v.frag_offset_raw() == 0);
    CHECK(v.verify_checksum());
}

// ------------------------------------------------------------------ PMTU

TEST_CASE("pmtu: learn from frag-needed, never raise, age after 10 minutes", "[stack][ip]") {
    PmtuCache c;
    const Instant t0 = at_ns(5'000'000'000);
    const Ipv4Address other{198, 51, 100, 8};
    CHECK(c.mtu(dst_ip, 1500, t0) == 1500);
    CHECK(c.learn(dst_ip, 1400, 1500, 1500, t0) == std::optional<std::uint32_t>{1400});
    CHECK(c.mtu(dst_ip, 1500, t0) == 1400);
    CHECK(c.mtu(other, 1500, t0) == 1500);
    // RFC 1191 §3: ICMP never raises the estimate.
    CHECK_FALSE(c.learn(dst_ip, 1450, 1400, 1500, t0 + 1s));
    CHECK(c.mtu(dst_ip, 1500, t0 + 1s) == 1400);
    CHECK(c.learn(dst_ip, 1300, 1400, 1500, t0 + 2s) == std::optional<std::uint32_t>{1300});
    // Never above the interface's MTU.
    CHECK(c.mtu(dst_ip, 1280, t0 + 2s) == 1280);
    // §6.3: forgotten 10 minutes after it was learned (t0 + 2 s).
    CHECK(c.poll_at() == t0 + 2s + 10min);
    CHECK(c.mtu(dst_ip, 1500, t0 + 2s + 10min - 1ns) == 1300);
    CHECK(c.mtu(dst_ip, 1500, t0 + 2s + 10min) == 1500);
    CHECK(c.expire(t0 + 2s + 10min) == 1);
    CHECK(c.size() == 0);
    CHECK(c.poll_at() == never);
}

TEST_CASE("pmtu: plateaus when the router reports 0, and the floor", "[stack][ip]") {
    // RFC 1191 §7: ... 2002, 1492, 1006, 508, 296, 68; the largest below
    // the quoted total length.
    CHECK(pmtu_plateau_below(1500) == 1492);
    CHECK(pmtu_plateau_below(1492) == 1006);
    CHECK(pmtu_plateau_below(4000) == 2002);
    CHECK(pmtu_plateau_below(68) == 68);
    PmtuCache c;
    const Instant t = at_ns(0);
    CHECK(c.learn(dst_ip, 0, 1500, 1500, t) == std::optional<std::uint32_t>{1492});
    CHECK(c.learn(dst_ip, 0, 1492, 1500, t) == std::optional<std::uint32_t>{1006});
    // A reported MTU below 68 is raised to 68 (RFC 1191 §3).
    CHECK(c.learn(dst_ip, 40, 1006, 1500, t) == std::optional<std::uint32_t>{68});
    // Linux's floor, 552.
    PmtuCache linux_like(PmtuConfig{256, 10min, 552});
    CHECK(linux_like.learn(dst_ip, 300, 1500, 1500, t) == std::optional<std::uint32_t>{552});
}

TEST_CASE("pmtu: fixed capacity forgets the oldest", "[stack][ip]") {
    PmtuCache c(PmtuConfig{2, 10min, 68});
    const Ipv4Address a{10, 0, 0, 1}, b{10, 0, 0, 2}, d{10, 0, 0, 3};
    c.learn(a, 1400, 1500, 1500, at_ns(0));
    c.learn(b, 1400, 1500, 1500, at_ns(1));
    c.learn(d, 1400, 1500, 1500, at_ns(2));
    CHECK(c.size() == 2);
    CHECK(c.mtu(a, 1500, at_ns(3)) == 1500);
    CHECK(c.mtu(b, 1500, at_ns(3)) == 1400);
    CHECK(c.mtu(d, 1500, at_ns(3)) == 1400);
}

TEST_CASE("reassembly: small in-order fragments share blocks", "[stack][ip]") {
    // 4 blocks of 512 = 2048 bytes. 200 fragments of 8 bytes in order =
    // 1600 bytes: 4 blocks when packed (a block each would need 200).
    Reassembler re(ReassemblyConfig{30s, 2048, 64, 64});
    Reassembler::Result r{};
    for (std::uint32_t k = 0; k < 200; ++k)
        r = re.add(view(frag(k * 8, 8, k != 199)), at_ns(0));
    REQUIRE(r.status == Status::complete);
    CHECK(r.datagram.size() == 20 + 1600);
    for (std::size_t i = 0; i < 1600; ++i)
        if (r.datagram[20 + i] != pattern(i)) FAIL("byte " << i);
    CHECK(re.counters().no_memory == 0);
    CHECK(re.counters().evicted == 0);
}

TEST_CASE("fragment then reassemble: sizes, MTUs, orders", "[stack][ip]") {
    // Router alert (copied) and a no-operation: 5 bytes padded to 8.
    const Byte opts[] = {0x94, 4, 0, 0, 1};
    int runs = 0;
    for (const bool with_options : {false, true}) {
        for (const std::size_t data : {1u, 7u, 8u, 9u, 1000u, 8000u, 65507u}) {
            const std::size_t n = with_options ? data - (data > 8 ? 8 : 0) : data;
            const auto d = datagram(n, false, with_options ? Bytes(opts) : Bytes{});
            for (const std::size_t mtu : {68u, 576u, 1280u, 1500u, 9000u}) {
                const auto f = split(d, mtu);
                // Later fragments keep router alert only: 20 + 4.
                const std::size_t hl = with_options ? 28 : 20;
                const std::size_t later_hl = with_options ? 24 : 20;
                INFO("data " << n << " mtu " << mtu << " options " << with_options);
                REQUIRE(f.size() == fragment_count(hl, later_hl, n, mtu));
                for (const bool reversed : {false, true}) {
                    Reassembler re(ReassemblyConfig{30s, 1 << 20, 4, 64});
                    Reassembler::Result r{};
                    for (std::size_t k = 0; k < f.size(); ++k)
                        r = re.add(view(f[reversed ? f.size() - 1 - k : k]), at_ns(0));
                    REQUIRE(r.status == Status::complete);
                    REQUIRE(std::equal(r.datagram.begin(), r.datagram.end(), d.begin(), d.end()));
                    ++runs;
                }
            }
        }
    }
    CHECK(runs == 2 * 7 * 5 * 2);
}

TEST_CASE("reassembly: too many holes is no_memory", "[stack][ip]") {
    Reassembler re(ReassemblyConfig{30s, 64 * 1024, 4, 2});
    // [16, 24) splits [0, ∞) into [0, 16) and [24, ∞): two holes, the cap.
    CHECK(re.add(view(frag(16, 8, true)), at_ns(0)).status == Status::incomplete);
    // [40, 48) would split [24, ∞) again: a third hole.
    CHECK(re.add(view(frag(40, 8, true)), at_ns(0)).status == Status::no_memory);
    CHECK(re.pending() == 0);
    // Filling a hole from its edge needs no new descriptor.
    CHECK(re.add(view(frag(16, 8, true, 2)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(24, 8, true, 2)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(0, 16, true, 2)), at_ns(0)).status == Status::incomplete);
    CHECK(re.add(view(frag(32, 8, false, 2)), at_ns(0)).status == Status::complete);
}
