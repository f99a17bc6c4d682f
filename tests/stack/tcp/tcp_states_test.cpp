// RFC 9293 state machine of the TCP engine, two engines back to back
// (harness.hpp). Expected values are derived from the RFCs in comments.
#include "harness.hpp"

using namespace tcptest;

TEST_CASE("tcp: three-way handshake negotiates MSS, window scale, SACK, timestamps") {
    Pair<> p;
    const auto ids =
        p.connect(Port{40000}); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.b.state(s) == State::established);
    // The accepted socket carries the peer's address and port.
    REQUIRE(p.b.tuple(s)->remote == Endpoint{addr_a, Port{40000}});
    REQUIRE(p.b.tuple(s)->local == Endpoint{addr_b, Port{80}});

    const Sent& syn = p.net.log.at(0);
    REQUIRE(syn.from == 0);
    REQUIRE(syn.h.flags == tcp_flags::syn);
    // RFC 6528: ISN = M + F(4-tuple, secret). The engine draws the secret
    // first from its stream, so an IsnGenerator on a copy of that stream must
    // give the same number for the same tuple and time.
    RandomStream same = RandomStream::derive(1, "a");
    const IsnGenerator isn{same};
    REQUIRE(syn.h.seq_number == isn.isn(*p.a.tuple(c), syn.at));
    // MSS = MTU 1500 - 20 (IPv4) - 20 (TCP) = 1460 (RFC 9293 §3.7.1).
    REQUIRE(syn.h.mss == std::uint16_t{1460});
    // Linux tcp_select_initial_window: ilog2(max(262144, tcp_rmem[2] =
    // 6291456)) - 15 = 22 - 15 = 7.
    REQUIRE(syn.h.window_scale == std::uint8_t{7});
    REQUIRE(syn.h.sack_permitted);
    REQUIRE(syn.h.timestamps);
    REQUIRE(syn.h.timestamps->tsecr == 0); // RFC 7323 §3.2: TSecr 0 in a SYN
    // A SYN's window is never scaled: min(262144, 65535) = 65535 rounded down
    // to a multiple of the MSS 1460 (Linux): 44 * 1460 = 64240.
    REQUIRE(syn.h.window == 64240);

    const Sent& synack = p.net.log.at(1);
    REQUIRE(synack.from == 1);
    REQUIRE(synack.h.flags == (tcp_flags::syn | tcp_flags::ack));
    REQUIRE(synack.h.ack_number == syn.h.seq_number + 1);
    REQUIRE(synack.h.mss == std::uint16_t{1460});
    REQUIRE(synack.h.window_scale == std::uint8_t{7});
    // SYN-ACK with timestamps on: multiple of 1460 - 12 = 1448: 45 * 1448 = 65160.
    REQUIRE(synack.h.window == 65160);
    REQUIRE(synack.h.sack_permitted);
    REQUIRE(synack.h.timestamps->tsecr == syn.h.timestamps->tsval);

    const Sent& ack = p.net.log.at(2);
    REQUIRE(ack.h.flags == tcp_flags::ack);
    REQUIRE(ack.h.seq_number == syn.h.seq_number + 1);
    REQUIRE(ack.h.ack_number == synack.h.seq_number + 1);
    // Scaled window now: 262144 >> 7.
    REQUIRE(ack.h.window == 2048);
    REQUIRE(ack.h.timestamps->tsecr == synack.h.timestamps->tsval);

    // The effective send MSS: 1460 minus the 12 bytes of the timestamps option.
    REQUIRE(p.a.connection(c)->mss == 1448);
    REQUIRE(p.b.connection(s)->mss == 1448);
    REQUIRE(p.a.connection(c)->snd_wscale == 7);

    // Data one way and back.
    const std::vector<Byte> msg{'h', 'e', 'l', 'l', 'o'};
    REQUIRE(*p.a.send(c, msg) == 5);
    std::array<Byte, 16> buf{};
    std::size_t got = 0;
    REQUIRE(p.run_until(
        [&] {
            auto r = p.b.recv(s, buf);
            if (r) got = *r;
            return got != 0;
        },
        1s));
    REQUIRE(got == 5);
    REQUIRE(std::equal(msg.begin(), msg.end(), buf.begin()));
}

