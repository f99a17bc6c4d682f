// CUBIC congestion control (RFC 9438): after a loss the window follows
// W_cubic(t) = C (t - K)^3 + W_max (§4.2), a cubic in the time since the
// congestion-avoidance stage began, with C = 0.4 and beta_cubic = 0.7. Also:
// the Reno-friendly estimate W_est (§4.3), fast convergence (§4.7) and the
// timeout rule (§4.8). Slow start is RFC 5681's with byte counting (RFC 3465,
// L = 2), as in NewReno. Time comes only from the `now` the connection passes.
#pragma once

#include <cmath>
#include <cstdint>

#include <strata/core/time.hpp>
#include <strata/stack/tcp/congestion/concept.hpp>

namespace strata::stack::tcp {

class Cubic {
public:
    /// §5: C = 0.4 segments per second^3.
    static constexpr double c = 0.4;
    /// §4.6: the multiplicative decrease factor.
    static constexpr double beta = 0.7;
    /// §4.3: alpha_cubic = 3 (1 - beta) / (1 + beta), Reno's average rate for beta.
    static constexpr double alpha = 3.0 * (1.0 - beta) / (1.0 + beta);

    /// §4.2 eq. 1: W_cubic(t) in segments, t and k in seconds.
    [[nodiscard]] static double w_cubic(double t, double k, double w_max) noexcept {
        const double d = t - k;
        return c * d * d * d + w_max;
    }
    /// §4.2 eq. 2: K = cbrt((W_max - cwnd_epoch) / C), zero when cwnd_epoch >= W_max.
    [[nodiscard]] static double k_for(double w_max, double cwnd_epoch) noexcept {
        return cwnd_epoch >= w_max ? 0.0 : std::cbrt((w_max - cwnd_epoch) / c);
    }

    explicit Cubic(bool fast_convergence = true) noexcept : fast_convergence_(fast_convergence) {}

    void init(std::uint32_t mss, Instant /*now*/) noexcept {
        mss_ = mss == 0 ? 1 : mss;
        cwnd_ = initial_window(mss_);
        ssthresh_ = infinite_ssthresh;
        w_max_ = 0;
        cwnd_prior_ = 0;
        in_epoch_ = false;
        after_rto_ = false;
        acc_ = 0;
        srtt_ = Duration::zero();
    }

    void set_mss(std::uint32_t mss) noexcept { mss_ = mss == 0 ? 1 : mss; }

    [[nodiscard]] std::uint32_t cwnd() const noexcept { return cwnd_; }
    [[nodiscard]] std::uint32_t ssthresh() const noexcept { return ssthresh_; }
    [[nodiscard]] std::uint32_t mss() const noexcept { return mss_; }
    /// W_max in segments (zero before the first loss).
    [[nodiscard]] double w_max() const noexcept { return w_max_; }
    /// K of the current congestion-avoidance stage, in seconds.
    [[nodiscard]] double k() const noexcept { return k_; }
    /// The Reno-friendly estimate W_est in segments (§4.3).
    [[nodiscard]] double w_est() const noexcept { return w_est_; }

