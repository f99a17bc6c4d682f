// What a coroutine waits on, and the list the host keeps of them.
//
// Every socket call that may block returns a SocketOp<R>. Used as a value it
// is the non-blocking call (converting it runs the call once: EAGAIN,
// EINPROGRESS); awaited, it suspends the coroutine until the call completes:
//
//     SysResult<std::size_t> r = host.recv(fd, buf);     // now, or EAGAIN
//     SysResult<std::size_t> n = co_await host.recv(fd, buf); // when data (or an error) is there
//
// The host retries every waiting operation after each receive()/poll(),
// resumes those that completed, then sends what they queued.
#pragma once

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include <strata/core/time.hpp>
#include <strata/stack/socket/task.hpp>

namespace strata::stack {

class WaitList {
public:
    WaitList() { nodes_.reserve(64); }
    void add(WaitNode* n) { nodes_.push_back(n); }
    void remove(WaitNode* n) noexcept {
        const auto it = std::find(nodes_.begin(), nodes_.end(), n);
        if (it != nodes_.end()) nodes_.erase(it);
    }
    /// Retries every waiting operation, oldest first, and resumes the
    /// coroutines whose operation completed (a resumed coroutine may wait
    /// again: it is appended and looked at in this same pass). Returns how
    /// many were resumed.
    std::size_t resume_ready(Instant now) {
        std::size_t resumed = 0;
        for (std::size_t i = 0; i < nodes_.size();) {
            WaitNode* n = nodes_[i];
            if (!n->try_complete(now)) {
                ++i;
                continue;
            }
            nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(i));
            ++resumed;
            n->waiter.resume();
        }
        return resumed;
    }
    [[nodiscard]] Instant next_deadline() const noexcept {
        Instant t = never;
        for (const WaitNode* n : nodes_)
            t = std::min(t, n->deadline);
        return t;
    }
    [[nodiscard]] std::size_t size() const noexcept { return nodes_.size(); }
    void clear() noexcept { nodes_.clear(); }

private:
    std::vector<WaitNode*> nodes_;
};

/// A socket call that may block. `F` is `std::optional<R>(bool wait)`:
/// with wait = false it gives the non-blocking answer (always a value);
/// with wait = true it gives nullopt while the call would block.
template <class R, class F>
class [[nodiscard]] SocketOp final : public WaitNode {
public:
    SocketOp(WaitList& list, const Instant& now, F f, Instant deadline_at = never)
        : list_(&list), now_(&now), f_(std::move(f)) {
        deadline = deadline_at;
    }
    ~SocketOp() {
        if (waiting_) list_->remove(this);
    }

    /// The non-blocking call.
    operator R() && { return *f_(false); } // NOLINT: implicit on purpose (see above)
    [[nodiscard]] R now() && { return *f_(false); }

    bool await_ready() { return try_complete(*now_); }
    void await_suspend(std::coroutine_handle<> h) {
        waiter = h;
        waiting_ = true;
        list_->add(this);
    }
    R await_resume() {
        waiting_ = false;
        return std::move(*result_);
    }
    bool try_complete(Instant) override {
        result_ = f_(true);
        return result_.has_value();
    }

private:
    WaitList* list_;
    const Instant* now_;
    F f_;
    std::optional<R> result_{};
    bool waiting_ = false;
};

/// co_await host.sleep(d): resumes at the first receive()/poll() at or
/// after now + d (the host asks to be polled then).
class [[nodiscard]] SleepOp final : public WaitNode {
public:
    SleepOp(WaitList& list, Instant until) : list_(&list) { deadline = until; }
    ~SleepOp() {
        if (waiting_) list_->remove(this);
    }
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        waiter = h;
        waiting_ = true;
        list_->add(this);
    }
    void await_resume() noexcept { waiting_ = false; }
    bool try_complete(Instant now) override { return now >= deadline; }

private:
    WaitList* list_;
    bool waiting_ = false;
};

} // namespace strata::stack
