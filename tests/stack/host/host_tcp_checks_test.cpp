// What a host refuses before TCP sees it: a segment whose checksum fails
// (RFC 9293 MUST-3), a segment from an address that is no single host's
// (MUST-63, RFC 1122 §3.2.1.3), and a connection to a broadcast or
// multicast address (MUST-46). Frames are built here by hand and handed
// straight to the host, so nothing in between (a simulated link's FCS
// check) can drop them first.
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/layer/icmp.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/node/recording_out.hpp>
#include <strata/stack/host.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>

using namespace strata;
using stack::Errno;
using CheckHost = stack::Host<Ethernet<IPv4<OneOf<TCP<>, ICMP>>>>;

namespace {

const MacAddress mac_peer{0x02, 0, 0, 0, 0, 0x0a};
const MacAddress mac_host{0x02, 0, 0, 0, 0, 0x0b};
const Ipv4Address ip_peer{10, 0, 0, 1};
const Ipv4Address ip_host{10, 0, 0, 2};

CheckHost make_host() {
    stack::HostConfig c;
    c.name = "b";
    c.mac = mac_host;
    c.address = Ipv4Prefix{ip_host, 24};
    c.rng = RandomStream::derive(5, c.name);
    c.arp.announcements = 0;
    return CheckHost(c);
}

/// A SYN from `src`:40000 to the host's port 80, in a frame from mac_peer.
/// The TCP checksum is right unless `spoil_checksum`.
std::vector<Byte> syn_from(Ipv4Address src, bool spoil_checksum = false) {
    TcpRepr tcp{};
    tcp.src_port = Port{40000};
    tcp.dst_port = Port{80};
    tcp.seq_number = SeqNum{1000};
    tcp.flags = TcpFlags{TcpFlags::syn_bit};
    tcp.mss = 1460;
    const std::size_t tcp_len = tcp.buffer_len();
    std::vector<Byte> f(14 + 20 + tcp_len);
    EthernetRepr{mac_host, mac_peer, EtherType::ipv4}.emit(EthernetView<Byte>::unchecked(f));
    Ipv4Repr ip{.src = src, .dst = ip_host, .protocol = IpProtocol::tcp};
    ip.payload_len = static_cast<std::uint16_t>(tcp_len);
    ip.emit(Ipv4View<Byte>::unchecked(MutBytes(f).subspan(14)));
    const auto v = TcpView<Byte>::unchecked(MutBytes(f).subspan(34));
    tcp.emit_header(v);
    v.fill_checksum(src, ip_host);
    if (spoil_checksum) v.set_checksum(static_cast<std::uint16_t>(v.checksum() ^ 0x0101));
    return f;
}

/// The host learns the peer's MAC from the peer's ARP request, so that a
/// SYN-ACK can leave at once.
void introduce_peer(CheckHost& h, RecordingOut& out) {
    std::vector<Byte> f(42);
    EthernetRepr{MacAddress::broadcast(), mac_peer, EtherType::arp}.emit(
        EthernetView<Byte>::unchecked(f));
    ArpRepr{ArpOperation::request, mac_peer, ip_peer, MacAddress::zero(), ip_host}.emit(
        ArpView<Byte>::unchecked(MutBytes(f).subspan(14)));
    h.receive(PortId{0}, f, Instant{}, out);
    out.clear();
}

std::size_t syn_acks(const RecordingOut& out) {
    std::size_t n = 0;
    for (const auto& fr : out.frames) {
        const auto e = EthernetView<const Byte>::unchecked(fr.bytes);
        if (e.ethertype() != EtherType::ipv4) continue;
        const auto ip = Ipv4View<const Byte>::unchecked(e.payload());
        if (ip.protocol() != IpProtocol::tcp) continue;
        const auto t = TcpView<const Byte>::unchecked(ip.payload());
        n += t.syn() && t.ack();
    }
    return n;
}

int listening_socket(CheckHost& h) {
    auto l = h.socket(stack::SocketKind::tcp, "web");
    REQUIRE(l.ok());
    REQUIRE(h.bind(*l, {Ipv4Address{}, Port{80}}).ok());
    REQUIRE(h.listen(*l, 8).ok());
    return *l;
}

} // namespace

TEST_CASE("host tcp: a segment whose checksum fails is dropped and counted (RFC 9293 MUST-3)") {
    CheckHost h = make_host();
    RecordingOut out;
    introduce_peer(h, out);
    (void)listening_socket(h);
    auto spoiled = syn_from(ip_peer, true);
    h.receive(PortId{0}, spoiled, Instant{}, out);
    h.poll(Instant{}, out);
    CHECK(syn_acks(out) == 0);
    CHECK(h.drops()[DropReason::bad_checksum] == 1);
    // The same SYN with its checksum intact is answered: the drop above was
    // the checksum's doing.
    auto intact = syn_from(ip_peer);
    h.receive(PortId{0}, intact, Instant{}, out);
    h.poll(Instant{}, out);
    CHECK(syn_acks(out) == 1);
    CHECK(h.drops()[DropReason::bad_checksum] == 1);
}

TEST_CASE("host tcp: a SYN from an address that is no single host's is ignored (MUST-63)") {
    CheckHost h = make_host();
    RecordingOut out;
    introduce_peer(h, out);
    (void)listening_socket(h);
    // 0.0.0.0, loopback, limited broadcast, the LAN's directed broadcast,
    // multicast, class E.
    const std::array<Ipv4Address, 6> bad{
        Ipv4Address{0, 0, 0, 0},    Ipv4Address{127, 0, 0, 1}, Ipv4Address{255, 255, 255, 255},
        Ipv4Address{10, 0, 0, 255}, Ipv4Address{224, 0, 0, 1}, Ipv4Address{240, 0, 0, 1}};
    for (const Ipv4Address src : bad) {
        auto syn = syn_from(src);
        h.receive(PortId{0}, syn, Instant{}, out);
    }
    h.poll(Instant{}, out);
    CHECK(out.frames.empty()); // no SYN-ACK, no RST, no ARP for them
    CHECK(h.drops()[DropReason::malformed] == bad.size());
}

TEST_CASE("host tcp: no connection to a broadcast or multicast address (MUST-46)") {
    CheckHost h = make_host();
    for (const Ipv4Address to : {Ipv4Address{255, 255, 255, 255}, Ipv4Address{10, 0, 0, 255},
                                 Ipv4Address{224, 0, 0, 5}, Ipv4Address{0, 0, 0, 0}}) {
        auto c = h.socket(stack::SocketKind::tcp, "c");
        REQUIRE(c.ok());
        stack::SysStatus st = h.connect(*c, {to, Port{80}});
        CHECK(st.error() == Errno::enetunreach); // Linux's answer (tcp_v4_connect)
        REQUIRE(h.close(*c).ok());
    }
    // A unicast peer is fine: the handshake starts.
    auto c = h.socket(stack::SocketKind::tcp, "c");
    REQUIRE(c.ok());
    stack::SysStatus st = h.connect(*c, {ip_peer, Port{80}});
    CHECK(st.error() == Errno::einprogress);
}
