// Trace events of a host's TCP (node/trace.hpp): tcp_segment_sent for each
// segment the host transmits, tcp_state_changed for each connection whose
// RFC 9293 state differs from the last look. The engine does not report
// state changes, so the host looks after each receive/poll — only when the
// output traces, and without allocating in steady state: the table is sized
// once, at the first look, to the engine's max_connections.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/node/trace.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/tcp/state.hpp>
#include <strata/stack/tcp/tcb.hpp>
#include <strata/wire/tcp.hpp>

namespace strata::stack {

/// The tcp_segment_sent event for a segment `h` on connection `t`.
constexpr TraceEvent tcp_segment_event(const FourTuple& t, const TcpRepr& h,
                                       std::size_t payload) noexcept {
    TraceEvent e = TraceEvent::conversation(
        TraceKind::tcp_segment_sent, t.local.addr, t.local.port.value(), t.remote.addr,
        t.remote.port.value(), h.flags.bits() & 0xff, static_cast<std::uint32_t>(payload));
    e.l4_seq[0] = h.seq_number.value();
    e.l4_seq[1] = h.ack_number.value();
    return e;
}

/// Remembers each connection's last state; reports the differences.
class TcpStateWatch {
public:
    /// The table is reserved at the first observe(), so hosts that never
    /// trace (benchmarks with thousands of hosts) pay nothing for it.
    explicit TcpStateWatch(std::size_t capacity) noexcept : capacity_(capacity) {}

    /// Emits tcp_state_changed (value = new state, length = old) for every
    /// connection of `engine` whose state changed, CLOSED → … for new ones
    /// and … → CLOSED for those gone. Call only when out.tracing().
    template <class Engine, class Out>
    void observe(const Engine& engine, Out& out) {
        if (pass_++ == 0) last_.reserve(capacity_ + 1);
        engine.for_each([&](tcp::ConnId id, const FourTuple& t, tcp::State s) {
            if (s == tcp::State::listen) return;
            auto it = last_.find(id);
            if (it == last_.end()) {
                if (last_.size() >= last_.max_load()) return; // full: no rehash, no allocation
                it = last_.emplace(id, Entry{t, tcp::State::closed, pass_}).first;
            }
            Entry& en = it->second;
            en.seen = pass_;
            if (en.state != s || !(en.tuple == t)) {
                emit(out, t, en.state, s);
                en.state = s;
                en.tuple = t;
            }
        });
        boost::unordered::erase_if(last_, [&](const auto& kv) {
            if (kv.second.seen == pass_) return false;
            emit(out, kv.second.tuple, kv.second.state, tcp::State::closed);
            return true;
        });
    }

private:
    struct Entry {
        FourTuple tuple;
        tcp::State state;
        std::uint64_t seen;
    };
    template <class Out>
    static void emit(Out& out, const FourTuple& t, tcp::State from, tcp::State to) {
        out.trace(TraceEvent::conversation(TraceKind::tcp_state_changed, t.local.addr,
                                           t.local.port.value(), t.remote.addr,
                                           t.remote.port.value(), static_cast<std::uint32_t>(to),
                                           static_cast<std::uint32_t>(from)));
    }
    boost::unordered_flat_map<tcp::ConnId, Entry> last_;
    std::size_t capacity_ = 0;
    std::uint64_t pass_ = 0;
};

} // namespace strata::stack
