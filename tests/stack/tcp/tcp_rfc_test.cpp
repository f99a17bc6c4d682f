// RFC rules added to the engine after its first version: TIME-WAIT
// recycling by a new SYN (RFC 6191), urgent data (RFC 9293 §3.8.5, RFC
// 6093), error reporting as Linux. Expected values are derived in comments.
#include "harness.hpp"

using namespace tcptest;

namespace {
/// B (the server) closes first and ends in TIME-WAIT; returns A's tuple and
/// B's TIME-WAIT id.
std::pair<FourTuple, ConnId> server_time_wait(Pair<>& p) {
    const auto ids =
        p.connect(Port{40000}); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const FourTuple ta = *p.a.tuple(c);
    REQUIRE(p.b.close(s).ok());
    std::array<Byte, 8> buf{};
    ConnId tw = no_conn;
    REQUIRE(p.run_until(
        [&] {
            if (p.a.state(c) == State::close_wait) {
                REQUIRE(*p.a.recv(c, buf) == 0);
                REQUIRE(p.a.close(c).ok());
            }
            p.b.for_each([&](ConnId id, const FourTuple&, State x) {
                if (x == State::time_wait) tw = id;
            });
            return tw != no_conn;
        },
        5s));
    p.run_for(100ms); // A's LAST-ACK is answered; A forgets the connection
    return {ta, tw};
}

TcpRepr syn_from(const FourTuple& ta, SeqNum seq) {
    TcpRepr h;
    h.src_port = ta.local.port;
    h.dst_port = ta.remote.port;
    h.seq_number = seq;
    h.flags = tcp_flags::syn;
    h.window = 65535;
    h.mss = 1460;
    return h;
}
} // namespace

TEST_CASE("tcp: a SYN for a TIME-WAIT 4-tuple: new incarnation if beyond RCV.NXT or newer TSval") {
    Pair<> p;
    auto [ta, tw] = server_time_wait(p);
    const auto* t = p.b.connection(tw);
    REQUIRE(t->state == State::time_wait);
    const SeqNum rcv_nxt = t->rcv_nxt, snd_max = t->snd_max;
    const std::uint32_t ts_recent = t->ts_recent;
    const std::size_t before = p.net.log.size();

    SECTION("an old sequence number and no timestamp: an ACK, TIME-WAIT stays") {
        p.inject(1, ta, syn_from(ta, rcv_nxt - 1000));
        REQUIRE(p.net.log.size() == before + 1);
        REQUIRE(p.net.log.back().h.flags == tcp_flags::ack);
        REQUIRE(p.b.state(tw) == State::time_wait);
        REQUIRE(p.b.counters().time_wait_reused == 0);
    }
    SECTION("an older TSval: PAWS rejects it even beyond RCV.NXT") {
        TcpRepr h = syn_from(ta, rcv_nxt + 100000);
        h.timestamps = TcpTimestamps{ts_recent - 1, 0};
        p.inject(1, ta, h);
        REQUIRE(p.net.log.back().h.flags == tcp_flags::ack);
        REQUIRE(p.b.state(tw) == State::time_wait);
    }
    SECTION("beyond RCV.NXT: SYN-ACK with ISS = old SND.NXT + 65535 + 2 (Linux)") {
        p.inject(1, ta, syn_from(ta, rcv_nxt + 100000));
        REQUIRE(p.net.log.size() == before + 1);
        const Sent& sa = p.net.log.back();
        REQUIRE(sa.h.flags == (tcp_flags::syn | tcp_flags::ack));
        REQUIRE(sa.h.seq_number == snd_max + 65537);
        REQUIRE(sa.h.ack_number == rcv_nxt + 100001);
        REQUIRE(p.b.counters().time_wait_reused == 1);
        std::size_t tws = 0;
        p.b.for_each([&](ConnId, const FourTuple&, State x) { tws += x == State::time_wait; });
        REQUIRE(tws == 0);
    }
    SECTION("an old sequence number but a newer TSval: accepted") {
        TcpRepr h = syn_from(ta, rcv_nxt - 1000);
        h.timestamps = TcpTimestamps{ts_recent + 1, 0};
        p.inject(1, ta, h);
        REQUIRE(p.net.log.back().h.flags == (tcp_flags::syn | tcp_flags::ack));
        REQUIRE(p.net.log.back().h.seq_number == snd_max + 65537);
    }
}