TEST_CASE("tcp: without options offered the peer falls back to MSS 536 and no scaling") {
    TcpConfig plain;
    plain.sack = plain.timestamps = plain.window_scaling = false;
    Pair<> p{plain, TcpConfig{}};
    // A sends no MSS option? It always sends MSS; check B's view of A's absent options.
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto* tb = p.b.connection(s);
    REQUIRE(!tb->ws_ok);
    REQUIRE(!tb->ts_ok);
    REQUIRE(!tb->sack_ok);
    REQUIRE(tb->mss == 1460); // A offered 1460, no timestamps to subtract
    // The SYN-ACK answers only what was offered (RFC 7323 §2.2, RFC 2018 §2).
    const Sent& synack = p.net.log.at(1);
    REQUIRE(!synack.h.window_scale);
    REQUIRE(!synack.h.sack_permitted);
    REQUIRE(!synack.h.timestamps);
    (void)c;
}

TEST_CASE("tcp: simultaneous open goes SYN-SENT -> SYN-RECEIVED -> ESTABLISHED") {
    Pair<> p;
    // RFC 9293 §3.5 figure 8: both send SYN, both answer SYN-ACK.
    auto c1 = p.a.connect(Endpoint{addr_a, Port{5000}}, Endpoint{addr_b, Port{6000}}, p.net.now);
    auto c2 = p.b.connect(Endpoint{addr_b, Port{6000}}, Endpoint{addr_a, Port{5000}}, p.net.now);
    REQUIRE(c1);
    REQUIRE(c2);
    bool saw_syn_received = false;
    REQUIRE(p.run_until(
        [&] {
            saw_syn_received |=
                p.a.state(*c1) == State::syn_received && p.b.state(*c2) == State::syn_received;
            return p.a.state(*c1) == State::established && p.b.state(*c2) == State::established;
        },
        5s));
    REQUIRE(saw_syn_received);
    REQUIRE(p.count(0, tcp_flags::syn | tcp_flags::ack) >= 1);
    REQUIRE(p.count(1, tcp_flags::syn | tcp_flags::ack) >= 1);
    REQUIRE(p.a.counters().rst_out == 0);
    REQUIRE(p.b.counters().rst_out == 0);
}

TEST_CASE("tcp: four-way close, TIME-WAIT lasts 2 MSL then the connection is freed") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.a.close(c).ok()); // active close: FIN-WAIT-1
    std::array<Byte, 8> buf{};
    bool saw_fw2 = false, saw_close_wait = false;
    REQUIRE(p.run_until(
        [&] {
            const auto st = p.b.state(s);
            saw_close_wait |= st == State::close_wait;
            bool a_fw2 = false;
            p.a.for_each(
                [&](ConnId, const FourTuple&, State x) { a_fw2 |= x == State::fin_wait_2; });
            saw_fw2 |= a_fw2;
            if (st == State::close_wait && saw_fw2) {
                REQUIRE(*p.b.recv(s, buf) == 0); // EOF
                REQUIRE(p.b.close(s).ok());      // LAST-ACK
            }
            bool a_tw = false;
            p.a.for_each([&](ConnId, const FourTuple&, State x) { a_tw |= x == State::time_wait; });
            return a_tw;
        },
        5s));
    REQUIRE(saw_close_wait);
    REQUIRE(saw_fw2);
    const Instant tw_start = p.net.now;
    // B saw the last ACK: LAST-ACK -> CLOSED, freed.
    p.run_for(100ms);
    std::size_t b_sockets = 0;
    p.b.for_each([&](ConnId, const FourTuple&, State x) { b_sockets += x != State::listen; });
    REQUIRE(b_sockets == 0);
    // TIME-WAIT = 2 * MSL = 60 s (Linux TCP_TIMEWAIT_LEN).
    p.run_for(tw_start + 59s - p.net.now);
    std::size_t a_sockets = 0;
    p.a.for_each([&](ConnId, const FourTuple&, State x) { a_sockets += x == State::time_wait; });
    REQUIRE(a_sockets == 1);
    p.run_for(2s);
    a_sockets = 0;
    p.a.for_each([&](ConnId, const FourTuple&, State) { ++a_sockets; });
    REQUIRE(a_sockets == 0);
}

