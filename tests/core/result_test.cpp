// Result<T>'s access contract, as std::expected's: value() and error() are
// checked, operator* is the unchecked access after a test.
#include <string>

#include <catch2/catch.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>

using namespace strata;

namespace {
inline constexpr Field probe_field{9, 10, "probe", "protocol"};
} // namespace

TEST_CASE("Result::value() on an error throws BadResultAccess carrying the Error", "[core]") {
    const auto bad = Ipv4Address::parse("10.0.0.256");
    REQUIRE_FALSE(bad.has_value());
    try {
        (void)bad.value();
        FAIL("value() returned on an error");
    } catch (const BadResultAccess& e) {
        CHECK(e.has_error());
        CHECK(e.error() == bad.error());
        CHECK(e.error().value == 256);
        CHECK(std::string(e.what()).find("10.0.0.256") ==
              std::string::npos); // the Error, not the input
        CHECK(std::string(e.what()).find("bad value 256") != std::string::npos);
    }
    CHECK_THROWS_AS(Result<int>(Error{"x", "y", 0, Errc::truncated}).value(), BadResultAccess);
    CHECK_THROWS_AS(Result<void>(Error{"x", "y", 0, Errc::truncated}).value(), BadResultAccess);
}

TEST_CASE("Result::error() on a value throws; value() and * return it", "[core]") {
    const auto good = Ipv4Address::parse("10.0.0.255");
    REQUIRE(good.has_value());
    CHECK(good.value() == Ipv4Address{10, 0, 0, 255});
    CHECK(*good == Ipv4Address{10, 0, 0, 255});
    try {
        (void)good.error();
        FAIL("error() returned on a value");
    } catch (const BadResultAccess& e) {
        CHECK_FALSE(e.has_error());
        CHECK(std::string(e.what()) == "Result::error() on a value");
    }
    CHECK_NOTHROW(Result<void>{}.value());
    CHECK(Result<int>(Error{}).value_or(7) == 7);
    static_assert(Result<int>(3).value() == 3); // still usable in constant expressions
}

TEST_CASE("Error::at takes layer, name and offset from the field descriptor", "[core]") {
    constexpr Error e = Error::at(probe_field, Errc::bad_value, 41, 6);
    static_assert(e.is(probe_field));
    static_assert(e.layer == "probe" && e.field == "protocol" && e.offset == 9);
    CHECK(to_string(e) == "probe.protocol: bad value 41 (expected 6) at offset 9");
    CHECK(to_string(e.rebased(14)) == "probe.protocol: bad value 41 (expected 6) at offset 23");
    CHECK(e.rebased(14).is(probe_field));
    // Identity, not text: an error spelled out by hand equals it but is not "about" the field.
    constexpr Error by_hand{"probe", "protocol", 9, Errc::bad_value, 41, 6};
    static_assert(by_hand == e);
    static_assert(!by_hand.is(probe_field));
}