TEST_CASE("tcp: reconnecting from the same port reuses the server's TIME-WAIT") {
    Pair<> p;
    auto [ta, tw] = server_time_wait(p);
    (void)tw;
    // A's new ISN (RFC 6528: the 4 µs clock moved on) is beyond B's RCV.NXT,
    // and its TSval clock is the same per address pair (Linux
    // secure_tcp_ts_off), so newer: the connection opens at once.
    auto c = p.a.connect(ta.local, ta.remote, p.net.now);
    REQUIRE(c);
    ConnId s = no_conn;
    REQUIRE(p.run_until(
        [&] {
            if (auto x = p.b.accept(p.listener)) s = *x;
            return s != no_conn && p.a.state(*c) == State::established;
        },
        1s));
    REQUIRE(p.b.counters().time_wait_reused == 1);
    REQUIRE(p.a.counters().rst_in == 0);
}

TEST_CASE("tcp: a reset is reported once, then recv says 0 and send EPIPE (Linux)") {
    for (int how : {0, 1, 2}) { // the error taken by recv, by send, by SO_ERROR
        Pair<> p;
        const auto ids =
            p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        REQUIRE(p.b.abort(s).ok()); // RST to A
        p.run_for(100ms);
        REQUIRE(p.a.state(c) == State::closed);
        // POLLERR while the error is pending (tcp_poll: sk_err).
        REQUIRE(p.a.readiness(c).error == Errno::econnreset);
        std::array<Byte, 8> buf{};
        const std::vector<Byte> one{1};
        if (how == 0) {
            auto r = p.a.recv(c, buf);
            REQUIRE((!r && r.error() == Errno::econnreset));
        } else if (how == 1) {
            auto r = p.a.send(c, one);
            REQUIRE((!r && r.error() == Errno::econnreset));
        } else {
            REQUIRE(p.a.take_error(c) == Errno::econnreset);
            REQUIRE(p.a.take_error(c) == Errno::ok); // sock_error cleared sk_err
        }
        // Reported: tcp_done set SHUTDOWN_MASK, so recv gives 0 (EOF), send
        // EPIPE (sk_stream_error with no sk_err), poll POLLHUP|POLLIN, no POLLERR.
        auto r = p.a.recv(c, buf);
        REQUIRE((r && *r == 0));
        auto w = p.a.send(c, one);
        REQUIRE((!w && w.error() == Errno::epipe));
        const Readiness rd = p.a.readiness(c);
        REQUIRE(rd.error == Errno::ok);
        REQUIRE(rd.hangup);
        REQUIRE(rd.readable);
    }
}

