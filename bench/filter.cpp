// Packet classification: filter::Rules (a filter::Classifier) against DPDK's
// rte_acl and a linear scan, on ClassBench-style ACL rule sets (fixed seed;
// tests/policy/filter/classbench.hpp: src/dst prefixes, port ranges —
// wildcard, exact, 1024-65535, … —, protocol tcp/udp/any) and a trace of
// 65,536 packets, 80 % built inside a random rule.
//
//   filter_classify/strata/<n>          Rules::first_match_burst, bursts of 64
//   filter_classify/strata_single/<n>   Rules::first_match, one packet at a time
//   filter_classify/strata_{scan,rfc,bit_vector}/<n>  Classifier with that
//                                       structure forced (bursts of 64)
//   filter_classify/rte_acl/<n>         rte_acl_classify in bursts of 64, with
//                                       the fastest classify method on this CPU
//   filter_classify/rte_acl_<method>/<n> each method this CPU supports
//   filter_classify/linear/<n>          every rule in order until one matches
//   filter_build/{strata,rte_acl}/<n>   building from the rule list
// n = 100, 1000, 10000 rules. items_per_second is packets per second.
// STRATA_BENCH_FILTER_SPECIFIC=1 in the environment drops generated rules
// whose source and destination are both wildcards (no catch-all).
// Before any timing, every packet of every trace is classified by strata,
// by each rte_acl method and (on a sample) by the linear scan: they must
// name the same rule (the lowest index, i.e. the highest rte_acl priority),
// or the program stops with exit status 2. At the end it prints the ratio
// strata / best rte_acl per rule count (medians when repeated).
//
// DPDK runs with --no-huge --no-pci -m 1024 --no-shconf -l <first CPU of
// the affinity mask: taskset decides> --no-telemetry
// --force-max-simd-bitwidth=512 (so AVX-512 methods may be chosen).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#if defined(STRATA_BENCH_FILTER_DPDK)
#pragma GCC system_header
#include <rte_acl.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "dpdk_eal.hpp"
#else
#include <sched.h>

#include <strata/policy/filter/rules.hpp>

#include "../tests/policy/filter/classbench.hpp"

#if STRATA_HAVE_DPDK
// DPDK's headers are C with GNU extensions that -Wpedantic -Werror rejects:
// included once more with STRATA_BENCH_FILTER_DPDK set, where `#pragma GCC
// system_header` quiets them (the trick of bench/routing.cpp).
#define STRATA_BENCH_FILTER_DPDK 1
#include "../bench/filter.cpp"
#undef STRATA_BENCH_FILTER_DPDK
#endif

using namespace strata;
using namespace strata::filter;

namespace {

constexpr std::size_t trace_size = 1 << 16;
constexpr std::size_t burst = 64;
constexpr std::uint64_t seed = 0xc1a55be7c4;

struct Workload {
    std::vector<Rule> rules;
    std::vector<Packet> trace;
};

const Workload& workload(std::size_t n) {
    static std::map<std::size_t, Workload> cache;
    auto it = cache.find(n);
    if (it == cache.end()) {
        testgen::Generator gen(seed + n);
        Workload w;
        // STRATA_BENCH_FILTER_SPECIFIC=1: no rule with both addresses
        // wildcard, hence no catch-all and few shadowed rules (the harder
        // case for strata, whose shadow pruning then removes little).
        const char* specific = std::getenv("STRATA_BENCH_FILTER_SPECIFIC");
        while (w.rules.size() < n) {
            Rule r = gen.rule();
            if (specific && *specific == '1' && r.src.length() == 0 && r.dst.length() == 0)
                continue;
            w.rules.push_back(r);
        }
        w.trace = gen.packets(w.rules, trace_size);
        it = cache.emplace(n, std::move(w)).first;
    }
    return it->second;
}

const Rules& strata_rules(std::size_t n) {
    static std::map<std::size_t, Rules> cache;
    auto it = cache.find(n);
    if (it == cache.end()) it = cache.emplace(n, *Rules::build(workload(n).rules)).first;
    return it->second;
}

void bm_strata(benchmark::State& state, std::size_t n) {
    const Rules& rules = strata_rules(n);
    const auto& trace = workload(n).trace;
    std::size_t at = 0;
    std::uint32_t sum = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < burst; ++i)
            sum += rules.first_match(trace[at + i]);
        at = (at + burst) % trace_size;
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["memory_bytes"] = static_cast<double>(rules.memory_bytes());
}

