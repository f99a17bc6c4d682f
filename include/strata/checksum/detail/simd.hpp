// Vector types for the wide (AVX2, AVX-512) checksum kernels, written with
// the GCC/clang vector extensions instead of <immintrin.h>.
//
// <immintrin.h> declares every x86 intrinsic there is (GCC 12: some 100
// headers, most of it AVX-512), and parsing it was the largest part of the
// compile time of any file that computes a checksum. The kernels need only
// loads, adds, shifts, ands, XORs and lane shuffles, which the vector
// extensions express directly (the compiler emits the same instructions
// inside a function marked __attribute__((target(...)))), plus two
// instructions that have no operator: the byte-masked load of AVX-512BW and
// VPCLMULQDQ, reached through the compiler builtins that <immintrin.h>
// itself wraps (their names differ between GCC and clang), and one that
// schedules better as a builtin (vpternlogq). SSE2, SSE4.1 and
// PCLMULQDQ come from their own small headers (<emmintrin.h>,
// <smmintrin.h>, <wmmintrin.h>).
#pragma once

#include <cstdint>

#include <strata/checksum/detail/cpu.hpp>

#if STRATA_CHECKSUM_X86

namespace strata::detail::simd {

// Lanes of 256 and 512 bits. The *u types are the unaligned, may-alias
// versions used to load from a byte buffer (as __m256i_u / __m512i_u are).
// typedef, not using: clang ignores aligned(1) on an alias-declaration.
typedef std::uint32_t u32x8 __attribute__((vector_size(32)));
typedef std::uint64_t u64x4 __attribute__((vector_size(32)));
typedef std::uint64_t u64x2 __attribute__((vector_size(16)));
typedef std::uint32_t u32x16 __attribute__((vector_size(64)));
typedef std::uint64_t u64x8 __attribute__((vector_size(64)));
typedef long long i64x2 __attribute__((vector_size(16)));
typedef long long i64x4 __attribute__((vector_size(32)));
typedef long long i64x8 __attribute__((vector_size(64)));
typedef char c8x64 __attribute__((vector_size(64)));
typedef std::uint32_t u32x8u __attribute__((vector_size(32), aligned(1), may_alias));
typedef std::uint32_t u32x16u __attribute__((vector_size(64), aligned(1), may_alias));
typedef long long i64x8u __attribute__((vector_size(64), aligned(1), may_alias));

#define STRATA_TARGET_AVX512BW __attribute__((target("avx512f,avx512bw")))
#define STRATA_TARGET_VPCLMUL                                                                      \
    __attribute__((target("avx512f,avx512bw,avx512vl,vpclmulqdq,pclmul,sse4.1")))

/// The bytes p[0..63] whose bit is set in `mask`, zeros elsewhere; reads no
/// byte whose bit is clear (AVX-512BW vmovdqu8 with a zeroing mask, as
/// _mm512_maskz_loadu_epi8).
STRATA_TARGET_AVX512BW inline u32x16 maskz_load_bytes(std::uint64_t mask, const void* p) noexcept {
#if defined(__clang__)
    return (u32x16)__builtin_ia32_loaddquqi512_mask(static_cast<const c8x64*>(p), c8x64{},
                                                    static_cast<unsigned long long>(mask));
#else
    return (u32x16)__builtin_ia32_loaddquqi512_mask(static_cast<const char*>(p), c8x64{},
                                                    static_cast<unsigned long long>(mask));
#endif
}

/// Carry-less product of one 64-bit half of each 128-bit lane of `a` and `b`
/// (VPCLMULQDQ, as _mm512_clmulepi64_epi128): Imm bit 0 picks a's half, bit 4
/// b's half.
template <int Imm>
STRATA_TARGET_VPCLMUL inline i64x8 clmul512(i64x8 a, i64x8 b) noexcept {
#if defined(__clang__)
    return __builtin_ia32_pclmulqdq512(a, b, static_cast<char>(Imm));
#else
    return __builtin_ia32_vpclmulqdq_v8di(a, b, Imm);
#endif
}

/// a ^ b ^ c in one instruction (vpternlogq 0x96, as
/// _mm512_ternarylogic_epi64). GCC turns `a ^ b ^ c` into the same
/// instruction but then keeps `c` in a register; the builtin lets it read `c`
/// straight from memory, one load instruction less per fold.
STRATA_TARGET_AVX512BW inline i64x8 xor3(i64x8 a, i64x8 b, i64x8 c) noexcept {
    return __builtin_ia32_pternlogq512_mask(a, b, c, 0x96, static_cast<unsigned char>(0xff));
}

} // namespace strata::detail::simd

#endif