TEST_CASE(
    "tcp: urgent data: URG and the pointer on the wire, the mark and POLLPRI at the receiver") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const Instant t0 = p.net.now;
    const std::vector<Byte> hello{'h', 'e', 'l', 'l', 'o'}, xy{'X', 'Y'};
    REQUIRE(*p.a.send(c, hello) == 5);
    REQUIRE(*p.a.send_urgent(c, xy) == 2);
    p.a.poll(p.net.now, p.sa);
    const Sent& seg = p.net.log.back();
    // One 7-byte segment at SEQ = ISS + 1; SND.UP = ISS + 8, one past 'Y'
    // (RFC 9293 MUST-31): pointer = SND.UP - SEG.SEQ = 7.
    REQUIRE(seg.at == t0);
    REQUIRE(seg.len == 7);
    REQUIRE(seg.h.flags.urg());
    REQUIRE(seg.h.urgent_pointer == 7);
    p.run_for(50ms);
    // B: the 7 bytes are in the stream (RFC 6093 inline), all up to the
    // mark are urgent; POLLPRI set (MUST-32), 7 remain (MUST-33).
    REQUIRE(p.b.readiness(s).urgent);
    REQUIRE(p.b.urgent_remaining(s) == 7);
    REQUIRE(p.b.counters().urgent_in == 1);
    std::array<Byte, 3> three{};
    REQUIRE(*p.b.recv(s, three) == 3);
    REQUIRE(p.b.urgent_remaining(s) == 4);
    std::array<Byte, 16> rest{};
    REQUIRE(*p.b.recv(s, rest) == 4);
    REQUIRE(rest[2] == 'X');
    REQUIRE(rest[3] == 'Y');
    REQUIRE(p.b.urgent_remaining(s) == 0);
    REQUIRE(!p.b.readiness(s).urgent);
    // The ACK covered SND.UP: urgent mode over, the next segment has no URG.
    REQUIRE(!p.a.connection(c)->urg_mode);
    REQUIRE(*p.a.send(c, hello) == 5);
    p.a.poll(p.net.now, p.sa);
    REQUIRE(!p.net.log.back().h.flags.urg());
}

TEST_CASE("tcp: urgent data held by Nagle goes at once; a retransmission repeats the pointer") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const std::vector<Byte> a10(10, 'a');
    REQUIRE(*p.a.send(c, a10) == 10); // short, unacknowledged: Minshall holds the next
    p.a.poll(p.net.now, p.sa);
    p.net.drop_if = [](int from, const TcpRepr& h) { return from == 0 && h.flags.urg(); };
    const std::vector<Byte> u{'!'};
    REQUIRE(*p.a.send_urgent(c, u) == 1);
    p.a.poll(p.net.now, p.sa);
    const Sent& urg = p.net.log.back();
    REQUIRE(urg.len == 1);
    REQUIRE(urg.h.urgent_pointer == 1); // SND.UP = its SEQ + 1
    p.net.drop_if = nullptr;
    p.run_for(2s);
    // The retransmission of the lost urgent byte carries URG again.
    std::size_t urgs = 0;
    for (const Sent& x : p.net.log)
        urgs += x.from == 0 && x.len == 1 && x.h.flags.urg() && x.h.urgent_pointer == 1;
    REQUIRE(urgs == 2);
    REQUIRE(p.b.urgent_remaining(s) == 11);
}

TEST_CASE("tcp: a zero window still takes URG and RST (RFC 9293 §3.4, MUST-66)") {
    TcpConfig small;
    small.recv_buffer = 4096;
    small.window_scale_space = 0; // every free byte advertised: the buffer fills to 0
    Pair<> p{TcpConfig{}, small};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto data = pseudo_random(6000, 3);
    REQUIRE(*p.a.send(c, data) == 6000);
    REQUIRE(p.run_until([&] { return p.a.counters().window_probes >= 1; }, 30s));
    REQUIRE(p.b.connection(s)->rcvbuf.readable() == 4096);
    REQUIRE(p.b.connection(s)->rcv_wnd() == 0);
    // Urgent data queued behind the zero window: SND.UP = ISS + 1 + 6001.
    const std::vector<Byte> bang{'!'};
    REQUIRE(*p.a.send_urgent(c, bang) == 1);
    const SeqNum una = p.a.connection(c)->snd_una;
    REQUIRE(una == p.a.connection(c)->iss + 1 + 4096);
    REQUIRE(p.run_until([&] { return p.b.readiness(s).urgent; }, 60s));
    // The probe that carried it: <SEQ=SND.UNA><CTL=ACK,URG>, no data, the
    // pointer SND.UP - SND.UNA = 6001 - 4096 = 1905; the only sequence
    // number a zero window accepts (RCV.NXT), so B's URG step ran.
    const Sent* probe = nullptr;
    for (const Sent& x : p.net.log)
        if (x.from == 0 && x.len == 0 && x.h.seq_number == una && x.h.flags.urg()) probe = &x;
    REQUIRE(probe);
    REQUIRE(probe->h.urgent_pointer == 1905);
    // Every byte from the first unread one through '!' is urgent: 6001.
    REQUIRE(p.b.urgent_remaining(s) == 6001);
    REQUIRE(p.b.connection(s)->rcv_wnd() == 0);
    // A RST at RCV.NXT exactly resets, window or not (RFC 5961 §3.2).
    TcpRepr rst;
    rst.src_port = p.a.tuple(c)->local.port;
    rst.dst_port = Port{80};
    rst.seq_number = p.b.connection(s)->rcv_nxt;
    rst.flags = tcp_flags::rst;
    p.inject(1, *p.a.tuple(c), rst);
    REQUIRE(p.b.state(s) == State::closed);
    REQUIRE(p.b.readiness(s).error == Errno::econnreset);
}

