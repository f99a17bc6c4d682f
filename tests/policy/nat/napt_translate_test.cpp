// nat::Napt: translation of TCP, UDP and ICMP echo in both directions,
// endpoint-independent mapping and filtering, the port range, configuration
// errors. Expected bytes come from the model in nat_packets.hpp (fields set
// by hand, every checksum recomputed in full), never from the NAT itself.
#include "nat_packets.hpp"

using namespace nat_test;
using nat::Verdict;

TEST_CASE("ChecksumDelta reproduces the example of RFC 1624 section 4", "[nat]") {
    // RFC 1624 §4: sum of the other header octets 0xCD7A, a field m = 0x5555
    // becomes m' = 0x3285. HC = ~(0xCD7A + 0x5555) = ~0x22D0 = 0xDD2F;
    // recomputed HC' = ~(0xCD7A + 0x3285) = ~0xFFFF = 0x0000, and eqn. 3
    // gives the same: ~(0x22D0 + 0xAAAA + 0x3285) = ~0xFFFF = 0x0000.
    nat::ChecksumDelta d;
    d.change16(0x5555, 0x3285);
    CHECK(d.apply(0xDD2F) == 0x0000);
    // And back: 0x3285 -> 0x5555 restores 0xDD2F.
    nat::ChecksumDelta back;
    back.change16(0x3285, 0x5555);
    CHECK(back.apply(0x0000) == 0xDD2F);
}

TEST_CASE("invalid configurations are errors with a key path", "[nat][config]") {
    auto reversed = config();
    reversed.port_lo = 50000;
    reversed.port_hi = 40000;
    auto r = nat::Napt::make(reversed, RandomStream{1});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().path() == "nat.ports");
    CHECK(r.error().code() == ConfigErrc::bad_value);

    auto zero = config();
    zero.forwards = {{IpProtocol::tcp, 20080, h1, 80}, {IpProtocol::udp, 0, h2, 53}};
    auto o = nat::Napt::make(zero, RandomStream{1});
    REQUIRE_FALSE(o.has_value());
    CHECK(o.error().path() == "nat.forwards[1].public_port");

    auto dup = config();
    dup.forwards = {{IpProtocol::tcp, 20080, h1, 80}, {IpProtocol::tcp, 20080, h2, 80}};
    auto d = nat::Napt::make(dup, RandomStream{1});
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().code() == ConfigErrc::duplicate);
    CHECK(d.error().what() == "nat.forwards[1].public_port: public port 20080 already forwarded");

    auto same_udp_port = config(); // the same number for another protocol is fine
    same_udp_port.forwards = {{IpProtocol::tcp, 20080, h1, 80}, {IpProtocol::udp, 20080, h1, 80}};
    CHECK(nat::Napt::make(same_udp_port, RandomStream{1}).has_value());

    auto no_ip = config();
    no_ip.public_address = Ipv4Address{};
    CHECK(nat::Napt::make(no_ip, RandomStream{1}).error().path() == "nat.public_ip");
}

TEST_CASE("UDP out and back: bytes equal the hand model, checksums recomputed", "[nat][udp]") {
    auto n = make();
    RecordingOut out;
    Packet p = udp(h1, 5000, r1, 53);
    const Packet original = p;
    REQUIRE(send_out(n, p, at_ns(0), out) == Verdict::translated);
    const auto ep = n.public_endpoint(IpProtocol::udp, h1, 5000);
    REQUIRE(ep);
    CHECK(ep->address == public_ip);
    CHECK(ep->port >= 20000);
    CHECK(ep->port <= 59999);
    Packet model = original;
    set_src(model, public_ip, ep->port);
    recompute(model);
    CHECK(p == model);
    CHECK(UdpView<>::unchecked(Bytes(p).subspan(20)).verify_checksum(public_ip, r1));

    Packet reply = udp(r1, 53, public_ip, ep->port, 40);
    Packet reply_model = reply;
    REQUIRE(send_in(n, reply, at_ns(1), out) == Verdict::translated);
    set_dst(reply_model, h1, 5000);
    recompute(reply_model);
    CHECK(reply == reply_model);
    CHECK(n.counters().translated_out == 1);
    CHECK(n.counters().translated_in == 1);
    CHECK(n.counters().mappings_created == 1);
}

