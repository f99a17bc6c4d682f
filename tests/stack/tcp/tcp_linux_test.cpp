// The choices where the engine copies Linux (TcpConfig's Linux look-alike
// switches): SYN window and window scale, quick-ACK mode, Minshall's Nagle,
// window updates after a read. Each expected value is derived in a comment
// from the Linux source the behaviour follows.
#include "harness.hpp"

using namespace tcptest;

namespace {
std::vector<const Sent*> sent_from(const Pair<>& p, int from, Instant after, bool data) {
    std::vector<const Sent*> v;
    for (const Sent& s : p.net.log)
        if (s.from == from && s.at >= after && (s.len != 0) == data &&
            (data || s.h.flags == tcp_flags::ack))
            v.push_back(&s);
    return v;
}
} // namespace

TEST_CASE("tcp linux: SYN window a multiple of the MSS, window scale from tcp_rmem[2]") {
    SECTION("Linux defaults") {
        Pair<> p;
        p.connect();
        const Sent& syn = p.net.log.at(0);
        const Sent& synack = p.net.log.at(1);
        // tcp_select_initial_window: rounddown(min(space, 65535), mss):
        // SYN 44 * 1460 = 64240; SYN-ACK with timestamps 45 * 1448 = 65160.
        REQUIRE(syn.h.window == 64240);
        REQUIRE(synack.h.window == 65160);
        // ilog2(6291456) - 15 = 7.
        REQUIRE(syn.h.window_scale == std::uint8_t{7});
        REQUIRE(synack.h.window_scale == std::uint8_t{7});
    }
    SECTION("without timestamps the SYN-ACK is a multiple of 1460 too") {
        TcpConfig nots;
        nots.timestamps = false;
        Pair<> p{nots, TcpConfig{}};
        p.connect();
        REQUIRE(p.net.log.at(1).h.window == 64240);
    }
    SECTION("switched off: min(buffer, 65535) and the smallest shift for 256 KiB") {
        TcpConfig rfc;
        rfc.syn_window_mss_multiple = false;
        rfc.window_scale_space = 0;
        Pair<> p{rfc, rfc};
        p.connect();
        REQUIRE(p.net.log.at(0).h.window == 65535);
        // 262144 >> 2 = 65536 does not fit 16 bits, >> 3 = 32768 does.
        REQUIRE(p.net.log.at(0).h.window_scale == std::uint8_t{3});
    }
    SECTION("a buffer larger than tcp_rmem[2] sets the shift") {
        TcpConfig big;
        big.recv_buffer = 16u << 20; // ilog2(16 MiB) = 24 → 9
        REQUIRE(big.window_scale() == 9);
    }
}

TEST_CASE("tcp linux: quick-ACK mode ACKs the first 16 data segments at once") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.a.set_nodelay(c, true).ok());
    const std::vector<Byte> small(100, 'q');
    const Instant t0 = p.net.now;
    // 20 segments of 100 bytes, 100 ms apart (each is ACKed before the next).
    for (int i = 0; i < 20; ++i) {
        REQUIRE(p.a.send(c, small).ok());
        p.run_for(100ms);
    }
    const auto acks = sent_from(p, 1, t0, false);
    REQUIRE(acks.size() == 20);
    // tcp_incr_quickack: rcv_wnd / (2 * rcv_mss) = 262144 / 2896 = 90,
    // capped at TCP_MAX_QUICKACKS = 16. Segment i leaves A at t0 + i*100 ms
    // and arrives 5 ms later; the first 16 are ACKed on arrival, the rest
    // by the 40 ms delayed-ACK timer (one 100-byte segment is not 2 MSS).
    for (std::size_t i = 0; i < 20; ++i) {
        const Duration expect = (i < 16 ? 5ms : 45ms);
        REQUIRE(acks[i]->at - (t0 + static_cast<long>(i) * 100ms) == expect);
    }
    (void)s;
}

