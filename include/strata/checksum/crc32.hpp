// CRC-32 as used by the Ethernet FCS (IEEE 802.3): reflected polynomial
// 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF. Check value for
// "123456789" is 0xCBF43926.
//
// crc32() and crc32_update() are usable in constant expressions (byte at a
// time); at run time they use the fastest kernel for the CPU: VPCLMULQDQ with
// AVX-512, PCLMULQDQ with SSE4.1, or slicing-by-8
// (detail/crc32_kernels.hpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include <strata/checksum/detail/crc32_kernels.hpp>
#include <strata/core/bytes.hpp>

namespace strata {

namespace detail {
/// Byte at a time; slicing table 0 is the classic 256-entry table.
constexpr std::uint32_t crc32_bytewise(std::uint32_t state, const Byte* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        state = crc32_slice_tables[0][(state ^ p[i]) & 0xff] ^ (state >> 8);
    return state;
}
} // namespace detail

/// Continue a CRC-32 over more bytes. `crc` is a finished CRC value (0 to
/// start), so crc32_update(crc32_update(0, a), b) == crc32(a ++ b).
constexpr std::uint32_t crc32_update(std::uint32_t crc, Bytes data) noexcept {
    if (std::is_constant_evaluated())
        return ~detail::crc32_bytewise(~crc, data.data(), data.size());
    return ~detail::crc32_runtime(~crc, data.data(), data.size());
}

/// CRC-32 of a whole buffer.
constexpr std::uint32_t crc32(Bytes data) noexcept { return crc32_update(0, data); }

} // namespace strata
