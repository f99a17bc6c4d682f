// TapRunner<N>: runs any strata::Node on real Linux TAP devices, one device
// per port, in the calling thread. The node cannot tell it from the
// simulator: it gets receive(port, frame, now, out) for every frame read,
// poll(now, out) when its poll_at() comes due, and a TapOut token whose
// send() writes to the port's TAP (io/tap/out.hpp).
//
// THE CLOCK RULE. This is the one place in include/ that reads a clock, and
// the only clock it reads is std::chrono::steady_clock (monotonic: never
// steps with NTP or the date). `now` is the steady clock's time since the
// runner was created, as an Instant (core/time.hpp), so a node sees time
// start near 0 exactly as in the simulator. Nodes never read a clock; the
// runner never reads the wall clock (pcap timestamps are run time plus an
// epoch the caller passes, see set_pcap).
//
// The loop (run_until): poll the node while poll_at() <= now; wait in
// epoll_wait until a TAP is readable, the earlier of poll_at() and the
// deadline comes, or 100 ms pass (so the stop predicate is checked at least
// ten times a second); read up to 64 frames per ready port into one reused
// buffer and hand each to receive(). Nothing is allocated per frame. Timers
// fire up to 1 ms late: epoll_wait counts in milliseconds (rounded up, so
// never early).
//
// Every run is bounded by its deadline; request_stop() (async-signal-safe)
// and the stop predicate end it sooner.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/io/tap/os_error.hpp>
#include <strata/io/tap/out.hpp>
#include <strata/io/tap_device.hpp>
#include <strata/node/concepts.hpp>
#include <strata/node/port.hpp>

namespace strata {

/// What one run_until did.
struct TapRunStats {
    std::uint64_t wakeups = 0; ///< epoll_wait returns
    std::uint64_t frames_in = 0;
    std::uint64_t polls = 0; ///< node.poll calls
    bool stopped = false;    ///< ended by the predicate or request_stop, not the deadline
    Instant ended{};         ///< run time when it returned
};

template <class N>
requires Node<N, TapOut>
class TapRunner {
    struct State {
        N* node = nullptr;
        detail::TapFabric fabric;
        std::chrono::steady_clock::time_point start{};
        int epoll = -1;
        int wake = -1; // eventfd: request_stop() wakes epoll_wait with it
        std::atomic<bool> stop{false};

        State() = default;
        State(const State&) = delete;
        State& operator=(const State&) = delete;
        ~State() {
            if (epoll >= 0) ::close(epoll);
            if (wake >= 0) ::close(wake);
        }
    };
    std::unique_ptr<State> s_;

    static constexpr std::uint32_t wake_key = std::numeric_limits<std::uint32_t>::max();
    static constexpr int burst = 64;
    static constexpr std::int64_t max_wait_ms = 100;
    static constexpr int max_polls_per_turn = 64;

    explicit TapRunner(std::unique_ptr<State> s) noexcept : s_(std::move(s)) {}

public:
    /// Creates the epoll instance and the wake-up eventfd, and starts the
    /// run clock (now() = 0 here). The node must outlive the runner; it gets
    /// node.port_count() ports, none attached yet. Errors:
    /// "epoll_create1", "eventfd", "epoll_ctl".
    static OsResult<TapRunner> create(N& node) {
        auto s = std::make_unique<State>();
        s->node = &node;
        s->fabric.ports.resize(node.port_count());
        s->epoll = ::epoll_create1(EPOLL_CLOEXEC);
        if (s->epoll < 0) return OsError::last("epoll_create1");
        s->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (s->wake < 0) return OsError::last("eventfd");
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = wake_key;
        if (::epoll_ctl(s->epoll, EPOLL_CTL_ADD, s->wake, &ev) < 0)
            return OsError::last("epoll_ctl");
        s->start = std::chrono::steady_clock::now();
        return TapRunner(std::move(s));
    }

