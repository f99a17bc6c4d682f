// decode<Stack> on real Linux traffic (tests/data, see docs/captures.md),
// checked field by field against tshark's dissection of the same frames.
#include <string>

#include <catch2/catch.hpp>

#include <strata/layers.hpp>

#include "layer/capture_util.hpp"

using namespace strata;
using strata::test::load_capture;
using strata::test::tshark_number;

namespace {

using Web = Ethernet<IPv4<TCP<OneOf<HTTP>>>>;
using Resolver = Ethernet<IPv4<UDP<OneOf<DNS>>>>;
using Tagged = Dot1Q<OneOf<IPv4<OneOf<ICMP, UDP<>, TCP<>>>, ARP>>;
using Any = Ethernet<OneOf<ARP, Dot1Q<OneOf<IPv4<OneOf<ICMP, UDP<>, TCP<>>>, ARP, Tagged>>,
                           IPv4<OneOf<TCP<OneOf<HTTP>>, UDP<OneOf<DNS>>, ICMP>>>>;

std::string text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

const nlohmann::json* request_line(const nlohmann::json& http) {
    for (const auto& [key, value] : http.items())
        if (value.is_object() && value.contains("http.request.method")) return &value;
    return nullptr;
}
const nlohmann::json* status_line(const nlohmann::json& http) {
    for (const auto& [key, value] : http.items())
        if (value.is_object() && value.contains("http.response.code")) return &value;
    return nullptr;
}

} // namespace

TEST_CASE("decode<Ethernet<IPv4<TCP<OneOf<HTTP>>>>> agrees with tshark on curl traffic") {
    const auto frames = load_capture("http.pcap");
    int requests = 0, responses = 0, body_segments = 0;
    for (const auto& f : frames) {
        const auto& ts = f.tshark;
        const auto d = decode<Web>(Bytes(f.bytes));
        INFO("frame " << ts["frame"]["frame.number"].get<std::string>());

        REQUIRE(d.has<Ethernet>());
        REQUIRE(d.has<IPv4>());
        REQUIRE(d.has<TCP>());
        const auto& ip = d.get<IPv4>();
        CHECK(to_string(ip.src()) == ts["ip"]["ip.src"].get<std::string>());
        CHECK(to_string(ip.dst()) == ts["ip"]["ip.dst"].get<std::string>());
        CHECK(ip.ttl() == tshark_number(ts["ip"]["ip.ttl"]));
        CHECK(ip.verify_checksum());
        const auto& tcp = d.get<TCP>();
        CHECK(tcp.src_port().value() == tshark_number(ts["tcp"]["tcp.srcport"]));
        CHECK(tcp.dst_port().value() == tshark_number(ts["tcp"]["tcp.dstport"]));
        CHECK(tcp.seq_number().value() == tshark_number(ts["tcp"]["tcp.seq_raw"]));
        CHECK(tcp.verify_checksum(ip.src(), ip.dst()));
        const std::uint64_t payload_len = tshark_number(ts["tcp"]["tcp.len"]);
        CHECK(tcp.payload().size() == payload_len);

        const bool tshark_http = ts.contains("http");
        const auto* req = tshark_http ? request_line(ts["http"]) : nullptr;
        const auto* resp = tshark_http ? status_line(ts["http"]) : nullptr;
        if (req) {
            ++requests;
            REQUIRE(d.ok());
            const auto& h = d.get<HTTP>();
            REQUIRE(h.is_request());
            CHECK(h.request().method_name() == (*req)["http.request.method"].get<std::string>());
            CHECK(h.request().target == (*req)["http.request.uri"].get<std::string>());
            CHECK(h.request().version_text == (*req)["http.request.version"].get<std::string>());
            // tshark lists each header line; strata keeps name and value.
            const auto& lines = ts["http"]["http.request.line"];
            REQUIRE(h.headers().size() == lines.size());
            std::size_t i = 0;
            for (const auto& field : h.headers()) {
                const std::string line = lines[i++].get<std::string>();
                CHECK(line == std::string(field.name) + ": " + std::string(field.value) + "\r\n");
            }
            CHECK(h.body().empty());
        } else if (resp) {
            ++responses;
            REQUIRE(d.ok());
            const auto& h = d.get<HTTP>();
            REQUIRE(h.is_response());
            CHECK(static_cast<std::uint64_t>(h.response().status) ==
                  tshark_number((*resp)["http.response.code"]));
            CHECK(h.response().reason == (*resp)["http.response.phrase"].get<std::string>());
            CHECK(h.head_len() + h.body().size() == payload_len);
        } else if (payload_len > 0) {
            // A segment of body bytes: port 80 selects HTTP, which finds no
            // start line. Partial decode: TCP stays usable, HTTP is the error.
            ++body_segments;
            REQUIRE_FALSE(d.ok());
            CHECK(d.error().layer == "http");
            CHECK(d.error().offset >= 14 + 20 + 20);
            CHECK(text(d.rest()) == text(tcp.payload()));
            CHECK_FALSE(d.has<HTTP>());
        } else {
            // No payload (SYN, ACK, FIN): no application bytes to decode.
            CHECK(d.ok());
            CHECK(d.rest().empty());
            CHECK_FALSE(d.has<HTTP>());
        }
    }
    CHECK(requests == 2);
    CHECK(responses == 2);
    CHECK(body_segments >= 1);
}

