// The topology file's tcp_flags strings: "syn,!ack" means SYN set and ACK
// clear, i.e. TcpFlags{mask = syn|ack, value = syn}. Names are those of
// RFC 9293 §3.1 (and RFC 3168 for ece, cwr), in either case.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <strata/core/config_error.hpp>
#include <strata/policy/filter/rule.hpp>

namespace strata::filter {

namespace detail {
struct FlagName {
    std::string_view name;
    std::uint8_t bit;
};
inline constexpr FlagName tcp_flag_names[] = {
    {"fin", tcp_flag::fin}, {"syn", tcp_flag::syn}, {"rst", tcp_flag::rst}, {"psh", tcp_flag::psh},
    {"ack", tcp_flag::ack}, {"urg", tcp_flag::urg}, {"ece", tcp_flag::ece}, {"cwr", tcp_flag::cwr},
};
constexpr bool same_name(std::string_view a, std::string_view lower) noexcept {
    if (a.size() != lower.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}
constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}
} // namespace detail

/// Parses "syn,!ack": a comma-separated list of flag names, each meaning
/// "set", or "clear" when prefixed by '!'. An unknown name, an empty item or
/// a flag named twice is a ConfigError (bad_value); the error carries no key
/// path: the caller adds "tcp_flags" and what encloses it.
inline ConfigResult<TcpFlags> parse_tcp_flags(std::string_view text) {
    TcpFlags f{};
    std::string_view rest = text;
    for (;;) {
        const std::size_t comma = rest.find(',');
        std::string_view item = detail::trim(rest.substr(0, comma));
        const bool clear = !item.empty() && item.front() == '!';
        if (clear) item = detail::trim(item.substr(1));
        if (item.empty())
            return ConfigError{ConfigErrc::bad_value,
                               "empty TCP flag in \"" + std::string(text) + '"'};
        std::uint8_t bit = 0;
        for (const auto& n : detail::tcp_flag_names)
            if (detail::same_name(item, n.name)) bit = n.bit;
        if (bit == 0)
            return ConfigError{ConfigErrc::bad_value,
                               "unknown TCP flag \"" + std::string(item) +
                                   "\" (known: fin, syn, rst, psh, ack, urg, ece, cwr)"};
        if (f.mask & bit)
            return ConfigError{ConfigErrc::duplicate,
                               "TCP flag \"" + std::string(item) + "\" named twice"};
        f.mask = static_cast<std::uint8_t>(f.mask | bit);
        if (!clear) f.value = static_cast<std::uint8_t>(f.value | bit);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return f;
}

} // namespace strata::filter
