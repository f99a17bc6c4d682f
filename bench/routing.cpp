// Longest-prefix-match tables on a synthetic table shaped like the IPv4 BGP
// table (900,000 prefixes, per-length counts below, next hops 0..255, fixed
// seed), against DPDK's rte_lpm and rte_fib when libdpdk-dev is installed.
//
//   lpm_build/<model>                      insert every prefix; memory_bytes
//   lpm_lookup/<model>/random/<single|bulk> 2^20 uniformly random addresses
//   lpm_lookup/<model>/hit/<single|bulk>    2^20 addresses inside the table's
//                                          prefixes (a random prefix, then
//                                          random host bits: a /32 gives its
//                                          one address)
// bulk = batches of 64. items_per_second is lookups per second.
// Models: binary_trie, dir24_8, poptrie, strata (= routing::Default, which
// is routing::Adaptive: a Poptrie once the table passes 1,024 prefixes), and
// rte_lpm, rte_fib (DIR24_8, 2-byte next hops; bulk only: rte_fib has no
// single-address lookup). routing::Linear is left out: 900k routes x 2^20
// lookups is hours.
//
// DPDK runs with --no-huge --no-pci -m 2048 --no-shconf -l 0 --no-telemetry
// --force-max-simd-bitwidth=512 (root needed); if EAL init fails, the DPDK
// models are skipped with a message.
//
// After the benchmarks, every model that was built is checked to give the
// same answer (next hop 0..255 or none) on 2^16 addresses of each workload;
// a disagreement is printed and the exit status is 2.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(STRATA_BENCH_ROUTING_DPDK)
#pragma GCC system_header
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "dpdk_eal.hpp"
#else
#include <strata/policy/routing/adaptive.hpp>
#include <strata/policy/routing/binary_trie.hpp>
#include <strata/policy/routing/dir24_8.hpp>
#include <strata/policy/routing/poptrie.hpp>

#include "prefix_corpus.hpp"

#if STRATA_HAVE_DPDK
// DPDK's headers are C with GNU extensions (named variadic macros, VLAs)
// that -Wpedantic -Werror rejects, and g++ 12 ignores diagnostic pragmas
// for macro definitions. This file includes itself once more with
// STRATA_BENCH_ROUTING_DPDK set, where `#pragma GCC system_header` marks
// those includes as system headers (see the top of the file).
#define STRATA_BENCH_ROUTING_DPDK 1
#include "../bench/routing.cpp" // a different spelling: g++ treats __FILE__ as the main file
#undef STRATA_BENCH_ROUTING_DPDK
#endif

using namespace strata;
using namespace strata::routing;

namespace {

// ------------------------------------------------------------------ the table
// The shared synthetic table (bench/prefix_corpus.hpp).
using bench::Prefix;
const std::vector<Prefix>& table() { return bench::prefix_corpus(); }

constexpr std::size_t lookups = std::size_t{1} << 20;
constexpr std::size_t batch = 64;

const std::vector<std::uint32_t>& random_addresses() {
    static const std::vector<std::uint32_t> v = [] {
        std::mt19937 g(7);
        std::vector<std::uint32_t> a(lookups);
        for (auto& x : a)
            x = static_cast<std::uint32_t>(g());
        return a;
    }();
    return v;
}

const std::vector<std::uint32_t>& hit_addresses() {
    static const std::vector<std::uint32_t> v = [] {
        std::mt19937_64 g(8);
        const auto& t = table();
        std::vector<std::uint32_t> a(lookups);
        for (auto& x : a) {
            const Prefix& p = t[g() % t.size()];
            x = p.net | (static_cast<std::uint32_t>(g()) & ~netmask_bits(p.len));
        }
        return a;
    }();
    return v;
}

/// Next hop k is gateway 100.64.k.1 on interface k % 16: 256 distinct next
/// hops, so that answers compare across models as the number k.
NextHop next_hop_of(std::uint8_t k) {
    return NextHop{Ipv4Address{100, 64, k, 1}, InterfaceId{static_cast<std::uint16_t>(k % 16)}, 0};
}
constexpr int no_route = -1;

// ------------------------------------------------------------ strata models
template <class T>
std::unique_ptr<T> build_strata() {
    auto t = std::make_unique<T>();
    for (const Prefix& p : table()) {
        if (!t->insert(Ipv4Prefix{Ipv4Address{p.net}, p.len}, next_hop_of(p.hop))) {
            std::fprintf(stderr, "insert failed\n");
            std::abort();
        }
    }
    return t;
}

template <class T>
std::unique_ptr<T>& shared_strata() {
    static std::unique_ptr<T> t;
    return t;
}
template <class T>
const T& get_strata() {
    auto& t = shared_strata<T>();
    if (!t) t = build_strata<T>();
    return *t;
}

template <class T>
int answer_strata(const T& t, std::uint32_t a) {
    const Match m = t.lookup(Ipv4Address{a});
    if (!m) return no_route;
    return t.next_hop(m.hop()).gateway.octet(2);
}

template <class T>
void bm_build_strata(benchmark::State& state) {
    table();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto t = build_strata<T>();
        bytes = t->memory_bytes();
        state.PauseTiming();
        shared_strata<T>() = std::move(t); // reused by the lookup benchmarks
        state.ResumeTiming();
    }
    state.counters["memory_bytes"] = static_cast<double>(bytes);
    state.counters["memory_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
    state.counters["prefixes"] = static_cast<double>(table().size());
}

template <class T>
void bm_single_strata(benchmark::State& state, const std::vector<std::uint32_t>* addrs) {
    const T& t = get_strata<T>();
    const auto* a = reinterpret_cast<const Ipv4Address*>(addrs->data());
    std::size_t found = 0;
    for (auto _ : state) {
        std::uint32_t sum = 0;
        std::size_t hit = 0;
        for (std::size_t i = 0; i < lookups; ++i) {
            const Match m = t.lookup(a[i]);
            sum += m.raw();
            hit += m.found();
        }
        benchmark::DoNotOptimize(sum);
        found = hit;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lookups));
    state.counters["matched"] = static_cast<double>(found) / lookups;
}