TEST_CASE("tcp: simultaneous close goes FIN-WAIT-1 -> CLOSING -> TIME-WAIT on both sides") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.a.shutdown(c, Shutdown::write).ok());
    REQUIRE(p.b.shutdown(s, Shutdown::write).ok());
    REQUIRE(p.a.state(c) == State::fin_wait_1);
    REQUIRE(p.b.state(s) == State::fin_wait_1);
    bool a_closing = false, b_closing = false;
    REQUIRE(p.run_until(
        [&] {
            a_closing |= p.a.state(c) == State::closing;
            b_closing |= p.b.state(s) == State::closing;
            return p.a.state(c) == State::time_wait && p.b.state(s) == State::time_wait;
        },
        5s));
    // RFC 9293 §3.6 figure 13: each FIN arrives before the ACK of ours.
    REQUIRE(a_closing);
    REQUIRE(b_closing);
}

TEST_CASE("tcp: SYN to a closed port is answered <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; "
          "SYN-SENT -> ECONNREFUSED") {
    Pair<> p;
    auto c = p.a.connect(Endpoint{addr_a, Port{0}}, Endpoint{addr_b, Port{81}}, p.net.now);
    REQUIRE(c);
    std::array<Byte, 4> buf{};
    REQUIRE(p.run_until([&] { return p.a.state(*c) == State::closed; }, 5s));
    const Sent& syn = p.net.log.at(0);
    const Sent* rst = p.last(1, tcp_flags::rst);
    REQUIRE(rst);
    // RFC 9293 §3.10.7.1: SYN has no ACK: SEQ 0, ACK = SEG.SEQ + SEG.LEN (SYN counts 1).
    REQUIRE(rst->h.flags == (tcp_flags::rst | tcp_flags::ack));
    REQUIRE(rst->h.seq_number == SeqNum{0});
    REQUIRE(rst->h.ack_number == syn.h.seq_number + 1);
    REQUIRE(p.b.counters().no_socket == 1);
    // The ephemeral port is in Linux's range.
    REQUIRE(syn.h.src_port.value() >= 32768);
    REQUIRE(syn.h.src_port.value() <= 60999);
    // RFC 9293 §3.10.7.3: an acceptable RST in SYN-SENT -> "connection refused".
    REQUIRE(p.a.readiness(*c).error == Errno::econnrefused);
    REQUIRE(p.a.recv(*c, buf).error() == Errno::econnrefused);
    // Reported once (Linux sock_error clears sk_err): no POLLERR afterwards.
    REQUIRE(p.a.readiness(*c).error == Errno::ok);
}

TEST_CASE("tcp: segment with ACK to a closed port gets <SEQ=SEG.ACK><CTL=RST>; ACK in LISTEN too") {
    Pair<> p;
    auto l = p.b.listen(Endpoint{addr_b, Port{80}}, 4);
    REQUIRE(l);
    TcpRepr h;
    h.src_port = Port{1234};
    h.dst_port = Port{80};
    h.seq_number = SeqNum{1000};
    h.ack_number = SeqNum{777777};
    h.flags = tcp_flags::ack;
    const FourTuple from{{addr_a, Port{1234}}, {addr_b, Port{80}}};
    p.inject(1, from, h); // ACK in LISTEN (RFC 9293 §3.10.7.2)
    h.dst_port = Port{99};
    const FourTuple closed{{addr_a, Port{1234}}, {addr_b, Port{99}}};
    p.inject(1, closed, h); // closed port with ACK
    REQUIRE(p.net.log.size() == 2);
    for (const Sent& r : p.net.log) {
        REQUIRE(r.h.flags == tcp_flags::rst);
        REQUIRE(r.h.seq_number == SeqNum{777777});
    }
    // A RST is never answered (RFC 9293 §3.10.7.1).
    h.flags = tcp_flags::rst;
    p.inject(1, closed, h);
    REQUIRE(p.net.log.size() == 2);
}

