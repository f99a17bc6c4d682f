// strata-net end to end: the example topologies run, write the files the
// schema names, tshark reads every pcap without a warning (checksums
// verified), and summary.json holds the counts worked out by hand from each
// example's routes, NAT and filter rules. Same seed, same bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "run_support.hpp"

namespace fs = std::filesystem;
using netrun::examples;
using netrun::Run;
using netrun::run;
using netrun::slurp;
using netrun::TempDir;
using nlohmann::json;

namespace {

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

/// What tshark prints for `args` on `pcap` (stderr dropped: it warns about root).
std::string tshark(const fs::path& pcap, const std::string& args) {
    const auto out = pcap.parent_path() / "tshark.txt";
    const std::string cmd =
        "tshark -r " + pcap.string() + " " + args + " >" + out.string() + " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return slurp(out);
}

/// Every pcap in `dir` reads in tshark without a malformed packet or an
/// expert warning, with IP, UDP and TCP checksums verified. tshark flags
/// every TCP reset as a Warning ("Connection reset (RST)", tcp.connection.rst)
/// whatever its bytes: a firewall's reject sends one on purpose, so that
/// expert item alone is not counted (errors still are, on any frame).
void check_tshark_clean(const fs::path& dir) {
    if (!have_tshark()) {
        WARN("tshark not installed: pcaps not checked");
        return;
    }
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".pcap") continue;
        ++files;
        const std::string warnings =
            tshark(e.path(), "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
                             "-o tcp.check_checksum:TRUE "
                             "-Y '_ws.malformed || _ws.expert.severity >= error || "
                             "(_ws.expert.severity >= warning && !tcp.connection.rst)'");
        INFO(e.path().filename().string() << ": " << warnings);
        CHECK(warnings.empty());
    }
    CHECK(files > 0);
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

std::uint64_t port(const json& s, const char* node, const char* p, const char* key) {
    return s.at("nodes").at(node).at("ports").at(p).at(key).get<std::uint64_t>();
}

} // namespace

TEST_CASE("five routes: each route's datagrams leave by its port", "[run]") {
    TempDir tmp;
    const auto out = tmp.path / "out";
    const Run r = run(
        (examples / "five_routes.json").string() + " --out " + out.string() + " --trace", tmp.path);
    INFO(r.err);
    REQUIRE(r.status == 0);
    for (const char* f :
         {"l_src.pcap", "l_isp.pcap", "l_lan.pcap", "l_gw101.pcap", "l_gw192.pcap", "l_gw10.pcap",
          "src.rx.pcap", "isp.rx.pcap", "summary.json", "trace.jsonl"})
        CHECK(fs::exists(out / f));
    const json s = json::parse(slurp(out / "summary.json"));
    // make_pcaps.py: src sends 1 ARP request, then 1, 2, 3, 4, 5 datagrams to
    // 10.10.1.50, 10.10.1.101, 192.168.1.77, 192.168.1.10, 8.8.8.8, then one
    // with TTL 1. Longest prefix wins: 10.10.1.101 takes the /32 (e3), not
    // the /24 (e2); 192.168.1.10 the /32 (e5), not the /24 (e4).
    CHECK(port(s, "r1", "e0", "frames_in") == 1 + 15 + 1);
    // Out of each port: the ARP reply to the neighbour's request, then its route's datagrams.
    CHECK(port(s, "r1", "e2", "frames_out") == 1 + 1);
    CHECK(port(s, "r1", "e3", "frames_out") == 1 + 2);
    CHECK(port(s, "r1", "e4", "frames_out") == 1 + 3);
    CHECK(port(s, "r1", "e5", "frames_out") == 1 + 4);
    CHECK(port(s, "r1", "e1", "frames_out") == 1 + 5);
    // Back to the source: the ARP reply and one ICMP time exceeded.
    CHECK(port(s, "r1", "e0", "frames_out") == 2);
    CHECK(s["nodes"]["r1"]["drops"] == json{{"ttl_expired", 1}});
    CHECK(s["nodes"]["r1"]["router"]["forwarded"] == 15);
    CHECK(s["nodes"]["isp"]["replay"]["received"] == 6);
    CHECK(s["links"]["l_isp"]["a_to_b"]["frames_sent"] == 6);
    CHECK(s["links"]["l_isp"]["a_to_b"]["lost"] == 0);

    // trace.jsonl: one JSON object per line with time, node and event.
    int icmp_errors = 0, arp_replies = 0, routes = 0;
    for (const auto& l : lines(slurp(out / "trace.jsonl"))) {
        const json e = json::parse(l);
        REQUIRE(e.contains("t_ns"));
        REQUIRE(e.contains("node"));
        const auto ev = e.at("event").get<std::string>();
        if (ev == "icmp_error_sent") {
            ++icmp_errors;
            CHECK(e["type"] == 11); // time exceeded, code 0 in transit (RFC 792)
            CHECK(e["code"] == 0);
            CHECK(e["to"] == "172.16.0.10");
        }
        arp_replies += ev == "arp_reply_sent";
        if (ev == "route_chosen" && e["dst"] == "10.10.1.101") {
            ++routes;
            CHECK(e["prefix_len"] == 32);
            CHECK(e["via"] == "10.10.2.2");
            CHECK(e["port"] == "e3");
        }
    }
    CHECK(icmp_errors == 1);
    CHECK(arp_replies == 6);
    CHECK(routes == 2);

    // Link pcaps are nanosecond pcap (magic 0xA1B23C4D, little-endian on
    // disk) with LINKTYPE_ETHERNET (1) at offset 20.
    const std::string head = slurp(out / "l_isp.pcap").substr(0, 24);
    REQUIRE(head.size() == 24);
    CHECK(head.substr(0, 4) == std::string("\x4d\x3c\xb2\xa1", 4));
    CHECK(head.substr(20, 4) == std::string("\x01\x00\x00\x00", 4));

    check_tshark_clean(out);
    if (have_tshark()) {
        // Forwarded once: TTL 64 - 1 (RFC 1812 §5.3.1), read by tshark.
        CHECK(tshark(out / "isp.rx.pcap", "-Y udp -T fields -e ip.ttl") == "63\n63\n63\n63\n63\n");
        CHECK(tshark(out / "src.rx.pcap", "-Y icmp -T fields -e icmp.type -e icmp.code") ==
              "11\t0\n");
    }
}