TEST_CASE("decode<Ethernet<IPv4<UDP<OneOf<DNS>>>>> agrees with tshark on dig traffic") {
    const auto frames = load_capture("dns.pcap");
    int messages = 0;
    for (const auto& f : frames) {
        const auto& ts = f.tshark;
        // DNS over TCP (dig +tcp) is length-framed: not this stack's business.
        if (!ts.contains("dns") || !ts.contains("udp")) continue;
        const auto d = decode<Resolver>(Bytes(f.bytes));
        INFO("frame " << ts["frame"]["frame.number"].get<std::string>());
        REQUIRE(d.ok());
        REQUIRE(d.has<DNS>());
        ++messages;
        const auto& ip = d.get<IPv4>();
        const auto& udp = d.get<UDP>();
        CHECK(udp.verify_checksum(ip.src(), ip.dst()));
        const auto& dns = d.get<DNS>();
        CHECK(dns.id() == tshark_number(ts["dns"]["dns.id"]));
        CHECK(dns.flags() == tshark_number(ts["dns"]["dns.flags"]));
        CHECK(dns.qdcount() == tshark_number(ts["dns"]["dns.count.queries"]));
        CHECK(dns.ancount() == tshark_number(ts["dns"]["dns.count.answers"]));
        std::vector<std::string> names;
        for (const auto& q : dns.questions()) {
            REQUIRE(q);
            names.push_back(q->name.to_string());
        }
        std::vector<std::string> expected;
        for (const auto& [key, q] : ts["dns"]["Queries"].items())
            expected.push_back(q["dns.qry.name"].get<std::string>());
        CHECK(names == expected);
    }
    CHECK(messages >= 2);
}

TEST_CASE("decode of a OneOf stack picks each frame's layers as tshark does") {
    int checked = 0;
    for (const char* capture : {"arp_icmp.pcap", "icmp_errors.pcap", "vlan.pcap", "qinq.pcap",
                                "http.pcap", "dns.pcap", "fragments.pcap"}) {
        for (const auto& f : load_capture(capture)) {
            const auto& ts = f.tshark;
            INFO(capture << " frame " << ts["frame"]["frame.number"].get<std::string>());
            auto d = decode<Any>(Bytes(f.bytes));
            const std::string protocols = ts["frame"]["frame.protocols"].get<std::string>();
            const auto has = [&](const char* p) {
                return (":" + protocols + ":").find(std::string(":") + p + ":") !=
                       std::string::npos;
            };
            CHECK(d.has<ARP>() == has("arp"));
            CHECK(d.has<Dot1Q>() == (has("vlan") || has("ieee8021ad")));
            const bool ip_first_fragment =
                has("ip") && (!ts["ip"].contains("ip.frag_offset") ||
                              tshark_number(ts["ip"]["ip.frag_offset"]) == 0);
            CHECK(d.has<IPv4>() == has("ip"));
            if (has("icmp")) {
                // tshark goes on into the quoted datagram; strata's ICMP view
                // exposes the quote without decoding it as a layer.
                CHECK(d.has<ICMP>());
            } else if (ip_first_fragment) {
                CHECK(d.has<UDP>() == has("udp"));
                CHECK(d.has<TCP>() == has("tcp"));
            } else if (has("ip")) {
                // RFC 791: a later fragment does not start with a header.
                REQUIRE_FALSE(d.ok());
                CHECK(d.error().field == "frag_offset");
            }
            if (d.has<ARP>())
                CHECK(to_string(d.get<ARP>().sender_protocol_addr()) ==
                      ts["arp"]["arp.src.proto_ipv4"].get<std::string>());
            if (has("ieee8021ad")) {
                // QinQ: the outer 802.1ad S-tag, then the 802.1Q C-tag.
                CHECK(d.get<Dot1Q>().vlan_id() == tshark_number(ts["ieee8021ad"]["ieee8021ad.id"]));
                REQUIRE(d.has<Dot1Q, 1>());
                CHECK(d.get<Dot1Q, 1>().vlan_id() == tshark_number(ts["vlan"]["vlan.id"]));
            } else if (has("vlan")) {
                CHECK(d.get<Dot1Q>().vlan_id() == tshark_number(ts["vlan"]["vlan.id"]));
                CHECK_FALSE(d.has<Dot1Q, 1>());
            }
            std::size_t layers = 0;
            d.visit([&](auto, const auto&) { ++layers; });
            CHECK(layers == d.depth());
            ++checked;
        }
    }
    CHECK(checked > 30);
}
