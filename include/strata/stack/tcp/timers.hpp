// The connection's timers (RFC 9293 §3.8): retransmission (RFC 6298 with
// Karn's backoff, RFC 5681 §3.1 loss response, go-back-N from SND.UNA),
// persist (zero-window probes), delayed ACK, keepalive (§3.8.4) and
// TIME-WAIT (2·MSL). Each expiry changes the TCB; output() sends.
#pragma once

#include <strata/stack/tcp/counters.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

template <CongestionControl CC>
void on_timers(Tcb<CC>& t, Instant now, TcpCounters& ctr) noexcept {
    if (t.timewait_at <= now) {
        // TIME-WAIT over (or an orphaned FIN-WAIT-2 given up): the TCB goes.
        t.abort_with(Errno::ok);
        return;
    }
    if (t.rtx_at <= now) {
        t.rtx_at = never;
        const unsigned limit = t.state == State::syn_sent       ? t.cfg->syn_retries
                               : t.state == State::syn_received ? t.cfg->synack_retries
                                                                : t.cfg->data_retries;
        if (t.retries >= limit) {
            // RFC 1122 §4.2.3.5 R2 / §4.2.3.9: give up; a soft ICMP error
            // seen meanwhile is the reason reported (Linux sk_err_soft).
            ++ctr.timeouts_aborted;
            t.abort_with(t.soft_error != Errno::ok ? t.soft_error : Errno::etimedout);
            return;
        }
        ++t.retries;
        ++ctr.rto_expiries;
        t.rto.backoff(); // RFC 6298 §5.5
        t.rtt_timing = false;
        if (t.state == State::syn_sent || t.state == State::syn_received) {
            t.snd_nxt = t.iss;
            t.syn_rexmit = true;
        } else {
            // RFC 5681 §3.1 eq. 4, RFC 6582 §3.2 step 1 (recover = highest sent),
            // RFC 2018 §8 (forget SACKed state after a timeout).
            t.cc.on_rto(static_cast<std::uint32_t>(t.snd_max - t.snd_una), now);
            t.snd_nxt = t.snd_una;
            t.sb.clear();
            t.in_recovery = false;
            t.inflation = 0;
            t.dupacks = 0;
            t.rexmit_una = false;
            t.recover = t.snd_max;
        }
    }
    if (t.persist_at <= now) {
        t.persist_at = never;
        ++t.persist_backoff;
        ++ctr.window_probes;
        t.probe_now = true;
    }
    if (t.delack_at <= now) {
        t.delack_at = never;
        ++ctr.delayed_acks;
        t.ack_now = true;
    }
    if (t.keepalive_at <= now) {
        if (!t.keepalive || !t.synchronized() || t.state == State::time_wait) {
            t.keepalive_at = never;
        } else if (t.snd_max != t.snd_una || t.sndbuf.size() != 0) {
            // Data outstanding: the retransmission timer watches the peer.
            t.keepalive_at = now + t.cfg->keepalive_timing.idle;
        } else if (t.keepalive_sent >= t.cfg->keepalive_timing.probes) {
            ++ctr.timeouts_aborted;
            t.abort_with(t.soft_error != Errno::ok ? t.soft_error : Errno::etimedout);
            return;
        } else {
            ++t.keepalive_sent;
            ++ctr.keepalive_probes;
            t.probe_now = true;
            t.keepalive_at = now + t.cfg->keepalive_timing.interval;
        }
    }
}

} // namespace strata::stack::tcp