TEST_CASE("nat lan: one public port, three flows out and back, two drops", "[run]") {
    TempDir tmp;
    const auto out = tmp.path / "out";
    const Run r = run((examples / "nat_lan.json").string() + " --out " + out.string(), tmp.path);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(!fs::exists(out / "trace.jsonl")); // only with --trace
    const json s = json::parse(slurp(out / "summary.json"));
    // UDP 5000, TCP 40000 and ICMP id 0x1234 each take the one public port
    // 40000 of their protocol; the second UDP flow finds it taken; the
    // unsolicited datagram to 41000 matches no mapping (RFC 4787 §5: filtering of unsolicited
    // inbound).
    CHECK(s["nodes"]["gw"]["drops"] == json{{"nat_no_mapping", 1}, {"nat_ports_exhausted", 1}});
    CHECK(s["nodes"]["gw"]["router"]["nat"]["mappings_created"] == 3);
    CHECK(s["nodes"]["gw"]["router"]["forwarded"] == 6);
    // pc: ARP reply + the three answers; inet: ARP reply + the three flows.
    CHECK(s["nodes"]["pc"]["replay"]["received"] == 4);
    CHECK(s["nodes"]["inet"]["replay"]["received"] == 4);
    check_tshark_clean(out);
    if (have_tshark()) {
        CHECK(tshark(out / "inet.rx.pcap", "-Y ip -T fields -e ip.src -e udp.srcport -e "
                                           "tcp.srcport -e icmp.ident") ==
              "203.0.113.2\t40000\t\t\n203.0.113.2\t\t40000\t\n203.0.113.2\t\t\t40000\n");
        CHECK(tshark(out / "pc.rx.pcap", "-Y ip -T fields -e ip.dst -e udp.dstport -e "
                                         "tcp.dstport -e icmp.ident") ==
              "192.168.1.10\t5000\t\t\n192.168.1.10\t\t40000\t\n192.168.1.10\t\t\t4660\n");
    }
}

