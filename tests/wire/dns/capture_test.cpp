// Real dig/dnsmasq traffic (see samples.hpp for how it was captured). The
// expected values are what dig printed and tshark decoded.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>

#include "wire/dns/samples.hpp"

using namespace strata;
using namespace strata::dns;

namespace {

MessageView<> view(Bytes b) {
    auto v = MessageView<>::checked(b);
    REQUIRE(v);
    return *v;
}

std::vector<Record> section(const MessageView<>& m, Section s) {
    std::vector<Record> out;
    for (const auto& r : m.section(s)) {
        REQUIRE(r);
        out.push_back(*r);
    }
    return out;
}

template <class T>
T decoded(const Record& r) {
    auto d = decode_rdata(r);
    REQUIRE(d);
    REQUIRE(std::holds_alternative<T>(*d));
    return std::get<T>(*d);
}

/// Every dnsmasq response carries one NS in authority for the zone apex
/// ("example.com. 600 IN NS ns1.example.com.", RDLENGTH 17) and an OPT with
/// UDP payload 1232, version 0, no flags, no options (tshark: "Data length: 0").
void check_ns_and_opt(const MessageView<>& m, std::string_view zone = "example.com") {
    auto auth = section(m, Section::authority);
    REQUIRE(auth.size() == 1);
    CHECK(auth[0].name.equals(zone));
    CHECK(auth[0].type == RrType::ns);
    CHECK(auth[0].ttl == 600);
    CHECK(auth[0].rdlength == 17);
    CHECK(decoded<NameRdata>(auth[0]).name.to_string() == "ns1.example.com");
    auto add = section(m, Section::additional);
    REQUIRE(add.size() == 1);
    CHECK(add[0].type == RrType::opt);
    const auto opt = decoded<OptRdata>(add[0]);
    CHECK(opt.udp_payload_size == 1232);
    CHECK(opt.version == 0);
    CHECK(opt.extended_rcode == 0);
    CHECK_FALSE(opt.dnssec_ok);
    CHECK(opt.data.empty());
    CHECK(m.validate());
}

} // namespace

TEST_CASE("dig query for www.example.com A", "[dns][capture]") {
    // tshark: id 0x1393, flags 0x0020 (AD set by dig, RD off by +norec),
    // 1 question, 1 additional: OPT udp 1232 with COOKIE (10) of 8 bytes
    // 018b14a2a50b0b8e.
    const auto m = view(dns_samples::query_www_a);
    CHECK(m.id() == 0x1393);
    CHECK(m.flags() == 0x0020);
    CHECK_FALSE(m.qr());
    CHECK(m.opcode() == Opcode::query);
    CHECK_FALSE(m.rd());
    CHECK(m.ad());
    CHECK_FALSE(m.cd());
    CHECK(m.rcode() == Rcode::noerror);
    CHECK(m.qdcount() == 1);
    CHECK(m.ancount() == 0);
    CHECK(m.nscount() == 0);
    CHECK(m.arcount() == 1);
    int n = 0;
    for (const auto& q : m.questions()) {
        REQUIRE(q);
        CHECK(q->name.to_string() == "www.example.com");
        CHECK(q->type == RrType::a);
        CHECK(q->cls == RrClass::in);
        ++n;
    }
    CHECK(n == 1);
    auto opt = m.opt();
    REQUIRE(opt);
    REQUIRE(opt->has_value());
    CHECK((*opt)->udp_payload_size == 1232);
    std::vector<EdnsOption> options;
    for (const EdnsOption& o : (*opt)->options())
        options.push_back(o);
    REQUIRE(options.size() == 1);
    CHECK(options[0].code == 10);
    const std::vector<Byte> cookie{0x01, 0x8b, 0x14, 0xa2, 0xa5, 0x0b, 0x0b, 0x8e};
    CHECK(std::vector<Byte>(options[0].data.begin(), options[0].data.end()) == cookie);
    CHECK(m.validate());
}

