// Timing and option behaviour of the TCP engine: delayed ACK, Nagle, PAWS,
// the RFC 5961 challenge-ACK limit, SACK blocks, fast retransmit, RST in
// SYN-RECEIVED.
#include "harness.hpp"

using namespace tcptest;

namespace {
std::vector<const Sent*> data_from(const Pair<>& p, int from) {
    std::vector<const Sent*> v;
    for (const Sent& s : p.net.log)
        if (s.from == from && s.len != 0) v.push_back(&s);
    return v;
}
std::vector<const Sent*> acks_from(const Pair<>& p, int from, Instant after) {
    std::vector<const Sent*> v;
    for (const Sent& s : p.net.log)
        if (s.from == from && s.len == 0 && s.at >= after && s.h.flags == tcp_flags::ack)
            v.push_back(&s);
    return v;
}
} // namespace

TEST_CASE("tcp: delayed ACK: one segment is acknowledged after 40 ms, the second at once") {
    TcpConfig cfg;
    cfg.max_quickacks = 0; // the RFC 9293 §3.8.6.3 policy from the first segment
    Pair<> p{cfg, cfg};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.run_for(1s);
    REQUIRE(p.a.set_nodelay(c, true).ok());
    const auto one = pseudo_random(1448, 1); // one full-sized segment (MSS 1448)
    const Instant t0 = p.net.now;
    REQUIRE(p.a.send(c, one).ok());
    p.run_for(200ms);
    auto acks = acks_from(p, 1, t0);
    REQUIRE(acks.size() == 1);
    // Arrives after the 5 ms link delay; ACKed when the 40 ms timer fires
    // (RFC 9293 §3.8.6.3: less than 0.5 s; Linux's minimum 40 ms).
    REQUIRE(acks[0]->at - t0 == 5ms + 40ms);
    REQUIRE(p.b.counters().delayed_acks == 1);
    // Two full-sized segments: the second is ACKed on arrival (RFC 5681 §4.2).
    const auto two = pseudo_random(2 * 1448, 2);
    const Instant t1 = p.net.now;
    REQUIRE(p.a.send(c, two).ok());
    p.run_for(200ms);
    acks = acks_from(p, 1, t1);
    REQUIRE(!acks.empty());
    REQUIRE(acks[0]->at - t1 == 5ms);
    REQUIRE(acks[0]->h.ack_number == p.a.connection(c)->snd_max);
    (void)s;
}

TEST_CASE("tcp: Nagle holds a small segment while one is unacknowledged; TCP_NODELAY does not") {
    for (bool nodelay : {false, true}) {
        TcpConfig cfg;
        cfg.max_quickacks = 0; // B delays its ACK (no quick-ACK mode)
        Pair<> p{cfg, cfg};
        // Named variables, not a structured binding: clang 14 cannot capture one in a lambda.
        const auto ids = p.connect();
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        p.run_for(1s);
        REQUIRE(p.a.set_nodelay(c, nodelay).ok());
        const std::vector<Byte> small(10, 'n');
        const Instant t0 = p.net.now;
        REQUIRE(p.a.send(c, small).ok());
        p.a.poll(p.net.now, p.sa);
        REQUIRE(p.a.send(c, small).ok());
        p.a.poll(p.net.now, p.sa);
        REQUIRE(p.a.send(c, small).ok());
        p.a.poll(p.net.now, p.sa);
        std::size_t at_t0 = 0;
        for (const Sent* d : data_from(p, 0))
            at_t0 += d->at == t0;
        // RFC 9293 §3.7.4 (RFC 896): with Nagle only the first small segment
        // leaves; the rest waits for its ACK (which B delays by 40 ms).
        REQUIRE(at_t0 == (nodelay ? 3u : 1u));
        std::array<Byte, 64> buf{};
        std::size_t got = 0;
        // B's application reads late, so no window update hastens the ACK.
        p.run_for(150ms);
        REQUIRE(p.run_until(
            [&] {
                if (auto n = p.b.recv(s, buf)) got += *n;
                return got == 30;
            },
            1s));
        if (!nodelay) {
            const auto d = data_from(p, 0);
            REQUIRE(d.size() == 2);
            REQUIRE(d[1]->len == 20);
            REQUIRE(d[1]->at - t0 == 5ms + 40ms + 5ms); // when B's delayed ACK arrives
        }
    }
}

