// The synthetic routing table the benchmarks share (bench/routing.cpp's
// lpm_* and bench/router.cpp's router_forward/*): 900,000 distinct IPv4
// prefixes shaped like the BGP table (per-length counts below), in
// 1.0.0.0-223.255.255.255 minus 10/8 and 127/8, in random order, each with
// a next-hop number 0..255; fixed seed (2026), so every run and every
// benchmark gets the same table.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

#include <strata/addr/ipv4_prefix.hpp>

namespace strata::bench {

struct Prefix {
    std::uint32_t net;
    std::uint8_t len;
    std::uint8_t hop;
};

/// Prefixes per length, roughly the 2024 IPv4 BGP table scaled to 900k.
inline constexpr std::array<std::pair<int, int>, 25> bgp_shape{{
    {8, 10},      {9, 30},       {10, 80},     {11, 200},    {12, 500},
    {13, 900},    {14, 2'500},   {15, 4'500},  {16, 28'000}, {17, 18'000},
    {18, 29'000}, {19, 55'780},  {20, 27'000}, {21, 27'000}, {22, 90'000},
    {23, 72'000}, {24, 540'000}, {25, 1'500},  {26, 1'000},  {27, 600},
    {28, 500},    {29, 400},     {30, 300},    {31, 100},    {32, 100},
}};

/// The 900,000 prefixes, built once.
inline const std::vector<Prefix>& prefix_corpus() {
    static const std::vector<Prefix> t = [] {
        std::mt19937_64 g(2026);
        std::vector<Prefix> v;
        v.reserve(900'000);
        for (auto [len, count] : bgp_shape) {
            boost::unordered_flat_set<std::uint32_t> seen;
            while (static_cast<int>(seen.size()) < count) {
                // Uniform over 1.0.0.0 .. 223.255.255.255.
                const std::uint32_t a = 0x01000000u + static_cast<std::uint32_t>(g() % 0xdf000000u);
                const std::uint32_t net = a & netmask_bits(len);
                const std::uint32_t top = net >> 24;
                if (top == 10 || top == 127) continue;
                if (seen.insert(net).second)
                    v.push_back(Prefix{net, static_cast<std::uint8_t>(len),
                                       static_cast<std::uint8_t>(g() & 255)});
            }
        }
        std::shuffle(v.begin(), v.end(), g);
        return v;
    }();
    return t;
}

} // namespace strata::bench
