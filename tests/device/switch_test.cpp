// Switch, Hub and Nic against IEEE 802.1D §7 behaviour, derived by hand:
// learn sources, forward to the learned port, flood unknown/broadcast except
// the ingress, never back out of the ingress, relearn a moved station, age
// lazily, stay bounded.
#include <deque>
#include <map>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/core/random.hpp>
#include <strata/device/hub.hpp>
#include <strata/device/nic.hpp>
#include <strata/device/switch.hpp>
#include <strata/node/concepts.hpp>
#include <strata/policy/mac/learning.hpp>
#include <strata/policy/mac/static.hpp>

using namespace strata;
using namespace std::chrono_literals;

static_assert(Node<Switch<mac::Learning<>>>);
static_assert(Node<Hub>);
static_assert(Node<Switch<mac::Static>>);

namespace {

MacAddress station(Byte n) { return MacAddress{0x02, 0, 0, 0, 0, n}; }

std::vector<Byte> frame(MacAddress dst, MacAddress src, Byte tag = 0) {
    std::vector<Byte> f(60, 0);
    dst.to_bytes(f.data());
    src.to_bytes(f.data() + 6);
    f[12] = 0x08; // IPv4 EtherType; the switch does not look further
    f[14] = tag;
    return f;
}

std::vector<PortId> ports_of(const RecordingOut& out) {
    std::vector<PortId> p;
    for (const auto& f : out.frames)
        p.push_back(f.port);
    return p;
}

using P = std::vector<PortId>;

// receive() borrows the frame mutably, as a runtime lends its buffer.
template <class Device>
void feed(Device& device, PortId port, std::vector<Byte> bytes, Instant now, RecordingOut& out) {
    device.receive(port, bytes, now, out);
}

} // namespace

TEST_CASE("switch floods unknown unicast to every port but the ingress, then forwards",
          "[device][switch]") {
    Switch<mac::Learning<>> sw(4);
    RecordingOut out;
    auto a_to_b = frame(station(2), station(1));
    feed(sw, PortId{0}, a_to_b, Instant{}, out);
    CHECK(ports_of(out) == P{PortId{1}, PortId{2}, PortId{3}});
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].kind == TraceKind::mac_learned);
    CHECK(out.events[0].mac == station(1));
    CHECK(out.frames[0].bytes == a_to_b); // a switch does not change the frame

    out.clear();
    auto b_to_a = frame(station(1), station(2));
    feed(sw, PortId{2}, b_to_a, Instant{} + 1ms, out);
    CHECK(ports_of(out) == P{PortId{0}}); // A was learned on port 0
    out.clear();
    feed(sw, PortId{0}, a_to_b, Instant{} + 2ms, out);
    CHECK(ports_of(out) == P{PortId{2}}); // and B on port 2
    CHECK(sw.counters().flooded == 1);
    CHECK(sw.counters().forwarded == 2);
}

TEST_CASE("switch floods broadcast and multicast except to the ingress", "[device][switch]") {
    Switch<mac::Learning<>> sw(3);
    RecordingOut out;
    feed(sw, PortId{1}, frame(MacAddress::broadcast(), station(1)), Instant{}, out);
    CHECK(ports_of(out) == P{PortId{0}, PortId{2}});
    out.clear();
    feed(sw, PortId{2}, frame(MacAddress{0x01, 0x00, 0x5e, 0, 0, 1}, station(3)), Instant{}, out);
    CHECK(ports_of(out) == P{PortId{0}, PortId{1}});
}

TEST_CASE("switch never sends a frame back out of its ingress", "[device][switch]") {
    Switch<mac::Learning<>> sw(3);
    RecordingOut out;
    feed(sw, PortId{1}, frame(MacAddress::broadcast(), station(1)), Instant{}, out);
    feed(sw, PortId{1}, frame(MacAddress::broadcast(), station(2)), Instant{}, out);
    out.clear();
    // 1 and 2 share the segment behind port 1: 1 -> 2 is already delivered.
    feed(sw, PortId{1}, frame(station(2), station(1)), Instant{}, out);
    CHECK(out.frames.empty());
    CHECK(sw.drops()[DropReason::same_port] == 1);
}

TEST_CASE("switch relearns a station that moved", "[device][switch]") {
    Switch<mac::Learning<>> sw(4);
    RecordingOut out;
    feed(sw, PortId{1}, frame(MacAddress::broadcast(), station(9)), Instant{}, out);
    out.clear();
    feed(sw, PortId{3}, frame(MacAddress::broadcast(), station(9)), Instant{} + 1s, out);
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].kind == TraceKind::mac_moved);
    CHECK(out.events[0].port == PortId{3});
    out.clear();
    feed(sw, PortId{0}, frame(station(9), station(1)), Instant{} + 2s, out);
    CHECK(ports_of(out) == P{PortId{3}});
}