TEST_CASE("endpoint-independent mapping and filtering (RFC 4787 REQ-1, REQ-8)", "[nat][udp]") {
    auto n = make();
    RecordingOut out;
    Packet a = udp(h1, 5000, r1, 53);
    Packet b = udp(h1, 5000, r2, 9999);
    REQUIRE(send_out(n, a, at_ns(0), out) == Verdict::translated);
    REQUIRE(send_out(n, b, at_ns(0), out) == Verdict::translated);
    CHECK(sport(a) == sport(b)); // one public port for every destination
    CHECK(n.size() == 1);
    // Another private port or host gets another public port.
    Packet c = udp(h1, 5001, r1, 53);
    Packet d = udp(h2, 5000, r1, 53);
    send_out(n, c, at_ns(0), out);
    send_out(n, d, at_ns(0), out);
    CHECK(sport(c) != sport(a));
    CHECK(sport(d) != sport(a));
    CHECK(sport(d) != sport(c));
    // EIF: a remote that was never contacted reaches the mapping too.
    Packet stranger = udp(Ipv4Address{100, 64, 1, 1}, 4444, public_ip, sport(a));
    REQUIRE(send_in(n, stranger, at_ns(1), out) == Verdict::translated);
    CHECK(dst_of(stranger) == h1);
    CHECK(dport(stranger) == 5000);
}

TEST_CASE("a UDP checksum of 0 stays 0 both ways (RFC 768)", "[nat][udp]") {
    auto n = make();
    RecordingOut out;
    Packet p = udp(h1, 7000, r1, 7, 6, false);
    REQUIRE(send_out(n, p, at_ns(0), out) == Verdict::translated);
    CHECK(load_be16(p.data() + 26) == 0);
    Packet model = udp(h1, 7000, r1, 7, 6, false);
    set_src(model, public_ip, sport(p));
    recompute(model);
    CHECK(p == model);
    Packet back = udp(r1, 7, public_ip, sport(p), 6, false);
    REQUIRE(send_in(n, back, at_ns(0), out) == Verdict::translated);
    CHECK(load_be16(back.data() + 26) == 0);
    CHECK(Ipv4View<>::unchecked(Bytes(back)).verify_checksum());
}

TEST_CASE("TCP handshake out and back matches the model", "[nat][tcp]") {
    auto n = make();
    RecordingOut out;
    Packet syn = tcp(h1, 40000, r1, 80, tcp_flags::syn);
    Packet model = syn;
    REQUIRE(send_out(n, syn, at_ns(0), out) == Verdict::translated);
    set_src(model, public_ip, sport(syn));
    recompute(model);
    CHECK(syn == model);
    Packet synack = tcp(r1, 80, public_ip, sport(syn), tcp_flags::syn | tcp_flags::ack, 100);
    Packet back_model = synack;
    REQUIRE(send_in(n, synack, at_ns(1), out) == Verdict::translated);
    set_dst(back_model, h1, 40000);
    recompute(back_model);
    CHECK(synack == back_model);
    CHECK(TcpView<>::unchecked(Bytes(synack).subspan(20)).verify_checksum(r1, h1));
}

TEST_CASE("ICMP echo identifiers are mapped like ports (RFC 5508 REQ-1/2)", "[nat][icmp]") {
    auto n = make();
    RecordingOut out;
    Packet ping = echo(h1, r1, true, 0x0101);
    Packet ping2 = echo(h2, r1, true, 0x0101); // the same id from another host
    const Packet original = ping;
    REQUIRE(send_out(n, ping, at_ns(0), out) == Verdict::translated);
    REQUIRE(send_out(n, ping2, at_ns(0), out) == Verdict::translated);
    const std::uint16_t id = sport(ping);
    CHECK(id != sport(ping2));
    CHECK(id >= 20000);
    Packet model = original;
    set_src(model, public_ip, id);
    recompute(model);
    CHECK(ping == model);
    CHECK(IcmpView<>::unchecked(Bytes(ping).subspan(20)).verify_checksum());

    Packet pong = echo(r1, public_ip, false, id);
    Packet pong_model = pong;
    REQUIRE(send_in(n, pong, at_ns(1), out) == Verdict::translated);
    set_dst(pong_model, h1, 0x0101);
    recompute(pong_model);
    CHECK(pong == pong_model);

    // An echo request from outside to the public address is the router's own.
    Packet to_router = echo(r1, public_ip, true, id);
    const Packet untouched = to_router;
    CHECK(n.prerouting(wan, MutBytes(to_router), at_ns(1), out).verdict == Verdict::pass);
    CHECK(to_router == untouched);
    // An echo reply nobody asked for is unsolicited.
    Packet stray = echo(r1, public_ip, false, static_cast<std::uint16_t>(id + 1));
    CHECK(send_in(n, stray, at_ns(1), out) == Verdict::no_mapping);
}

TEST_CASE("unsolicited inbound is dropped and counted, packet untouched", "[nat]") {
    auto n = make();
    RecordingOut out;
    Packet u = udp(r1, 53, public_ip, 30000);
    Packet t = tcp(r1, 80, public_ip, 443, tcp_flags::syn);
    Packet gre = ip_packet(r1, public_ip, IpProtocol::gre, 8);
    const Packet u0 = u, t0 = t, g0 = gre;
    CHECK(send_in(n, u, at_ns(0), out) == Verdict::no_mapping);
    CHECK(send_in(n, t, at_ns(0), out) == Verdict::no_mapping);
    CHECK(send_in(n, gre, at_ns(0), out) == Verdict::no_mapping);
    CHECK(u == u0);
    CHECK(t == t0);
    CHECK(gre == g0);
    CHECK(n.counters().dropped_no_mapping == 3);
    // Transit traffic to another address is not the NAT's business.
    Packet transit = udp(r1, 53, Ipv4Address{192, 0, 2, 99}, 30000);
    CHECK(n.prerouting(wan, MutBytes(transit), at_ns(0), out).verdict == Verdict::pass);
}

