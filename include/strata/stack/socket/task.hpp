// C++20 coroutines for socket code that reads like the book's blocking
// calls: `auto n = co_await host.recv(fd, buf);`. A Task is lazy (it starts
// when spawned or awaited) and owns its frame; awaiting a Task<T> runs it
// and gives its value (symmetric transfer, so chains of calls do not grow
// the stack). An awaitable that would block is a WaitNode the host keeps in
// a list and retries after each receive()/poll(); the node lives in the
// coroutine's frame, so waiting allocates nothing. The frame of a task is
// allocated once, when the coroutine is called.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include <strata/core/time.hpp>

namespace strata::stack {

template <class T = void>
class Task;

namespace detail {

struct TaskFinal {
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
        if (auto c = h.promise().continuation) return c;
        return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
};

struct TaskPromiseBase {
    std::coroutine_handle<> continuation{};
    std::suspend_always initial_suspend() const noexcept { return {}; }
    TaskFinal final_suspend() const noexcept { return {}; }
    // Socket code reports failure as values (SysResult); an escaping
    // exception is a bug in the application.
    [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
    std::optional<T> value{};
    Task<T> get_return_object() noexcept;
    template <class U>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
};
template <>
struct TaskPromise<void> : TaskPromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
};

} // namespace detail

/// A coroutine returning T. Move-only; destroying a Task destroys its frame.
/// Spawned tasks belong to the host, which destroys them when they finish
/// (or when it is destroyed, after forgetting their WaitNodes).
template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::TaskPromise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    Task() = default;
    explicit Task(handle_type h) noexcept : h_(h) {}
    Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    Task& operator=(Task&& o) noexcept {
        if (this != &o) {
            if (h_) h_.destroy();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        if (h_) h_.destroy();
    }

    [[nodiscard]] bool done() const noexcept { return !h_ || h_.done(); }
    /// Gives up ownership of the frame (the host's spawn() takes it).
    [[nodiscard]] handle_type release() noexcept { return std::exchange(h_, {}); }

    // Awaiting a Task starts it and resumes the awaiter when it finishes.
    [[nodiscard]] bool await_ready() const noexcept { return !h_ || h_.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
        h_.promise().continuation = awaiter;
        return h_;
    }
    T await_resume() {
        if constexpr (!std::is_void_v<T>) return std::move(*h_.promise().value);
    }

private:
    handle_type h_{};
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<TaskPromise<T>>::from_promise(*this)};
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<TaskPromise<void>>::from_promise(*this)};
}
} // namespace detail

/// Something a suspended coroutine waits for. The host calls
/// try_complete() after each receive()/poll() (and when `deadline` has come);
/// true means the operation finished (its result is stored in the node)
/// and the coroutine is resumed.
class WaitNode {
public:
    WaitNode() = default;
    WaitNode(const WaitNode&) = delete;
    WaitNode& operator=(const WaitNode&) = delete;

    virtual bool try_complete(Instant now) = 0;
    std::coroutine_handle<> waiter{};
    Instant deadline = never; ///< when the host must poll for this node (sleep)

protected:
    ~WaitNode() = default;
};

} // namespace strata::stack
