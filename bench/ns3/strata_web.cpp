// strata_web: the ns-3 "web request" and UDP echo workloads
// (/work/shared/peers/ns3/ns3_web.cc, issue 10 item 7) built with strata's
// simulator, switch, routers and hosts, for a side-by-side run
// (scripts/bench-ns3.sh, docs/ns3-comparison.md).
//
//   H clients ─ SW (Switch<mac::Learning>) ─ R1 ─ 100 Mb/s 5 ms ─ R2 ─ 1 Gb/s 10 ms ─ R3 ─ SSW ─ S
//   servers client LAN and server LAN: 1 Gb/s, 1 µs. Static routes as ns3_web --routing=static.
//
// --mode=tcp: each client starts at a uniform time in [0, startWindow) s, then
// opens N sequential TCP connections, each to a server picked uniformly, port
// 80: it sends a req-byte request, the server answers B bytes and closes, the
// client closes once it has the whole response and opens the next one. The
// run stops when the last client finishes.
// --mode=udp: each client sends udpPackets datagrams of udpSize bytes,
// udpInterval apart, to the echo port (9) of one random server, from a start
// time in [0, startWindow) s. The run stops when every echo is back, else 1 s
// after the last send (startWindow + udpPackets * udpInterval + 1 s).
//
// Every byte is real: requests, responses and echoes carry a pattern the
// receiver checks byte by byte (mismatches are counted and printed).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

#include <strata/device/router.hpp>
#include <strata/device/switch.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/policy/mac/learning.hpp>
#include <strata/sim/network.hpp>

#include "web_apps.hpp"
#include "web_options.hpp"

namespace {

using namespace strata;
using namespace strata_web;
using namespace std::chrono_literals;
using LanSwitch = Switch<mac::Learning<4096>>;

// ------------------------------------------------------------------ topology
MacAddress mac_of(std::uint8_t kind, std::uint32_t i) {
    return MacAddress{0x02,
                      kind,
                      0,
                      static_cast<std::uint8_t>(i >> 16),
                      static_cast<std::uint8_t>(i >> 8),
                      static_cast<std::uint8_t>(i)};
}
Ipv4Address client_ip(std::uint32_t i) { // 10.1.0.2 ... (R1 is 10.1.0.1, as ns-3 assigns)
    const std::uint32_t n = i + 2;
    return Ipv4Address{10, 1, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}
Ipv4Address server_ip(std::uint32_t s) {
    return Ipv4Address{10, 2, 0, static_cast<std::uint8_t>(s + 2)};
}

stack::HostConfig host_config(std::string name, MacAddress mac, Ipv4Prefix addr, Ipv4Address gw,
                              const Options& o, bool server) {
    stack::HostConfig c;
    c.name = std::move(name);
    c.mac = mac;
    c.address = addr;
    c.gateway = gw;
    c.rng = RandomStream::derive(o.seed, c.name);
    // ns-3 sends no gratuitous ARP; one neighbour (the router) is all a host talks to.
    c.arp.announcements = 0;
    c.arp.entries = 4;
    c.arp.queue_slots = 3; // ns-3's ArpCache PendingQueueSize (3 packets)
    // No fragments in this workload: the smallest reassembly store.
    c.reassembly.memory = 2048;
    c.reassembly.max_datagrams = 1;
    c.reassembly.max_holes = 2;
    c.pmtu.capacity = 8;
    // UDP queues (real bytes): a client has a few 512 B echoes in flight; a
    // server echoes each datagram in the receive() it arrived in.
    c.udp.max_sockets = 2;
    c.udp.recv_bytes = server ? 64 * 1024 : 2 * 1024;
    c.udp.recv_datagrams = server ? 128 : 4;
    c.udp.send_bytes = server ? 16 * 1024 : 1024;
    c.udp.send_datagrams = server ? 32 : 2;
    c.max_descriptors = server ? 4096 : 8;
    // TCP as ns-3 3.37's defaults where strata has the knob: Nagle off
    // (TcpNoDelay true), delayed ACK 200 ms (DelAckTimeout; every 2nd
    // segment), minimum and initial RTO 1 s (MinRto, InitialRtt-based
    // first RTO), SACK and timestamps on. Buffers: real bytes are kept, so
    // they are sized to the workload instead of ns-3's 128 KiB (virtual
    // bytes): servers send B and receive req (at least 1 KiB each), clients
    // send req and receive B + 1 KiB, so the receive window still holds the
    // whole response, as ns-3's 128 KiB does, and never limits the transfer.
    c.tcp.nagle = false;
    c.tcp.delayed_ack = 200ms;
    c.tcp.rto.min = 1s;
    c.tcp.rto.initial = 1s;
    c.tcp.msl = secs(o.msl);
    c.tcp.send_buffer =
        server ? std::max<std::size_t>(o.B, 1024) : std::max<std::size_t>(o.req, 1024);
    c.tcp.recv_buffer = server ? std::max<std::size_t>(o.req, 1024) : std::size_t{o.B} + 1024;
    // Servers keep every connection they closed first in TIME-WAIT (60 s,
    // longer than the run): room for all of them, and for a skewed pick.
    const std::uint64_t per_server = std::uint64_t{o.H} * o.N / o.S +
                                     4 * static_cast<std::uint64_t>(std::sqrt(double(o.H) * o.N)) +
                                     64;
    c.tcp.max_connections =
        server ? static_cast<std::size_t>(std::min<std::uint64_t>(per_server, 65000)) : 4;
    return c;
}

sim::LinkConfig link(std::uint64_t rate, double delay, const Options& o) {
    sim::LinkConfig l = sim::LinkConfig::symmetric(rate, secs(delay));
    l.queue_frames = o.queue;
    return l;
}

struct Topology {
    std::vector<sim::LinkId> links;
    std::vector<std::unique_ptr<PcapWriter>> pcaps;
};

template <class R>
R must(R r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "strata_web: %s failed\n", what);
        std::exit(1);
    }
    return r;
}

