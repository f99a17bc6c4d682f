// Checked reads from a parsed JSON document for the topology loader: each
// returns the value or a ConfigError carrying the key path, so the loader
// reads like the schema. Messages print values in their own form and stay on
// one line whatever bytes the file holds.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/config_error.hpp>

/// Declares `var` as the value of a ConfigResult expression, or returns its error.
#define NET_TRY(var, expr)                                                                         \
    auto var##_r = (expr);                                                                         \
    if (!var##_r) return std::move(var##_r).error();                                               \
    auto var = std::move(*var##_r)

namespace strata::net::detail {

using json = nlohmann::json;

/// At most `limit` bytes of s, with control and non-ASCII bytes as \xNN: a
/// message stays one readable line.
inline std::string printable(std::string_view s, std::size_t limit = 60) {
    std::string out;
    std::size_t n = 0;
    for (const char c : s) {
        if (++n > limit) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out;
}

inline std::string in_quotes(std::string_view s) { return '"' + printable(s) + '"'; }

inline ConfigError error_at(const std::string& path, std::string message,
                            ConfigErrc code = ConfigErrc::bad_value) {
    ConfigError e{code, std::move(message)};
    if (!path.empty()) e.at(path);
    return e;
}

inline std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + '.' + std::string(key);
}
inline std::string index(const std::string& path, std::size_t i) {
    return path + '[' + std::to_string(i) + ']';
}

/// A JSON value in words for "got …": the number or string itself, else its type.
inline std::string describe(const json& v) {
    if (v.is_string()) return in_quotes(v.get_ref<const std::string&>());
    if (v.is_number() || v.is_boolean()) return printable(v.dump());
    if (v.is_object()) return "an object";
    return v.is_array() ? "an array" : "null";
}

/// Every key of `obj` must be one of `allowed`.
inline ConfigResult<void> only_keys(const json& obj, const std::string& path,
                                    std::initializer_list<std::string_view> allowed) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool known = false;
        for (const auto k : allowed)
            known = known || it.key() == k;
        if (!known) {
            std::string list;
            for (const auto k : allowed)
                list += (list.empty() ? "" : ", ") + std::string(k);
            return error_at(join(path, printable(it.key())),
                            "unknown key " + in_quotes(it.key()) + " (known here: " + list + ")");
        }
    }
    return {};
}

inline ConfigResult<const json*> need_object(const json& v, const std::string& path) {
    if (!v.is_object()) return error_at(path, "must be an object, got " + describe(v));
    return &v;
}
inline ConfigResult<const json*> need_array(const json& v, const std::string& path) {
    if (!v.is_array()) return error_at(path, "must be an array, got " + describe(v));
    return &v;
}

/// The member `key` of an object, or nullptr when absent.
inline const json* member(const json& obj, std::string_view key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

inline ConfigResult<const json*> required(const json& obj, const std::string& path,
                                          std::string_view key) {
    const json* v = member(obj, key);
    if (v == nullptr)
        return error_at(join(path, key), "required key missing", ConfigErrc::not_found);
    return v;
}

inline ConfigResult<std::uint64_t> to_uint(const json& v, const std::string& path, std::uint64_t lo,
                                           std::uint64_t hi) {
    const auto range = [&] {
        return error_at(path, "must be an integer from " + std::to_string(lo) + " to " +
                                  std::to_string(hi) + ", got " + describe(v));
    };
    if (!v.is_number_integer()) return range();
    std::uint64_t x = 0;
    if (v.is_number_unsigned()) {
        x = v.get<std::uint64_t>();
    } else {
        const auto s = v.get<std::int64_t>();
        if (s < 0) return range();
        x = static_cast<std::uint64_t>(s);
    }
    if (x < lo || x > hi) return range();
    return x;
}

inline ConfigResult<double> to_number(const json& v, const std::string& path, double lo,
                                      double hi) {
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi) {
        const auto text = [](double x) {
            return x == static_cast<double>(static_cast<std::int64_t>(x))
                       ? std::to_string(static_cast<std::int64_t>(x))
                       : json(x).dump();
        };
        return error_at(path, "must be a number from " + text(lo) + " to " + text(hi) + ", got " +
                                  describe(v));
    }
    return v.get<double>();
}

inline ConfigResult<std::string> to_string_value(const json& v, const std::string& path) {
    if (!v.is_string()) return error_at(path, "must be a string, got " + describe(v));
    return v.get<std::string>();
}

inline ConfigResult<bool> to_bool(const json& v, const std::string& path) {
    if (!v.is_boolean()) return error_at(path, "must be true or false, got " + describe(v));
    return v.get<bool>();
}

/// [A-Za-z0-9_-]+, at most 64 characters (names become file names).
inline ConfigResult<std::string> to_name(const json& v, const std::string& path) {
    auto s = to_string_value(v, path);
    if (!s) return std::move(s).error();
    bool ok = !s->empty() && s->size() <= 64;
    for (const char c : *s) {
        ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-');
    }
    if (!ok)
        return error_at(path,
                        in_quotes(*s) + " is not a name ([A-Za-z0-9_-]+, at most 64 characters)");
    return s;
}

inline ConfigResult<Ipv4Address> to_address(const json& v, const std::string& path) {
    auto s = to_string_value(v, path);
    if (!s) return std::move(s).error();
    auto a = Ipv4Address::parse(*s);
    if (!a) return error_at(path, in_quotes(*s) + " is not an IPv4 address (A.B.C.D)");
    return *a;
}

inline ConfigResult<Ipv4Prefix> to_prefix(const json& v, const std::string& path) {
    auto s = to_string_value(v, path);
    if (!s) return std::move(s).error();
    auto p = Ipv4Prefix::parse(*s);
    if (!p) return error_at(path, in_quotes(*s) + " is not an IPv4 prefix (A.B.C.D/len)");
    return *p;
}

inline ConfigResult<MacAddress> to_mac(const json& v, const std::string& path) {
    auto s = to_string_value(v, path);
    if (!s) return std::move(s).error();
    auto m = MacAddress::parse(*s);
    if (!m) return error_at(path, in_quotes(*s) + " is not a MAC address (02:00:00:00:00:01)");
    return *m;
}

/// [lo, hi] with lo <= hi, both in [min, max].
inline ConfigResult<std::pair<std::uint64_t, std::uint64_t>>
to_range(const json& v, const std::string& path, std::uint64_t min, std::uint64_t max) {
    if (!v.is_array() || v.size() != 2)
        return error_at(path, "must be a range [lo, hi], got " + describe(v));
    auto lo = to_uint(v[0], index(path, 0), min, max);
    if (!lo) return std::move(lo).error();
    auto hi = to_uint(v[1], index(path, 1), min, max);
    if (!hi) return std::move(hi).error();
    if (*lo > *hi)
        return error_at(path, "range [" + std::to_string(*lo) + ", " + std::to_string(*hi) +
                                  "] has lo > hi");
    return std::pair{*lo, *hi};
}

} // namespace strata::net::detail
