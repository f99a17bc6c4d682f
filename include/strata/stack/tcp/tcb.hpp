// The transmission control block (RFC 9293 §3.3.1): everything one
// connection remembers, plus the small derived quantities the input, output
// and timer code share. The algorithms live in input.hpp, output.hpp and
// timers.hpp; the engine (engine.hpp) owns the blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <strata/core/seq_num.hpp>
#include <strata/core/time.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/tcp/config.hpp>
#include <strata/stack/tcp/congestion/concept.hpp>
#include <strata/stack/tcp/recv_buffer.hpp>
#include <strata/stack/tcp/rto.hpp>
#include <strata/stack/tcp/sack_scoreboard.hpp>
#include <strata/stack/tcp/send_buffer.hpp>
#include <strata/stack/tcp/state.hpp>

namespace strata::stack::tcp {

/// A socket handle inside the engine (listener or connection).
using ConnId = std::uint32_t;
inline constexpr ConnId no_conn = 0xFFFFFFFFu;

template <CongestionControl CC>
struct Tcb {
    Tcb(const TcpConfig& c, const FourTuple& t)
        : cfg(&c), tuple(t), sndbuf(c.send_buffer), rcvbuf(c.recv_buffer), rto(c.rto),
          nodelay(!c.nagle), keepalive(c.keepalive) {}

    const TcpConfig* cfg;
    FourTuple tuple;
    State state = State::closed;
    SendBuffer sndbuf;
    RecvBuffer rcvbuf;

    // --- send sequence space (RFC 9293 §3.3.1) -------------------------------
    SeqNum iss{};
    SeqNum snd_una{};
    SeqNum snd_nxt{}; ///< next to send; rolled back to snd_una by an RTO (go-back-N)
    SeqNum snd_max{}; ///< highest sequence number sent + 1 (the RFC's SND.NXT for ACK checks)
    SeqNum snd_wl1{};
    SeqNum snd_wl2{};
    std::uint32_t snd_wnd = 0;     ///< peer's window, scaled
    std::uint32_t max_snd_wnd = 0; ///< RFC 5961 §5 MAX.SND.WND
    std::uint8_t snd_wscale = 0;   ///< shift applied to the peer's windows
    std::uint8_t rcv_wscale = 0;   ///< shift applied to ours
    std::uint16_t mss = 536;       ///< effective send MSS (RFC 9293 §3.7.1 default 536)
    std::uint16_t our_mss = 536;   ///< what we offered (path MTU - 40)
    bool fin_queued = false;       ///< user shut the write side: FIN at fin_seq
    SeqNum fin_seq{};              ///< sequence number of our FIN once queued
    SeqNum snd_sml{};              ///< end of the last short segment sent (Linux snd_sml)
    SeqNum snd_up{};               ///< SND.UP: one past the last urgent byte (RFC 9293 MUST-31)
    bool urg_mode = false;         ///< urgent data not yet acknowledged

    // --- receive sequence space ------------------------------------------------
    SeqNum irs{};
    SeqNum rcv_nxt{};
    SeqNum rcv_adv{}; ///< right edge of the window we advertised (never moved left)
    SeqNum last_ack_sent{};
    SeqNum rcv_up{}; ///< RCV.UP: one past the last urgent byte received (RFC 9293 §3.8.5)
    bool fin_received = false;        ///< peer's FIN consumed: recv() reports EOF
    std::optional<SeqNum> peer_fin{}; ///< FIN seen beyond rcv_nxt, waiting for the hole
    std::uint32_t rcv_mss = 536;      ///< largest segment seen (delayed-ACK "full size")
    std::uint32_t unacked_bytes = 0;  ///< received since the last ACK we sent
    unsigned quickacks = 0;           ///< immediate ACKs left (Linux icsk_ack.quick)
    bool got_data = false;            ///< a data segment arrived (Linux: ato != 0)

    // --- options (RFC 7323, RFC 2018) ------------------------------------------
    bool ws_ok = false;
    bool ts_ok = false;
    bool sack_ok = false;
    std::uint32_t ts_recent = 0;
    Instant ts_recent_at{};      ///< when TS.Recent was last set (RFC 7323 §5.5 24-day rule)
    SeqNum dsack_start{};        ///< RFC 2883: a duplicate to report in the next ACK's
    std::uint32_t dsack_len = 0; ///< first SACK block (0: none)
    std::uint32_t ts_offset = 0; ///< per-connection random TSval offset (RFC 7323 §5.4)

    // --- timing and recovery ---------------------------------------------------
    RtoEstimator rto;
    CC cc{};
    SackScoreboard sb{};
    bool in_recovery = false;
    SeqNum recover{};  ///< RFC 6582 "recover" / RFC 6675 RecoveryPoint
    SeqNum high_rxt{}; ///< RFC 6675 HighRxt
    std::uint32_t dupacks = 0;
    std::uint32_t inflation = 0; ///< NewReno window inflation (RFC 6582 §3.2 steps 3-5)
    bool rexmit_una = false;     ///< NewReno: retransmit the segment at snd_una now
    bool rtt_timing = false;     ///< Karn: a segment is being timed (no timestamps)
    SeqNum rtt_seq{};
    Instant rtt_sent{};
    unsigned retries = 0;    ///< consecutive RTO expiries / unanswered probes
    bool syn_rexmit = false; ///< our SYN or SYN-ACK timed out (RFC 6298 §5.7)

