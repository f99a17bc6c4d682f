// dissect_bytes() on frames built by hand in this file, for the rules of the
// output scheme the stored captures do not exercise (malformed headers, option
// lists, DNS record types, PPPoE, …). Checksums of the built frames are
// computed with the naive RFC 1071 loop below, not with strata's code.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dissect.hpp"

namespace {

using json = nlohmann::json;
using B = std::vector<std::uint8_t>;

B cat(std::initializer_list<B> parts) {
    B out;
    for (const B& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}
B u16(unsigned v) { return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }
B u32(std::uint32_t v) { return cat({u16(v >> 16), u16(v & 0xffff)}); }
B text(const std::string& s) { return B(s.begin(), s.end()); }

// RFC 1071 §4.1, as written there: 16-bit one's complement sum, folded.
unsigned naive_sum(const B& b, unsigned long acc = 0) {
    for (std::size_t i = 0; i < b.size(); i += 2)
        acc += (unsigned{b[i]} << 8) + (i + 1 < b.size() ? b[i + 1] : 0u);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<unsigned>(acc);
}
unsigned naive_checksum(const B& b) { return ~naive_sum(b) & 0xffff; }

const B mac_a = {0x02, 0x77, 0x01, 0x00, 0x00, 0x01};
const B mac_b = {0x02, 0x77, 0x01, 0x00, 0x00, 0x02};
const B ip_a = {10, 77, 1, 2};
const B ip_b = {10, 77, 2, 2};

B eth(unsigned type, const B& payload) { return cat({mac_a, mac_b, u16(type), payload}); }

// An IPv4 header (+ options) with a correct checksum, then the payload.
B ipv4(unsigned proto, const B& payload, const B& options = {}, unsigned flags_frag = 0x4000,
       unsigned id = 1, unsigned ttl = 64) {
    const unsigned hl = 20 + static_cast<unsigned>(options.size());
    B h = cat({{static_cast<std::uint8_t>(0x40 | (hl / 4)), 0},
               u16(hl + payload.size()),
               u16(id),
               u16(flags_frag),
               {static_cast<std::uint8_t>(ttl), static_cast<std::uint8_t>(proto)},
               u16(0),
               ip_a,
               ip_b,
               options});
    const unsigned c = naive_checksum(h);
    h[10] = static_cast<std::uint8_t>(c >> 8);
    h[11] = static_cast<std::uint8_t>(c);
    return cat({h, payload});
}

// A transport segment with its checksum over the pseudo-header (RFC 793 §3.1,
// RFC 768) filled at `at`.
B with_l4_checksum(B seg, unsigned proto, std::size_t at) {
    const B pseudo = cat({ip_a, ip_b, {0, static_cast<std::uint8_t>(proto)}, u16(seg.size())});
    const unsigned c = ~naive_sum(seg, naive_sum(pseudo)) & 0xffff;
    seg[at] = static_cast<std::uint8_t>(c >> 8);
    seg[at + 1] = static_cast<std::uint8_t>(c);
    return seg;
}

B tcp(unsigned sport, unsigned dport, std::uint32_t seq, std::uint32_t ack, unsigned flags,
      const B& options, const B& payload, unsigned window = 64240) {
    const unsigned doff = (20 + static_cast<unsigned>(options.size())) / 4;
    B seg = cat(
        {u16(sport),
         u16(dport),
         u32(seq),
         u32(ack),
         {static_cast<std::uint8_t>(doff << 4 | (flags >> 8)), static_cast<std::uint8_t>(flags)},
         u16(window),
         u16(0),
         u16(0),
         options,
         payload});
    return with_l4_checksum(seg, 6, 16);
}

B udp(unsigned sport, unsigned dport, const B& payload, bool checksum = true) {
    B seg = cat({u16(sport), u16(dport), u16(8 + payload.size()), u16(0), payload});
    return checksum ? with_l4_checksum(seg, 17, 6) : seg;
}

json run(const B& frame, std::uint32_t wirelen = 0) {
    return strata::dissect::dissect_bytes(
        1, frame, wirelen ? wirelen : static_cast<std::uint32_t>(frame.size()));
}

bool has_error(const json& f, const std::string& needle) {
    for (const auto& e : f["errors"])
        if (e.get<std::string>().find(needle) != std::string::npos) return true;
    return false;
}

// The SYN of the scheme's example (docs/dissect.md), byte by byte.
B example_syn() {
    const B opts =
        cat({{2, 4}, u16(1460), {4, 2}, {8, 10}, u32(934465560), u32(0), {1}, {3, 3, 10}});
    B seg = tcp(53192, 80, 3030031227u, 0, 0x002, opts, {});
    return eth(0x0800, ipv4(6, seg, {}, 0x4000, 54902));
}

} // namespace

TEST_CASE("the scheme's example SYN decodes to the example object", "[units]") {
    // The example in the scheme (dissect-schema.md), with "errors": [] added.
    const json want =
        json::parse(R"({"n":1,"caplen":74,"wirelen":74,"layers":["eth","ipv4","tcp"],"errors":[],
 "eth":{"dst":"02:77:01:00:00:01","src":"02:77:01:00:00:02","type":2048},
 "ipv4":{"version":4,"ihl":5,"tos":0,"total_len":60,"id":54902,"rf":0,"df":1,"mf":0,"frag_offset":0,
         "ttl":64,"proto":6,"checksum":19624,"checksum_valid":true,"src":"10.77.1.2","dst":"10.77.2.2","options":[]},
 "tcp":{"sport":53192,"dport":80,"seq":3030031227,"ack":0,"data_offset":10,"reserved":0,"flags_int":2,"flags":"S",
        "window":64240,"checksum":3445,"checksum_valid":true,"urgent":0,
        "options":[{"kind":2,"len":4,"mss":1460},{"kind":4,"len":2},{"kind":8,"len":10,"tsval":934465560,"tsecr":0},
                   {"kind":1},{"kind":3,"len":3,"shift":10}],"payload_len":0}})");
    const B frame = example_syn();
    REQUIRE(frame.size() == 74);
    CHECK(run(frame) == want);
}

