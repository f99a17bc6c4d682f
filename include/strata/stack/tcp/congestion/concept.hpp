// What a congestion-control policy offers the TCP connection. The policy
// does window arithmetic only; the connection detects loss, runs the
// recovery algorithm (NewReno partial ACKs, RFC 6582; the RFC 6675 pipe with
// SACK) and tells the policy what happened. Byte counts are uint32_t, as
// TCP's windows are.
#pragma once

#include <concepts>
#include <cstdint>

#include <strata/core/time.hpp>

namespace strata::stack::tcp {

/// ssthresh before the first loss: "arbitrarily high" (RFC 5681 §3.1).
inline constexpr std::uint32_t infinite_ssthresh = 0xFFFFFFFFu;

/// The initial window for an MSS: min(10 MSS, max(2 MSS, 14600)) (RFC 6928 §2,
/// what Linux uses), computed without overflow.
[[nodiscard]] constexpr std::uint32_t initial_window(std::uint32_t mss) noexcept {
    const std::uint64_t m = mss;
    const std::uint64_t lo = 2 * m > 14600 ? 2 * m : 14600;
    const std::uint64_t iw = 10 * m < lo ? 10 * m : lo;
    return iw > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(iw);
}

template <class C>
concept CongestionControl = requires(C& c, const C& cc, std::uint32_t n, Instant now,
                                     Duration rtt) {
    // Connection established with this MSS: cwnd = IW, ssthresh = infinite.
    c.init(n, now);
    // The MSS changed (path MTU discovery).
    c.set_mss(n);
    { cc.cwnd() } -> std::same_as<std::uint32_t>;
    { cc.ssthresh() } -> std::same_as<std::uint32_t>;
    // An ACK outside recovery: newly acked bytes, flight size before it,
    // the time, an RTT sample (zero when the ACK gave none).
    c.on_ack(n, n, now, rtt);
    // Loss found by duplicate ACKs or SACK (flight size at that moment).
    c.on_enter_recovery(n, now);
    // A full ACK ended recovery.
    c.on_exit_recovery(now);
    // The retransmission timer expired (flight size at that moment).
    c.on_rto(n, now);
};

} // namespace strata::stack::tcp
