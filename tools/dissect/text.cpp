// Text helpers of strata-dissect: hex, UTF-8-safe wire text, addresses.
#include <array>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "walk.hpp"

namespace strata::dissect {

std::string hex(Bytes b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (const Byte c : b) {
        s.push_back(digits[c >> 4]);
        s.push_back(digits[c & 0xf]);
    }
    return s;
}

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629 §4: no
// overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_len(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xbf) return 0;
    return n;
}
} // namespace

std::string text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (const std::size_t n = utf8_len(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            static constexpr char digits[] = "0123456789abcdef";
            const auto c = static_cast<unsigned char>(s[i]);
            out.append("\\x");
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xf]);
            ++i;
        }
    }
    return out;
}

std::string text(Bytes b) {
    return text(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::string ipv4_text(Bytes b) { return to_string(Ipv4Address::from_bytes(b.data())); }

std::string ipv6_text(const std::array<Byte, 16>& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET6, a.data(), buf, sizeof buf) == nullptr) return hex(Bytes(a));
    return buf;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace strata::dissect
