// The socket calls beside send/recv: getsockopt(SO_ERROR) as
// Host::take_error (Linux sock_error: reported once, then cleared) for TCP
// and UDP, and urgent data through the socket (send(MSG_OOB) as
// send_urgent, POLLPRI as Readiness::urgent, RFC 9293 §3.8.5). Expected
// values are derived by hand in the comments.
#include <array>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include <strata/layer/dns.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>

#include "stack/host/host_pair.hpp"

using namespace strata;
using namespace std::chrono_literals;
using stack::Errno;
using FullHost = stack::Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>, ICMP>>>>;

using hosttest::as_bytes;
using hosttest::ip_b;

namespace {
/// The pair this file's checks run on: full hosts, a 1 ms link.
struct Pair : hosttest::Pair<FullHost> {
    Pair() : hosttest::Pair<FullHost>(sim::LinkConfig::symmetric(0, 1ms), 3, 13) {}
};
} // namespace

TEST_CASE("host: SO_ERROR reports a refused TCP connect once, then nothing") {
    Pair p;
    auto c = p.A().socket(stack::SocketKind::tcp);
    REQUIRE(c.ok());
    CHECK(p.A().take_error(*c) == Errno::ok); // nothing yet
    CHECK(stack::SysStatus(p.A().connect(*c, {ip_b, Port{81}})).error() == Errno::einprogress);
    // Asked while connecting: nothing, and asking does not swallow the error to come.
    CHECK(p.A().take_error(*c) == Errno::ok);
    p.run_for(50ms);
    // b has no listener on 81: its RST (RFC 9293 §3.10.7.1) makes the
    // connect fail. poll() says POLLERR; SO_ERROR names the error, once.
    CHECK(p.A().readiness(*c).error == Errno::econnrefused);
    CHECK(p.A().take_error(*c) == Errno::econnrefused);
    CHECK(p.A().take_error(*c) == Errno::ok);
    CHECK(p.A().readiness(*c).error == Errno::ok);
    CHECK(p.A().take_error(99) == Errno::ebadf);
}

TEST_CASE("host: SO_ERROR takes a UDP port unreachable, so recv no longer sees it") {
    Pair p;
    p.run_for(1ms);
    auto c = p.A().socket(stack::SocketKind::udp);
    REQUIRE(c.ok());
    REQUIRE(stack::SysStatus(p.A().connect(*c, {ip_b, Port{9999}})).ok());
    REQUIRE(stack::SysResult<std::size_t>(p.A().send(*c, as_bytes("anyone?"))).ok());
    p.run_for(20ms);
    // b answers ICMP port unreachable: ECONNREFUSED on the connected socket
    // (RFC 1122 §4.1.3.3), pending until read by SO_ERROR or by recv.
    CHECK(p.A().readiness(*c).error == Errno::econnrefused);
    CHECK(p.A().take_error(*c) == Errno::econnrefused);
    std::array<Byte, 16> buf{};
    CHECK(stack::SysResult<std::size_t>(p.A().recv(*c, buf)).error() == Errno::eagain);
}

TEST_CASE("host: urgent data through the socket: MSG_OOB out, POLLPRI and the count in") {
    Pair p;
    auto l = p.B().socket(stack::SocketKind::tcp);
    REQUIRE(p.B().bind(*l, {Ipv4Address{}, Port{80}}).ok());
    REQUIRE(p.B().listen(*l, 4).ok());
    auto c = p.A().socket(stack::SocketKind::tcp);
    (void)stack::SysStatus(p.A().connect(*c, {ip_b, Port{80}}));
    p.run_for(50ms);
    stack::SysResult<int> s = p.B().accept(*l);
    REQUIRE(s.ok());

    REQUIRE(stack::SysResult<std::size_t>(p.A().send(*c, as_bytes("hello"))).value() == 5);
    REQUIRE(stack::SysResult<std::size_t>(p.A().send_urgent(*c, as_bytes("!"))).value() == 1);
    p.run_for(50ms);
    // Six bytes in the stream; the urgent pointer names the octet after '!'
    // (RFC 9293 MUST-62), so all six up to it are urgent (MUST-33).
    CHECK(p.B().readiness(*s).urgent);
    CHECK(p.B().urgent_remaining(*s) == 6);
    std::array<Byte, 4> four{};
    REQUIRE(stack::SysResult<std::size_t>(p.B().recv(*s, four)).value() == 4);
    CHECK(p.B().urgent_remaining(*s) == 2);
    CHECK(p.B().readiness(*s).urgent);
    std::array<Byte, 8> rest{};
    REQUIRE(stack::SysResult<std::size_t>(p.B().recv(*s, rest)).value() == 2);
    CHECK(rest[1] == Byte{'!'});
    CHECK(p.B().urgent_remaining(*s) == 0);
    CHECK(!p.B().readiness(*s).urgent);

    // MSG_OOB on a datagram socket: EOPNOTSUPP (Linux); on a listener: ENOTCONN.
    auto u = p.A().socket(stack::SocketKind::udp);
    CHECK(stack::SysResult<std::size_t>(p.A().send_urgent(*u, as_bytes("x"))).error() ==
          Errno::eopnotsupp);
    CHECK(stack::SysResult<std::size_t>(p.B().send_urgent(*l, as_bytes("x"))).error() ==
          Errno::enotconn);
    CHECK(p.A().urgent_remaining(*u) == 0);
}