    void on_ack(std::uint32_t acked, std::uint32_t /*flight*/, Instant now, Duration rtt) noexcept {
        if (rtt > Duration::zero()) // the "RTT" of §4.2: a smoothed one (1/8 gain as RFC 6298)
            srtt_ = srtt_ == Duration::zero() ? rtt : (7 * srtt_ + rtt) / 8;
        if (acked == 0) return;
        if (cwnd_ < ssthresh_) {
            // §4.10 / RFC 5681 slow start with RFC 3465 byte counting, L = 2.
            const std::uint32_t limit = 2 * mss_;
            set_cwnd(double(cwnd_) + double(acked < limit ? acked : limit));
            return;
        }
        const double m = mss_;
        const double cwnd_seg = double(cwnd_) / m;
        if (!in_epoch_) {
            // The congestion-avoidance stage begins (§4.2): t counts from here.
            in_epoch_ = true;
            epoch_start_ = now;
            w_est_ = cwnd_seg;
            if (after_rto_) {
                // §4.8: the first stage after a timeout uses K = 0 and W_max =
                // the window at the start of the stage.
                w_max_ = cwnd_seg;
                after_rto_ = false;
            }
            k_ = k_for(w_max_, cwnd_seg);
            origin_ = cwnd_seg > w_max_ ? cwnd_seg : w_max_;
        }
        const double segs = double(acked) / m;
        const double t = std::chrono::duration<double>(now - epoch_start_).count();
        const double rtt_s = std::chrono::duration<double>(srtt_).count();

        // §4.3: W_est grows by alpha per cwnd of acked segments; alpha becomes 1
        // once W_est reaches the window before the last reduction.
        const double a = w_est_ >= cwnd_prior_ ? 1.0 : alpha;
        w_est_ += a * segs / cwnd_seg;

        if (w_cubic(t, k_, origin_) < w_est_) {
            // Reno-friendly region: cwnd = W_est.
            if (w_est_ > cwnd_seg) set_cwnd(w_est_ * m);
            return;
        }
        // §4.4 / §4.5: aim at W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd],
        // and grow by (target - cwnd) / cwnd per acked segment.
        double target = w_cubic(t + rtt_s, k_, origin_);
        if (target < cwnd_seg) target = cwnd_seg;
        if (target > 1.5 * cwnd_seg) target = 1.5 * cwnd_seg;
        acc_ += (target - cwnd_seg) / cwnd_seg * segs * m;
        if (acc_ >= 1.0) {
            const double whole = std::floor(acc_);
            acc_ -= whole;
            set_cwnd(double(cwnd_) + whole);
        }
    }

    /// §4.6 and §4.7: remember W_max (reduced further under fast convergence
    /// when this loss came below the previous one), ssthresh = cwnd = beta *
    /// FlightSize, at least 2 segments.
    void on_enter_recovery(std::uint32_t flight, Instant /*now*/) noexcept {
        reduce(flight);
        cwnd_ = ssthresh_;
    }

    void on_exit_recovery(Instant /*now*/) noexcept {
        cwnd_ = ssthresh_;
        in_epoch_ = false;
        acc_ = 0;
    }

    /// §4.8: ssthresh as for a loss (beta_cubic), cwnd = 1 SMSS as Reno; the next
    /// congestion-avoidance stage starts from K = 0.
    void on_rto(std::uint32_t flight, Instant /*now*/) noexcept {
        reduce(flight);
        cwnd_ = mss_;
        after_rto_ = true;
    }

private:
    void reduce(std::uint32_t flight) noexcept {
        const double cwnd_seg = double(cwnd_) / double(mss_);
        if (fast_convergence_ && cwnd_seg < w_max_)
            w_max_ = cwnd_seg * (1.0 + beta) / 2.0;
        else
            w_max_ = cwnd_seg;
        cwnd_prior_ = cwnd_seg;
        const double s = double(flight) * beta;
        const double two = 2.0 * double(mss_);
        ssthresh_ = clamp32(s > two ? s : two);
        in_epoch_ = false;
        acc_ = 0;
    }
    void set_cwnd(double bytes) noexcept { cwnd_ = clamp32(bytes); }
    [[nodiscard]] static std::uint32_t clamp32(double v) noexcept {
        if (!(v > 0)) return 0;
        if (v >= 4294967295.0) return 0xFFFFFFFFu;
        return static_cast<std::uint32_t>(v);
    }

    bool fast_convergence_ = true;
    std::uint32_t mss_ = 536;
    std::uint32_t cwnd_ = initial_window(536);
    std::uint32_t ssthresh_ = infinite_ssthresh;
    double w_max_ = 0;      // segments
    double cwnd_prior_ = 0; // segments, cwnd before the last reduction
    double origin_ = 0;     // the plateau of this stage's curve: max(W_max, cwnd_epoch)
    double k_ = 0;          // seconds
    double w_est_ = 0;      // segments
    double acc_ = 0;        // fractional bytes of growth not yet added to cwnd
    Instant epoch_start_{};
    Duration srtt_{};
    bool in_epoch_ = false;
    bool after_rto_ = false;
};

static_assert(CongestionControl<Cubic>);

} // namespace strata::stack::tcp