void bm_strata_burst(benchmark::State& state, std::size_t n) {
    const Rules& rules = strata_rules(n);
    const auto& trace = workload(n).trace;
    std::uint32_t results[burst];
    std::size_t at = 0;
    std::uint32_t sum = 0;
    for (auto _ : state) {
        rules.first_match_burst(std::span(trace).subspan(at, burst), results);
        sum += results[0];
        at = (at + burst) % trace_size;
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["memory_bytes"] = static_cast<double>(rules.memory_bytes());
}

/// Classifier with a forced structure (the automatic choice's candidates).
void bm_kind(benchmark::State& state, std::size_t n, Classifier::Kind kind) {
    const auto& w = workload(n);
    static std::map<std::pair<std::size_t, int>, Classifier> cache;
    auto key = std::pair{n, static_cast<int>(kind)};
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, Classifier(w.rules, kind)).first;
    const Classifier& c = it->second;
    std::uint32_t results[burst];
    std::size_t at = 0;
    std::uint32_t sum = 0;
    auto extra = [&](std::size_t i, std::uint32_t r) {
        return matches_extra(w.rules[r], w.trace[at + i]);
    };
    for (auto _ : state) {
        c.first_match_burst(std::span(w.trace).subspan(at, burst), results, extra);
        sum += results[0];
        at = (at + burst) % trace_size;
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
    state.counters["memory_bytes"] = static_cast<double>(c.memory_bytes());
}

void bm_linear(benchmark::State& state, std::size_t n) {
    const auto& w = workload(n);
    std::size_t at = 0;
    std::uint32_t sum = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < burst; ++i)
            sum += linear_first_match(w.rules, w.trace[at + i]);
        at = (at + burst) % trace_size;
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
}

void bm_build_strata(benchmark::State& state, std::size_t n) {
    const auto& w = workload(n);
    for (auto _ : state) {
        auto r = Rules::build(w.rules);
        benchmark::DoNotOptimize(r);
    }
    state.counters["rules"] = static_cast<double>(n);
}

// ------------------------------------------------------------------ rte_acl
#if STRATA_HAVE_DPDK
bool dpdk_ready = false;

// The enum shares its name with a function (rte_acl_classify_alg()), which
// hides it: name it through the elaborated type.
using AclAlg = enum rte_acl_classify_alg;

enum { f_proto, f_src, f_dst, f_sport, f_dport, field_count };
RTE_ACL_RULE_DEF(AclRule, field_count);

/// What rte_acl reads: the fields in network byte order.
struct AclInput {
    std::uint8_t proto;
    std::uint32_t src;
    std::uint32_t dst;
    std::uint16_t sport;
    std::uint16_t dport;
};

rte_acl_config acl_config() {
    rte_acl_config c{};
    c.num_categories = 1;
    c.num_fields = field_count;
    // The first field is one byte; the rest go in groups of four bytes
    // (both ports share input index 3), as rte_acl's input rules require.
    c.defs[0] = {RTE_ACL_FIELD_TYPE_BITMASK, 1, f_proto, 0,
                 static_cast<std::uint32_t>(offsetof(AclInput, proto))};
    c.defs[1] = {RTE_ACL_FIELD_TYPE_MASK, 4, f_src, 1,
                 static_cast<std::uint32_t>(offsetof(AclInput, src))};
    c.defs[2] = {RTE_ACL_FIELD_TYPE_MASK, 4, f_dst, 2,
                 static_cast<std::uint32_t>(offsetof(AclInput, dst))};
    c.defs[3] = {RTE_ACL_FIELD_TYPE_RANGE, 2, f_sport, 3,
                 static_cast<std::uint32_t>(offsetof(AclInput, sport))};
    c.defs[4] = {RTE_ACL_FIELD_TYPE_RANGE, 2, f_dport, 3,
                 static_cast<std::uint32_t>(offsetof(AclInput, dport))};
    return c;
}

struct AclCtx {
    rte_acl_ctx* ctx = nullptr;
    ~AclCtx() {
        if (ctx) rte_acl_free(ctx);
    }
};