TEST_CASE("tcp: RST validation (RFC 5961 §3): in window but not RCV.NXT -> challenge ACK; exact -> "
          "ECONNRESET") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.run_for(100ms);
    const auto* tb = p.b.connection(s);
    const auto seg = p.from_a(c, tcp_flags::rst);
    const FourTuple from = seg.first;
    TcpRepr h = seg.second;
    h.seq_number = tb->rcv_nxt + 100; // inside the 256 KiB window
    const std::size_t before = p.net.log.size();
    p.inject(1, from, h);
    REQUIRE(p.b.state(s) == State::established);
    REQUIRE(p.b.counters().challenge_acks == 1);
    REQUIRE(p.net.log.size() == before + 1);
    const Sent& ch = p.net.log.back();
    // The challenge ACK: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    REQUIRE(ch.h.flags == tcp_flags::ack);
    REQUIRE(ch.h.seq_number == tb->snd_nxt);
    REQUIRE(ch.h.ack_number == tb->rcv_nxt);
    // Outside the window: dropped silently.
    h.seq_number = tb->rcv_nxt + 10'000'000;
    p.inject(1, from, h);
    REQUIRE(p.net.log.size() == before + 1);
    REQUIRE(p.b.state(s) == State::established);
    // Exactly RCV.NXT: reset.
    h.seq_number = tb->rcv_nxt;
    p.inject(1, from, h);
    std::array<Byte, 4> buf{};
    REQUIRE(p.b.state(s) == State::closed);
    REQUIRE(p.b.recv(s, buf).error() == Errno::econnreset);
    // The error is reported once; then send says EPIPE (Linux sk_stream_error).
    REQUIRE(p.b.send(s, buf).error() == Errno::epipe);
}

TEST_CASE("tcp: SYN in ESTABLISHED -> challenge ACK (RFC 5961 §4), connection kept") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.run_for(100ms);
    const auto* tb = p.b.connection(s);
    const auto seg = p.from_a(c, tcp_flags::syn);
    const FourTuple from = seg.first;
    TcpRepr h = seg.second;
    h.seq_number = SeqNum{12345}; // any sequence number
    p.inject(1, from, h);
    REQUIRE(p.b.state(s) == State::established);
    REQUIRE(p.b.counters().challenge_acks == 1);
    REQUIRE(p.net.log.back().h.flags == tcp_flags::ack);
    REQUIRE(p.net.log.back().h.ack_number == tb->rcv_nxt);
    // RFC 5961 §5: an ACK acknowledging data never sent -> challenge ACK, dropped.
    h.flags = tcp_flags::ack;
    h.seq_number = tb->rcv_nxt;
    h.ack_number = tb->snd_nxt + 5000;
    p.inject(1, from, h);
    REQUIRE(p.b.counters().challenge_acks == 2);
    REQUIRE(p.b.state(s) == State::established);
    // The challenge ACK made A... the real peer is fine; the connection still works.
    const std::vector<Byte> msg{'x'};
    REQUIRE(p.a.send(c, msg).ok());
    std::array<Byte, 4> buf{};
    REQUIRE(p.run_until([&] { return p.b.recv(s, buf).ok(); }, 2s));
}

TEST_CASE("tcp: zero window: persist probes, then the window reopens and the data completes") {
    TcpConfig small;
    small.recv_buffer = 4096;
    // Shift 0 (no tcp_rmem[2] look-alike): every free byte can be advertised,
    // so the buffer fills completely (with Linux's shift 7 the last < 128
    // bytes would show as a zero window).
    small.window_scale_space = 0;
    Pair<> p{TcpConfig{}, small};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto data = pseudo_random(20000, 7);
    std::size_t queued = 0;
    REQUIRE(p.run_until(
        [&] {
            if (queued < data.size())
                if (auto n = p.a.send(c, Bytes(data).subspan(queued))) queued += *n;
            return p.a.counters().window_probes >= 3;
        },
        60s));
    // B never read: its 4096-byte buffer is full and it advertises 0.
    REQUIRE(p.b.connection(s)->rcvbuf.readable() == 4096);
    REQUIRE(p.a.connection(c)->snd_wnd == 0);
    // The probes are <SEQ=SND.UNA-1> with no data: each one is answered by an ACK.
    const Sent* probe = nullptr;
    for (const Sent& x : p.net.log)
        if (x.from == 0 && x.len == 0 && x.h.seq_number == p.a.connection(c)->snd_una - 1)
            probe = &x;
    REQUIRE(probe);
    REQUIRE(p.a.state(c) == State::established);
    // The application reads: the window update reopens the flow.
    std::vector<Byte> got;
    std::array<Byte, 1000> buf{};
    REQUIRE(p.run_until(
        [&] {
            if (queued < data.size())
                if (auto n = p.a.send(c, Bytes(data).subspan(queued))) queued += *n;
            while (auto n = p.b.recv(s, buf)) {
                if (*n == 0) break;
                got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
            }
            return got.size() == data.size();
        },
        120s));
    REQUIRE(got == data);
}

