// Small helpers shared by the wire tests.
#pragma once

#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>

namespace wire_test {

inline strata::MacAddress mac(std::string_view s) { return *strata::MacAddress::parse(s); }
inline strata::Ipv4Address ip(std::string_view s) { return *strata::Ipv4Address::parse(s); }

template <class C>
strata::Bytes bytes_of(const C& c) {
    return strata::Bytes(c.data(), c.size());
}
template <class C>
std::vector<strata::Byte> copy_of(const C& c, std::size_t from = 0) {
    return std::vector<strata::Byte>(c.begin() + static_cast<std::ptrdiff_t>(from), c.end());
}

/// An exactly-sized heap copy of the first n bytes: a read past n is a heap
/// overflow that AddressSanitizer reports (a prefix of a larger array would
/// hide it).
inline std::vector<strata::Byte> prefix(strata::Bytes b, std::size_t n) {
    return std::vector<strata::Byte>(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

/// Asserts that `r` failed with exactly this layer, field, code and offset.
template <class T>
void require_error(const strata::Result<T>& r, std::string_view layer, std::string_view field,
                   strata::Errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    INFO(strata::to_string(r.error()));
    CHECK(r.error().layer == layer);
    CHECK(r.error().field == field);
    CHECK(r.error().code == code);
    CHECK(r.error().offset == offset);
}

} // namespace wire_test
