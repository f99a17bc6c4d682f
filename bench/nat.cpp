// NAPT translation of established flows, against a hand-written floor.
//
//   nat_translate/strata/{1k,1M}        nat::Napt, as a Router drives it:
//                                       prerouting() then postrouting() per packet
//   nat_translate/floor/{1k,1M}         the least a translator can do: one flat
//                                       hash map from (protocol, address, port)
//                                       to the rewrite, for each direction, and
//                                       the RFC 1624 checksum fixes
//   nat_translate/strata_new_mappings   outbound packets that each need a new
//                                       mapping (port drawn, entry inserted)
//
// Flows are UDP and TCP, half each, from 10.0.0.0/8 hosts; packets are
// prebuilt (65,536 of them, half outbound, half replies, each to a random
// flow) and copied into a work buffer before each translation, since
// translating rewrites them (the copy is in both sides). items_per_second is
// packets (or new mappings) per second. bytes_per_mapping counts what
// operator new handed out while the table was built and filled, over the
// number of mappings (the table reserves for exactly that many).
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/unordered/unordered_flat_map.hpp>
#include <malloc.h>

#include <strata/checksum/internet.hpp>
#include <strata/policy/nat/napt.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

// --- counting operator new --------------------------------------------------------
// Live bytes as malloc counts them (malloc_usable_size: the slack malloc
// adds is counted too, so the figure errs high). Out of line, so that g++
// does not pair an inlined free() with operator new and warn.
namespace {
std::atomic<std::size_t> g_live_bytes{0};
}
[[gnu::noinline]] void* operator new(std::size_t n) {
    void* p = std::malloc(n == 0 ? 1 : n);
    if (!p) throw std::bad_alloc();
    g_live_bytes += malloc_usable_size(p);
    return p;
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    if (!p) return;
    g_live_bytes -= malloc_usable_size(p);
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
[[gnu::noinline]] void* operator new(std::size_t n, std::align_val_t a) {
    void* p = std::aligned_alloc(static_cast<std::size_t>(a),
                                 (n + static_cast<std::size_t>(a) - 1) /
                                     static_cast<std::size_t>(a) * static_cast<std::size_t>(a));
    if (!p) throw std::bad_alloc();
    g_live_bytes += malloc_usable_size(p);
    return p;
}
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept {
    if (!p) return;
    g_live_bytes -= malloc_usable_size(p);
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t a) noexcept {
    operator delete(p, a);
}

namespace {

using namespace strata;
using Packet = std::vector<Byte>;

constexpr PortId wan{0};
constexpr PortId lan{1};
constexpr Ipv4Address public_base{192, 0, 2, 0};
constexpr std::uint16_t port_lo = 1024, port_hi = 65535;

struct NullOut {
    [[nodiscard]] bool tracing() const noexcept { return false; }
    void trace(const TraceEvent&) noexcept {}
};

Packet build(Ipv4Address src, std::uint16_t sport, Ipv4Address dst, std::uint16_t dport,
             bool is_tcp) {
    const std::size_t l4 = is_tcp ? 20 + 6 : 8 + 18; // 46-byte IP packets either way
    Packet b(20 + l4);
    Ipv4Repr ip{};
    ip.src = src;
    ip.dst = dst;
    ip.protocol = is_tcp ? IpProtocol::tcp : IpProtocol::udp;
    ip.payload_len = static_cast<std::uint16_t>(l4);
    ip.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
    if (is_tcp) {
        TcpRepr t{};
        t.src_port = Port{sport};
        t.dst_port = Port{dport};
        t.flags = tcp_flags::ack;
        t.emit(TcpView<Byte>::unchecked(MutBytes(b).subspan(20)), src, dst);
    } else {
        UdpRepr{Port{sport}, Port{dport}, 18}.emit(
            UdpView<Byte>::unchecked(MutBytes(b).subspan(20)), src, dst);
    }
    return b;
}

Ipv4Address private_host(std::uint32_t i) { return Ipv4Address{0x0a000000u + (i >> 4)}; }
std::uint16_t private_port(std::uint32_t i) { return static_cast<std::uint16_t>(10000 + (i & 15)); }
bool flow_is_tcp(std::uint32_t i) { return (i >> 4 & 1) != 0; }
Ipv4Address remote(std::uint32_t i) { return Ipv4Address{0xc6336400u + (i % 200)}; }

std::uint16_t pool_size(std::uint32_t flows) {
    return static_cast<std::uint16_t>(flows / 80000 + 1);
}

nat::NaptConfig napt_config(std::uint32_t flows) {
    nat::NaptConfig c;
    c.inside_ports = {lan};
    c.outside_port = wan;
    c.public_address = Ipv4Address{public_base.value() + 1};
    c.public_address_count = pool_size(flows);
    c.port_lo = port_lo;
    c.port_hi = port_hi;
    c.capacity = flows;
    return c;
}

// --- the strata side ----------------------------------------------------------------
struct StrataWorld {
    std::optional<nat::Napt> nat;
    std::vector<Packet> packets; // pristine: even = outbound, odd = inbound
    std::vector<std::uint8_t> inbound;
    double bytes_per_mapping = 0;
};

StrataWorld make_strata(std::uint32_t flows) {
    StrataWorld w;
    NullOut out;
    std::vector<std::pair<Ipv4Address, std::uint16_t>> pub(flows); // not counted
    const std::size_t before = g_live_bytes;
    auto made = nat::Napt::make(napt_config(flows), RandomStream{1});
    if (!made) std::abort();
    w.nat.emplace(std::move(*made));
    for (std::uint32_t i = 0; i < flows; ++i) {
        Packet p = build(private_host(i), private_port(i), remote(i), 80, flow_is_tcp(i));
        const auto o = w.nat->prerouting(lan, MutBytes(p), Instant{}, out);
        if (w.nat->postrouting(lan, wan, MutBytes(p), o.context, Instant{}, out) !=
            nat::Verdict::translated)
            std::abort();
        pub[i] = {Ipv4Address::from_bytes(p.data() + 12), load_be16(p.data() + 20)};
    }
    w.bytes_per_mapping = static_cast<double>(g_live_bytes - before) / flows;
    RandomStream rng{99};
    for (std::uint32_t k = 0; k < 65536; ++k) {
        const auto i = static_cast<std::uint32_t>(rng.below(flows));
        if (k % 2 == 0)
            w.packets.push_back(
                build(private_host(i), private_port(i), remote(i), 80, flow_is_tcp(i)));
        else
            w.packets.push_back(build(remote(i), 80, pub[i].first, pub[i].second, flow_is_tcp(i)));
        w.inbound.push_back(k % 2);
    }
    return w;
}

void nat_strata(benchmark::State& state) {
    const auto flows = static_cast<std::uint32_t>(state.range(0));
    StrataWorld w = make_strata(flows);
    NullOut out;
    Byte work[64];
    std::size_t k = 0, translated = 0;
    for (auto _ : state) {
        const Packet& src = w.packets[k];
        std::memcpy(work, src.data(), src.size());
        const MutBytes b(work, src.size());
        const Instant now = at_ns(static_cast<std::int64_t>(k));
        if (w.inbound[k]) {
            const auto o = w.nat->prerouting(wan, b, now, out);
            translated += o.verdict == nat::Verdict::translated;
            benchmark::DoNotOptimize(w.nat->postrouting(wan, lan, b, o.context, now, out));
        } else {
            const auto o = w.nat->prerouting(lan, b, now, out);
            translated +=
                w.nat->postrouting(lan, wan, b, o.context, now, out) == nat::Verdict::translated;
        }
        benchmark::DoNotOptimize(work);
        k = (k + 1) & 65535;
    }
    if (translated != static_cast<std::size_t>(state.iterations()))
        state.SkipWithError("not all translated");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["bytes_per_mapping"] = w.bytes_per_mapping;
    state.counters["table_bytes_per_mapping"] = static_cast<double>(w.nat->memory_bytes()) / flows;
}

// --- the floor ------------------------------------------------------------------------
// A minimal translator: the 5-tuple's relevant half (protocol, address,
// port) packed in 64 bits, one map per direction, rewrite + RFC 1624 eqn. 3.
struct Floor {
    struct Rewrite {
        std::uint32_t ip;
        std::uint16_t port;
    };
    boost::unordered_flat_map<std::uint64_t, Rewrite> out_map, in_map;
    std::uint32_t public_first = 0, public_count = 0;

    static std::uint64_t key(std::uint8_t proto, std::uint32_t ip, std::uint16_t port) {
        return std::uint64_t{ip} << 24 | std::uint64_t{port} << 8 | proto;
    }
    static std::uint16_t fix(std::uint16_t c, std::uint64_t delta) {
        return static_cast<std::uint16_t>(
            ~checksum::fold(std::uint64_t{static_cast<std::uint16_t>(~c)} + delta));
    }
    static std::uint64_t delta32(std::uint32_t o, std::uint32_t n) {
        return std::uint64_t{static_cast<std::uint16_t>(~(o >> 16))} +
               static_cast<std::uint16_t>(~o) + (n >> 16) + (n & 0xffff);
    }
    // Returns true when translated. The same input checks as a router's
    // NAT must make before touching bytes: version/IHL/length, fragment
    // offset, transport length.
    bool translate(MutBytes b, bool inbound) {
        if (b.size() < 20 || (b[0] >> 4) != 4) return false;
        const std::size_t hl = (b[0] & 0xfu) * 4u;
        const std::size_t tl = load_be16(&b[2]);
        if (hl < 20 || tl > b.size() || tl < hl + 8) return false;
        if ((load_be16(&b[6]) & 0x1fff) != 0) return false;
        const std::uint8_t proto = b[9];
        if (proto != 6 && proto != 17) return false;
        if (proto == 6 && tl < hl + 20) return false;
        Byte* ip = b.data();
        Byte* l4 = ip + hl;
        const std::size_t addr_off = inbound ? 16 : 12, port_off = inbound ? 2 : 0;
        const std::uint32_t addr = load_be32(ip + addr_off);
        const std::uint16_t port = load_be16(l4 + port_off);
        if (inbound && addr - public_first >= public_count) return false;
        auto& map = inbound ? in_map : out_map;
        const auto it = map.find(key(proto, addr, port));
        if (it == map.end()) return false;
        const Rewrite r = it->second;
        const std::uint64_t d_ip = delta32(addr, r.ip);
        store_be32(ip + addr_off, r.ip);
        store_be16(ip + 10, fix(load_be16(ip + 10), d_ip));
        store_be16(l4 + port_off, r.port);
        const std::uint64_t d_l4 = d_ip + static_cast<std::uint16_t>(~port) + std::uint64_t{r.port};
        const std::size_t c_off = proto == 6 ? 16 : 6;
        const std::uint16_t c = load_be16(l4 + c_off);
        if (proto == 17 && c == 0) return true;
        std::uint16_t n = fix(c, d_l4);
        if (proto == 17 && n == 0) n = 0xffff;
        store_be16(l4 + c_off, n);
        return true;
    }
};

void nat_floor(benchmark::State& state) {
    const auto flows = static_cast<std::uint32_t>(state.range(0));
    // The same flows and packets as the strata side, with the public
    // endpoints strata chose (so the two do the same rewrites).
    StrataWorld w = make_strata(flows);
    const std::size_t before = g_live_bytes;
    Floor f;
    f.public_first = public_base.value() + 1;
    f.public_count = pool_size(flows);
    f.out_map.reserve(flows);
    f.in_map.reserve(flows);
    for (std::uint32_t i = 0; i < flows; ++i) {
        const auto proto = static_cast<std::uint8_t>(flow_is_tcp(i) ? 6 : 17);
        const auto ep = w.nat->public_endpoint(static_cast<IpProtocol>(proto), private_host(i),
                                               private_port(i));
        f.out_map[Floor::key(proto, private_host(i).value(), private_port(i))] = {
            ep->address.value(), ep->port};
        f.in_map[Floor::key(proto, ep->address.value(), ep->port)] = {private_host(i).value(),
                                                                      private_port(i)};
    }
    const double floor_bytes = static_cast<double>(g_live_bytes - before) / flows;
    Byte work[64];
    std::size_t k = 0, translated = 0;
    for (auto _ : state) {
        const Packet& src = w.packets[k];
        std::memcpy(work, src.data(), src.size());
        translated += f.translate(MutBytes(work, src.size()), w.inbound[k] != 0);
        benchmark::DoNotOptimize(work);
        k = (k + 1) & 65535;
    }
    if (translated != static_cast<std::size_t>(state.iterations()))
        state.SkipWithError("not all translated");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["bytes_per_mapping"] = floor_bytes;
}

// New mappings: each outbound packet comes from a private endpoint never
// seen; when the table is full it is rebuilt (timing paused).
void nat_new_mappings(benchmark::State& state) {
    constexpr std::uint32_t capacity = 1u << 20;
    std::optional<nat::Napt> n;
    auto fresh = [&] {
        n.reset();
        auto made = nat::Napt::make(napt_config(capacity), RandomStream{5});
        if (!made) std::abort();
        n.emplace(std::move(*made));
    };
    fresh();
    NullOut out;
    const Packet tmpl = build(private_host(0), private_port(0), remote(0), 53, false);
    Byte work[64];
    std::uint32_t i = 0;
    for (auto _ : state) {
        if (i == capacity) {
            state.PauseTiming();
            fresh();
            i = 0;
            state.ResumeTiming();
        }
        std::memcpy(work, tmpl.data(), tmpl.size());
        private_host(i).to_bytes(work + 12);
        store_be16(work + 20, private_port(i));
        const MutBytes b(work, tmpl.size());
        const auto o = n->prerouting(lan, b, Instant{}, out);
        benchmark::DoNotOptimize(n->postrouting(lan, wan, b, o.context, Instant{}, out));
        ++i;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

} // namespace

BENCHMARK(nat_strata)->Name("nat_translate/strata/1k")->Arg(1000);
BENCHMARK(nat_strata)->Name("nat_translate/strata/1M")->Arg(1000000);
BENCHMARK(nat_floor)->Name("nat_translate/floor/1k")->Arg(1000);
BENCHMARK(nat_floor)->Name("nat_translate/floor/1M")->Arg(1000000);
BENCHMARK(nat_new_mappings)->Name("nat_translate/strata_new_mappings");

BENCHMARK_MAIN();
