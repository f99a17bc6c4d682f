// The TCP engine's settings: buffer sizes, the options it offers, timers and
// retry limits. Defaults follow Linux where RFC 9293 leaves the value open.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <strata/core/time.hpp>
#include <strata/stack/tcp/rto.hpp>

namespace strata::stack::tcp {

/// RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6: keepalives are off unless a socket
/// asks (set_keepalive), the idle time is at least two hours by default.
struct KeepaliveConfig {
    Duration idle{std::chrono::seconds{7200}};   ///< tcp_keepalive_time
    Duration interval{std::chrono::seconds{75}}; ///< tcp_keepalive_intvl
    unsigned probes = 9;                         ///< tcp_keepalive_probes
};

struct TcpConfig {
    std::size_t send_buffer = 256 * 1024; ///< bytes per connection, allocated at set-up
    std::size_t recv_buffer = 256 * 1024; ///< bytes per connection; the largest window offered
    bool sack = true;                     ///< offer SACK-permitted (RFC 2018)
    bool timestamps = true;               ///< offer timestamps (RFC 7323 §3)
    bool window_scaling = true;           ///< offer window scaling (RFC 7323 §2)
    bool dsack = true;      ///< report duplicates in a first SACK block (RFC 2883; Linux tcp_dsack)
    bool nagle = true;      ///< new sockets start with Nagle on (RFC 9293 §3.7.4)
    bool keepalive = false; ///< new sockets start with keepalive off
    Duration delayed_ack{std::chrono::milliseconds{40}}; ///< Linux's minimum delack timeout
    /// Maximum segment lifetime: TIME_WAIT lasts 2·MSL = 60 s as in Linux
    /// (RFC 9293 §3.4.2 suggests MSL = 2 min; Linux's TCP_TIMEWAIT_LEN is 60 s).
    Duration msl{std::chrono::seconds{30}};
    /// An orphaned (closed by the user) FIN-WAIT-2 connection is freed after
    /// this (Linux tcp_fin_timeout), so a silent peer cannot hold it forever.
    Duration fin_wait_2_timeout{std::chrono::seconds{60}};
    RtoConfig rto{};
    unsigned syn_retries = 6;    ///< SYN retransmissions before ETIMEDOUT (Linux tcp_syn_retries)
    unsigned synack_retries = 5; ///< SYN-ACK retransmissions of a passive open
    unsigned data_retries = 15; ///< RTO expiries before ETIMEDOUT (Linux tcp_retries2, RFC 1122 R2)
    KeepaliveConfig keepalive_timing{};
    std::size_t max_connections = 1024;    ///< sockets (listeners + connections) in the engine
    std::uint16_t ephemeral_first = 32768; ///< Linux ip_local_port_range
    std::uint16_t ephemeral_last = 60999;
    /// RFC 5961 §7: challenge ACKs the whole engine sends per second at most
    /// (Linux's tcp_challenge_ack_limit was 1000 from 4.7 to 6.0).
    std::uint32_t challenge_ack_limit = 1000;

    // --- Linux look-alike choices (each switchable; the Linux choice is the
    // default, so that packetdrill scripts written for Linux see Linux values).

    /// The largest receive buffer the window scale must be able to advertise
    /// (Linux's tcp_rmem[2] = 6 MiB, what autotuning may grow to). Linux
    /// tcp_select_initial_window offers clamp(ilog2(max(space, tcp_rmem[2],
    /// rmem_max)) - 15, 0, 14): ilog2(6291456) = 22, so 7. 0 = offer the
    /// smallest shift that fits `recv_buffer` (the RFC 7323 §2.2 minimum).
    std::size_t window_scale_space = 6 * 1024 * 1024;
    /// The window of a SYN / SYN-ACK rounded down to a multiple of the MSS
    /// (Linux: "quantize space offering to a multiple of mss"): 64240 =
    /// 44 * 1460 in a SYN, 65160 = 45 * 1448 in a SYN-ACK with timestamps.
    /// false = min(buffer, 65535).
    bool syn_window_mss_multiple = true;
    /// Quick-ACK mode at connection start (Linux tcp_event_data_recv ->
    /// tcp_incr_quickack): the first data segment arms
    /// min(max(rcv_wnd / (2 * rcv_mss), 2), max_quickacks) immediate ACKs.
    /// 0 = off (every second full segment or the delayed-ACK timer from the
    /// start, RFC 9293 §3.8.6.3).
    unsigned max_quickacks = 16; ///< Linux TCP_MAX_QUICKACKS
    /// Minshall's Nagle variant (Linux tcp_nagle_check / tcp_minshall_check):
    /// a short segment waits only while an earlier short segment is
    /// unacknowledged. false = RFC 9293 §3.7.4 (while any data is).
    bool minshall_nagle = true;
    /// Window updates after a read as Linux __tcp_cleanup_rbuf: only when the
    /// window still advertised is at most half the buffer and the new one at
    /// least doubles it. false = RFC 9293 §3.8.6.2.2 (the edge moves by
    /// min(buffer / 2, MSS)).
    bool linux_window_update = true;

    /// The shift we offer (RFC 7323 §2.2), at most 14: with
    /// window_scale_space, Linux's ilog2(max(recv_buffer, space)) - 15;
    /// without, the smallest that lets `recv_buffer` be advertised in 16 bits.
    [[nodiscard]] constexpr std::uint8_t window_scale() const noexcept {
        std::uint8_t s = 0;
        if (window_scale_space != 0) {
            std::size_t space = recv_buffer > window_scale_space ? recv_buffer : window_scale_space;
            int lg = -1;
            for (; space != 0; space >>= 1)
                ++lg;
            return static_cast<std::uint8_t>(lg <= 15 ? 0 : lg - 15 > 14 ? 14 : lg - 15);
        }
        while (s < 14 && (recv_buffer >> s) > 65535)
            ++s;
        return s;
    }
};

} // namespace strata::stack::tcp
