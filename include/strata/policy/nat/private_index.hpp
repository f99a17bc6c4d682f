// The outbound index of a NAT's mapping table: (protocol, private address,
// private port) -> entry number and public endpoint. Linear probing over
// 16-byte slots that hold the whole key and what an outbound packet needs
// (public port and pool index), so translating it does not wait for the
// entry; the table is sized to 1.4 × capacity (at most ~71 % full; a
// non-power-of-two size, the home slot by multiply-shift), with
// backward-shift deletion (Knuth 6.4 Algorithm R): no tombstones. Measured
// against boost::unordered_flat_set of entry numbers, whose equality had to
// read the entry: two dependent cache misses fewer per outbound packet on a
// 1 M-mapping table (bench/nat.cpp, docs/reference/nat.md).
// Sized once at construction; never rehashes, never allocates afterwards.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <strata/policy/flow/timeouts.hpp>
#include <strata/policy/nat/large_page_allocator.hpp>

namespace strata::nat {

class PrivateIndex {
public:
    static constexpr std::uint32_t npos = ~0u;

    struct Slot {
        std::uint32_t ip = 0;
        std::uint16_t port = 0;
        std::uint8_t protocol = 0;
        /// A copy of the entry's TCP state, so that an outbound segment
        /// without SYN/FIN/RST finds its timeout here too.
        flow::TcpTracker tcp{};
        std::uint32_t entry = npos;
        std::uint16_t public_port = 0;
        std::uint16_t public_index = 0;
    };
    static_assert(sizeof(Slot) == 16);

    /// Room for `capacity` keys at a load factor of at most 1/1.4.
    explicit PrivateIndex(std::uint32_t capacity)
        : slots_(std::size_t{capacity} + capacity * 2ull / 5 + 8) {}

    /// The slot of a key, or nullptr.
    [[nodiscard, gnu::always_inline]] const Slot* find(std::uint8_t protocol, std::uint32_t ip,
                                                       std::uint16_t port) const noexcept {
        const std::uint64_t k = key_of(Slot{ip, port, protocol});
        for (std::size_t i = home(protocol, ip, port);; i = next(i)) {
            const Slot& s = slots_[i];
            if (s.entry == npos) return nullptr;
            if (key_of(s) == k) return &s;
        }
    }
    [[nodiscard, gnu::always_inline]] Slot* find(std::uint8_t protocol, std::uint32_t ip,
                                                 std::uint16_t port) noexcept {
        return const_cast<Slot*>(std::as_const(*this).find(protocol, ip, port));
    }

    /// Precondition: the key is absent and fewer than capacity keys are held.
    void insert(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port, std::uint32_t entry,
                std::uint16_t public_port, std::uint16_t public_index) noexcept {
        std::size_t i = home(protocol, ip, port);
        while (slots_[i].entry != npos)
            i = next(i);
        slots_[i] = Slot{ip, port, protocol, {}, entry, public_port, public_index};
    }

    /// Removes the key if present.
    void erase(std::uint8_t protocol, std::uint32_t ip, std::uint16_t port) noexcept {
        const std::uint64_t k = key_of(Slot{ip, port, protocol});
        std::size_t i = home(protocol, ip, port);
        for (;; i = next(i)) {
            const Slot& s = slots_[i];
            if (s.entry == npos) return;
            if (key_of(s) == k) break;
        }
        // Backward shift: move up every later slot of the run whose home
        // is not between the hole and it (cyclically).
        std::size_t j = i;
        for (;;) {
            j = next(j);
            const Slot& s = slots_[j];
            if (s.entry == npos) break;
            const std::size_t h = home(s.protocol, s.ip, s.port);
            const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
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
    // The key is the slot's first 7 bytes (address, port, protocol): one
    // 64-bit load and compare per probe, the TCP byte masked off, instead of
    // three compares whose mispredictions showed in perf.
    static constexpr std::uint64_t key_mask = std::endian::native == std::endian::little
                                                  ? 0x00ff'ffff'ffff'ffffULL
                                                  : 0xffff'ffff'ffff'ff00ULL;
    [[nodiscard, gnu::always_inline]] static std::uint64_t key_of(const Slot& s) noexcept {
        std::uint64_t v;
        std::memcpy(&v, &s, sizeof v);
        return v & key_mask;
    }
    [[nodiscard, gnu::always_inline]] std::size_t next(std::size_t i) const noexcept {
        return i + 1 == slots_.size() ? 0 : i + 1;
    }
    [[nodiscard, gnu::always_inline]] std::size_t home(std::uint8_t protocol, std::uint32_t ip,
                                                       std::uint16_t port) const noexcept {
        // Murmur3's fmix64 over the packed key, then Lemire's multiply-shift
        // of its high half onto [0, size).
        std::uint64_t k = std::uint64_t{ip} << 24 | std::uint64_t{port} << 8 | protocol;
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ULL;
        k ^= k >> 33;
        return static_cast<std::size_t>(((k >> 32) * slots_.size()) >> 32);
    }

    std::vector<Slot, LargePageAllocator<Slot>> slots_;
};

} // namespace strata::nat
