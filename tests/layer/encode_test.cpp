// encode<Stack>, partial decoding, in-place editing, PPPoE stacks and user
// bindings. Known answers: frames Linux sent (tests/data, captured with
// tcpdump) and frames scapy built (tests/wire/ppp/samples.hpp).
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/checksum/internet.hpp>
#include <strata/layers.hpp>

#include "layer/capture_util.hpp"
#include "wire/ppp/samples.hpp"

using namespace strata;
using strata::test::load_capture;

namespace {

using Web = Ethernet<IPv4<TCP<OneOf<HTTP>>>>;
using Segment = Ethernet<IPv4<TCP<>>>;
using Access = Ethernet<PPPoE<PPP<OneOf<LCP, IPCP, PAP, CHAP, IPv4<OneOf<ICMP, UDP<>, TCP<>>>>>>>;

std::vector<Byte> bytes_of(Bytes b) { return {b.begin(), b.end()}; }

/// RFC 1071 sum written out plainly, independent of checksum/internet.hpp.
std::uint16_t naive_checksum(Bytes b) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2)
        sum += static_cast<std::uint32_t>(b[i] << 8 | b[i + 1]);
    if (b.size() % 2) sum += static_cast<std::uint32_t>(b.back() << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

/// The TCP checksum over pseudo-header + segment, computed naively.
std::uint16_t naive_tcp_checksum(Ipv4Address src, Ipv4Address dst, Bytes segment) {
    std::vector<Byte> p;
    for (auto a : {src.value(), dst.value()})
        for (int s = 24; s >= 0; s -= 8)
            p.push_back(static_cast<Byte>(a >> s));
    p.push_back(0);
    p.push_back(6);
    p.push_back(static_cast<Byte>(segment.size() >> 8));
    p.push_back(static_cast<Byte>(segment.size()));
    p.insert(p.end(), segment.begin(), segment.end());
    p[p.size() - segment.size() + 16] = 0; // the checksum field itself
    p[p.size() - segment.size() + 17] = 0;
    return naive_checksum(Bytes(p));
}

} // namespace

TEST_CASE("encode rebuilds Linux's TCP segments byte for byte from their reprs") {
    int rebuilt = 0;
    for (const auto& f : load_capture("http.pcap")) {
        const auto d = decode<Segment>(Bytes(f.bytes));
        REQUIRE(d.ok());
        const auto eth = EthernetRepr::parse(d.get<Ethernet>());
        const auto ip = Ipv4Repr::parse(d.get<IPv4>());
        const auto tcp = TcpRepr::parse(d.get<TCP>());
        REQUIRE(eth);
        REQUIRE(ip);
        REQUIRE(tcp);
        // Linux orders SYN options MSS, SACK-permitted, TS, NOP, WS; TcpRepr
        // writes its own canonical order, so only segments without a SYN can
        // be compared byte for byte (their options are NOP NOP TS).
        if (d.get<TCP>().flags().syn()) continue;
        std::array<Byte, 2048> buf{};
        auto frame = encode<Segment>(MutBytes(buf), *eth, *ip, *tcp, d.rest());
        REQUIRE(frame);
        CHECK(bytes_of(*frame) == f.bytes);
        ++rebuilt;
    }
    CHECK(rebuilt >= 15);
}

