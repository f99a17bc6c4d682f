// The router's forwarding path against a hand-written floor, over the
// 900k-prefix synthetic table (bench/prefix_corpus.hpp).
//
//   router_forward/strata   Router<routing::Default> (nat::None, filter::None):
//                           the whole receive() path
//   router_forward/floor    the same checks written by hand with the wire
//                           views: MAC check, IPv4 validity and header
//                           checksum, TTL, martian source (RFC 1812 §5.3.7),
//                           local destination (§5.2.3: the 4 own and
//                           broadcast addresses compared one by one,
//                           multicast and class E), LPM on the same table,
//                           too big with DF (RFC 1191) against an array of
//                           port MTUs, TTL - 1 (RFC 1624), the egress port
//                           from the next hop, MAC rewrite from an array
//                           indexed by next hop (no ARP cache: what strata
//                           does on top, with counters and the port range
//                           check), copy into the out buffer
//   router_forward/strata_nat_filter
//                           Router<Default, nat::Napt, filter::Stateful<Rules>>:
//                           10,000 established TCP flows mapped and tracked,
//                           100 rules (none matching the burst)
//
// A burst is 1,024 prebuilt Ethernet/IPv4/TCP frames of mixed sizes (54,
// 118, 566 and 1514 bytes) of 1,024 flows (250 hosts on port 0's network)
// to 256 destinations, every one matched by a table route (not a connected
// one), with the ARP cache warm for the 256 gateways. Port 0 faces the
// hosts (10.255.0.1/24), port 1 the gateways 100.64.k.1 (100.64.255.254/16). The out token writes
// every frame into one reused buffer, so nothing is allocated per frame. items_per_second = frames
// per second.
//
// Both paths decrement the TTL (from 255) in the burst's frames and write
// the Ethernet header into the out buffer; every 200 bursts the TTL and
// header checksum are put back (both paths, inside the timing: a few
// nanoseconds per frame per 200 passes). The NAT rewrites the source address
// and port in place too, so strata_nat_filter puts the 54 header bytes of
// every frame back after every burst (inside the timing: one 54-byte copy
// per frame, about 1 ns, which the ratio to the plain path includes).
//
// `nat::None`/`filter::None` compile to nothing: Router<Default> contains
// no call of either (tested with `if constexpr`), which this benchmark shows
// as strata within the goal of the floor, which has no such code either.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <strata/device/router.hpp>
#include <strata/policy/filter/rules.hpp>
#include <strata/policy/filter/stateful.hpp>
#include <strata/policy/nat/napt.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>

#include "prefix_corpus.hpp"

using namespace strata;

namespace {

/// Writes each frame into one buffer and keeps only a count and a checksum
/// of the lengths (so the compiler cannot drop the work).
struct BenchOut {
    std::array<Byte, 2048> buf{};
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    PortCaps port_caps{};

