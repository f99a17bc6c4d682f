// libstrata_packetdrill.so driven as packetdrill drives it (drill.hpp), with
// every outbound packet checked field by field against values derived by
// hand from RFC 9293, RFC 7323, RFC 2018 and strata's documented choices
// (docs/reference/tcp.md, docs/packetdrill.md):
//   - MSS offered = MTU 1500 − 40 = 1460 (RFC 9293 §3.7.1);
//   - window scale 7, Linux's ilog2(tcp_rmem[2] = 6 MiB) − 15 = 22 − 15
//     (tcp_select_initial_window); a SYN's window is never scaled (RFC 7323
//     §2.2) and Linux rounds min(buffer, 65535) down to a multiple of the
//     MSS: 44 · 1460 = 64240 (a SYN-ACK with timestamps: 45 · 1448 = 65160);
//   - quick-ACK mode: the first 16 data segments are ACKed at once
//     (tcp_incr_quickack: min(rcv_wnd / (2 · rcv_mss), 16));
//   - a read sends a window update only when the window at least doubles
//     (__tcp_cleanup_rbuf); Minshall's Nagle (tcp_minshall_check);
//   - options in Linux's order: MSS, SACK-permitted+TS (04 02 08 0a) or
//     NOP NOP SACK-permitted, NOP window scale (RFC 7323 appendix A layout);
//   - IPv4: TTL 64, DF set (RFC 1191), no options.
#include <cerrno>
#include <thread>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>

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
///   +0   > S. 0:0(0) ack 1 win 64240 <mss 1460,nop,nop,sackOK,nop,wscale 7>
///   +.1  < . 1:1(0) ack 1 win 257
///   +0   accept(3, ..., ...) = 4
///   +0   < P. 1:1001(1000) ack 1 win 257
///   +0   > . 1:1(0) ack 1001 win 2040
///   +0   read(4, ..., 1000) = 1000
///   +0   write(4, ..., 500) = 500
///   +0   > P. 1:501(500) ack 1001 win 2048
///   +.1  < . 1001:1001(0) ack 501 win 257
///   +0   < F. 1001:1001(0) ack 501 win 257
///   +0   > . 501:501(0) ack 1002 win 2048
///   +0   read(4, ..., 1000) = 0
///   +0   close(4) = 0
///   +0   > F. 501:501(0) ack 1002 win 2048
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
    Segment syn{remote,
                local,
                peer_port,
                server_port,
                peer_isn,
                0,
                SYN,
                32792,
                opts({2, 4, 0x03, 0xe8, 4, 2, 1, 1, 1, 3, 3, 7}),
                0};
    REQUIRE(d.inject(build(syn)) == 0);

    // > S. 0:0(0) ack 1 win 64240 <mss 1460,nop,nop,sackOK,nop,wscale 7>: no
    // timestamps (the SYN offered none, RFC 7323 §3.2), at the SYN's instant;
    // 64240 = 44 · 1460 (no timestamps, so the MSS is not reduced).
    Out sa = d.receive();
    sent.push_back(sa.bytes);
    check_ip(sa, local, remote);
    CHECK(sa.time_usecs - t0 == 0);
    CHECK(sa.tcp.sport == server_port);
    CHECK(sa.tcp.dport == peer_port);
    CHECK(sa.tcp.flags == (SYN | ACK));
    CHECK(sa.tcp.ack == peer_isn + 1);
    CHECK(sa.tcp.win == 64240);
    CHECK(sa.tcp.options == opts({2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7}));
    CHECK(sa.tcp.payload == 0);
    const std::uint32_t isn = sa.tcp.seq; // random (RFC 6528): the script's 0

    // +.1 < . 1:1(0) ack 1 win 257 — completes the handshake; no answer.
    d.wait_until(t0 + second / 10);
    REQUIRE(d.inject(build(
                {remote, local, peer_port, server_port, peer_isn + 1, isn + 1, ACK, 257, {}, 0})) ==
            0);
    sockaddr_in peer{};
    socklen_t plen = sizeof peer;
    const int c = d.ifc.accept(d.u(), fd, reinterpret_cast<sockaddr*>(&peer), &plen);
    REQUIRE(c == 4);
    CHECK(plen == sizeof(sockaddr_in));
    CHECK(ntohl(peer.sin_addr.s_addr) == remote);
    CHECK(ntohs(peer.sin_port) == peer_port);

    // < P. 1:1001(1000): the connection's first data segment starts
    // quick-ACK mode (Linux tcp_event_data_recv): ACKed at once.
    const Octets data(1000, 'a');
    REQUIRE(
        d.inject(build(
            {remote, local, peer_port, server_port, peer_isn + 1, isn + 1, PSH | ACK, 257, {}, 0},
            data)) == 0);
    Out ack1 = d.receive();
    sent.push_back(ack1.bytes);
    check_ip(ack1, local, remote);
    CHECK(ack1.time_usecs - t0 == second / 10);
    CHECK(ack1.tcp.flags == ACK);
    CHECK(ack1.tcp.seq == isn + 1);
    CHECK(ack1.tcp.ack == peer_isn + 1001);
    // 262144 − 1000 unread = 261144 bytes of room, >> 7 = 2040.
    CHECK(ack1.tcp.win == 2040);
    CHECK(ack1.tcp.options.empty());

    std::vector<char> buf(2000);
    REQUIRE(d.ifc.read(d.u(), c, buf.data(), 1000) == 1000);
    CHECK(std::string(buf.data(), 1000) == std::string(1000, 'a'));
    // No window update: 2040 · 128 = 261120 bytes are still advertised,
    // more than half the buffer (__tcp_cleanup_rbuf needs ≤ 131072 and a
    // doubling). The next segment out is the data.

    // write 500 bytes: nothing in flight, so Nagle lets it go at once; PSH on
    // the segment that empties the send buffer.
    const std::string reply(500, 'b');
    REQUIRE(d.ifc.write(d.u(), c, reply.data(), reply.size()) == 500);
    Out dat = d.receive();
    sent.push_back(dat.bytes);
    check_ip(dat, local, remote);
    CHECK(dat.time_usecs - t0 == second / 10);
    CHECK(dat.tcp.flags == (PSH | ACK));
    CHECK(dat.tcp.win == 2048); // the read emptied the buffer: 262144 >> 7
    CHECK(dat.tcp.seq == isn + 1);
    CHECK(dat.tcp.ack == peer_isn + 1001);
    CHECK(dat.tcp.payload == 500);
    CHECK(std::string(dat.data.begin(), dat.data.end()) == reply);

    // +.1 the peer ACKs it, then sends FIN: the FIN is ACKed at once.
    d.wait_until(t0 + 2 * second / 10);
    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 1001,
                            isn + 501,
                            ACK,
                            257,
                            {},
                            0})) == 0);
    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 1001,
                            isn + 501,
                            FIN | ACK,
                            257,
                            {},
                            0})) == 0);
    Out fa = d.receive();
    sent.push_back(fa.bytes);
    CHECK(fa.time_usecs - t0 == 2 * second / 10);
    CHECK(fa.tcp.flags == ACK);
    CHECK(fa.tcp.seq == isn + 501);
    CHECK(fa.tcp.ack == peer_isn + 1002); // the FIN takes one sequence number
    CHECK(fa.tcp.win == 2048);

    CHECK(d.ifc.read(d.u(), c, buf.data(), 1000) == 0); // end of stream
    REQUIRE(d.ifc.close(d.u(), c) == 0);
    Out fin = d.receive(); // CLOSE-WAIT → LAST-ACK
    sent.push_back(fin.bytes);
    CHECK(fin.time_usecs - t0 == 2 * second / 10);
    CHECK(fin.tcp.flags == (FIN | ACK));
    CHECK(fin.tcp.seq == isn + 501);
    CHECK(fin.tcp.ack == peer_isn + 1002);

    d.wait_until(t0 + 3 * second / 10);
    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 1002,
                            isn + 502,
                            ACK,
                            257,
                            {},
                            0})) == 0);
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

