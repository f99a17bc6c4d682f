// Run-time kernels for the Internet checksum (RFC 1071), chosen by CPU
// features at run time. internet.hpp uses them when not constant-evaluated.
//
// Byte order (RFC 1071 §2(B)): the one's complement sum is byte-order
// independent, so the kernels add little-endian words as the CPU loads them
// and swap the bytes of the folded 16-bit result once at the end. Swapping
// the two bytes of a 16-bit value is multiplication by 2^8 modulo 0xffff, so
// the swapped result is congruent to the big-endian sum.
//
// Every kernel has the contract of sum_words(): it returns `acc` plus the
// big-endian words of the buffer (odd tail padded with a zero byte, RFC 1071
// §4.1) as a partial sum `r` with fold(r) == fold(sum_words(p, n, acc)).
// Additions that could overflow use end-around carry (2^64 == 1 modulo
// 0xffff, RFC 1071 §2(C)), which also keeps a nonzero sum nonzero, so
// "zero" and "minus zero" (0xffff) fold the same way as the reference.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <strata/checksum/detail/cpu.hpp>
#include <strata/checksum/detail/simd.hpp>
#include <strata/core/bytes.hpp>

#if STRATA_CHECKSUM_X86
#include <emmintrin.h>
#endif

namespace strata::checksum::detail {

/// a + b with end-around carry: congruent to a + b modulo 2^64 - 1, and
/// nonzero whenever either input is nonzero.
constexpr std::uint64_t add_eac(std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t r = a + b;
    return r + (r < b ? 1u : 0u);
}

/// Reduces a partial sum to 16 bits with end-around carry (RFC 1071 §2(1)):
/// checksum::fold(). Adding a word to itself rotated by half its width puts
/// hi + lo + (the carry out of lo + hi) in the upper half, which is the
/// end-around-carry sum of the halves; two such steps take 64 bits to 16.
/// A nonzero sum stays nonzero, so "minus zero" folds to 0xffff.
constexpr std::uint16_t fold_to_16(std::uint64_t s) noexcept {
    const auto s32 = static_cast<std::uint32_t>((s + std::rotr(s, 32)) >> 32);
    return static_cast<std::uint16_t>((s32 + std::rotr(s32, 16)) >> 16);
}

/// Little-endian load regardless of the host's byte order.
inline std::uint64_t load_le64(const Byte* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

/// Little-endian-word sum of n bytes (the n < 8 tail of a buffer whose start
/// is at an even offset): the bytes as a little-endian word padded with zeros.
inline std::uint64_t le_tail(const Byte* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    unsigned shift = 0;
    if (n & 4) {
        v = std::uint64_t{p[0]} | std::uint64_t{p[1]} << 8 | std::uint64_t{p[2]} << 16 |
            std::uint64_t{p[3]} << 24;
        shift = 32;
        p += 4;
    }
    if (n & 2) {
        v |= (std::uint64_t{p[0]} | std::uint64_t{p[1]} << 8) << shift;
        shift += 16;
        p += 2;
    }
    if (n & 1) v |= std::uint64_t{p[0]} << shift;
    return v;
}

/// Portable little-endian sum: 8 bytes per add, carries counted separately so
/// the two accumulator chains stay one add deep per word.
inline std::uint64_t sum_le_u64(const Byte* p, std::size_t n) noexcept {
    std::uint64_t s0 = 0, s1 = 0, c0 = 0, c1 = 0;
    for (; n >= 32; p += 32, n -= 32) {
        const std::uint64_t a = load_le64(p), b = load_le64(p + 8);
        const std::uint64_t c = load_le64(p + 16), d = load_le64(p + 24);
        s0 += a;
        c0 += s0 < a ? 1u : 0u;
        s1 += b;
        c1 += s1 < b ? 1u : 0u;
        s0 += c;
        c0 += s0 < c ? 1u : 0u;
        s1 += d;
        c1 += s1 < d ? 1u : 0u;
    }
    for (; n >= 8; p += 8, n -= 8) {
        const std::uint64_t a = load_le64(p);
        s0 += a;
        c0 += s0 < a ? 1u : 0u;
    }
    const std::uint64_t t = le_tail(p, n);
    s1 += t;
    c1 += s1 < t ? 1u : 0u;
    return add_eac(add_eac(s0, s1), c0 + c1);
}

/// The folded big-endian sum from a little-endian partial sum (see the
/// byte-order note at the top of this file).
inline std::uint16_t fold_le(std::uint64_t le_sum) noexcept {
    const std::uint16_t f = fold_to_16(le_sum);
    return static_cast<std::uint16_t>((f << 8) | (f >> 8));
}

/// Turns a little-endian partial sum into a big-endian one and adds it to
/// `acc`.
inline std::uint64_t finish_le(std::uint64_t le_sum, std::uint64_t acc) noexcept {
    return add_eac(acc, fold_le(le_sum));
}

/// Portable run-time kernel: 64-bit add-with-carry loop.
inline std::uint64_t sum_u64(const Byte* p, std::size_t n, std::uint64_t acc) noexcept {
    return finish_le(sum_le_u64(p, n), acc);
}

#if STRATA_CHECKSUM_X86
// The SIMD kernels see each 32-bit lane x as two words, x = hi * 2^16 + lo.
// They add x itself into one accumulator W (wrapping modulo 2^32) and hi
// (x >> 16) into another, H: one shift and two adds per vector, no mask.
// Afterwards the low words are recovered exactly as L = W - (H << 16)
// modulo 2^32, provided the true sum of low words is below 2^32. Each lane
// gains at most 0xffff per vector in each sum, so the kernels reduce to 64
// bits at least every `simd_max_blocks` blocks of two vectors, which keeps
// L + H <= 2 * 2 * (8192 + 2) * 0xffff < 2^32 per lane.
inline constexpr std::size_t simd_max_blocks = 8192;

/// keep_last_bytes + k, loaded as 16 bytes: a mask that keeps the last k.
alignas(32) inline constexpr Byte keep_last_bytes[32] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/// SSE2 (part of every x86-64), for 32 <= n < sum_inline_max: buffers too
/// short to pay for a call to a wide kernel, whose set-up and reduction cost
/// more than the adds at 64 bytes. Same W/H split as the wide kernels. The
/// even-length rest after the full vectors is summed from one more load that
/// ends where it ends (it starts at an even offset, so the words stay
/// paired) with the bytes already counted masked off: no branch per tail
/// size. An odd last byte is the low byte of a little-endian word padded
/// with zero (RFC 1071 §4.1). At most 8 vectors: no lane can overflow.
/// Precondition: 16 <= n < sum_inline_max (the tail load reaches 16 back).
inline std::uint64_t sum_sse2_short_le(const Byte* p, std::size_t n) noexcept {
    std::size_t even = n & ~std::size_t{1};
    const Byte* const end = p + even;
    __m128i w = _mm_setzero_si128(), h = w;
    for (; even >= 16; p += 16, even -= 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        w = _mm_add_epi32(w, x);
        h = _mm_add_epi32(h, _mm_srli_epi32(x, 16));
    }
    if (even != 0) {
        const __m128i x = _mm_and_si128(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(end - 16)),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(keep_last_bytes + even)));
        w = _mm_add_epi32(w, x);
        h = _mm_add_epi32(h, _mm_srli_epi32(x, 16));
    }
    __m128i t = _mm_add_epi32(_mm_sub_epi32(w, _mm_slli_epi32(h, 16)), h);
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
    std::uint64_t le = static_cast<std::uint32_t>(_mm_cvtsi128_si32(t));
    if (n & 1) le += *end;
    return le;
}

