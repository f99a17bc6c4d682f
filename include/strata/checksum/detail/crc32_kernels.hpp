// Run-time kernels for CRC-32 (reflected polynomial 0xEDB88320, the Ethernet
// FCS), chosen by CPU features at run time. crc32.hpp uses them when not
// constant-evaluated.
//
// All kernels work on the raw register ("state"), as crc32_bytewise() does:
// the caller applies the initial and final inversion.
//
// The folding kernels follow Intel's "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009) in the
// bit-reflected form used by Linux's crc32-pclmul_asm.S: a 128-bit block B
// whose two 64-bit halves are H (first 8 bytes) and L is moved D bits further
// along the message as  clmul(H, k(D + 32)) ^ clmul(L, k(D - 32)),  where
// k(e) = bitreflect32(x^e mod P) << 1 (the shift absorbs the one-bit offset of
// a reflected carry-less product). The constants are computed below at compile
// time and checked against the published ones.
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
#include <smmintrin.h> // SSE4.1 (and SSSE3, SSE2 below it)
#include <wmmintrin.h> // PCLMULQDQ
#endif

namespace strata::detail {

// --- constants ---------------------------------------------------------------

/// The CRC-32 polynomial in normal (MSB-first) order without the x^32 term.
inline constexpr std::uint32_t crc32_poly_normal = 0x04C11DB7u;

/// x^e mod P(x), normal bit order.
constexpr std::uint32_t crc32_xpow_mod(unsigned e) noexcept {
    std::uint32_t r = 1;
    for (unsigned i = 0; i < e; ++i) {
        const bool top = (r & 0x80000000u) != 0;
        r <<= 1;
        if (top) r ^= crc32_poly_normal;
    }
    return r;
}

constexpr std::uint64_t bit_reflect(std::uint64_t v, unsigned bits) noexcept {
    std::uint64_t r = 0;
    for (unsigned i = 0; i < bits; ++i)
        r |= ((v >> i) & 1u) << (bits - 1 - i);
    return r;
}

/// Folding constant for the reflected carry-less product (see the top).
constexpr std::uint64_t crc32_fold_k(unsigned e) noexcept {
    return bit_reflect(crc32_xpow_mod(e), 32) << 1;
}

/// Barrett constant: floor(x^64 / P(x)), 33 bits, reflected.
constexpr std::uint64_t crc32_barrett_mu() noexcept {
    const std::uint64_t p = (std::uint64_t{1} << 32) | crc32_poly_normal;
    std::uint64_t rem = std::uint64_t{1} << 32; // dividend x^64, top 33 bits
    std::uint64_t q = 0;
    for (int d = 32; d >= 0; --d) {
        q <<= 1;
        if (rem & (std::uint64_t{1} << 32)) {
            q |= 1;
            rem ^= p;
        }
        rem <<= 1;
    }
    return bit_reflect(q, 33);
}

/// P(x) with its x^32 term, reflected over 33 bits.
inline constexpr std::uint64_t crc32_poly_reflected33 =
    bit_reflect((std::uint64_t{1} << 32) | crc32_poly_normal, 33);

// The derivation matches the constants published with Linux's
// crc32-pclmul_asm.S (R1..R5, P', u'), which come from Intel's paper.
static_assert(crc32_fold_k(4 * 128 + 32) == 0x154442bd4); // R1
static_assert(crc32_fold_k(4 * 128 - 32) == 0x1c6e41596); // R2
static_assert(crc32_fold_k(128 + 32) == 0x1751997d0);     // R3
static_assert(crc32_fold_k(128 - 32) == 0x0ccaa009e);     // R4
static_assert(crc32_fold_k(64) == 0x163cd6124);           // R5
static_assert(crc32_poly_reflected33 == 0x1DB710641);     // P'
static_assert(crc32_barrett_mu() == 0x1F7011641);         // u'

/// k(e) as a compile-time constant (never computed at run time).
template <unsigned E>
inline constexpr long long crc32_k = static_cast<long long>(crc32_fold_k(E));
inline constexpr long long crc32_mu = static_cast<long long>(crc32_barrett_mu());
inline constexpr long long crc32_pprime = static_cast<long long>(crc32_poly_reflected33);

// --- slicing-by-8 ------------------------------------------------------------

using Crc32Tables = std::array<std::array<std::uint32_t, 256>, 8>;

/// t[0] is the byte-at-a-time table; t[k][i] is the register after byte i
/// followed by k zero bytes, so eight bytes are folded with eight lookups.
constexpr Crc32Tables make_crc32_slice_tables() noexcept {
    Crc32Tables t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        t[0][i] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t i = 0; i < 256; ++i)
            t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    return t;
}
inline constexpr Crc32Tables crc32_slice_tables = make_crc32_slice_tables();

