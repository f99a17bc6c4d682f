// Shared helpers of the libFuzzer targets (not a target itself: the glob in
// fuzz/CMakeLists.txt takes only fuzz/*.cpp).
//
// A target checks invariants that must hold for every input; a violated one
// aborts, which libFuzzer reports as a crash and saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>

namespace strata::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
    std::fprintf(stderr, "strata fuzz invariant violated: %s (%s:%d)\n", what, file, line);
    std::abort();
}

// Keeps a value alive so the getters that produced it are not optimised out.
template <class T>
inline void keep(const T& v) noexcept {
    asm volatile("" : : "r"(&v) : "memory");
}

inline bool same_bytes(Bytes a, Bytes b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// True when `inner` lies inside `outer` (views must point into the input).
inline bool within(Bytes inner, Bytes outer) noexcept {
    if (inner.empty()) return true;
    return inner.data() >= outer.data() &&
           inner.data() + inner.size() <= outer.data() + outer.size();
}
inline bool within(std::string_view inner, std::string_view outer) noexcept {
    if (inner.empty()) return true;
    return inner.data() >= outer.data() &&
           inner.data() + inner.size() <= outer.data() + outer.size();
}

// Every error must name a layer and a field (conventions.md, "Errors").
inline bool well_formed(const Error& e) noexcept { return !e.layer.empty() && !e.field.empty(); }

// Exactly-sized heap copy, so ASan catches a read one byte past the end.
inline std::vector<Byte> copy_of(Bytes b) { return std::vector<Byte>(b.begin(), b.end()); }

} // namespace strata::fuzz

#define STRATA_FUZZ_CHECK(cond)                                                                    \
    do {                                                                                           \
        if (!(cond)) ::strata::fuzz::fail(#cond, __FILE__, __LINE__);                              \
    } while (false)