    /// Binds `port` to `device`, which must stay open while bound (detach
    /// it, or destroy the runner, before closing it). `caps` defaults to
    /// TapDevice::caps(device MTU, read with SIOCGIFMTU, or 1500 when the
    /// interface is in another namespace): no checksum offload. Errors:
    /// "port" EINVAL (beyond port_count or already bound), "epoll_ctl".
    OsResult<void> attach(PortId port, TapDevice& device, std::optional<PortCaps> caps = {}) {
        const std::size_t i = to_index(port);
        if (i >= s_->fabric.ports.size() || s_->fabric.ports[i].device != nullptr)
            return OsError{"port", EINVAL};
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = static_cast<std::uint32_t>(i);
        if (::epoll_ctl(s_->epoll, EPOLL_CTL_ADD, device.fd(), &ev) < 0)
            return OsError::last("epoll_ctl");
        detail::TapPortSlot& p = s_->fabric.ports[i];
        p.device = &device;
        p.reading = true;
        if (caps) {
            p.caps = *caps;
        } else {
            const auto mtu = device.mtu();
            p.caps = TapDevice::caps(mtu ? *mtu : 1500);
        }
        return {};
    }

    /// Unbinds `port` (its sends count link_down from then on), so its
    /// device may close before the runner. Errors: "port" EINVAL (not
    /// bound), "epoll_ctl".
    OsResult<void> detach(PortId port) {
        const std::size_t i = to_index(port);
        if (i >= s_->fabric.ports.size() || s_->fabric.ports[i].device == nullptr)
            return OsError{"port", EINVAL};
        detail::TapPortSlot& p = s_->fabric.ports[i];
        const int fd = p.device->fd();
        p.device = nullptr;
        if (std::exchange(p.reading, false) &&
            ::epoll_ctl(s_->epoll, EPOLL_CTL_DEL, fd, nullptr) < 0)
            return OsError::last("epoll_ctl");
        return {};
    }

    /// Captures what the port reads and writes (both directions, as tcpdump
    /// on the interface would) into `writer`. Record times are `epoch` +
    /// run time; pass system_clock::now().time_since_epoch() taken by the
    /// caller for wall-clock times (the runner reads no wall clock). Replaces
    /// an earlier writer of that port.
    void set_pcap(PortId port, PcapWriter writer, std::chrono::nanoseconds epoch = {}) {
        const std::size_t i = to_index(port);
        if (i >= s_->fabric.ports.size()) return;
        s_->fabric.ports[i].pcap.emplace(std::move(writer));
        s_->fabric.ports[i].pcap_epoch = epoch;
    }
    /// The port's pcap writer, or nullptr (none, or it failed and stopped).
    [[nodiscard]] PcapWriter* pcap(PortId port) noexcept {
        const std::size_t i = to_index(port);
        if (i >= s_->fabric.ports.size() || !s_->fabric.ports[i].pcap) return nullptr;
        return &*s_->fabric.ports[i].pcap;
    }

    /// Turns tracing on (a sink) or off (an empty function).
    void set_trace(TapTraceSink sink) { s_->fabric.trace = std::move(sink); }

    /// The run clock: steady_clock time since create().
    [[nodiscard]] Instant now() const noexcept {
        return Instant{
            std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - s_->start)};
    }

    [[nodiscard]] N& node() noexcept { return *s_->node; }
    [[nodiscard]] std::size_t port_count() const noexcept { return s_->fabric.ports.size(); }
    /// Precondition: port < port_count().
    [[nodiscard]] const TapPortCounters& counters(PortId port) const noexcept {
        return s_->fabric.ports[to_index(port)].counters;
    }
    [[nodiscard]] const PortCaps& caps(PortId port) const noexcept {
        return s_->fabric.ports[to_index(port)].caps;
    }

    /// Ends the current (or the next) run at its next turn. Safe from a
    /// signal handler and from another thread: sets a flag and writes to an
    /// eventfd, both async-signal-safe.
    void request_stop() noexcept {
        s_->stop.store(true, std::memory_order_relaxed);
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(s_->wake, &one, sizeof one);
    }

