// filter::Stateful: replies to accepted flows pass, unsolicited packets meet
// the rules, and entries expire at exactly last packet + idle timeout:
// UDP 5 min (RFC 4787 REQ-5), TCP established 2 h 4 min and transitory
// 4 min (RFC 5382 REQ-5), the defaults of flow::Timeouts.
#include <catch2/catch.hpp>

#include <strata/policy/filter/stateful.hpp>

using namespace strata;
using namespace strata::filter;
using namespace std::chrono_literals;

namespace {

constexpr PortId lan{0}, wan{1};
const Ipv4Address inside{10, 0, 0, 5}, server{198, 51, 100, 7};

Packet packet(PortId in, std::uint8_t proto, Ipv4Address src, std::uint16_t sport, Ipv4Address dst,
              std::uint16_t dport, std::uint8_t flags = 0) {
    Packet p;
    p.in = in;
    p.out = in == lan ? wan : lan;
    p.protocol = proto;
    p.has_transport = true;
    p.src = src;
    p.dst = dst;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = flags;
    return p;
}
Packet out_udp() { return packet(lan, proto_udp, inside, 5353, server, 53); }
Packet in_udp() { return packet(wan, proto_udp, server, 53, inside, 5353); }
Packet out_tcp(std::uint8_t f) { return packet(lan, proto_tcp, inside, 40000, server, 443, f); }
Packet in_tcp(std::uint8_t f) { return packet(wan, proto_tcp, server, 443, inside, 40000, f); }

/// Outbound from the LAN is accepted, everything else dropped.
Stateful<> lan_out(std::size_t capacity = 1024) {
    auto rules = Rules::build({Rule{.action = Action::accept, .in = lan}}, Action::drop);
    REQUIRE(rules.has_value());
    return Stateful<>(std::move(*rules), StatefulConfig{.capacity = capacity});
}

const Instant t0 = at_ns(1'000'000'000);

} // namespace

TEST_CASE("a reply to an accepted flow passes; an unsolicited packet does not",
          "[filter][stateful]") {
    auto f = lan_out();
    // Unsolicited: nothing tracked yet, the rules drop it.
    auto v = f.check(in_udp(), t0);
    CHECK(v.action == Action::drop);
    CHECK(v.rule == Verdict::default_rule);
    // The query goes out (rule 0), the answer comes back (tracked).
    v = f.check(out_udp(), t0);
    CHECK(v.action == Action::accept);
    CHECK(v.rule == 0);
    v = f.check(in_udp(), t0 + 1ms);
    CHECK(v.action == Action::accept);
    CHECK(v.rule == Verdict::tracked);
    // Another port of the same host is another flow: dropped.
    Packet other = in_udp();
    other.dport = 5354;
    CHECK(f.check(other, t0 + 2ms).action == Action::drop);
    CHECK(f.counters().created == 1);
    CHECK(f.counters().tracked == 1);
    CHECK(f.rules().hits(0) == 1);
    CHECK(f.rules().default_hits() == 2);
}

TEST_CASE("UDP expires at exactly last packet + 5 min", "[filter][stateful]") {
    auto f = lan_out();
    (void)f.check(out_udp(), t0);
    CHECK(f.poll_at() == t0 + 5min);
    CHECK(f.tracks(in_udp(), t0 + 5min - 1ns));
    CHECK_FALSE(f.tracks(in_udp(), t0 + 5min));
    // Lazy: a packet finding the entry due does not pass.
    CHECK(f.check(in_udp(), t0 + 5min).action == Action::drop);
    CHECK(f.counters().expired == 1);
    CHECK(f.size() == 0);
    CHECK(f.poll_at() == never);
}

TEST_CASE("a packet of the flow restarts its timeout", "[filter][stateful]") {
    auto f = lan_out();
    (void)f.check(out_udp(), t0);
    CHECK(f.check(in_udp(), t0 + 4min).rule == Verdict::tracked);
    CHECK(f.poll_at() == t0 + 9min);
    f.poll(t0 + 9min - 1ns);
    CHECK(f.size() == 1);
    f.poll(t0 + 9min);
    CHECK(f.size() == 0);
    CHECK(f.counters().expired == 1);
}

TEST_CASE("TCP: transitory until SYNs both ways, established, FIN and RST transitory again",
          "[filter][stateful]") {
    constexpr std::uint8_t syn = tcp_flag::syn, ack = tcp_flag::ack, fin = tcp_flag::fin,
                           rst = tcp_flag::rst;
    auto f = lan_out();
    (void)f.check(out_tcp(syn), t0);
    CHECK(f.poll_at() == t0 + 4min); // SYN one way: partially open, 4 min
    CHECK(f.check(in_tcp(syn | ack), t0 + 1s).rule == Verdict::tracked);
    CHECK(f.poll_at() == t0 + 1s + 2h + 4min); // SYNs both ways: established
    CHECK(f.tracks(in_tcp(ack), t0 + 1s + 2h + 4min - 1ns));
    CHECK_FALSE(f.tracks(in_tcp(ack), t0 + 1s + 2h + 4min));
    CHECK(f.check(out_tcp(fin | ack), t0 + 2s).rule == Verdict::tracked);
    CHECK(f.poll_at() == t0 + 2s + 4min); // closing: transitory
    f.poll(t0 + 2s + 4min);
    CHECK(f.size() == 0);

    // RST from either side makes an established flow transitory.
    (void)f.check(out_tcp(syn), t0 + 10s);
    (void)f.check(in_tcp(syn | ack), t0 + 11s);
    CHECK(f.poll_at() == t0 + 11s + 2h + 4min);
    CHECK(f.check(in_tcp(rst), t0 + 12s).rule == Verdict::tracked);
    CHECK(f.poll_at() == t0 + 12s + 4min);
}

TEST_CASE("an accepted RST opens no entry", "[filter][stateful]") {
    auto f = lan_out();
    CHECK(f.check(out_tcp(tcp_flag::rst), t0).rule == 0);
    CHECK(f.size() == 0);
}

TEST_CASE("poll_at is the earliest deadline over all timeout classes", "[filter][stateful]") {
    auto f = lan_out();
    (void)f.check(out_tcp(tcp_flag::syn), t0); // t0 + 4 min
    (void)f.check(out_udp(), t0 + 1min);       // t0 + 6 min
    CHECK(f.poll_at() == t0 + 4min);
    f.poll(t0 + 4min);
    CHECK(f.size() == 1);
    CHECK(f.poll_at() == t0 + 6min);
}

TEST_CASE("a full table lets new flows through untracked and counts them", "[filter][stateful]") {
    auto f = lan_out(2);
    for (std::uint16_t port = 1; port <= 3; ++port) {
        Packet p = out_udp();
        p.sport = port;
        CHECK(f.check(p, t0).rule == 0); // the rule still decides
    }
    CHECK(f.size() == 2);
    CHECK(f.counters().table_full == 1);
    Packet reply = in_udp();
    reply.dport = 3; // the third flow was not tracked: its reply is dropped
    CHECK(f.check(reply, t0 + 1s).action == Action::drop);
    reply.dport = 1;
    CHECK(f.check(reply, t0 + 1s).rule == Verdict::tracked);
    // Once the entries are due, a new flow takes their place.
    Packet late = out_udp();
    late.sport = 9;
    (void)f.check(late, t0 + 5min);
    CHECK(f.tracks(late, t0 + 5min));
}

TEST_CASE("ICMP errors about a tracked flow pass as related", "[filter][stateful]") {
    auto f = lan_out();
    (void)f.check(out_udp(), t0);
    // A router on the way reports port unreachable (type 3 code 3), quoting
    // the query as the inside host sent it.
    Packet err;
    err.in = wan;
    err.out = lan;
    err.protocol = proto_icmp;
    err.has_transport = true;
    err.src = Ipv4Address{192, 0, 2, 1};
    err.dst = inside;
    err.icmp_type = 3;
    err.icmp_code = 3;
    err.has_inner = true;
    err.inner_src = inside;
    err.inner_dst = server;
    err.inner_protocol = proto_udp;
    err.inner_sport = 5353;
    err.inner_dport = 53;
    auto v = f.check(err, t0 + 1s);
    CHECK(v.action == Action::accept);
    CHECK(v.rule == Verdict::tracked);
    CHECK(f.counters().related == 1);
    // Quoting a flow nobody opened: the rules decide (drop).
    err.inner_dport = 54;
    CHECK(f.check(err, t0 + 1s).action == Action::drop);
    // Without the quote the rules decide too.
    err.inner_dport = 53;
    err.has_inner = false;
    CHECK(f.check(err, t0 + 1s).action == Action::drop);
    // Errors never open entries.
    CHECK(f.size() == 1);
}

TEST_CASE("ICMP echo: the identifier keys the flow", "[filter][stateful]") {
    auto f = lan_out();
    Packet req = packet(lan, proto_icmp, inside, 77, server, 77);
    req.icmp_type = 8;
    Packet rep = packet(wan, proto_icmp, server, 77, inside, 77);
    rep.icmp_type = 0;
    CHECK(f.check(rep, t0).action == Action::drop);
    CHECK(f.check(req, t0).rule == 0);
    CHECK(f.check(rep, t0 + 1s).rule == Verdict::tracked);
    CHECK(f.poll_at() == t0 + 1s + 60s); // RFC 5508 REQ-1: 60 s
}
