// Character classes and the line scanner shared by the HTTP/1.1 parsers
// (RFC 9110 §5.6, RFC 9112 §2.2). Internal: users never need these.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace strata::http::detail {

/// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~" DIGIT ALPHA.
constexpr std::array<bool, 256> make_tchar_table() noexcept {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view{"!#$%&'*+-.^_`|~"})
        t[static_cast<unsigned char>(c)] = true;
    return t;
}
inline constexpr std::array<bool, 256> tchar = make_tchar_table();

/// Bytes allowed in a request-target (RFC 9112 §3.2): the RFC 3986
/// characters (unreserved, reserved, '%'). Anything else — spaces, quotes,
/// '<', '>', '\', '^', '`', '{', '|', '}', non-ASCII — must arrive encoded.
constexpr std::array<bool, 256> make_target_table() noexcept {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view{"-._~:/?#[]@!$&'()*+,;=%"})
        t[static_cast<unsigned char>(c)] = true;
    return t;
}
inline constexpr std::array<bool, 256> target_char = make_target_table();

constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

/// A byte that may not appear inside a line: CTL other than HTAB, and DEL
/// (RFC 9110 §5.5 field-value, §5.6 for the start line). CR and LF are in
/// this class too: the scanner stops on them and the caller decides.
constexpr bool is_line_stop(unsigned char c) noexcept {
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/// ASCII lower-casing, the only case folding HTTP uses (RFC 9110 §5.1).
constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

/// Case-insensitive ASCII equality (field names, methods are not: RFC 9110 §9.1).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back()))
        s.remove_suffix(1);
    return s;
}

/// `v` pointed into storage at `from`; the same bytes now live at `to`.
/// Computed on integers because the old storage may already be freed.
inline std::string_view rebased(std::string_view v, const char* from, const char* to) noexcept {
    if (v.data() == nullptr) return v;
    const auto off =
        reinterpret_cast<std::uintptr_t>(v.data()) - reinterpret_cast<std::uintptr_t>(from);
    return {to + off, v.size()};
}

/// Index of the first line-stop byte in [p+i, p+n), or n. This is the only
/// loop that touches every byte of a head, so it goes 16 bytes at a time
/// where SSE2 exists (baseline on x86-64; no -march needed). Loads never
/// cross p+n.
inline std::size_t scan_line_stop(const unsigned char* p, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i del = _mm_set1_epi8(0x7f);
    while (i + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        // v >= 0x20 (unsigned) <=> max(v, 0x20) == v
        const __m128i printable = _mm_cmpeq_epi8(_mm_max_epu8(v, space), v);
        const __m128i ok = _mm_or_si128(printable, _mm_cmpeq_epi8(v, tab));
        const __m128i bad =
            _mm_or_si128(_mm_andnot_si128(ok, _mm_set1_epi8(-1)), _mm_cmpeq_epi8(v, del));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(bad));
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
        i += 16;
    }
#endif
    while (i < n && !is_line_stop(p[i]))
        ++i;
    return i;
}

} // namespace strata::http::detail