    /// Runs until `deadline` (run time), until stop() returns true (checked
    /// after every turn of the loop, at least every 100 ms), or until
    /// request_stop(). A deadline of `never` runs until one of the others.
    /// Errors: "epoll_wait" (other than EINTR, which is retried).
    template <class Stop>
    OsResult<TapRunStats> run_until(Instant deadline, Stop&& stop) {
        State& s = *s_;
        N& node = *s.node;
        detail::TapFabric& f = s.fabric;
        TapOut out(f);
        TapRunStats st{};
        std::array<epoll_event, 16> events{};
        for (;;) {
            f.now = now();
            if (s.stop.exchange(false, std::memory_order_relaxed) || stop()) {
                st.stopped = true;
                break;
            }
            if (f.now >= deadline) break;
            for (int k = 0; k < max_polls_per_turn && node.poll_at() <= f.now; ++k) {
                node.poll(f.now, out);
                ++st.polls;
            }
            const Instant next = std::min(deadline, node.poll_at());
            int timeout = 0;
            if (next > f.now) {
                // Round up: a timer must never fire early. (Capped first, so
                // a wait until `never` cannot overflow the rounding.)
                const std::int64_t wait =
                    std::min<std::int64_t>((next - f.now).count(), max_wait_ms * 1'000'000);
                timeout = static_cast<int>((wait + 999'999) / 1'000'000);
            }
            const int n =
                ::epoll_wait(s.epoll, events.data(), static_cast<int>(events.size()), timeout);
            if (n < 0) {
                if (errno == EINTR) continue;
                return OsError::last("epoll_wait");
            }
            ++st.wakeups;
            for (int e = 0; e < n; ++e) {
                const std::uint32_t key = events[static_cast<std::size_t>(e)].data.u32;
                if (key == wake_key) {
                    std::uint64_t v = 0;
                    [[maybe_unused]] const auto r = ::read(s.wake, &v, sizeof v);
                    continue;
                }
                st.frames_in += read_port(key, out);
            }
        }
        st.ended = now();
        return st;
    }

    OsResult<TapRunStats> run_until(Instant deadline) {
        return run_until(deadline, [] { return false; });
    }
    /// run_until(now() + d); a `d` past the end of time (Duration::max())
    /// means `never`.
    template <class Stop>
    OsResult<TapRunStats> run_for(Duration d, Stop&& stop) {
        return run_until(after(d), std::forward<Stop>(stop));
    }
    OsResult<TapRunStats> run_for(Duration d) {
        return run_until(after(d), [] { return false; });
    }

private:
    [[nodiscard]] Instant after(Duration d) const noexcept {
        const Instant t = now();
        return d >= never - t ? never : t + d;
    }

    // Reads up to `burst` frames from one port (epoll is level-triggered:
    // the rest wakes the next turn, so one busy port cannot starve another).
    std::uint64_t read_port(std::uint32_t i, TapOut& out) {
        detail::TapFabric& f = s_->fabric;
        if (i >= f.ports.size() || f.ports[i].device == nullptr || !f.ports[i].reading) return 0;
        detail::TapPortSlot& p = f.ports[i];
        const PortId port{static_cast<std::uint16_t>(i)};
        std::uint64_t frames = 0;
        for (int k = 0; k < burst; ++k) {
            auto r = p.device->read(MutBytes(f.rx.data(), f.rx.size()));
            if (!r) {
                if (r.error().code != EAGAIN && r.error().code != EINTR) {
                    // A hard error does not go away (EBADFD: the interface
                    // was deleted under us) and epoll would report the
                    // descriptor again at once: stop reading it. Sends
                    // still try, and count their failures.
                    ++p.counters.read_errors;
                    p.counters.last_error = r.error();
                    (void)::epoll_ctl(s_->epoll, EPOLL_CTL_DEL, p.device->fd(), nullptr);
                    p.reading = false;
                }
                break;
            }
            f.now = now();
            const std::size_t len = *r;
            ++frames;
            ++p.counters.frames_in;
            p.counters.bytes_in += len;
            const MutBytes frame(f.rx.data(), len);
            f.capture(p, frame);
            f.sized(TraceKind::frame_received, port, len);
            if (len > max_frame_length(p.caps)) {
                f.drop(&p.counters, port, DropReason::too_big);
                continue;
            }
            s_->node->receive(port, frame, f.now, out);
        }
        return frames;
    }
};

} // namespace strata
