// nat::Napt and fragments (RFC 4787 REQ-14: a NAT MUST support receiving
// in-order and out-of-order fragments). The expected fragments are built
// from scratch with the wanted addresses and their IP checksums computed
// (RFC 791 §3.1), never taken from the NAT's output. The Linux comparison
// (tests/linux, nat_fragments) shows Linux sending both fragments of a
// datagram translated, identification kept, offsets 0 and 512: the same
// shape as here.
#include "nat_packets.hpp"

using namespace nat_test;
using namespace std::chrono_literals;
using nat::Verdict;

namespace {

constexpr std::uint16_t ident = 0x4242;

/// The first fragment of a UDP datagram: the UDP header and 504 bytes of
/// data, MF set, offset 0. Its UDP checksum is computed over what it holds;
/// the NAT fixes it incrementally, so the fix must equal a recomputation.
Packet first_udp(Ipv4Address src, std::uint16_t sport, Ipv4Address dst, std::uint16_t dport) {
    Packet p = udp(src, sport, dst, dport, 504);
    const auto v = Ipv4View<Byte>::unchecked(MutBytes(p));
    v.set_ident(ident);
    v.set_more_frags(true);
    recompute(p);
    return p;
}

/// A later fragment: 488 bytes at byte offset 512 (64 units), MF clear.
/// Its first bytes look like ports (0x1388 = 5000) on purpose: a NAT that
/// took them for a transport header would rewrite them.
Packet later(Ipv4Address src, Ipv4Address dst, std::uint16_t id = ident) {
    Packet p = ip_packet(src, dst, IpProtocol::udp, 488, id);
    for (std::size_t i = 20; i < p.size(); ++i)
        p[i] = static_cast<Byte>(i * 7);
    store_be16(p.data() + 20, 5000);
    store_be16(p.data() + 22, 5000);
    const auto v = Ipv4View<Byte>::unchecked(MutBytes(p));
    v.set_frag_offset(512);
    v.fill_checksum();
    return p;
}

/// What a later fragment must become: the same bytes with `src`/`dst`
/// replaced and the IP checksum computed afresh.
Packet readdressed(Packet p, Ipv4Address src, Ipv4Address dst) {
    const auto v = Ipv4View<Byte>::unchecked(MutBytes(p));
    v.set_src(src);
    v.set_dst(dst);
    v.fill_checksum();
    return p;
}

} // namespace

TEST_CASE("outbound fragments in order: the later one gets the first one's public source",
          "[nat][fragment]") {
    auto n = make();
    RecordingOut out;
    Packet f1 = first_udp(h1, 5000, r1, 53);
    Packet model1 = f1;
    REQUIRE(send_out(n, f1, at_ns(0), out) == Verdict::translated);
    const auto ep = n.public_endpoint(IpProtocol::udp, h1, 5000);
    REQUIRE(ep);
    set_src(model1, public_ip, ep->port);
    recompute(model1);
    CHECK(f1 == model1);

    Packet f2 = later(h1, r1);
    const Packet model2 = readdressed(f2, public_ip, r1);
    REQUIRE(send_out(n, f2, at_ns(1'000'000), out) == Verdict::translated);
    CHECK(f2 == model2); // identification, offset 512 and data kept
    CHECK(Ipv4View<>::unchecked(Bytes(f2)).frag_offset() == 512);
    CHECK(Ipv4View<>::unchecked(Bytes(f2)).ident() == ident);
    CHECK(Ipv4View<>::unchecked(Bytes(f2)).verify_checksum());
    CHECK(n.counters().fragments_translated == 1);
    CHECK(n.counters().translated_out == 2);
    CHECK(n.size() == 1); // no mapping of its own for the later fragment
}

TEST_CASE("inbound fragments of a reply: first by its port, later by the remembered id",
          "[nat][fragment]") {
    auto n = make();
    RecordingOut out;
    Packet q = udp(h1, 5000, r1, 53);
    REQUIRE(send_out(n, q, at_ns(0), out) == Verdict::translated);
    const std::uint16_t port = sport(q);

    Packet f1 = first_udp(r1, 53, public_ip, port);
    Packet model1 = f1;
    REQUIRE(send_in(n, f1, at_ns(1), out) == Verdict::translated);
    set_dst(model1, h1, 5000);
    recompute(model1);
    CHECK(f1 == model1);

    Packet f2 = later(r1, public_ip);
    const Packet model2 = readdressed(f2, r1, h1);
    const nat::Outcome o = n.prerouting(wan, MutBytes(f2), at_ns(2), out);
    REQUIRE(o.verdict == Verdict::translated);
    CHECK(o.context.destination_translated);
    CHECK(n.postrouting(wan, lan, MutBytes(f2), o.context, at_ns(2), out) == Verdict::pass);
    CHECK(f2 == model2);
    CHECK(n.counters().fragments_translated == 1);

    // Another datagram (another identification) from the same peer was not
    // seen starting: dropped, counted apart from unsolicited packets.
    Packet other = later(r1, public_ip, ident + 1);
    CHECK(n.prerouting(wan, MutBytes(other), at_ns(3), out).verdict == Verdict::no_mapping);
    CHECK(n.counters().dropped_fragments == 1);
    CHECK(n.counters().dropped_no_mapping == 0);
    // A record is per direction: the outbound key does not match it.
    Packet wrong_way = later(public_ip, r1);
    CHECK(n.postrouting(lan, wan, MutBytes(wrong_way), {}, at_ns(3), out) == Verdict::pass);
    CHECK(wrong_way == later(public_ip, r1));
}

