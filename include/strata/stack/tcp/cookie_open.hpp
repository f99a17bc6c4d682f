// Opening a connection from a SYN cookie (RFC 4987 §3.6): the stateless
// SYN-ACK a listener sends when its SYN queue is full, and the TCB rebuilt
// from the ACK that returns the cookie. The ISN carries the MSS; with
// timestamps the TSval carries window scale and SACK (Linux
// cookie_init_timestamp), see syn_cookie.hpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include <strata/stack/tcp/config.hpp>
#include <strata/stack/tcp/input.hpp>
#include <strata/stack/tcp/syn_cookie.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

/// The SYN-ACK answering `syn` with ISN `cookie`. `ts_clock` is our TSval
/// clock for the 4-tuple now (ms + the pair's offset).
[[nodiscard]] inline TcpRepr cookie_syn_ack(const TcpConfig& cfg, const FourTuple& tu,
                                            const TcpRepr& syn, SeqNum cookie,
                                            std::uint16_t our_mss, std::uint32_t ts_clock) {
    TcpRepr r;
    r.src_port = tu.local.port;
    r.dst_port = tu.remote.port;
    r.seq_number = cookie;
    r.ack_number = syn.seq_number + 1;
    r.flags = tcp_flags::syn | tcp_flags::ack;
    r.mss = our_mss;
    if (cfg.timestamps && syn.timestamps) {
        CookieOptions o;
        if (cfg.window_scaling && syn.window_scale)
            o.peer_wscale = std::min<std::uint8_t>(*syn.window_scale, 14);
        o.sack = cfg.sack && syn.sack_permitted;
        r.timestamps = TcpTimestamps{cookie_tsval(ts_clock, o), syn.timestamps->tsval};
        if (o.peer_wscale) r.window_scale = cfg.window_scale();
        r.sack_permitted = o.sack;
    }
    // RFC 7323 §2.2: unscaled; Linux's multiple of the MSS.
    auto w = static_cast<std::uint32_t>(std::min<std::size_t>(cfg.recv_buffer, 65535));
    if (cfg.syn_window_mss_multiple && w > our_mss) w -= w % our_mss;
    r.window = static_cast<std::uint16_t>(w);
    return r;
}

/// An ESTABLISHED TCB from the cookie's ACK `s` carrying MSS `m`.
template <CongestionControl CC>
void cookie_established(Tcb<CC>& t, const Segment& s, std::uint16_t m, std::uint16_t our_mss,
                        Instant now) noexcept {
    t.iss = s.h.ack_number - 1;
    t.snd_una = t.snd_nxt = t.snd_max = t.recover = t.snd_sml = s.h.ack_number;
    t.irs = s.h.seq_number - 1;
    t.rcv_nxt = t.rcv_adv = t.last_ack_sent = t.rcv_up = s.h.seq_number;
    t.our_mss = our_mss;
    t.mss = std::min(our_mss, m);
    const auto o = s.h.timestamps && t.cfg->timestamps ? cookie_options(s.h.timestamps->tsecr)
                                                       : std::optional<CookieOptions>{};
    if (o) { // the options the cookie SYN-ACK agreed to (RFC 7323, RFC 2018)
        t.ts_ok = true;
        t.ts_recent = s.h.timestamps->tsval;
        t.ws_ok = o->peer_wscale.has_value();
        t.snd_wscale = o->peer_wscale.value_or(0);
        t.rcv_wscale = t.ws_ok ? t.cfg->window_scale() : 0;
        t.sack_ok = o->sack;
        t.mss = static_cast<std::uint16_t>(std::max(t.mss - 12, 8));
    }
    t.rcv_mss = t.mss;
    t.state = State::established;
    t.passive = true;
    t.snd_wnd = t.max_snd_wnd = std::uint32_t{s.h.window} << t.snd_wscale;
    t.snd_wl1 = s.h.seq_number;
    t.snd_wl2 = s.h.ack_number;
    t.cc.init(t.mss, now);
}

} // namespace strata::stack::tcp
