// Byte spans and big-endian loads/stores usable in constant expressions.
//
// Wire formats are big-endian ("network order", RFC 1700). Loads go through
// explicit byte assembly, never a packed-struct cast, so they are
// alignment-safe and work in constexpr; at run time the compiler turns them
// into one load plus a byte swap.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include <strata/core/field.hpp>

namespace strata {

using Byte = std::uint8_t;
/// Read-only bytes borrowed from somewhere else.
using Bytes = std::span<const Byte>;
/// Writable bytes borrowed from somewhere else.
using MutBytes = std::span<Byte>;

/// Either `const Byte` (a read-only view) or `Byte` (a writable view).
template <class B>
concept ByteType = std::same_as<std::remove_const_t<B>, Byte>;

/// True when views over `B` may write.
template <class B>
inline constexpr bool is_mutable_byte = !std::is_const_v<B>;

namespace detail {
template <class T>
constexpr T byteswap_if_little(T v) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        if constexpr (sizeof(T) == 2)
            return static_cast<T>(__builtin_bswap16(v));
        else if constexpr (sizeof(T) == 4)
            return static_cast<T>(__builtin_bswap32(v));
        else if constexpr (sizeof(T) == 8)
            return static_cast<T>(__builtin_bswap64(v));
        else
            return v;
    } else {
        return v;
    }
}

template <class T>
constexpr T load_be(const Byte* p) noexcept {
    if (std::is_constant_evaluated()) {
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v = static_cast<T>((v << 8) | p[i]);
        return v;
    }
    T v;
    std::memcpy(&v, p, sizeof(T));
    return byteswap_if_little(v);
}

template <class T>
constexpr void store_be(Byte* p, T v) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = sizeof(T); i-- > 0;) {
            p[i] = static_cast<Byte>(v & 0xff);
            v = static_cast<T>(v >> 8);
        }
        return;
    }
    v = byteswap_if_little(v);
    std::memcpy(p, &v, sizeof(T));
}
} // namespace detail

constexpr std::uint16_t load_be16(const Byte* p) noexcept {
    return detail::load_be<std::uint16_t>(p);
}
constexpr std::uint32_t load_be24(const Byte* p) noexcept {
    return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
constexpr std::uint32_t load_be32(const Byte* p) noexcept {
    return detail::load_be<std::uint32_t>(p);
}
constexpr std::uint64_t load_be64(const Byte* p) noexcept {
    return detail::load_be<std::uint64_t>(p);
}
constexpr void store_be16(Byte* p, std::uint16_t v) noexcept { detail::store_be(p, v); }
constexpr void store_be24(Byte* p, std::uint32_t v) noexcept {
    p[0] = static_cast<Byte>(v >> 16);
    p[1] = static_cast<Byte>(v >> 8);
    p[2] = static_cast<Byte>(v);
}
constexpr void store_be32(Byte* p, std::uint32_t v) noexcept { detail::store_be(p, v); }
constexpr void store_be64(Byte* p, std::uint64_t v) noexcept { detail::store_be(p, v); }

/// Copies `from` to the start of `to` (which may overlap it, as memmove) and
/// returns the count. Precondition: to.size() >= from.size(). Here rather
/// than std::copy so that headers need not include <algorithm>, whose C++20
/// ranges half is a third of the parse time of a small user TU.
constexpr std::size_t copy_bytes(std::span<const Byte> from, Byte* to) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < from.size(); ++i)
            to[i] = from[i];
        return from.size();
    }
    if (!from.empty()) std::memmove(to, from.data(), from.size());
    return from.size();
}

/// Sets `n` bytes from `to` to zero (constexpr-friendly memset).
constexpr void zero_bytes(Byte* to, std::size_t n) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < n; ++i)
            to[i] = 0;
        return;
    }
    if (n != 0) std::memset(to, 0, n);
}

} // namespace strata