TEST_CASE("a bad TCP data offset is reported at its frame offset", "[units]") {
    B frame = example_syn();
    frame[14 + 20 + 12] = static_cast<std::uint8_t>(3 << 4); // data offset 3 < 5
    const json f = run(frame);
    CHECK(f["layers"] == json({"eth", "ipv4", "tcp"}));
    CHECK(f["tcp"]["data_offset"] == 3);
    CHECK_FALSE(f["tcp"].contains("options"));
    CHECK_FALSE(f["tcp"].contains("payload_len"));
    CHECK(f["tcp"]["checksum_valid"] == false); // the byte changed, the checksum did not
    REQUIRE(f["errors"].size() == 1);
    CHECK(has_error(f, "tcp.data_offset"));
    CHECK(has_error(f, "at offset 46"));
}

TEST_CASE("a frame cut by the snaplen: what is there decodes, checksums cannot be verified",
          "[units]") {
    const B full = example_syn();
    const B cut(full.begin(), full.begin() + 60); // 26 of the 40 TCP header bytes
    const json f = run(cut, 74);
    CHECK(f["caplen"] == 60);
    CHECK(f["wirelen"] == 74);
    CHECK(f["ipv4"]["checksum_valid"] == true);
    CHECK(has_error(f, "ipv4.total_len"));
    CHECK(f["tcp"]["sport"] == 53192);
    CHECK(f["tcp"]["checksum_valid"].is_null());
    CHECK_FALSE(f["tcp"].contains("options")); // the option bytes are not in the frame
    CHECK(has_error(f, "tcp.data_offset"));
}

