// URLs (RFC 3986 generic syntax) as views into the caller's text: scheme,
// userinfo (user, password), host, port, path, query, fragment. The URL is
// an address: a browser or proxy parses one to know where to connect and
// what request-target to send.
//
//   URI       = scheme ":" hier-part [ "?" query ] [ "#" fragment ]   (§3)
//   hier-part = "//" authority path-abempty / path-absolute / path-rootless / path-empty
//   authority = [ userinfo "@" ] host [ ":" port ]                     (§3.2)
//
// Recognised schemes get their default port (http 80, https 443, ftp 21;
// RFC 9110 §4.2, RFC 959) and their rules: http, https and ftp need a
// non-empty host; file may have an empty one (file:///etc/hosts, RFC 8089);
// mailto: and news: have no authority (mailto:user@host, news:comp.lang.c).
// Nothing is decoded in place: components keep their %XX escapes, and
// percent_decode() writes the decoded bytes into a caller buffer.
// Only absolute URLs are parsed (no relative references). Errors are
// {"url", field, offset into the text}.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/result.hpp>

namespace strata {

enum class UrlScheme : std::uint8_t { other, http, https, ftp, file, mailto, news };

enum class HostKind : std::uint8_t {
    none,     ///< no authority, or an empty host (file:///)
    reg_name, ///< a name, maybe percent-encoded (RFC 3986 §3.2.2)
    ipv4,     ///< a dotted quad
    ipv6,     ///< an IP-literal "[...]"; host holds the text between the brackets
};

namespace detail::url {

constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr int hex_value(char c) noexcept {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
constexpr bool is_unreserved(char c) noexcept {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
constexpr bool is_sub_delim(char c) noexcept {
    return std::string_view{"!$&'()*+,;="}.find(c) != std::string_view::npos;
}
constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

/// Checks s (at `base` in the URL) against `allowed` plus pct-encoded.
template <class Allowed>
constexpr Result<void> check_chars(std::string_view s, std::size_t base, std::string_view field,
                                   Allowed allowed) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (s.size() - i < 3 || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
                return Error{"url", "percent", base + i, Errc::bad_syntax};
            i += 2;
        } else if (!allowed(s[i])) {
            return Error{"url", field, base + i, Errc::bad_syntax};
        }
    }
    return {};
}

} // namespace detail::url

constexpr UrlScheme scheme_from_text(std::string_view s) noexcept {
    using detail::url::iequals;
    if (iequals(s, "http")) return UrlScheme::http;
    if (iequals(s, "https")) return UrlScheme::https;
    if (iequals(s, "ftp")) return UrlScheme::ftp;
    if (iequals(s, "file")) return UrlScheme::file;
    if (iequals(s, "mailto")) return UrlScheme::mailto;
    if (iequals(s, "news")) return UrlScheme::news;
    return UrlScheme::other;
}

/// The port a scheme implies when the URL names none; 0 for "no default".
constexpr std::uint16_t default_port(UrlScheme s) noexcept {
    switch (s) {
    case UrlScheme::http:
        return 80;
    case UrlScheme::https:
        return 443;
    case UrlScheme::ftp:
        return 21;
    default:
        return 0;
    }
}

struct Url {
    std::string_view scheme; ///< as written ("HTTP" stays "HTTP"); compare with scheme_id
    UrlScheme scheme_id = UrlScheme::other;
    bool has_authority = false; ///< "//" followed the scheme
    std::string_view authority; ///< userinfo@host:port, as written
    std::string_view userinfo;  ///< before '@' (still percent-encoded)
    std::string_view user;      ///< userinfo before the first ':'
    std::string_view password;  ///< userinfo after the first ':' (deprecated, RFC 3986 §3.2.1)
    std::string_view host;      ///< without brackets for IPv6
    HostKind host_kind = HostKind::none;
    Ipv4Address ipv4;       ///< when host_kind == ipv4
    std::uint16_t port = 0; ///< explicit, else default_port(scheme_id); 0 = none
    bool port_explicit = false;
    std::string_view path;
    std::string_view query;    ///< after '?', without it
    bool has_query = false;    ///< "?" present (the query may still be empty)
    std::string_view fragment; ///< after '#', without it
    bool has_fragment = false;

