// The host's ARP: resolution, retries, giving up, the pending queue, aging,
// answers for our address, RFC 5227 announcements. Frame bytes are checked
// against RFC 826's layout, written out by hand.
#include <chrono>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/stack/arp/arp_frames.hpp>
#include <strata/stack/arp/neighbor_cache.hpp>

using namespace strata;
using namespace strata::stack;
using namespace std::chrono_literals;

namespace {

constexpr PortId port0{0};
const MacAddress our_mac{0x02, 0, 0, 0, 0, 0x01};
const Ipv4Address our_ip{10, 0, 0, 2};
const MacAddress peer_mac{0x02, 0, 0, 0, 0, 0xaa};
const Ipv4Address peer_ip{10, 0, 0, 1};
const Instant t0 = at_ns(1'000'000'000);

// An ARP packet (the 28 bytes after the Ethernet header) as it arrives.
struct Packet {
    std::vector<Byte> frame = std::vector<Byte>(arp_frame_len);
    explicit Packet(const ArpRepr& a, MacAddress dst = MacAddress::broadcast()) {
        REQUIRE(write_arp_frame(MutBytes(frame), dst, a.sender_hardware_addr, a) == arp_frame_len);
    }
    ArpView<const Byte> arp() const {
        auto v = ArpView<const Byte>::checked(Bytes(frame).subspan(ethernet_header_len));
        REQUIRE(v);
        return *v;
    }
};

Packet request(MacAddress sha, Ipv4Address spa, Ipv4Address tpa) {
    return Packet(ArpRepr{ArpOperation::request, sha, spa, MacAddress::zero(), tpa});
}
Packet reply(MacAddress sha, Ipv4Address spa, MacAddress tha, Ipv4Address tpa) {
    return Packet(ArpRepr{ArpOperation::reply, sha, spa, tha, tpa}, tha);
}

// A 60-byte IPv4-over-Ethernet frame with destination MAC zero (unknown
// yet) and a marker byte in its payload.
std::vector<Byte> ip_frame(Byte marker) {
    std::vector<Byte> f(60, 0);
    our_mac.to_bytes(f.data() + 6);
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = marker;
    return f;
}

NeighborCache host_cache(NeighborConfig c = {}) {
    NeighborCache nc(c);
    nc.add_address(port0, our_mac, our_ip, t0);
    return nc;
}

struct Sent {
    std::vector<ArpRequest> requests;
    std::vector<std::pair<Ipv4Address, Byte>> failed; // next hop, marker
};

void run(NeighborCache& nc, Instant now, Sent& s) {
    nc.expire(
        now, [&](const ArpRequest& r) { s.requests.push_back(r); },
        [&](Ipv4Address ip, PortId, MutBytes frame) { s.failed.emplace_back(ip, frame[14]); });
}

} // namespace

TEST_CASE("arp frames: request, announcement and reply bytes", "[stack][ip][arp]") {
    std::vector<Byte> b(64, 0xee);
    REQUIRE(write_arp_request(MutBytes(b), our_mac, our_ip, peer_ip) == 42);
    // RFC 826 on Ethernet: dst ff*6, src, type 0806 | htype 1, ptype 0800,
    // hlen 6, plen 4, op 1, sha, spa, tha 0, tpa.
    const std::vector<Byte> want_request{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0,    0, 0,
                                         0,    0x01, 0x08, 0x06,                               //
                                         0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,       //
                                         0x02, 0,    0,    0,    0,    0x01, 10,   0,    0, 2, //
                                         0,    0,    0,    0,    0,    0,    10,   0,    0, 1};
    CHECK(std::vector<Byte>(b.begin(), b.begin() + 42) == want_request);
    CHECK(b[42] == 0xee); // nothing written past the frame

    // RFC 5227 §2.3 announcement: sender and target address both ours.
    REQUIRE(write_arp_request(MutBytes(b), our_mac, our_ip, our_ip) == 42);
    CHECK(std::vector<Byte>(b.begin() + 38, b.begin() + 42) == std::vector<Byte>{10, 0, 0, 2});
    CHECK(std::vector<Byte>(b.begin() + 28, b.begin() + 32) == std::vector<Byte>{10, 0, 0, 2});

    REQUIRE(write_arp_reply(MutBytes(b), our_mac, our_ip, peer_mac, peer_ip) == 42);
    const std::vector<Byte> want_reply{0x02, 0,    0,    0,    0, 0xaa, 0x02, 0,    0, 0,
                                       0,    0x01, 0x08, 0x06,                            //
                                       0x00, 0x01, 0x08, 0x00, 6, 4,    0x00, 0x02,       //
                                       0x02, 0,    0,    0,    0, 0x01, 10,   0,    0, 2, //
                                       0x02, 0,    0,    0,    0, 0xaa, 10,   0,    0, 1};
    CHECK(std::vector<Byte>(b.begin(), b.begin() + 42) == want_reply);

    std::vector<Byte> short_buf(41);
    CHECK(write_arp_request(MutBytes(short_buf), our_mac, our_ip, peer_ip) == 0);
}

TEST_CASE("arp: gratuitous announcements, two, 2 s apart", "[stack][ip][arp]") {
    NeighborCache nc = host_cache();
    CHECK(nc.poll_at() == t0);
    Sent s;
    run(nc, t0, s);
    REQUIRE(s.requests.size() == 1);
    CHECK(s.requests[0] == ArpRequest{port0, our_mac, our_ip, our_ip});
    CHECK(s.requests[0].is_announcement());
    CHECK(nc.poll_at() == t0 + 2s);
    run(nc, t0 + 2s - 1ns, s);
    CHECK(s.requests.size() == 1);
    run(nc, t0 + 2s, s);
    CHECK(s.requests.size() == 2);
    CHECK(nc.poll_at() == never);
}

TEST_CASE("arp: resolve, queue frames, release them with the MAC", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.announcements = 0});
    CHECK_FALSE(nc.lookup(peer_ip, t0));
    const auto f1 = ip_frame(1), f2 = ip_frame(2);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(f1), t0) == NeighborCache::Queued::first);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(f2), t0) == NeighborCache::Queued::added);
    CHECK(nc.request_for(peer_ip, port0) == ArpRequest{port0, our_mac, our_ip, peer_ip});
    CHECK(nc.resolving(peer_ip));

    const auto r = nc.on_arp(port0, reply(peer_mac, peer_ip, our_mac, our_ip).arp(), t0 + 5ms);
    CHECK(r.learned);
    CHECK(r.resolved);
    CHECK_FALSE(r.reply);
    CHECK(r.peer_mac == peer_mac);
    std::vector<std::vector<Byte>> sent;
    CHECK(nc.release(r.peer_ip, r.peer_mac, [&](PortId p, MutBytes frame) {
        CHECK(p == port0);
        sent.emplace_back(frame.begin(), frame.end());
    }) == 2);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0][14] == 1); // oldest first
    CHECK(sent[1][14] == 2);
    CHECK(MacAddress::from_bytes(sent[0].data()) == peer_mac);
    CHECK(std::equal(sent[0].begin() + 6, sent[0].end(), f1.begin() + 6));
    CHECK(nc.lookup(peer_ip, t0 + 5ms) == std::optional<MacAddress>{peer_mac});
    CHECK_FALSE(nc.resolving(peer_ip));
    CHECK(nc.poll_at() == never);
    CHECK(nc.counters().resolved == 1);
}