TEST_CASE("switch ages entries lazily: 300 s by default", "[device][switch]") {
    Switch<mac::Learning<>> sw(3);
    RecordingOut out;
    feed(sw, PortId{2}, frame(MacAddress::broadcast(), station(5)), Instant{}, out);
    out.clear();
    // Refreshed by nothing: still known 1 ns before 300 s, gone at 300 s.
    feed(sw, PortId{0}, frame(station(5), station(1)), Instant{} + 300s - 1ns, out);
    CHECK(ports_of(out) == P{PortId{2}});
    out.clear();
    feed(sw, PortId{1}, frame(station(5), station(4)), Instant{} + 300s, out);
    CHECK(ports_of(out) == P{PortId{0}, PortId{2}});

    Switch<mac::Learning<>> quick(3, mac::Learning<>{10s});
    feed(quick, PortId{2}, frame(MacAddress::broadcast(), station(5)), Instant{}, out);
    out.clear();
    feed(quick, PortId{0}, frame(station(5), station(1)), Instant{} + 10s, out);
    CHECK(out.frames.size() == 2);
}

TEST_CASE("switch table is bounded; expired entries make room", "[device][switch]") {
    Switch<mac::Learning<2>> sw(3, mac::Learning<2>{60s});
    RecordingOut out;
    feed(sw, PortId{0}, frame(MacAddress::broadcast(), station(1)), Instant{}, out);
    feed(sw, PortId{1}, frame(MacAddress::broadcast(), station(2)), Instant{}, out);
    feed(sw, PortId{2}, frame(MacAddress::broadcast(), station(3)), Instant{}, out);
    CHECK(sw.table().size() == 2);
    CHECK(sw.counters().table_full == 1);
    out.clear();
    feed(sw, PortId{0}, frame(station(3), station(1)), Instant{} + 1s, out);
    CHECK(out.frames.size() == 2); // 3 was not learned: flooded
    // Station 2 ages out (last seen at 0, aging 60 s); station 1 was refreshed at 1 s.
    feed(sw, PortId{2}, frame(MacAddress::broadcast(), station(3)), Instant{} + 60s, out);
    CHECK(sw.table().size() == 2);
    out.clear();
    feed(sw, PortId{0}, frame(station(3), station(1)), Instant{} + 61s, out);
    CHECK(ports_of(out) == P{PortId{2}});
}

TEST_CASE("hub repeats every frame to every other port", "[device][hub]") {
    Hub hub(3);
    RecordingOut out;
    feed(hub, PortId{0}, frame(station(2), station(1)), Instant{}, out);
    feed(hub, PortId{1}, frame(station(1), station(2)), Instant{}, out);
    feed(hub, PortId{0}, frame(station(2), station(1)), Instant{}, out);
    CHECK(ports_of(out) == P{PortId{1}, PortId{2}, PortId{0}, PortId{2}, PortId{1}, PortId{2}});
    CHECK(out.events.empty());
}

TEST_CASE("static MAC table forwards known stations and floods the rest", "[device][switch]") {
    Switch<mac::Static> sw(3, mac::Static{{station(7), PortId{2}}});
    RecordingOut out;
    feed(sw, PortId{0}, frame(station(7), station(1)), Instant{}, out);
    CHECK(ports_of(out) == P{PortId{2}});
    out.clear();
    feed(sw, PortId{2}, frame(station(1), station(7)), Instant{}, out);
    CHECK(ports_of(out) == P{PortId{0}, PortId{1}}); // 1 is never learned
}

TEST_CASE("switch drops runts and group source addresses", "[device][switch]") {
    Switch<mac::Learning<>> sw(2);
    RecordingOut out;
    std::vector<Byte> runt(13, 0xff);
    sw.receive(PortId{0}, runt, Instant{}, out);
    feed(sw, PortId{0}, frame(station(1), MacAddress::broadcast()), Instant{}, out);
    feed(sw, PortId{5}, frame(station(1), station(2)), Instant{}, out);
    CHECK(out.frames.empty());
    CHECK(sw.drops()[DropReason::malformed] == 3);
    CHECK(sw.table().size() == 0);
}

TEST_CASE("nic accepts its address, broadcast and joined groups", "[device][nic]") {
    Nic nic{station(1)};
    CHECK_FALSE(nic.admit(frame(station(1), station(2))));
    CHECK_FALSE(nic.admit(frame(MacAddress::broadcast(), station(2))));
    CHECK(nic.admit(frame(station(3), station(2))) == DropReason::not_for_me);
    const MacAddress group{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}; // mDNS 224.0.0.251
    CHECK(nic.admit(frame(group, station(2))) == DropReason::not_for_me);
    CHECK(nic.join(group));
    CHECK_FALSE(nic.join(station(4))); // not a group address
    CHECK_FALSE(nic.admit(frame(group, station(2))));
    nic.set_promiscuous(true);
    CHECK_FALSE(nic.admit(frame(station(3), station(2))));
    CHECK(nic.admit(std::vector<Byte>(10)) == DropReason::malformed);
}