TEST_CASE("tcp: keepalive probes an idle peer, then gives up with ETIMEDOUT") {
    TcpConfig k;
    k.keepalive_timing.idle = 10s;
    k.keepalive_timing.interval = 2s;
    k.keepalive_timing.probes = 3;
    Pair<> p{k, TcpConfig{}};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.a.set_keepalive(c, true).ok());
    // While B answers, probes keep the connection.
    p.run_for(35s);
    REQUIRE(p.a.counters().keepalive_probes >= 3);
    REQUIRE(p.a.state(c) == State::established);
    // B vanishes: 3 unanswered probes, then ETIMEDOUT (RFC 9293 §3.8.4, Linux).
    p.net.drop_if = [](int from, const TcpRepr&) { return from == 1; };
    const auto probes_before = p.a.counters().keepalive_probes;
    const Instant t0 = p.net.now;
    REQUIRE(p.run_until([&] { return p.a.state(c) == State::closed; }, 60s));
    REQUIRE(p.a.counters().keepalive_probes - probes_before <= 4);
    // At most idle + probes * interval after the last answered probe.
    REQUIRE(p.net.now - t0 <= 10s + 3 * 2s);
    std::array<Byte, 4> buf{};
    REQUIRE(p.a.recv(c, buf).error() == Errno::etimedout);
    (void)s;
}

TEST_CASE("tcp: retransmission gives up after data_retries with ETIMEDOUT") {
    TcpConfig r;
    r.data_retries = 4;
    Pair<> p{r, TcpConfig{}};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.net.drop_if = [](int from, const TcpRepr&) { return from == 0; };
    const std::vector<Byte> msg(100, 'x');
    REQUIRE(p.a.send(c, msg).ok());
    REQUIRE(p.run_until([&] { return p.a.state(c) == State::closed; }, 600s));
    // The segment went out once and was retransmitted data_retries times,
    // each RTO doubling (RFC 6298 §5.5).
    REQUIRE(p.a.counters().rto_expiries == 4);
    std::vector<Instant> sends;
    for (const Sent& x : p.net.log)
        if (x.from == 0 && x.len == 100) sends.push_back(x.at);
    REQUIRE(sends.size() == 5);
    for (std::size_t i = 2; i < sends.size(); ++i)
        REQUIRE((sends[i] - sends[i - 1]) == 2 * (sends[i - 1] - sends[i - 2]));
    std::array<Byte, 4> buf{};
    REQUIRE(p.a.recv(c, buf).error() == Errno::etimedout);
    (void)s;
}

TEST_CASE("tcp: SYN-SENT retransmits the SYN with backoff, then ETIMEDOUT") {
    TcpConfig r;
    r.syn_retries = 2;
    Pair<> p{r, TcpConfig{}};
    p.net.drop_if = [](int, const TcpRepr&) { return true; };
    auto c = p.a.connect(Endpoint{addr_a, Port{0}}, Endpoint{addr_b, Port{80}}, p.net.now);
    const Instant t0 = p.net.now;
    REQUIRE(p.run_until([&] { return p.a.state(*c) == State::closed; }, 60s));
    REQUIRE(p.count(0, tcp_flags::syn) == 3);
    // Initial RTO 1 s (RFC 6298 §2.1), doubled: 1 + 2 + 4 = 7 s.
    REQUIRE(p.net.now - t0 == 7s);
    std::array<Byte, 4> buf{};
    REQUIRE(p.a.recv(*c, buf).error() == Errno::etimedout);
}

