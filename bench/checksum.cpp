// Benchmarks for the Internet checksum and CRC-32 against their usual peers.
//
//   inet_checksum/{strata,dpdk,u64loop}/{20,64,1500,9000}
//   crc32/{strata,zlib,isal}/{64,1500,9000}
//
// 20 bytes is an IPv4 header without options, 64 the smallest Ethernet
// frame, 1500 a full Ethernet payload, 9000 a jumbo frame. Each case sums
// the same buffer repeatedly (it stays in L1/L2, as a packet being built
// does), with the pointer laundered each iteration so the work cannot be
// hoisted out of the loop.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <strata/checksum/crc32.hpp>
#include <strata/checksum/internet.hpp>

#if STRATA_HAVE_DPDK
// DPDK's headers are C with GNU extensions; keep our warning flags for our
// own code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#if defined(__clang__)
#pragma GCC diagnostic ignored "-Wdeprecated-volatile"
#else
#pragma GCC diagnostic ignored "-Wvolatile"
#endif
#include <rte_ip.h>
#pragma GCC diagnostic pop
#endif
#if STRATA_HAVE_ZLIB
#include <zlib.h>
#endif
#if STRATA_HAVE_ISAL
#include <isa-l/crc.h>
#endif

namespace {

using strata::Byte;

const std::vector<Byte>& buffer() {
    static const std::vector<Byte> b = [] {
        std::mt19937_64 rng(2024);
        std::vector<Byte> v(16384);
        for (auto& x : v)
            x = static_cast<Byte>(rng());
        return v;
    }();
    return b;
}

/// Runs `f(p, n)` over the first n = state.range(0) bytes of the buffer.
template <class F>
void run(benchmark::State& state, F f) {
    const auto n = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        const Byte* p = buffer().data();
        benchmark::DoNotOptimize(p);
        auto r = f(p, n);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

/// The plain portable baseline: one 64-bit add-with-carry chain, 8 bytes at a
/// time, native byte order (RFC 1071 §2(B)), folded and swapped at the end.
std::uint16_t u64loop_checksum(const Byte* p, std::size_t n) {
    std::uint64_t sum = 0;
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        sum += v;
        sum += sum < v; // end-around carry
    }
    std::uint64_t t = 0; // zero-padded tail, little-endian host
    for (std::size_t i = 0; i < n; ++i)
        t |= std::uint64_t{p[i]} << (8 * i);
    sum += t;
    sum += sum < t;
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    const auto s = static_cast<std::uint16_t>(sum);
    return static_cast<std::uint16_t>(~((s << 8) | (s >> 8)));
}

const int registered = [] {
    for (int n : {20, 64, 1500, 9000}) {
        benchmark::RegisterBenchmark("inet_checksum/strata", [](benchmark::State& s) {
            run(s, [](const Byte* p, std::size_t n) {
                return strata::checksum::internet_checksum({p, n});
            });
        })->Arg(n);
#if STRATA_HAVE_DPDK
        benchmark::RegisterBenchmark("inet_checksum/dpdk", [](benchmark::State& s) {
            run(s, [](const Byte* p, std::size_t n) {
                return static_cast<std::uint16_t>(~rte_raw_cksum(p, n));
            });
        })->Arg(n);
#endif
        benchmark::RegisterBenchmark("inet_checksum/u64loop", [](benchmark::State& s) {
            run(s, u64loop_checksum);
        })->Arg(n);
    }
    for (int n : {64, 1500, 9000}) {
        benchmark::RegisterBenchmark("crc32/strata", [](benchmark::State& s) {
            run(s, [](const Byte* p, std::size_t n) { return strata::crc32({p, n}); });
        })->Arg(n);
#if STRATA_HAVE_ZLIB
        benchmark::RegisterBenchmark("crc32/zlib", [](benchmark::State& s) {
            run(s, [](const Byte* p, std::size_t n) { return crc32(0, p, static_cast<uInt>(n)); });
        })->Arg(n);
#endif
#if STRATA_HAVE_ISAL
        benchmark::RegisterBenchmark("crc32/isal", [](benchmark::State& s) {
            run(s, [](const Byte* p, std::size_t n) {
                return crc32_gzip_refl(0, p, static_cast<std::uint64_t>(n));
            });
        })->Arg(n);
#endif
    }
    return 0;
}();

} // namespace

BENCHMARK_MAIN();
