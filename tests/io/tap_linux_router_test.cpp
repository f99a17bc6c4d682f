// A strata Router on a TAP against Linux's own tools, in namespaces the
// tests create: ping and arping answered, and ping forwarded between two
// namespaces. What the tests need and how they clean up: tap_linux_test.cpp.
#include "io/tap_linux_support.hpp"

using namespace strata;
using namespace std::chrono_literals;
using namespace taptest;
using strata_test::run_command;
using strata_test::TempDir;

TEST_CASE("TapRunner: a strata Router answers Linux's ping and arping on a TAP in a namespace",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    Netns ns("ping");
    if (!ns.ok()) {
        WARN("skipped: `ip netns add` failed");
        return;
    }
    TempDir dir;
    auto tap = TapDevice::open();
    REQUIRE(tap);
    Router<> router(one_port("02:00:5e:77:00:01", "10.77.0.1/24"), RandomStream(7));
    auto runner = TapRunner<Router<>>::create(router);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap));
    CHECK(runner->caps(PortId{0}) == TapDevice::caps(1500)); // no offload without vnet headers
    const std::string pcap = dir.file("port0.pcap");
    auto writer = PcapWriter::open(pcap);
    REQUIRE(writer);
    runner->set_pcap(PortId{0}, std::move(*writer));
    std::vector<TraceKind> traced;
    runner->set_trace([&](Instant, const TraceEvent& e) { traced.push_back(e.kind); });
    REQUIRE(configure_linux_side(ns, *tap, "10.77.0.2/24"));

    // ping: three echo requests 0.2 s apart, each answered within 1 s.
    {
        Child ping(ns.in("timeout 20 ping -n -c 3 -W 1 -i 0.2 10.77.0.1"), dir.file("ping.out"));
        run_while(*runner, ping, 25s);
        INFO(ping.output());
        CHECK(ping.exit_code() == 0);
        CHECK(contains(ping.output(), "3 packets transmitted, 3 received"));
        CHECK(contains(ping.output(), "ttl=64")); // the router's echo reply TTL
    }

    // arping: two ARP requests for the router's address, both answered.
    std::size_t arping_replies = 0;
    if (have("arping")) {
        const bool habets =
            contains(run_command("arping --help", dir).out + run_command("arping --help", dir).err,
                     "Habets");
        const std::string cmd =
            habets ? "timeout 20 arping -c 2 -W 0.2 -i " + tap->name() + " 10.77.0.1"
                   : "timeout 20 arping -c 2 -w 10 -I " + tap->name() + " 10.77.0.1";
        Child arping(ns.in(cmd), dir.file("arping.out"));
        run_while(*runner, arping, 25s);
        INFO(arping.output());
        CHECK(arping.exit_code() == 0);
        CHECK((contains(arping.output(), "2 packets received") ||
               contains(arping.output(), "Received 2 response")));
        arping_replies = 2;
    } else {
        WARN("arping is not installed: the ARP check rests on ping's own ARP");
    }
    REQUIRE(runner->pcap(PortId{0}) != nullptr);
    REQUIRE(runner->pcap(PortId{0})->flush());

    // The router dropped nothing for being broken. What Linux sends besides
    // is IPv6 (MLD reports, neighbour solicitations to 33:33:… multicast
    // MACs: not_for_me; to the router's MAC it would be unsupported).
    const DropCounts& d = router.drops();
    CHECK(d[DropReason::malformed] == 0);
    CHECK(d[DropReason::bad_checksum] == 0);
    CHECK(d[DropReason::not_for_me] + d[DropReason::unsupported] == d.total());
    const TapPortCounters& c = runner->counters(PortId{0});
    CHECK(c.drops.total() == 0);
    CHECK(c.read_errors == 0);
    CHECK(c.pcap_errors == 0);
    // In: 3 echo requests + 1 ARP request (ping) + the arping requests.
    CHECK(c.frames_in >= 4 + arping_replies);
    CHECK(d.total() == c.frames_in - 4 - arping_replies);
    // Out: 3 echo replies + the ARP replies (the router asks nothing).
    CHECK(c.frames_out == 4 + arping_replies);
    CHECK(std::count(traced.begin(), traced.end(), TraceKind::icmp_echo_replied) +
              std::count(traced.begin(), traced.end(), TraceKind::frame_sent) >=
          3);
    CHECK(std::count(traced.begin(), traced.end(), TraceKind::arp_reply_sent) ==
          static_cast<long>(1 + arping_replies));

    if (have("tshark")) {
        REQUIRE(runner->pcap(PortId{0})->close());
        CHECK(tshark_complaints(pcap, dir).empty());
        // Every frame the router dropped was one of Linux's IPv6 frames.
        CHECK(tshark_count(pcap, "ipv6", dir) == d.total());
        CHECK(tshark_count(pcap, "icmp.type == 8", dir) == 3);
        CHECK(tshark_count(pcap, "icmp.type == 0 && ip.src == 10.77.0.1", dir) == 3);
        CHECK(tshark_count(pcap, "arp.opcode == 2 && arp.src.proto_ipv4 == 10.77.0.1", dir) ==
              1 + arping_replies);
    } else {
        WARN("tshark is not installed: the capture is not checked");
    }
}

