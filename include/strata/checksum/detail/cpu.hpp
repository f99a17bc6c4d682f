// Run-time CPU feature checks shared by the checksum kernels.
//
// strata is never built for one CPU (no -march): each SIMD kernel carries its
// own __attribute__((target(...))) and is chosen here at run time, once per
// process (conventions.md, "Files and namespaces").
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STRATA_CHECKSUM_X86 1
#else
#define STRATA_CHECKSUM_X86 0
#endif

namespace strata::detail {

/// The x86 features the checksum kernels use. All false on other targets.
struct CpuFeatures {
    bool sse41 = false;
    bool pclmul = false;
    bool avx2 = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512vl = false;
    bool vpclmulqdq = false;
};

/// Reads the features through the compiler's cpuid wrapper, which also checks
/// that the OS saves the wide registers (XCR0) before reporting AVX/AVX-512.
inline CpuFeatures detect_cpu_features() noexcept {
    CpuFeatures f;
#if STRATA_CHECKSUM_X86
    // Needed when this runs before libgcc's own constructor (e.g. from another
    // static initialiser); harmless otherwise.
    __builtin_cpu_init();
    f.sse41 = __builtin_cpu_supports("sse4.1");
    f.pclmul = __builtin_cpu_supports("pclmul");
    f.avx2 = __builtin_cpu_supports("avx2");
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.vpclmulqdq = __builtin_cpu_supports("vpclmulqdq");
#endif
    return f;
}

/// Detected once; later calls read a cached copy.
inline const CpuFeatures& cpu_features() noexcept {
    static const CpuFeatures f = detect_cpu_features();
    return f;
}

} // namespace strata::detail