/// Rule i gets userdata i + 1 (0 is "no match") and priority n - i: the
/// highest priority is the first rule, as first-match wants.
std::unique_ptr<AclCtx> build_acl(const std::vector<Rule>& rules) {
    static int serial = 0;
    const std::string name = "strata_acl_" + std::to_string(serial++);
    rte_acl_param prm{};
    prm.name = name.c_str();
    prm.socket_id = SOCKET_ID_ANY;
    prm.rule_size = RTE_ACL_RULE_SZ(field_count);
    prm.max_rule_num = static_cast<std::uint32_t>(rules.size());
    auto acl = std::make_unique<AclCtx>();
    acl->ctx = rte_acl_create(&prm);
    if (!acl->ctx) return nullptr;
    std::vector<AclRule> out(rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const Rule& r = rules[i];
        AclRule& a = out[i];
        a.data.category_mask = 1;
        a.data.priority = static_cast<std::int32_t>(rules.size() - i);
        a.data.userdata = static_cast<std::uint32_t>(i + 1);
        a.field[f_proto].value.u8 = r.proto ? *r.proto : 0;
        a.field[f_proto].mask_range.u8 = r.proto ? 0xff : 0;
        a.field[f_src].value.u32 = r.src.network_address().value();
        a.field[f_src].mask_range.u32 = static_cast<std::uint32_t>(r.src.length());
        a.field[f_dst].value.u32 = r.dst.network_address().value();
        a.field[f_dst].mask_range.u32 = static_cast<std::uint32_t>(r.dst.length());
        const PortRange s = r.sport.value_or(PortRange{}), d = r.dport.value_or(PortRange{});
        a.field[f_sport].value.u16 = s.first;
        a.field[f_sport].mask_range.u16 = s.last;
        a.field[f_dport].value.u16 = d.first;
        a.field[f_dport].mask_range.u16 = d.last;
    }
    if (rte_acl_add_rules(acl->ctx, reinterpret_cast<const rte_acl_rule*>(out.data()),
                          static_cast<std::uint32_t>(out.size())) != 0)
        return nullptr;
    rte_acl_config cfg = acl_config();
    if (rte_acl_build(acl->ctx, &cfg) != 0) return nullptr;
    return acl;
}

struct AclWorkload {
    std::unique_ptr<AclCtx> acl;
    std::vector<AclInput> inputs;
    std::vector<const std::uint8_t*> data;
    AclAlg best = RTE_ACL_CLASSIFY_DEFAULT;
};

std::map<std::size_t, AclWorkload>& acl_cache() {
    static std::map<std::size_t, AclWorkload> cache;
    return cache;
}

AclWorkload& acl_workload(std::size_t n) {
    auto& cache = acl_cache();
    auto it = cache.find(n);
    if (it == cache.end()) {
        AclWorkload w;
        w.acl = build_acl(workload(n).rules);
        for (const Packet& p : workload(n).trace)
            w.inputs.push_back({p.protocol, __builtin_bswap32(p.src.value()),
                                __builtin_bswap32(p.dst.value()), __builtin_bswap16(p.sport),
                                __builtin_bswap16(p.dport)});
        for (const auto& in : w.inputs)
            w.data.push_back(reinterpret_cast<const std::uint8_t*>(&in));
        it = cache.emplace(n, std::move(w)).first;
    }
    return it->second;
}

struct Method {
    const char* name;
    AclAlg alg;
};
constexpr Method methods[] = {
    {"scalar", RTE_ACL_CLASSIFY_SCALAR},       {"sse", RTE_ACL_CLASSIFY_SSE},
    {"avx2", RTE_ACL_CLASSIFY_AVX2},           {"avx512x16", RTE_ACL_CLASSIFY_AVX512X16},
    {"avx512x32", RTE_ACL_CLASSIFY_AVX512X32},
};

bool method_supported(std::size_t n, AclAlg alg) {
    auto& w = acl_workload(n);
    return w.acl && rte_acl_set_ctx_classify(w.acl->ctx, alg) == 0;
}