template <class T>
void bm_bulk_strata(benchmark::State& state, const std::vector<std::uint32_t>* addrs) {
    const T& t = get_strata<T>();
    const auto* a = reinterpret_cast<const Ipv4Address*>(addrs->data());
    std::array<Match, batch> out{};
    for (auto _ : state) {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < lookups; i += batch) {
            t.lookup_bulk(std::span<const Ipv4Address>(a + i, batch), out);
            sum += out[0].raw() + out[batch - 1].raw();
        }
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lookups));
}

static_assert(sizeof(Ipv4Address) == 4, "addresses are reinterpreted from uint32_t arrays");

// ------------------------------------------------------------------- DPDK
#if STRATA_HAVE_DPDK
bool dpdk_ready = false;

std::size_t dpdk_heap_bytes() {
    rte_malloc_socket_stats s{};
    rte_malloc_get_socket_stats(0, &s);
    return s.heap_allocsz_bytes;
}

struct Lpm {
    rte_lpm* lpm = nullptr;
    std::size_t bytes = 0;
    ~Lpm() { rte_lpm_free(lpm); }
};
struct Fib {
    rte_fib* fib = nullptr;
    std::size_t bytes = 0;
    bool avx512 = false;
    ~Fib() { rte_fib_free(fib); }
};

std::unique_ptr<Lpm>& shared_lpm() {
    static std::unique_ptr<Lpm> p;
    return p;
}
std::unique_ptr<Fib>& shared_fib() {
    static std::unique_ptr<Fib> p;
    return p;
}

std::unique_ptr<Lpm> build_lpm() {
    const std::size_t before = dpdk_heap_bytes();
    auto l = std::make_unique<Lpm>();
    // 2^14 groups of 256 for the > /24 prefixes (4,500 /24s hold one).
    rte_lpm_config cfg{};
    cfg.max_rules = 1u << 20;
    cfg.number_tbl8s = 1u << 14;
    l->lpm = rte_lpm_create("bench_lpm", 0, &cfg);
    if (!l->lpm) {
        std::fprintf(stderr, "rte_lpm_create: %s\n", rte_strerror(rte_errno));
        std::abort();
    }
    for (const Prefix& p : table())
        if (rte_lpm_add(l->lpm, p.net, p.len, p.hop) != 0) std::abort();
    l->bytes = dpdk_heap_bytes() - before;
    return l;
}