TEST_CASE("firewall: SYN to the web port passes, the rest by rule", "[run]") {
    TempDir tmp;
    const auto out = tmp.path / "out";
    const Run r = run((examples / "firewall.json").string() + " --out " + out.string(), tmp.path);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json s = json::parse(slurp(out / "summary.json"));
    // Client: SYN :80 (rule 0), ACK :80 (rule 1), SYN :22 (rule 4, reject),
    // UDP and ICMP (default drop). Web: SYN-ACK from :80 (rule 3), SYN from
    // :80 (rule 2, drop).
    CHECK(s["nodes"]["fw"]["router"]["filter"]["rule_hits"] == json{1, 1, 1, 1, 1});
    CHECK(s["nodes"]["fw"]["router"]["filter"]["default_hits"] == 2);
    CHECK(s["nodes"]["fw"]["drops"] == json{{"filter", 4}});
    CHECK(port(s, "fw", "wan", "frames_in") == 6);
    CHECK(s["nodes"]["web"]["replay"]["received"] == 3);    // ARP reply, SYN, ACK
    CHECK(s["nodes"]["client"]["replay"]["received"] == 3); // ARP reply, SYN-ACK, RST
    check_tshark_clean(out);
    if (have_tshark()) {
        CHECK(tshark(out / "client.rx.pcap", "-Y tcp.flags.reset==1 -T fields -e tcp.srcport") ==
              "22\n");
    }
}

TEST_CASE("firewall made stateful: replies to the accepted SYN pass untouched by rules", "[run]") {
    TempDir tmp;
    json topo = json::parse(slurp(examples / "firewall.json"));
    for (auto& n : topo["nodes"])
        if (n.contains("file")) n["file"] = (examples / n["file"].get<std::string>()).string();
    // Keep rule 0 only (SYN without ACK to web:80) and let tracking do the rest.
    auto& f = topo["nodes"][0]["filter"];
    f["stateful"] = true;
    f["rules"] = json::array({f["rules"][0]});
    const auto file = tmp.path / "stateful.json";
    std::ofstream(file) << topo.dump(2);
    const Run r = run(file.string() + " --out " + (tmp.path / "out").string(), tmp.path);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json s = json::parse(slurp(tmp.path / "out" / "summary.json"));
    // The SYN opens a tracked flow; the SYN-ACK and the ACK belong to it.
    // Default drop: SYN to :22, UDP, ping, and the server's own SYN to :9999.
    CHECK(s["nodes"]["fw"]["drops"] == json{{"filter", 4}});
    CHECK(s["nodes"]["fw"]["router"]["filter"]["flows_created"] == 1);
    CHECK(s["nodes"]["fw"]["router"]["filter"]["tracked"] == 2);
    CHECK(s["nodes"]["web"]["replay"]["received"] == 3);    // ARP reply, SYN, ACK
    CHECK(s["nodes"]["client"]["replay"]["received"] == 2); // ARP reply, SYN-ACK
}

TEST_CASE("same seed, same bytes; another seed, other losses", "[run]") {
    TempDir tmp;
    // five_routes with every impairment on the source's link.
    json topo = json::parse(slurp(examples / "five_routes.json"));
    for (auto& n : topo["nodes"])
        if (n.contains("file")) n["file"] = (examples / n["file"].get<std::string>()).string();
    topo["links"][0]["loss"] = 0.2;
    topo["links"][0]["duplicate"] = 0.2;
    topo["links"][0]["reorder"] = 0.2;
    topo["links"][0]["corrupt"] = 0.2;
    const auto file = tmp.path / "impaired.json";
    std::ofstream(file) << topo.dump(2);
    const auto once = [&](const std::string& dir, const std::string& extra) {
        const Run r = run(file.string() + " --out " + (tmp.path / dir).string() + extra, tmp.path);
        INFO(r.err);
        REQUIRE(r.status == 0);
    };
    once("a", "");
    once("b", "");
    once("c", " --seed 99");
    for (const auto& e : fs::directory_iterator(tmp.path / "a")) {
        INFO(e.path().filename().string());
        CHECK(slurp(e.path()) == slurp(tmp.path / "b" / e.path().filename()));
    }
    const json a = json::parse(slurp(tmp.path / "a" / "summary.json"));
    const json c = json::parse(slurp(tmp.path / "c" / "summary.json"));
    // 17 frames at 0.2 each: some impairment happens (P(none of 68 draws) ~ 1e-7).
    const auto& d = a["links"]["l_src"]["a_to_b"];
    CHECK(d["lost"].get<int>() + d["duplicated"].get<int>() + d["reordered"].get<int>() +
              d["corrupted"].get<int>() >
          0);
    CHECK(a["links"]["l_src"] != c["links"]["l_src"]);
    check_tshark_clean(tmp.path / "a");
}

