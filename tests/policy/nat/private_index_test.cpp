// nat::PrivateIndex against std::map: random inserts, lookups and erases on
// a small table (19 slots, up to 8 keys), so runs wrap around the end and
// backward-shift deletion is exercised on every path.
#include <map>
#include <tuple>

#include <catch2/catch.hpp>

#include <strata/core/random.hpp>
#include <strata/policy/nat/private_index.hpp>

using strata::nat::PrivateIndex;

TEST_CASE("PrivateIndex agrees with std::map under random churn", "[nat][index]") {
    PrivateIndex index(8);
    REQUIRE(index.bucket_count() == 8 + 8 * 2 / 5 + 8);
    std::map<std::tuple<std::uint8_t, std::uint32_t, std::uint16_t>, std::uint32_t> model;
    strata::RandomStream rng{3};
    std::uint32_t next_entry = 0;
    for (int step = 0; step < 200000; ++step) {
        // Keys from a small universe so that hits, misses and collisions mix.
        const auto protocol = static_cast<std::uint8_t>(rng.chance(0.5) ? 6 : 17);
        const auto ip = static_cast<std::uint32_t>(0x0a000000u + rng.below(4));
        const auto port = static_cast<std::uint16_t>(1000 + rng.below(6));
        const auto key = std::make_tuple(protocol, ip, port);
        const auto it = model.find(key);
        const PrivateIndex::Slot* found = index.find(protocol, ip, port);
        REQUIRE((found == nullptr) == (it == model.end()));
        if (found) {
            REQUIRE(found->entry == it->second);
            REQUIRE(found->public_port == static_cast<std::uint16_t>(it->second * 7));
        }
        if (it == model.end()) {
            if (model.size() < 8) {
                index.insert(protocol, ip, port, next_entry,
                             static_cast<std::uint16_t>(next_entry * 7), 0);
                model[key] = next_entry++;
            }
        } else if (rng.chance(0.6)) {
            index.erase(protocol, ip, port);
            model.erase(it);
        }
    }
    // Every key still held is found; erasing an absent key changes nothing.
    index.erase(1, 1, 1);
    for (const auto& [k, v] : model)
        CHECK(index.find(std::get<0>(k), std::get<1>(k), std::get<2>(k))->entry == v);
}
