// The bytes a TCP sender holds: written by the application, not yet
// acknowledged. A ring of fixed capacity allocated once at construction, so
// the data path allocates nothing; a range may wrap the end of the ring,
// which is why peek() returns two pieces (the segment sink takes both).
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include <strata/core/bytes.hpp>

namespace strata::stack::tcp {

class SendBuffer {
public:
    explicit SendBuffer(std::size_t capacity)
        : buf_(capacity == 0 ? nullptr : std::make_unique<Byte[]>(capacity)), cap_(capacity) {}

    /// Appends what fits; returns how many bytes were taken.
    std::size_t write(Bytes data) noexcept {
        const std::size_t n = data.size() < free() ? data.size() : free();
        std::size_t tail = wrap(head_ + size_);
        std::size_t done = 0;
        while (done < n) {
            const std::size_t chunk = (cap_ - tail) < (n - done) ? (cap_ - tail) : (n - done);
            copy_bytes(data.subspan(done, chunk), buf_.get() + tail);
            done += chunk;
            tail = wrap(tail + chunk);
        }
        size_ += n;
        return n;
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t free() const noexcept { return cap_ - size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Drops n acknowledged bytes from the front (clamped to size()).
    void consume(std::size_t n) noexcept {
        if (n > size_) n = size_;
        head_ = wrap(head_ + n);
        size_ -= n;
        if (size_ == 0) head_ = 0; // keep fresh writes contiguous when possible
    }

    struct Pieces {
        Bytes first;
        Bytes second;
        [[nodiscard]] std::size_t size() const noexcept { return first.size() + second.size(); }
    };

    /// Bytes [offset, offset + len) counted from the front, clamped to what is
    /// held; `second` is non-empty only when the range wraps the ring.
    [[nodiscard]] Pieces peek(std::size_t offset, std::size_t len) const noexcept {
        if (offset >= size_) return {};
        if (len > size_ - offset) len = size_ - offset;
        const std::size_t start = wrap(head_ + offset);
        const std::size_t first = (cap_ - start) < len ? (cap_ - start) : len;
        const Byte* p = buf_.get();
        return Pieces{Bytes{p + start, first}, Bytes{p, len - first}};
    }

private:
    [[nodiscard]] std::size_t wrap(std::size_t i) const noexcept {
        return i >= cap_ ? i - cap_ : i;
    }

    std::unique_ptr<Byte[]> buf_;
    std::size_t cap_ = 0;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace strata::stack::tcp