std::uint64_t peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<std::uint64_t>(u.ru_maxrss);
}

template <class HostT>
int run(const Options& o) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool tcp_mode = o.mode == "tcp";
    sim::Network net(o.seed);
    Topology topo;

    // Routers (static routes, as ns3_web --routing=static).
    const Ipv4Address r1_lan{10, 1, 0, 1}, r1_p2p{10, 255, 0, 1}, r2_a{10, 255, 0, 2},
        r2_b{10, 255, 1, 1}, r3_p2p{10, 255, 1, 2}, r3_srv{10, 2, 0, 1};
    router::RouterConfig c1, c2, c3;
    c1.ports = {{mac_of(0xf1, 0), Ipv4Prefix{r1_lan, 16}, 1500},
                {mac_of(0xf1, 1), Ipv4Prefix{r1_p2p, 30}, 1500}};
    c1.routes = {{Ipv4Prefix{Ipv4Address{}, 0}, r2_a, {}, 0}};
    c1.arp.cache_entries = o.H + 64;
    c1.arp.queue_slots = 256; // R1 learns each client from its ARP request: little waits
    c2.ports = {{mac_of(0xf2, 0), Ipv4Prefix{r2_a, 30}, 1500},
                {mac_of(0xf2, 1), Ipv4Prefix{r2_b, 30}, 1500}};
    c2.routes = {{Ipv4Prefix{Ipv4Address{10, 1, 0, 0}, 16}, r1_p2p, {}, 0},
                 {Ipv4Prefix{Ipv4Address{10, 2, 0, 0}, 24}, r3_p2p, {}, 0}};
    c3.ports = {{mac_of(0xf3, 0), Ipv4Prefix{r3_p2p, 30}, 1500},
                {mac_of(0xf3, 1), Ipv4Prefix{r3_srv, 24}, 1500}};
    c3.routes = {{Ipv4Prefix{Ipv4Address{}, 0}, r2_b, {}, 0}};
    for (auto* c : {&c1, &c2, &c3})
        c->arp.reachable = 3600s; // the p2p entries below last the run (a LAN entry is refreshed)
    auto r1 = net.add("r1", std::move(*must(Router<>::make(c1, net.stream("r1")), "r1")));
    auto r2 = net.add("r2", std::move(*must(Router<>::make(c2, net.stream("r2")), "r2")));
    auto r3 = net.add("r3", std::move(*must(Router<>::make(c3, net.stream("r3")), "r3")));

    // ns-3's access line and internet are point-to-point (PPP) links, which
    // need no ARP: the routers know each other's MAC from the start.
    net.node(r1).arp_cache().learn(r2_a, c2.ports[0].mac, PortId{1}, Instant{}, true);
    net.node(r2).arp_cache().learn(r1_p2p, c1.ports[1].mac, PortId{0}, Instant{}, true);
    net.node(r2).arp_cache().learn(r3_p2p, c3.ports[0].mac, PortId{1}, Instant{}, true);
    net.node(r3).arp_cache().learn(r2_b, c2.ports[1].mac, PortId{0}, Instant{}, true);

    auto sw = net.add("sw", LanSwitch(o.H + 1, mac::Learning<4096>(300s, o.H + 16)));
    auto ssw = net.add("ssw", LanSwitch(o.S + 1, mac::Learning<4096>(300s, o.S + 16)));

    auto connect = [&](sim::Endpoint a, sim::Endpoint b, const sim::LinkConfig& l,
                       std::string name) {
        const sim::LinkId id = *must(net.connect(a, b, l, name), "connect");
        topo.links.push_back(id);
        if (o.pcap.empty()) return;
        auto w = PcapWriter::open(o.pcap + "/" + name + ".pcap", PcapPrecision::nano);
        if (!w) {
            std::fprintf(stderr, "strata_web: cannot write %s/%s.pcap\n", o.pcap.c_str(),
                         name.c_str());
            std::exit(1);
        }
        topo.pcaps.push_back(std::make_unique<PcapWriter>(std::move(*w)));
        net.set_tap(id,
                    [p = topo.pcaps.back().get()](sim::LinkId, sim::Direction, Instant t, Bytes f) {
                        (void)p->write(f, t.time_since_epoch());
                    });
    };
    connect({r1, PortId{0}}, {sw, PortId{0}}, link(o.lanRate, o.lanDelay, o), "r1-sw");
    connect({r1, PortId{1}}, {r2, PortId{0}}, link(o.accessRate, o.accessDelay, o), "access");
    connect({r2, PortId{1}}, {r3, PortId{0}}, link(o.coreRate, o.coreDelay, o), "core");
    connect({r3, PortId{1}}, {ssw, PortId{0}}, link(o.srvRate, o.srvDelay, o), "r3-ssw");

    std::vector<sim::NodeRef<HostT>> clients, servers;
    std::vector<Ipv4Address> server_addrs;
    clients.reserve(o.H);
    for (std::uint32_t s = 0; s < o.S; ++s) {
        const std::string name = numbered('s', s);
        servers.push_back(
            net.add(name, HostT(host_config(name, mac_of(0x52, s), Ipv4Prefix{server_ip(s), 24},
                                            r3_srv, o, true))));
        server_addrs.push_back(server_ip(s));
        connect({servers.back(), PortId{0}}, {ssw, PortId{static_cast<std::uint16_t>(s + 1)}},
                link(o.srvRate, o.srvDelay, o), numbered('s', s, "-ssw"));
    }
    for (std::uint32_t i = 0; i < o.H; ++i) {
        const std::string name = numbered('c', i);
        clients.push_back(
            net.add(name, HostT(host_config(name, mac_of(0xc1, i), Ipv4Prefix{client_ip(i), 16},
                                            r1_lan, o, false))));
        connect({clients.back(), PortId{0}}, {sw, PortId{static_cast<std::uint16_t>(i + 1)}},
                link(o.lanRate, o.lanDelay, o), numbered('c', i, "-sw"));
    }

    // Applications. Start times and server picks from the run's seed.
    RandomStream start_rv = RandomStream::derive(o.seed, "start");
    RandomStream pick = RandomStream::derive(o.seed, "pick");
    const auto start_at = [&] {
        return Duration{static_cast<std::int64_t>(
            start_rv.below(static_cast<std::uint64_t>(o.startWindow * 1e9)))};
    };
    g.clients = o.H;
    const std::vector<Byte> request = make_pattern(o.req);
    const std::vector<Byte> response = make_pattern(o.B);
    const std::vector<Byte> echo_payload = make_pattern(o.udpSize);
    double stop_at = o.maxSimTime;
    if constexpr (std::is_same_v<HostT, TcpHost>) {
        for (auto s : servers)
            net.node(s).spawn(web_server(net.node(s), o.req, response));
        for (std::uint32_t i = 0; i < o.H; ++i)
            net.node(clients[i])
                .spawn(web_client(net.node(clients[i]), start_at(), o, server_addrs,
                                  RandomStream::derive(o.seed, numbered('c', i, ":pick")),
                                  request));
    } else {
        for (auto s : servers)
            net.node(s).spawn(echo_server(net.node(s)));
        g.udp_expected = std::uint64_t{o.H} * o.udpPackets;
        for (std::uint32_t i = 0; i < o.H; ++i) {
            const Ipv4Address server = server_addrs[pick.below(o.S)];
            net.node(clients[i])
                .spawn(echo_client(net.node(clients[i]), start_at(), server, o, echo_payload));
        }
        stop_at = std::min(o.maxSimTime, o.startWindow + o.udpPackets * o.udpInterval + 1.0);
    }
    (void)tcp_mode;

    // The counters, taken when the stop rule fires (as ns-3 stops there) or
    // at the end of the run.
    struct Counts {
        std::uint64_t events = 0, frames_tx = 0, frames_rx = 0, bytes_tx = 0, queue_drops = 0,
                      lost = 0, ip_sent = 0, host_drops = 0, router_drops = 0, tcp_retrans = 0,
                      tcp_rto = 0, tcp_segs = 0;
    };
    auto snapshot = [&] {
        Counts k;
        k.events = net.events_executed();
        for (const auto id : topo.links)
            for (const auto d : {sim::Direction::a_to_b, sim::Direction::b_to_a}) {
                const auto& lc = net.link_counters(id, d);
                k.frames_tx += lc.frames_sent;
                k.bytes_tx += lc.bytes_sent;
                k.frames_rx += lc.frames_delivered;
                k.queue_drops += lc.queue_full;
                k.lost += lc.lost;
            }
        auto host_counts = [&](const HostT& h) {
            k.ip_sent += h.ip().counters().packets_out;
            k.host_drops += h.drops().total();
            if constexpr (HostT::has_tcp) {
                k.tcp_retrans += h.tcp().counters().retransmits;
                k.tcp_rto += h.tcp().counters().rto_expiries;
                k.tcp_segs += h.tcp().counters().segments_out;
            }
        };
        for (auto c : clients)
            host_counts(net.node(c));
        for (auto s : servers)
            host_counts(net.node(s));
        k.router_drops = net.node(r1).drops().total() + net.node(r2).drops().total() +
                         net.node(r3).drops().total();
        return k;
    };
    Counts at_done;
    g.at_done = [&] { at_done = snapshot(); };

    // Run, checking the stop rule every few thousand events (the completion
    // instant and the counters then are taken by the application's call, so
    // the slice running past it does not count).
    const auto t1 = std::chrono::steady_clock::now();
    const std::uint64_t setup_rss = peak_rss_kib();
    const Instant limit = at_ns(static_cast<std::int64_t>(stop_at * 1e9));
    for (;;) {
        net.run_until(limit, 4096);
        if (g.finished || net.events_pending() == 0 || net.now() >= limit) break;
    }
    const auto t2 = std::chrono::steady_clock::now();
    const double sim_s = g.finished ? static_cast<double>(ns_since_start(g.last_done)) * 1e-9
                                    : static_cast<double>(ns_since_start(net.now())) * 1e-9;
    const Counts k = g.finished ? at_done : snapshot();
    const auto [events, frames_tx, frames_rx, bytes_tx, queue_drops, lost, ip_sent, host_drops,
                router_drops, tcp_retrans, tcp_rto, tcp_segs] = k;
    const auto t3 = std::chrono::steady_clock::now();
    const auto span = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };

    std::printf("strata_web mode=%s H=%u S=%u N=%u B=%u req=%u nodes=%zu links=%zu queue=%u\n",
                o.mode.c_str(), o.H, o.S, o.N, o.B, o.req, std::size_t{o.H} + o.S + 5,
                topo.links.size(), o.queue);
    if (std::is_same_v<HostT, TcpHost>)
        std::printf("conn_started=%lu conn_done=%lu conn_failed=%lu resp_bytes=%lu "
                    "mean_conn_time_s=%.6f clients_done=%u bad_bytes=%lu\n",
                    g.conn_started, g.conn_done, g.conn_failed, g.resp_bytes,
                    g.conn_done ? g.conn_time_sum / static_cast<double>(g.conn_done) : 0.0,
                    g.clients_done, g.bad_bytes);
    else
        std::printf("udp_tx=%lu udp_rx=%lu expected=%lu bad_bytes=%lu\n", g.udp_tx, g.udp_rx,
                    g.udp_expected, g.bad_bytes);
    std::printf("sim_seconds=%.6f events=%lu frames_tx=%lu frames_rx=%lu bytes_tx=%lu "
                "ip_sent=%lu tcp_segments_out=%lu tcp_retransmits=%lu tcp_rto=%lu\n",
                sim_s, events, frames_tx, frames_rx, bytes_tx, ip_sent, tcp_segs, tcp_retrans,
                tcp_rto);
    std::printf("drops: link_queue=%lu link_lost=%lu router=%lu host=%lu", queue_drops, lost,
                router_drops, host_drops);
    DropCounts by_reason;
    auto add_drops = [&](const DropCounts& d) {
        d.for_each([&](DropReason r, std::uint64_t n) { by_reason.count(r, n); });
    };
    add_drops(net.node(r1).drops());
    add_drops(net.node(r2).drops());
    add_drops(net.node(r3).drops());
    for (auto c : clients)
        add_drops(net.node(c).drops());
    for (auto s : servers)
        add_drops(net.node(s).drops());
    by_reason.for_each([](DropReason r, std::uint64_t n) {
        std::printf(" %.*s=%lu", static_cast<int>(to_string(r).size()), to_string(r).data(), n);
    });
    std::printf("\n");
    std::printf("wall_setup_s=%.3f wall_run_s=%.3f wall_total_in_main_s=%.3f setup_rss_kib=%lu "
                "peak_rss_kib=%lu\n",
                span(t0, t1), span(t1, t2), span(t0, t3), setup_rss, peak_rss_kib());
    std::string counts;
    if (std::is_same_v<HostT, TcpHost>) {
        counts = "conns_ok=";
        counts += std::to_string(g.conn_done);
        counts += " conns_failed=";
        counts += std::to_string(g.conn_failed);
    } else {
        counts = "echoes_back=";
        counts += std::to_string(g.udp_rx);
        counts += '/';
        counts += std::to_string(g.udp_expected);
    }
    std::printf("SUMMARY mode=%s H=%u wall_s=%.3f sim_s=%.6f events=%lu frames_tx=%lu ip_pkts=%lu "
                "%s peak_rss_mib=%.1f\n",
                o.mode.c_str(), o.H, span(t0, t3), sim_s, events, frames_tx, ip_sent,
                counts.c_str(), static_cast<double>(peak_rss_kib()) / 1024.0);
    const bool complete = std::is_same_v<HostT, TcpHost> ? g.conn_done == std::uint64_t{o.H} * o.N
                                                         : g.udp_rx == g.udp_expected;
    return complete && g.bad_bytes == 0 ? 0 : 3;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    return o.mode == "tcp" ? run<TcpHost>(o) : run<UdpHost>(o);
}
