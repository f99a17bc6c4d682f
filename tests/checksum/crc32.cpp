// CRC-32 (IEEE 802.3 FCS): the check value, every run-time kernel against the
// byte-at-a-time reference, chaining, and zlib as an independent
// implementation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <dlfcn.h>

#include <strata/checksum/crc32.hpp>

namespace {

using strata::Byte;
using strata::Bytes;

// The CRC-32 check value (the "check" entry of the CRC catalogue for
// CRC-32/ISO-HDLC, also in zlib's and every Ethernet reference) for the nine
// ASCII digits "123456789".
constexpr std::array<Byte, 9> digits{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
static_assert(strata::crc32(digits) == 0xCBF43926u);
// Chaining in constant expressions.
static_assert(strata::crc32_update(strata::crc32(Bytes(digits).first(4)),
                                   Bytes(digits).subspan(4)) == 0xCBF43926u);
static_assert(strata::crc32(Bytes{}) == 0);

std::vector<Byte> random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Byte> v(n);
    for (auto& b : v)
        b = static_cast<Byte>(rng());
    return v;
}

std::uint32_t reference(std::uint32_t crc, const Byte* p, std::size_t n) {
    return ~strata::detail::crc32_bytewise(~crc, p, n);
}

/// zlib's crc32(), loaded at run time so the test needs no link change;
/// zlib1g is part of every Debian system.
using ZlibCrc32 = unsigned long (*)(unsigned long, const unsigned char*, unsigned int);
ZlibCrc32 load_zlib_crc32() {
    void* lib = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return nullptr;
    return reinterpret_cast<ZlibCrc32>(dlsym(lib, "crc32"));
}

} // namespace

TEST_CASE("CRC-32 check value at run time, every kernel", "[checksum][crc32]") {
    std::vector<Byte> d(digits.begin(), digits.end());
    CHECK(strata::crc32(d) == 0xCBF43926u);
    for (const auto& impl : strata::detail::crc32_impls()) {
        if (!impl.supported) continue;
        INFO(impl.name);
        CHECK(~impl.fn(0xffffffffu, d.data(), d.size()) == 0xCBF43926u);
    }
    // The same digits repeated reach the folding paths (>= 16 and >= 256
    // bytes); zlib below gives the independent answer for those.
}

TEST_CASE("CRC-32: every run-time kernel matches the reference: lengths 0..2100, 16 alignments",
          "[checksum][crc32]") {
    const auto data = random_bytes(2100 + 16, 0xEDB88320u);
    const auto impls = strata::detail::crc32_impls();
    std::size_t supported = 0;
    for (const auto& impl : impls)
        supported += impl.supported ? 1 : 0;
    REQUIRE(supported >= 1);
    std::string first_mismatch;
    std::size_t mismatches = 0, checked = 0;
    for (std::size_t n = 0; n <= 2100; ++n) {
        for (std::size_t align = 0; align < 16; ++align) {
            const Byte* p = data.data() + align;
            // Vary the incoming CRC so the initial XOR into the first block
            // is exercised with more than one value.
            const std::uint32_t crc = static_cast<std::uint32_t>(n * 2654435761u + align);
            const std::uint32_t want = reference(crc, p, n);
            auto check = [&](const char* name, std::uint32_t got) {
                ++checked;
                if (got == want) return;
                if (mismatches++ == 0)
                    first_mismatch = std::string(name) + " n=" + std::to_string(n) +
                                     " align=" + std::to_string(align);
            };
            for (const auto& impl : impls)
                if (impl.supported) check(impl.name, ~impl.fn(~crc, p, n));
            check("crc32_update()", strata::crc32_update(crc, Bytes(p, n)));
        }
    }
    INFO(first_mismatch);
    CHECK(mismatches == 0);
    CHECK(checked == 2101 * 16 * (supported + 1));
}

TEST_CASE("kernels on long buffers and special patterns", "[checksum][crc32]") {
    const std::size_t big = 1024 * 1024 + 13;
    const std::vector<Byte> zeros(big, 0x00), ones(big, 0xff);
    const auto rnd = random_bytes(big, 5);
    for (const auto& impl : strata::detail::crc32_impls()) {
        if (!impl.supported) continue;
        INFO(impl.name);
        for (const auto* buf : {&zeros, &ones, &rnd}) {
            for (std::size_t n : {std::size_t{4096}, std::size_t{65536 + 255}, big}) {
                INFO("n=" << n);
                CHECK(~impl.fn(0xffffffffu, buf->data(), n) == reference(0, buf->data(), n));
            }
        }
    }
}

TEST_CASE("crc32_update chains across any split", "[checksum][crc32]") {
    const auto data = random_bytes(1200, 11);
    const std::uint32_t whole = reference(0, data.data(), data.size());
    REQUIRE(strata::crc32(data) == whole);
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
        const Bytes all(data);
        const std::uint32_t chained =
            strata::crc32_update(strata::crc32(all.first(cut)), all.subspan(cut));
        if (chained != whole) FAIL("split at " << cut);
    }
    // Three pieces, uneven sizes.
    const Bytes all(data);
    CHECK(strata::crc32_update(
              strata::crc32_update(strata::crc32(all.first(17)), all.subspan(17, 700)),
              all.subspan(717)) == whole);
}

TEST_CASE("matches zlib's crc32 (an independent implementation)", "[checksum][crc32]") {
    const ZlibCrc32 zcrc = load_zlib_crc32();
    REQUIRE(zcrc != nullptr);
    CHECK(zcrc(0, digits.data(), 9) == 0xCBF43926u);
    const auto data = random_bytes(70000, 1952);
    std::mt19937_64 rng(8023);
    for (int round = 0; round < 500; ++round) {
        const std::size_t off = rng() % 64;
        const std::size_t n =
            round < 300 ? static_cast<std::size_t>(round) * 7 % 3000 : rng() % (data.size() - off);
        const unsigned long z = zcrc(0, data.data() + off, static_cast<unsigned int>(n));
        if (strata::crc32(Bytes(data.data() + off, n)) != z) FAIL("off " << off << " n " << n);
        for (const auto& impl : strata::detail::crc32_impls())
            if (impl.supported && ~impl.fn(0xffffffffu, data.data() + off, n) != z)
                FAIL(impl.name << " off " << off << " n " << n);
    }
    // A repeated ASCII pattern through the folding paths.
    std::vector<Byte> text;
    for (int i = 0; i < 200; ++i)
        text.insert(text.end(), digits.begin(), digits.end());
    CHECK(strata::crc32(text) == zcrc(0, text.data(), static_cast<unsigned int>(text.size())));
}

TEST_CASE("CRC dispatch picks the first supported kernel", "[checksum][crc32]") {
    strata::detail::Crc32Fn first = nullptr;
    for (const auto& impl : strata::detail::crc32_impls())
        if (impl.supported && first == nullptr) first = impl.fn;
    CHECK(strata::detail::select_crc32() == first);
    const auto data = random_bytes(256, 1);
    (void)strata::crc32(data);
    CHECK(strata::detail::crc32_kernel.load() == first);
}