TEST_CASE("tcp: listen backlog overflow answers with SYN cookies and the connections complete") {
    Pair<> p;
    auto l = p.b.listen(Endpoint{addr_b, Port{80}}, 1);
    REQUIRE(l);
    const std::vector<Byte> msg{'c', 'o', 'o', 'k', 'i', 'e'};
    std::vector<ConnId> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(
            *p.a.connect(Endpoint{addr_a, Port{static_cast<std::uint16_t>(41000 + i)}},
                         Endpoint{addr_b, Port{80}}, p.net.now));
        REQUIRE(p.a.send(clients.back(), msg).ok()); // queued in SYN-SENT (RFC 9293 §3.10.2)
    }
    std::vector<ConnId> servers;
    std::size_t got = 0;
    std::array<Byte, 16> buf{};
    REQUIRE(p.run_until(
        [&] {
            while (auto s = p.b.accept(*l))
                servers.push_back(*s);
            for (ConnId s : servers)
                if (auto n = p.b.recv(s, buf)) got += *n;
            return got == 3 * msg.size();
        },
        30s));
    REQUIRE(servers.size() == 3);
    // One SYN fits the SYN queue (backlog 1); the others got cookie SYN-ACKs
    // (RFC 4987 §3.6) and were rebuilt from the cookie in their ACK.
    REQUIRE(p.b.counters().syn_cookies_sent == 2);
    REQUIRE(p.b.counters().syn_cookies_ok == 2);
    // The SYNs had timestamps, so the cookie SYN-ACKs hide WS 7 and SACK in
    // their TSval (Linux cookie_init_timestamp): low 4 bits 7, bit 4 set.
    std::size_t cookie_synacks = 0;
    for (const Sent& x : p.net.log)
        if (x.from == 1 && x.h.flags == (tcp_flags::syn | tcp_flags::ack) && x.h.timestamps &&
            (x.h.timestamps->tsval & 0x1F) == 0x17) {
            ++cookie_synacks;
            REQUIRE(x.h.window_scale == std::uint8_t{7});
            REQUIRE(x.h.sack_permitted);
        }
    REQUIRE(cookie_synacks >= 2);
    // MSS 1460 is in the table {536,1300,1440,1460}; less 12 for timestamps;
    // every server connection (cookie or not) runs with WS, SACK and TS.
    for (ConnId s : servers) {
        const auto* t = p.b.connection(s);
        REQUIRE(t->state == State::established);
        REQUIRE(t->mss == 1448);
        REQUIRE(t->ws_ok);
        REQUIRE(t->snd_wscale == 7);
        REQUIRE(t->sack_ok);
        REQUIRE(t->ts_ok);
    }
}

TEST_CASE("tcp: close() with unread data sends RST; half-close keeps receiving") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    // Half-close: A shuts its write side, B can still send to A.
    REQUIRE(p.a.shutdown(c, Shutdown::write).ok());
    std::array<Byte, 16> buf{};
    REQUIRE(p.run_until([&] { return p.b.state(s) == State::close_wait; }, 2s));
    REQUIRE(*p.b.recv(s, buf) == 0);
    REQUIRE(p.a.send(c, buf).error() == Errno::epipe);
    const std::vector<Byte> msg{'a', 'b', 'c'};
    REQUIRE(p.b.send(s, msg).ok());
    REQUIRE(p.run_until([&] { return p.a.readiness(c).readable; }, 2s));
    REQUIRE(p.a.state(c) == State::fin_wait_2);
    // A closes with 3 bytes unread: RST (RFC 2525 §2.17, Linux).
    REQUIRE(p.a.close(c).ok());
    REQUIRE(p.run_until([&] { return p.b.state(s) == State::closed; }, 2s));
    // B had A's FIN: recv says end of stream first (Linux tcp_recvmsg checks
    // SOCK_DONE before sk_err); the reset is reported by send.
    REQUIRE(*p.b.recv(s, buf) == 0);
    REQUIRE(p.b.send(s, buf).error() == Errno::econnreset);
}