inline std::uint32_t crc32_load_le32(const Byte* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
    return v;
}

/// Portable kernel: slicing-by-8 (eight table lookups per eight bytes).
inline std::uint32_t crc32_slice8(std::uint32_t state, const Byte* p, std::size_t n) noexcept {
    const auto& t = crc32_slice_tables;
    for (; n >= 8; p += 8, n -= 8) {
        const std::uint32_t a = crc32_load_le32(p) ^ state;
        const std::uint32_t b = crc32_load_le32(p + 4);
        state = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^
                t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
    }
    for (; n != 0; ++p, --n)
        state = t[0][(state ^ *p) & 0xff] ^ (state >> 8);
    return state;
}

#if STRATA_CHECKSUM_X86
// --- PCLMULQDQ + SSE4.1 --------------------------------------------------------

#define STRATA_TARGET_PCLMUL __attribute__((target("pclmul,sse4.1")))

/// Moves a 128-bit block D bits further along; k = {k(D + 32), k(D - 32)}.
STRATA_TARGET_PCLMUL inline __m128i crc32_fold128(__m128i x, __m128i k) noexcept {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

STRATA_TARGET_PCLMUL inline __m128i crc32_loadu128(const Byte* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

/// Finishes a fold: `x` holds the folded message up to `p`, at least 16 bytes
/// of the buffer precede `p`, and `n` bytes remain. Returns the register.
STRATA_TARGET_PCLMUL inline std::uint32_t crc32_finish128(__m128i x, const Byte* p,
                                                          std::size_t n) noexcept {
    const __m128i k128 = _mm_set_epi64x(crc32_k<128 - 32>, crc32_k<128 + 32>);
    for (; n >= 16; p += 16, n -= 16)
        x = _mm_xor_si128(crc32_fold128(x, k128), crc32_loadu128(p));
    if (n != 0) {
        // 1..15 bytes left: regroup x ++ tail as A ++ B, where B is the last
        // 16 bytes (x[n..15] ++ tail) and A is x[0..n-1] behind 16 - n zero
        // bytes (leading zeros do not change a CRC remainder); then fold A
        // onto B. The tail is read as the buffer's last 16 bytes, so nothing
        // outside the buffer is touched.
        const __m128i last = crc32_loadu128(p + n - 16);
        const __m128i shift =
            _mm_add_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm_set1_epi8(static_cast<char>(n)));
        // Lanes i >= 16 - n: i + n - 16 in 0..n-1; lower lanes negative, so
        // pshufb zeroes them and blendv takes them from x.
        const __m128i down = _mm_sub_epi8(shift, _mm_set1_epi8(16));
        const __m128i a = _mm_shuffle_epi8(x, down);
        const __m128i b = _mm_blendv_epi8(last, _mm_shuffle_epi8(x, shift), down);
        x = _mm_xor_si128(crc32_fold128(a, k128), b);
    }
    // 128 -> 64 bits, appending the 32 zero bits of M(x) * x^32.
    x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(k128, x, 0x01));
    // 96 -> 64 bits.
    const __m128i mask32 = _mm_setr_epi32(-1, 0, 0, 0);
    const __m128i k64 = _mm_set_epi64x(0, crc32_k<64>);
    x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, mask32), k64, 0));
    // Barrett reduction 64 -> 32 bits (reflected): q = (x mod x^32) * u',
    // r = x ^ (q mod x^32) * P'.
    const __m128i pu = _mm_set_epi64x(crc32_mu, crc32_pprime);
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), pu, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), pu, 0x00);
    return static_cast<std::uint32_t>(_mm_extract_epi32(_mm_xor_si128(x, t), 1));
}