    [[nodiscard]] constexpr bool is(UrlScheme s) const noexcept { return scheme_id == s; }

    /// The request-target in origin-form (RFC 9112 §3.2.1): path "?" query,
    /// "/" for an empty path. The fragment is never sent.
    [[nodiscard]] constexpr std::size_t origin_form_len() const noexcept {
        return (path.empty() ? 1 : path.size()) + (has_query ? 1 + query.size() : 0);
    }
    /// Writes the origin-form into `out`; Error buffer_too_small if it does not fit.
    constexpr Result<std::size_t> origin_form(std::span<char> out) const noexcept {
        const std::size_t n = origin_form_len();
        if (n > out.size())
            return Error{"url", "origin_form", 0, Errc::buffer_too_small, n, out.size()};
        std::size_t k = 0;
        if (path.empty()) out[k++] = '/';
        for (char c : path)
            out[k++] = c;
        if (has_query) {
            out[k++] = '?';
            for (char c : query)
                out[k++] = c;
        }
        return n;
    }
    [[nodiscard]] std::string origin_form() const {
        std::string s(origin_form_len(), '\0');
        (void)origin_form(std::span<char>{s.data(), s.size()});
        return s;
    }

    static constexpr Result<Url> parse(std::string_view s) noexcept;
};

constexpr Result<Url> Url::parse(std::string_view s) noexcept {
    using namespace detail::url;
    Url u;
    // scheme (§3.1): ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    std::size_t i = 0;
    if (s.empty() || !is_alpha(s[0])) return Error{"url", "scheme", 0, Errc::bad_syntax};
    while (i < s.size() && s[i] != ':') {
        const char c = s[i];
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return Error{"url", "scheme", i, Errc::bad_syntax};
        ++i;
    }
    if (i == s.size()) return Error{"url", "scheme", i, Errc::bad_syntax};
    u.scheme = s.substr(0, i);
    u.scheme_id = scheme_from_text(u.scheme);
    ++i; // ':'

    const bool needs_host = u.is(UrlScheme::http) || u.is(UrlScheme::https) || u.is(UrlScheme::ftp);
    if (s.substr(i, 2) == "//") {
        u.has_authority = true;
        i += 2;
        const std::size_t a0 = i;
        std::size_t a1 = s.find_first_of("/?#", a0);
        if (a1 == std::string_view::npos) a1 = s.size();
        u.authority = s.substr(a0, a1 - a0);
        std::size_t h0 = a0;
        // userinfo (§3.2.1) = *( unreserved / pct-encoded / sub-delims / ":" )
        if (const auto at = u.authority.find('@'); at != std::string_view::npos) {
            u.userinfo = u.authority.substr(0, at);
            STRATA_TRY_VOID(check_chars(u.userinfo, a0, "userinfo", [](char c) {
                return is_unreserved(c) || is_sub_delim(c) || c == ':';
            }));
            const auto colon = u.userinfo.find(':');
            u.user = u.userinfo.substr(0, colon);
            if (colon != std::string_view::npos) u.password = u.userinfo.substr(colon + 1);
            h0 = a0 + at + 1;
        }
        // host (§3.2.2)
        std::size_t h1;
        std::size_t port_at;
        if (h0 < a1 && s[h0] == '[') {
            const auto close = s.find(']', h0);
            if (close == std::string_view::npos || close >= a1)
                return Error{"url", "host", h0, Errc::bad_syntax};
            u.host = s.substr(h0 + 1, close - h0 - 1);
            if (u.host.empty()) return Error{"url", "host", h0 + 1, Errc::bad_syntax};
            for (std::size_t k = 0; k < u.host.size(); ++k) {
                const char c = u.host[k];
                if (hex_value(c) < 0 && c != ':' && c != '.')
                    return Error{"url", "host", h0 + 1 + k, Errc::bad_syntax};
            }
            u.host_kind = HostKind::ipv6;
            h1 = close + 1;
            if (h1 != a1 && s[h1] != ':') return Error{"url", "host", h1, Errc::bad_syntax};
            port_at = h1;
        } else {
            const auto colon = s.substr(h0, a1 - h0).find(':');
            h1 = colon == std::string_view::npos ? a1 : h0 + colon;
            u.host = s.substr(h0, h1 - h0);
            STRATA_TRY_VOID(check_chars(
                u.host, h0, "host", [](char c) { return is_unreserved(c) || is_sub_delim(c); }));
            if (!u.host.empty()) {
                auto v4 = Ipv4Address::parse(u.host);
                u.host_kind = v4 ? HostKind::ipv4 : HostKind::reg_name;
                if (v4) u.ipv4 = *v4;
            }
            port_at = h1;
        }
        if (u.host.empty() && needs_host) return Error{"url", "host", h0, Errc::bad_value};
        // port (§3.2.3) = *DIGIT; an empty port means the default.
        if (port_at < a1) {
            std::uint32_t port = 0;
            const std::size_t p0 = port_at + 1;
            for (std::size_t k = p0; k < a1; ++k) {
                if (!is_digit(s[k])) return Error{"url", "port", k, Errc::bad_syntax};
                port = port * 10 + static_cast<std::uint32_t>(s[k] - '0');
                if (port > 65535) return Error{"url", "port", p0, Errc::bad_value, port, 65535};
            }
            if (p0 < a1) {
                u.port = static_cast<std::uint16_t>(port);
                u.port_explicit = true;
            }
        }
        i = a1;
    } else if (needs_host) {
        return Error{"url", "host", i, Errc::bad_value};
    }
    if (!u.port_explicit) u.port = default_port(u.scheme_id);

    // path (§3.3), query (§3.4), fragment (§3.5)
    constexpr auto pchar = [](char c) {
        return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@';
    };
    std::size_t q = s.find_first_of("?#", i);
    if (q == std::string_view::npos) q = s.size();
    u.path = s.substr(i, q - i);
    STRATA_TRY_VOID(
        check_chars(u.path, i, "path", [pchar](char c) { return pchar(c) || c == '/'; }));
    i = q;
    if (i < s.size() && s[i] == '?') {
        u.has_query = true;
        std::size_t f = s.find('#', i + 1);
        if (f == std::string_view::npos) f = s.size();
        u.query = s.substr(i + 1, f - i - 1);
        STRATA_TRY_VOID(check_chars(u.query, i + 1, "query",
                                    [pchar](char c) { return pchar(c) || c == '/' || c == '?'; }));
        i = f;
    }
    if (i < s.size()) { // '#'
        u.has_fragment = true;
        u.fragment = s.substr(i + 1);
        STRATA_TRY_VOID(check_chars(u.fragment, i + 1, "fragment",
                                    [pchar](char c) { return pchar(c) || c == '/' || c == '?'; }));
    }
    return u;
}

/// Decodes %XX escapes (RFC 3986 §2.1) of `in` into `out`; returns the
/// decoded length. '+' is left alone (it means space only in HTML forms).
/// Errors: {"url","percent",offset,bad_syntax} for a '%' without two hex
/// digits; buffer_too_small when `out` is short (value = length needed).
constexpr Result<std::size_t> percent_decode(std::string_view in, std::span<char> out) noexcept {
    using detail::url::hex_value;
    std::size_t k = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (in.size() - i < 3 || hex_value(in[i + 1]) < 0 || hex_value(in[i + 2]) < 0)
                return Error{"url", "percent", i, Errc::bad_syntax};
            c = static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        }
        if (k < out.size()) out[k] = c;
        ++k;
    }
    if (k > out.size()) return Error{"url", "percent", 0, Errc::buffer_too_small, k, out.size()};
    return k;
}

inline Result<std::string> percent_decode(std::string_view in) {
    std::string s(in.size(), '\0'); // decoding never grows the text
    auto r = percent_decode(in, std::span<char>{s.data(), s.size()});
    if (!r) return r.error();
    s.resize(*r);
    return s;
}

} // namespace strata