TEST_CASE("tcp: D-SACK reports a duplicate segment in the first SACK block (RFC 2883)") {
    for (bool dsack : {true, false}) {
        TcpConfig cfg;
        cfg.dsack = dsack;
        Pair<> p{cfg, cfg};
        const auto ids =
            p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        const auto data = pseudo_random(1000, 11);
        const SeqNum first = p.a.connection(c)->snd_nxt;
        REQUIRE(*p.a.send(c, data) == 1000);
        p.run_for(100ms);
        // The same 1000 bytes again (a spurious retransmission), with a
        // current TSval so that PAWS lets it through.
        const auto* tb = p.b.connection(s);
        TcpRepr h;
        h.src_port = p.a.tuple(c)->local.port;
        h.dst_port = Port{80};
        h.seq_number = first;
        h.ack_number = tb->snd_nxt;
        h.flags = tcp_flags::ack;
        h.window = 1000;
        h.timestamps = TcpTimestamps{tb->ts_recent, 0};
        p.inject(1, *p.a.tuple(c), h, data);
        const Sent& ack = p.net.log.back();
        REQUIRE(ack.from == 1);
        REQUIRE(ack.h.ack_number == first + 1000);
        // RFC 2883 §4.1.1 example: ACK 4000, SACK 3000-3500 for a duplicate
        // below the cumulative ACK; here ACK first+1000, SACK first..first+1000.
        if (dsack) {
            REQUIRE(ack.h.sack_count == 1);
            REQUIRE(ack.h.sack_blocks[0].left == first);
            REQUIRE(ack.h.sack_blocks[0].right == first + 1000);
        } else {
            REQUIRE(ack.h.sack_count == 0);
        }
        // Reported once: the next ACK has none.
        REQUIRE(*p.a.send(c, data) == 1000);
        p.run_for(100ms);
        REQUIRE(p.last(1)->h.sack_count == 0);
    }
}

TEST_CASE("tcp: PAWS ignores TS.Recent after 24 days idle (RFC 7323 §5.5)") {
    for (int days : {23, 25}) {
        Pair<> p;
        const auto ids =
            p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        p.net.now = p.net.now + std::chrono::hours{24 * days};
        const auto* tb = p.b.connection(s);
        TcpRepr h;
        h.src_port = p.a.tuple(c)->local.port;
        h.dst_port = Port{80};
        h.seq_number = tb->rcv_nxt;
        h.ack_number = tb->snd_nxt;
        h.flags = tcp_flags::ack;
        h.window = 1000;
        h.timestamps = TcpTimestamps{tb->ts_recent - 1000, 0}; // older than TS.Recent
        const std::vector<Byte> x{'x'};
        p.inject(1, *p.a.tuple(c), h, x);
        // 23 days: PAWS drops it (§5.3 R1); 25 days: TS.Recent is stale,
        // the segment is accepted and TS.Recent takes its TSval.
        REQUIRE(p.b.connection(s)->rcvbuf.readable() == (days == 25 ? 1u : 0u));
        REQUIRE(p.b.counters().paws_rejected == (days == 25 ? 0u : 1u));
        if (days == 25) REQUIRE(p.b.connection(s)->ts_recent == h.timestamps->tsval);
    }
}