TEST_CASE("tcp: PAWS drops a segment with an old timestamp and ACKs it (RFC 7323 §5.3)") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    p.run_for(100ms);
    const auto* tb = p.b.connection(s);
    const auto* ta = p.a.connection(c);
    TcpRepr h;
    h.src_port = ta->tuple.local.port;
    h.dst_port = Port{80};
    h.seq_number = tb->rcv_nxt;
    h.ack_number = tb->snd_nxt;
    h.flags = tcp_flags::ack | tcp_flags::psh;
    h.window = 1000;
    h.timestamps = TcpTimestamps{tb->ts_recent - 1000, 0}; // older than TS.Recent
    const std::vector<Byte> payload(100, 'p');
    const SeqNum before = tb->rcv_nxt;
    const std::size_t sent_before = p.net.log.size();
    p.inject(1, ta->tuple, h, payload);
    REQUIRE(p.b.counters().paws_rejected == 1);
    REQUIRE(tb->rcv_nxt == before);
    REQUIRE(p.net.log.size() == sent_before + 1); // the ACK
    REQUIRE(p.net.log.back().h.ack_number == before);
    // The same segment with a current timestamp is accepted.
    h.timestamps = TcpTimestamps{tb->ts_recent + 1, 0};
    p.inject(1, ta->tuple, h, payload);
    REQUIRE(tb->rcv_nxt == before + 100);
}

TEST_CASE("tcp: challenge ACKs are limited per second (RFC 5961 §7)") {
    TcpConfig lim;
    lim.challenge_ack_limit = 2;
    Pair<> p{TcpConfig{}, lim};
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto* ta = p.a.connection(c);
    TcpRepr h;
    h.src_port = ta->tuple.local.port;
    h.dst_port = Port{80};
    h.flags = tcp_flags::syn;
    for (std::uint32_t i = 0; i < 5; ++i) {
        h.seq_number = SeqNum{1000 + i};
        p.inject(1, ta->tuple, h);
    }
    REQUIRE(p.b.counters().challenge_acks == 2);
    REQUIRE(p.b.counters().challenge_acks_limited == 3);
    p.net.now += 1s; // a new second
    p.inject(1, ta->tuple, h);
    REQUIRE(p.b.counters().challenge_acks == 3);
    (void)s;
}

TEST_CASE("tcp: RST in SYN-RECEIVED returns a passive open to LISTEN; bad ACK there gets RST") {
    Pair<> p;
    auto l = p.b.listen(Endpoint{addr_b, Port{80}}, 4);
    const FourTuple from{{addr_a, Port{5555}}, {addr_b, Port{80}}};
    TcpRepr syn;
    syn.src_port = Port{5555};
    syn.dst_port = Port{80};
    syn.seq_number = SeqNum{100};
    syn.flags = tcp_flags::syn;
    p.inject(1, from, syn);
    REQUIRE(p.net.log.back().h.flags == (tcp_flags::syn | tcp_flags::ack));
    const SeqNum iss_b = p.net.log.back().h.seq_number;
    std::size_t n = 0;
    p.b.for_each([&](ConnId, const FourTuple&, State st) { n += st == State::syn_received; });
    REQUIRE(n == 1);
    // RFC 9293 §3.10.7.4 (SYN-RECEIVED, fifth): an unacceptable ACK -> <SEQ=SEG.ACK><CTL=RST>.
    TcpRepr bad;
    bad.src_port = Port{5555};
    bad.dst_port = Port{80};
    bad.seq_number = SeqNum{101};
    bad.ack_number = iss_b + 1000;
    bad.flags = tcp_flags::ack;
    p.inject(1, from, bad);
    REQUIRE(p.net.log.back().h.flags == tcp_flags::rst);
    REQUIRE(p.net.log.back().h.seq_number == iss_b + 1000);
    // RST with SEQ = RCV.NXT (101): back to LISTEN, the SYN-RECEIVED TCB is gone.
    TcpRepr rst;
    rst.src_port = Port{5555};
    rst.dst_port = Port{80};
    rst.seq_number = SeqNum{101};
    rst.flags = tcp_flags::rst;
    p.inject(1, from, rst);
    n = 0;
    p.b.for_each([&](ConnId, const FourTuple&, State) { ++n; });
    REQUIRE(n == 1);
    REQUIRE(p.b.state(*l) == State::listen);
    REQUIRE(p.b.accept(*l).error() == Errno::eagain);
}

