// Output (RFC 9293 §3.10 "send", §3.8): turning a TCB's state into segments.
// Socket calls only change the TCB; the engine calls output() from poll()
// and after each arriving segment. Everything that decides *whether* to
// send lives here: Nagle, sender-side SWS avoidance, the congestion and
// receive windows, RFC 6675 recovery transmission, probes, pure ACKs.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include <strata/stack/tcp/counters.hpp>
#include <strata/stack/tcp/segment_sink.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

/// RFC 9293 §3.10.7.1 (and §3.10.7.2/3 for unacceptable ACKs): the reset
/// answering a segment that has no connection. Never in reply to a RST.
///   ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
///   ACK on:  <SEQ=SEG.ACK><CTL=RST>
template <SegmentSink Tx>
void send_reset_for(const FourTuple& t, const TcpRepr& h, std::uint32_t seg_len, Tx& tx,
                    TcpCounters& ctr) {
    if (h.flags.rst()) return;
    TcpRepr r;
    r.src_port = t.local.port;
    r.dst_port = t.remote.port;
    r.window = 0;
    if (h.flags.ack()) {
        r.seq_number = h.ack_number;
        r.flags = tcp_flags::rst;
    } else {
        r.seq_number = SeqNum{0};
        r.ack_number = h.seq_number + seg_len;
        r.flags = tcp_flags::rst | tcp_flags::ack;
    }
    ++ctr.rst_out;
    if (tx.send_segment(t, r, Bytes{}, Bytes{}))
        ++ctr.segments_out;
    else
        ++ctr.send_failed;
}

/// After the application read: is an ACK with a window update due?
/// Linux __tcp_cleanup_rbuf (TcpConfig::linux_window_update): a pending
/// delayed ACK goes once more than one rcv_mss arrived unacknowledged; an
/// update when what is still advertised is at most half the buffer and the
/// window now offered is at least twice that. Otherwise RFC 9293
/// §3.8.6.2.2: the right edge can move by min(buffer / 2, MSS).
template <CongestionControl CC>
[[nodiscard]] bool window_update_due(const Tcb<CC>& t) noexcept {
    if (!t.synchronized()) return false;
    if (t.cfg->linux_window_update) {
        const auto left =
            t.rcv_adv > t.rcv_nxt ? static_cast<std::uint32_t>(t.rcv_adv - t.rcv_nxt) : 0u;
        const std::uint64_t fresh = std::min<std::size_t>(t.rcvbuf.window() >> t.rcv_wscale, 65535)
                                    << t.rcv_wscale;
        const bool owed = t.delack_at != never &&
                          static_cast<std::uint32_t>(t.rcv_nxt - t.last_ack_sent) > t.rcv_mss;
        return owed || (2 * std::uint64_t{left} <= t.rcvbuf.capacity() && fresh != 0 &&
                        fresh >= 2 * std::uint64_t{left});
    }
    const SeqNum right = t.rcv_nxt + static_cast<std::uint32_t>(t.rcvbuf.window());
    const auto step =
        static_cast<std::uint32_t>(std::min<std::size_t>(t.rcvbuf.capacity() / 2, t.mss));
    return right > t.rcv_adv && static_cast<std::uint32_t>(right - t.rcv_adv) >= step;
}

