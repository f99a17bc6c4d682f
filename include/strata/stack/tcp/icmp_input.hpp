// An ICMP error about a connection (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191):
// path MTU updates and hard/soft errors applied to the TCB. The engine
// finds the connection and runs output afterwards.
#pragma once

#include <algorithm>
#include <cstdint>

#include <strata/stack/tcp/counters.hpp>
#include <strata/stack/tcp/icmp_report.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

/// Applies `r` to the connection; false when it was ignored (the quoted
/// sequence number is not in flight, RFC 5927 §4.1). `path_mtu` is the
/// host's current estimate, used when a frag-needed carries no MTU.
template <CongestionControl CC>
bool icmp_arrives(Tcb<CC>& t, const IcmpReport& r, std::uint32_t path_mtu,
                  TcpCounters& ctr) noexcept {
    ++ctr.icmp_errors;
    if (!(t.snd_una <= r.seq && r.seq < t.snd_max)) return false;
    const Errno e = r.type == 3 && r.code == 0                    ? Errno::enetunreach
                    : r.type == 3 && (r.code == 2 || r.code == 3) ? Errno::econnrefused
                                                                  : Errno::ehostunreach;
    switch (r.kind) {
    case IcmpReport::Kind::frag_needed: {
        // RFC 1191 §6: a smaller MSS, and resend what is in flight at once
        // from SND.UNA with no congestion response. Go-back as FreeBSD's
        // tcp_mtudisc: Linux's tcp_simple_retransmit resends only the
        // segments longer than the new MSS, which needs per-segment records
        // the byte-stream send buffer does not keep.
        const std::uint32_t mtu = std::max<std::uint32_t>(
            r.next_hop_mtu != 0 ? std::uint32_t{r.next_hop_mtu} : path_mtu, 68);
        const auto m =
            static_cast<std::uint16_t>(std::max<std::uint32_t>(mtu - 40 - (t.ts_ok ? 12u : 0u), 8));
        if (m < t.mss) {
            t.mss = m;
            t.cc.set_mss(m);
            t.snd_nxt = t.snd_una;
            ++ctr.pmtu_updates;
        }
        break;
    }
    case IcmpReport::Kind::unreachable_hard:
        // Hard errors abort a connection being opened (Linux); later they
        // are soft, as RFC 1122 §4.2.3.9 allows.
        if (t.state == State::syn_sent || t.state == State::syn_received)
            t.abort_with(e);
        else
            t.soft_error = e;
        break;
    case IcmpReport::Kind::unreachable_soft:
    case IcmpReport::Kind::time_exceeded:
        t.soft_error = e;
        break;
    }
    return true;
}

} // namespace strata::stack::tcp
