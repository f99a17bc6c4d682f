// nat::Napt: ICMP errors and their quoted datagrams (RFC 5508 §4.2, REQ-3).
// The expected packet is built from scratch: the error the remote end would
// have sent had there been no NAT, quoting the untranslated packet, with
// every checksum (outer ICMP, quoted IP, quoted transport) computed in full
// by the Reprs. The NAT's incremental fixes must reproduce it byte for byte.
#include "nat_packets.hpp"

using namespace nat_test;
using nat::Verdict;

namespace {
constexpr Ipv4Address remote_router{203, 0, 113, 1};
Bytes prefix(const Packet& p, std::size_t n) { return Bytes(p).first(n); }
} // namespace

TEST_CASE("inbound error about an outbound UDP datagram", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    const Packet original = udp(h1, 5000, r1, 53);
    Packet sent = original;
    REQUIRE(send_out(n, sent, at_ns(0), out) == Verdict::translated);
    // r1 answers "port unreachable" (type 3 code 3), quoting all of it.
    Packet error = icmp_error(r1, public_ip, IcmpType::dest_unreachable, 3, Bytes(sent));
    REQUIRE(send_in(n, error, at_ns(1), out) == Verdict::translated);
    const Packet expected = icmp_error(r1, h1, IcmpType::dest_unreachable, 3, Bytes(original));
    CHECK(error == expected);
    CHECK(n.counters().icmp_errors_translated == 1);
}

TEST_CASE("inbound error about TCP, quote truncated inside the payload", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    const Packet original = tcp(h1, 40000, r1, 80, tcp_flags::ack | tcp_flags::psh, 100);
    Packet sent = original;
    REQUIRE(send_out(n, sent, at_ns(0), out) == Verdict::translated);
    SECTION("the quote holds the TCP checksum: fixed although it cannot be verified") {
        // IP header + TCP header + 8 payload bytes of a 120-byte segment:
        // the quoted checksum covers bytes that are not there, yet the
        // incremental fix must give the private packet's true checksum.
        Packet error =
            icmp_error(remote_router, public_ip, IcmpType::time_exceeded, 0, prefix(sent, 48));
        REQUIRE(send_in(n, error, at_ns(1), out) == Verdict::translated);
        CHECK(error ==
              icmp_error(remote_router, h1, IcmpType::time_exceeded, 0, prefix(original, 48)));
    }
    SECTION("only the 8 bytes RFC 792 promises: ports, no checksum") {
        Packet error =
            icmp_error(remote_router, public_ip, IcmpType::time_exceeded, 0, prefix(sent, 28));
        REQUIRE(send_in(n, error, at_ns(1), out) == Verdict::translated);
        CHECK(error ==
              icmp_error(remote_router, h1, IcmpType::time_exceeded, 0, prefix(original, 28)));
    }
}

TEST_CASE("inbound error about an outbound echo request", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    const Packet original = echo(h1, r1, true, 0x0101, 3);
    Packet sent = original;
    REQUIRE(send_out(n, sent, at_ns(0), out) == Verdict::translated);
    Packet error =
        icmp_error(remote_router, public_ip, IcmpType::time_exceeded, 0, prefix(sent, 28));
    REQUIRE(send_in(n, error, at_ns(1), out) == Verdict::translated);
    CHECK(error == icmp_error(remote_router, h1, IcmpType::time_exceeded, 0, prefix(original, 28)));
}

TEST_CASE("inbound errors about nothing we sent are unsolicited", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    const Packet never_sent = udp(public_ip, 31000, r1, 53);
    Packet error = icmp_error(r1, public_ip, IcmpType::dest_unreachable, 3, Bytes(never_sent));
    const Packet e0 = error;
    CHECK(send_in(n, error, at_ns(0), out) == Verdict::no_mapping);
    CHECK(error == e0);
    // A quote too short for ports (RFC 792 promises 8 bytes) is malformed.
    Packet mapped = udp(h1, 5000, r1, 53);
    send_out(n, mapped, at_ns(0), out);
    Packet short_quote =
        icmp_error(r1, public_ip, IcmpType::dest_unreachable, 3, prefix(mapped, 24));
    CHECK(send_in(n, short_quote, at_ns(0), out) == Verdict::no_mapping);
    CHECK(n.counters().dropped_malformed == 1);
}

TEST_CASE("outbound error from an inside host about a translated reply", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    Packet first = udp(h1, 5000, r1, 53);
    send_out(n, first, at_ns(0), out);
    const std::uint16_t port = sport(first);
    const Packet reply_original = udp(r1, 53, public_ip, port, 12);
    Packet reply = reply_original;
    REQUIRE(send_in(n, reply, at_ns(1), out) == Verdict::translated);
    // h1 has closed the socket: port unreachable, quoting what it received.
    Packet error = icmp_error(h1, r1, IcmpType::dest_unreachable, 3, Bytes(reply));
    REQUIRE(send_out(n, error, at_ns(2), out) == Verdict::translated);
    CHECK(error == icmp_error(public_ip, r1, IcmpType::dest_unreachable, 3, Bytes(reply_original)));
}

TEST_CASE("outbound error from the router itself about a translated packet", "[nat][icmp_error]") {
    auto n = make();
    RecordingOut out;
    Packet first = tcp(h1, 40000, r1, 80, tcp_flags::syn);
    send_out(n, first, at_ns(0), out);
    const Packet reply_original =
        tcp(r1, 80, public_ip, sport(first), tcp_flags::syn | tcp_flags::ack);
    Packet reply = reply_original;
    REQUIRE(send_in(n, reply, at_ns(1), out) == Verdict::translated);
    // The router could not deliver it (host unreachable) and says so from
    // its outside address, which is kept; the quote goes back to public.
    const Ipv4Address router_wan{192, 0, 2, 1};
    Packet error = icmp_error(router_wan, r1, IcmpType::dest_unreachable, 1, prefix(reply, 28));
    CHECK(n.postrouting(wan, wan, MutBytes(error), {}, at_ns(2), out) == Verdict::translated);
    CHECK(error ==
          icmp_error(router_wan, r1, IcmpType::dest_unreachable, 1, prefix(reply_original, 28)));
    // An error about something unrelated is left alone.
    const Packet other = udp(r1, 53, Ipv4Address{10, 9, 9, 9}, 53);
    Packet unrelated = icmp_error(router_wan, r1, IcmpType::dest_unreachable, 1, Bytes(other));
    const Packet u0 = unrelated;
    CHECK(n.postrouting(wan, wan, MutBytes(unrelated), {}, at_ns(2), out) == Verdict::pass);
    CHECK(unrelated == u0);
}
