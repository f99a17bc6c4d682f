// nat::Napt: idle timeouts (RFC 4787 REQ-5, RFC 5382 REQ-5, RFC 5508 REQ-1),
// TCP state from SYN/FIN/RST, lazy expiry through poll()/poll_at(), and
// the trace events of a mapping's life.
#include "nat_packets.hpp"

using namespace nat_test;
using namespace std::chrono_literals;
using nat::Verdict;

namespace {
// True when the private endpoint still has its mapping after poll(t).
bool alive_after(nat::Napt& n, Instant t, IpProtocol p, Ipv4Address a, std::uint16_t port) {
    RecordingOut out;
    n.poll(t, out);
    return n.public_endpoint(p, a, port).has_value();
}
constexpr Instant t0 = at_ns(1'000'000'000); // 1 s into the run
} // namespace

TEST_CASE("UDP mappings live 5 min idle, ICMP 60 s", "[nat][timeout]") {
    auto n = make();
    RecordingOut out;
    Packet u = udp(h1, 5000, r1, 53);
    Packet e = echo(h1, r1, true, 9);
    send_out(n, u, t0, out);
    send_out(n, e, t0, out);
    CHECK(n.poll_at() == t0 + 60s); // the earliest: the ICMP mapping
    CHECK(alive_after(n, t0 + 60s - 1ns, IpProtocol::icmp, h1, 9));
    CHECK_FALSE(alive_after(n, t0 + 60s, IpProtocol::icmp, h1, 9));
    CHECK(n.poll_at() == t0 + 5min);
    CHECK(alive_after(n, t0 + 5min - 1ns, IpProtocol::udp, h1, 5000));
    CHECK_FALSE(alive_after(n, t0 + 5min, IpProtocol::udp, h1, 5000));
    CHECK(n.poll_at() == never);
    CHECK(n.counters().mappings_expired == 2);
}

TEST_CASE("traffic either way refreshes a mapping; the heap catches up lazily", "[nat][timeout]") {
    auto n = make();
    RecordingOut out;
    Packet u = udp(h1, 5000, r1, 53);
    send_out(n, u, t0, out);
    const std::uint16_t port = sport(u);
    Packet reply = udp(r1, 53, public_ip, port);
    REQUIRE(send_in(n, reply, t0 + 4min, out) == Verdict::translated);
    // poll_at() is a lower bound: the node queued at creation comes up first,
    // finds the mapping used since and queues it again for the real expiry.
    CHECK(n.poll_at() == t0 + 5min);
    CHECK(alive_after(n, t0 + 5min, IpProtocol::udp, h1, 5000));
    CHECK(n.poll_at() == t0 + 9min);
    CHECK(alive_after(n, t0 + 9min - 1ns, IpProtocol::udp, h1, 5000));
    CHECK_FALSE(alive_after(n, t0 + 9min, IpProtocol::udp, h1, 5000));
}

TEST_CASE("TCP: transitory until SYNs both ways, established 2 h 4 min", "[nat][timeout][tcp]") {
    auto n = make();
    RecordingOut out;
    Packet syn = tcp(h1, 40000, r1, 80, tcp_flags::syn);
    send_out(n, syn, t0, out);
    const std::uint16_t port = sport(syn);
    SECTION("a SYN alone: 4 min") {
        CHECK(alive_after(n, t0 + 4min - 1ns, IpProtocol::tcp, h1, 40000));
        CHECK_FALSE(alive_after(n, t0 + 4min, IpProtocol::tcp, h1, 40000));
    }
    SECTION("SYN out, SYN/ACK in: established, 2 h 4 min (RFC 5382 REQ-5)") {
        Packet synack = tcp(r1, 80, public_ip, port, tcp_flags::syn | tcp_flags::ack);
        REQUIRE(send_in(n, synack, t0, out) == Verdict::translated);
        CHECK(alive_after(n, t0 + 2h, IpProtocol::tcp, h1, 40000));
        CHECK(alive_after(n, t0 + 2h + 4min - 1ns, IpProtocol::tcp, h1, 40000));
        CHECK_FALSE(alive_after(n, t0 + 2h + 4min, IpProtocol::tcp, h1, 40000));
    }
    SECTION("a FIN after the handshake: transitory again, 4 min from the FIN") {
        Packet synack = tcp(r1, 80, public_ip, port, tcp_flags::syn | tcp_flags::ack);
        send_in(n, synack, t0, out);
        // Past the SYN's 4 min: the heap node moves to the established deadline.
        CHECK(alive_after(n, t0 + 5min, IpProtocol::tcp, h1, 40000));
        CHECK(n.poll_at() == t0 + 2h + 4min);
        Packet fin = tcp(h1, 40000, r1, 80, tcp_flags::fin | tcp_flags::ack);
        REQUIRE(send_out(n, fin, t0 + 10min, out) == Verdict::translated);
        CHECK(n.poll_at() == t0 + 14min); // the shortened deadline was queued
        CHECK(alive_after(n, t0 + 14min - 1ns, IpProtocol::tcp, h1, 40000));
        CHECK_FALSE(alive_after(n, t0 + 14min, IpProtocol::tcp, h1, 40000));
    }
    SECTION("a RST from outside: transitory") {
        Packet synack = tcp(r1, 80, public_ip, port, tcp_flags::syn | tcp_flags::ack);
        send_in(n, synack, t0, out);
        Packet rst = tcp(r1, 80, public_ip, port, tcp_flags::rst);
        REQUIRE(send_in(n, rst, t0 + 1h, out) == Verdict::translated);
        CHECK(alive_after(n, t0 + 1h + 4min - 1ns, IpProtocol::tcp, h1, 40000));
        CHECK_FALSE(alive_after(n, t0 + 1h + 4min, IpProtocol::tcp, h1, 40000));
    }
}

TEST_CASE("timeouts are configurable", "[nat][timeout]") {
    auto c = config();
    c.timeouts.udp = 30s;
    auto n = make(c);
    RecordingOut out;
    Packet u = udp(h1, 5000, r1, 53);
    send_out(n, u, t0, out);
    CHECK(n.poll_at() == t0 + 30s);
    CHECK_FALSE(alive_after(n, t0 + 30s, IpProtocol::udp, h1, 5000));
}

TEST_CASE("trace: created, used, expired with both endpoints", "[nat][trace]") {
    auto n = make();
    RecordingOut out;
    Packet u = udp(h1, 5000, r1, 53);
    send_out(n, u, t0, out);
    const std::uint16_t port = sport(u);
    Packet reply = udp(r1, 53, public_ip, port);
    send_in(n, reply, t0, out);
    n.poll(t0 + 5min, out);
    REQUIRE(out.events.size() == 3);
    CHECK(out.events[0].kind == TraceKind::nat_mapping_created);
    CHECK(out.events[1].kind == TraceKind::nat_mapping_used);
    CHECK(out.events[2].kind == TraceKind::nat_mapping_expired);
    for (const auto& e : out.events) {
        CHECK(e.protocol == 17);
        CHECK(e.addr[0] == h1);
        CHECK(e.l4[0] == 5000);
        CHECK(e.addr[1] == public_ip);
        CHECK(e.l4[1] == port);
    }
    RecordingOut quiet({}, false);
    Packet again = udp(h1, 5000, r1, 53);
    send_out(n, again, t0 + 6min, quiet);
    CHECK(quiet.events.empty());
}

TEST_CASE("stale heap nodes from closing TCP flows do not pile up", "[nat][timeout][tcp]") {
    auto c = config();
    c.capacity = 8; // the heap reserves 8 + 1 + 1 nodes
    auto n = make(c);
    RecordingOut out({}, false);
    const std::size_t memory = n.memory_bytes();
    Instant t = t0;
    for (std::uint16_t i = 0; i < 50; ++i) {
        // Handshake, 4 min idle (the node moves to the 2 h 4 min deadline),
        // then a FIN: a new node at +4 min, the old one stale for 2 hours.
        Packet syn = tcp(h1, static_cast<std::uint16_t>(30000 + i), r1, 80, tcp_flags::syn);
        REQUIRE(send_out(n, syn, t, out) == Verdict::translated);
        Packet synack = tcp(r1, 80, public_ip, sport(syn), tcp_flags::syn | tcp_flags::ack);
        REQUIRE(send_in(n, synack, t, out) == Verdict::translated);
        n.poll(t + 4min, out);
        REQUIRE(n.size() == 1);
        Packet fin =
            tcp(h1, static_cast<std::uint16_t>(30000 + i), r1, 80, tcp_flags::fin | tcp_flags::ack);
        REQUIRE(send_out(n, fin, t + 5min, out) == Verdict::translated);
        n.poll(t + 9min, out);
        REQUIRE(n.size() == 0);
        CHECK(n.table().heap_size() <= 10);
        t += 10min;
    }
    CHECK(n.table().heap_compactions() > 0);
    CHECK(n.memory_bytes() == memory); // nothing grew
    CHECK(n.counters().mappings_expired == 50);
}