TEST_CASE("tcp linux: Minshall's Nagle sends a short tail when no short segment is out") {
    for (bool minshall : {true, false}) {
        TcpConfig cfg;
        cfg.minshall_nagle = minshall;
        Pair<> p{cfg, cfg};
        const auto ids =
            p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        const Instant t0 = p.net.now;
        // 2000 bytes with MSS 1448: 1448 and a 552-byte tail.
        REQUIRE(p.a.send(c, pseudo_random(2000, 3)).ok());
        p.a.poll(p.net.now, p.sa);
        auto d = sent_from(p, 0, t0, true);
        // tcp_minshall_check: no short segment sent yet, so the tail goes
        // at once; RFC 9293 §3.7.4 holds it while the 1448 bytes are unACKed.
        REQUIRE(d.size() == (minshall ? 2u : 1u));
        // A further 10 bytes: now a short segment (552 or none) ... Minshall
        // holds them while the 552-byte one is unacknowledged.
        if (minshall) {
            REQUIRE(p.a.send(c, pseudo_random(10, 4)).ok());
            p.a.poll(p.net.now, p.sa);
            REQUIRE(sent_from(p, 0, t0, true).size() == 2u);
            // B ACKs (quick ACK, 5 ms), the ACK arrives 5 ms later: then they go.
            p.run_for(20ms);
            d = sent_from(p, 0, t0, true);
            REQUIRE(d.size() == 3u);
            REQUIRE(d[2]->len == 10);
            REQUIRE(d[2]->at - t0 == 10ms);
        }
        (void)s;
    }
}

TEST_CASE("tcp linux: a read sends a window update only when the window at least doubles") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    // A fills 200000 bytes of B's 262144-byte buffer; B does not read.
    const auto data = pseudo_random(200000, 5);
    std::size_t queued = 0;
    REQUIRE(p.run_until(
        [&] {
            if (queued < data.size())
                if (auto n = p.a.send(c, Bytes(data).subspan(queued))) queued += *n;
            return p.b.connection(s)->rcvbuf.readable() == data.size();
        },
        10s));
    p.run_for(1s);
    const Instant t0 = p.net.now;
    // Still advertised: 262144 - 200000 = 62144 free, in units of 128:
    // 485 * 128 = 62080 (the right edge never moves left, so at least that).
    const auto* tb = p.b.connection(s);
    const auto left = static_cast<std::uint32_t>(tb->rcv_adv - tb->rcv_nxt);
    REQUIRE(left >= 62080);
    REQUIRE(left < 62144 + 128);
    std::vector<Byte> buf(10000);
    // Reading 10000: the window would be ~72144 < 2 * 62080: no update
    // (RFC 9293 §3.8.6.2.2 would send one: the edge moved by more than 1 MSS).
    REQUIRE(*p.b.recv(s, buf) == 10000);
    p.run_for(100ms);
    REQUIRE(sent_from(p, 1, t0, false).empty());
    // Reading the rest: 262144 >= 2 * 62080, and 62080 <= 262144 / 2: update
    // with the whole buffer, 262144 >> 7 = 2048.
    std::vector<Byte> rest(190000);
    REQUIRE(*p.b.recv(s, rest) == 190000);
    p.run_for(100ms);
    const auto upd = sent_from(p, 1, t0, false);
    REQUIRE(upd.size() == 1);
    REQUIRE(upd[0]->h.window == 2048);
}

TEST_CASE("tcp: RFC 6298 §5.7: after a lost SYN the first data RTO is 3 s") {
    for (bool fallback : {true, false}) {
        TcpConfig cfg;
        cfg.timestamps = false; // no TSecr: Karn leaves the handshake unmeasured
        if (!fallback) cfg.rto.syn_fallback = Duration::zero();
        Pair<> p{cfg, cfg};
        int syns = 0;
        bool data_dropped = false;
        p.net.drop_if = [&](int from, const TcpRepr& h) {
            if (from == 0 && h.flags == tcp_flags::syn) return ++syns == 1;
            return false;
        };
        const auto ids =
            p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        REQUIRE(syns == 2); // the SYN went again after the initial 1 s RTO
        REQUIRE(!p.a.connection(c)->rto.has_sample());
        p.net.drop_if = [&](int from, const TcpRepr&) {
            if (from == 0 && !data_dropped && p.net.log.size() > 3) {
                data_dropped = true;
                return true;
            }
            return false;
        };
        const Instant t0 = p.net.now;
        REQUIRE(p.a.send(c, pseudo_random(100, 9)).ok());
        p.run_for(5s);
        std::vector<Instant> tx;
        for (const Sent& x : p.net.log)
            if (x.from == 0 && x.len == 100) tx.push_back(x.at);
        REQUIRE(tx.size() == 2);
        REQUIRE(tx[0] == t0);
        // §5.7: RTO re-initialised to 3 s (no sample to compute one from);
        // without it, the initial 1 s (§2.1; the backoff was reset).
        REQUIRE(tx[1] - tx[0] == (fallback ? 3s : 1s));
        (void)s;
    }
}
