// Internet checksum (RFC 1071) and its incremental update (RFC 1624): known
// answers, every run-time kernel against the word-at-a-time reference, and
// chaining of partial sums.
#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/checksum/internet.hpp>

namespace {

using strata::Byte;
using strata::Bytes;
namespace cs = strata::checksum;

// RFC 1071 §3 worked example: bytes 00 01 f2 03 f4 f5 f6 f7. The RFC adds
// 0001 + f203 + f4f5 + f6f7 = 2ddf0 and folds the carry: ddf0 + 2 = ddf2;
// the checksum is its complement, 220d.
constexpr std::array<Byte, 8> rfc1071_example{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
static_assert(cs::fold(cs::sum(rfc1071_example)) == 0xddf2);
static_assert(cs::internet_checksum(rfc1071_example) == 0x220d);

// A well-known IPv4 header (the example of the "IPv4 header checksum" article
// on Wikipedia): 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, checksum b861.
// By hand, with the checksum field zeroed:
//   4500 + 0073 + 0000 + 4000 + 4011 + 0000 + c0a8 + 0001 + c0a8 + 00c7
//   = 2479c; fold: 479c + 2 = 479e; complement: b861.
constexpr std::array<Byte, 20> ipv4_header{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                                           0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                                           0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
constexpr std::array<Byte, 20> ipv4_header_zeroed = [] {
    auto h = ipv4_header;
    h[10] = h[11] = 0;
    return h;
}();
static_assert(cs::internet_checksum(ipv4_header_zeroed) == 0xb861);
static_assert(cs::verifies(cs::sum(ipv4_header)));
static_assert(!cs::verifies(cs::sum(ipv4_header_zeroed)));

std::vector<Byte> random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Byte> v(n);
    for (auto& b : v)
        b = static_cast<Byte>(rng());
    return v;
}

std::uint16_t ref_fold(const Byte* p, std::size_t n, std::uint64_t acc) {
    return cs::fold(cs::detail::sum_words(p, n, acc));
}

} // namespace

TEST_CASE("RFC 1071 §3 example and a real IPv4 header at run time", "[checksum][internet]") {
    // Copies, so the run-time paths (not constant evaluation) are used.
    std::vector<Byte> ex(rfc1071_example.begin(), rfc1071_example.end());
    CHECK(cs::fold(cs::sum(ex)) == 0xddf2);
    CHECK(cs::internet_checksum(ex) == 0x220d);
    std::vector<Byte> hdr(ipv4_header_zeroed.begin(), ipv4_header_zeroed.end());
    CHECK(cs::internet_checksum(hdr) == 0xb861);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    CHECK(cs::verifies(cs::sum(hdr)));
    hdr[15] ^= 1; // one flipped bit no longer verifies
    CHECK_FALSE(cs::verifies(cs::sum(hdr)));
    for (const auto& impl : cs::detail::sum_impls()) {
        if (!impl.supported) continue;
        INFO(impl.name);
        CHECK(cs::fold(impl.fn(ex.data(), ex.size(), 0)) == 0xddf2);
        CHECK(cs::finish(impl.fn(ipv4_header_zeroed.data(), 20, 0)) == 0xb861);
    }
}

TEST_CASE("Internet checksum: every run-time kernel matches the reference: lengths 0..2100, 16 "
          "alignments",
          "[checksum][internet]") {
    const auto data = random_bytes(2100 + 16, 0x1071);
    const auto impls = cs::detail::sum_impls();
    std::size_t supported = 0;
    for (const auto& impl : impls)
        supported += impl.supported ? 1 : 0;
    REQUIRE(supported >= 1);
    std::string first_mismatch;
    std::size_t mismatches = 0, checked = 0;
    // Accumulators as a caller could pass them: zero, small, and a large
    // partial sum that still leaves the reference room not to wrap.
    const std::uint64_t accs[] = {0, 0x1234, 0x0000ffffffff0000u};
    for (std::size_t n = 0; n <= 2100; ++n) {
        for (std::size_t align = 0; align < 16; ++align) {
            const Byte* p = data.data() + align;
            const std::uint64_t acc = accs[(n + align) % 3];
            const std::uint16_t want = ref_fold(p, n, acc);
            auto check = [&](const char* name, std::uint64_t got) {
                ++checked;
                if (cs::fold(got) == want) return;
                if (mismatches++ == 0)
                    first_mismatch = std::string(name) + " n=" + std::to_string(n) +
                                     " align=" + std::to_string(align);
            };
            for (const auto& impl : impls)
                if (impl.supported) check(impl.name, impl.fn(p, n, acc));
            check("sum()", cs::sum(Bytes(p, n), acc));
            // The whole-buffer checksum folds once on its own path.
            ++checked;
            if (cs::internet_checksum(Bytes(p, n)) !=
                    static_cast<std::uint16_t>(~ref_fold(p, n, 0)) &&
                mismatches++ == 0)
                first_mismatch = "internet_checksum() n=" + std::to_string(n) +
                                 " align=" + std::to_string(align);
        }
    }
    INFO(first_mismatch);
    CHECK(mismatches == 0);
    CHECK(checked == 2101 * 16 * (supported + 2));
}

TEST_CASE("kernels agree on edge patterns: zeros, all-ones, long buffers", "[checksum][internet]") {
    // All-zero data with acc 0 must stay 0 ("plus zero"), while a nonzero sum
    // that is a multiple of 0xffff must fold to 0xffff like the reference.
    // 0xff bytes fill every 16-bit lane to its maximum, which stresses the
    // SIMD kernels' 32-bit lane accumulators; 3 MiB spans several of their
    // reduction chunks.
    const std::size_t big = 3 * 1024 * 1024 + 77;
    const std::vector<Byte> zeros(big, 0x00), ones(big, 0xff);
    const auto rnd = random_bytes(big, 42);
    for (const auto& impl : cs::detail::sum_impls()) {
        if (!impl.supported) continue;
        INFO(impl.name);
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{4097},
                              std::size_t{1 << 20}, big}) {
            INFO("n=" << n);
            CHECK(impl.fn(zeros.data(), n, 0) == 0);
            CHECK(cs::fold(impl.fn(ones.data(), n, 0)) == ref_fold(ones.data(), n, 0));
            CHECK(cs::fold(impl.fn(ones.data(), n, 0xffff)) == ref_fold(ones.data(), n, 0xffff));
            CHECK(cs::fold(impl.fn(rnd.data() + 1, n - (n > 0), 7)) ==
                  ref_fold(rnd.data() + 1, n - (n > 0), 7));
        }
        // 0xffff as a sum is "minus zero": it folds to 0xffff, never to 0.
        const std::array<Byte, 2> minus_zero{0xff, 0xff};
        CHECK(cs::fold(impl.fn(minus_zero.data(), 2, 0)) == 0xffff);
    }
    // The same through sum() and internet_checksum() at every short length,
    // where they take the inline paths rather than a kernel.
    for (std::size_t n = 0; n <= 256; ++n) {
        INFO("n=" << n);
        CHECK(cs::sum(Bytes(zeros.data(), n)) == 0);
        CHECK(cs::internet_checksum(Bytes(zeros.data(), n)) == 0xffff);
        CHECK(cs::fold(cs::sum(Bytes(ones.data(), n), 0xffff)) == ref_fold(ones.data(), n, 0xffff));
        CHECK(cs::internet_checksum(Bytes(ones.data(), n)) ==
              static_cast<std::uint16_t>(~ref_fold(ones.data(), n, 0)));
    }
}

