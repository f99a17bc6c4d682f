// Small helpers shared by the PPPoE/PPP tests.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>

namespace ppp_test {
using namespace strata;

/// A writable copy of some bytes (tests corrupt it).
inline std::vector<Byte> copy(Bytes b) { return {b.begin(), b.end()}; }

inline Bytes text_bytes(std::string_view s) {
    return {reinterpret_cast<const Byte*>(s.data()), s.size()};
}

inline std::vector<Byte> hex_bytes(std::string_view hex) {
    std::vector<Byte> out;
    auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<Byte>(nib(hex[i]) * 16 + nib(hex[i + 1])));
    return out;
}

inline bool same(Bytes a, Bytes b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

/// Asserts that `e` is exactly {layer, field, offset, code}.
inline void require_error(const Error& e, std::string_view layer, std::string_view field,
                          std::size_t offset, Errc code) {
    INFO(to_string(e));
    CHECK(e.layer == layer);
    CHECK(e.field == field);
    CHECK(e.offset == offset);
    CHECK(e.code == code);
}

template <class T>
void require_error(const Result<T>& r, std::string_view layer, std::string_view field,
                   std::size_t offset, Errc code) {
    REQUIRE_FALSE(r.has_value());
    require_error(r.error(), layer, field, offset, code);
}

} // namespace ppp_test
