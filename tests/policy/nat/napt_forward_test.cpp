// nat::Napt: static port forwards and hairpinning (RFC 4787 REQ-9,
// RFC 5382 REQ-8).
#include "nat_packets.hpp"

using namespace nat_test;
using namespace std::chrono_literals;
using nat::Verdict;

namespace {
nat::NaptConfig forwarding() {
    auto c = config();
    c.forwards = {{IpProtocol::tcp, 28080, h1, 80}, {IpProtocol::udp, 25353, h2, 53}};
    return c;
}
} // namespace

TEST_CASE("a static forward lets unsolicited inbound reach the private endpoint",
          "[nat][forward]") {
    auto n = make(forwarding());
    RecordingOut out;
    Packet syn = tcp(r1, 51000, public_ip, 28080, tcp_flags::syn);
    Packet model = syn;
    REQUIRE(send_in(n, syn, at_ns(0), out) == Verdict::translated);
    set_dst(model, h1, 80);
    recompute(model);
    CHECK(syn == model);
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].kind == TraceKind::nat_mapping_created);
    // The server's answer leaves from the forwarded port.
    Packet synack = tcp(h1, 80, r1, 51000, tcp_flags::syn | tcp_flags::ack);
    REQUIRE(send_out(n, synack, at_ns(1), out) == Verdict::translated);
    CHECK(src_of(synack) == public_ip);
    CHECK(sport(synack) == 28080);
    // The UDP forward is a different protocol: TCP to 25353 is unsolicited.
    Packet wrong = tcp(r1, 51000, public_ip, 25353, tcp_flags::syn);
    CHECK(send_in(n, wrong, at_ns(1), out) == Verdict::no_mapping);
    Packet dns = udp(r2, 3333, public_ip, 25353);
    REQUIRE(send_in(n, dns, at_ns(1), out) == Verdict::translated);
    CHECK(dst_of(dns) == h2);
    CHECK(dport(dns) == 53);
}

TEST_CASE("a forwarded endpoint going out first uses the forward's port; expiry keeps the "
          "forward",
          "[nat][forward]") {
    auto n = make(forwarding());
    RecordingOut out;
    Packet q = udp(h2, 53, r1, 53);
    REQUIRE(send_out(n, q, at_ns(0), out) == Verdict::translated);
    CHECK(sport(q) == 25353);
    n.poll(at_ns(0) + 5min, out);
    CHECK(n.size() == 0);
    Packet in = udp(r1, 53, public_ip, 25353);
    REQUIRE(send_in(n, in, at_ns(0) + 6min, out) == Verdict::translated);
    CHECK(dst_of(in) == h2);
    // No dynamic mapping ever draws a forwarded port.
    auto c = config();
    c.forwards = {{IpProtocol::tcp, 28080, h1, 80}};
    c.port_lo = 28079;
    c.port_hi = 28081;
    auto small = make(c);
    for (std::uint16_t i = 0; i < 2; ++i) {
        Packet p = tcp(h2, static_cast<std::uint16_t>(7000 + i), r1, 80, tcp_flags::syn);
        REQUIRE(send_out(small, p, at_ns(0), out) == Verdict::translated);
        CHECK(sport(p) != 28080);
    }
    Packet third = tcp(h2, 7002, r1, 80, tcp_flags::syn);
    CHECK(send_out(small, third, at_ns(0), out) == Verdict::ports_exhausted);
}

TEST_CASE("hairpinning: inside to inside through the public address", "[nat][hairpin]") {
    auto n = make();
    RecordingOut out;
    // h1 has a mapping (it talked to r1).
    Packet first = udp(h1, 5000, r1, 3478);
    send_out(n, first, at_ns(0), out);
    const std::uint16_t p1 = sport(first);
    // h2 (on another inside port) sends to h1's public endpoint.
    Packet hp = udp(h2, 6000, public_ip, p1);
    const Packet original = hp;
    const nat::Outcome o = n.prerouting(lan2, MutBytes(hp), at_ns(1), out);
    REQUIRE(o.verdict == Verdict::translated);
    CHECK(o.context.destination_translated);
    CHECK(dst_of(hp) == h1);
    CHECK(dport(hp) == 5000);
    REQUIRE(n.postrouting(lan2, lan, MutBytes(hp), o.context, at_ns(1), out) ==
            Verdict::translated);
    // Source: h2's own public endpoint (RFC 4787 REQ-9: the external one).
    const auto ep2 = n.public_endpoint(IpProtocol::udp, h2, 6000);
    REQUIRE(ep2);
    Packet model = original;
    set_dst(model, h1, 5000);
    set_src(model, public_ip, ep2->port);
    recompute(model);
    CHECK(hp == model);
    // h1 answers to what it saw; it comes back to h2 translated both ways.
    Packet answer = udp(h1, 5000, public_ip, ep2->port);
    const nat::Outcome o2 = n.prerouting(lan, MutBytes(answer), at_ns(2), out);
    REQUIRE(o2.verdict == Verdict::translated);
    REQUIRE(n.postrouting(lan, lan2, MutBytes(answer), o2.context, at_ns(2), out) ==
            Verdict::translated);
    CHECK(dst_of(answer) == h2);
    CHECK(dport(answer) == 6000);
    CHECK(src_of(answer) == public_ip);
    CHECK(sport(answer) == p1);
    // Hairpinning to a forward works the same way.
    auto f = make([] {
        auto c = config();
        c.forwards = {{IpProtocol::tcp, 28080, h1, 80}};
        return c;
    }());
    Packet web = tcp(h2, 41000, public_ip, 28080, tcp_flags::syn);
    const nat::Outcome o3 = f.prerouting(lan, MutBytes(web), at_ns(0), out);
    REQUIRE(o3.verdict == Verdict::translated);
    REQUIRE(f.postrouting(lan, lan, MutBytes(web), o3.context, at_ns(0), out) ==
            Verdict::translated);
    CHECK(dst_of(web) == h1);
    CHECK(src_of(web) == public_ip);
    CHECK(TcpView<>::unchecked(Bytes(web).subspan(20)).verify_checksum(public_ip, h1));
}

