// The router's forwarding path against a hand-written floor, over the
// 900k-prefix synthetic table (bench/prefix_corpus.hpp).
//
//   router_forward/strata   Router<routing::Default> (nat::None, filter::None):
//                           the whole receive() path
//   router_forward/floor    the same checks written by hand with the wire
//                           views: MAC check, IPv4 validity and header
//                           checksum, TTL, LPM on the same table, TTL - 1
//                           (RFC 1624), MAC rewrite from an array indexed by
//                           next hop, copy into the out buffer
//   router_forward/strata_nat_filter (when built with STRATA_BENCH_NAT_FILTER)
//
// A burst is 1,024 prebuilt Ethernet/IPv4/TCP frames of mixed sizes (54,
// 118, 566 and 1514 bytes) to 256 destinations, every one matched by a
// table route (not a connected one), with the ARP cache warm for the 256
// gateways. The out token writes every frame into one reused buffer, so
// nothing is allocated per frame. items_per_second = frames per second.
//
// Both paths decrement the TTL (from 255) in the burst's frames and write
// the Ethernet header into the out buffer; every 200 bursts the TTL and
// header checksum are put back (both paths, inside the timing: a few
// nanoseconds per frame per 200 passes).
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
constexpr std::uint16_t egress_ports = 16;
const MacAddress ingress_mac{2, 0, 0, 0, 0, 1};
const MacAddress sender_mac{2, 0xaa, 0, 0, 0, 2};
const Ipv4Address sender{10, 255, 0, 2};

MacAddress gateway_mac(unsigned hop) {
    return MacAddress{2, 0xbb, 0, 0, 0, static_cast<Byte>(hop)};
}
Ipv4Address gateway(unsigned hop) {
    return Ipv4Address{100, 64, static_cast<std::uint8_t>(hop), 1};
}

/// Port 0 faces the sender (10.255.0.1/24); ports 1..16 face the gateways:
/// next hop k (100.64.k.1) sits on port 1 + k / 16, whose network is
/// 100.64.(16·(k/16)).0/20.
router::RouterConfig config() {
    router::RouterConfig c;
    c.ports.push_back({ingress_mac, Ipv4Prefix{Ipv4Address{10, 255, 0, 1}, 24}, 1500});
    for (std::uint16_t p = 0; p < egress_ports; ++p)
        c.ports.push_back(
            {MacAddress{2, 0, 0, 0, 1, static_cast<Byte>(p)},
             Ipv4Prefix{Ipv4Address{100, 64, static_cast<std::uint8_t>(16 * p + 15), 254}, 20},
             1500});
    return c;
}

using PlainRouter = Router<routing::Default>;

