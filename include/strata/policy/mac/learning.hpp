// A learning table of at most N stations (IEEE 802.1D §7.8 filtering
// database): source addresses are learned on their port, entries age out
// lazily — an entry is checked against `now` when it is looked up, so aging
// costs no timer. Bounded: when the table is full, expired entries are swept
// once; if it is still full, the new station is not learned (its frames keep
// being flooded) and `table_full` is reported.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/policy/mac/concept.hpp>

namespace strata::mac {

using namespace std::chrono_literals;

template <std::size_t N = 4096>
class Learning {
    static_assert(N > 0, "mac::Learning<N>: the table must hold at least one station");

public:
    /// 300 s: the 802.1D recommended ageing time (Linux bridge's default too).
    explicit Learning(Duration aging = 300s, std::size_t capacity = N)
        : aging_(aging), capacity_(capacity < N ? capacity : N) {
        table_.reserve(capacity_);
    }

    Learned learn(MacAddress mac, PortId port, Instant now) {
        const std::uint64_t key = mac.to_u64();
        if (const auto it = table_.find(key); it != table_.end()) {
            const bool moved = it->second.port != port;
            it->second = Entry{now, port};
            return moved ? Learned::moved : Learned::none;
        }
        if (table_.size() >= capacity_) {
            sweep(now);
            if (table_.size() >= capacity_) return Learned::table_full;
        }
        table_.emplace(key, Entry{now, port});
        return Learned::added;
    }

    [[nodiscard]] std::optional<PortId> lookup(MacAddress mac, Instant now) {
        const auto it = table_.find(mac.to_u64());
        if (it == table_.end()) return std::nullopt;
        if (now - it->second.seen >= aging_) {
            table_.erase(it);
            return std::nullopt;
        }
        return it->second.port;
    }

    [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] Duration aging() const noexcept { return aging_; }

private:
    struct Entry {
        Instant seen;
        PortId port;
    };

    void sweep(Instant now) {
        boost::unordered::erase_if(table_,
                                   [&](const auto& kv) { return now - kv.second.seen >= aging_; });
    }

    boost::unordered_flat_map<std::uint64_t, Entry> table_;
    Duration aging_;
    std::size_t capacity_;
};

static_assert(Policy<Learning<>>);

} // namespace strata::mac
