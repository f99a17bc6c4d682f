// Seeded random streams. Every random choice a node makes (NAT ports, ISNs,
// link loss) comes from a stream derived from the run's seed and the node's
// name, so the same seed gives the same bytes whatever else the run contains
// (DESIGN.md §4). xoshiro256** (Blackman & Vigna) seeded through splitmix64.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata {

class RandomStream {
public:
    /// A stream seeded directly (tests, benchmarks).
    constexpr explicit RandomStream(std::uint64_t seed = 0) noexcept {
        std::uint64_t x = seed;
        for (auto& word : s_)
            word = splitmix64(x);
    }

    /// The stream of one named thing in a run: a node ("r1"), a link
    /// direction ("access:a>b"). Two names never share a stream by accident:
    /// the name is hashed (FNV-1a 64) and mixed with the run's seed.
    [[nodiscard]] static constexpr RandomStream derive(std::uint64_t run_seed,
                                                       std::string_view name) noexcept {
        std::uint64_t h = 0xcbf29ce484222325ULL;
        for (const char c : name) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ULL;
        }
        std::uint64_t x = run_seed ^ 0x9e3779b97f4a7c15ULL;
        return RandomStream{splitmix64(x) ^ h};
    }

    /// 64 uniformly distributed bits.
    constexpr std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    /// Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). bound > 0.
    constexpr std::uint64_t below(std::uint64_t bound) noexcept {
        for (;;) {
            __extension__ using U128 = unsigned __int128;
            const U128 m = static_cast<U128>(next()) * bound;
            const auto low = static_cast<std::uint64_t>(m);
            if (low >= bound || low >= (0 - bound) % bound) {
                return static_cast<std::uint64_t>(m >> 64);
            }
        }
    }

    /// Uniform in [lo, hi], both included. lo <= hi.
    constexpr std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept {
        if (hi - lo == ~std::uint64_t{0}) return next();
        return lo + below(hi - lo + 1);
    }

    /// True with probability p (p <= 0: never, p >= 1: always). 53 bits of
    /// resolution, as a double has.
    constexpr bool chance(double p) noexcept {
        if (p <= 0.0) return false;
        if (p >= 1.0) return true;
        return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
        return (x << k) | (x >> (64 - k));
    }
    static constexpr std::uint64_t splitmix64(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::uint64_t s_[4]{};
};

} // namespace strata