/// PCLMULQDQ kernel: four 128-bit lanes (64 bytes per step), then one lane.
STRATA_TARGET_PCLMUL inline std::uint32_t crc32_pclmul(std::uint32_t state, const Byte* p,
                                                       std::size_t n) noexcept {
    if (n < 16) return crc32_slice8(state, p, n);
    // The register enters as the first 32 bits of the message (XOR).
    __m128i x = _mm_xor_si128(crc32_loadu128(p), _mm_cvtsi32_si128(static_cast<int>(state)));
    p += 16;
    n -= 16;
    if (n >= 48) {
        __m128i x1 = crc32_loadu128(p), x2 = crc32_loadu128(p + 16), x3 = crc32_loadu128(p + 32);
        p += 48;
        n -= 48;
        const __m128i k512 = _mm_set_epi64x(crc32_k<512 - 32>, crc32_k<512 + 32>);
        for (; n >= 64; p += 64, n -= 64) {
            x = _mm_xor_si128(crc32_fold128(x, k512), crc32_loadu128(p));
            x1 = _mm_xor_si128(crc32_fold128(x1, k512), crc32_loadu128(p + 16));
            x2 = _mm_xor_si128(crc32_fold128(x2, k512), crc32_loadu128(p + 32));
            x3 = _mm_xor_si128(crc32_fold128(x3, k512), crc32_loadu128(p + 48));
        }
        const __m128i k128 = _mm_set_epi64x(crc32_k<128 - 32>, crc32_k<128 + 32>);
        x = _mm_xor_si128(crc32_fold128(x, k128), x1);
        x = _mm_xor_si128(crc32_fold128(x, k128), x2);
        x = _mm_xor_si128(crc32_fold128(x, k128), x3);
    }
    return crc32_finish128(x, p, n);
}

// --- VPCLMULQDQ + AVX-512 ------------------------------------------------------
// Written with vector extensions (detail/simd.hpp): a 512-bit register is
// four 128-bit lanes of two 64-bit halves each.

/// The same 128-bit fold in each of the four lanes, XORed with `data`.
STRATA_TARGET_VPCLMUL inline simd::i64x8 crc32_fold512(simd::i64x8 x, simd::i64x8 k,
                                                       simd::i64x8 data) noexcept {
    return simd::xor3(simd::clmul512<0x00>(x, k), simd::clmul512<0x11>(x, k), data);
}

/// {k(D + 32), k(D - 32)} in every 128-bit lane.
template <unsigned D>
inline constexpr simd::i64x8 crc32_k512 = {crc32_k<D + 32>, crc32_k<D - 32>, crc32_k<D + 32>,
                                           crc32_k<D - 32>, crc32_k<D + 32>, crc32_k<D - 32>,
                                           crc32_k<D + 32>, crc32_k<D - 32>};

