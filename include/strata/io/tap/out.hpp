// TapOut: the output token the TAP runner hands a node (node/out.hpp's
// FrameOut), the real-device twin of sim::Out. send() lends the runner's one
// transmit buffer for the node to write the frame in place, then writes the
// frame to the port's TAP descriptor: one write(2) per frame, no copy, no
// allocation. The port state it reaches (devices, capabilities, counters,
// pcap writers, the trace sink) belongs to the runner (io/tap_runner.hpp).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/io/tap/os_error.hpp>
#include <strata/io/tap_device.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>

namespace strata {

/// Receives the runner's trace: (time of the run, event). The runner emits
/// frame_received and frame_sent (port, value = length) and frame_dropped for
/// what it refuses (too_big, link_down, queue_full); the node adds its own
/// events through TapOut::trace.
using TapTraceSink = std::function<void(Instant t, const TraceEvent& event)>;

/// What one port of a runner saw. `drops` counts what the runner itself
/// refused (the node counts its own drops in Node::drops()):
///   too_big     a frame longer than the port's MTU + 14, either way, or a
///               send asking for more than the transmit buffer
///   link_down   a send on a port with no device, or write(2) failed (EIO:
///               the interface is down)
///   queue_full  write(2) said EAGAIN/ENOBUFS (the kernel's backlog is full)
struct TapPortCounters {
    std::uint64_t frames_in = 0, bytes_in = 0;
    std::uint64_t frames_out = 0, bytes_out = 0;
    DropCounts drops{};
    std::uint64_t read_errors = 0;       ///< read(2) failures other than EAGAIN
    std::uint64_t pcap_errors = 0;       ///< records the pcap writer could not write (it stops)
    std::optional<OsError> last_error{}; ///< the latest read/write failure
};

namespace detail {

/// Largest frame either buffer holds: the biggest IPv4 datagram plus an
/// Ethernet header (a TAP's MTU cannot pass 65521).
inline constexpr std::size_t tap_buffer_bytes = 65535 + 14;

struct TapPortSlot {
    TapDevice* device = nullptr;
    bool reading = false; ///< registered with epoll (false after a hard read error)
    PortCaps caps{};
    std::optional<PcapWriter> pcap{};
    std::chrono::nanoseconds pcap_epoch{};
    TapPortCounters counters{};
};

/// The state TapOut and the runner share (owned by the runner, at a fixed
/// address for the runner's lifetime).
struct TapFabric {
    std::vector<TapPortSlot> ports;
    std::vector<Byte> tx = std::vector<Byte>(tap_buffer_bytes);
    std::vector<Byte> rx = std::vector<Byte>(tap_buffer_bytes);
    Instant now{};
    TapTraceSink trace{};

    void emit(const TraceEvent& e) {
        if (trace) trace(now, e);
    }
    void sized(TraceKind k, PortId port, std::size_t n) {
        if (!trace) return;
        TraceEvent e{k};
        e.port = port;
        e.value = static_cast<std::uint32_t>(n);
        trace(now, e);
    }
    void drop(TapPortCounters* c, PortId port, DropReason r) {
        if (c != nullptr) c->drops.count(r);
        if (trace) trace(now, TraceEvent::dropped(port, r));
    }
    /// Appends the frame to the port's pcap (time = epoch + run time). A
    /// write error is counted and ends that capture.
    void capture(TapPortSlot& p, Bytes frame) {
        if (!p.pcap) return;
        const auto ts = p.pcap_epoch + now.time_since_epoch();
        if (auto ok = p.pcap->write(frame, ts); !ok) {
            ++p.counters.pcap_errors;
            (void)p.pcap->close();
            p.pcap.reset();
        }
    }
};

} // namespace detail

class TapOut {
    detail::TapFabric* f_;

public:
    explicit TapOut(detail::TapFabric& f) noexcept : f_(&f) {}

    /// Lends `max_length` bytes to fill(MutBytes) -> length and writes that
    /// many to `port`'s TAP. False, with fill not called, when the port has
    /// no device (link_down) or max_length exceeds the 64 KiB buffer
    /// (too_big); false when fill returns 0, when the frame is longer than
    /// max_length or than the port's MTU + 14 (too_big), or when write(2)
    /// fails (queue_full for EAGAIN/ENOBUFS, else link_down).
    template <class Fill>
    bool send(PortId port, std::size_t max_length, Fill&& fill) {
        const std::size_t i = to_index(port);
        if (i >= f_->ports.size() || f_->ports[i].device == nullptr) {
            f_->drop(i < f_->ports.size() ? &f_->ports[i].counters : nullptr, port,
                     DropReason::link_down);
            return false;
        }
        detail::TapPortSlot& p = f_->ports[i];
        if (max_length > f_->tx.size()) {
            f_->drop(&p.counters, port, DropReason::too_big);
            return false;
        }
        const std::size_t n = fill(MutBytes(f_->tx.data(), max_length));
        if (n == 0) return false;
        if (n > max_length || n > max_frame_length(p.caps)) {
            f_->drop(&p.counters, port, DropReason::too_big);
            return false;
        }
        const Bytes frame(f_->tx.data(), n);
        if (auto w = p.device->write(frame); !w) {
            p.counters.last_error = w.error();
            const int code = w.error().code;
            f_->drop(&p.counters, port,
                     code == EAGAIN || code == ENOBUFS ? DropReason::queue_full
                                                       : DropReason::link_down);
            return false;
        }
        ++p.counters.frames_out;
        p.counters.bytes_out += n;
        f_->capture(p, frame);
        f_->sized(TraceKind::frame_sent, port, n);
        return true;
    }

    /// The port's MTU and offloads as attached (a port out of range gets the
    /// defaults: MTU 1500, no offload).
    [[nodiscard]] const PortCaps& caps(PortId port) const noexcept {
        static constexpr PortCaps defaults{};
        const std::size_t i = to_index(port);
        return i < f_->ports.size() ? f_->ports[i].caps : defaults;
    }

    [[nodiscard]] bool tracing() const noexcept { return static_cast<bool>(f_->trace); }

    /// Records the node's event with the runner's current time.
    void trace(const TraceEvent& e) { f_->emit(e); }
};

static_assert(FrameOut<TapOut>);

} // namespace strata