/// AVX2: 64 bytes per block in two 256-bit vectors.
__attribute__((target("avx2"))) inline std::uint64_t sum_avx2(const Byte* p, std::size_t n,
                                                              std::uint64_t acc) noexcept {
    namespace simd = strata::detail::simd;
    using simd::u32x8, simd::u64x4, simd::u64x2, simd::u32x8u;
    std::uint64_t total = 0;
    while (n >= 64) {
        std::size_t blocks = n / 64;
        if (blocks > simd_max_blocks) blocks = simd_max_blocks;
        n -= blocks * 64;
        u32x8 w0{}, w1{}, h0{}, h1{};
        do {
            u32x8 x = *reinterpret_cast<const u32x8u*>(p);
            u32x8 y = *reinterpret_cast<const u32x8u*>(p + 32);
            // x and y each feed two instructions; left alone GCC folds the
            // load into both as a memory operand, doubling the loads that
            // bound this loop. The empty asm keeps one register copy.
            __asm__("" : "+v"(x), "+v"(y));
            w0 += x;
            h0 += x >> 16;
            w1 += y;
            h1 += y >> 16;
            p += 64;
        } while (--blocks != 0);
        const u32x8 h = h0 + h1;
        const u32x8 l = (w0 + w1) - (h << 16);
        const auto t = (u64x4)(l + h);
        const u64x4 q = (t & 0xffffffff) + (t >> 32);
        const u64x2 d = __builtin_shufflevector(q, q, 0, 1) + __builtin_shufflevector(q, q, 2, 3);
        total += d[0] + d[1];
    }
    return finish_le(add_eac(total, sum_le_u64(p, n)), acc);
}