TEST_CASE("tcp: one lost segment: SACK blocks, 3 dupacks, fast retransmit, no timeout") {
    for (bool sack : {true, false}) {
        TcpConfig cfg;
        cfg.sack = sack;
        Pair<> p{cfg, cfg};
        // Named variables, not a structured binding: clang 14 cannot capture one in a lambda.
        const auto ids = p.connect();
        const ConnId c = ids.first;
        const ConnId s = ids.second;
        p.run_for(1s);
        int data_seen = 0;
        SeqNum lost{};
        p.net.drop_if = [&](int from, const TcpRepr& h) {
            if (from != 0 || h.flags.fin()) return false;
            if (h.seq_number == p.a.connection(c)->snd_una + 2 * 1448 && ++data_seen == 1) {
                lost = h.seq_number;
                return true;
            }
            return false;
        };
        const auto data = pseudo_random(20 * 1448, 9);
        REQUIRE(*p.a.send(c, data) == data.size());
        std::vector<Byte> got;
        std::array<Byte, 4096> buf{};
        REQUIRE(p.run_until(
            [&] {
                while (auto n = p.b.recv(s, buf)) {
                    if (*n == 0) break;
                    got.insert(got.end(), buf.begin(),
                               buf.begin() + static_cast<std::ptrdiff_t>(*n));
                }
                return got.size() == data.size();
            },
            5s));
        REQUIRE(got == data);
        REQUIRE(p.a.counters().fast_retransmits == 1);
        REQUIRE(p.a.counters().rto_expiries == 0);
        REQUIRE(p.a.counters().retransmits == 1);
        // B's duplicate ACKs acknowledge up to the hole; with SACK the first
        // block reports the segment after it: [lost + 1448, lost + 2896).
        bool saw_block = false;
        for (const Sent& x : p.net.log)
            if (x.from == 1 && x.h.ack_number == lost && x.h.sack_count != 0)
                saw_block |= x.h.sack_blocks[0].left == lost + 1448;
        REQUIRE(saw_block == sack);
    }
}

TEST_CASE("tcp: SYN-SENT: unacceptable ACK -> <SEQ=SEG.ACK><CTL=RST>; RST without an acceptable "
          "ACK is ignored") {
    Pair<> p;
    p.net.drop_if = [](int, const TcpRepr&) { return true; }; // nothing reaches B
    auto c = p.a.connect(Endpoint{addr_a, Port{4444}}, Endpoint{addr_b, Port{80}}, p.net.now);
    p.a.poll(p.net.now, p.sa);
    const SeqNum iss = p.a.connection(*c)->iss;
    const FourTuple from{{addr_b, Port{80}}, {addr_a, Port{4444}}};
    TcpRepr h;
    h.src_port = Port{80};
    h.dst_port = Port{4444};
    h.seq_number = SeqNum{9000};
    // RFC 9293 §3.10.7.3: SEG.ACK =< ISS or > SND.NXT is unacceptable.
    h.flags = tcp_flags::ack;
    h.ack_number = iss; // = ISS
    p.inject(0, from, h);
    REQUIRE(p.net.log.back().h.flags == tcp_flags::rst);
    REQUIRE(p.net.log.back().h.seq_number == iss);
    h.flags = tcp_flags::syn | tcp_flags::ack;
    h.ack_number = iss + 2; // beyond SND.NXT = ISS + 1
    p.inject(0, from, h);
    REQUIRE(p.net.log.back().h.flags == tcp_flags::rst);
    REQUIRE(p.net.log.back().h.seq_number == iss + 2);
    REQUIRE(p.a.state(*c) == State::syn_sent);
    // A RST without ACK, or with an unacceptable one, is dropped.
    const std::size_t n = p.net.log.size();
    h.flags = tcp_flags::rst;
    p.inject(0, from, h);
    h.flags = tcp_flags::rst | tcp_flags::ack;
    h.ack_number = iss + 5;
    p.inject(0, from, h);
    REQUIRE(p.net.log.size() == n);
    REQUIRE(p.a.state(*c) == State::syn_sent);
    // RST in LISTEN is ignored (RFC 9293 §3.10.7.2).
    auto l = p.b.listen(Endpoint{addr_b, Port{80}}, 4);
    h.flags = tcp_flags::rst;
    h.src_port = Port{4444};
    h.dst_port = Port{80};
    p.inject(1, FourTuple{{addr_a, Port{4444}}, {addr_b, Port{80}}}, h);
    REQUIRE(p.net.log.size() == n);
    REQUIRE(p.b.state(*l) == State::listen);
}