TEST_CASE("tcp: ICMP frag-needed lowers the MSS; a hard error aborts SYN-SENT") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto* ta = p.a.connection(c);
    const auto data = pseudo_random(10000, 3);
    REQUIRE(p.a.send(c, data).ok());
    p.a.poll(p.net.now, p.sa); // data in flight
    IcmpReport r;
    r.kind = IcmpReport::Kind::frag_needed;
    r.code = 4;
    r.next_hop_mtu = 1000;
    r.seq = ta->snd_una;
    p.a.icmp_error(*p.a.tuple(c), r, p.net.now, p.sa);
    // 1000 - 40 - 12 (timestamps) = 948 (RFC 1191 §6).
    REQUIRE(ta->mss == 948);
    REQUIRE(p.a.counters().pmtu_updates == 1);
    std::vector<Byte> got;
    std::array<Byte, 4096> buf{};
    REQUIRE(p.run_until(
        [&] {
            while (auto n = p.b.recv(s, buf)) {
                if (*n == 0) break;
                got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
            }
            return got.size() == data.size();
        },
        10s));
    REQUIRE(got == data);
    bool small_after = false;
    for (const Sent& x : p.net.log)
        small_after |= x.from == 0 && x.len == 948;
    REQUIRE(small_after);

    // Hard error (port unreachable) in SYN-SENT: ECONNREFUSED (RFC 1122 §4.2.3.9).
    p.net.drop_if = [](int, const TcpRepr&) { return true; };
    auto c2 = p.a.connect(Endpoint{addr_a, Port{0}}, Endpoint{addr_b, Port{99}}, p.net.now);
    p.a.poll(p.net.now, p.sa);
    IcmpReport h;
    h.kind = IcmpReport::Kind::unreachable_hard;
    h.code = 3;
    h.seq = p.a.connection(*c2)->iss;
    p.a.icmp_error(*p.a.tuple(*c2), h, p.net.now, p.sa);
    REQUIRE(p.a.recv(*c2, buf).error() == Errno::econnrefused);
    // A soft error is only reported when the connection times out.
    auto c3 = p.a.connect(Endpoint{addr_a, Port{0}}, Endpoint{addr_b, Port{98}}, p.net.now);
    p.a.poll(p.net.now, p.sa);
    h.kind = IcmpReport::Kind::unreachable_soft;
    h.code = 1;
    h.seq = p.a.connection(*c3)->iss;
    p.a.icmp_error(*p.a.tuple(*c3), h, p.net.now, p.sa);
    REQUIRE(p.a.state(*c3) == State::syn_sent);
    REQUIRE(p.run_until([&] { return p.a.state(*c3) == State::closed; }, 300s));
    REQUIRE(p.a.recv(*c3, buf).error() == Errno::ehostunreach);
}

TEST_CASE("tcp: TIME-WAIT acknowledges a retransmitted FIN and restarts 2 MSL") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    REQUIRE(p.a.shutdown(c, Shutdown::write).ok());
    REQUIRE(p.run_until([&] { return p.b.state(s) == State::close_wait; }, 2s));
    REQUIRE(p.b.close(s).ok());
    // A's ACK of B's FIN is lost once: B (LAST-ACK) retransmits its FIN.
    int acks_dropped = 0;
    p.net.drop_if = [&](int from, const TcpRepr& h) {
        return from == 0 && p.a.state(c) == State::time_wait && h.flags == tcp_flags::ack &&
               acks_dropped++ == 0;
    };
    REQUIRE(p.run_until([&] { return p.b.state(s) == State::closed; }, 10s));
    REQUIRE(acks_dropped >= 1);
    REQUIRE(p.b.counters().retransmits == 1);
    // The retransmitted FIN reached A (5 ms before B closed) and restarted 2·MSL.
    const Instant fin_again = p.net.now - 5ms;
    REQUIRE(p.a.state(c) == State::time_wait);
    p.run_for(fin_again + 59s - p.net.now);
    REQUIRE(p.a.state(c) == State::time_wait);
    p.run_for(2s);
    REQUIRE(p.a.state(c) == State::closed);
    std::array<Byte, 4> buf{};
    REQUIRE(*p.a.recv(c, buf) == 0); // still a clean end of stream
}
