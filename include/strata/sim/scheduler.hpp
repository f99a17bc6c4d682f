// The simulator's event queue: events ordered by (time, sequence number), so
// two events at the same instant run in the order they were scheduled and a
// run is the same every time (DESIGN.md §4).
//
// A by-value 4-ary heap in one std::vector. Events are small plain values
// (32 bytes: time, sequence, two indices, a kind), so sifting moves them
// directly instead of chasing pointers; four children per node halve the
// depth of a binary heap, and the four siblings share one or two cache lines.
// The vector is reserved up front and reused: once it has reached the largest
// number of pending events, scheduling and executing allocate nothing.
// (ns-3's default MapScheduler allocates a std::map node per event.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/core/time.hpp>

namespace strata::sim {

/// One pending event. What `kind`, `a` and `b` mean is the runtime's business
/// (sim::Network: a frame to deliver, a node to poll); the queue only orders.
struct Event {
    std::int64_t time = 0; ///< nanoseconds since the start of the run
    std::uint64_t seq = 0; ///< order of scheduling: breaks ties in time
    std::uint32_t a = 0;   ///< payload (an index)
    std::uint32_t b = 0;   ///< payload (an index or a generation)
    std::uint8_t kind = 0; ///< what to do

    [[nodiscard]] constexpr Instant at() const noexcept { return at_ns(time); }
};

/// True when `x` runs before `y`.
[[nodiscard]] constexpr bool runs_before(const Event& x, const Event& y) noexcept {
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
}

class Scheduler {
public:
    Scheduler() = default;
    explicit Scheduler(std::size_t capacity) { heap_.reserve(capacity); }

    /// Room for `n` pending events without allocating.
    void reserve(std::size_t n) { heap_.reserve(n); }

    /// Schedules an event; its sequence number is the next one.
    void push(Instant t, std::uint8_t kind, std::uint32_t a = 0, std::uint32_t b = 0) {
        push_event(Event{ns_since_start(t), next_seq_++, a, b, kind});
    }

    /// The next event to run. Precondition: !empty().
    [[nodiscard]] const Event& top() const noexcept { return heap_.front(); }

    /// Removes and returns the next event. Precondition: !empty().
    Event pop() noexcept {
        const Event first = heap_.front();
        const Event last = heap_.back();
        heap_.pop_back();
        if (!heap_.empty()) sift_down(last);
        return first;
    }

    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
    /// Events scheduled since construction (the next sequence number).
    [[nodiscard]] std::uint64_t scheduled() const noexcept { return next_seq_; }

    /// Drops every pending event; keeps the memory and the sequence counter.
    void clear() noexcept { heap_.clear(); }

private:
    static constexpr std::size_t arity = 4;

    void push_event(const Event& e) {
        heap_.push_back(e);
        // Move parents down into the hole until e fits (one copy per level).
        std::size_t hole = heap_.size() - 1;
        Event* h = heap_.data();
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / arity;
            if (!runs_before(e, h[parent])) break;
            h[hole] = h[parent];
            hole = parent;
        }
        h[hole] = e;
    }

    // Places `e` starting from a hole at the root, moving the earliest child
    // up at every level.
    void sift_down(const Event& e) noexcept {
        Event* h = heap_.data();
        const std::size_t n = heap_.size();
        std::size_t hole = 0;
        for (;;) {
            const std::size_t first = hole * arity + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t end = first + arity < n ? first + arity : n;
            for (std::size_t c = first + 1; c < end; ++c) {
                if (runs_before(h[c], h[best])) best = c;
            }
            if (!runs_before(h[best], e)) break;
            h[hole] = h[best];
            hole = best;
        }
        h[hole] = e;
    }

    std::vector<Event> heap_;
    std::uint64_t next_seq_ = 0;
};

} // namespace strata::sim