TEST_CASE("partial sums chain exactly across buffers", "[checksum][internet]") {
    const auto data = random_bytes(3000, 7);
    const std::uint16_t whole = ref_fold(data.data(), data.size(), 0);
    std::mt19937_64 rng(99);
    for (int round = 0; round < 200; ++round) {
        // Split into pieces of even length (the documented rule); the last
        // piece may be odd because it is the end of the buffer.
        std::uint64_t acc = 0;
        std::size_t off = 0;
        const auto impls = cs::detail::sum_impls();
        std::size_t k = 0;
        while (off < data.size()) {
            std::size_t len = 2 * (rng() % 700);
            if (len > data.size() - off) len = data.size() - off;
            // Alternate between the public entry point and each kernel, so a
            // partial sum from one path feeds another.
            const auto& impl = impls[k++ % impls.size()];
            if (impl.supported && (k % 2) == 0)
                acc = impl.fn(data.data() + off, len, acc);
            else
                acc = cs::sum(Bytes(data.data() + off, len), acc);
            off += len;
        }
        REQUIRE(cs::fold(acc) == whole);
    }
    // An odd total length ends with a padded byte (RFC 1071 §4.1).
    const Bytes odd(data.data(), 1501);
    CHECK(cs::fold(cs::sum(odd.subspan(1000), cs::sum(odd.first(1000)))) ==
          ref_fold(odd.data(), odd.size(), 0));
}