namespace {

Octets u32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
Octets cat(std::initializer_list<Octets> parts) {
    Octets o;
    for (const auto& p : parts)
        o.insert(o.end(), p.begin(), p.end());
    return o;
}

} // namespace

/// The client script (tests/packetdrill/scripts/client-nagle-rst.pkt):
///   0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
///   +0   fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
///   +0   connect(3, ..., ...) = -1 EINPROGRESS
///   +0   > S 0:0(0) win 64240 <mss 1460,sackOK,TS val T ecr 0,nop,wscale 7>
///   +.05 < S. 0:0(0) ack 1 win 65535 <mss 1400,sackOK,TS val 500 ecr T,nop,wscale 6>
///   +0   > . 1:1(0) ack 1 win 2048 <nop,nop,TS val T+50 ecr 500>
///   +0   write(3, ..., 2000) = 2000
///   +0   > . 1:1389(1388) ack 1 <nop,nop,TS val T+50 ecr 500>
///   +0   > P. 1389:2001(612) ack 1 <nop,nop,TS val T+50 ecr 500>
///   +0   write(3, ..., 100) = 100
///   +.1  < . 1:1(0) ack 2001 win 1000 <nop,nop,TS val 600 ecr T+50>
///   +0   > P. 2001:2101(100) ack 1 <nop,nop,TS val T+150 ecr 600>
///   +0   < R 1:1(0) win 0
///   +0   read(3, ..., 100) = -1 ECONNRESET
TEST_CASE("packetdrill so: client with timestamps, Nagle holds the tail, RST resets") {
    Drill d;
    const long long t0 = d.now();
    const int fd = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
    REQUIRE(fd == 3);
    REQUIRE(d.ifc.fcntl(d.u(), fd, F_SETFL, O_RDWR | O_NONBLOCK) == 0);
    CHECK(d.ifc.fcntl(d.u(), fd, F_GETFL) == (O_RDWR | O_NONBLOCK));
    const sockaddr_in to = Drill::addr(remote, server_port);
    errno = 0;
    CHECK(d.ifc.connect(d.u(), fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == -1);
    CHECK(errno == EINPROGRESS);

    Out syn = d.receive();
    check_ip(syn, local, remote);
    CHECK(syn.time_usecs - t0 == 0);
    CHECK(syn.tcp.flags == SYN);
    CHECK(syn.tcp.dport == server_port);
    CHECK(syn.tcp.sport >= 32768); // Linux's ip_local_port_range, strata's default
    CHECK(syn.tcp.sport <= 60999);
    CHECK(syn.tcp.win == 64240); // 44 · 1460, Linux's multiple of the MSS
    REQUIRE(syn.tcp.options.size() == 20);
    const std::uint32_t tsval = be32(syn.tcp.options, 8);
    // MSS 1460; SACK-permitted + TS (04 02 08 0a val ecr=0); NOP, WS 7.
    CHECK(syn.tcp.options ==
          cat({opts({2, 4, 0x05, 0xb4, 4, 2, 8, 10}), u32(tsval), u32(0), opts({1, 3, 3, 7})}));
    const std::uint32_t isn = syn.tcp.seq;
    const std::uint16_t port = syn.tcp.sport;

    // +.05 < S. with MSS 1400, TS, WS 6.
    d.wait_until(t0 + 50'000);
    REQUIRE(d.inject(build({remote, local, server_port, port, peer_isn, isn + 1, SYN | ACK, 65535,
                            cat({opts({2, 4, 0x05, 0x78, 4, 2, 8, 10}), u32(500), u32(tsval),
                                 opts({1, 3, 3, 6})}),
                            0})) == 0);
    Out ack = d.receive();
    check_ip(ack, local, remote);
    CHECK(ack.time_usecs - t0 == 50'000);
    CHECK(ack.tcp.flags == ACK);
    CHECK(ack.tcp.seq == isn + 1);
    CHECK(ack.tcp.ack == peer_isn + 1);
    CHECK(ack.tcp.win == 2048); // 262144 >> 7, now scaled
    // TSval runs at 1 ms per tick (RFC 7323 §5.4): 50 ms later, +50.
    CHECK(ack.tcp.options == cat({opts({1, 1, 8, 10}), u32(tsval + 50), u32(500)}));
    errno = 0;
    CHECK(d.ifc.connect(d.u(), fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == -1);
    CHECK(errno == EISCONN);
    int soerr = -1;
    socklen_t len = sizeof soerr;
    REQUIRE(d.ifc.getsockopt(d.u(), fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0);
    CHECK(soerr == 0);

    // 2000 bytes; MSS = min(1460, 1400) − 12 bytes of timestamps = 1388
    // (RFC 9293 §3.7.1). The 612-byte tail is short, but no earlier short
    // segment is unacknowledged: Minshall's Nagle (Linux tcp_minshall_check)
    // sends it at once; a further 100 bytes wait for the 612 to be ACKed.
    const std::string data(2000, 'x');
    REQUIRE(d.ifc.write(d.u(), fd, data.data(), data.size()) == 2000);
    Out s1 = d.receive();
    CHECK(s1.time_usecs - t0 == 50'000);
    CHECK(s1.tcp.flags == ACK);
    CHECK(s1.tcp.seq == isn + 1);
    CHECK(s1.tcp.payload == 1388);
    CHECK(s1.tcp.options == cat({opts({1, 1, 8, 10}), u32(tsval + 50), u32(500)}));

    Out s2 = d.receive();
    CHECK(s2.time_usecs - t0 == 50'000); // sent with s1
    CHECK(s2.tcp.flags == (PSH | ACK));
    CHECK(s2.tcp.seq == isn + 1389);
    CHECK(s2.tcp.ack == peer_isn + 1);
    CHECK(s2.tcp.payload == 612);
    CHECK(s2.tcp.options == cat({opts({1, 1, 8, 10}), u32(tsval + 50), u32(500)}));
    REQUIRE(d.ifc.write(d.u(), fd, data.data(), 100) == 100);

    d.wait_until(t0 + 150'000);
    REQUIRE(d.inject(build({remote, local, server_port, port, peer_isn + 1, isn + 2001, ACK, 1000,
                            cat({opts({1, 1, 8, 10}), u32(600), u32(tsval + 50)}), 0})) == 0);
    Out s3 = d.receive();
    CHECK(s3.time_usecs - t0 == 150'000); // released by the ACK of the short 612
    CHECK(s3.tcp.flags == (PSH | ACK));
    CHECK(s3.tcp.seq == isn + 2001);
    CHECK(s3.tcp.payload == 100);
    CHECK(s3.tcp.options == cat({opts({1, 1, 8, 10}), u32(tsval + 150), u32(600)}));

    // < R 1:1(0): SEQ = RCV.NXT exactly, so it resets (RFC 5961 §3.2); an
    // RST is never answered (RFC 9293 §3.10.7.2).
    REQUIRE(d.inject(build({remote, local, server_port, port, peer_isn + 1, 0, RST, 0, {}, 0})) ==
            0);
    pollfd p{fd, POLLIN | POLLOUT, 0};
    CHECK(d.ifc.poll(d.u(), &p, 1, 0) == 1);
    CHECK((p.revents & POLLERR) != 0);
    char buf[100];
    errno = 0;
    CHECK(d.ifc.read(d.u(), fd, buf, sizeof buf) == -1);
    CHECK(errno == ECONNRESET);
    CHECK(d.ifc.close(d.u(), fd) == 0);
}

TEST_CASE("packetdrill so: a SYN to a closed port gets RST,ACK; the host takes packetdrill's "
          "random local address from the first packet") {
    Drill d;
    const std::uint32_t random_local = ip(192, 168, 33, 44); // as config.c picks one
    // RFC 9293 §3.10.7.1: no ACK in the SYN ⇒ <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    REQUIRE(d.inject(build({remote, random_local, peer_port, 9, peer_isn, 0, SYN, 1000, {}, 0})) ==
            0);
    Out r = d.receive();
    check_ip(r, random_local, remote);
    CHECK(r.tcp.flags == (RST | ACK));
    CHECK(r.tcp.seq == 0);
    CHECK(r.tcp.ack == peer_isn + 1);
    CHECK(r.tcp.win == 0);
    CHECK(r.tcp.sport == 9);
    CHECK(r.tcp.dport == peer_port);
}

TEST_CASE("packetdrill so: errno values as Linux gives them") {
    Drill d;
    errno = 0;
    CHECK(d.ifc.socket(d.u(), AF_INET6, SOCK_STREAM, 0) == -1);
    CHECK(errno == EAFNOSUPPORT);
    char b[4];
    errno = 0;
    CHECK(d.ifc.read(d.u(), 42, b, sizeof b) == -1);
    CHECK(errno == EBADF);
    const int fd = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(fd == 3);
    const sockaddr_in me = Drill::addr(0, server_port); // INADDR_ANY
    REQUIRE(d.ifc.bind(d.u(), fd, reinterpret_cast<const sockaddr*>(&me), sizeof me) == 0);
    REQUIRE(d.ifc.listen(d.u(), fd, 4) == 0);
    errno = 0;
    CHECK(d.ifc.accept(d.u(), fd, nullptr, nullptr) == -1);
    CHECK(errno == EAGAIN);
    int v = 0;
    socklen_t len = sizeof v;
    errno = 0;
    CHECK(d.ifc.getsockopt(d.u(), fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len) == -1);
    CHECK(errno == ENOPROTOOPT);
    const int two = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM, 0);
    const sockaddr_in other = Drill::addr(ip(10, 1, 1, 1), 80); // the host is committed now
    errno = 0;
    CHECK(d.ifc.bind(d.u(), two, reinterpret_cast<const sockaddr*>(&other), sizeof other) == -1);
    CHECK(errno == EADDRNOTAVAIL);
    CHECK(d.ifc.pipe(d.u(), nullptr) == -1);
}

/// packetdrill runs a blocking call ("+0...0.1 read(...)") on its system-call
/// thread while the main thread goes on injecting packets and sleeping: the
/// call must wait for those, and return at the virtual instant they came.
TEST_CASE("packetdrill so: blocking accept and read on another thread; poll and epoll") {
    Drill d;
    const long long t0 = d.now();
    const int fd = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const sockaddr_in me = Drill::addr(local, server_port);
    REQUIRE(d.ifc.bind(d.u(), fd, reinterpret_cast<const sockaddr*>(&me), sizeof me) == 0);
    REQUIRE(d.ifc.listen(d.u(), fd, 1) == 0);

    const int ep = d.ifc.epoll_create(d.u(), 1);
    REQUIRE(ep >= 0);
    epoll_event want{};
    want.events = EPOLLIN;
    want.data.u64 = 77;
    REQUIRE(d.ifc.epoll_ctl(d.u(), ep, EPOLL_CTL_ADD, fd, &want) == 0);
    epoll_event got[2]{};
    CHECK(d.ifc.epoll_wait(d.u(), ep, got, 2, 0) == 0);

    int accepted = -1;
    long long accepted_at = 0;
    std::thread syscall_thread([&] {
        accepted = d.ifc.accept(d.u(), fd, nullptr, nullptr); // blocks
        accepted_at = d.now();
    });
    d.wait_until(t0 + 10'000);
    REQUIRE(d.inject(build(
                {remote, local, peer_port, server_port, peer_isn, 0, SYN, 8000, {}, 0})) == 0);
    Out sa = d.receive();
    CHECK(sa.tcp.flags == (SYN | ACK));
    // No MSS option from the peer: strata still offers its own; no SACK, WS or TS.
    CHECK(sa.tcp.options == opts({2, 4, 0x05, 0xb4}));
    d.wait_until(t0 + 20'000);
    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 1,
                            sa.tcp.seq + 1,
                            ACK,
                            8000,
                            {},
                            0})) == 0);
    syscall_thread.join();
    REQUIRE(accepted == 4);
    CHECK(accepted_at - t0 >= 20'000);
    CHECK(accepted_at - t0 < 20'010); // the spin's microseconds at most

    // The listener was readable (a connection to accept) until accept took it.
    CHECK(d.ifc.epoll_wait(d.u(), ep, got, 2, 0) == 0);
    want.data.u64 = 78;
    REQUIRE(d.ifc.epoll_ctl(d.u(), ep, EPOLL_CTL_ADD, accepted, &want) == 0);

    char buf[64] = {};
    long long n = -2;
    std::thread reader([&] { n = d.ifc.read(d.u(), accepted, buf, sizeof buf); });
    d.wait_until(t0 + 30'000);
    const Octets hello{'h', 'e', 'l', 'l', 'o'};
    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 1,
                            sa.tcp.seq + 1,
                            PSH | ACK,
                            8000,
                            {},
                            0},
                           hello)) == 0);
    reader.join();
    CHECK(n == 5);
    CHECK(std::string(buf, 5) == "hello");

    REQUIRE(d.inject(build({remote,
                            local,
                            peer_port,
                            server_port,
                            peer_isn + 6,
                            sa.tcp.seq + 1,
                            PSH | ACK,
                            8000,
                            {},
                            0},
                           hello)) == 0);
    REQUIRE(d.ifc.epoll_wait(d.u(), ep, got, 2, 0) == 1);
    CHECK(got[0].data.u64 == 78);
    CHECK(got[0].events == EPOLLIN);
    pollfd p{accepted, POLLIN, 0};
    CHECK(d.ifc.poll(d.u(), &p, 1, 0) == 1);
    CHECK(p.revents == POLLIN);
    CHECK(d.ifc.read(d.u(), accepted, buf, sizeof buf) == 5);
    // Nothing to read: a poll with a 100 ms timeout made by the only thread
    // returns 0 once the virtual clock has run 100 ms on.
    const long long before = d.now();
    CHECK(d.ifc.poll(d.u(), &p, 1, 100) == 0);
    CHECK(d.now() - before >= 100'000);
    CHECK(d.ifc.close(d.u(), ep) == 0);
}

/// Urgent data both ways and SO_ERROR, as Linux does them:
///   +0  send(4, "ab", 2, MSG_OOB) = 2
///   +0  > P. 1:3(2) ack 1 urg 2       Linux tcp_mark_urg: SND.UP = the end of
///                                     the write, so the pointer is 2 (RFC 6093)
///   +0  < . 1:4(3) ack 3 urg 3 win 8000
///   +0  poll(POLLIN|POLLPRI) = POLLIN|POLLPRI
///   +0  read(4, ..., 10) = 3          inline (strata always reads urgent data inline)
///   +0  < R. 4:4(0) ack 3 win 0
///   +0  getsockopt(4, SO_ERROR) = ECONNRESET, then 0 (Linux sock_error)
TEST_CASE("packetdrill so: MSG_OOB sets URG and the pointer; POLLPRI; SO_ERROR once") {
    Drill d;
    const int fd = d.ifc.socket(d.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const sockaddr_in me = Drill::addr(local, server_port);
    REQUIRE(d.ifc.bind(d.u(), fd, reinterpret_cast<const sockaddr*>(&me), sizeof me) == 0);
    REQUIRE(d.ifc.listen(d.u(), fd, 1) == 0);
    REQUIRE(d.inject(build(
                {remote, local, peer_port, server_port, peer_isn, 0, SYN, 8000, {}, 0})) == 0);
    const Out sa = d.receive();
    const std::uint32_t isn = sa.tcp.seq;
    REQUIRE(
        d.inject(build(
            {remote, local, peer_port, server_port, peer_isn + 1, isn + 1, ACK, 8000, {}, 0})) ==
        0);
    const int c = d.ifc.accept(d.u(), fd, nullptr, nullptr);
    REQUIRE(c == 4);

    REQUIRE(d.ifc.send(d.u(), c, "ab", 2, MSG_OOB) == 2);
    const Out u = d.receive();
    CHECK(u.tcp.flags == (URG | ACK | PSH));
    CHECK(u.tcp.seq == isn + 1);
    CHECK(u.tcp.payload == 2);
    CHECK(u.tcp.urp == 2);

    const Octets xyz{'x', 'y', 'z'};
    Segment in{remote,  local,     peer_port, server_port, peer_isn + 1,
               isn + 3, URG | ACK, 8000,      {},          3};
    in.urp = 3;
    REQUIRE(d.inject(build(in, xyz)) == 0);
    pollfd p{c, POLLIN | POLLPRI, 0};
    REQUIRE(d.ifc.poll(d.u(), &p, 1, 0) == 1);
    CHECK(p.revents == (POLLIN | POLLPRI));
    char buf[10];
    REQUIRE(d.ifc.read(d.u(), c, buf, sizeof buf) == 3);
    CHECK(buf[2] == 'z');
    p.revents = 0;
    CHECK(d.ifc.poll(d.u(), &p, 1, 0) == 0); // read past the mark: no POLLPRI

    REQUIRE(
        d.inject(build(
            {remote, local, peer_port, server_port, peer_isn + 4, isn + 3, RST | ACK, 0, {}, 0})) ==
        0);
    int soerr = -1;
    socklen_t len = sizeof soerr;
    REQUIRE(d.ifc.getsockopt(d.u(), c, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0);
    CHECK(soerr == ECONNRESET);
    REQUIRE(d.ifc.getsockopt(d.u(), c, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0);
    CHECK(soerr == 0);
}