TEST_CASE("dnsmasq response: www.example.com A", "[dns][capture]") {
    // dig: "flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 1, ADDITIONAL: 1",
    // www.example.com. 600 IN A 192.0.2.1 / 192.0.2.2; tshark: flags 0x8400.
    const auto m = view(dns_samples::resp_www_a);
    CHECK(m.id() == 0x1393);
    CHECK(m.flags() == 0x8400);
    CHECK(m.qr());
    CHECK(m.aa());
    CHECK_FALSE(m.tc());
    CHECK_FALSE(m.ra());
    const Header h = m.header();
    CHECK(h.id == 0x1393);
    CHECK(h.qr);
    CHECK(h.aa);
    CHECK(h.qdcount == 1);
    CHECK(h.ancount == 2);
    CHECK(h.nscount == 1);
    CHECK(h.arcount == 1);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 2);
    for (const auto& r : an) {
        CHECK(r.name.to_string() == "www.example.com");
        CHECK(r.name.wire_len() == 2); // compressed to the question name
        CHECK(r.type == RrType::a);
        CHECK(r.cls == RrClass::in);
        CHECK(r.ttl == 600);
        CHECK(r.rdlength == 4);
        CHECK(r.section == Section::answer);
    }
    CHECK(decoded<ARdata>(an[0]).address == Ipv4Address(192, 0, 2, 1));
    CHECK(decoded<ARdata>(an[1]).address == Ipv4Address(192, 0, 2, 2));
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: www.example.com AAAA", "[dns][capture]") {
    // dig: www.example.com. 600 IN AAAA 2001:db8::1; tshark: Data length 16.
    const auto m = view(dns_samples::resp_www_aaaa);
    CHECK(m.id() == 0xd417);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].type == RrType::aaaa);
    CHECK(an[0].rdlength == 16);
    const std::array<Byte, 16> want{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    CHECK(decoded<AaaaRdata>(an[0]).address == want);
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: example.com MX", "[dns][capture]") {
    // dig: example.com. 600 IN MX 10 mail.example.com.; tshark: Data length 20.
    const auto m = view(dns_samples::resp_mx);
    CHECK(m.id() == 0x5d16);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].name.to_string() == "example.com");
    CHECK(an[0].type == RrType::mx);
    CHECK(an[0].rdlength == 20);
    const auto mx = decoded<MxRdata>(an[0]);
    CHECK(mx.preference == 10);
    CHECK(mx.exchange.to_string() == "mail.example.com");
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: example.com TXT", "[dns][capture]") {
    // dig: example.com. 600 IN TXT "v=spf1 -all" "hello world"; tshark: Data length 24.
    const auto m = view(dns_samples::resp_txt);
    CHECK(m.id() == 0xed96);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].type == RrType::txt);
    CHECK(an[0].rdlength == 24);
    std::vector<std::string> strings;
    for (Bytes s : decoded<TxtRdata>(an[0]).strings())
        strings.emplace_back(s.begin(), s.end());
    CHECK(strings == std::vector<std::string>{"v=spf1 -all", "hello world"});
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: _http._tcp.example.com SRV", "[dns][capture]") {
    // dig: _http._tcp.example.com. 600 IN SRV 1 5 8080 www.example.com.;
    // tshark: Data length 23.
    const auto m = view(dns_samples::resp_srv);
    CHECK(m.id() == 0xea87);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].name.to_string() == "_http._tcp.example.com");
    CHECK(an[0].type == RrType::srv);
    CHECK(an[0].rdlength == 23);
    const auto srv = decoded<SrvRdata>(an[0]);
    CHECK(srv.priority == 1);
    CHECK(srv.weight == 5);
    CHECK(srv.port == Port{8080});
    CHECK(srv.target.to_string() == "www.example.com");
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: alias.example.com CNAME chain", "[dns][capture]") {
    // dig: alias.example.com. 600 IN CNAME www.example.com.; then
    // www.example.com. A 192.0.2.2 and 192.0.2.1; tshark: lengths 17, 4, 4.
    const auto m = view(dns_samples::resp_cname);
    CHECK(m.id() == 0x736b);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 3);
    CHECK(an[0].type == RrType::cname);
    CHECK(an[0].rdlength == 17);
    const auto target = decoded<NameRdata>(an[0]).name;
    CHECK(target.to_string() == "www.example.com");
    CHECK(an[1].name == target); // the A records are owned by the CNAME target
    CHECK(an[2].name == target);
    CHECK(decoded<ARdata>(an[1]).address == Ipv4Address(192, 0, 2, 2));
    CHECK(decoded<ARdata>(an[2]).address == Ipv4Address(192, 0, 2, 1));
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: PTR", "[dns][capture]") {
    // dig: 1.2.0.192.in-addr.arpa. 600 IN PTR www.example.com.; authority
    // 2.0.192.in-addr.arpa. 600 IN NS ns1.example.com.; tshark: lengths 17, 17.
    const auto m = view(dns_samples::resp_ptr);
    CHECK(m.id() == 0x409a);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].name.equals("1.2.0.192.IN-ADDR.ARPA"));
    CHECK(an[0].type == RrType::ptr);
    CHECK(decoded<NameRdata>(an[0]).name.to_string() == "www.example.com");
    check_ns_and_opt(m, "2.0.192.in-addr.arpa");
}

TEST_CASE("dnsmasq response: SOA", "[dns][capture]") {
    // dig: example.com. 600 IN SOA ns1.example.com. hostmaster.example.com.
    // 2026112201 1200 180 1209600 600; tshark: Data length 61.
    const auto m = view(dns_samples::resp_soa);
    CHECK(m.id() == 0xe241);
    auto an = section(m, Section::answer);
    REQUIRE(an.size() == 1);
    CHECK(an[0].type == RrType::soa);
    CHECK(an[0].rdlength == 61);
    const auto soa = decoded<SoaRdata>(an[0]);
    CHECK(soa.mname.to_string() == "ns1.example.com");
    CHECK(soa.rname.to_string() == "hostmaster.example.com");
    CHECK(soa.serial == 2026112201u);
    CHECK(soa.refresh == 1200);
    CHECK(soa.retry == 180);
    CHECK(soa.expire == 1209600);
    CHECK(soa.minimum == 600);
    check_ns_and_opt(m);
}

TEST_CASE("dnsmasq response: NXDOMAIN with SOA in authority", "[dns][capture]") {
    // dig: status NXDOMAIN, ANSWER 0, AUTHORITY 1 (the SOA); tshark: flags 0x8403.
    const auto m = view(dns_samples::resp_nxdomain);
    CHECK(m.id() == 0x844d);
    CHECK(m.flags() == 0x8403);
    CHECK(m.rcode() == Rcode::nxdomain);
    CHECK(m.ancount() == 0);
    CHECK(section(m, Section::answer).empty());
    auto auth = section(m, Section::authority);
    REQUIRE(auth.size() == 1);
    CHECK(auth[0].type == RrType::soa);
    CHECK(decoded<SoaRdata>(auth[0]).serial == 2026112201u);
    auto opt = m.opt();
    REQUIRE(opt);
    REQUIRE(opt->has_value());
    CHECK((*opt)->full_rcode(m.rcode()) == Rcode::nxdomain);
    CHECK(m.validate());

    // records() walks answer+authority+additional in one pass with sections.
    std::vector<Section> sections;
    for (const auto& r : m.records()) {
        REQUIRE(r);
        sections.push_back(r->section);
    }
    CHECK(sections == std::vector<Section>{Section::authority, Section::additional});
}