TEST_CASE("RFC 1624 incremental updates equal a full recompute", "[checksum][internet]") {
    std::mt19937_64 rng(1624);
    for (int round = 0; round < 2000; ++round) {
        std::array<Byte, 20> h{};
        for (auto& b : h)
            b = static_cast<Byte>(rng());
        h[10] = h[11] = 0;
        const std::uint16_t hc = cs::internet_checksum(h);
        strata::store_be16(&h[10], hc);
        REQUIRE(cs::verifies(cs::sum(h)));

        // A 16-bit field (TTL/protocol, bytes 8-9) changes.
        auto h16 = h;
        const std::uint16_t old16 = strata::load_be16(&h16[8]);
        const auto new16 = static_cast<std::uint16_t>(rng());
        strata::store_be16(&h16[8], new16);
        const std::uint16_t inc16 = cs::update16(hc, old16, new16);
        h16[10] = h16[11] = 0;
        REQUIRE(inc16 == cs::internet_checksum(h16));

        // A 32-bit field (the destination address, bytes 16-19) changes.
        auto h32 = h;
        const std::uint32_t old32 = strata::load_be32(&h32[16]);
        const auto new32 = static_cast<std::uint32_t>(rng());
        strata::store_be32(&h32[16], new32);
        const std::uint16_t inc32 = cs::update32(hc, old32, new32);
        h32[10] = h32[11] = 0;
        REQUIRE(inc32 == cs::internet_checksum(h32));
    }
}

TEST_CASE("RFC 1624 §4: eqn. 3 gives 0x0000 where eqn. 2 gives 0xffff", "[checksum][internet]") {
    // RFC 1624 §4 example, derived by hand: the other header words sum to
    // 0xCD7A and a field m = 0x5555 changes to m' = 0x3285.
    //   HC  = ~(0xCD7A + 0x5555) = ~(0x122CF -> 0x22D0) = 0xDD2F
    //   HC' by recomputation = ~(0xCD7A + 0x3285) = ~0xFFFF = 0x0000
    //   eqn. 2 (RFC 1141): HC + m + ~m' = 0xDD2F + 0x5555 + 0xCD7A
    //                      = (0x13284 -> 0x3285) + 0xCD7A = 0xFFFF  (wrong: -0)
    //   eqn. 3: ~(~HC + ~m + m') = ~(0x22D0 + 0xAAAA + 0x3285) = ~0xFFFF = 0x0000
    // A header with that property: 4500 0014 0000 0000 [m] [HC] 0a00 0001
    // 0a00 7465, where 4500+0014+0a00+0001+0a00+7465 = 0xCD7A.
    std::array<Byte, 20> h{0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x55, 0x55,
                           0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x74, 0x65};
    auto others = h;
    others[8] = others[9] = 0;
    REQUIRE(cs::fold(cs::sum(others)) == 0xCD7A);
    const std::uint16_t hc = cs::internet_checksum(h);
    REQUIRE(hc == 0xDD2F);

    const std::uint16_t eqn3 = cs::update16(hc, 0x5555, 0x3285);
    h[8] = 0x32;
    h[9] = 0x85;
    CHECK(cs::internet_checksum(h) == 0x0000);
    CHECK(eqn3 == 0x0000);

    // RFC 1141's eqn. 2 computed here for contrast: HC' = HC + m + ~m'.
    std::uint64_t eqn2 = hc;
    eqn2 += 0x5555;
    eqn2 += static_cast<std::uint16_t>(~0x3285);
    CHECK(cs::fold(eqn2) == 0xFFFF);
    CHECK(cs::fold(eqn2) != eqn3);

    // update32 handles the same case when the change is in a 32-bit field.
    static_assert(cs::update32(0xDD2F, 0x00005555, 0x00003285) == 0x0000);
}

TEST_CASE("dispatch picks the first supported kernel", "[checksum][internet]") {
    const auto impls = cs::detail::sum_impls();
    cs::detail::SumFn first = nullptr;
    for (const auto& impl : impls)
        if (impl.supported && first == nullptr) first = impl.fn;
    CHECK(cs::detail::select_sum() == first);
    // After one long sum the resolver has replaced itself.
    const auto data = random_bytes(256, 3);
    (void)cs::sum(data);
    CHECK(cs::detail::sum_kernel.load() == first);
}
