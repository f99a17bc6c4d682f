// Which connections the engine's poll() visits: those whose timer is due
// (a min-heap of deadlines) and those a socket call touched (a list), so a
// server holding thousands of connections in TIME-WAIT is not scanned on
// every frame. The engine (engine.hpp) owns one; the blocks carry the
// bookkeeping fields (Tcb::dirty, Tcb::pushed_at, Tcb::self).
#pragma once

#include <algorithm>
#include <functional>
#include <queue>
#include <vector>

#include <strata/core/time.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

class WorkQueue {
public:
    /// A socket call changed `t`: visit it at the next poll.
    template <class Block>
    void mark(Block& t) {
        if (!t.dirty && t.self != no_conn) {
            t.dirty = true;
            dirty_.push_back(t.self);
        }
    }
    /// Visit every connection at the next poll (a listener closed and reset
    /// the connections it had not handed out).
    void mark_all() noexcept { all_dirty_ = true; }

    /// After connection `id` ran: one live heap entry per connection. A
    /// deadline that moved later (the retransmission timer, pushed on by
    /// every ACK) keeps the entry it has, which wakes the connection early
    /// and is pushed again then; only an earlier deadline pushes a new one.
    template <class Block>
    void schedule(ConnId id, Block& t) {
        if (const Instant at = t.next_timer(); at != never && at < t.pushed_at) {
            t.pushed_at = at;
            timers_.push(Entry{at, id});
        }
    }

    /// Calls visit(id, block) for each connection due at `now`: the ones
    /// whose heap entry is due, then the marked ones. `table.conn(id)` gives
    /// the block or nullptr (freed since); stale heap entries are skipped.
    template <class Table, class Visit>
    void drain(Instant now, Table& table, Visit&& visit) {
        if (all_dirty_) {
            all_dirty_ = false;
            for (std::size_t i = 0; i < table.used_end(); ++i)
                if (auto* t = table.conn_at(i)) {
                    t->dirty = false;
                    visit(table.id_at(i), *t);
                }
            dirty_.clear();
            return;
        }
        while (!timers_.empty() && timers_.top().at <= now) {
            const Entry e = timers_.top();
            timers_.pop();
            auto* t = table.conn(e.id);
            if (!t || t->pushed_at != e.at) continue; // stale
            t->pushed_at = never;
            visit(e.id, *t);
        }
        work_.swap(dirty_);
        for (const ConnId id : work_)
            if (auto* t = table.conn(id)) {
                t->dirty = false;
                visit(id, *t);
            }
        work_.clear();
    }

    /// The earliest live deadline; `marked` when a connection waits to be
    /// visited at once.
    template <class Table>
    [[nodiscard]] Instant next(const Table& table, Instant marked) const noexcept {
        if (all_dirty_ || !dirty_.empty()) return marked;
        while (!timers_.empty()) {
            const Entry& e = timers_.top();
            const auto* t = table.conn(e.id);
            if (t && t->pushed_at == e.at) return e.at;
            timers_.pop(); // stale: dropped here so the next call is O(1)
        }
        return never;
    }

private:
    struct Entry {
        Instant at;
        ConnId id;
        friend bool operator>(const Entry& a, const Entry& b) noexcept { return a.at > b.at; }
    };
    mutable std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> timers_;
    std::vector<ConnId> dirty_, work_;
    bool all_dirty_ = false;
};

} // namespace strata::stack::tcp