void bm_acl(benchmark::State& state, std::size_t n, AclAlg alg) {
    auto& w = acl_workload(n);
    if (!w.acl || rte_acl_set_ctx_classify(w.acl->ctx, alg) != 0) {
        state.SkipWithError("method not supported");
        return;
    }
    std::uint32_t results[burst];
    std::size_t at = 0;
    std::uint32_t sum = 0;
    for (auto _ : state) {
        rte_acl_classify(w.acl->ctx, w.data.data() + at, results, burst, 1);
        sum += results[0];
        at = (at + burst) % trace_size;
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
}

void bm_acl_best(benchmark::State& state, std::size_t n) { bm_acl(state, n, acl_workload(n).best); }

void bm_build_acl(benchmark::State& state, std::size_t n) {
    const auto& w = workload(n);
    for (auto _ : state) {
        auto acl = build_acl(w.rules);
        if (!acl) {
            state.SkipWithError("rte_acl_build failed");
            return;
        }
    }
    state.counters["rules"] = static_cast<double>(n);
}

/// The fastest method on the whole trace (a short timing before the run).
AclAlg pick_best(std::size_t n) {
    auto& w = acl_workload(n);
    double best_s = 1e30;
    AclAlg best = RTE_ACL_CLASSIFY_DEFAULT;
    std::vector<std::uint32_t> results(trace_size);
    for (const auto& m : methods) {
        if (!method_supported(n, m.alg)) continue;
        double fastest = 1e30;
        for (int rep = 0; rep < 5; ++rep) {
            const auto t0 = std::chrono::steady_clock::now();
            for (std::size_t at = 0; at < trace_size; at += burst)
                rte_acl_classify(w.acl->ctx, w.data.data() + at, results.data() + at, burst, 1);
            const std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0;
            fastest = std::min(fastest, d.count());
        }
        if (fastest < best_s) {
            best_s = fastest;
            best = m.alg;
        }
    }
    return best;
}
#endif

/// strata, every rte_acl method and (on a sample) the linear scan name the
/// same rule for every packet; returns the number of disagreements.
std::size_t check_agreement(std::size_t n) {
    const auto& w = workload(n);
    const Rules& rules = strata_rules(n);
    std::vector<std::uint32_t> want(trace_size);
    for (std::size_t i = 0; i < trace_size; ++i)
        want[i] = rules.first_match(w.trace[i]);
    std::size_t bad = 0;
    {
        std::vector<std::uint32_t> burst_out(trace_size);
        rules.first_match_burst(w.trace, burst_out);
        for (std::size_t i = 0; i < trace_size; ++i)
            if (burst_out[i] != want[i] && bad++ < 5)
                std::fprintf(stderr, "%zu rules, packet %zu: strata %u, burst %u\n", n, i, want[i],
                             burst_out[i]);
    }
    const std::size_t step = n >= 10000 ? 16 : 1;
    for (std::size_t i = 0; i < trace_size; i += step)
        if (const auto l = linear_first_match(w.rules, w.trace[i]); l != want[i] && bad++ < 5)
            std::fprintf(stderr, "%zu rules, packet %zu: strata %u, linear %u\n", n, i, want[i], l);
#if STRATA_HAVE_DPDK
    if (dpdk_ready) {
        auto& a = acl_workload(n);
        if (!a.acl) {
            std::fprintf(stderr, "rte_acl: building %zu rules failed\n", n);
            return bad + 1;
        }
        std::vector<std::uint32_t> got(trace_size);
        for (const auto& m : methods) {
            if (!method_supported(n, m.alg)) continue;
            for (std::size_t at = 0; at < trace_size; at += burst)
                rte_acl_classify(a.acl->ctx, a.data.data() + at, got.data() + at, burst, 1);
            for (std::size_t i = 0; i < trace_size; ++i) {
                const std::uint32_t g = got[i] == 0 ? Verdict::default_rule : got[i] - 1;
                if (g != want[i] && bad++ < 5)
                    std::fprintf(stderr, "%zu rules, packet %zu: strata %u, rte_acl %s %u\n", n, i,
                                 want[i], m.name, g);
            }
        }
    }
#endif
    std::size_t matched = 0;
    for (const auto r : want)
        matched += r != Verdict::default_rule;
    std::fprintf(stderr, "agreement, %zu rules: %zu packets, %zu matched a rule: %s\n", n,
                 trace_size, matched, bad ? "MISMATCH" : "all agree");
    return bad;
}

/// Console output plus the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            const auto ips = r.counters.find("items_per_second");
            if (ips == r.counters.end()) continue;
            std::string name = r.run_name.str();
            if (r.run_type == Run::RT_Aggregate) {
                if (r.aggregate_name != "median") continue;
                median_[name] = ips->second.value;
            } else {
                last_[name] = ips->second.value;
            }
        }
    }
    double rate(const std::string& name) const {
        if (auto it = median_.find(name); it != median_.end()) return it->second;
        if (auto it = last_.find(name); it != last_.end()) return it->second;
        return 0;
    }