TEST_CASE("TapRunner: a two-port Router forwards Linux's ping between two namespaces",
          "[io][tap][linux]") {
    if (const auto why = linux_side_missing(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    Netns a("a"), b("b");
    if (!a.ok() || !b.ok()) {
        WARN("skipped: `ip netns add` failed");
        return;
    }
    TempDir dir;
    auto tap_a = TapDevice::open();
    REQUIRE(tap_a);
    auto tap_b = TapDevice::open();
    REQUIRE(tap_b);
    router::RouterConfig config;
    config.ports.push_back(
        {*MacAddress::parse("02:00:5e:77:01:01"), *Ipv4Prefix::parse("10.77.1.1/24"), 1500});
    config.ports.push_back(
        {*MacAddress::parse("02:00:5e:77:02:01"), *Ipv4Prefix::parse("10.77.2.1/24"), 1500});
    Router<> router(config, RandomStream(11));
    auto runner = TapRunner<Router<>>::create(router);
    REQUIRE(runner);
    REQUIRE(runner->attach(PortId{0}, *tap_a));
    REQUIRE(runner->attach(PortId{1}, *tap_b));
    CHECK_FALSE(runner->attach(PortId{1}, *tap_b)); // bound already
    const std::string pcap_b = dir.file("port1.pcap");
    auto writer = PcapWriter::open(pcap_b);
    REQUIRE(writer);
    runner->set_pcap(PortId{1}, std::move(*writer));
    REQUIRE(configure_linux_side(a, *tap_a, "10.77.1.2/24", "10.77.1.1"));
    REQUIRE(configure_linux_side(b, *tap_b, "10.77.2.2/24", "10.77.2.1"));

    Child ping(a.in("timeout 20 ping -n -c 3 -W 1 -i 0.2 10.77.2.2"), dir.file("ping.out"));
    run_while(*runner, ping, 25s);
    INFO(ping.output());
    CHECK(ping.exit_code() == 0);
    CHECK(contains(ping.output(), "3 packets transmitted, 3 received"));
    // B answers with TTL 64; one router on the way back leaves 63.
    CHECK(contains(ping.output(), "ttl=63"));
    // 3 requests one way and 3 replies the other.
    CHECK(router.forwarded() == 6);
    CHECK(router.drops()[DropReason::malformed] == 0);
    CHECK(router.drops()[DropReason::bad_checksum] == 0);
    CHECK(router.drops()[DropReason::no_route] == 0);
    CHECK(runner->counters(PortId{0}).drops.total() == 0);
    CHECK(runner->counters(PortId{1}).drops.total() == 0);

    // Nobody has 10.77.2.99: the router's ARP timer (poll_at/poll on the
    // steady clock) asks three times, 1 s apart (ArpConfig: retry 1 s,
    // tries 3), then gives up and tells the sender: host unreachable (3/1).
    {
        Child lost(a.in("timeout 20 ping -n -c 1 -W 8 10.77.2.99"), dir.file("lost.out"));
        run_while(*runner, lost, 25s);
        INFO(lost.output());
        CHECK(lost.exit_code() == 1); // iputils: no reply
        CHECK(contains(lost.output(), "From 10.77.1.1 icmp_seq=1 Destination Host Unreachable"));
        CHECK(router.drops()[DropReason::arp_unresolved] == 1);
    }

    if (have("tshark")) {
        REQUIRE(runner->pcap(PortId{1})->close());
        // The three requests, never early: each at least 1 s after the last
        // (and not much later: the runner wakes within a millisecond).
        const auto times = strata_test::split_lines(
            run_command("tshark -r " + pcap_b +
                            " -Y 'arp.opcode == 1 && arp.dst.proto_ipv4 == 10.77.2.99'"
                            " -T fields -e frame.time_epoch",
                        dir)
                .out);
        REQUIRE(times.size() == 3);
        for (std::size_t i = 1; i < times.size(); ++i) {
            const auto gap =
                strata_test::parse_epoch(times[i]) - strata_test::parse_epoch(times[i - 1]);
            CHECK(gap >= 1s);
            CHECK(gap < 1s + 200ms);
        }
        const std::string p = pcap_b;
        CHECK(tshark_complaints(p, dir).empty());
        // On B's link the requests left the router with TTL 63.
        CHECK(tshark_count(p, "icmp.type == 8 && ip.ttl == 63 && ip.src == 10.77.1.2", dir) == 3);
        // The router resolved B by ARP itself.
        CHECK(tshark_count(p, "arp.opcode == 1 && arp.src.proto_ipv4 == 10.77.2.1", dir) >= 1);
    }
}
