#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/core/random.hpp>
#include <strata/sim/scheduler.hpp>

using namespace strata;
using strata::sim::Event;
using strata::sim::Scheduler;

TEST_CASE("scheduler: events at the same instant run in the order they were scheduled",
          "[sim][scheduler]") {
    Scheduler s;
    // Ten events at t=5 pushed with a = 0..9, mixed with earlier and later ones.
    s.push(at_ns(9), 0, 100);
    for (std::uint32_t i = 0; i < 10; ++i) {
        s.push(at_ns(5), 0, i);
        if (i == 4) s.push(at_ns(1), 0, 200);
    }
    REQUIRE(s.size() == 12);
    CHECK(s.pop().a == 200);
    for (std::uint32_t i = 0; i < 10; ++i) {
        const Event e = s.pop();
        CHECK(e.time == 5);
        CHECK(e.a == i);
    }
    CHECK(s.pop().a == 100);
    CHECK(s.empty());
    CHECK(s.scheduled() == 12);
}

TEST_CASE("scheduler: pops in (time, seq) order, against a sorted reference", "[sim][scheduler]") {
    RandomStream rng(42);
    Scheduler s;
    std::vector<std::tuple<std::int64_t, std::uint64_t>> ref;
    std::vector<std::tuple<std::int64_t, std::uint64_t>> got;
    std::uint64_t seq = 0;
    // Interleave pushes and pops, with few distinct times so ties are common.
    for (int round = 0; round < 20'000; ++round) {
        if (s.empty() || rng.below(3) != 0) {
            const auto t = static_cast<std::int64_t>(rng.below(50));
            s.push(at_ns(t), 0);
            ref.emplace_back(t, seq++);
        } else {
            // Whatever is popped must be the least of what is pending.
            const Event e = s.pop();
            const auto least = std::min_element(ref.begin(), ref.end());
            REQUIRE(least != ref.end());
            CHECK(std::make_tuple(e.time, e.seq) == *least);
            ref.erase(least);
            got.emplace_back(e.time, e.seq);
        }
    }
    CHECK(s.size() == ref.size());
    while (!s.empty()) {
        const Event e = s.pop();
        const auto least = std::min_element(ref.begin(), ref.end());
        CHECK(std::make_tuple(e.time, e.seq) == *least);
        ref.erase(least);
    }
    CHECK(ref.empty());
}

TEST_CASE("scheduler: no allocation once reserved", "[sim][scheduler]") {
    Scheduler s(64);
    for (int i = 0; i < 64; ++i)
        s.push(at_ns(i), 0);
    const Event* before = &s.top();
    for (int i = 0; i < 1000; ++i) {
        const Event e = s.pop();
        s.push(at_ns(e.time + 64), 0);
    }
    // The heap's storage never moved (it would on a reallocation).
    CHECK(&s.top() == before);
    CHECK(s.size() == 64);
}
