// The outbound index of a NAT's mapping table: (protocol, private address,
// private port) -> entry number. Linear probing over 12-byte slots that hold
// the whole key, at most half full, with backward-shift deletion (Knuth
// 6.4 Algorithm R), so there are no tombstones and a lookup usually reads
// one cache line before it reaches the entry. Measured against
// boost::unordered_flat_set of entry numbers (whose equality had to read the
// entry, and whose metadata lives apart from the elements): one cache miss
// fewer per outbound packet on a 1 M-mapping table (bench/nat.cpp).
// Sized once at construction; never rehashes, never allocates afterwards.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace strata::nat {

class PrivateIndex {
public:
    static constexpr std::uint32_t npos = ~0u;

    /// Room for `capacity` keys at a load factor of at most 1/2.
    explicit PrivateIndex(std::uint32_t capacity)
        : slots_(std::bit_ceil(std::size_t{capacity} * 2 < 16 ? 16 : std::size_t{capacity} * 2)),
          mask_(slots_.size() - 1) {}

    [[nodiscard]] std::uint32_t find(std::uint8_t protocol, std::uint32_t ip,
                                     std::uint16_t port) const noexcept {
        for (std::size_t i = home(protocol, ip, port);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.entry == npos) return npos;
            if (s.ip == ip && s.port == port && s.protocol == protocol) return s.entry;
        }
    }

    /// Precondition: the key is absent and fewer than capacity keys are held.
    void insert(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port,
                std::uint32_t entry) noexcept {
        std::size_t i = home(protocol, ip, port);
        while (slots_[i].entry != npos)
            i = (i + 1) & mask_;
        slots_[i] = Slot{ip, port, protocol, 0, entry};
    }

    /// Removes the key if present.
    void erase(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port) noexcept {
        std::size_t i = home(protocol, ip, port);
        for (;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.entry == npos) return;
            if (s.ip == ip && s.port == port && s.protocol == protocol) break;
        }
        // Backward shift: move up every later slot of the run whose home
        // is not between the hole and it (cyclically).
        std::size_t j = i;
        for (;;) {
            j = (j + 1) & mask_;
            const Slot& s = slots_[j];
            if (s.entry == npos) break;
            const std::size_t k = home(s.protocol, s.ip, s.port);
            const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (stays) continue;
            slots_[i] = s;
            i = j;
        }
        slots_[i] = Slot{};
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return slots_.size(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return slots_.capacity() * sizeof(Slot);
    }

private:
    struct Slot {
        std::uint32_t ip = 0;
        std::uint16_t port = 0;
        std::uint8_t protocol = 0;
        std::uint8_t unused = 0;
        std::uint32_t entry = npos;
    };
    static_assert(sizeof(Slot) == 12);

    [[nodiscard]] std::size_t home(std::uint8_t protocol, std::uint32_t ip,
                                   std::uint16_t port) const noexcept {
        // Murmur3's fmix64 over the packed key: every bit reaches the low
        // bits the mask keeps.
        std::uint64_t k = std::uint64_t{ip} << 24 | std::uint64_t{port} << 8 | protocol;
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ULL;
        k ^= k >> 33;
        return static_cast<std::size_t>(k) & mask_;
    }

    std::vector<Slot> slots_;
    std::size_t mask_;
};

} // namespace strata::nat
