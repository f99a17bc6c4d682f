// A bounded queue of datagrams in fixed memory: one byte ring and one ring
// of records, both sized when the socket is made, so a flood of datagrams
// costs no allocation and cannot grow a socket past its budget (Linux's
// SO_RCVBUF plays the same part). A datagram that does not fit is refused
// and the caller counts the drop (RFC 768 gives UDP no flow control).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/core/byte_buffer.hpp>
#include <strata/core/bytes.hpp>
#include <strata/stack/endpoint.hpp>

namespace strata::stack {

class DatagramQueue {
public:
    /// One queued datagram: who it is from (receive) or to (send), and
    /// the local endpoint it concerns.
    struct Meta {
        Endpoint peer{};
        Endpoint local{};
    };

    DatagramQueue() = default;
    DatagramQueue(std::size_t bytes, std::size_t datagrams)
        : data_(bytes), records_(datagrams == 0 ? 1 : datagrams) {}

    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] std::size_t capacity_bytes() const noexcept { return data_.size(); }

    /// Appends a copy of `payload`; false (nothing kept) when the records or
    /// the bytes are exhausted.
    bool push(const Meta& meta, Bytes payload) noexcept {
        if (count_ == records_.size() || payload.size() > data_.size()) return false;
        std::size_t at = 0;
        if (count_ != 0) {
            const std::size_t read = records_[head_].offset;
            if (write_ >= read) { // used region [read, write): free at the end, then the start
                if (payload.size() <= data_.size() - write_)
                    at = write_;
                else if (payload.size() <= read)
                    at = 0;
                else
                    return false;
            } else { // wrapped: used [read, end) and [0, write)
                if (payload.size() > read - write_) return false;
                at = write_;
            }
        }
        if (!payload.empty()) copy_bytes(payload, data_.data() + at);
        records_[(head_ + count_) % records_.size()] = Record{
            meta, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(payload.size())};
        ++count_;
        write_ = at + payload.size();
        return true;
    }

    /// The oldest datagram. Precondition: !empty().
    [[nodiscard]] const Meta& front_meta() const noexcept { return records_[head_].meta; }
    [[nodiscard]] Bytes front() const noexcept {
        const Record& r = records_[head_];
        return Bytes(data_.data() + r.offset, r.len);
    }
    void pop() noexcept {
        if (count_ == 0) return;
        head_ = (head_ + 1) % records_.size();
        if (--count_ == 0) {
            head_ = 0;
            write_ = 0;
        }
    }
    void clear() noexcept { head_ = count_ = write_ = 0; }

private:
    struct Record {
        Meta meta{};
        std::uint32_t offset = 0;
        std::uint32_t len = 0;
    };
    ByteBuffer data_; ///< not zeroed: resident only as far as datagrams reach
    std::vector<Record> records_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::size_t write_ = 0;
};

} // namespace strata::stack