TEST_CASE("IPv4 options end with the first EOL; padding is not listed", "[units]") {
    // NOP, Record Route (type 7, length 7, pointer 4, one empty slot), EOL, 3 bytes padding.
    const B opts = {1, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    const json f = run(eth(0x0800, ipv4(253, B(8, 0xab), opts)));
    CHECK(f["ipv4"]["ihl"] == 8);
    CHECK(f["ipv4"]["options"] == json::parse(R"([{"type":1},{"type":7,"len":7},{"type":0}])"));
    CHECK(f["ipv4"]["checksum_valid"] == true);
    CHECK(f["layers"] == json({"eth", "ipv4"})); // protocol 253: out of scope
    CHECK(f["errors"].empty());
}

TEST_CASE("a TCP option with a bad length ends the list as invalid", "[units]") {
    // MSS with length 3 (must be 4, RFC 9293 §3.2), then NOPs.
    const B opts = {1, 2, 3, 5, 1, 1, 1, 1};
    const json f = run(eth(0x0800, ipv4(6, tcp(1000, 2000, 1, 0, 0x002, opts, {}))));
    const json& o = f["tcp"]["options"];
    REQUIRE(o.size() == 2);
    CHECK(o[0] == json({{"kind", 1}}));
    CHECK(o[1]["kind"].is_null());
    CHECK(o[1]["invalid"].is_string());
    CHECK(has_error(f, "tcp.options"));
    CHECK(f["tcp"]["checksum_valid"] == true);
}

TEST_CASE("UDP without checksum; non-first fragments stop at ipv4", "[units]") {
    const json f = run(eth(0x0800, ipv4(17, udp(5000, 6000, text("hello"), false))));
    CHECK(f["udp"]["checksum"] == 0);
    CHECK(f["udp"]["checksum_valid"].is_null());
    CHECK(f["udp"]["len"] == 13);

    const json g = run(eth(0x0800, ipv4(17, B(16, 0x11), {}, 0x2000 | 185)));
    CHECK(g["layers"] == json({"eth", "ipv4"}));
    CHECK(g["ipv4"]["mf"] == 1);
    CHECK(g["ipv4"]["frag_offset"] == 185);

    // First fragment (MF, offset 0): transport decoded, checksum not verifiable.
    const json h = run(eth(0x0800, ipv4(17, udp(5000, 6000, B(40, 1)), {}, 0x2000)));
    CHECK(h["layers"] == json({"eth", "ipv4", "udp"}));
    CHECK(h["udp"]["checksum_valid"].is_null());
}

namespace {
// A DNS response built by hand (RFC 1035 §4.1 layout; names compressed with
// pointers to offset 12, the question name).
B dns_response() {
    const B qname = cat({{3}, text("www"), {7}, text("example"), {4}, text("test"), {0}});
    const B ptr_q = {0xc0, 12};
    const B aaaa = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const B cname_target = cat({{3}, text("web"), ptr_q}); // web.www.example.test
    const B soa_rdata = cat({{2},
                             text("ns"),
                             {0xc0, 16},
                             {4},
                             text("host"),
                             {0xc0, 16},
                             u32(2024),
                             u32(3600),
                             u32(600),
                             u32(86400),
                             u32(300)});
    const B srv_rdata = cat({u16(10), u16(5), u16(8080), {3}, text("srv"), {0xc0, 16}});
    return cat({u16(0xbeef),
                u16(0x8180),
                u16(1),
                u16(3),
                u16(1),
                u16(1),
                qname,
                u16(28),
                u16(1),
                // answers: AAAA, CNAME, SRV
                ptr_q,
                u16(28),
                u16(1),
                u32(60),
                u16(16),
                aaaa,
                ptr_q,
                u16(5),
                u16(1),
                u32(60),
                u16(cname_target.size()),
                cname_target,
                ptr_q,
                u16(33),
                u16(1),
                u32(60),
                u16(srv_rdata.size()),
                srv_rdata,
                // authority: SOA for example.test (offset 16)
                {0xc0, 16},
                u16(6),
                u16(1),
                u32(300),
                u16(soa_rdata.size()),
                soa_rdata,
                // additional: OPT, UDP size 1232, DO set, one option (cookie, 8 bytes)
                {0},
                u16(41),
                u16(1232),
                u32(0x00008000),
                u16(12),
                u16(10),
                u16(8),
                B(8, 0x42)});
}
} // namespace

TEST_CASE("DNS record types and RDATA text", "[units]") {
    const json f = run(eth(0x0800, ipv4(17, udp(53, 40000, dns_response()))));
    REQUIRE(f["layers"] == json({"eth", "ipv4", "udp", "dns"}));
    CHECK(f["errors"].empty());
    const json& d = f["dns"];
    CHECK(d["id"] == 0xbeef);
    CHECK(d["flags"] == 0x8180);
    CHECK(d["qr"] == 1);
    CHECK(d["rd"] == 1);
    CHECK(d["ra"] == 1);
    CHECK(d["questions"] == json::parse(R"([{"name":"www.example.test","type":28,"class":1}])"));
    REQUIRE(d["answers"].size() == 3);
    CHECK(d["answers"][0]["rdata"] == "2001:db8::1"); // RFC 5952 §4.2.1: longest zero run
    CHECK(d["answers"][0]["ttl"] == 60);
    CHECK(d["answers"][1]["rdata"] == "web.www.example.test");
    CHECK(d["answers"][2]["rdata"] ==
          json::parse(R"({"priority":10,"weight":5,"port":8080,"target":"srv.example.test"})"));
    REQUIRE(d["authorities"].size() == 1);
    CHECK(d["authorities"][0]["name"] == "example.test");
    CHECK(d["authorities"][0]["rdata"] ==
          json::parse(R"({"mname":"ns.example.test","rname":"host.example.test","serial":2024,
                          "refresh":3600,"retry":600,"expire":86400,"minimum":300})"));
    REQUIRE(d["additionals"].size() == 1);
    CHECK(d["additionals"][0] ==
          json::parse(R"({"name":".","type":41,"udp_size":1232,"ext_rcode":0,"version":0,"do":1,
                          "rdlength":12,"options":[{"code":10,"len":8}]})"));
}

TEST_CASE("DNS: an undecodable name drops its record and stops the sections after it", "[units]") {
    const B qname = cat({{1}, text("a"), {0}});
    // Answer 1 fine; answer 2's owner is a pointer to itself (a loop).
    const std::size_t second = 12 + qname.size() + 4 + (2 + 10 + 4);
    const B msg =
        cat({u16(7),      u16(0x8180), u16(1),       u16(2),
             u16(1),      u16(0),      qname,        u16(1),
             u16(1),      {0xc0, 12},  u16(1),       u16(1),
             u32(5),      u16(4),      {1, 2, 3, 4}, {0xc0, static_cast<std::uint8_t>(second)},
             u16(1),      u16(1),      u32(5),       u16(4),
             {5, 6, 7, 8}});
    const json f = run(eth(0x0800, ipv4(17, udp(40000, 53, msg))));
    const json& d = f["dns"];
    REQUIRE(d["answers"].size() == 1);
    CHECK(d["answers"][0]["rdata"] == "1.2.3.4");
    CHECK_FALSE(d.contains("authorities"));   // nscount 1, never reached
    CHECK(d["additionals"] == json::array()); // count 0
    CHECK(has_error(f, "dns.name_pointer"));
}

TEST_CASE("HTTP: request line, headers, and a header line without a colon", "[units]") {
    const B req = text("GET /a%20b?x=1 HTTP/1.1\r\nHost: example.test\r\nX-Broken line\r\n"
                       "Accept:   */*  \r\nAccept: text/plain\r\n\r\nbody");
    const json f = run(eth(0x0800, ipv4(6, tcp(40000, 80, 1, 1, 0x018, {}, req))));
    REQUIRE(f["layers"] == json({"eth", "ipv4", "tcp", "http"}));
    const json& h = f["http"];
    CHECK(h["kind"] == "request");
    CHECK(h["method"] == "GET");
    CHECK(h["uri"] == "/a%20b?x=1");
    CHECK(h["version"] == "HTTP/1.1");
    CHECK(h["headers"] == json::parse(R"([["host","example.test"],["X-Broken line",null],
                                          ["accept","*/*"],["accept","text/plain"]])"));
    REQUIRE(f["errors"].size() == 1);
    CHECK(has_error(f, "http.header"));
    // 14 + 20 + 20 + 25 (request line) + 20 (Host line): the bad line starts at 99.
    CHECK(has_error(f, "at offset 99"));

    const B resp = text("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    const json g = run(eth(0x0800, ipv4(6, tcp(80, 40000, 1, 1, 0x018, {}, resp))));
    CHECK(g["http"] == json::parse(R"({"kind":"response","version":"HTTP/1.1","status":404,
                                       "reason":"Not Found","headers":[["content-length","0"]]})"));

    // Body bytes at the start of a segment: no start line, no http layer.
    const json b = run(eth(0x0800, ipv4(6, tcp(80, 40000, 1, 1, 0x018, {}, text("hello\n")))));
    CHECK(b["layers"] == json({"eth", "ipv4", "tcp"}));
}

TEST_CASE("ARP with other hardware types; 802.3 length frames; VLAN stacks", "[units]") {
    // htype 6 (IEEE 802), ptype 0x0800, hlen 8, plen 4 — the view only speaks Ethernet.
    const B arp =
        cat({u16(6), u16(0x0800), {8, 4}, u16(1), B{1, 2, 3, 4, 5, 6, 7, 8}, ip_a, B(8, 0), ip_b});
    const json f = run(eth(0x0806, arp));
    CHECK(f["arp"]["sha"] == "0102030405060708");
    CHECK(f["arp"]["spa"] == "10.77.1.2");
    CHECK(f["arp"]["tpa"] == "10.77.2.2");
    CHECK(f["arp"]["hlen"] == 8);
    CHECK(f["errors"].empty());

    const json g = run(eth(46, B(46, 0xaa))); // 802.3 length field: LLC follows
    CHECK(g["layers"] == json({"eth"}));
    CHECK(g["eth"]["type"] == 46);

    // 802.1ad 200 (PCP 5, DEI 1) then 802.1Q 300, then ARP cut short.
    const B tags =
        cat({u16((5u << 13) | 0x1000 | 200), u16(0x8100), u16(300), u16(0x0806), B{0, 1}});
    const json v = run(eth(0x88a8, tags));
    CHECK(v["layers"] == json({"eth", "vlan", "vlan"}));
    CHECK(v["vlan"][0] == json::parse(R"({"pcp":5,"dei":1,"id":200,"type":33024})"));
    CHECK(v["vlan"][1]["id"] == 300);
    CHECK(has_error(v, "arp.header"));
}

TEST_CASE("PPPoE discovery tags and a session carrying LCP and IPv4", "[units]") {
    // PADI: Service-Name "" , Host-Uniq 0xdeadbeef, Vendor-Specific (RFC 2516 App. A).
    const B tags = cat({u16(0x0101),
                        u16(0),
                        u16(0x0103),
                        u16(4),
                        {0xde, 0xad, 0xbe, 0xef},
                        u16(0x0105),
                        u16(6),
                        {0, 0, 0x0d, 0xe9, 1, 2}});
    const B padi = cat({{0x11, 0x09}, u16(0), u16(tags.size()), tags});
    const json f = run(eth(0x8863, padi));
    REQUIRE(f["layers"] == json({"eth", "pppoe"}));
    CHECK(f["pppoe"] == json::parse(R"({"version":1,"type":1,"code":9,"session_id":0,"length":22,
        "stage":"discovery","tags":[{"type":257,"len":0,"value":""},
        {"type":259,"len":4,"value":"deadbeef"},{"type":261,"len":6}]})"));

    // Session: LCP Configure-Request id 1 with MRU 1492 and Magic-Number.
    const B lcp = cat({{1, 1}, u16(14), {1, 4}, u16(1492), {5, 6}, u32(0x12345678)});
    const B sess = cat({{0x11, 0x00}, u16(0x2a), u16(2 + lcp.size()), u16(0xc021), lcp});
    const json g = run(eth(0x8864, sess));
    REQUIRE(g["layers"] == json({"eth", "pppoe", "ppp"}));
    CHECK(g["pppoe"]["stage"] == "session");
    CHECK_FALSE(g["pppoe"].contains("tags"));
    CHECK(g["ppp"] == json::parse(R"({"protocol":49185,"code":1,"id":1,"length":14,
                                      "options":[{"type":1,"len":4},{"type":5,"len":6}]})"));

    // Session: PPP IPv4 carrying an ICMP echo request.
    B echo = cat({{8, 0}, u16(0), u16(0x1234), u16(1), text("ping")});
    const unsigned c = naive_checksum(echo);
    echo[2] = static_cast<std::uint8_t>(c >> 8);
    echo[3] = static_cast<std::uint8_t>(c);
    const B ip = ipv4(1, echo);
    const json h =
        run(eth(0x8864, cat({{0x11, 0x00}, u16(0x2a), u16(2 + ip.size()), u16(0x0021), ip})));
    CHECK(h["layers"] == json({"eth", "pppoe", "ppp", "ipv4", "icmp"}));
    CHECK(h["icmp"]["checksum_valid"] == true);
    CHECK(h["icmp"]["id"] == 0x1234);
    CHECK(h["errors"].empty());
}

TEST_CASE("ICMP errors quote what the bytes allow; summary lines read like a packet list",
          "[units]") {
    // Destination unreachable, fragmentation needed, MTU 1400, quoting an
    // IPv4 header and the first 8 bytes of a UDP datagram.
    const B original = ipv4(17, udp(1111, 53, B(20, 0)));
    const B quoted(original.begin(), original.begin() + 28);
    B msg = cat({{3, 4}, u16(0), u16(0), u16(1400), quoted});
    const unsigned c = naive_checksum(msg);
    msg[2] = static_cast<std::uint8_t>(c >> 8);
    msg[3] = static_cast<std::uint8_t>(c);
    const json f = run(eth(0x0800, ipv4(1, msg)));
    CHECK(f["icmp"]["mtu"] == 1400);
    CHECK(f["icmp"]["checksum_valid"] == true);
    CHECK(f["icmp"]["inner"]["ipv4"]["total_len"] == 48);
    CHECK(f["icmp"]["inner"]["udp"] == json::parse(R"({"sport":1111,"dport":53,"len":28})"));

    strata::dissect::SummaryContext ctx;
    const std::string l1 =
        strata::dissect::summary_line(run(example_syn()), std::chrono::seconds(5), ctx);
    CHECK(l1.find("53192 → 80 [SYN] Seq=0 Win=64240 Len=0") != std::string::npos);
    CHECK(l1.find("0.000000") != std::string::npos);
    const std::string l2 = strata::dissect::summary_line(f, std::chrono::milliseconds(5500), ctx);
    CHECK(l2.find("0.500000") != std::string::npos);
    CHECK(l2.find("Destination unreachable (Fragmentation needed) MTU=1400") != std::string::npos);
}

TEST_CASE("PPP protocol field compression is reported; TCP option lists end with EOL", "[units]") {
    // RFC 1661 §6.5: a one-byte protocol (0x21 then the IPv4 header) is only
    // valid once negotiated; strata's PppView rejects it (tshark decodes it).
    const B ip = ipv4(253, B(4, 0));
    const json f = run(eth(0x8864, cat({{0x11, 0x00}, u16(0x2a), u16(1 + ip.size()), {0x21}, ip})));
    CHECK(f["layers"] == json({"eth", "pppoe", "ppp"}));
    CHECK(f["ppp"]["protocol"] == 0x2145);
    CHECK(has_error(f, "ppp.protocol"));
    CHECK(has_error(f, "at offset 20")); // 14 (Ethernet) + 6 (PPPoE)

    // MSS, EOL, then padding that is not listed (RFC 9293 §3.2).
    const B opts = {2, 4, 0x05, 0xb4, 0, 0xee, 0xee, 0xee};
    const json g = run(eth(0x0800, ipv4(6, tcp(1, 2, 3, 4, 0x002, opts, {}))));
    CHECK(g["tcp"]["options"] == json::parse(R"([{"kind":2,"len":4,"mss":1460},{"kind":0}])"));
    CHECK(g["errors"].empty());
}