TEST_CASE("bad files and bad replays exit 2 with one line", "[run]") {
    TempDir tmp;
    const auto bad = tmp.path / "bad.json";
    std::ofstream(bad) << R"({"nodes": [{"name": "h", "type": "hub", "ports": 2}],
                              "links": [{"name": "x", "a": "h.1", "b": "h.3"}]})";
    Run r = run(bad.string() + " --out " + (tmp.path / "o").string(), tmp.path);
    CHECK(r.status == 2);
    CHECK(r.err ==
          "strata-net: " + bad.string() + ": links[0].b: hub h has no port \"3\" (ports 1 to 2)\n");
    CHECK(!fs::exists(tmp.path / "o"));

    const auto missing = tmp.path / "missing.json";
    std::ofstream(missing) << R"({"nodes": [{"name": "p", "type": "replay", "file": "no.pcap"}]})";
    r = run(missing.string() + " --out " + (tmp.path / "o").string(), tmp.path);
    CHECK(r.status == 2);
    CHECK(r.err.rfind("strata-net: " + missing.string() + ": nodes[0].file: cannot use no.pcap",
                      0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

    r = run((tmp.path / "absent.json").string() + " --out " + (tmp.path / "o").string(), tmp.path);
    CHECK(r.status == 2);
    CHECK(r.err.find("cannot open the file") != std::string::npos);
}

TEST_CASE("the example captures are what make_pcaps.py writes", "[run]") {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
        WARN("python3 not installed: generator not checked");
        return;
    }
    TempDir tmp;
    const std::string cmd =
        "python3 " + (examples / "make_pcaps.py").string() + " " + tmp.path.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    int n = 0;
    for (const auto& e : fs::directory_iterator(tmp.path)) {
        INFO(e.path().filename().string());
        REQUIRE(fs::exists(examples / e.path().filename()));
        CHECK(slurp(e.path()) == slurp(examples / e.path().filename()));
        ++n;
    }
    CHECK(n == 10);
}

namespace {
// Two hubs joined twice, fed by a replay: the source's first frame is
// repeated around the loop forever (a hub floods every port but the ingress).
json hub_loop(std::uint64_t rate_mbps) {
    json links = {{{"name", "x1"}, {"a", "h1.1"}, {"b", "h2.1"}},
                  {{"name", "x2"}, {"a", "h1.2"}, {"b", "h2.2"}},
                  {{"name", "x3"}, {"a", "p.0"}, {"b", "h1.3"}}};
    if (rate_mbps != 0)
        for (auto& l : links)
            l["rate_mbps"] = rate_mbps;
    return {{"until_ms", 60000},
            {"nodes",
             {{{"name", "h1"}, {"type", "hub"}, {"ports", 3}},
              {{"name", "h2"}, {"type", "hub"}, {"ports", 3}},
              {{"name", "p"},
               {"type", "replay"},
               {"file", (examples / "five_routes_src.pcap").string()}}}},
            {"links", links}};
}
} // namespace

TEST_CASE("a loop of hubs storms until --max-frames stops it", "[run]") {
    TempDir tmp;
    const json topo = hub_loop(100);
    const auto file = tmp.path / "storm.json";
    std::ofstream(file) << topo.dump();
    const Run r = run(file.string() + " --out " + (tmp.path / "o").string() + " --max-frames 20000",
                      tmp.path);
    CHECK(r.status == 3);
    CHECK(r.err.find("stopped at 20000 frames") != std::string::npos);
    const json s = json::parse(slurp(tmp.path / "o" / "summary.json"));
    CHECK(s["stopped_early"] == true);
    // Stopped within the 1 ms slice that crossed the limit, far before 60 s.
    CHECK(s["end_ns"].get<std::int64_t>() < 1'000'000'000);
    std::uint64_t sent = 0;
    for (const auto& [name, l] : s["links"].items())
        sent += l["a_to_b"]["frames_sent"].get<std::uint64_t>() +
                l["b_to_a"]["frames_sent"].get<std::uint64_t>();
    CHECK(sent > 20000);
}

TEST_CASE("a loop of zero-delay, unlimited-rate links is stopped too", "[run]") {
    TempDir tmp;
    // The same loop with rate 0 and delay 0: every copy arrives at the
    // instant it was sent, so virtual time never passes. The run still
    // stops, because a slice also ends after 100,000 events.
    const json topo = hub_loop(0);
    const auto file = tmp.path / "storm0.json";
    std::ofstream(file) << topo.dump();
    const Run r = run(file.string() + " --out " + (tmp.path / "o").string() + " --max-frames 50000",
                      tmp.path);
    CHECK(r.status == 3);
    const json s = json::parse(slurp(tmp.path / "o" / "summary.json"));
    CHECK(s["stopped_early"] == true);
    CHECK(s["end_ns"].get<std::int64_t>() < 1'000'000);
}
