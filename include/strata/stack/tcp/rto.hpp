// The retransmission timer's value (RFC 6298). The estimator keeps SRTT and
// RTTVAR from RTT samples and doubles the timeout on each expiry. Karn's
// rule (§3) is the caller's: sample only segments that were not
// retransmitted, or use timestamps (RFC 7323 §4).
#pragma once

#include <chrono>
#include <cstdint>

#include <strata/core/time.hpp>

namespace strata::stack::tcp {

struct RtoConfig {
    /// Before the first sample (§2.1: 1 s).
    Duration initial{std::chrono::seconds{1}};
    /// Lower clamp. RFC 6298 §2.4 says 1 s; 200 ms is what Linux uses
    /// (TCP_RTO_MIN), which is what peers on real networks see.
    Duration min{std::chrono::milliseconds{200}};
    /// Upper clamp (§2.5 allows one of at least 60 s; Linux: 120 s).
    Duration max{std::chrono::seconds{120}};
    /// Clock granularity G (§2.2, §2.3).
    Duration granularity{std::chrono::milliseconds{1}};
    /// §5.7: after the SYN (or SYN-ACK) timed out, the RTO is re-initialised
    /// to this when data transmission begins (Linux TCP_TIMEOUT_FALLBACK).
    /// Zero: not applied.
    Duration syn_fallback{std::chrono::seconds{3}};
};

class RtoEstimator {
public:
    explicit RtoEstimator(RtoConfig c = {}) noexcept : c_(c) {}

    /// One RTT measurement R. A negative one (a clock that went backwards)
    /// is ignored. A sample resets the backoff: the path answered (§5.7
    /// lets the timer be recomputed from the new SRTT).
    void sample(Duration rtt) noexcept {
        if (rtt < Duration::zero()) return;
        if (!has_sample_) {
            // §2.2: SRTT <- R, RTTVAR <- R/2.
            srtt_ = rtt;
            rttvar_ = rtt / 2;
            has_sample_ = true;
        } else {
            // §2.3 with alpha = 1/8, beta = 1/4, RTTVAR first (it uses the old SRTT):
            //   RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|;  SRTT <- 7/8 SRTT + 1/8 R'.
            const Duration err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
            rttvar_ = (3 * rttvar_ + err) / 4;
            srtt_ = (7 * srtt_ + rtt) / 8;
        }
        backoffs_ = 0;
    }

    /// The timeout to arm: SRTT + max(G, 4 RTTVAR) (§2.2/§2.3), or the
    /// initial value before any sample, clamped to [min, max] (§2.4, §2.5),
    /// then doubled once per backoff (§5.5) and clamped to max again.
    [[nodiscard]] Duration rto() const noexcept {
        Duration base = c_.initial;
        if (has_sample_) {
            const Duration var = 4 * rttvar_;
            base = srtt_ + (var > c_.granularity ? var : c_.granularity);
        }
        if (base < c_.min) base = c_.min;
        if (base > c_.max) base = c_.max;
        for (unsigned i = 0; i < backoffs_ && base < c_.max; ++i)
            base = base > c_.max / 2 ? c_.max : 2 * base;
        return base;
    }

    /// The timer expired: double the timeout (§5.5), saturating at max.
    void backoff() noexcept {
        if (backoffs_ < max_backoffs) ++backoffs_;
    }
    void reset_backoff() noexcept { backoffs_ = 0; }
    /// RFC 6298 §5.7: the SYN timed out and no RTT sample was taken; the
    /// timeout before the first sample becomes syn_fallback (3 s), the
    /// backoff is cleared. A later sample computes the RTO as usual.
    void syn_timed_out() noexcept {
        if (c_.syn_fallback > Duration::zero() && !has_sample_ && c_.initial < c_.syn_fallback)
            c_.initial = c_.syn_fallback;
        backoffs_ = 0;
    }
    /// How many times backoff() ran since the last sample or reset (saturates at 64).
    [[nodiscard]] unsigned backoffs() const noexcept { return backoffs_; }

    [[nodiscard]] bool has_sample() const noexcept { return has_sample_; }
    /// Zero before the first sample.
    [[nodiscard]] Duration srtt() const noexcept { return srtt_; }
    [[nodiscard]] Duration rttvar() const noexcept { return rttvar_; }
    [[nodiscard]] const RtoConfig& config() const noexcept { return c_; }

private:
    static constexpr unsigned max_backoffs = 64;
    RtoConfig c_;
    Duration srtt_{};
    Duration rttvar_{};
    bool has_sample_ = false;
    unsigned backoffs_ = 0;
};

} // namespace strata::stack::tcp
