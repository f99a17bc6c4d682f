// An output token that keeps what it is given: every frame sent, every trace
// event. For tests and for driving a node by hand; the runtimes have their
// own tokens. It allocates (it keeps copies), so it is not for hot paths.
#pragma once

#include <cstddef>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>

namespace strata {

class RecordingOut {
public:
    struct Frame {
        PortId port{};
        std::vector<Byte> bytes;
    };

    /// caps apply to every port unless set_caps says otherwise.
    explicit RecordingOut(PortCaps caps = {}, bool tracing = true)
        : default_caps_(caps), tracing_(tracing) {}

    template <class Fill>
    bool send(PortId port, std::size_t max_length, Fill&& fill) {
        scratch_.assign(max_length, Byte{0});
        const std::size_t n = fill(MutBytes{scratch_});
        if (n == 0 || n > max_length) return false;
        frames.push_back(Frame{
            port, std::vector<Byte>(scratch_.begin(), scratch_.begin() + static_cast<long>(n))});
        return true;
    }

    [[nodiscard]] const PortCaps& caps(PortId port) const noexcept {
        const auto i = to_index(port);
        return i < caps_.size() && has_caps_[i] ? caps_[i] : default_caps_;
    }
    void set_caps(PortId port, const PortCaps& caps) {
        const auto i = to_index(port);
        if (caps_.size() <= i) {
            caps_.resize(i + 1u);
            has_caps_.resize(i + 1u, false);
        }
        caps_[i] = caps;
        has_caps_[i] = true;
    }

    [[nodiscard]] bool tracing() const noexcept { return tracing_; }
    void trace(const TraceEvent& e) { events.push_back(e); }

    void clear() {
        frames.clear();
        events.clear();
    }

    std::vector<Frame> frames;
    std::vector<TraceEvent> events;

private:
    PortCaps default_caps_;
    std::vector<PortCaps> caps_;
    std::vector<bool> has_caps_;
    std::vector<Byte> scratch_;
    bool tracing_;
};

static_assert(FrameOut<RecordingOut>);

} // namespace strata
