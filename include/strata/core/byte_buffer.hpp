// A fixed-size byte array whose storage is not zeroed when it is made: the
// operating system maps a page only when something is written to it, so a
// pool sized for the worst case (ARP queue slots, a socket's receive ring)
// costs resident memory only for what is used. A thousand simulated hosts
// with a 24 KiB ARP pool each stay at a few KiB each until ARP queues.
// Bytes never written hold indeterminate values; the owners read only what
// they wrote. Copies copy the bytes (unsigned char may carry indeterminate
// values through a copy).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <utility>

#include <strata/core/bytes.hpp>

namespace strata {

class ByteBuffer {
public:
    ByteBuffer() = default;
    explicit ByteBuffer(std::size_t n)
        : data_(n != 0 ? std::make_unique_for_overwrite<Byte[]>(n) : nullptr), size_(n) {}
    ByteBuffer(const ByteBuffer& o) : ByteBuffer(o.size_) {
        if (size_ != 0) std::copy_n(o.data_.get(), size_, data_.get());
    }
    ByteBuffer& operator=(const ByteBuffer& o) {
        if (this != &o) *this = ByteBuffer(o);
        return *this;
    }
    ByteBuffer(ByteBuffer&& o) noexcept
        : data_(std::move(o.data_)), size_(std::exchange(o.size_, 0)) {}
    ByteBuffer& operator=(ByteBuffer&& o) noexcept {
        data_ = std::move(o.data_);
        size_ = std::exchange(o.size_, 0);
        return *this;
    }
    ~ByteBuffer() = default;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] Byte* data() noexcept { return data_.get(); }
    [[nodiscard]] const Byte* data() const noexcept { return data_.get(); }
    [[nodiscard]] Byte& operator[](std::size_t i) noexcept { return data_[i]; }
    [[nodiscard]] const Byte& operator[](std::size_t i) const noexcept { return data_[i]; }
    [[nodiscard]] MutBytes span() noexcept { return MutBytes(data_.get(), size_); }
    [[nodiscard]] Bytes span() const noexcept { return Bytes(data_.get(), size_); }

private:
    std::unique_ptr<Byte[]> data_;
    std::size_t size_ = 0;
};

} // namespace strata