/// AVX-512BW: 128 bytes per block in two 512-bit vectors; the last partial
/// vector is a byte-masked load (BW), which reads nothing past the buffer and
/// zero-fills the missing bytes (the padding of RFC 1071 §4.1).
STRATA_TARGET_AVX512BW inline std::uint64_t sum_avx512bw(const Byte* p, std::size_t n,
                                                         std::uint64_t acc) noexcept {
    namespace simd = strata::detail::simd;
    using simd::u32x16, simd::u64x8, simd::u64x4, simd::u64x2, simd::u32x16u;
    std::uint64_t total = 0;
    for (;;) {
        std::size_t blocks = n / 128;
        if (blocks > simd_max_blocks) blocks = simd_max_blocks;
        n -= blocks * 128;
        u32x16 w0{}, w1{}, h0{}, h1{};
        for (; blocks != 0; --blocks, p += 128) {
            u32x16 x = *reinterpret_cast<const u32x16u*>(p);
            u32x16 y = *reinterpret_cast<const u32x16u*>(p + 64);
            // x and y each feed two instructions; left alone GCC folds the
            // load into both as a memory operand, doubling the loads that
            // bound this loop. The empty asm keeps one register copy.
            __asm__("" : "+v"(x), "+v"(y));
            w0 += x;
            h0 += x >> 16;
            w1 += y;
            h1 += y >> 16;
        }
        const bool last = n < 128;
        if (last && n != 0) {
            if (n >= 64) {
                const u32x16 x = *reinterpret_cast<const u32x16u*>(p);
                w0 += x;
                h0 += x >> 16;
                p += 64;
                n -= 64;
            }
            if (n != 0) {
                const u32x16 y = simd::maskz_load_bytes((std::uint64_t{1} << n) - 1, p); // n < 64
                w1 += y;
                h1 += y >> 16;
            }
        }
        const u32x16 h = h0 + h1;
        const u32x16 l = (w0 + w1) - (h << 16);
        const auto t = (u64x8)(l + h);
        const u64x8 q = (t & 0xffffffff) + (t >> 32);
        const u64x4 q4 =
            __builtin_shufflevector(q, q, 0, 1, 2, 3) + __builtin_shufflevector(q, q, 4, 5, 6, 7);
        const u64x2 q2 =
            __builtin_shufflevector(q4, q4, 0, 1) + __builtin_shufflevector(q4, q4, 2, 3);
        total += q2[0] + q2[1];
        if (last) break;
    }
    return finish_le(total, acc);
}
#endif

using SumFn = std::uint64_t (*)(const Byte*, std::size_t, std::uint64_t) noexcept;

/// One run-time implementation, for tests and benchmarks that call each path.
struct SumImpl {
    const char* name;
    SumFn fn;
    bool supported; ///< this CPU can run it
};

/// Every run-time implementation compiled in, fastest first.
inline auto sum_impls() noexcept {
#if STRATA_CHECKSUM_X86
    const auto& f = strata::detail::cpu_features();
    return std::array<SumImpl, 3>{{{"avx512bw", &sum_avx512bw, f.avx512f && f.avx512bw},
                                   {"avx2", &sum_avx2, f.avx2},
                                   {"u64", &sum_u64, true}}};
#else
    return std::array<SumImpl, 1>{{{"u64", &sum_u64, true}}};
#endif
}

/// The fastest implementation this CPU supports.
inline SumFn select_sum() noexcept {
    for (const SumImpl& i : sum_impls())
        if (i.supported) return i.fn;
    return &sum_u64;
}

inline std::uint64_t sum_resolve(const Byte* p, std::size_t n, std::uint64_t acc) noexcept;

/// Resolved on first use: starts at sum_resolve, which stores the chosen
/// kernel. Constant-initialised (no guard, no static-order problem); a race
/// on first use only stores the same pointer twice.
constinit inline std::atomic<SumFn> sum_kernel{&sum_resolve};

inline std::uint64_t sum_resolve(const Byte* p, std::size_t n, std::uint64_t acc) noexcept {
    const SumFn f = select_sum();
    sum_kernel.store(f, std::memory_order_relaxed);
    return f(p, n, acc);
}

/// Below this many bytes sum() runs inline, without dispatch.
inline constexpr std::size_t sum_inline_max = 128;

/// Little-endian partial sum of a buffer shorter than sum_inline_max, inline:
/// below 32 bytes two or three 64-bit adds beat any vector reduction; from 32
/// on (x86) the SSE2 loop.
inline std::uint64_t sum_short_le(const Byte* p, std::size_t n) noexcept {
#if STRATA_CHECKSUM_X86
    if (n >= 32) return sum_sse2_short_le(p, n);
#endif
    return sum_le_u64(p, n);
}

/// Run-time sum: inline for short buffers, else the CPU's fastest kernel.
inline std::uint64_t sum_runtime(const Byte* p, std::size_t n, std::uint64_t acc) noexcept {
    if (n < sum_inline_max) return finish_le(sum_short_le(p, n), acc);
    return sum_kernel.load(std::memory_order_relaxed)(p, n, acc);
}

/// fold(sum_runtime(p, n, 0)), folding once: for the whole-buffer checksum,
/// where the short path's result needs no second fold.
inline std::uint16_t fold_runtime(const Byte* p, std::size_t n) noexcept {
    if (n < sum_inline_max) return fold_le(sum_short_le(p, n));
    return fold_to_16(sum_kernel.load(std::memory_order_relaxed)(p, n, 0));
}

} // namespace strata::checksum::detail
