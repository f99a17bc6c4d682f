// sim::Replay: a node with one port (PortId{0}) that sends frames loaded
// beforehand, each at its instant, and records what arrives (strata-net's
// `replay` node: a pcap goes in, NAME.rx.pcap comes out).
//
// All frames live in one byte array with an index; loading allocates (the
// arrays grow), sending copies a frame into the buffer the runtime lends and
// allocates nothing. Recording keeps a copy of every arrival in the same flat
// form (amortized growth); turn it off with record(false) to only count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>

namespace strata::sim {

class Replay {
public:
    /// A frame that arrived: when, and its bytes (valid until the next
    /// receive or clear_received()).
    struct Arrival {
        Instant at{};
        Bytes bytes{};
    };

    Replay() = default;

    /// Appends a frame to send at `at`. Frames go out in load order: one
    /// loaded with an earlier instant than its predecessor goes right after it.
    void load(Instant at, Bytes frame) {
        const std::size_t offset = data_.size();
        data_.resize(offset + frame.size());
        if (!frame.empty()) std::memcpy(data_.data() + offset, frame.data(), frame.size());
        frames_.push_back(Entry{at, offset, frame.size()});
    }
    /// Room for `frames` frames of `bytes` bytes in all, loaded or received.
    void reserve(std::size_t frames, std::size_t bytes) {
        frames_.reserve(frames);
        data_.reserve(bytes);
    }

    /// Whether arrivals are kept (they are by default); counted either way.
    void record(bool on) noexcept { record_ = on; }

    // --- the node contract (strata::Node) --------------------------------------

    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }

    template <FrameOut O>
    void receive(PortId port, MutBytes frame, Instant now, O& /*out*/) {
        if (to_index(port) != 0) {
            drops_.count(DropReason::unsupported);
            return;
        }
        ++received_frames_;
        received_bytes_ += frame.size();
        if (!record_) return;
        const std::size_t offset = rx_data_.size();
        rx_data_.resize(offset + frame.size());
        if (!frame.empty()) std::memcpy(rx_data_.data() + offset, frame.data(), frame.size());
        rx_.push_back(Entry{now, offset, frame.size()});
    }

    template <FrameOut O>
    void poll(Instant now, O& out) {
        while (next_ < frames_.size() && frames_[next_].at <= now) {
            const Entry& e = frames_[next_++];
            const Byte* src = data_.data() + e.offset;
            const std::size_t n = e.len;
            if (out.send(PortId{0}, n, [src, n](MutBytes b) {
                    std::memcpy(b.data(), src, n);
                    return n;
                }))
                ++sent_;
            else
                ++not_sent_;
        }
    }

    [[nodiscard]] Instant poll_at() const noexcept {
        return next_ < frames_.size() ? frames_[next_].at : never;
    }

    [[nodiscard]] const DropCounts& drops() const noexcept { return drops_; }

    // --- what happened --------------------------------------------------------------

    [[nodiscard]] std::size_t loaded() const noexcept { return frames_.size(); }
    /// Frames the link took; frames it refused (no link, too big, queue full).
    [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }
    [[nodiscard]] std::uint64_t not_sent() const noexcept { return not_sent_; }
    [[nodiscard]] std::uint64_t received_frames() const noexcept { return received_frames_; }
    [[nodiscard]] std::uint64_t received_bytes() const noexcept { return received_bytes_; }

    /// Arrivals recorded so far, in order.
    [[nodiscard]] std::size_t arrivals() const noexcept { return rx_.size(); }
    [[nodiscard]] Arrival arrival(std::size_t i) const noexcept {
        const Entry& e = rx_[i];
        return Arrival{e.at, Bytes(rx_data_.data() + e.offset, e.len)};
    }
    /// Calls f(Instant, Bytes) for every recorded arrival, in order.
    template <class F>
    void for_each_arrival(F&& f) const {
        for (const Entry& e : rx_)
            f(e.at, Bytes(rx_data_.data() + e.offset, e.len));
    }
    void clear_received() noexcept {
        rx_.clear();
        rx_data_.clear();
    }

private:
    struct Entry {
        Instant at{};
        std::size_t offset = 0;
        std::size_t len = 0;
    };

    std::vector<Byte> data_;
    std::vector<Entry> frames_;
    std::size_t next_ = 0;
    std::vector<Byte> rx_data_;
    std::vector<Entry> rx_;
    bool record_ = true;
    std::uint64_t sent_ = 0;
    std::uint64_t not_sent_ = 0;
    std::uint64_t received_frames_ = 0;
    std::uint64_t received_bytes_ = 0;
    DropCounts drops_{};
};

} // namespace strata::sim