/// VPCLMULQDQ kernel: four independent 512-bit accumulators (256 bytes per
/// step, so the carry-less multiplies of different lanes overlap), then one,
/// then the 128-bit finish.
STRATA_TARGET_VPCLMUL inline std::uint32_t crc32_vpclmul(std::uint32_t state, const Byte* p,
                                                         std::size_t n) noexcept {
    using simd::i64x8, simd::i64x8u, simd::i64x4, simd::i64x2;
    if (n < 64) return crc32_pclmul(state, p, n);
    // The register enters as the first 32 bits of the message (XOR).
    i64x8 z0 = *reinterpret_cast<const i64x8u*>(p) ^ i64x8 { static_cast<long long>(state) };
    const i64x8 k512 = crc32_k512<512>;
    if (n >= 256) {
        i64x8 z1 = *reinterpret_cast<const i64x8u*>(p + 64);
        i64x8 z2 = *reinterpret_cast<const i64x8u*>(p + 128);
        i64x8 z3 = *reinterpret_cast<const i64x8u*>(p + 192);
        p += 256;
        n -= 256;
        const i64x8 k2048 = crc32_k512<2048>;
        for (; n >= 256; p += 256, n -= 256) {
            z0 = crc32_fold512(z0, k2048, *reinterpret_cast<const i64x8u*>(p));
            z1 = crc32_fold512(z1, k2048, *reinterpret_cast<const i64x8u*>(p + 64));
            z2 = crc32_fold512(z2, k2048, *reinterpret_cast<const i64x8u*>(p + 128));
            z3 = crc32_fold512(z3, k2048, *reinterpret_cast<const i64x8u*>(p + 192));
        }
        z0 = crc32_fold512(z0, k512, z1);
        z0 = crc32_fold512(z0, k512, z2);
        z0 = crc32_fold512(z0, k512, z3);
    } else {
        p += 64;
        n -= 64;
    }
    for (; n >= 64; p += 64, n -= 64)
        z0 = crc32_fold512(z0, k512, *reinterpret_cast<const i64x8u*>(p));
    // Four lanes to one: lane i moves 128 * (3 - i) bits onto lane 3, which
    // is kept as it is (the data argument holds lane 3 alone).
    const i64x8 kr = {crc32_k<384 + 32>,
                      crc32_k<384 - 32>,
                      crc32_k<256 + 32>,
                      crc32_k<256 - 32>,
                      crc32_k<128 + 32>,
                      crc32_k<128 - 32>,
                      0,
                      0};
    const i64x8 f = crc32_fold512(z0, kr, z0 & i64x8{0, 0, 0, 0, 0, 0, -1, -1});
    const i64x4 h =
        __builtin_shufflevector(f, f, 0, 1, 2, 3) ^ __builtin_shufflevector(f, f, 4, 5, 6, 7);
    const i64x2 x = __builtin_shufflevector(h, h, 0, 1) ^ __builtin_shufflevector(h, h, 2, 3);
    return crc32_finish128((__m128i)x, p, n);
}
#endif

// --- dispatch ----------------------------------------------------------------

using Crc32Fn = std::uint32_t (*)(std::uint32_t, const Byte*, std::size_t) noexcept;

/// One run-time implementation, for tests and benchmarks that call each path.
struct Crc32Impl {
    const char* name;
    Crc32Fn fn;
    bool supported; ///< this CPU can run it
};

/// Every run-time implementation compiled in, fastest first.
inline auto crc32_impls() noexcept {
#if STRATA_CHECKSUM_X86
    const auto& f = cpu_features();
    return std::array<Crc32Impl, 3>{
        {{"vpclmulqdq", &crc32_vpclmul,
          f.vpclmulqdq && f.avx512f && f.avx512bw && f.avx512vl && f.pclmul && f.sse41},
         {"pclmulqdq", &crc32_pclmul, f.pclmul && f.sse41},
         {"slice8", &crc32_slice8, true}}};
#else
    return std::array<Crc32Impl, 1>{{{"slice8", &crc32_slice8, true}}};
#endif
}

/// The fastest implementation this CPU supports.
inline Crc32Fn select_crc32() noexcept {
    for (const Crc32Impl& i : crc32_impls())
        if (i.supported) return i.fn;
    return &crc32_slice8;
}

inline std::uint32_t crc32_resolve(std::uint32_t state, const Byte* p, std::size_t n) noexcept;

/// Resolved on first use (constant-initialised, see sum_kernel in
/// internet_kernels.hpp for the scheme).
constinit inline std::atomic<Crc32Fn> crc32_kernel{&crc32_resolve};

inline std::uint32_t crc32_resolve(std::uint32_t state, const Byte* p, std::size_t n) noexcept {
    const Crc32Fn f = select_crc32();
    crc32_kernel.store(f, std::memory_order_relaxed);
    return f(state, p, n);
}

/// Below this many bytes crc32 runs slicing-by-8 inline, without dispatch.
inline constexpr std::size_t crc32_inline_max = 16;

/// Run-time CRC register update.
inline std::uint32_t crc32_runtime(std::uint32_t state, const Byte* p, std::size_t n) noexcept {
    if (n < crc32_inline_max) return crc32_slice8(state, p, n);
    return crc32_kernel.load(std::memory_order_relaxed)(state, p, n);
}

} // namespace strata::detail