std::unique_ptr<Fib> build_fib() {
    const std::size_t before = dpdk_heap_bytes();
    auto f = std::make_unique<Fib>();
    rte_fib_conf cfg{};
    cfg.type = RTE_FIB_DIR24_8;
    cfg.default_nh = 0x7fff; // "no route": outside 0..255, fits every nh_sz but 1B
    cfg.max_routes = 1 << 20;
    cfg.rib_ext_sz = 0;
    // 2-byte next hops by default: the smallest that holds 0..255 and the
    // miss value (1B holds 0..127), so rte_fib's fastest setting; it is also
    // the 462 MiB configuration the issue measured. STRATA_BENCH_FIB_NH=4
    // or 8 tries the others.
    cfg.dir24_8.nh_sz = RTE_FIB_DIR24_8_2B;
    if (const char* nh = std::getenv("STRATA_BENCH_FIB_NH")) {
        if (nh[0] == '4') cfg.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
        if (nh[0] == '8') cfg.dir24_8.nh_sz = RTE_FIB_DIR24_8_8B;
    }
    cfg.dir24_8.num_tbl8 = 1u << 14;
    f->fib = rte_fib_create("bench_fib", 0, &cfg);
    if (!f->fib) {
        std::fprintf(stderr, "rte_fib_create: %s\n", rte_strerror(rte_errno));
        std::abort();
    }
    for (const Prefix& p : table())
        if (rte_fib_add(f->fib, p.net, p.len, p.hop) != 0) std::abort();
    f->bytes = dpdk_heap_bytes() - before;
    // Ask for the AVX-512 lookup explicitly: the EAL's max SIMD width and
    // the CPU decide whether it is available (rte_fib_select_lookup fails
    // otherwise and the default stays).
    f->avx512 = rte_fib_select_lookup(f->fib, RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512) == 0;
    return f;
}

const Lpm& get_lpm() {
    if (!shared_lpm()) shared_lpm() = build_lpm();
    return *shared_lpm();
}
const Fib& get_fib() {
    if (!shared_fib()) shared_fib() = build_fib();
    return *shared_fib();
}

void bm_build_lpm(benchmark::State& state) {
    table();
    std::size_t bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        shared_lpm().reset(); // one instance at a time: the EAL heap is bounded
        state.ResumeTiming();
        shared_lpm() = build_lpm();
        bytes = shared_lpm()->bytes;
    }
    state.counters["memory_bytes"] = static_cast<double>(bytes);
    state.counters["memory_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
    state.counters["prefixes"] = static_cast<double>(table().size());
}
void bm_build_fib(benchmark::State& state) {
    table();
    std::size_t bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        shared_fib().reset();
        state.ResumeTiming();
        shared_fib() = build_fib();
        bytes = shared_fib()->bytes;
    }
    state.counters["memory_bytes"] = static_cast<double>(bytes);
    state.counters["memory_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
    state.counters["prefixes"] = static_cast<double>(table().size());
}

void bm_single_lpm(benchmark::State& state, const std::vector<std::uint32_t>* addrs) {
    const rte_lpm* lpm = get_lpm().lpm;
    const std::uint32_t* a = addrs->data();
    for (auto _ : state) {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < lookups; ++i) {
            std::uint32_t nh = 0;
            sum += static_cast<std::uint32_t>(rte_lpm_lookup(lpm, a[i], &nh)) + nh;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lookups));
}
void bm_bulk_lpm(benchmark::State& state, const std::vector<std::uint32_t>* addrs) {
    const rte_lpm* lpm = get_lpm().lpm;
    const std::uint32_t* a = addrs->data();
    std::array<std::uint32_t, batch> out{};
    for (auto _ : state) {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < lookups; i += batch) {
            rte_lpm_lookup_bulk(lpm, a + i, out.data(), batch);
            sum += out[0] + out[batch - 1];
        }
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lookups));
}
void bm_bulk_fib(benchmark::State& state, const std::vector<std::uint32_t>* addrs) {
    rte_fib* fib = get_fib().fib;
    // rte_fib_lookup_bulk takes a non-const address array.
    std::vector<std::uint32_t> a = *addrs;
    std::array<std::uint64_t, batch> out{};
    state.counters["avx512"] = get_fib().avx512 ? 1 : 0;
    for (auto _ : state) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < lookups; i += batch) {
            rte_fib_lookup_bulk(fib, a.data() + i, out.data(), batch);
            sum += out[0] + out[batch - 1];
        }
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lookups));
}

int answer_lpm(const Lpm& l, std::uint32_t a) {
    std::uint32_t nh = 0;
    return rte_lpm_lookup(l.lpm, a, &nh) == 0 ? static_cast<int>(nh) : no_route;
}
int answer_fib(const Fib& f, std::uint32_t a) {
    std::uint64_t nh = 0;
    rte_fib_lookup_bulk(f.fib, &a, &nh, 1);
    return nh == 0x7fff ? no_route : static_cast<int>(nh);
}
#endif

