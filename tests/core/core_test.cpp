#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ether_type.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/core/result.hpp>
#include <strata/core/seq_num.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace strata;

namespace {
constexpr std::uint32_t roundtrip32(std::uint32_t v) {
    std::array<Byte, 4> b{};
    store_be32(b.data(), v);
    return load_be32(b.data());
}
} // namespace

TEST_CASE("big-endian loads and stores, at compile time and at run time", "[core]") {
    static_assert(roundtrip32(0x01020304u) == 0x01020304u);
    constexpr std::array<Byte, 8> b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    static_assert(load_be16(b.data()) == 0x0102);
    static_assert(load_be24(b.data()) == 0x010203);
    static_assert(load_be32(b.data() + 1) == 0x02030405u);
    static_assert(load_be64(b.data()) == 0x0102030405060708ull);
    std::array<Byte, 9> m{};
    store_be64(m.data() + 1, 0x1122334455667788ull); // unaligned on purpose
    CHECK(m[1] == 0x11);
    CHECK(m[8] == 0x88);
    CHECK(load_be64(m.data() + 1) == 0x1122334455667788ull);
    store_be16(m.data() + 3, 0xabcd);
    CHECK(load_be16(m.data() + 3) == 0xabcd);
}

TEST_CASE("SeqNum orders modulo 2^32", "[core]") {
    constexpr SeqNum a{0xfffffff0u};
    constexpr SeqNum b = a + 0x20; // wrapped to 0x10
    static_assert(b.value() == 0x10);
    static_assert(a < b);
    static_assert(b - a == 0x20);
    static_assert(a - b == -0x20);
    // 5 - 0x80000006 = 0x7fffffff (< 2^31): 5 is ahead; 5 - 0x80000004 = 0x80000001: behind.
    CHECK(SeqNum{5} > SeqNum{0x80000006u});
    CHECK(SeqNum{5} < SeqNum{0x80000004u});
    CHECK(in_window(SeqNum{0x5}, SeqNum{0xfffffff0u}, SeqNum{0x100}));
    CHECK_FALSE(in_window(SeqNum{0x100}, SeqNum{0xfffffff0u}, SeqNum{0x100}));
}

TEST_CASE("open enums keep unknown values", "[core]") {
    constexpr auto t = EtherType{0x88cc}; // LLDP: not named, still a value
    CHECK(static_cast<std::uint16_t>(t) == 0x88cc);
    CHECK(to_string(t) == "unknown");
    CHECK(to_string(EtherType::arp) == "ARP");
    CHECK(is_ieee8023_length(EtherType{0x05dc}));
    CHECK_FALSE(is_ieee8023_length(EtherType{0x0600}));
    CHECK(to_string(IpProtocol{253}) == "unknown");
    CHECK(to_string(IpProtocol::udp) == "UDP");
    CHECK(Port{80} == ports::http);
}

TEST_CASE("errors name layer, field and offset", "[core]") {
    Result<int> r = Error{"ipv4", "ihl", 0, Errc::bad_value, 3, 5};
    REQUIRE_FALSE(r);
    auto e = r.error().rebased(14);
    CHECK(e.offset == 14);
    CHECK(to_string(e) == "ipv4.ihl: bad value 3 (expected 5) at offset 14");
    Result<int> ok = 7;
    REQUIRE(ok);
    CHECK(*ok == 7);
    CHECK(Result<int>{Error{}}.value_or(9) == 9);
    Result<void> v;
    CHECK(v.has_value());
}