template <class R>
void load_table(R& r) {
    for (const auto& p : bench::prefix_corpus()) {
        // Metric 1: where a corpus prefix equals a connected /20 (metric 0),
        // both stay and the connected one wins.
        if (!r.add_route(router::RouteConfig{
                Ipv4Prefix{Ipv4Address{p.net}, p.len}, gateway(p.hop), {}, 1})) {
            std::fprintf(stderr, "route insert failed\n");
            std::abort();
        }
    }
    for (unsigned k = 0; k < 256; ++k)
        r.arp_cache().learn(gateway(k), gateway_mac(k),
                            PortId{static_cast<std::uint16_t>(1 + k / 16)}, at_ns(0), true);
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

/// 256 destinations inside table prefixes, outside 100.64/16 (the connected
/// networks) and with a route through a gateway.
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

/// The burst: TCP segments (20-byte header, ACK) with 0, 64, 512 or 1460
/// data bytes, to destination i % 256, TTL 255, DF, checksum by RFC 1071.
struct Burst {
    std::vector<std::vector<Byte>> frames;
    std::vector<std::array<Byte, 3>> pristine; // TTL, checksum
};

Burst make_burst() {
    Burst b;
    constexpr std::size_t sizes[] = {0, 64, 512, 1460};
    std::mt19937 g(5);
    const auto& dst = destination_set();
    for (std::size_t i = 0; i < burst; ++i) {
        const std::size_t data = sizes[g() % 4];
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
        ip.set_src(sender);
        ip.set_dst(dst[i % destinations]);
        ip.fill_checksum();
        Byte* t = f.data() + 34;
        store_be16(t, 40000);
        store_be16(t + 2, 443);
        store_be32(t + 4, 1);
        store_be32(t + 8, 1);
        t[12] = 0x50;
        t[13] = 0x10;
        b.pristine.push_back({f[22], f[24], f[25]});
        b.frames.push_back(std::move(f));
    }
    return b;
}

void restore(Burst& b) {
    for (std::size_t i = 0; i < b.frames.size(); ++i) {
        b.frames[i][22] = b.pristine[i][0];
        b.frames[i][24] = b.pristine[i][1];
        b.frames[i][25] = b.pristine[i][2];
    }
}

template <class R>
void bm_strata(benchmark::State& state, R& r) {
    Burst b = make_burst();
    BenchOut out;
    const Instant now = at_ns(1'000'000);
    std::size_t pass = 0;
    const auto dropped_before = r.drops().total();
    for (auto _ : state) {
        for (auto& f : b.frames)
            r.receive(PortId{0}, MutBytes(f), now, out);
        if (++pass % 200 == 0) restore(b);
    }
    benchmark::DoNotOptimize(out.bytes);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["sent_per_frame"] =
        static_cast<double>(out.frames) / static_cast<double>(state.iterations() * burst);
    state.counters["drops"] = static_cast<double>(r.drops().total() - dropped_before);
}

void bm_router_strata(benchmark::State& state) { bm_strata(state, plain_router()); }

/// The floor: what any router must do, written straight on the views.
struct Floor {
    const routing::Default* table;
    std::array<MacAddress, 256> mac_of_hop{};
    std::array<MacAddress, egress_ports + 1> port_mac{};
    std::array<PortId, 256> port_of_hop{};

    template <class Out>
    void receive(MutBytes frame, Out& out) const {
        const auto eth_r = EthernetView<Byte>::checked(frame);
        if (!eth_r) return;
        const auto eth = *eth_r;
        if (eth.dst() != ingress_mac || eth.ethertype() != EtherType::ipv4) return;
        const auto ip_r = Ipv4View<Byte>::checked(eth.payload());
        if (!ip_r) return;
        const auto ip = *ip_r;
        if (!ip.verify_checksum() || ip.ttl() <= 1) return;
        const routing::Match m = table->lookup(ip.dst());
        if (!m) return;
        const auto hop = table->next_hop(m.hop()).gateway.octet(2);
        // TTL - 1 on the TTL/protocol word, checksum by RFC 1624 eqn. 3.
        const std::uint16_t old_word = load_be16(ip.bytes().data() + 8);
        const auto new_word = static_cast<std::uint16_t>(old_word - 0x0100);
        store_be16(ip.bytes().data() + 8, new_word);
        ip.set_checksum(checksum::update16(ip.checksum(), old_word, new_word));
        const std::size_t len = 14 + ip.total_len();
        out.send(port_of_hop[hop], len, [&](MutBytes b) -> std::size_t {
            mac_of_hop[hop].to_bytes(b.data());
            port_mac[to_index(port_of_hop[hop])].to_bytes(b.data() + 6);
            store_be16(b.data() + 12, 0x0800);
            std::memcpy(b.data() + 14, frame.data() + 14, len - 14);
            return len;
        });
    }
};

void bm_router_floor(benchmark::State& state) {
    Floor fl{&plain_router().routes()};
    for (unsigned k = 0; k < 256; ++k) {
        fl.mac_of_hop[k] = gateway_mac(k);
        fl.port_of_hop[k] = PortId{static_cast<std::uint16_t>(1 + k / 16)};
    }
    for (std::uint16_t p = 0; p < egress_ports; ++p)
        fl.port_mac[1 + p] = MacAddress{2, 0, 0, 0, 1, static_cast<Byte>(p)};
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

} // namespace

BENCHMARK(bm_router_strata)->Name("router_forward/strata")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_router_floor)->Name("router_forward/floor")->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