TEST_CASE("public ports stay in the range, unique while mapped, then exhausted", "[nat][ports]") {
    auto c = config();
    c.port_lo = 1000;
    c.port_hi = 1009; // ten ports per protocol
    auto n = make(c, 42);
    RecordingOut out;
    std::vector<std::uint16_t> seen;
    for (std::uint16_t i = 0; i < 10; ++i) {
        Packet p = udp(h1, static_cast<std::uint16_t>(6000 + i), r1, 53);
        REQUIRE(send_out(n, p, at_ns(0), out) == Verdict::translated);
        CHECK(sport(p) >= 1000);
        CHECK(sport(p) <= 1009);
        for (const auto s : seen)
            CHECK(s != sport(p));
        seen.push_back(sport(p));
    }
    Packet eleventh = udp(h1, 6010, r1, 53);
    const Packet e0 = eleventh;
    CHECK(send_out(n, eleventh, at_ns(0), out) == Verdict::ports_exhausted);
    CHECK(eleventh == e0);
    CHECK(n.counters().dropped_ports_exhausted == 1);
    // TCP has its own ten.
    Packet t = tcp(h1, 6010, r1, 80, tcp_flags::syn);
    CHECK(send_out(n, t, at_ns(0), out) == Verdict::translated);
    // After the UDP timeout (5 min) every UDP port is free again (and the
    // SYN-only TCP mapping, transitory for 4 min, is gone too).
    n.poll(at_ns(0) + std::chrono::minutes(5) - std::chrono::nanoseconds(1), out);
    CHECK(n.size() == 10);
    n.poll(at_ns(0) + std::chrono::minutes(5), out);
    CHECK(n.size() == 0);
    Packet again = udp(h1, 6010, r1, 53);
    CHECK(send_out(n, again, at_ns(0) + std::chrono::minutes(5), out) == Verdict::translated);
}

TEST_CASE("the same seed draws the same ports", "[nat][ports]") {
    auto a = make(config(), 7);
    auto b = make(config(), 7);
    RecordingOut out;
    for (std::uint16_t i = 0; i < 20; ++i) {
        Packet p = udp(h1, static_cast<std::uint16_t>(1000 + i), r1, 53);
        Packet q = p;
        send_out(a, p, at_ns(0), out);
        send_out(b, q, at_ns(0), out);
        CHECK(p == q);
    }
}

TEST_CASE("the table's capacity bounds the mappings", "[nat]") {
    auto c = config();
    c.capacity = 3;
    auto n = make(c);
    RecordingOut out;
    for (std::uint16_t i = 0; i < 3; ++i) {
        Packet p = udp(h1, static_cast<std::uint16_t>(1000 + i), r1, 53);
        CHECK(send_out(n, p, at_ns(0), out) == Verdict::translated);
    }
    Packet p = udp(h1, 2000, r1, 53);
    CHECK(send_out(n, p, at_ns(0), out) == Verdict::ports_exhausted);
    CHECK(n.counters().dropped_table_full == 1);
}

TEST_CASE("non-first fragments are dropped and counted", "[nat]") {
    auto n = make();
    RecordingOut out;
    Packet p = udp(h1, 5000, r1, 53);
    auto v = Ipv4View<Byte>::unchecked(MutBytes(p));
    v.set_frag_offset(8);
    v.fill_checksum();
    const nat::Outcome o = n.prerouting(lan, MutBytes(p), at_ns(0), out);
    REQUIRE(o.verdict == Verdict::pass);
    CHECK(n.postrouting(lan, wan, MutBytes(p), o.context, at_ns(0), out) == Verdict::no_mapping);
    Packet in = udp(r1, 53, public_ip, 30000);
    auto w = Ipv4View<Byte>::unchecked(MutBytes(in));
    w.set_frag_offset(16);
    w.fill_checksum();
    CHECK(n.prerouting(wan, MutBytes(in), at_ns(0), out).verdict == Verdict::no_mapping);
    CHECK(n.counters().dropped_fragments == 2);
    // A first fragment (MF set, offset 0) is translated: the incremental fix
    // is right for the whole datagram's checksum.
    Packet first = udp(h1, 5000, r1, 53);
    Ipv4View<Byte>::unchecked(MutBytes(first)).set_more_frags(true);
    recompute(first);
    CHECK(send_out(n, first, at_ns(0), out) == Verdict::translated);
}
