// Segment arrival for a connection that has a TCB (RFC 9293 §3.10.7.3
// SYN-SENT and §3.10.7.4 the other states), with RFC 7323 PAWS, RFC 5961
// RST/SYN/ACK validation, RFC 5681/6582/6675 loss detection and the
// delayed-ACK policy. LISTEN is the engine's (engine.hpp). Input only
// changes the TCB and sets flags; output.hpp sends what they ask for.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/stack/tcp/counters.hpp>
#include <strata/stack/tcp/tcb.hpp>
#include <strata/wire/tcp.hpp>

namespace strata::stack::tcp {

/// A parsed arriving segment: header with options, and the data.
struct Segment {
    TcpRepr h;
    Bytes payload;
    /// SEG.LEN: data plus one for SYN and one for FIN.
    [[nodiscard]] std::uint32_t len() const noexcept {
        return static_cast<std::uint32_t>(payload.size()) + (h.flags.syn() ? 1u : 0u) +
               (h.flags.fin() ? 1u : 0u);
    }
};

/// What the engine must do beyond the TCB's flags.
enum class Reply : std::uint8_t {
    none,
    reset, ///< answer with send_reset_for() (RFC 9293 §3.10.7.3/4: unacceptable ACK)
};

namespace detail {

/// Applies the options of the peer's SYN or SYN-ACK (RFC 7323 §2.2, §3.2;
/// RFC 2018 §2; RFC 9293 §3.7.1). Each option is on only if both offered it.
template <CongestionControl CC>
void negotiate(Tcb<CC>& t, const TcpRepr& h) noexcept {
    t.ws_ok = t.cfg->window_scaling && h.window_scale.has_value();
    // RFC 7323 §2.3: a shift above 14 is taken as 14.
    t.snd_wscale = t.ws_ok ? std::min<std::uint8_t>(*h.window_scale, 14) : 0;
    t.rcv_wscale = t.ws_ok ? t.cfg->window_scale() : 0;
    t.ts_ok = t.cfg->timestamps && h.timestamps.has_value();
    if (t.ts_ok) t.ts_recent = h.timestamps->tsval;
    t.sack_ok = t.cfg->sack && h.sack_permitted;
    t.rcv_adv = t.rcv_up = t.rcv_nxt;
    // RFC 9293 §3.7.1: no MSS option means 536; the data per segment is
    // reduced by the options every segment carries (timestamps: 12 bytes).
    const std::uint16_t peer = h.mss.value_or(536);
    const std::uint16_t base = std::min(t.our_mss, peer);
    t.mss = static_cast<std::uint16_t>(std::max(base - (t.ts_ok ? 12 : 0), 8));
    t.rcv_mss = t.mss;
}

template <CongestionControl CC>
void rtt_sample(Tcb<CC>& t, const Segment& s, Instant now) noexcept {
    if (t.ts_ok && s.h.timestamps && s.h.timestamps->tsecr != 0) {
        // RFC 7323 §4.1: the echoed TSval times retransmissions too (no Karn needed).
        const auto ms = static_cast<std::int32_t>(t.ts_now(now) - s.h.timestamps->tsecr);
        if (ms >= 0) t.rto.sample(std::chrono::milliseconds{ms});
    } else if (t.rtt_timing && s.h.ack_number > t.rtt_seq) {
        t.rtt_timing = false;
        t.rto.sample(now - t.rtt_sent);
    }
}

template <CongestionControl CC>
void process_fin(Tcb<CC>& t, Instant now) noexcept {
    t.rcv_nxt = t.rcv_nxt + 1;
    t.fin_received = true;
    t.peer_fin.reset();
    t.ack_now = true;
    switch (t.state) {
    case State::syn_received:
    case State::established:
        t.state = State::close_wait;
        break;
    case State::fin_wait_1:
        // Simultaneous close (RFC 9293 §3.6 figure 13) unless our FIN is acked too.
        if (t.fin_acked())
            t.enter_time_wait(now);
        else
            t.state = State::closing;
        break;
    case State::fin_wait_2:
        t.enter_time_wait(now);
        break;
    default:
        break;
    }
}

/// The ACK field in a synchronized state (RFC 9293 §3.10.7.4 fifth, with
/// RFC 5961 §5 and the loss detection of RFC 5681 §3.2, 6582, 6675 §5).
/// Returns false when the segment is to be dropped.
template <CongestionControl CC>
bool process_ack(Tcb<CC>& t, const Segment& s, Instant now, TcpCounters& ctr) noexcept {
    const SeqNum ack = s.h.ack_number;
    // RFC 5961 §5.2: acceptable only in [SND.UNA - MAX.SND.WND, SND.NXT].
    if (ack > t.snd_max || ack < t.snd_una - t.max_snd_wnd) {
        t.challenge_ack = true;
        return false;
    }
    const std::uint32_t new_wnd = std::uint32_t{s.h.window} << t.snd_wscale;
    const std::uint32_t newly_sacked =
        t.sack_ok && s.h.sack_count != 0
            ? t.sb.update(std::max(ack, t.snd_una), t.snd_max, s.h.sacks())
            : 0;
    if (ack > t.snd_una) {
        const std::uint32_t acked = static_cast<std::uint32_t>(ack - t.snd_una);
        const std::uint32_t flight_before = static_cast<std::uint32_t>(t.snd_max - t.snd_una);
        const SeqNum from = t.buf_seq();
        if (ack > from)
            t.sndbuf.consume(
                std::min<std::size_t>(static_cast<std::uint32_t>(ack - from), t.sndbuf.size()));
        t.snd_una = ack;
        if (t.snd_nxt < t.snd_una) t.snd_nxt = t.snd_una;
        if (t.urg_mode && t.snd_una >= t.snd_up) t.urg_mode = false; // urgent data delivered
        t.retries = 0;
        rtt_sample(t, s, now);
        if (t.in_recovery) {
            if (ack >= t.recover) { // full ACK: RFC 6582 §3.2 step 6
                t.in_recovery = false;
                t.inflation = 0;
                t.dupacks = 0;
                t.cc.on_exit_recovery(now);
            } else if (!t.sack_ok) { // partial ACK: RFC 6582 §3.2 step 5
                t.rexmit_una = true;
                t.inflation = (t.inflation > acked ? t.inflation - acked : 0) + t.mss;
            }
        } else {
            t.dupacks = 0;
            t.cc.on_ack(acked, flight_before, now,
                        t.rto.has_sample() ? t.rto.srtt() : Duration::zero());
        }
        // RFC 6298 §5.3: restart the timer when new data is acknowledged.
        t.rtx_at = t.snd_max > t.snd_una ? now + t.rto.rto() : never;
        t.persist_backoff = 0;
    } else if (ack == t.snd_una && t.snd_max > t.snd_una && s.payload.empty() && !s.h.flags.syn() &&
               !s.h.flags.fin() && (new_wnd == t.snd_wnd || newly_sacked != 0)) {
        // RFC 5681 §2 duplicate ACK (RFC 6675 §2: or one that SACKs new data).
        ++t.dupacks;
        ++ctr.dup_acks;
        if (t.in_recovery && !t.sack_ok) t.inflation += t.mss; // RFC 6582 step 4
    }
    // Entering loss recovery: RFC 6582 §3.2 steps 2-3, RFC 6675 §5 (4).
    if (!t.in_recovery && t.snd_max > t.snd_una && t.snd_una > t.recover) {
        const bool lost = t.dupacks >= 3 || (t.sack_ok && t.sb.is_lost(t.snd_una, t.mss));
        if (lost) {
            t.in_recovery = true;
            t.recover = t.snd_max;
            t.high_rxt = t.snd_una;
            t.rtt_timing = false;
            t.cc.on_enter_recovery(static_cast<std::uint32_t>(t.snd_max - t.snd_una), now);
            t.rexmit_una = true;
            t.inflation = t.sack_ok ? 0 : 3u * t.mss;
            ++ctr.fast_retransmits;
        }
    }
    // Window update (RFC 9293 §3.10.7.4: SND.WL1/WL2 guard against old segments).
    if (t.snd_wl1 < s.h.seq_number || (t.snd_wl1 == s.h.seq_number && t.snd_wl2 <= ack)) {
        t.snd_wnd = new_wnd;
        t.snd_wl1 = s.h.seq_number;
        t.snd_wl2 = ack;
        t.max_snd_wnd = std::max(t.max_snd_wnd, new_wnd);
    }
    // Our FIN acknowledged.
    if (t.fin_acked()) {
        switch (t.state) {
        case State::fin_wait_1:
            t.state = State::fin_wait_2;
            t.rtx_at = never;
            if (!t.user_owned) t.timewait_at = now + t.cfg->fin_wait_2_timeout;
            break;
        case State::closing:
            t.enter_time_wait(now);
            break;
        case State::last_ack:
            t.abort_with(Errno::ok);
            return false;
        default:
            break;
        }
    }
    return true;
}

/// Text (RFC 9293 §3.10.7.4 seventh): into the receive buffer, ACK policy.
template <CongestionControl CC>
void process_data(Tcb<CC>& t, const Segment& s, Instant now, TcpCounters& ctr) noexcept {
    const SeqNum seq = s.h.seq_number;
    const std::uint32_t skip = t.rcv_nxt > seq ? static_cast<std::uint32_t>(t.rcv_nxt - seq) : 0;
    // RFC 2883 §4: report duplicate data (all of it, or the part below
    // RCV.NXT) in a D-SACK block, so the sender can undo a spurious retransmit.
    if (skip != 0 && t.sack_ok && t.cfg->dsack) {
        t.dsack_start = seq;
        t.dsack_len = std::min(skip, static_cast<std::uint32_t>(s.payload.size()));
    }
    if (skip >= s.payload.size()) {
        t.ack_now = true; // a retransmission of data we have: tell the peer
        return;
    }
    const Bytes data = s.payload.subspan(skip);
    const auto off = static_cast<std::size_t>((seq + skip) - t.rcv_nxt);
    const std::size_t n = t.rcvbuf.insert(off, data);
    t.rcv_nxt = t.rcv_nxt + static_cast<std::uint32_t>(n);
    t.rcv_mss = std::max<std::uint32_t>(t.rcv_mss, static_cast<std::uint32_t>(s.payload.size()));
    if (off != 0) {
        // RFC 5681 §4.2: out-of-order data is acknowledged at once (with SACK).
        ++ctr.out_of_order;
        t.ack_now = true;
    } else if (n != data.size() || t.rcvbuf.has_out_of_order()) {
        t.ack_now = true; // filled a hole, or did not fit
    } else {
        // Linux tcp_event_data_recv: the first data segment starts quick-ACK
        // mode, rcv_wnd / (2 * rcv_mss) immediate ACKs (2 if that is 0), at
        // most max_quickacks (tcp_incr_quickack).
        if (!t.got_data) {
            t.got_data = true;
            const unsigned q = std::max(t.rcv_wnd() / (2 * t.rcv_mss), 2u);
            t.quickacks = std::max(t.quickacks, std::min(q, t.cfg->max_quickacks));
        }
        // RFC 9293 §3.8.6.3 / RFC 5681 §4.2: ACK at least every second
        // full-sized segment, else within the delayed-ACK timeout.
        t.unacked_bytes += static_cast<std::uint32_t>(n);
        if (t.quickacks != 0 || t.unacked_bytes >= 2 * t.rcv_mss)
            t.ack_now = true;
        else if (t.delack_at == never)
            t.delack_at = now + t.cfg->delayed_ack;
    }
    if (t.shut_rd) { // SHUT_RD: acknowledged and discarded
        std::array<Byte, 512> sink{};
        while (t.rcvbuf.read(sink) != 0) {
        }
    }
}

template <CongestionControl CC>
Reply syn_sent_arrives(Tcb<CC>& t, const Segment& s, Instant now, TcpCounters& ctr) noexcept {
    const TcpRepr& h = s.h;
    if (h.flags.ack() && (h.ack_number <= t.iss || h.ack_number > t.snd_max))
        return h.flags.rst() ? Reply::none : Reply::reset;
    if (h.flags.rst()) {
        ++ctr.rst_in;
        if (h.flags.ack()) t.abort_with(Errno::econnrefused); // RFC 9293 §3.10.7.3
        return Reply::none;
    }
    if (!h.flags.syn()) return Reply::none;
    t.irs = h.seq_number;
    t.rcv_nxt = t.irs + 1;
    t.last_ack_sent = t.rcv_nxt;
    negotiate(t, h);
    if (h.flags.ack()) {
        t.snd_una = h.ack_number;
        rtt_sample(t, s, now);
        t.retries = 0;
        t.rto.reset_backoff();
        // RFC 6298 §5.7 as Linux applies it (tcp_init_metrics): only when
        // the handshake gave no RTT sample (Karn, no timestamps).
        if (t.syn_rexmit) t.rto.syn_timed_out();
        t.state = State::established;
        t.snd_wnd = h.window; // RFC 7323 §2.2: not scaled in a SYN
        t.max_snd_wnd = t.snd_wnd;
        t.snd_wl1 = h.seq_number;
        t.snd_wl2 = h.ack_number;
        t.recover = t.snd_una;
        t.rtx_at = never;
        t.cc.init(t.mss, now);
        t.ack_now = true;
    } else {
        // Simultaneous open (RFC 9293 §3.5 figure 8): SYN-RECEIVED, SYN-ACK.
        t.state = State::syn_received;
        t.snd_nxt = t.iss;
        t.rtx_at = never;
    }
    return Reply::none;
}

} // namespace detail

/// RFC 9293 §3.6.1 / RFC 6191 §2, as Linux tcp_timewait_state_process: a
/// SYN (no ACK, no RST) for a 4-tuple in TIME-WAIT may open a new
/// incarnation when its sequence number is beyond the old RCV.NXT, or,
/// with timestamps, its TSval is newer than TS.Recent; PAWS (an older
/// TSval) rejects it whatever its sequence number.
template <CongestionControl CC>
[[nodiscard]] bool time_wait_reusable(const Tcb<CC>& t, const Segment& s) noexcept {
    const TcpRepr& h = s.h;
    if (t.state != State::time_wait || !h.flags.syn() || h.flags.ack() || h.flags.rst())
        return false;
    const bool ts = t.ts_ok && h.timestamps.has_value();
    const auto age = ts ? static_cast<std::int32_t>(h.timestamps->tsval - t.ts_recent) : 0;
    if (age < 0) return false;
    return h.seq_number > t.rcv_nxt || age > 0;
}

/// The new incarnation's ISS (Linux: tw_snd_nxt + 65535 + 2, never 0):
/// beyond anything the old one sent, so its old duplicates fall outside.
template <CongestionControl CC>
[[nodiscard]] SeqNum time_wait_isn(const Tcb<CC>& t) noexcept {
    const SeqNum isn = t.snd_max + 65537;
    return isn == SeqNum{0} ? SeqNum{1} : isn;
}

/// RFC 9293 §3.10.7.3-4 for a connection with a TCB.
template <CongestionControl CC>
Reply segment_arrives(Tcb<CC>& t, const Segment& s, Instant now, TcpCounters& ctr) noexcept {
    const TcpRepr& h = s.h;
    if (t.state == State::syn_sent) return detail::syn_sent_arrives(t, s, now, ctr);
    if (t.state == State::closed || t.state == State::listen) return Reply::reset;

    // A retransmitted SYN while we are SYN-RECEIVED: answer with the SYN-ACK again.
    if (t.state == State::syn_received && h.flags.syn() && !h.flags.ack() && !h.flags.rst() &&
        h.seq_number == t.irs) {
        t.snd_nxt = t.iss;
        return Reply::none;
    }
    // Simultaneous open, the peer's SYN-ACK while we are SYN-RECEIVED: its
    // ACK completes the handshake (Linux's tcp_validate_incoming does the same).
    const bool simopen_synack = t.state == State::syn_received && h.flags.syn() && h.flags.ack() &&
                                !h.flags.rst() && h.seq_number == t.irs &&
                                h.ack_number == t.snd_max;
    // RFC 7323 §5.3 R1 PAWS: an older TSval is a duplicate from an earlier
    // wrap of the sequence space; drop it and ACK (never for a RST).
    // §5.5: after 24 days idle TS.Recent is too old to compare with (the
    // TSval clock may have wrapped its sign): skip the test (Linux TCP_PAWS_24DAYS).
    const bool ts_stale = now - t.ts_recent_at > std::chrono::hours{24 * 24};
    if (t.ts_ok && h.timestamps && !h.flags.rst() && !ts_stale &&
        static_cast<std::int32_t>(h.timestamps->tsval - t.ts_recent) < 0) {
        ++ctr.paws_rejected;
        t.ack_now = true;
        return Reply::none;
    }
    // TIME-WAIT: a retransmitted FIN is acknowledged and restarts 2·MSL.
    if (t.state == State::time_wait && h.flags.fin() && !h.flags.rst() &&
        h.seq_number + static_cast<std::uint32_t>(s.payload.size()) + 1 == t.rcv_nxt) {
        t.ack_now = true;
        t.timewait_at = now + 2 * t.cfg->msl;
        return Reply::none;
    }
    // First: sequence number acceptability (RFC 9293 §3.10.7.4 table).
    if (!simopen_synack) {
        const std::uint32_t len = s.len();
        const std::uint32_t wnd = t.rcv_wnd();
        const SeqNum seq = h.seq_number;
        bool ok;
        if (len == 0)
            ok = wnd == 0 ? seq == t.rcv_nxt : in_window(seq, t.rcv_nxt, t.rcv_nxt + wnd);
        else if (wnd == 0)
            ok = seq == t.rcv_nxt; // RFC 9293: still process ACK, RST; the data is trimmed
        else
            ok = in_window(seq, t.rcv_nxt, t.rcv_nxt + wnd) ||
                 in_window(seq + len - 1, t.rcv_nxt, t.rcv_nxt + wnd);
        if (!ok) {
            // RFC 5961 §4.2: a SYN, whatever its sequence number, gets a
            // (rate limited) challenge ACK; other segments a plain ACK.
            if (h.flags.syn() && !h.flags.rst() && t.state != State::time_wait)
                t.challenge_ack = true;
            else if (!h.flags.rst())
                t.ack_now = true;
            // Old data (Linux tcp_send_dupack): D-SACK it (RFC 2883 §4).
            if (!h.flags.rst() && !s.payload.empty() && seq < t.rcv_nxt && t.sack_ok &&
                t.cfg->dsack) {
                const SeqNum end = std::min(seq + static_cast<std::uint32_t>(s.payload.size()),
                                            t.rcv_nxt, [](SeqNum x, SeqNum y) { return x < y; });
                t.dsack_start = seq;
                t.dsack_len = static_cast<std::uint32_t>(end - seq);
            }
            return Reply::none;
        }
    }
    // RFC 7323 §4.3: remember the TSval of the segment at the left window edge.
    if (t.ts_ok && h.timestamps && h.seq_number <= t.last_ack_sent) {
        t.ts_recent = h.timestamps->tsval;
        t.ts_recent_at = now;
    }
    if (t.keepalive && t.synchronized()) {
        t.keepalive_sent = 0;
        t.keepalive_at = now + t.cfg->keepalive_timing.idle;
    }
    // Second: RST (RFC 5961 §3.2).
    if (h.flags.rst()) {
        ++ctr.rst_in;
        if (h.seq_number != t.rcv_nxt) {
            t.challenge_ack = true;
            return Reply::none;
        }
        switch (t.state) {
        case State::syn_received:
            t.abort_with(t.passive ? Errno::ok : Errno::econnrefused);
            break;
        case State::established:
        case State::fin_wait_1:
        case State::fin_wait_2:
        case State::close_wait:
            ++ctr.established_resets;
            t.abort_with(Errno::econnreset);
            break;
        default: // CLOSING, LAST-ACK, TIME-WAIT (Linux: no RFC 1337 protection)
            t.abort_with(Errno::ok);
            break;
        }
        return Reply::none;
    }
    // Fourth: a SYN in a synchronized state → challenge ACK (RFC 5961 §4.2).
    if (h.flags.syn() && !simopen_synack) {
        t.challenge_ack = true;
        return Reply::none;
    }
    // Fifth: ACK.
    if (!h.flags.ack()) return Reply::none;
    if (t.state == State::syn_received) {
        if (!(t.snd_una < h.ack_number && h.ack_number <= t.snd_max)) return Reply::reset;
        t.state = State::established;
        t.retries = 0;
        if (t.syn_rexmit) t.rto.syn_timed_out(); // RFC 6298 §5.7
        t.snd_wnd = std::uint32_t{h.window} << t.snd_wscale;
        t.max_snd_wnd = t.snd_wnd;
        t.snd_wl1 = h.seq_number;
        t.snd_wl2 = h.ack_number;
        t.recover = h.ack_number;
        t.cc.init(t.mss, now);
        if (t.keepalive) t.keepalive_at = now + t.cfg->keepalive_timing.idle;
        if (t.fin_queued) t.state = State::fin_wait_1; // close() while SYN-RECEIVED
    }
    if (t.state == State::time_wait) {
        t.ack_now = t.ack_now || s.len() != 0;
        return Reply::none;
    }
    if (!detail::process_ack(t, s, now, ctr)) return Reply::none;
    if (simopen_synack) return Reply::none;
    const bool receiving = t.state == State::established || t.state == State::fin_wait_1 ||
                           t.state == State::fin_wait_2;
    // Sixth: URG (RFC 9293 §3.10.7.4): RCV.UP <- max(RCV.UP, SEG.SEQ + SEG.UP);
    // the pointer names the octet after the urgent data (MUST-31, RFC 6093).
    if (h.flags.urg() && receiving && h.urgent_pointer != 0) {
        const SeqNum up = h.seq_number + std::uint32_t{h.urgent_pointer};
        if (up > t.rcv_up) {
            t.rcv_up = up;
            ++ctr.urgent_in;
        }
    }
    // Seventh: text.
    if (!s.payload.empty()) {
        if (!receiving) {
            t.ack_now = true; // after the peer's FIN: ignore
        } else if (!t.user_owned &&
                   h.seq_number + static_cast<std::uint32_t>(s.payload.size()) > t.rcv_nxt &&
                   t.state != State::established) {
            // Data for a socket the user closed: nobody can read it (Linux
            // tcp_rcv_state_process resets, RFC 9293 §3.10.4 "reset").
            t.send_rst = true;
            t.abort_with(Errno::ok);
            return Reply::none;
        } else {
            detail::process_data(t, s, now, ctr);
        }
    }
    // Eighth: FIN, in sequence order (a FIN beyond a hole waits for it).
    if (h.flags.fin() && receiving) {
        const SeqNum fin_at = h.seq_number + static_cast<std::uint32_t>(s.payload.size());
        if (fin_at > t.rcv_nxt)
            t.peer_fin = fin_at;
        else if (fin_at == t.rcv_nxt)
            detail::process_fin(t, now);
    }
    if (t.peer_fin && *t.peer_fin == t.rcv_nxt && !t.fin_received) detail::process_fin(t, now);
    return Reply::none;
}

} // namespace strata::stack::tcp