namespace detail {

/// Emits one segment of the connection: ACK = RCV.NXT, our window, the
/// negotiated options, SACK blocks when data is held out of order, and the
/// send buffer's bytes [seq, seq+len).
template <CongestionControl CC, SegmentSink Tx>
void transmit(Tcb<CC>& t, Instant now, Tx& tx, TcpCounters& ctr, SeqNum seq, std::uint32_t len,
              TcpFlags fl) {
    TcpRepr h;
    h.src_port = t.tuple.local.port;
    h.dst_port = t.tuple.remote.port;
    h.seq_number = seq;
    h.flags = fl;
    if (fl.ack()) h.ack_number = t.rcv_nxt;
    const std::uint32_t wnd = t.rcv_wnd();
    if (fl.syn()) {
        // RFC 7323 §2.2: the window of a SYN is never scaled. Linux rounds it
        // down to a multiple of the MSS it expects to receive (our MSS, less
        // the timestamp option once a SYN-ACK knows timestamps are on).
        std::uint32_t w = std::min<std::uint32_t>(wnd, 65535);
        const std::uint32_t m = std::uint32_t{t.our_mss} - (fl.ack() && t.ts_ok ? 12u : 0u);
        if (t.cfg->syn_window_mss_multiple && m != 0 && w > m) w -= w % m;
        h.window = static_cast<std::uint16_t>(w);
        t.rcv_adv = t.rcv_nxt + h.window;
        h.mss = t.our_mss;
        const bool offer = !fl.ack(); // SYN offers what we support, SYN-ACK answers the offer
        if (offer ? t.cfg->window_scaling : t.ws_ok) h.window_scale = t.rcv_wscale;
        h.sack_permitted = offer ? t.cfg->sack : t.sack_ok;
        if (offer ? t.cfg->timestamps : t.ts_ok)
            h.timestamps = TcpTimestamps{t.ts_now(now), fl.ack() ? t.ts_recent : 0};
    } else {
        const std::uint32_t scaled = std::min<std::uint32_t>(wnd >> t.rcv_wscale, 65535);
        h.window = static_cast<std::uint16_t>(fl.rst() ? 0 : scaled);
        const SeqNum edge = t.rcv_nxt + (scaled << t.rcv_wscale);
        if (edge > t.rcv_adv) t.rcv_adv = edge;
        if (t.ts_ok) h.timestamps = TcpTimestamps{t.ts_now(now), t.ts_recent};
        // RFC 9293 §3.8.5, MUST-31: every segment before SND.UP says where
        // the urgent data ends (Linux tcp_transmit_skb; 0xFFFF when further).
        if (t.urg_mode && seq < t.snd_up && !fl.rst()) {
            h.flags |= tcp_flags::urg;
            h.urgent_pointer = static_cast<std::uint16_t>(
                std::min<std::uint32_t>(static_cast<std::uint32_t>(t.snd_up - seq), 0xFFFF));
        }
        if (t.sack_ok && fl.ack() && (t.rcvbuf.has_out_of_order() || t.dsack_len != 0)) {
            // RFC 2883 §4: a D-SACK block first; then (RFC 2018 §4) the most
            // recently received data. 40 option bytes hold 3 blocks beside
            // the timestamps (12 + 2 + 3 * 8), else 4.
            const std::size_t cap = t.ts_ok ? 3 : 4;
            if (t.dsack_len != 0)
                h.add_sack_block(TcpSackBlock{t.dsack_start, t.dsack_start + t.dsack_len});
            std::array<RecvBuffer::Range, tcp_option_len::max_sack_blocks> all{};
            const std::span<RecvBuffer::Range> rs{all.data(), cap - h.sack_count};
            const std::size_t n = t.rcvbuf.sack_ranges(rs);
            for (std::size_t i = 0; i < n; ++i)
                h.add_sack_block(TcpSackBlock{t.rcv_nxt + rs[i].begin, t.rcv_nxt + rs[i].end});
        }
    }
    SendBuffer::Pieces p{};
    if (len != 0) p = t.sndbuf.peek(static_cast<std::size_t>(seq - t.buf_seq()), len);
    if (tx.send_segment(t.tuple, h, p.first, p.second))
        ++ctr.segments_out;
    else
        ++ctr.send_failed;
    if (fl.rst()) ++ctr.rst_out;
    if (fl.ack()) {
        // Linux tcp_dec_quickack_mode: each ACK of new data uses one quick ACK.
        if (t.quickacks != 0 && t.rcv_nxt != t.last_ack_sent) --t.quickacks;
        t.last_ack_sent = t.rcv_nxt;
        t.dsack_len = 0;
        t.ack_now = false;
        t.delack_at = never;
        t.unacked_bytes = 0;
    }
}

/// Sends up to max_len data bytes at `seq` (with FIN when they end at our
/// FIN); returns the sequence space used (0: nothing to send there).
template <CongestionControl CC, SegmentSink Tx>
std::uint32_t send_data(Tcb<CC>& t, Instant now, Tx& tx, TcpCounters& ctr, SeqNum seq,
                        std::uint32_t max_len) {
    const SeqNum end = t.data_end();
    const std::uint32_t avail = seq < end ? static_cast<std::uint32_t>(end - seq) : 0;
    const std::uint32_t len = std::min(max_len, avail);
    const bool fin = t.fin_queued && seq + len == t.fin_seq;
    const std::uint32_t used = len + (fin ? 1u : 0u);
    if (used == 0) return 0;
    TcpFlags fl = tcp_flags::ack;
    if (len != 0 && seq + len == end) fl |= tcp_flags::psh;
    if (fin) fl |= tcp_flags::fin;
    const bool rexmit = seq < t.snd_max;
    if (rexmit) {
        ++ctr.retransmits;
        t.rtt_timing = false; // Karn (RFC 6298 §3): no sample across a retransmission
    } else if (!t.ts_ok && !t.rtt_timing) {
        t.rtt_timing = true;
        t.rtt_seq = seq;
        t.rtt_sent = now;
    }
    transmit(t, now, tx, ctr, seq, len, fl);
    if (seq + used > t.snd_max) t.snd_max = seq + used;
    if (t.rtx_at == never) t.rtx_at = now + t.rto.rto();
    return used;
}

template <CongestionControl CC>
bool may_send_data(const Tcb<CC>& t) noexcept {
    switch (t.state) {
    case State::established:
    case State::close_wait:
    case State::fin_wait_1:
    case State::closing:
    case State::last_ack:
        return true;
    default:
        return false;
    }
}

/// RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, retransmit what NextSeg
/// names (rules 1, 3) or send new data (rule 2).
template <CongestionControl CC, SegmentSink Tx>
void sack_recovery_output(Tcb<CC>& t, Instant now, Tx& tx, TcpCounters& ctr) {
    for (int guard = 0; guard < 1024; ++guard) {
        const std::uint32_t pipe = t.sb.pipe(t.snd_una, t.snd_max, t.high_rxt, t.mss);
        if (t.cc.cwnd() < pipe + t.mss) return;
        const auto s = t.sb.next_seg(t.snd_una, t.snd_max, t.high_rxt, t.mss);
        const auto rexmit = [&](const SackScoreboard::Segment& g) {
            const std::uint32_t used =
                send_data(t, now, tx, ctr, g.seq, std::min(g.len, std::uint32_t{t.mss}));
            if (g.seq + used > t.high_rxt) t.high_rxt = g.seq + used;
            return used;
        };
        if (s && s->lost) { // rule 1
            if (rexmit(*s) == 0) return;
            continue;
        }
        // Rule 2: new data the peer's window allows.
        const SeqNum wnd_end = t.snd_una + t.snd_wnd;
        const bool fin_left = t.fin_queued && t.snd_max == t.fin_seq;
        const std::uint32_t room =
            wnd_end > t.snd_max ? static_cast<std::uint32_t>(wnd_end - t.snd_max) : 0;
        if ((t.snd_max < t.data_end() && room != 0) || fin_left) {
            t.snd_nxt = t.snd_max;
            const std::uint32_t used =
                send_data(t, now, tx, ctr, t.snd_max, std::min<std::uint32_t>(t.mss, room));
            if (used == 0) return;
            t.snd_nxt = t.snd_max;
            continue;
        }
        if (s) { // rule 3
            if (rexmit(*s) == 0) return;
            continue;
        }
        return;
    }
}

} // namespace detail