/// Every model that was built gives the same next hop on a sample of each
/// workload (a /32 in the hit set must be answered by its own route
/// everywhere). Runs after the benchmarks so that no table is built twice.
int check_agreement() {
    std::vector<std::pair<const char*, std::function<int(std::uint32_t)>>> models;
    if (auto& t = shared_strata<BinaryTrie>())
        models.emplace_back("binary_trie", [&t](std::uint32_t a) { return answer_strata(*t, a); });
    if (auto& t = shared_strata<Dir24_8>())
        models.emplace_back("dir24_8", [&t](std::uint32_t a) { return answer_strata(*t, a); });
    if (auto& t = shared_strata<Poptrie>())
        models.emplace_back("poptrie", [&t](std::uint32_t a) { return answer_strata(*t, a); });
    if (auto& t = shared_strata<Default>())
        models.emplace_back("strata", [&t](std::uint32_t a) { return answer_strata(*t, a); });
#if STRATA_HAVE_DPDK
    if (auto& l = shared_lpm())
        models.emplace_back("rte_lpm", [&l](std::uint32_t a) { return answer_lpm(*l, a); });
    if (auto& f = shared_fib())
        models.emplace_back("rte_fib", [&f](std::uint32_t a) { return answer_fib(*f, a); });
#endif
    if (models.size() < 2) return 0;
    std::size_t bad = 0;
    for (const auto* addrs : {&random_addresses(), &hit_addresses()})
        for (std::size_t i = 0; i < (std::size_t{1} << 16); ++i) {
            const std::uint32_t a = (*addrs)[i];
            const int want = models[0].second(a);
            for (std::size_t k = 1; k < models.size(); ++k)
                if (const int got = models[k].second(a); got != want && bad++ < 10)
                    std::fprintf(stderr, "%s: %s says %d, %s says %d\n",
                                 to_string(Ipv4Address{a}).c_str(), models[0].first, want,
                                 models[k].first, got);
        }
    std::fprintf(stderr, "agreement check on 2 x 65536 addresses, %zu models: %s\n", models.size(),
                 bad ? "MISMATCH" : "all agree");
    return bad ? 2 : 0;
}

template <class T>
void register_strata(const std::string& name) {
    benchmark::RegisterBenchmark(("lpm_build/" + name).c_str(), bm_build_strata<T>)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
    for (auto [wl, addrs] :
         {std::pair{"random", &random_addresses()}, std::pair{"hit", &hit_addresses()}}) {
        benchmark::RegisterBenchmark(("lpm_lookup/" + name + "/" + wl + "/single").c_str(),
                                     bm_single_strata<T>, addrs)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("lpm_lookup/" + name + "/" + wl + "/bulk").c_str(),
                                     bm_bulk_strata<T>, addrs)
            ->Unit(benchmark::kMillisecond);
    }
}

} // namespace

int main(int argc, char** argv) {
#if STRATA_HAVE_DPDK
    dpdk_ready = strata::bench::init_dpdk_eal("bench_routing", "2048", "rte_lpm/rte_fib");
#endif
    register_strata<BinaryTrie>("binary_trie");
    register_strata<Dir24_8>("dir24_8");
    register_strata<Poptrie>("poptrie");
    register_strata<Default>("strata");
#if STRATA_HAVE_DPDK
    if (dpdk_ready) {
        benchmark::RegisterBenchmark("lpm_build/rte_lpm", bm_build_lpm)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1);
        benchmark::RegisterBenchmark("lpm_build/rte_fib", bm_build_fib)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1);
        for (auto [wl, addrs] :
             {std::pair{"random", &random_addresses()}, std::pair{"hit", &hit_addresses()}}) {
            const std::string w = wl;
            benchmark::RegisterBenchmark(("lpm_lookup/rte_lpm/" + w + "/single").c_str(),
                                         bm_single_lpm, addrs)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(("lpm_lookup/rte_lpm/" + w + "/bulk").c_str(), bm_bulk_lpm,
                                         addrs)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(("lpm_lookup/rte_fib/" + w + "/bulk").c_str(), bm_bulk_fib,
                                         addrs)
                ->Unit(benchmark::kMillisecond);
        }
    }
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    const int rc = check_agreement();
#if STRATA_HAVE_DPDK
    shared_lpm().reset();
    shared_fib().reset();
    if (dpdk_ready) rte_eal_cleanup();
#endif
    return rc;
}

#endif // STRATA_BENCH_ROUTING_DPDK