    // --- timers (never = off) ----------------------------------------------------
    Instant rtx_at = never;
    Instant persist_at = never;
    Instant delack_at = never;
    Instant keepalive_at = never;
    Instant timewait_at = never; ///< TIME-WAIT 2·MSL, or the orphan FIN-WAIT-2 timeout
    unsigned keepalive_sent = 0;
    unsigned persist_backoff = 0;

    // --- flags between input, user calls and output --------------------------------
    bool ack_now = false;       ///< send an ACK at the next output
    bool challenge_ack = false; ///< input asks for a (rate limited) challenge ACK
    bool send_rst = false;      ///< abort: emit RST at the next output, then free
    bool probe_now = false;     ///< send a window or keepalive probe (seq snd_una - 1)
    bool nodelay;
    bool keepalive;
    bool shut_rd = false;
    bool user_owned = false; ///< the application holds the handle
    bool passive = false;    ///< created by a listener (a reset returns it to LISTEN)
    ConnId listener = no_conn;
    ConnId self = no_conn;        ///< own handle (for the engine's dirty list)
    bool dirty = false;           ///< in the engine's dirty list (a socket call touched it)
    Instant pushed_at = never;    ///< the live timer-heap entry (never: none)
    bool in_syn_queue = false;    ///< counted in the listener's SYN queue
    bool in_accept_queue = false; ///< waiting in the listener's accept queue
    Errno error = Errno::ok;      ///< fatal error (Linux sk_err)
    bool error_reported = false;  ///< recv/send/take_error returned it (sock_error clears sk_err)
    Errno soft_error = Errno::ok; ///< ICMP soft error, reported only on timeout (RFC 1122 §4.2.3.9)

    // --- derived -------------------------------------------------------------------
    /// The error not yet reported to the application (POLLERR, SO_ERROR).
    [[nodiscard]] Errno pending_error() const noexcept {
        return error_reported ? Errno::ok : error;
    }
    /// Reports the pending error once (Linux sock_error: xchg(&sk_err, 0)).
    Errno take_error() noexcept {
        const Errno e = pending_error();
        if (e != Errno::ok) error_reported = true; // a later error is still reported
        return e;
    }
    [[nodiscard]] SeqNum data_seq() const noexcept { return iss + 1; }
    /// Sequence number of the first byte still in the send buffer.
    [[nodiscard]] SeqNum buf_seq() const noexcept {
        return snd_una == iss ? iss + 1 : snd_una; // SYN unacknowledged
    }
    /// One past the last byte the user queued.
    [[nodiscard]] SeqNum data_end() const noexcept {
        return buf_seq() + static_cast<std::uint32_t>(sndbuf.size());
    }
    [[nodiscard]] bool fin_acked() const noexcept { return fin_queued && snd_una > fin_seq; }
    [[nodiscard]] std::uint32_t flight() const noexcept {
        return static_cast<std::uint32_t>(snd_nxt - snd_una);
    }
    [[nodiscard]] bool synchronized() const noexcept {
        return state != State::closed && state != State::listen && state != State::syn_sent &&
               state != State::syn_received;
    }
    [[nodiscard]] std::uint32_t ts_now(Instant now) const noexcept {
        // 1 ms ticks (RFC 7323 §5.4 allows 1 ms .. 1 s), as Linux since 4.13.
        return static_cast<std::uint32_t>(ns_since_start(now) / 1'000'000) + ts_offset;
    }
    /// Urgent bytes (RFC 6093: inline, in the stream) from the next byte
    /// the application reads up to and including the last urgent one.
    [[nodiscard]] std::uint32_t urgent_remaining() const noexcept {
        const SeqNum read_at = rcv_nxt - static_cast<std::uint32_t>(rcvbuf.readable());
        return rcv_up > read_at ? static_cast<std::uint32_t>(rcv_up - read_at) : 0u;
    }
    /// Window the receive buffer can still take (RFC 9293 RCV.WND).
    [[nodiscard]] std::uint32_t rcv_wnd() const noexcept {
        const auto buf = static_cast<std::uint32_t>(rcvbuf.window());
        const auto adv = rcv_adv > rcv_nxt ? static_cast<std::uint32_t>(rcv_adv - rcv_nxt) : 0u;
        return std::max(buf, adv);
    }
    [[nodiscard]] Instant next_timer() const noexcept {
        return std::min({rtx_at, persist_at, delack_at, keepalive_at, timewait_at});
    }
    void stop_timers() noexcept {
        rtx_at = persist_at = delack_at = keepalive_at = timewait_at = never;
    }
    /// Abort with `e` (RFC 9293 "delete the TCB"): the engine frees it when
    /// the user no longer holds it.
    void abort_with(Errno e) noexcept {
        state = State::closed;
        if (error == Errno::ok) error = e;
        stop_timers();
    }
    void enter_time_wait(Instant now) noexcept {
        state = State::time_wait;
        stop_timers();
        timewait_at = now + 2 * cfg->msl;
        // Like Linux's timewait sock, TIME-WAIT keeps no send buffer: all
        // was acknowledged. The receive buffer stays, so the ACKs it still
        // sends advertise the window they did (tw_rcv_wnd).
        if (sndbuf.size() == 0) sndbuf = SendBuffer(0);
    }
};

} // namespace strata::stack::tcp