TEST_CASE("arp: retried every second, three tries, then the waiters fail", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.announcements = 0});
    const auto f1 = ip_frame(1), f2 = ip_frame(2);
    // t0: the caller sends the first request (Queued::first).
    REQUIRE(nc.enqueue(peer_ip, port0, Bytes(f1), t0) == NeighborCache::Queued::first);
    nc.enqueue(peer_ip, port0, Bytes(f2), t0 + 100ms);
    Sent s;
    CHECK(nc.poll_at() == t0 + 1s);
    run(nc, t0 + 999ms, s);
    CHECK(s.requests.empty());
    run(nc, t0 + 1s, s); // second try
    run(nc, t0 + 2s, s); // third try
    REQUIRE(s.requests.size() == 2);
    CHECK(s.requests[0] == ArpRequest{port0, our_mac, our_ip, peer_ip});
    CHECK(s.requests[1] == ArpRequest{port0, our_mac, our_ip, peer_ip});
    CHECK(s.failed.empty());
    CHECK(nc.poll_at() == t0 + 3s);
    run(nc, t0 + 3s, s); // a retry interval after the third: give up
    CHECK(s.requests.size() == 2);
    REQUIRE(s.failed.size() == 2);
    CHECK(s.failed[0] == std::pair<Ipv4Address, Byte>{peer_ip, 1});
    CHECK(s.failed[1] == std::pair<Ipv4Address, Byte>{peer_ip, 2});
    CHECK(nc.pending() == 0);
    CHECK(nc.poll_at() == never);
    CHECK(nc.counters().failed == 1);
    CHECK(nc.counters().frames_failed == 2);
    CHECK(nc.counters().requests_retried == 2);
    // A later frame starts a new resolution.
    CHECK(nc.enqueue(peer_ip, port0, Bytes(f1), t0 + 4s) == NeighborCache::Queued::first);
}

TEST_CASE("arp: at most three frames wait per address, the oldest dropped", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.announcements = 0});
    CHECK(nc.enqueue(peer_ip, port0, Bytes(ip_frame(1)), t0) == NeighborCache::Queued::first);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(ip_frame(2)), t0) == NeighborCache::Queued::added);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(ip_frame(3)), t0) == NeighborCache::Queued::added);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(ip_frame(4)), t0) == NeighborCache::Queued::dropped_old);
    CHECK(nc.counters().frames_dropped == 1);
    std::vector<Byte> markers;
    nc.release(peer_ip, peer_mac, [&](PortId, MutBytes f) { markers.push_back(f[14]); });
    CHECK(markers == std::vector<Byte>{2, 3, 4});
    // A frame longer than frame_bytes is not kept.
    const std::vector<Byte> jumbo(1515);
    CHECK(nc.enqueue(peer_ip, port0, Bytes(jumbo), t0) == NeighborCache::Queued::no_room);
}

