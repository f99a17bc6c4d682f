// Linked into the examples' "_alloc" twins (examples/CMakeLists.txt): counts
// every heap allocation of the process — malloc, calloc, realloc and the
// aligned forms, which C++'s operator new (libstdc++) and libpcap both go
// through — and prints the total to stderr at exit as
// "strata-alloc-probe: N allocations".
//
// tests run a twin twice, on a small and on a large input (1 and 5000
// frames); the same N both times means nothing on the per-packet path
// allocates (examples/alloc_scaling.cmake).
//
// glibc lets a program replace malloc by defining these symbols
// (glibc manual, "Replacing malloc"); they forward to glibc's own.
#include <cstddef>
#include <cstdio>

#include <unistd.h>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
std::size_t g_allocations = 0; // the examples are single-threaded

__attribute__((destructor)) void report() {
    char line[80];
    const int n =
        std::snprintf(line, sizeof line, "strata-alloc-probe: %zu allocations\n", g_allocations);
    if (n > 0) (void)!write(2, line, static_cast<std::size_t>(n));
}
} // namespace

extern "C" {
void* malloc(std::size_t n) {
    ++g_allocations;
    return __libc_malloc(n);
}
void* calloc(std::size_t k, std::size_t n) {
    ++g_allocations;
    return __libc_calloc(k, n);
}
void* realloc(void* p, std::size_t n) {
    ++g_allocations;
    return __libc_realloc(p, n);
}
void* memalign(std::size_t a, std::size_t n) {
    ++g_allocations;
    return __libc_memalign(a, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) {
    ++g_allocations;
    return __libc_memalign(a, n);
}
int posix_memalign(void** out, std::size_t a, std::size_t n) {
    ++g_allocations;
    void* p = __libc_memalign(a, n);
    if (p == nullptr) return 12; // ENOMEM
    *out = p;
    return 0;
}
void free(void* p) { __libc_free(p); }
}
