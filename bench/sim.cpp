// The discrete-event engine.
//
//   sim_schedule/<impl>/{1k,100k}: N events pending; each executed event
//     schedules one new event at a random later time (uniform in 1..1,024 ns
//     after it), so the queue stays at N. items_per_second = events
//     scheduled and executed per second. Goal (issue 9): >= 12 M/s at 1k,
//     >= 3.3 M/s at 100k.
//     impl strata  = sim::Scheduler (4-ary by-value heap, sim/scheduler.hpp)
//     impl std_map = the data structure of ns-3's default MapScheduler: a
//                    std::map keyed by (time, uid), one node allocated per
//                    event (ns-3 also allocates the EventImpl; not modelled).
//   Allocation check: a counting global operator new. The strata loop must
//   not call it at all while timed (the benchmark fails with an error if it
//   does); allocs_per_event is reported for both.
// g++ 12 sees the replaced operator delete (free) meet operator new (malloc)
// in inlined std::map code and calls it a mismatch; it is not one.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

#include <strata/core/random.hpp>
#include <strata/sim/scheduler.hpp>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
} // namespace

// Counting operator new: every allocation of the process goes through here.
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using strata::at_ns;
using strata::RandomStream;

void sim_schedule_strata(benchmark::State& state, std::size_t pending) {
    RandomStream rng(1);
    strata::sim::Scheduler s(pending + 1);
    for (std::size_t i = 0; i < pending; ++i)
        s.push(at_ns(static_cast<std::int64_t>(rng.below(1024 * pending))), 0);
    const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
    std::uint64_t events = 0;
    for (auto _ : state) {
        for (int i = 0; i < 1024; ++i) {
            const strata::sim::Event e = s.pop();
            benchmark::DoNotOptimize(e.a);
            s.push(at_ns(e.time + 1 + static_cast<std::int64_t>(rng.next() & 1023)), 0, e.a + 1);
        }
        events += 1024;
    }
    const std::uint64_t allocated = g_allocations.load(std::memory_order_relaxed) - before;
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["allocs_per_event"] =
        static_cast<double>(allocated) / static_cast<double>(events == 0 ? 1 : events);
    if (allocated != 0) state.SkipWithError("the scheduler allocated while running");
}

void sim_schedule_std_map(benchmark::State& state, std::size_t pending) {
    RandomStream rng(1);
    std::map<std::pair<std::int64_t, std::uint64_t>, std::uint32_t> s;
    std::uint64_t uid = 0;
    for (std::size_t i = 0; i < pending; ++i)
        s.emplace(std::pair{static_cast<std::int64_t>(rng.below(1024 * pending)), uid++}, 0u);
    const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
    std::uint64_t events = 0;
    for (auto _ : state) {
        for (int i = 0; i < 1024; ++i) {
            const auto first = s.begin();
            const auto [key, value] = *first;
            s.erase(first);
            benchmark::DoNotOptimize(value);
            s.emplace(
                std::pair{key.first + 1 + static_cast<std::int64_t>(rng.next() & 1023), uid++},
                value + 1);
        }
        events += 1024;
    }
    const std::uint64_t allocated = g_allocations.load(std::memory_order_relaxed) - before;
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["allocs_per_event"] =
        static_cast<double>(allocated) / static_cast<double>(events == 0 ? 1 : events);
}

} // namespace

int main(int argc, char** argv) {
    // Registered by hand so the names are exactly area/implementation/case
    // (BENCHMARK(...)->Arg() would append "/1000").
    for (const auto& [name, pending] :
         {std::pair<const char*, std::size_t>{"1k", 1000}, {"100k", 100'000}}) {
        const std::size_t n = pending;
        benchmark::RegisterBenchmark((std::string("sim_schedule/strata/") + name).c_str(),
                                     [n](benchmark::State& s) { sim_schedule_strata(s, n); });
        benchmark::RegisterBenchmark((std::string("sim_schedule/std_map/") + name).c_str(),
                                     [n](benchmark::State& s) { sim_schedule_std_map(s, n); });
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
