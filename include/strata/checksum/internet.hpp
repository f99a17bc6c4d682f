// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
// complement sum of 16-bit big-endian words. Built from small pieces in the
// style of DPDK's rte_cksum.h: sum (accumulate), fold (reduce), finish
// (complement), pseudo-header sums, and RFC 1624 incremental updates.
//
// Accumulators are 64-bit "partial sums" that have not been folded; chaining
// sum() over several buffers is exact as long as every buffer but the last
// has an even length (an odd tail is padded with a zero byte, RFC 1071 §4.1).
//
// sum() is usable in constant expressions (the word-at-a-time reference); at
// run time it adds short buffers inline and hands longer ones to the fastest
// kernel for the CPU (AVX-512BW, AVX2 or a portable 64-bit add-with-carry
// loop, detail/internet_kernels.hpp). Run-time results may differ from the
// reference by multiples of 0xffff, never after fold().
#pragma once

#include <cstdint>
#include <type_traits>

#include <strata/checksum/detail/internet_kernels.hpp>
#include <strata/core/bytes.hpp>

namespace strata::checksum {

/// Reduce a partial sum to 16 bits with end-around carry (RFC 1071 §2(1)).
constexpr std::uint16_t fold(std::uint64_t s) noexcept { return detail::fold_to_16(s); }

namespace detail {
/// Portable reference: one 16-bit word at a time. Usable in constant expressions.
constexpr std::uint64_t sum_words(const Byte* p, std::size_t n, std::uint64_t acc) noexcept {
    std::size_t i = 0;
    for (; i + 1 < n; i += 2)
        acc += (std::uint32_t{p[i]} << 8) | p[i + 1];
    if (i < n) acc += std::uint32_t{p[i]} << 8;
    return acc;
}
} // namespace detail

/// Add the 16-bit big-endian words of `data` to the partial sum `acc`.
/// Any length and alignment; fold() of the result equals fold() of the
/// reference sum_words() over the same bytes and `acc`.
constexpr std::uint64_t sum(Bytes data, std::uint64_t acc = 0) noexcept {
    if (std::is_constant_evaluated()) return detail::sum_words(data.data(), data.size(), acc);
    return detail::sum_runtime(data.data(), data.size(), acc);
}

/// The checksum field value: complement of the folded sum.
constexpr std::uint16_t finish(std::uint64_t s) noexcept {
    return static_cast<std::uint16_t>(~fold(s));
}

/// RFC 1071 checksum of a whole buffer.
constexpr std::uint16_t internet_checksum(Bytes data) noexcept {
    if (std::is_constant_evaluated()) return finish(sum(data));
    return static_cast<std::uint16_t>(~detail::fold_runtime(data.data(), data.size()));
}

/// True when a buffer that contains its own checksum field sums to 0xffff.
constexpr bool verifies(std::uint64_t s) noexcept { return fold(s) == 0xffff; }

/// Partial sum of the IPv4 pseudo-header for TCP/UDP (RFC 9293 §3.1,
/// RFC 768): source, destination, zero, protocol, transport length.
constexpr std::uint64_t pseudo_header_ipv4(std::uint32_t src, std::uint32_t dst,
                                           std::uint8_t protocol,
                                           std::uint16_t transport_length) noexcept {
    return std::uint64_t{src >> 16} + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol +
           transport_length;
}

/// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit field changing
/// from `old_word` to `new_word`. Never produces 0x0000 from a nonzero sum,
/// unlike eqn. 2 (RFC 1624 §3).
constexpr std::uint16_t update16(std::uint16_t checksum, std::uint16_t old_word,
                                 std::uint16_t new_word) noexcept {
    std::uint64_t s = static_cast<std::uint16_t>(~checksum);
    s += static_cast<std::uint16_t>(~old_word);
    s += new_word;
    return static_cast<std::uint16_t>(~fold(s));
}

/// RFC 1624 eqn. 3 for a 32-bit field (an IPv4 address): two 16-bit updates.
constexpr std::uint16_t update32(std::uint16_t checksum, std::uint32_t old_value,
                                 std::uint32_t new_value) noexcept {
    std::uint64_t s = static_cast<std::uint16_t>(~checksum);
    s += static_cast<std::uint16_t>(~(old_value >> 16));
    s += static_cast<std::uint16_t>(~old_value);
    s += new_value >> 16;
    s += new_value & 0xffff;
    return static_cast<std::uint16_t>(~fold(s));
}

} // namespace strata::checksum
