// The buffers frames live in while the simulator carries them: lent to a node
// to write a frame in place (Out::send), then kept until the frame arrives.
// Buffers are reused last-in first-out (the most recently freed is still in
// cache) and never shrink, so once the pool holds as many buffers as the run
// ever has frames in flight, each of the largest size asked for, sending and
// delivering allocate nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/sim/link.hpp>

namespace strata::sim {

/// One buffer and what the link decided about the frame in it.
struct FrameSlot {
    enum Flags : std::uint8_t { none = 0, lost = 1, corrupt = 2 };

    std::vector<Byte> bytes; ///< capacity; the frame is bytes[0, len)
    std::uint32_t len = 0;
    std::uint32_t link = 0;
    std::uint32_t bit = 0; ///< the bit to flip when corrupt (0 = MSB of byte 0)
    Direction dir = Direction::a_to_b;
    std::uint8_t flags = none;

    [[nodiscard]] MutBytes frame() noexcept { return MutBytes(bytes.data(), len); }
};

class FramePool {
public:
    /// A buffer of at least `capacity` bytes (contents unspecified).
    std::uint32_t acquire(std::size_t capacity) {
        std::uint32_t i;
        if (!free_.empty()) {
            i = free_.back();
            free_.pop_back();
        } else {
            i = static_cast<std::uint32_t>(slots_.size());
            slots_.emplace_back();
            free_.reserve(slots_.capacity());
        }
        FrameSlot& s = slots_[i];
        if (s.bytes.size() < capacity) s.bytes.resize(capacity);
        s.len = 0;
        s.flags = FrameSlot::none;
        return i;
    }

    void release(std::uint32_t i) noexcept { free_.push_back(i); }

    /// A slot by index. A reference is valid until the next acquire().
    [[nodiscard]] FrameSlot& operator[](std::uint32_t i) noexcept { return slots_[i]; }

    /// Buffers ever made (the high-water mark of frames in flight).
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
    /// Buffers holding a frame now.
    [[nodiscard]] std::size_t in_use() const noexcept { return slots_.size() - free_.size(); }

private:
    std::vector<FrameSlot> slots_;
    std::vector<std::uint32_t> free_;
};

} // namespace strata::sim