TEST_CASE("a later fragment before its first is dropped and counted; the rest still pass",
          "[nat][fragment]") {
    auto n = make();
    RecordingOut out;
    Packet early = later(h1, r1);
    CHECK(send_out(n, early, at_ns(0), out) == Verdict::no_mapping);
    CHECK(n.counters().dropped_fragments == 1);
    Packet f1 = first_udp(h1, 5000, r1, 53);
    REQUIRE(send_out(n, f1, at_ns(1), out) == Verdict::translated);
    // Its retransmission (or a third fragment) is translated now.
    Packet again = later(h1, r1);
    REQUIRE(send_out(n, again, at_ns(2), out) == Verdict::translated);
    CHECK(again == readdressed(later(h1, r1), public_ip, r1));
}

TEST_CASE("a first fragment is remembered for fragment_timeout, no longer", "[nat][fragment]") {
    auto c = config();
    c.fragment_timeout = 30s;
    auto n = make(c);
    RecordingOut out;
    Packet f1 = first_udp(h1, 5000, r1, 53);
    REQUIRE(send_out(n, f1, at_ns(0), out) == Verdict::translated);
    Packet in_time = later(h1, r1);
    CHECK(send_out(n, in_time, at_ns(0) + 30s - 1ns, out) == Verdict::translated);
    Packet too_late = later(h1, r1);
    CHECK(send_out(n, too_late, at_ns(0) + 30s, out) == Verdict::no_mapping);
    CHECK(too_late == later(h1, r1)); // dropped untouched
}

TEST_CASE("the fragment table is bounded: a full bucket gives up its oldest record",
          "[nat][fragment]") {
    auto c = config();
    c.fragment_capacity = 4; // one bucket of 4 ways
    auto n = make(c);
    RecordingOut out;
    for (std::uint16_t k = 0; k < 5; ++k) {
        Packet f = first_udp(h1, static_cast<std::uint16_t>(5000 + k), r1, 53);
        Ipv4View<Byte>::unchecked(MutBytes(f)).set_ident(static_cast<std::uint16_t>(100 + k));
        recompute(f);
        REQUIRE(send_out(n, f, at_ns(k), out) == Verdict::translated);
    }
    CHECK(n.fragments().capacity() == 4);
    CHECK(n.fragments().evicted() == 1);
    Packet oldest = later(h1, r1, 100);
    CHECK(send_out(n, oldest, at_ns(10), out) == Verdict::no_mapping);
    for (std::uint16_t k = 1; k < 5; ++k) {
        Packet f = later(h1, r1, static_cast<std::uint16_t>(100 + k));
        CHECK(send_out(n, f, at_ns(10), out) == Verdict::translated);
    }
    // Capacity 0 remembers nothing.
    auto none = config();
    none.fragment_capacity = 0;
    auto z = make(none);
    Packet f = first_udp(h1, 5000, r1, 53);
    REQUIRE(send_out(z, f, at_ns(0), out) == Verdict::translated);
    Packet f2 = later(h1, r1);
    CHECK(send_out(z, f2, at_ns(1), out) == Verdict::no_mapping);
}

TEST_CASE("hairpinned fragments: both addresses rewritten on the later one too",
          "[nat][fragment][hairpin]") {
    auto n = make();
    RecordingOut out;
    Packet first = udp(h1, 5000, r1, 3478);
    REQUIRE(send_out(n, first, at_ns(0), out) == Verdict::translated);
    const std::uint16_t p1 = sport(first);
    Packet f1 = first_udp(h2, 6000, public_ip, p1);
    const nat::Outcome o1 = n.prerouting(lan2, MutBytes(f1), at_ns(1), out);
    REQUIRE(o1.verdict == Verdict::translated);
    REQUIRE(n.postrouting(lan2, lan, MutBytes(f1), o1.context, at_ns(1), out) ==
            Verdict::translated);
    CHECK(dst_of(f1) == h1);
    CHECK(src_of(f1) == public_ip);
    // The later fragment: destination from the prerouting record (keyed on
    // h2 -> public), source from the postrouting one (keyed on h2 -> h1).
    Packet f2 = later(h2, public_ip);
    const nat::Outcome o2 = n.prerouting(lan2, MutBytes(f2), at_ns(2), out);
    REQUIRE(o2.verdict == Verdict::translated);
    REQUIRE(n.postrouting(lan2, lan, MutBytes(f2), o2.context, at_ns(2), out) ==
            Verdict::translated);
    CHECK(f2 == readdressed(later(h2, public_ip), public_ip, h1));
}