TEST_CASE("tcp: random segments against a connection and a listener never break the engine") {
    Pair<> p;
    const auto ids = p.connect(); // no structured binding: clang 14 cannot capture one in a lambda
    const ConnId c = ids.first;
    const ConnId s = ids.second;
    const auto* tb = p.b.connection(s);
    const FourTuple from = *p.a.tuple(c);
    RandomStream r{42};
    std::vector<Byte> payload(3000);
    for (int i = 0; i < 20000; ++i) {
        TcpRepr h;
        h.src_port =
            (i % 3 == 0) ? Port{static_cast<std::uint16_t>(r.below(65536))} : from.local.port;
        h.dst_port = Port{80};
        // Half near the real sequence numbers, half anywhere.
        h.seq_number = r.chance(0.5)
                           ? tb->rcv_nxt + static_cast<std::uint32_t>(r.below(200000)) - 100000u
                           : SeqNum{static_cast<std::uint32_t>(r.next())};
        h.ack_number = r.chance(0.5)
                           ? tb->snd_una + static_cast<std::uint32_t>(r.below(2000)) - 1000u
                           : SeqNum{static_cast<std::uint32_t>(r.next())};
        h.flags = TcpFlags{static_cast<std::uint16_t>(r.below(64))};
        h.window = static_cast<std::uint16_t>(r.next());
        if (r.chance(0.3)) h.mss = static_cast<std::uint16_t>(r.next());
        if (r.chance(0.3)) h.window_scale = static_cast<std::uint8_t>(r.below(256));
        if (r.chance(0.3))
            h.timestamps = TcpTimestamps{static_cast<std::uint32_t>(r.next()),
                                         static_cast<std::uint32_t>(r.next())};
        h.sack_permitted = r.chance(0.2);
        const auto nsack = r.below(4);
        for (std::uint64_t k = 0; k < nsack; ++k)
            h.add_sack_block({tb->snd_una + static_cast<std::uint32_t>(r.below(100000)),
                              tb->snd_una + static_cast<std::uint32_t>(r.below(100000))});
        const auto len = r.chance(0.5) ? r.below(payload.size()) : 0;
        const FourTuple f{{addr_a, h.src_port}, {addr_b, Port{80}}};
        p.inject(1, f, h, Bytes(payload).first(len));
        if (i % 100 == 0) {
            p.net.now += 10ms;
            p.b.poll(p.net.now, p.sb);
            p.net.q.clear(); // nothing is delivered back
        }
    }
    // Still a working engine: a fresh connection completes and carries data.
    p.net.q.clear();
    auto c2 = p.a.connect(Endpoint{addr_a, Port{0}}, Endpoint{addr_b, Port{80}}, p.net.now);
    REQUIRE(c2);
    ConnId s2 = no_conn;
    REQUIRE(p.run_until(
        [&] {
            while (auto a = p.b.accept(p.listener))
                s2 = *a;
            return s2 != no_conn && p.a.state(*c2) == State::established;
        },
        30s));
    const std::vector<Byte> msg{'o', 'k'};
    REQUIRE(p.a.send(*c2, msg).ok());
    std::array<Byte, 4> buf{};
    REQUIRE(p.run_until([&] { return p.b.recv(s2, buf).ok(); }, 5s));
}