// Property: in random trees of switches (no loops, so every frame must die
// out), a switch never sends a frame back out of its ingress port, a frame for
// a station that has spoken reaches exactly that station once, and the total
// work stays bounded.
TEST_CASE("random trees of switches never send a frame back to its ingress",
          "[device][switch][property]") {
    RandomStream rng{20261204};
    for (int round = 0; round < 50; ++round) {
        const std::size_t switches = 1 + rng.below(6);
        std::vector<Switch<mac::Learning<64>>> sws;
        std::vector<std::size_t> port_count(switches);
        for (std::size_t i = 0; i < switches; ++i) {
            port_count[i] = 2 + rng.below(4);
            sws.emplace_back(port_count[i]);
        }
        // wiring[(switch, port)] = (switch, port) for trunks, or a host id.
        std::map<std::pair<std::size_t, std::uint16_t>, std::pair<std::size_t, std::uint16_t>>
            trunk;
        std::vector<std::vector<bool>> used(switches);
        for (std::size_t i = 0; i < switches; ++i)
            used[i].assign(port_count[i], false);
        auto free_port = [&](std::size_t s) -> int {
            for (std::uint16_t p = 0; p < port_count[s]; ++p)
                if (!used[s][p]) return p;
            return -1;
        };
        for (std::size_t i = 1; i < switches; ++i) { // a tree: attach i to an earlier switch
            std::size_t parent = rng.below(i);
            int pp = free_port(parent);
            for (std::size_t tries = 0; pp < 0 && tries < i; ++tries) {
                parent = (parent + 1) % i;
                pp = free_port(parent);
            }
            const int cp = free_port(i);
            if (pp < 0 || cp < 0) continue;
            used[parent][pp] = used[i][cp] = true;
            trunk[{parent, std::uint16_t(pp)}] = {i, std::uint16_t(cp)};
            trunk[{i, std::uint16_t(cp)}] = {parent, std::uint16_t(pp)};
        }
        std::vector<std::pair<std::size_t, std::uint16_t>> hosts; // every free port has a host
        for (std::size_t s = 0; s < switches; ++s)
            for (std::uint16_t p = 0; p < port_count[s]; ++p)
                if (!used[s][p]) hosts.push_back({s, p});
        if (hosts.size() < 2) continue;
        std::vector<bool> spoke(hosts.size(), false);

        for (int n = 0; n < 40; ++n) {
            const std::size_t from = rng.below(hosts.size());
            std::size_t to = rng.below(hosts.size() + 1); // == size: broadcast
            const bool broadcast = to == hosts.size();
            const MacAddress dst = broadcast ? MacAddress::broadcast() : station(Byte(to + 1));
            std::map<std::size_t, int> delivered;
            struct Hop {
                std::size_t sw;
                std::uint16_t port;
                std::vector<Byte> bytes;
            };
            std::deque<Hop> queue{{hosts[from].first, hosts[from].second,
                                   frame(dst, station(Byte(from + 1)), Byte(n))}};
            std::size_t work = 0;
            while (!queue.empty()) {
                REQUIRE(++work < 1000); // no frame circulates
                Hop hop = std::move(queue.front());
                queue.pop_front();
                RecordingOut out(PortCaps{}, false);
                sws[hop.sw].receive(PortId{hop.port}, hop.bytes, Instant{} + n * 1ms, out);
                for (auto& f : out.frames) {
                    REQUIRE(f.port != PortId{hop.port});
                    const auto key = std::pair{hop.sw, to_index(f.port)};
                    if (const auto t = trunk.find(key); t != trunk.end()) {
                        queue.push_back({t->second.first, t->second.second, std::move(f.bytes)});
                    } else {
                        for (std::size_t h = 0; h < hosts.size(); ++h)
                            if (hosts[h] == key) ++delivered[h];
                    }
                }
            }
            CHECK(delivered[from] == 0); // never back to the sender
            if (broadcast) {
                for (std::size_t h = 0; h < hosts.size(); ++h)
                    if (h != from) CHECK(delivered[h] == 1);
            } else if (to != from) {
                CHECK(delivered[to] == 1);
                if (spoke[to]) { // its broadcast taught every switch: nobody else sees it
                    std::size_t others = 0;
                    for (const auto& [h, c] : delivered)
                        others += h != to ? c : 0;
                    CHECK(others == 0);
                }
            }
            if (broadcast) spoke[from] = true;
        }
    }
}
