// A counting global operator new, for benchmarks that report allocations
// per event, frame or segment. It replaces the process's operator new, so
// exactly one translation unit of a benchmark program includes this header.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace bench_alloc {
/// Every allocation of the process since it started.
inline std::atomic<std::uint64_t> count{0};
} // namespace bench_alloc

void* operator new(std::size_t n) {
    bench_alloc::count.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
