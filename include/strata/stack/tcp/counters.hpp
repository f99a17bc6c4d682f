// Engine-wide TCP counters, named after Linux's MIB where one exists
// (netstat -s): what the tests and the trace read.
#pragma once

#include <cstdint>

namespace strata::stack::tcp {

struct TcpCounters {
    std::uint64_t segments_in = 0;      ///< InSegs
    std::uint64_t segments_out = 0;     ///< OutSegs
    std::uint64_t send_failed = 0;      ///< the sink refused a segment (no route)
    std::uint64_t retransmits = 0;      ///< RetransSegs (any cause)
    std::uint64_t fast_retransmits = 0; ///< TCPFastRetrans: recovery entered by dupacks / SACK
    std::uint64_t rto_expiries = 0;     ///< TCPTimeouts
    std::uint64_t rst_in = 0;
    std::uint64_t rst_out = 0;                ///< OutRsts
    std::uint64_t challenge_acks = 0;         ///< TCPChallengeACK
    std::uint64_t challenge_acks_limited = 0; ///< not sent: over the RFC 5961 §7 limit
    std::uint64_t paws_rejected = 0;          ///< PAWSEstabRejected
    std::uint64_t bad_segments = 0;           ///< InErrs: unparsable options, ...
    std::uint64_t no_socket = 0;              ///< segments for no connection or listener (RST sent)
    std::uint64_t syn_cookies_sent = 0;
    std::uint64_t syn_cookies_ok = 0;
    std::uint64_t syn_cookies_failed = 0;
    std::uint64_t listen_overflows = 0; ///< ListenOverflows: accept queue full
    std::uint64_t active_opens = 0;
    std::uint64_t passive_opens = 0;
    std::uint64_t established_resets = 0; ///< EstabResets
    std::uint64_t timeouts_aborted = 0;   ///< TCPAbortOnTimeout
    std::uint64_t keepalive_probes = 0;
    std::uint64_t window_probes = 0; ///< zero-window probes (persist timer)
    std::uint64_t delayed_acks = 0;  ///< ACKs sent by the delayed-ACK timer
    std::uint64_t out_of_order = 0;  ///< TCPOFOQueue
    std::uint64_t dup_acks = 0;
    std::uint64_t icmp_errors = 0;
    std::uint64_t pmtu_updates = 0;
    std::uint64_t urgent_in = 0;        ///< urgent pointers that advanced RCV.UP
    std::uint64_t time_wait_reused = 0; ///< TW recycled by a SYN (RFC 6191; Linux TCP_TW_SYN)
};

} // namespace strata::stack::tcp