TEST_CASE("arp: requests for our address are answered; entries age", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.announcements = 0});
    const auto r = nc.on_arp(port0, request(peer_mac, peer_ip, our_ip).arp(), t0);
    CHECK(r.reply);
    CHECK(r.learned); // RFC 826: the target learns the sender
    CHECK_FALSE(r.resolved);
    CHECK(r.our_mac == our_mac);
    CHECK(r.our_ip == our_ip);
    CHECK(r.peer_mac == peer_mac);
    CHECK(r.peer_ip == peer_ip);
    CHECK(nc.counters().replies == 1);
    // Reachable 30 s.
    CHECK(nc.lookup(peer_ip, t0 + 30s - 1ns) == std::optional<MacAddress>{peer_mac});
    CHECK_FALSE(nc.lookup(peer_ip, t0 + 30s));
    // Aged out: the next frame resolves it again.
    CHECK(nc.enqueue(peer_ip, port0, Bytes(ip_frame(1)), t0 + 30s) == NeighborCache::Queued::first);
    nc.release(peer_ip, peer_mac, [](PortId, MutBytes) {});

    // A request for another host from a stranger teaches nothing...
    const Ipv4Address stranger{10, 0, 0, 50};
    const MacAddress stranger_mac{0x02, 0, 0, 0, 0, 0x50};
    const auto other = nc.on_arp(port0, request(stranger_mac, stranger, peer_ip).arp(), t0);
    CHECK_FALSE(other.reply);
    CHECK_FALSE(other.learned);
    CHECK_FALSE(nc.lookup(stranger, t0));
    // ...but refreshes a known sender (RFC 826 merge): peer asks for 10.0.0.9.
    const auto refresh =
        nc.on_arp(port0, request(peer_mac, peer_ip, Ipv4Address{10, 0, 0, 9}).arp(), t0 + 20s);
    CHECK(refresh.learned);
    CHECK_FALSE(refresh.reply);
    CHECK(nc.lookup(peer_ip, t0 + 49s) == std::optional<MacAddress>{peer_mac});
    // An unsolicited reply to us from a stranger creates no entry (Linux,
    // arp_accept 0).
    const auto unsolicited =
        nc.on_arp(port0, reply(stranger_mac, stranger, our_mac, our_ip).arp(), t0);
    CHECK_FALSE(unsolicited.learned);
    CHECK_FALSE(unsolicited.reply);
    CHECK_FALSE(nc.lookup(stranger, t0));
}

TEST_CASE("arp: probes, conflicts, our own announcement", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.announcements = 0});
    // RFC 5227 probe for our address (sender 0.0.0.0): answered, not learned.
    const auto probe = nc.on_arp(port0, request(peer_mac, Ipv4Address{}, our_ip).arp(), t0);
    CHECK(probe.reply);
    CHECK_FALSE(probe.learned);
    CHECK(probe.peer_ip == Ipv4Address{});
    // Another MAC announcing our address: a conflict (RFC 5227 §2.4).
    const auto clash = nc.on_arp(port0, request(peer_mac, our_ip, our_ip).arp(), t0);
    CHECK(clash.conflict);
    CHECK_FALSE(clash.reply);
    CHECK_FALSE(clash.learned);
    CHECK_FALSE(nc.lookup(our_ip, t0));
    CHECK(nc.counters().conflicts == 1);
    // Our own announcement looped back: nothing.
    const auto mine = nc.on_arp(port0, request(our_mac, our_ip, our_ip).arp(), t0);
    CHECK_FALSE(mine.conflict);
    CHECK_FALSE(mine.reply);
    CHECK_FALSE(mine.learned);
}

TEST_CASE("arp: the frame slots are shared and bounded", "[stack][ip][arp]") {
    NeighborCache nc = host_cache(NeighborConfig{.queue_slots = 4, .announcements = 0});
    const Ipv4Address b{10, 0, 0, 20}, c{10, 0, 0, 30};
    for (Byte m = 1; m <= 3; ++m)
        nc.enqueue(peer_ip, port0, Bytes(ip_frame(m)), t0);
    CHECK(nc.enqueue(b, port0, Bytes(ip_frame(4)), t0) == NeighborCache::Queued::first);
    // All four slots used: a third address cannot start...
    CHECK(nc.enqueue(c, port0, Bytes(ip_frame(5)), t0) == NeighborCache::Queued::no_room);
    CHECK_FALSE(nc.resolving(c));
    // ...and b, with one frame, replaces its own oldest.
    CHECK(nc.enqueue(b, port0, Bytes(ip_frame(6)), t0) == NeighborCache::Queued::dropped_old);
    CHECK(nc.counters().frames_dropped == 2);
    std::vector<Byte> markers;
    nc.release(b, peer_mac, [&](PortId, MutBytes f) { markers.push_back(f[14]); });
    CHECK(markers == std::vector<Byte>{6});
}