/// Transmits everything the TCB has due: a RST, SYN / SYN-ACK, a NewReno or
/// RFC 6675 retransmission, new data within min(cwnd, peer window), FIN,
/// probes, and a pure ACK when one is owed and nothing else carried it.
template <CongestionControl CC, SegmentSink Tx>
void output(Tcb<CC>& t, Instant now, Tx& tx, TcpCounters& ctr) {
    using detail::transmit;
    if (t.send_rst) {
        t.send_rst = false;
        transmit(t, now, tx, ctr, t.snd_max, 0, tcp_flags::rst | tcp_flags::ack);
        return;
    }
    switch (t.state) {
    case State::closed:
    case State::listen:
        return;
    case State::syn_sent:
    case State::syn_received:
        if (t.snd_nxt == t.iss) {
            if (t.state == State::syn_sent && t.retries == 0) {
                // RFC 9293 §3.7.1 / RFC 1191: offer the path MTU minus 40.
                const auto mtu = static_cast<std::uint32_t>(tx.path_mtu(t.tuple.remote.addr));
                t.our_mss =
                    static_cast<std::uint16_t>(std::clamp<std::uint32_t>(mtu, 68, 65535) - 40);
                t.rtt_timing = !t.cfg->timestamps;
                t.rtt_seq = t.iss;
                t.rtt_sent = now;
            }
            const TcpFlags fl =
                t.state == State::syn_sent ? tcp_flags::syn : tcp_flags::syn | tcp_flags::ack;
            if (t.retries != 0) ++ctr.retransmits;
            transmit(t, now, tx, ctr, t.iss, 0, fl);
            t.snd_nxt = t.iss + 1;
            if (t.snd_max < t.snd_nxt) t.snd_max = t.snd_nxt;
            if (t.rtx_at == never) t.rtx_at = now + t.rto.rto();
        } else if (t.ack_now && t.state == State::syn_received) {
            transmit(t, now, tx, ctr, t.snd_nxt, 0, tcp_flags::ack);
        }
        return;
    default:
        break;
    }
    if (t.probe_now) {
        // Window probe and keepalive (RFC 9293 §3.8.6.1, §3.8.4): an old
        // sequence number with no data; any RFC 9293 receiver answers with an ACK.
        t.probe_now = false;
        // With urgent data pending, first a probe at SND.UNA itself: the one
        // sequence number a zero window still accepts, so the peer processes
        // its URG (RFC 9293 §3.4, MUST-66; Linux tcp_write_wakeup).
        if (t.urg_mode && t.snd_up > t.snd_una && t.snd_up - t.snd_una <= 0xFFFF)
            transmit(t, now, tx, ctr, t.snd_una, 0, tcp_flags::ack);
        transmit(t, now, tx, ctr, t.snd_una - 1, 0, tcp_flags::ack);
    }
    if (detail::may_send_data(t)) {
        if (t.rexmit_una) {
            t.rexmit_una = false;
            const std::uint32_t used = detail::send_data(t, now, tx, ctr, t.snd_una, t.mss);
            if (t.sack_ok && t.snd_una + used > t.high_rxt) t.high_rxt = t.snd_una + used;
        }
        if (t.in_recovery && t.sack_ok) {
            detail::sack_recovery_output(t, now, tx, ctr);
        } else {
            for (int guard = 0; guard < 4096; ++guard) {
                const SeqNum end = t.data_end();
                const SeqNum last = t.fin_queued ? t.fin_seq + 1 : end;
                if (t.snd_nxt >= last) break;
                const std::uint32_t avail =
                    t.snd_nxt < end ? static_cast<std::uint32_t>(end - t.snd_nxt) : 0;
                if (avail == 0) { // only the FIN is left; it needs no window
                    detail::send_data(t, now, tx, ctr, t.snd_nxt, 0);
                    t.snd_nxt = t.snd_nxt + 1;
                    break;
                }
                const std::uint32_t flight = t.flight();
                const std::uint32_t wnd = std::min(t.cc.cwnd() + t.inflation, t.snd_wnd);
                const std::uint32_t usable = flight < wnd ? wnd - flight : 0;
                const std::uint32_t len = std::min({std::uint32_t{t.mss}, avail, usable});
                if (len == 0) break;
                const bool unacked = t.snd_max > t.snd_una;
                if (len < t.mss && len < avail && unacked && len < t.max_snd_wnd / 2)
                    break; // sender SWS avoidance (RFC 9293 §3.8.6.2.1)
                // Nagle (RFC 9293 §3.7.4): one small segment in flight at a
                // time; a queued FIN pushes the tail out (Linux does the same).
                // Minshall's variant (Linux tcp_minshall_check) holds it only
                // while the last short segment sent is unacknowledged.
                const bool small_out = t.cfg->minshall_nagle
                                           ? t.snd_sml > t.snd_una && t.snd_sml <= t.snd_max
                                           : unacked;
                const bool urgent = t.urg_mode && t.snd_up > t.snd_nxt; // pushed (Linux)
                if (len < t.mss && len == avail && unacked && small_out && !t.nodelay &&
                    !t.fin_queued && !urgent && t.snd_nxt >= t.snd_max)
                    break;
                const bool fresh = t.snd_nxt >= t.snd_max;
                const std::uint32_t used = detail::send_data(t, now, tx, ctr, t.snd_nxt, len);
                if (used == 0) break;
                if (fresh && len < t.mss) t.snd_sml = t.snd_nxt + len; // tcp_minshall_update
                t.snd_nxt = t.snd_nxt + used;
            }
        }
        // Persist timer (RFC 9293 §3.8.6.1): data waits on a zero window and
        // nothing is in flight to bring a window update.
        const bool waiting = t.snd_nxt < t.data_end() && t.snd_wnd == 0 && t.snd_max == t.snd_una;
        if (!waiting) {
            t.persist_at = never;
            t.persist_backoff = 0;
        } else if (t.persist_at == never) {
            Duration d = t.rto.rto();
            for (unsigned i = 0; i < t.persist_backoff && d < t.cfg->rto.max; ++i)
                d *= 2;
            t.persist_at = now + std::min(d, t.cfg->rto.max);
        }
    }
    // A pure ACK carries the highest sequence number sent, not the rolled-back
    // SND.NXT of a go-back-N retransmission: the peer may already have
    // received beyond it and would drop the ACK as old (Linux tcp_acceptable_seq).
    if (t.ack_now) transmit(t, now, tx, ctr, t.snd_max, 0, tcp_flags::ack);
}

} // namespace strata::stack::tcp