TEST_CASE("encode of Ethernet<IPv4<TCP<HTTP>>> fills the fields the composition implies") {
    http::Request<> req;
    req.method = http::Method::get;
    req.target = "/index.html";
    REQUIRE(req.headers.add("Host", "www.example.com"));
    EthernetRepr eth{};
    eth.ethertype = EtherType::arp; // wrong on purpose: the stack says IPv4
    Ipv4Repr ip{};
    ip.src = Ipv4Address(10, 0, 0, 1);
    ip.dst = Ipv4Address(10, 0, 0, 2);
    ip.protocol = IpProtocol::udp; // wrong on purpose: the stack says TCP
    ip.ttl = 64;
    TcpRepr tcp{};
    tcp.src_port = Port{40000};
    tcp.dst_port = Port{80};
    tcp.seq_number = SeqNum{1000};
    tcp.flags = TcpFlags{TcpFlags::psh_bit | TcpFlags::ack_bit};
    tcp.window = 502;
    std::array<Byte, 1514> buf{};
    auto frame = encode<Ethernet<IPv4<TCP<HTTP>>>>(MutBytes(buf), eth, ip, tcp, HttpHead{req});
    REQUIRE(frame);
    const std::string head = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
    REQUIRE(frame->size() == 14 + 20 + 20 + head.size());
    const Bytes f = *frame;
    // By hand: EtherType 0x0800 at 12, IPv4 total length and protocol 6,
    // both checksums as RFC 1071 computes them over the final bytes.
    CHECK((f[12] << 8 | f[13]) == 0x0800);
    CHECK(std::size_t(f[16] << 8 | f[17]) == 20 + 20 + head.size());
    CHECK(f[23] == 6);
    CHECK(naive_checksum(f.subspan(14, 20)) == 0);
    CHECK(naive_tcp_checksum(ip.src, ip.dst, f.subspan(34)) == (f[34 + 16] << 8 | f[34 + 17]));
    CHECK(std::string(reinterpret_cast<const char*>(f.data()) + 54, head.size()) == head);

    auto d = decode<Ethernet<IPv4<TCP<HTTP>>>>(f);
    REQUIRE(d.ok());
    CHECK(d.get<HTTP>().request().target == "/index.html");
    CHECK(d.get<HTTP>().headers().size() == 1);
}

TEST_CASE("encode reports a buffer too small and a payload too big for IPv4") {
    EthernetRepr eth{};
    Ipv4Repr ip{};
    TcpRepr tcp{};
    std::array<Byte, 40> small{};
    auto r = encode<Segment>(MutBytes(small), eth, ip, tcp, Bytes{});
    REQUIRE_FALSE(r);
    CHECK(r.error().layer == "tcp");
    CHECK(r.error().code == Errc::buffer_too_small);
    CHECK(r.error().offset == 34);

    std::vector<Byte> big(70000), payload(65500);
    auto t = encode<Segment>(MutBytes(big), eth, ip, tcp, Bytes(payload));
    REQUIRE_FALSE(t);
    CHECK(t.error().layer == "ipv4");
    CHECK(t.error().field == "total_len");
    CHECK(t.error().code == Errc::too_big);
}

TEST_CASE("encode pads to 60 bytes and appends the FCS when asked") {
    const auto frames = load_capture("arp_icmp.pcap");
    const auto& request = frames.front(); // ARP who-has, 42 bytes as captured
    REQUIRE(request.bytes.size() == 42);
    const auto d = decode<Ethernet<ARP>>(Bytes(request.bytes));
    REQUIRE(d.ok());
    std::array<Byte, 64> buf{};
    auto frame = encode<Ethernet<ARP>>(MutBytes(buf), EncodeOptions{true, true},
                                       *EthernetRepr::parse(d.get<Ethernet>()),
                                       *ArpRepr::parse(d.get<ARP>()));
    REQUIRE(frame);
    REQUIRE(frame->size() == 64);
    CHECK(std::equal(request.bytes.begin(), request.bytes.end(), frame->begin()));
    CHECK(std::all_of(frame->begin() + 42, frame->begin() + 60, [](Byte b) { return b == 0; }));
    // IEEE 802.3: the CRC over frame + FCS leaves the fixed residue.
    CHECK(crc32(Bytes(*frame)) == ethernet_fcs_residue);
}

