// libstrata_packetdrill.so driven as packetdrill drives it (drill.hpp), with
// every outbound packet checked field by field against values derived by
// hand from RFC 9293, RFC 7323, RFC 2018 and strata's documented choices
// (docs/reference/tcp.md, docs/packetdrill.md):
//   - MSS offered = MTU 1500 − 40 = 1460 (RFC 9293 §3.7.1);
//   - receive buffer 256 KiB ⇒ window scale 3, the smallest shift with
//     262144 >> s ≤ 65535 (RFC 7323 §2.2); a SYN's window is never scaled,
//     so it is min(262144, 65535) = 65535;
//   - options in Linux's order: MSS, SACK-permitted+TS (04 02 08 0a) or
//     NOP NOP SACK-permitted, NOP window scale (RFC 7323 appendix A layout);
//   - IPv4: TTL 64, DF set (RFC 1191), no options.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>

#include <catch2/catch.hpp>

#include "drill.hpp"

using namespace drill;

namespace {

const std::uint32_t local = ip(192, 168, 0, 1); // the adapter's default (docs/packetdrill.md)
const std::uint32_t remote = ip(192, 0, 2, 1);  // packetdrill's default remote (config.c)
constexpr std::uint16_t server_port = 8080;     // packetdrill's default bind/connect port
constexpr std::uint16_t peer_port = 40000;
constexpr std::uint32_t peer_isn = 1'000'000;
constexpr long long second = 1'000'000;

void check_ip(const Out& o, std::uint32_t src, std::uint32_t dst) {
    CHECK(o.version == 4);
    CHECK(o.ihl == 20);
    CHECK(o.ttl == 64);
    CHECK(o.df);
    CHECK(o.proto == 6);
    CHECK(o.total_len == o.bytes.size());
    CHECK(o.ip_sum_ok);
    CHECK(o.tcp_sum_ok);
    CHECK(o.tcp.src == src);
    CHECK(o.tcp.dst == dst);
}

/// The classic server script, which in packetdrill's syntax reads
/// (tests/packetdrill/scripts/server-basic.pkt):
///   0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
///   +0   setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
///   +0   bind(3, ..., ...) = 0
///   +0   listen(3, 1) = 0
///   +0   < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
///   +0   > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 3>
///   +.1  < . 1:1(0) ack 1 win 257
///   +0   accept(3, ..., ...) = 4
///   +0   < P. 1:1001(1000) ack 1 win 257
///   +.04 > . 1:1(0) ack 1001 win 32643
///   +0   read(4, ..., 1000) = 1000
///   +0   > . 1:1(0) ack 1001 win 32768
///   +0   write(4, ..., 500) = 500
///   +0   > P. 1:501(500) ack 1001 win 32768
///   +.1  < . 1001:1001(0) ack 501 win 257
///   +0   < F. 1001:1001(0) ack 501 win 257
///   +0   > . 501:501(0) ack 1002 win 32768
///   +0   read(4, ..., 1000) = 0
///   +0   close(4) = 0
///   +0   > F. 501:501(0) ack 1002 win 32768
///   +.1  < . 1002:1002(0) ack 502 win 257
/// Returns every outbound packet's bytes (for the determinism test).
std::vector<Octets> server_script(const char* flags) {
    Drill d(flags);
    std::vector<Octets> sent;
    const long long t0 = d.now();

    const int fd = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
    REQUIRE(fd == 3); // descriptors start at 3, as a fresh process's would
    const int one = 1;
    REQUIRE(d.ifc.setsockopt(d.u(), fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    const sockaddr_in me = Drill::addr(local, server_port);
    REQUIRE(d.ifc.bind(d.u(), fd, reinterpret_cast<const sockaddr*>(&me), sizeof me) == 0);
    REQUIRE(d.ifc.listen(d.u(), fd, 1) == 0);

    // < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
    Segment syn{remote, local, peer_port, server_port, peer_isn, 0, SYN, 32792,
                opts({2, 4, 0x03, 0xe8, 4, 2, 1, 1, 1, 3, 3, 7}), 0};
    REQUIRE(d.inject(build(syn)) == 0);

    // > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 3>: no timestamps
    // (the SYN offered none, RFC 7323 §3.2), at the SYN's instant.
    Out sa = d.receive();
    sent.push_back(sa.bytes);
    check_ip(sa, local, remote);
    CHECK(sa.time_usecs - t0 == 0);
    CHECK(sa.tcp.sport == server_port);
    CHECK(sa.tcp.dport == peer_port);
    CHECK(sa.tcp.flags == (SYN | ACK));
    CHECK(sa.tcp.ack == peer_isn + 1);
    CHECK(sa.tcp.win == 65535);
    CHECK(sa.tcp.options == opts({2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 3}));
    CHECK(sa.tcp.payload == 0);
    const std::uint32_t isn = sa.tcp.seq; // random (RFC 6528): the script's 0

    // +.1 < . 1:1(0) ack 1 win 257 — completes the handshake; no answer.
    d.wait_until(t0 + second / 10);
    REQUIRE(d.inject(build({remote, local, peer_port, server_port, peer_isn + 1, isn + 1, ACK,
                            257, {}, 0})) == 0);
    sockaddr_in peer{};
    socklen_t plen = sizeof peer;
    const int c = d.ifc.accept(d.u(), fd, reinterpret_cast<sockaddr*>(&peer), &plen);
    REQUIRE(c == 4);
    CHECK(plen == sizeof(sockaddr_in));
    CHECK(ntohl(peer.sin_addr.s_addr) == remote);
    CHECK(ntohs(peer.sin_port) == peer_port);

    // < P. 1:1001(1000): one segment, not two full-sized ones, so the ACK
    // waits for the 40 ms delayed-ACK timer (RFC 9293 §3.8.6.3; strata's 40 ms).
    const Octets data(1000, 'a');
    REQUIRE(d.inject(build({remote, local, peer_port, server_port, peer_isn + 1, isn + 1,
                            PSH | ACK, 257, {}, 0},
                           data)) == 0);
    Out ack1 = d.receive();
    sent.push_back(ack1.bytes);
    check_ip(ack1, local, remote);
    CHECK(ack1.time_usecs - t0 == second / 10 + 40'000);
    CHECK(ack1.tcp.flags == ACK);
    CHECK(ack1.tcp.seq == isn + 1);
    CHECK(ack1.tcp.ack == peer_isn + 1001);
    // 262144 − 1000 unread = 261144 bytes of room, >> 3 = 32643.
    CHECK(ack1.tcp.win == 32643);
    CHECK(ack1.tcp.options.empty());

    std::vector<char> buf(2000);
    REQUIRE(d.ifc.read(d.u(), c, buf.data(), 1000) == 1000);
    CHECK(std::string(buf.data(), 1000) == std::string(1000, 'a'));
    // Reading moved the right edge by 1000 ≥ min(buffer/2, MSS = 1000): a
    // window update (RFC 9293 §3.8.6.2.2), 262144 >> 3 = 32768.
    Out wu = d.receive();
    sent.push_back(wu.bytes);
    CHECK(wu.time_usecs - t0 == second / 10 + 40'000);
    CHECK(wu.tcp.flags == ACK);
    CHECK(wu.tcp.ack == peer_isn + 1001);
    CHECK(wu.tcp.win == 32768);

    // write 500 bytes: nothing in flight, so Nagle lets it go at once; PSH on
    // the segment that empties the send buffer.
    const std::string reply(500, 'b');
    REQUIRE(d.ifc.write(d.u(), c, reply.data(), reply.size()) == 500);
    Out dat = d.receive();
    sent.push_back(dat.bytes);
    check_ip(dat, local, remote);
    CHECK(dat.time_usecs - t0 == second / 10 + 40'000);
    CHECK(dat.tcp.flags == (PSH | ACK));
    CHECK(dat.tcp.seq == isn + 1);
    CHECK(dat.tcp.ack == peer_isn + 1001);
    CHECK(dat.tcp.payload == 500);
    CHECK(std::string(dat.data.begin(), dat.data.end()) == reply);

    // +.1 the peer ACKs it, then sends FIN: the FIN is ACKed at once.
    d.wait_until(t0 + 2 * second / 10 + 40'000);
    REQUIRE(d.inject(build({remote, local, peer_port, server_port, peer_isn + 1001, isn + 501, ACK,
                            257, {}, 0})) == 0);
    REQUIRE(d.inject(build({remote, local, peer_port, server_port, peer_isn + 1001, isn + 501,
                            FIN | ACK, 257, {}, 0})) == 0);
    Out fa = d.receive();
    sent.push_back(fa.bytes);
    CHECK(fa.time_usecs - t0 == 2 * second / 10 + 40'000);
    CHECK(fa.tcp.flags == ACK);
    CHECK(fa.tcp.seq == isn + 501);
    CHECK(fa.tcp.ack == peer_isn + 1002); // the FIN takes one sequence number
    CHECK(fa.tcp.win == 32768);

    CHECK(d.ifc.read(d.u(), c, buf.data(), 1000) == 0); // end of stream
    REQUIRE(d.ifc.close(d.u(), c) == 0);
    Out fin = d.receive(); // CLOSE-WAIT → LAST-ACK
    sent.push_back(fin.bytes);
    CHECK(fin.time_usecs - t0 == 2 * second / 10 + 40'000);
    CHECK(fin.tcp.flags == (FIN | ACK));
    CHECK(fin.tcp.seq == isn + 501);
    CHECK(fin.tcp.ack == peer_isn + 1002);

    d.wait_until(t0 + 3 * second / 10 + 40'000);
    REQUIRE(d.inject(build({remote, local, peer_port, server_port, peer_isn + 1002, isn + 502, ACK,
                            257, {}, 0})) == 0);
    REQUIRE(d.ifc.close(d.u(), fd) == 0);
    return sent;
}

} // namespace

TEST_CASE("packetdrill so: the exported symbol fills every member of the interface") {
    Drill d;
    void* const* members = reinterpret_cast<void* const*>(&d.ifc);
    for (std::size_t i = 0; i < sizeof(packetdrill_interface) / sizeof(void*); ++i)
        CHECK(members[i] != nullptr);
}

TEST_CASE("packetdrill so: the classic server script, field by field") { server_script(""); }

TEST_CASE("packetdrill so: same script, same bytes; another seed, another ISN") {
    const auto a = server_script("seed=7");
    const auto b = server_script("seed=7");
    CHECK(a == b);
    const auto c = server_script("seed=8");
    REQUIRE(c.size() == a.size());
    CHECK(c[0] != a[0]); // the SYN-ACK's ISN (and IP ID) come from the seeded stream
}