    template <class Fill>
    bool send(PortId, std::size_t max_length, Fill&& fill) {
        if (max_length > buf.size()) return false;
        const std::size_t n = fill(MutBytes(buf.data(), max_length));
        ++frames;
        bytes += n;
        return n != 0;
    }
    [[nodiscard]] const PortCaps& caps(PortId) const noexcept { return port_caps; }
    [[nodiscard]] bool tracing() const noexcept { return false; }
    void trace(const TraceEvent&) {}
};
static_assert(FrameOut<BenchOut>);

constexpr std::size_t burst = 1024;
constexpr std::size_t destinations = 256;
constexpr std::size_t flows = 10'000;
const MacAddress ingress_mac{2, 0, 0, 0, 0, 1};
const MacAddress egress_mac{2, 0, 0, 0, 1, 1};
const MacAddress sender_mac{2, 0xaa, 0, 0, 0, 2};
const Ipv4Address outside_address{100, 64, 255, 254};

/// Flow f: host 10.255.0.(2 + f % 250), port 10000 + f / 250, to
/// destination f % 256, port 443.
Ipv4Address host(std::size_t f) {
    return Ipv4Address{10, 255, 0, static_cast<std::uint8_t>(2 + f % 250)};
}
std::uint16_t host_port(std::size_t f) { return static_cast<std::uint16_t>(10000 + f / 250); }

MacAddress gateway_mac(unsigned hop) {
    return MacAddress{2, 0xbb, 0, 0, 0, static_cast<Byte>(hop)};
}
Ipv4Address gateway(unsigned hop) {
    return Ipv4Address{100, 64, static_cast<std::uint8_t>(hop), 1};
}

router::RouterConfig config() {
    router::RouterConfig c;
    c.ports.push_back({ingress_mac, Ipv4Prefix{Ipv4Address{10, 255, 0, 1}, 24}, 1500});
    c.ports.push_back({egress_mac, Ipv4Prefix{outside_address, 16}, 1500});
    return c;
}

using PlainRouter = Router<routing::Default>;

template <class R>
void load_table(R& r) {
    for (const auto& p : bench::prefix_corpus()) {
        // Metric 1: where a corpus prefix equals the connected /16 (metric 0),
        // both stay and the connected one wins.
        if (!r.add_route(router::RouteConfig{
                Ipv4Prefix{Ipv4Address{p.net}, p.len}, gateway(p.hop), {}, 1})) {
            std::fprintf(stderr, "route insert failed\n");
            std::abort();
        }
    }
    for (unsigned k = 0; k < 256; ++k)
        r.arp_cache().learn(gateway(k), gateway_mac(k), PortId{1}, at_ns(0), true);
    for (std::size_t h = 0; h < 250; ++h)
        r.arp_cache().learn(host(h), sender_mac, PortId{0}, at_ns(0), true);
}

PlainRouter& plain_router() {
    static std::unique_ptr<PlainRouter> r = [] {
        auto made = PlainRouter::make(config(), RandomStream{1});
        auto p = std::make_unique<PlainRouter>(std::move(*made));
        load_table(*p);
        return p;
    }();
    return *r;
}

/// 256 destinations inside table prefixes, outside 100.64/16 (the
/// connected network of port 1) and with a route through a gateway.
const std::vector<Ipv4Address>& destination_set() {
    static const std::vector<Ipv4Address> v = [] {
        const auto& t = plain_router().routes();
        std::mt19937_64 g(11);
        const auto& corpus = bench::prefix_corpus();
        std::vector<Ipv4Address> d;
        while (d.size() < destinations) {
            const auto& p = corpus[g() % corpus.size()];
            const Ipv4Address a{p.net | (static_cast<std::uint32_t>(g()) & ~netmask_bits(p.len))};
            if ((a.value() >> 16) == 0x6440) continue;
            const auto m = t.lookup(a);
            if (!m || t.next_hop(m.hop()).on_link()) continue;
            d.push_back(a);
        }
        return d;
    }();
    return v;
}

/// Flow i's TCP segment (20-byte header) with `data` bytes and `flags`,
/// TTL 255, DF, IPv4 checksum by RFC 1071 (the TCP checksum is left zero:
/// nothing on the path verifies it).
std::vector<Byte> segment(std::size_t i, std::size_t data, Byte flags) {
    const auto& dst = destination_set();
    std::vector<Byte> f(14 + 20 + 20 + data, 0x42);
    ingress_mac.to_bytes(f.data());
    sender_mac.to_bytes(f.data() + 6);
    store_be16(f.data() + 12, 0x0800);
    const auto ip = Ipv4View<Byte>::unchecked(MutBytes(f).subspan(14));
    f[14] = 0x45;
    f[15] = 0;
    ip.set_total_len(static_cast<std::uint16_t>(40 + data));
    ip.set_ident(static_cast<std::uint16_t>(i));
    store_be16(f.data() + 20, 0x4000);
    ip.set_ttl(255);
    ip.set_protocol(IpProtocol::tcp);
    ip.set_src(host(i));
    ip.set_dst(dst[i % destinations]);
    ip.fill_checksum();
    Byte* t = f.data() + 34;
    store_be16(t, host_port(i));
    store_be16(t + 2, 443);
    store_be32(t + 4, 1);
    store_be32(t + 8, 1);
    t[12] = 0x50;
    t[13] = flags;
    return f;
}

/// The burst: flows 0..1023, ACK segments with 0, 64, 512 or 1460 data bytes.
struct Burst {
    std::vector<std::vector<Byte>> frames;
    std::vector<std::array<Byte, 54>> pristine; // Ethernet + IPv4 + TCP headers
};

Burst make_burst() {
    Burst b;
    constexpr std::size_t sizes[] = {0, 64, 512, 1460};
    std::mt19937 g(5);
    for (std::size_t i = 0; i < burst; ++i) {
        b.frames.push_back(segment(i, sizes[g() % 4], 0x10));
        std::array<Byte, 54> h{};
        std::memcpy(h.data(), b.frames.back().data(), h.size());
        b.pristine.push_back(h);
    }
    return b;
}

/// TTL and IPv4 checksum back (what forwarding changed).
void restore(Burst& b) {
    for (std::size_t i = 0; i < b.frames.size(); ++i) {
        b.frames[i][22] = b.pristine[i][22];
        b.frames[i][24] = b.pristine[i][24];
        b.frames[i][25] = b.pristine[i][25];
    }
}

/// All 54 header bytes back (NAT rewrote the source address and port).
void restore_headers(Burst& b) {
    for (std::size_t i = 0; i < b.frames.size(); ++i)
        std::memcpy(b.frames[i].data(), b.pristine[i].data(), 54);
}

template <bool AllHeaders, class R>
void bm_strata(benchmark::State& state, R& r) {
    Burst b = make_burst();
    BenchOut out;
    const Instant now = at_ns(1'000'000);
    std::size_t pass = 0;
    const auto dropped_before = r.drops().total();
    for (auto _ : state) {
        for (auto& f : b.frames)
            r.receive(PortId{0}, MutBytes(f), now, out);
        if constexpr (AllHeaders)
            restore_headers(b);
        else if (++pass % 200 == 0)
            restore(b);
    }
    benchmark::DoNotOptimize(out.bytes);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["sent_per_frame"] =
        static_cast<double>(out.frames) / static_cast<double>(state.iterations() * burst);
    state.counters["drops"] = static_cast<double>(r.drops().total() - dropped_before);
}

void bm_router_strata(benchmark::State& state) { bm_strata<false>(state, plain_router()); }

/// The floor: what any router must do, written straight on the views.
struct Floor {
    const routing::Default* table;
    std::array<MacAddress, 256> mac_of_hop{}; ///< the cheapest neighbour table there is
    std::array<MacAddress, 2> port_mac{ingress_mac, egress_mac};
    std::array<std::uint32_t, 2> port_mtu{1500, 1500};
    /// The ports' addresses and their networks' broadcast addresses.
    std::array<Ipv4Address, 4> own{Ipv4Address{10, 255, 0, 1}, Ipv4Address{10, 255, 0, 255},
                                   outside_address, Ipv4Address{100, 64, 255, 255}};

