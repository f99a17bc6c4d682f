// The first matching rule by comparing the packet with every rule, sixteen
// rules per AVX-512 instruction. Rules are laid out as a structure of arrays
// in blocks of 16 (each field's low and high ends, RuleBox), so that a block
// is ten unsigned compares chained through one mask register; the scan stops
// at the first block with a matching lane. For a few hundred rules this is
// faster than any index: no table to miss in the cache, no dependent reads,
// and ClassBench-style ACLs decide most packets early in the list.
//
// AVX-512F is chosen at run time (the library is built without -march
// flags); `available()` says whether this CPU has it, and the caller
// (filter::Classifier) uses another classifier when it does not. The
// kernel is written with the GCC/clang vector extensions and one compiler
// builtin (vpcmpud into a mask register, the builtin <immintrin.h> wraps
// for _mm512_mask_cmp_epu32_mask, of the same name in GCC and clang)
// instead of <immintrin.h>, as checksum/detail/simd.hpp does, to keep the
// header cheap to include.
//
// Keys the scan does not compare (router ports, MAC, TCP flags, ICMP type)
// are checked by the caller on each candidate, lane after lane, so a
// candidate whose extra keys fail lets the scan go on: first-match order is
// kept exactly. Nothing is allocated per packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <strata/policy/filter/rule.hpp>
#include <strata/policy/filter/rule_box.hpp>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define STRATA_FILTER_X86 1
#else
#define STRATA_FILTER_X86 0
#endif

namespace strata::filter {

namespace detail {
#if STRATA_FILTER_X86
typedef std::uint32_t filter_u32x16 __attribute__((vector_size(64)));
typedef int filter_i32x16 __attribute__((vector_size(64)));
#define STRATA_FILTER_AVX512 __attribute__((target("avx512f")))

/// The lanes of `a` that are zero (vpcmpud with predicate 0 = EQ).
STRATA_FILTER_AVX512 inline std::uint16_t zero_lanes(filter_u32x16 a) noexcept {
    return static_cast<std::uint16_t>(__builtin_ia32_ucmpd512_mask(
        reinterpret_cast<filter_i32x16>(a), filter_i32x16{}, 0, 0xffff));
}
#endif
} // namespace detail

class ScanClassifier {
public:
    static constexpr std::uint32_t none = ~0u;
    static constexpr std::size_t lanes = 16;

    /// Whether this CPU runs the scan (AVX-512F).
    [[nodiscard]] static bool available() noexcept {
#if STRATA_FILTER_X86
        return __builtin_cpu_supports("avx512f") != 0;
#else
        return false;
#endif
    }

    ScanClassifier() = default;
    /// Precondition: available(); every rule passes check_rule.
    explicit ScanClassifier(std::span<const Rule> rules) {
        blocks_.resize((rules.size() + lanes - 1) / lanes);
        extra_.assign(blocks_.size(), 0);
        for (auto& b : blocks_)
            for (std::size_t l = 0; l < lanes; ++l) {
                for (std::size_t f = 0; f < RuleBox::fields; ++f) {
                    b.lo[f][l] = 0;
                    b.width[f][l] = ~0u;
                }
                b.lo[2][l] = 256; // protocol in [256, 256]: padding lanes never match
                b.width[2][l] = 0;
            }
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const RuleBox box = RuleBox::of(rules[i]);
            Block& b = blocks_[i / lanes];
            for (std::size_t f = 0; f < RuleBox::fields; ++f) {
                b.lo[f][i % lanes] = box.lo[f];
                b.width[f][i % lanes] = box.hi[f] - box.lo[f];
            }
            if (rules[i].has_extra_keys()) extra_[i / lanes] |= std::uint16_t(1u << (i % lanes));
        }
    }

    /// The index of the first rule whose indexed keys match `p` and, for rules
    /// with extra keys, for which `extra_ok(index)` is true; `none` if none.
    template <class ExtraOk>
    [[nodiscard]] std::uint32_t first_match(const Packet& p, ExtraOk&& extra_ok) const {
#if STRATA_FILTER_X86
        const auto x = RuleBox::point(p);
        std::size_t from = 0;
        while (from < blocks_.size()) {
            const std::uint64_t hit = scan(blocks_.data(), from, blocks_.size(), x.data());
            if (hit == no_hit) return none;
            const std::size_t b = hit >> 16;
            auto m = static_cast<std::uint32_t>(hit & 0xffff);
            while (m != 0) {
                const auto lane = static_cast<std::uint32_t>(__builtin_ctz(m));
                const auto r = static_cast<std::uint32_t>(b * lanes + lane);
                if (!(extra_[b] >> lane & 1) || extra_ok(r)) return r;
                m &= m - 1;
            }
            from = b + 1;
        }
#else
        (void)p;
        (void)extra_ok;
#endif
        return none;
    }

    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return blocks_.size() * (sizeof(Block) + sizeof(std::uint16_t));
    }

private:
    struct alignas(64) Block {
        std::uint32_t lo[RuleBox::fields][lanes];
        std::uint32_t width[RuleBox::fields][lanes]; ///< hi - lo
    };
    static constexpr std::uint64_t no_hit = ~std::uint64_t{0};

#if STRATA_FILTER_X86
    /// The first block in [from, count) with a lane whose box holds x:
    /// (block << 16) | lanes, or no_hit.
    STRATA_FILTER_AVX512 static std::uint64_t scan(const Block* blocks, std::size_t from,
                                                   std::size_t count,
                                                   const std::uint32_t* x) noexcept {
        using detail::filter_u32x16;
        using detail::zero_lanes;
        filter_u32x16 v[RuleBox::fields];
        for (std::size_t f = 0; f < RuleBox::fields; ++f)
            v[f] = filter_u32x16{} + x[f];
        for (std::size_t i = from; i < count; ++i) {
            const Block& b = blocks[i];
            // x in [lo, lo + width] <=> max(x - lo, width) - width == 0
            // (unsigned, wrapping). Vector arithmetic, ORed over the fields,
            // then one test: ten compares chained through a mask register
            // (what the compiler makes of ANDed vpcmpud) wait for each other.
            filter_u32x16 out{};
            for (std::size_t f = 0; f < RuleBox::fields; ++f) {
                const filter_u32x16 d = v[f] - *reinterpret_cast<const filter_u32x16*>(b.lo[f]);
                const filter_u32x16 w = *reinterpret_cast<const filter_u32x16*>(b.width[f]);
                out |= (d > w ? d : w) - w;
            }
            const std::uint16_t k = zero_lanes(out);
            if (k != 0) return (std::uint64_t{i} << 16) | k;
        }
        return no_hit;
    }
#endif

    std::vector<Block> blocks_;
    std::vector<std::uint16_t> extra_; ///< per block: lanes whose rule has extra keys
};

} // namespace strata::filter
