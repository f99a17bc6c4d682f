// Bulk transfers between two engines, both directions at once, byte-exact,
// over a lossy, reordering, duplicating link: NewReno and CUBIC, with and
// without SACK (RFC 6675 vs RFC 6582 recovery).
#include <iostream>

#include <strata/stack/tcp/congestion/cubic.hpp>

#include "harness.hpp"

using namespace tcptest;

namespace {

struct Result {
    bool done;
    Duration elapsed;
    TcpCounters ca, cb;
};

template <class CC>
Result transfer(double loss, bool sack, std::size_t bytes, std::uint64_t seed) {
    TcpConfig cfg;
    cfg.sack = sack;
    Pair<CC> p{cfg, cfg, seed};
    p.net.keep_log = false;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.net.loss = loss;
    p.net.reorder = loss > 0 ? 0.02 : 0;
    p.net.dup = loss > 0 ? 0.01 : 0;
    const auto up = pseudo_random(bytes, seed * 2 + 1);
    const auto down = pseudo_random(bytes, seed * 2 + 2);
    std::vector<Byte> got_up, got_down;
    got_up.reserve(bytes);
    got_down.reserve(bytes);
    std::size_t sent_up = 0, sent_down = 0;
    bool eof_up = false, eof_down = false;
    std::vector<Byte> buf(65536);
    const auto pump = [&](Engine<CC>& e, ConnId id, const std::vector<Byte>& out, std::size_t& sent,
                          std::vector<Byte>& in, bool& eof) {
        while (sent < out.size()) {
            auto n = e.send(id, Bytes(out).subspan(sent));
            if (!n) break;
            sent += *n;
            if (sent == out.size()) REQUIRE(e.shutdown(id, Shutdown::write).ok());
        }
        for (;;) {
            auto n = e.recv(id, buf);
            if (!n) break;
            if (*n == 0) {
                eof = true;
                break;
            }
            in.insert(in.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
        }
    };
    const Instant t0 = p.net.now;
    const bool done = p.run_until(
        [&] {
            pump(p.a, c, up, sent_up, got_down, eof_down);
            pump(p.b, s, down, sent_down, got_up, eof_up);
            return eof_up && eof_down;
        },
        3600s);
    REQUIRE(p.a.readiness(c).error == Errno::ok);
    REQUIRE(p.b.readiness(s).error == Errno::ok);
    REQUIRE(got_up.size() == up.size());
    REQUIRE(got_down.size() == down.size());
    REQUIRE(got_up == up);
    REQUIRE(got_down == down);
    return {done, p.net.now - t0, p.a.counters(), p.b.counters()};
}

template <class CC>
void run_all(const char* name) {
    for (bool sack : {true, false}) {
        for (int pct : {0, 1, 2, 5, 10}) {
            DYNAMIC_SECTION(name << (sack ? " SACK" : " no SACK") << " loss " << pct << "%") {
                const auto r = transfer<CC>(pct / 100.0, sack, 2 * 1024 * 1024,
                                            static_cast<std::uint64_t>(pct + 1));
                REQUIRE(r.done);
                if (pct == 0) {
                    REQUIRE(r.ca.retransmits == 0);
                    REQUIRE(r.cb.retransmits == 0);
                } else {
                    REQUIRE(r.ca.retransmits + r.cb.retransmits > 0);
                }
                std::cout << name << (sack ? " sack" : " nosack") << " loss " << pct
                          << "%: " << std::chrono::duration<double>(r.elapsed).count()
                          << " s virtual, rexmit " << r.ca.retransmits + r.cb.retransmits
                          << " fast " << r.ca.fast_retransmits + r.cb.fast_retransmits << " rto "
                          << r.ca.rto_expiries + r.cb.rto_expiries << "\n";
            }
        }
    }
}

} // namespace

TEST_CASE("tcp: 2 MB each way byte-exact with loss, reordering, duplication (NewReno)") {
    run_all<NewReno>("newreno");
}

TEST_CASE("tcp: 2 MB each way byte-exact with loss, reordering, duplication (CUBIC)") {
    run_all<Cubic>("cubic");
}

TEST_CASE("tcp: 10 MB each way byte-exact at 10% loss (CUBIC, SACK)") {
    const auto r = transfer<Cubic>(0.10, true, 10 * 1024 * 1024, 99);
    REQUIRE(r.done);
    REQUIRE(r.ca.fast_retransmits + r.cb.fast_retransmits > 0);
    std::cout << "cubic sack 10 MB loss 10%: " << std::chrono::duration<double>(r.elapsed).count()
              << " s virtual\n";
}
