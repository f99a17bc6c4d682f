// RFC 6298 timer values, NewReno (RFC 5681/3465/6582/6928) and CUBIC (RFC 9438)
// windows. Every expected number is worked out by hand in the comments.
#include <chrono>
#include <cmath>
#include <cstdint>

#include <catch2/catch.hpp>

#include <strata/stack/tcp/congestion/cubic.hpp>
#include <strata/stack/tcp/congestion/new_reno.hpp>
#include <strata/stack/tcp/rto.hpp>
#include <strata/stack/tcp/state.hpp>

using namespace strata;
using namespace strata::stack::tcp;
using namespace std::chrono_literals;

TEST_CASE("State names use the netstat spelling", "[tcp_parts][state]") {
    CHECK(name(State::established) == "ESTABLISHED");
    CHECK(name(State::time_wait) == "TIME_WAIT");
    CHECK(name(State::syn_received) == "SYN_RECV");
    CHECK(name(State::fin_wait_2) == "FIN_WAIT2");
    CHECK(name(State::close_wait) == "CLOSE_WAIT");
    CHECK(name(static_cast<State>(200)) == "?");
}

TEST_CASE("RtoEstimator follows RFC 6298's worked numbers", "[tcp_parts][rto]") {
    RtoEstimator r; // initial 1 s, min 200 ms, max 120 s, G 1 ms
    // §2.1: before any sample RTO = 1 s.
    CHECK_FALSE(r.has_sample());
    CHECK(r.rto() == 1s);

    // §2.2, first sample R = 100 ms: SRTT = 100, RTTVAR = 50,
    // RTO = 100 + max(1, 4*50) = 300 ms.
    r.sample(100ms);
    CHECK(r.srtt() == 100ms);
    CHECK(r.rttvar() == 50ms);
    CHECK(r.rto() == 300ms);

    // §2.3, R' = 200 ms: RTTVAR = 3/4*50 + 1/4*|100-200| = 37.5 + 25 = 62.5 ms;
    // SRTT = 7/8*100 + 1/8*200 = 87.5 + 25 = 112.5 ms; RTO = 112.5 + 250 = 362.5 ms.
    r.sample(200ms);
    CHECK(r.rttvar() == 62'500us);
    CHECK(r.srtt() == 112'500us);
    CHECK(r.rto() == 362'500us);

    // R' = 112.5 ms = SRTT: RTTVAR = 3/4*62.5 = 46.875 ms, SRTT stays 112.5;
    // RTO = 112.5 + 187.5 = 300 ms.
    r.sample(112'500us);
    CHECK(r.rttvar() == 46'875us);
    CHECK(r.srtt() == 112'500us);
    CHECK(r.rto() == 300ms);
}

TEST_CASE("RtoEstimator clamps and uses the clock granularity", "[tcp_parts][rto]") {
    SECTION("min clamp: R = 10 ms gives 10 + 20 = 30 ms, raised to 200 ms") {
        RtoEstimator r;
        r.sample(10ms);
        CHECK(r.rto() == 200ms);
    }
    SECTION("max clamp: R = 100 s gives 100 + 200 = 300 s, cut to 120 s") {
        RtoEstimator r;
        r.sample(100s);
        CHECK(r.rto() == 120s);
    }
    SECTION("G: R = 0 gives 0 + max(G, 0) = G when min is 0") {
        RtoEstimator r{RtoConfig{.initial = 1s, .min = 0ms, .max = 60s, .granularity = 5ms}};
        r.sample(0ms);
        CHECK(r.rto() == 5ms);
    }
    SECTION("a negative sample is ignored") {
        RtoEstimator r;
        r.sample(-5ms);
        CHECK_FALSE(r.has_sample());
        CHECK(r.rto() == 1s);
    }
}

TEST_CASE("RtoEstimator backs off by doubling, saturating at max", "[tcp_parts][rto]") {
    RtoEstimator r{RtoConfig{.initial = 1s, .min = 200ms, .max = 1s, .granularity = 1ms}};
    r.sample(100ms); // 300 ms as above
    r.backoff();     // §5.5: 600 ms
    CHECK(r.rto() == 600ms);
    r.backoff(); // 1200 ms, clamped to 1 s
    CHECK(r.rto() == 1s);
    r.backoff();
    CHECK(r.rto() == 1s);
    CHECK(r.backoffs() == 3);
    r.reset_backoff();
    CHECK(r.rto() == 300ms);
    r.backoff();
    r.sample(100ms); // a new sample ends the backoff; SRTT stays 100, RTTVAR 3/4*50 = 37.5
    CHECK(r.backoffs() == 0);
    CHECK(r.rto() == 250ms);

    SECTION("SYN retries from the initial 1 s: 1, 2, 4, ... 64, then 120 s") {
        RtoEstimator s;
        Duration expect = 1s;
        for (int i = 0; i < 7; ++i) {
            CHECK(s.rto() == expect);
            s.backoff();
            expect *= 2;
        }
        CHECK(s.rto() == 120s); // 128 s clamped
        for (int i = 0; i < 100; ++i)
            s.backoff(); // no overflow however long it goes on
        CHECK(s.rto() == 120s);
    }
}

TEST_CASE("initial_window is RFC 6928's min(10 MSS, max(2 MSS, 14600))", "[tcp_parts][cc]") {
    CHECK(initial_window(1460) == 14600); // min(14600, 14600)
    CHECK(initial_window(1000) == 10000); // min(10000, 14600)
    CHECK(initial_window(536) == 5360);
    CHECK(initial_window(9000) == 18000); // min(90000, max(18000, 14600))
}

TEST_CASE("NewReno window arithmetic", "[tcp_parts][cc][newreno]") {
    static_assert(CongestionControl<NewReno>);
    NewReno cc;
    const Instant t0 = at_ns(0);
    cc.init(1000, t0);
    CHECK(cc.cwnd() == 10000);
    CHECK(cc.ssthresh() == 0xFFFFFFFFu);

    // Slow start with ABC L = 2 (RFC 3465 §2.2): cwnd += min(N, 2 SMSS).
    cc.on_ack(1000, 10000, t0, 0ms);
    CHECK(cc.cwnd() == 11000);
    cc.on_ack(5000, 11000, t0, 0ms); // a stretch ACK counts 2000, not 5000
    CHECK(cc.cwnd() == 13000);

    // Three duplicate ACKs with 20000 bytes in flight (RFC 5681 eq. 4):
    // ssthresh = max(20000 / 2, 2000) = 10000; cwnd = ssthresh.
    cc.on_enter_recovery(20000, t0);
    CHECK(cc.ssthresh() == 10000);
    CHECK(cc.cwnd() == 10000);
    cc.on_exit_recovery(t0);
    CHECK(cc.cwnd() == 10000);

    // Congestion avoidance (cwnd >= ssthresh), byte counting (RFC 3465 §2.1):
    // +1 SMSS once a whole cwnd (10000 bytes) has been acked: 9 ACKs of 1000
    // leave it, the 10th raises it to 11000; then 11 more are needed.
    for (int i = 0; i < 9; ++i)
        cc.on_ack(1000, 10000, t0, 0ms);
    CHECK(cc.cwnd() == 10000);
    cc.on_ack(1000, 10000, t0, 0ms);
    CHECK(cc.cwnd() == 11000);
    for (int i = 0; i < 10; ++i)
        cc.on_ack(1000, 11000, t0, 0ms);
    CHECK(cc.cwnd() == 11000);
    cc.on_ack(1000, 11000, t0, 0ms);
    CHECK(cc.cwnd() == 12000);

    // RTO with 30000 in flight: ssthresh = 15000, cwnd = 1 SMSS (the loss window).
    cc.on_rto(30000, t0);
    CHECK(cc.ssthresh() == 15000);
    CHECK(cc.cwnd() == 1000);
    // Slow start again up to ssthresh: 1000 + 7*2000 = 15000, then CA.
    for (int i = 0; i < 7; ++i)
        cc.on_ack(2000, cc.cwnd(), t0, 0ms);
    CHECK(cc.cwnd() == 15000);
    cc.on_ack(2000, 15000, t0, 0ms); // CA: 2000 of 15000 counted, no growth yet
    CHECK(cc.cwnd() == 15000);

    // A small flight: ssthresh never below 2 SMSS (max(1500, 2000)).
    cc.on_enter_recovery(3000, t0);
    CHECK(cc.ssthresh() == 2000);
    CHECK(cc.cwnd() == 2000);

    // set_mss changes the unit of growth.
    cc.set_mss(500);
    cc.on_rto(0, t0);
    CHECK(cc.cwnd() == 500);
    CHECK(cc.ssthresh() == 1000);
}

namespace {
// Runs CUBIC through `seconds` of congestion avoidance: each RTT the whole
// window is acknowledged one MSS at a time, the ACKs spread evenly over the RTT.
void run_rounds(Cubic& cc, Instant& now, Duration rtt, double seconds) {
    const Instant end =
        now + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
    while (now < end) {
        const std::uint32_t n = cc.cwnd() / cc.mss();
        const Duration step = rtt / (n == 0 ? 1 : n);
        for (std::uint32_t i = 0; i < n && now < end; ++i) {
            now += step;
            cc.on_ack(cc.mss(), cc.cwnd(), now, rtt);
        }
    }
}
} // namespace

TEST_CASE("CUBIC's window function matches RFC 9438 by hand", "[tcp_parts][cc][cubic]") {
    // W_max = 100 segments, beta = 0.7, C = 0.4:
    // K = cbrt(W_max (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = cbrt(75);
    // 4.2^3 = 74.088 and 4.22^3 = 75.151, so K = 4.2172 (4.21716...).
    const double k = Cubic::k_for(100, 70);
    CHECK(k == Approx(4.21716).epsilon(1e-5));
    // W(0) = 0.4 (-K)^3 + 100 = -0.4 * 75 + 100 = 70 = beta W_max.
    CHECK(Cubic::w_cubic(0, k, 100) == Approx(70.0));
    // W(1) = 100 - 0.4 * 3.21716^3 = 100 - 0.4 * 33.2981 = 86.6808.
    CHECK(Cubic::w_cubic(1, k, 100) == Approx(86.6808).epsilon(1e-5));
    // W(2) = 100 - 0.4 * 2.21716^3 = 100 - 0.4 * 10.8992 = 95.6403.
    CHECK(Cubic::w_cubic(2, k, 100) == Approx(95.6403).epsilon(1e-5));
    // W(K) = W_max; W(K + 1) = 100.4; W(K + 2) = 100 + 0.4 * 8 = 103.2.
    CHECK(Cubic::w_cubic(k, k, 100) == Approx(100.0));
    CHECK(Cubic::w_cubic(k + 1, k, 100) == Approx(100.4));
    CHECK(Cubic::w_cubic(k + 2, k, 100) == Approx(103.2));
    // alpha_cubic = 3 * 0.3 / 1.7 = 0.5294.
    CHECK(Cubic::alpha == Approx(0.529412).epsilon(1e-5));
    // No plateau above the window: K = 0.
    CHECK(Cubic::k_for(50, 60) == 0.0);
}

TEST_CASE("CUBIC after a loss at 100 segments follows W_cubic", "[tcp_parts][cc][cubic]") {
    static_assert(CongestionControl<Cubic>);
    Cubic cc;
    Instant now = at_ns(0);
    cc.init(1000, now);
    CHECK(cc.cwnd() == 10000);
    // Slow start: 45 ACKs of 2000 bytes take cwnd from 10000 to 100000.
    for (int i = 0; i < 45; ++i)
        cc.on_ack(2000, cc.cwnd(), now, 0ms);
    REQUIRE(cc.cwnd() == 100000);

    // Loss with the window full (§4.6): W_max = 100, ssthresh = cwnd = 0.7 * 100000.
    cc.on_enter_recovery(100000, now);
    CHECK(cc.w_max() == Approx(100.0));
    CHECK(cc.ssthresh() == 70000);
    CHECK(cc.cwnd() == 70000);
    cc.on_exit_recovery(now);

    // The first ACK in congestion avoidance starts the epoch: K = cbrt(75).
    const Duration rtt = 100ms;
    cc.on_ack(1000, 70000, now, rtt);
    CHECK(cc.k() == Approx(4.21716).epsilon(1e-4));

    // With RTT 100 ms, the window tracks W_cubic one RTT ahead; per-ACK growth
    // of (target - cwnd) / cwnd lags by about an RTT, so cwnd(t) ~ W_cubic(t).
    // W_est grows only ~0.53 segment per RTT (70 + 5.3 at t = 1 s < 86.7): the
    // cubic region, not the Reno-friendly one.
    run_rounds(cc, now, rtt, 1.0);
    CHECK(double(cc.cwnd()) / 1000 == Approx(86.68).margin(1.5));
    run_rounds(cc, now, rtt, 1.0); // t = 2 s
    CHECK(double(cc.cwnd()) / 1000 == Approx(95.64).margin(1.5));
    run_rounds(cc, now, rtt, 2.21716); // t = K: the plateau at W_max
    CHECK(double(cc.cwnd()) / 1000 == Approx(100.0).margin(1.0));
    run_rounds(cc, now, rtt, 1.0); // t = K + 1: 100.4
    CHECK(double(cc.cwnd()) / 1000 == Approx(100.4).margin(1.0));
    // Meanwhile W_est has climbed at alpha = 0.529 per RTT from 70: it reaches
    // cwnd_prior = 100 after 30 / 0.529 = 56.7 RTTs = 5.67 s, then climbs at 1
    // per RTT. At t = K + 2 = 6.22 s it is ~100 + 5.5 = 105.5 > W_cubic = 103.2:
    // the Reno-friendly region (§4.3), where cwnd = W_est.
    run_rounds(cc, now, rtt, 1.0);
    CHECK(cc.w_est() == Approx(105.5).margin(1.0));
    CHECK(cc.w_est() > Cubic::w_cubic(6.217, cc.k(), 100));
    CHECK(double(cc.cwnd()) / 1000 == Approx(cc.w_est()).margin(0.01));
}

TEST_CASE("CUBIC in the Reno-friendly region uses W_est", "[tcp_parts][cc][cubic]") {
    // W_max = 10 segments (loss at the initial window): K = cbrt(7.5) = 1.957 s
    // and W_cubic stays near 10 for seconds, while with RTT 10 ms Reno's
    // estimate grows by alpha (then 1, once W_est >= cwnd_prior = 10) per RTT:
    // after 1 s, about 100 RTTs, W_est ~ 7 + 3 + 94 ~ 100 segments (§4.3).
    Cubic cc;
    Instant now = at_ns(0);
    cc.init(1000, now);
    cc.on_enter_recovery(10000, now);
    CHECK(cc.cwnd() == 7000);
    cc.on_exit_recovery(now);
    run_rounds(cc, now, 10ms, 1.0);
    CHECK(Cubic::w_cubic(1.0, cc.k(), 10) == Approx(9.649).epsilon(1e-3));
    CHECK(cc.w_est() > 90);
    CHECK(double(cc.cwnd()) / 1000 == Approx(cc.w_est()).margin(1.0));
}

TEST_CASE("CUBIC fast convergence and timeout", "[tcp_parts][cc][cubic]") {
    const Instant t0 = at_ns(0);
    auto at_100 = [&](Cubic& cc) {
        cc.init(1000, t0);
        for (int i = 0; i < 45; ++i)
            cc.on_ack(2000, cc.cwnd(), t0, 0ms);
        cc.on_enter_recovery(100000, t0); // W_max = 100, cwnd = 70
    };
    SECTION("a second loss below W_max lowers W_max to cwnd (1 + beta) / 2 (§4.7)") {
        Cubic cc;
        at_100(cc);
        cc.on_enter_recovery(70000, t0); // 70 < 100: W_max = 70 * 1.7 / 2 = 59.5
        CHECK(cc.w_max() == Approx(59.5));
        CHECK(cc.ssthresh() == 49000); // 0.7 * 70000
        cc.on_exit_recovery(t0);
        cc.on_ack(1000, 49000, t0, 0ms); // K = cbrt((59.5 - 49) / 0.4) = cbrt(26.25) = 2.972
        CHECK(cc.k() == Approx(2.97196).epsilon(1e-4));
    }
    SECTION("without fast convergence W_max is the window at the loss") {
        Cubic cc{false};
        at_100(cc);
        cc.on_enter_recovery(70000, t0);
        CHECK(cc.w_max() == Approx(70.0));
    }
    SECTION("a timeout: cwnd = 1 SMSS, ssthresh = beta * flight, then K = 0 (§4.8)") {
        Cubic cc;
        at_100(cc);
        cc.on_exit_recovery(t0);
        cc.on_rto(60000, t0);
        CHECK(cc.cwnd() == 1000);
        CHECK(cc.ssthresh() == 42000); // 0.7 * 60000
        // Slow start to 42000: 1000 + 21 * 2000 = 43000 >= 42000 after 21 ACKs.
        for (int i = 0; i < 21; ++i)
            cc.on_ack(2000, cc.cwnd(), t0, 0ms);
        CHECK(cc.cwnd() == 43000);
        cc.on_ack(1000, 43000, t0, 10ms); // first CA ACK: W_max = 43, K = 0
        CHECK(cc.k() == 0.0);
        CHECK(cc.w_max() == Approx(43.0));
    }
    SECTION("ssthresh never below 2 SMSS") {
        Cubic cc;
        cc.init(1000, t0);
        cc.on_enter_recovery(1000, t0); // 0.7 * 1000 < 2000
        CHECK(cc.ssthresh() == 2000);
    }
}