    template <class Out>
    [[gnu::flatten]] void receive(MutBytes frame, Out& out) const {
        const auto eth_r = EthernetView<Byte>::checked(frame);
        if (!eth_r) return;
        const auto eth = *eth_r;
        if (eth.dst() != ingress_mac || eth.ethertype() != EtherType::ipv4) return;
        const auto ip_r = Ipv4View<Byte>::checked(eth.payload());
        if (!ip_r) return;
        const auto ip = *ip_r;
        if (!ip.verify_checksum() || ip.ttl() <= 1) return;
        // RFC 1812 §5.3.7: no forwarding from 0/8's 0.0.0.0, 127/8, class D or E.
        const std::uint32_t src = ip.src().value();
        if (src == 0 || (src >> 24) == 127 || (src >> 28) >= 0xe) return;
        // RFC 1812 §5.2.3 (§4.2.2.11): the router's own addresses, the
        // directed broadcasts of its networks, 255.255.255.255 and multicast
        // are delivered locally, not forwarded.
        const Ipv4Address dst = ip.dst();
        if ((dst.value() >> 28) >= 0xe || dst == own[0] || dst == own[1] || dst == own[2] ||
            dst == own[3])
            return;
        const routing::Match m = table->lookup(dst);
        if (!m) return;
        const routing::NextHop& nh = table->next_hop(m.hop());
        const auto hop = nh.gateway.octet(2);
        const PortId port{nh.interface.value()};
        // RFC 1812 §5.2.6 / RFC 1191: too big with DF is not forwarded.
        if (ip.total_len() > port_mtu[to_index(port) & 1] && ip.dont_frag()) return;
        // TTL - 1 on the TTL/protocol word, checksum by RFC 1624 eqn. 3.
        const std::uint16_t old_word = load_be16(ip.bytes().data() + 8);
        const auto new_word = static_cast<std::uint16_t>(old_word - 0x0100);
        store_be16(ip.bytes().data() + 8, new_word);
        ip.set_checksum(checksum::update16(ip.checksum(), old_word, new_word));
        const std::size_t len = 14 + ip.total_len();
        out.send(port, len, [&](MutBytes b) -> std::size_t {
            mac_of_hop[hop].to_bytes(b.data());
            port_mac[to_index(port) & 1].to_bytes(b.data() + 6);
            store_be16(b.data() + 12, 0x0800);
            std::memcpy(b.data() + 14, frame.data() + 14, len - 14);
            return len;
        });
    }
};

void bm_router_floor(benchmark::State& state) {
    Floor fl{&plain_router().routes()};
    for (unsigned k = 0; k < 256; ++k)
        fl.mac_of_hop[k] = gateway_mac(k);
    Burst b = make_burst();
    BenchOut out;
    std::size_t pass = 0;
    for (auto _ : state) {
        for (auto& f : b.frames)
            fl.receive(MutBytes(f), out);
        if (++pass % 200 == 0) restore(b);
    }
    benchmark::DoNotOptimize(out.bytes);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["sent_per_frame"] =
        static_cast<double>(out.frames) / static_cast<double>(state.iterations() * burst);
}

// ------------------------------------------------------------ NAT + filter
using NatFilterRouter = Router<routing::Default, nat::Napt, filter::Stateful<filter::Rules>>;

/// 100 rules that drop TCP from 198.18.i.0/24 to port 1000 + i: none
/// matches the burst, so a new flow would be checked against all of them.
filter::Rules hundred_rules() {
    std::vector<filter::Rule> rules;
    for (int i = 0; i < 100; ++i) {
        filter::Rule r;
        r.action = filter::Action::drop;
        r.src = Ipv4Prefix{Ipv4Address{198, 18, static_cast<std::uint8_t>(i), 0}, 24};
        r.proto = filter::proto_tcp;
        r.dport = filter::PortRange{static_cast<std::uint16_t>(1000 + i),
                                    static_cast<std::uint16_t>(1000 + i)};
        rules.push_back(r);
    }
    auto built = filter::Rules::build(std::move(rules));
    if (!built) std::abort();
    return std::move(*built);
}

NatFilterRouter& nat_filter_router() {
    static std::unique_ptr<NatFilterRouter> r = [] {
        nat::NaptConfig nc;
        nc.inside_ports = {PortId{0}};
        nc.outside_port = PortId{1};
        nc.public_address = outside_address;
        auto napt = nat::Napt::make(std::move(nc), RandomStream{3});
        if (!napt) std::abort();
        auto made = NatFilterRouter::make(config(), RandomStream{1}, std::move(*napt),
                                          filter::Stateful<filter::Rules>{hundred_rules()});
        if (!made) std::abort();
        auto p = std::make_unique<NatFilterRouter>(std::move(*made));
        load_table(*p);
        // 10,000 flows established: SYN out (mapping and tracking entry
        // created), SYN-ACK back to the public endpoint (SYNs both ways).
        RecordingOut setup(PortCaps{}, false);
        for (std::size_t f = 0; f < flows; ++f) {
            auto syn = segment(f, 0, 0x02);
            p->receive(PortId{0}, MutBytes(syn), at_ns(0), setup);
            const auto pub = p->nat().public_endpoint(IpProtocol::tcp, host(f), host_port(f));
            if (!pub) std::abort();
            auto back = segment(f, 0, 0x12);
            egress_mac.to_bytes(back.data());
            gateway_mac(0).to_bytes(back.data() + 6);
            const auto ip = Ipv4View<Byte>::unchecked(MutBytes(back).subspan(14));
            ip.set_src(destination_set()[f % destinations]);
            ip.set_dst(pub->address);
            ip.fill_checksum();
            store_be16(back.data() + 34, 443);
            store_be16(back.data() + 36, pub->port);
            p->receive(PortId{1}, MutBytes(back), at_ns(0), setup);
            setup.clear();
        }
        if (p->nat().size() != flows || p->drops().total() != 0) {
            std::fprintf(stderr, "setup: %zu mappings, %llu drops\n", p->nat().size(),
                         static_cast<unsigned long long>(p->drops().total()));
            std::abort();
        }
        return p;
    }();
    return *r;
}

void bm_router_nat_filter(benchmark::State& state) { bm_strata<true>(state, nat_filter_router()); }

} // namespace

BENCHMARK(bm_router_strata)->Name("router_forward/strata")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_router_floor)->Name("router_forward/floor")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_router_nat_filter)
    ->Name("router_forward/strata_nat_filter")
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