TEST_CASE("inside to the public address with no mapping: the router's own or dropped",
          "[nat][hairpin]") {
    auto n = make();
    RecordingOut out;
    Packet ping = echo(h1, public_ip, true, 5);
    CHECK(n.prerouting(lan, MutBytes(ping), at_ns(0), out).verdict == Verdict::pass);
    Packet u = udp(h1, 5000, public_ip, 40000);
    CHECK(n.prerouting(lan, MutBytes(u), at_ns(0), out).verdict == Verdict::no_mapping);
}

TEST_CASE("the topology schema's example: a forward outside the dynamic range", "[nat][forward]") {
    // "ports": [20000, 59999],
    // "forwards": [{"proto": "tcp", "public_port": 8080, "to": "10.0.0.5:80"}]
    // 8080 lies below the range; Linux DNAT has no rule tying a forwarded
    // port to the masquerade range, so this must be accepted.
    auto c = config();
    c.port_lo = 20000;
    c.port_hi = 59999;
    c.forwards = {{IpProtocol::tcp, 8080, Ipv4Address{10, 0, 0, 5}, 80}};
    REQUIRE(nat::validate(c).has_value());
    auto n = make(c);
    RecordingOut out;
    // Unsolicited SYN to public:8080 reaches 10.0.0.5:80, every checksum
    // as recomputed from scratch.
    Packet syn = tcp(r1, 51000, public_ip, 8080, tcp_flags::syn);
    Packet model = syn;
    REQUIRE(send_in(n, syn, at_ns(0), out) == Verdict::translated);
    set_dst(model, Ipv4Address{10, 0, 0, 5}, 80);
    recompute(model);
    CHECK(syn == model);
    // The answer leaves from public:8080 (the forward is the endpoint's
    // mapping, RFC 4787 REQ-1).
    Packet synack = tcp(h1, 80, r1, 51000, tcp_flags::syn | tcp_flags::ack);
    Packet model2 = synack;
    REQUIRE(send_out(n, synack, at_ns(1), out) == Verdict::translated);
    set_src(model2, public_ip, 8080);
    recompute(model2);
    CHECK(synack == model2);
    // UDP to 8080 and TCP to 8081 are not forwarded.
    Packet u = udp(r1, 51000, public_ip, 8080);
    CHECK(send_in(n, u, at_ns(1), out) == Verdict::no_mapping);
    Packet t = tcp(r1, 51000, public_ip, 8081, tcp_flags::syn);
    CHECK(send_in(n, t, at_ns(1), out) == Verdict::no_mapping);
    // An ICMP error about the forwarded flow comes back to the server.
    Packet quoted = tcp(public_ip, 8080, r1, 51000, tcp_flags::ack);
    Packet err = icmp_error(r2, public_ip, IcmpType::dest_unreachable, 1, Bytes(quoted).first(28));
    REQUIRE(send_in(n, err, at_ns(2), out) == Verdict::translated);
    CHECK(dst_of(err) == h1);
    // Expiry gives the port back to the forward: it still works afterwards.
    n.poll(at_ns(0) + 3h, out);
    CHECK(n.size() == 0);
    Packet again = tcp(r2, 40000, public_ip, 8080, tcp_flags::syn);
    REQUIRE(send_in(n, again, at_ns(0) + 3h, out) == Verdict::translated);
    CHECK(dst_of(again) == h1);
    CHECK(dport(again) == 80);
    // Dynamic mappings stay in the range, never on 8080.
    for (std::uint16_t i = 0; i < 50; ++i) {
        Packet p = tcp(h2, static_cast<std::uint16_t>(7000 + i), r1, 80, tcp_flags::syn);
        REQUIRE(send_out(n, p, at_ns(0) + 3h, out) == Verdict::translated);
        CHECK(sport(p) >= 20000);
        CHECK(sport(p) <= 59999);
    }
    // A duplicate (same protocol and public port) is still an error, even
    // outside the range.
    c.forwards.push_back({IpProtocol::tcp, 8080, h2, 8080});
    auto d = nat::validate(c);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().code() == ConfigErrc::duplicate);
    CHECK(d.error().path() == "nat.forwards[1].public_port");
}