TEST_CASE("a malformed inner layer leaves the outer layers usable") {
    const auto frames = load_capture("http.pcap");
    auto bytes = frames[3].bytes; // the GET request
    bytes[14 + 20 + 12] = 0x30;   // TCP data offset 3 (< 5)
    const auto d = decode<Web>(Bytes(bytes));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().layer == "tcp");
    CHECK(d.error().field == "data_offset");
    CHECK(d.error().offset == 14 + 20 + 12);
    REQUIRE(d.has<IPv4>());
    CHECK_FALSE(d.has<TCP>());
    CHECK(d.depth() == 2);
    CHECK(d.rest().data() == bytes.data() + 34);
    CHECK(d.rest().size() == bytes.size() - 34);

    // Every truncation of the frame decodes without reading past it.
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const std::vector<Byte> cut(frames[3].bytes.begin(), frames[3].bytes.begin() + n);
        const auto t = decode<Web>(Bytes(cut));
        REQUIRE_FALSE(t.ok());
        CHECK(t.error().offset <= n);
    }
}

TEST_CASE("a stack that names another protocol stops with the outer type field") {
    const auto frames = load_capture("arp_icmp.pcap");
    const auto d = decode<Segment>(Bytes(frames.front().bytes)); // an ARP frame
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().layer == "ethernet");
    CHECK(d.error().field == "ethertype");
    CHECK(d.error().value == 0x0806);
    CHECK(d.error().expected == 0x0800);
    CHECK(d.has<Ethernet>());
}

TEST_CASE("decode_mut edits in place; incremental checksums equal a full recompute") {
    const auto frames = load_capture("http.pcap");
    auto bytes = frames[3].bytes;
    auto d = decode_mut<Segment>(MutBytes(bytes));
    REQUIRE(d.ok());
    auto& ip = d.get<IPv4>();
    auto& tcp = d.get<TCP>();
    const Ipv4Address old_src = ip.src();
    const Ipv4Address new_src(192, 0, 2, 77);
    // A NAT: new source address and port, one hop further.
    ip.decrement_ttl();
    ip.rewrite_src(new_src);
    tcp.rewrite_pseudo_header_address(old_src, new_src);
    tcp.rewrite_src_port(Port{61000});
    CHECK(ip.verify_checksum());
    CHECK(naive_checksum(Bytes(bytes).subspan(14, 20)) == 0);
    CHECK(tcp.verify_checksum(new_src, ip.dst()));
    CHECK(naive_tcp_checksum(new_src, ip.dst(), Bytes(bytes).subspan(34)) ==
          (bytes[34 + 16] << 8 | bytes[34 + 17]));
    CHECK(ip.ttl() == 63);
}

TEST_CASE("PPPoE stacks decode scapy's discovery and session frames") {
    using namespace ppp_samples;
    {
        const auto d = decode<Access>(Bytes(padi));
        REQUIRE(d.ok()); // discovery: the stack ends at PPPoE, no error
        REQUIRE(d.has<PPPoE>());
        CHECK(d.get<PPPoE>().code() == PppoeCode::padi);
        CHECK_FALSE(d.has<PPP>());
        CHECK(d.get<PPPoE>().tags().count(PppoeTagType::host_uniq) == 1);
    }
    {
        const auto d = decode<Access>(Bytes(lcp_confreq));
        REQUIRE(d.ok());
        CHECK(d.get<PPPoE>().session_id() == 0x1234);
        CHECK(d.get<PPP>().protocol() == PppProtocol::lcp);
        REQUIRE(d.has<LCP>());
        CHECK(d.get<LCP>().code() == LcpCode::configure_request);
        CHECK_FALSE(d.has<IPCP>());
    }
    for (Bytes frame : {Bytes(pap_req), Bytes(chap_chal), Bytes(ipcp_confreq)}) {
        const auto d = decode<Access>(frame);
        REQUIRE(d.ok());
        CHECK((d.has<PAP>() || d.has<CHAP>() || d.has<IPCP>()));
    }
}