private:
    std::map<std::string, double> median_, last_;
};

} // namespace

int main(int argc, char** argv) {
    const std::size_t sizes[] = {100, 1000, 10000};
#if STRATA_HAVE_DPDK
    dpdk_ready = strata::bench::init_dpdk_eal("bench_filter", "1024", "rte_acl");
#endif
    for (const auto n : sizes) {
        const auto t0 = std::chrono::steady_clock::now();
        (void)strata_rules(n);
        const std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - t0;
        const Classifier& c = strata_rules(n).classifier();
        std::fprintf(stderr, "strata: %zu rules built in %.2f ms, %zu bytes, %zu live rules, %s\n",
                     n, d.count(), c.memory_bytes(), c.live_count(),
                     c.kind() == Classifier::Kind::scan  ? "scan"
                     : c.kind() == Classifier::Kind::rfc ? "rfc"
                                                         : "bit vectors");
        if (check_agreement(n) != 0) return 2;
    }
    for (const auto n : sizes) {
        const std::string s = std::to_string(n);
        benchmark::RegisterBenchmark(("filter_classify/strata/" + s).c_str(), bm_strata_burst, n);
        benchmark::RegisterBenchmark(("filter_classify/strata_single/" + s).c_str(), bm_strata, n);
        benchmark::RegisterBenchmark(("filter_classify/strata_scan/" + s).c_str(), bm_kind, n,
                                     Classifier::Kind::scan);
        benchmark::RegisterBenchmark(("filter_classify/strata_rfc/" + s).c_str(), bm_kind, n,
                                     Classifier::Kind::rfc);
        benchmark::RegisterBenchmark(("filter_classify/strata_bit_vector/" + s).c_str(), bm_kind, n,
                                     Classifier::Kind::bit_vector);
#if STRATA_HAVE_DPDK
        if (dpdk_ready && acl_workload(n).acl) {
            auto& a = acl_workload(n);
            a.best = pick_best(n);
            for (const auto& m : methods)
                if (m.alg == a.best)
                    std::fprintf(stderr, "rte_acl, %zu rules: best method %s\n", n, m.name);
            benchmark::RegisterBenchmark(("filter_classify/rte_acl/" + s).c_str(), bm_acl_best, n);
            for (const auto& m : methods)
                if (method_supported(n, m.alg))
                    benchmark::RegisterBenchmark(
                        ("filter_classify/rte_acl_" + std::string(m.name) + "/" + s).c_str(),
                        bm_acl, n, m.alg);
        }
#endif
        benchmark::RegisterBenchmark(("filter_classify/linear/" + s).c_str(), bm_linear, n);
        benchmark::RegisterBenchmark(("filter_build/strata/" + s).c_str(), bm_build_strata, n)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
#if STRATA_HAVE_DPDK
        if (dpdk_ready)
            benchmark::RegisterBenchmark(("filter_build/rte_acl/" + s).c_str(), bm_build_acl, n)
                ->Unit(benchmark::kMillisecond)
                ->Iterations(3);
#endif
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    for (const auto n : sizes) {
        const std::string s = std::to_string(n);
        const double st = reporter.rate("filter_classify/strata/" + s);
        const double acl = reporter.rate("filter_classify/rte_acl/" + s);
        const double lin = reporter.rate("filter_classify/linear/" + s);
        if (st > 0 && acl > 0)
            std::printf("ratio strata/rte_acl_best, %s rules: %.2fx (%.1f vs %.1f Mpps)\n",
                        s.c_str(), st / acl, st / 1e6, acl / 1e6);
        if (st > 0 && lin > 0)
            std::printf("ratio strata/linear, %s rules: %.2fx\n", s.c_str(), st / lin);
    }
#if STRATA_HAVE_DPDK
    acl_cache().clear(); // rte_acl_free before the EAL goes
    if (dpdk_ready) rte_eal_cleanup();
#endif
    return 0;
}

#endif // STRATA_BENCH_FILTER_DPDK
