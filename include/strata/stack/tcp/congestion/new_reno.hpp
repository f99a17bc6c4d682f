// Reno's window arithmetic (RFC 5681 §3.1) with appropriate byte counting
// (RFC 3465, L = 2) and the initial window of RFC 6928. The NewReno part of
// RFC 6582 -- partial ACKs keeping the connection in recovery -- is the
// connection's; this policy sets ssthresh and cwnd when it is told.
#pragma once

#include <cstdint>

#include <strata/core/time.hpp>
#include <strata/stack/tcp/congestion/concept.hpp>

namespace strata::stack::tcp {

struct NewReno {
    void init(std::uint32_t mss, Instant /*now*/) noexcept {
        mss_ = mss == 0 ? 1 : mss;
        cwnd_ = initial_window(mss_);
        ssthresh_ = infinite_ssthresh;
        bytes_acked_ = 0;
    }

    void set_mss(std::uint32_t mss) noexcept { mss_ = mss == 0 ? 1 : mss; }

    [[nodiscard]] std::uint32_t cwnd() const noexcept { return cwnd_; }
    [[nodiscard]] std::uint32_t ssthresh() const noexcept { return ssthresh_; }
    [[nodiscard]] std::uint32_t mss() const noexcept { return mss_; }

    void on_ack(std::uint32_t acked, std::uint32_t /*flight*/, Instant /*now*/,
                Duration /*rtt*/) noexcept {
        if (acked == 0) return;
        if (cwnd_ < ssthresh_) {
            // Slow start, RFC 3465 §2.2: cwnd += min(N, L * SMSS) with L = 2.
            const std::uint32_t limit = 2 * mss_;
            grow(acked < limit ? acked : limit);
            return;
        }
        // Congestion avoidance by bytes (RFC 3465 §2.1, RFC 5681 §3.1): one
        // SMSS each time a full cwnd of bytes has been acknowledged.
        bytes_acked_ += acked;
        if (bytes_acked_ >= cwnd_) {
            bytes_acked_ -= cwnd_;
            grow(mss_);
        }
    }

    /// RFC 5681 §3.2 step 2 (eq. 4) / RFC 6582 §3.2 step 2:
    /// ssthresh = max(FlightSize / 2, 2 SMSS); cwnd = ssthresh (the connection
    /// adds any inflation it wants for duplicate ACKs).
    void on_enter_recovery(std::uint32_t flight, Instant /*now*/) noexcept {
        ssthresh_ = halve(flight);
        cwnd_ = ssthresh_;
        bytes_acked_ = 0;
    }

    /// RFC 6582 §3.2 step 3, full ACK: cwnd = ssthresh ("deflating the window").
    void on_exit_recovery(Instant /*now*/) noexcept {
        cwnd_ = ssthresh_;
        bytes_acked_ = 0;
    }

    /// RFC 5681 §3.1 eq. 4 and the loss window: ssthresh = max(FlightSize / 2,
    /// 2 SMSS), cwnd = 1 SMSS.
    void on_rto(std::uint32_t flight, Instant /*now*/) noexcept {
        ssthresh_ = halve(flight);
        cwnd_ = mss_;
        bytes_acked_ = 0;
    }

private:
    [[nodiscard]] std::uint32_t halve(std::uint32_t flight) const noexcept {
        const std::uint32_t half = flight / 2;
        const std::uint64_t two = 2 * std::uint64_t{mss_};
        return half > two ? half
                          : static_cast<std::uint32_t>(two > 0xFFFFFFFFu ? 0xFFFFFFFFu : two);
    }
    void grow(std::uint32_t by) noexcept {
        cwnd_ = cwnd_ > 0xFFFFFFFFu - by ? 0xFFFFFFFFu : cwnd_ + by;
    }

    std::uint32_t mss_ = 536;
    std::uint32_t cwnd_ = initial_window(536);
    std::uint32_t ssthresh_ = infinite_ssthresh;
    std::uint32_t bytes_acked_ = 0;
};

static_assert(CongestionControl<NewReno>);

} // namespace strata::stack::tcp