TEST_CASE("Ethernet<PPPoE<PPP<IPv4<ICMP>>>> round-trips an echo request") {
    const std::array<Byte, 4> data{1, 2, 3, 4};
    EthernetRepr eth{};
    PppoeRepr pppoe{PppoeCode::session_data, 0x1234, 0};
    PppRepr ppp{};
    Ipv4Repr ip{};
    ip.src = Ipv4Address(100, 64, 0, 2);
    ip.dst = Ipv4Address(8, 8, 8, 8);
    ip.ttl = 64;
    IcmpRepr echo{IcmpEchoRequest{7, 1, Bytes(data)}};
    std::array<Byte, 256> buf{};
    using Stack = Ethernet<PPPoE<PPP<IPv4<ICMP>>>>;
    auto frame = encode<Stack>(MutBytes(buf), eth, pppoe, ppp, ip, echo);
    REQUIRE(frame);
    CHECK(frame->size() == 14 + 6 + 2 + 20 + 8 + 4);
    const Bytes f = *frame;
    CHECK((f[12] << 8 | f[13]) == 0x8864);         // RFC 2516 session stage
    CHECK((f[18] << 8 | f[19]) == 2 + 20 + 8 + 4); // PPPoE LENGTH: PPP frame
    CHECK((f[20] << 8 | f[21]) == 0x0021);         // PPP protocol: IPv4
    CHECK(naive_checksum(f.subspan(22, 20)) == 0);
    CHECK(naive_checksum(f.subspan(42)) == 0); // ICMP checksum
    const auto d = decode<Access>(f);
    REQUIRE(d.ok());
    REQUIRE(d.has<ICMP>());
    CHECK(d.get<ICMP>().identifier() == 7);
}

TEST_CASE("Bind adds a port to an application without touching it") {
    const auto frames = load_capture("dns.pcap");
    const auto d = decode<Ethernet<IPv4<UDP<DNS>>>>(Bytes(frames.front().bytes));
    REQUIRE(d.ok());
    const Bytes message = d.get<DNS>().bytes();
    EthernetRepr eth{};
    Ipv4Repr ip{};
    UdpRepr udp{Port{5353}, Port{5353}, 0};
    std::array<Byte, 512> buf{};
    auto frame = encode<Ethernet<IPv4<UDP<>>>>(MutBytes(buf), eth, ip, udp, message);
    REQUIRE(frame);
    using Mdns = Ethernet<IPv4<UDP<OneOf<Bind<DNS, Port{5353}>>>>>;
    const auto bound = decode<Mdns>(Bytes(*frame));
    REQUIRE(bound.ok());
    REQUIRE(bound.has<DNS>());
    CHECK(bound.get<DNS>().id() == d.get<DNS>().id());
    // Without the binding no alternative answers to 5353: the rest is raw.
    const auto plain = decode<Ethernet<IPv4<UDP<OneOf<DNS>>>>>(Bytes(*frame));
    CHECK(plain.ok());
    CHECK_FALSE(plain.has<DNS>());
    CHECK(plain.rest().size() == message.size());
}

TEST_CASE("get<> throws for a layer the frame does not hold; find<> answers nullptr; visit works "
          "on a const Decoded") {
    using Any = Ethernet<OneOf<ARP, IPv4<OneOf<TCP<>, UDP<>>>>>;
    // An ARP request (RFC 826 layout, fields chosen by hand): broadcast, who-has 10.0.0.2.
    std::array<Byte, 42> arp{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0,    0,
                             1,    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                             0x02, 0,    0,    0,    0,    1,    10,   0, 0, 1,    0,
                             0,    0,    0,    0,    0,    10,   0,    0, 2};
    const auto d = decode<Any>(arp);
    REQUIRE(d.ok());
    CHECK(d.has<ARP>());
    CHECK(d.find<IPv4>() == nullptr); // a OneOf alternative not taken
    CHECK_THROWS_AS(d.get<IPv4>(), BadResultAccess);
    try {
        (void)d.get<TCP>();
    } catch (const BadResultAccess& e) {
        CHECK(e.error().layer == "tcp");
        CHECK(e.error().code == Errc::not_found);
    }
    CHECK(d.get<ARP>().target_protocol_addr() == Ipv4Address{10, 0, 0, 2});
    int layers = 0;
    d.visit([&](auto, const auto&) { ++layers; });
    CHECK(layers == 2);
}
