// Writes the seed corpora of the fuzz targets: one directory per target
// under the directory given as argv[1], each frame cut at the offset its
// target expects (the ipv4 target gets what follows the Ethernet header and
// any VLAN tags, the tcp target what follows the IPv4 header, …).
//
// Sources: every Ethernet capture in tests/data (read with PcapReader), the
// sample frames of the wire, DNS and PPP tests, and a few hand-written HTTP
// messages, chunked bodies and URLs.
//
// Usage: strata_fuzz_make_seeds OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/io/pcap_reader.hpp>
#include <strata/wire/dot1q.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/ppp/pppoe_discovery.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

#include "wire/captured_frames.hpp"
#include "wire/dns/samples.hpp"
#include "wire/ppp/samples.hpp"

namespace fs = std::filesystem;
using namespace strata;

namespace {

class Corpus {
    fs::path root_;
    std::map<std::string, int> counts_;

public:
    explicit Corpus(fs::path root) : root_(std::move(root)) {}

    void add(const std::string& target, const std::string& name, Bytes b) {
        const fs::path dir = root_ / target;
        fs::create_directories(dir);
        const int n = counts_[target]++;
        std::ofstream out(dir / (name + "_" + std::to_string(n)), std::ios::binary);
        out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    }
    void add(const std::string& target, const std::string& name, std::string_view s) {
        add(target, name, Bytes{reinterpret_cast<const Byte*>(s.data()), s.size()});
    }
    // The http target reads three control bytes before the message; the
    // chunked target two.
    void add_http(const std::string& name, std::string_view msg) {
        for (std::string_view ctl :
             {std::string_view("\x00\x10\x20", 3), std::string_view("\x01\x07\x33", 3)})
            add("http", name, std::string(ctl) + std::string(msg));
    }
    void add_chunked(const std::string& name, std::string_view body) {
        for (std::string_view ctl :
             {std::string_view("\x00\x00", 2), std::string_view("\x04\x00", 2)})
            add("chunked", name, std::string(ctl) + std::string(body));
    }
    const std::map<std::string, int>& counts() const { return counts_; }
};

bool is_dns_port(std::uint16_t p) { return p == 53 || p == 5353 || p == 15353; }
bool looks_like_http(Bytes b) {
    const std::string_view s{reinterpret_cast<const char*>(b.data()), b.size()};
    for (std::string_view m : {"GET ", "POST ", "HEAD ", "PUT ", "HTTP/"})
        if (s.starts_with(m)) return true;
    return false;
}

void transport(Corpus& c, const std::string& name, const Ipv4View<>& ip) {
    const Bytes p = ip.payload();
    switch (ip.protocol()) {
    case IpProtocol::icmp:
        c.add("icmp", name, p);
        break;
    case IpProtocol::udp:
        c.add("udp", name, p);
        if (auto u = UdpView<>::checked(p)) {
            if (is_dns_port(u->src_port().value()) || is_dns_port(u->dst_port().value()))
                c.add("dns", name, u->payload());
        }
        break;
    case IpProtocol::tcp:
        c.add("tcp", name, p);
        if (auto t = TcpView<>::checked(p); t && looks_like_http(t->payload())) {
            const Bytes h = t->payload();
            c.add_http(name, std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
        }
        break;
    default:
        break;
    }
}

// One Ethernet frame, cut for every target that can read a part of it.
void frame(Corpus& c, const std::string& name, Bytes f) {
    c.add("ethernet", name, f);
    // For a target that decodes whole frames through the broadest OneOf
    // stack (docs/fuzzing.md): the same frames.
    c.add("decode_any", name, f);
    auto eth = EthernetView<>::checked(f);
    if (!eth) return;
    EtherType t = eth->ethertype();
    Bytes rest = eth->payload();
    for (int i = 0; i < 4 && is_vlan_tag(t); ++i) {
        auto q = Dot1QView<>::checked(rest);
        if (!q) return;
        t = q->ethertype();
        rest = q->payload();
    }
    switch (t) {
    case EtherType::arp:
        c.add("arp", name, rest);
        break;
    case EtherType::ipv4:
        c.add("ipv4", name, rest);
        if (auto ip = Ipv4View<>::checked_quote(rest)) transport(c, name, *ip);
        break;
    default:
        if (pppoe_stage(t)) {
            c.add("pppoe", name, rest);
            if (auto p = PppoeView<>::checked(rest); p && *pppoe_stage(t) == PppoeStage::session)
                c.add("ppp", name, p->payload());
        }
        break;
    }
}

int from_captures(Corpus& c) {
    int frames = 0;
    for (const auto& entry : fs::directory_iterator(STRATA_TEST_DATA_DIR)) {
        const fs::path p = entry.path();
        if (p.extension() != ".pcap" && p.extension() != ".pcapng") continue;
        std::ifstream in(p, std::ios::binary);
        const std::string whole{std::istreambuf_iterator<char>(in), {}};
        c.add("pcap_reader", p.filename().string(), whole);
        auto r = PcapReader::open(p.string());
        if (!r || r->link_type() != 1) continue; // Ethernet only
        for (;;) {
            auto f = r->next();
            if (!f || !*f) break;
            frame(c, p.stem().string(), (*f)->data);
            ++frames;
        }
    }
    return frames;
}

template <std::size_t N>
void sample(Corpus& c, const std::string& name, const std::array<Byte, N>& a) {
    frame(c, name, Bytes(a));
}
template <std::size_t N>
void sample(Corpus& c, const std::string& name, const Byte (&a)[N]) {
    frame(c, name, Bytes(a, N));
}

void from_samples(Corpus& c) {
    sample(c, "arp_request", frames::arp_request);
    sample(c, "arp_reply", frames::arp_reply);
    sample(c, "icmp_echo_request", frames::icmp_echo_request);
    sample(c, "icmp_echo_reply", frames::icmp_echo_reply);
    sample(c, "ipv4_record_route", frames::ipv4_record_route);
    sample(c, "ipv4_frag_first", frames::ipv4_frag_first);
    sample(c, "ipv4_frag_last", frames::ipv4_frag_last);
    sample(c, "udp_probe", frames::udp_probe);
    sample(c, "icmp_port_unreachable", frames::icmp_port_unreachable);
    sample(c, "icmp_time_exceeded", frames::icmp_time_exceeded);
    sample(c, "icmp_frag_needed", frames::icmp_frag_needed);
    sample(c, "dot1q_frame", frames::dot1q_frame);
    sample(c, "qinq_frame", frames::qinq_frame);

    // DNS samples are UDP payloads already.
    for (const auto& [name, b] : std::initializer_list<std::pair<const char*, Bytes>>{
             {"query_www_a", Bytes(dns_samples::query_www_a)},
             {"resp_www_a", Bytes(dns_samples::resp_www_a)},
             {"query_www_aaaa", Bytes(dns_samples::query_www_aaaa)},
             {"resp_www_aaaa", Bytes(dns_samples::resp_www_aaaa)},
             {"resp_mx", Bytes(dns_samples::resp_mx)},
             {"resp_txt", Bytes(dns_samples::resp_txt)},
             {"resp_srv", Bytes(dns_samples::resp_srv)},
             {"resp_cname", Bytes(dns_samples::resp_cname)},
             {"resp_ptr", Bytes(dns_samples::resp_ptr)},
             {"resp_soa", Bytes(dns_samples::resp_soa)},
             {"resp_nxdomain", Bytes(dns_samples::resp_nxdomain)}})
        c.add("dns", name, b);

    using namespace ppp_samples;
    sample(c, "padi", padi);
    sample(c, "pado", pado);
    sample(c, "padr", padr);
    sample(c, "pads", pads);
    sample(c, "pads_err", pads_err);
    sample(c, "padt", padt);
    sample(c, "lcp_confreq", lcp_confreq);
    sample(c, "lcp_confack_pap", lcp_confack_pap);
    sample(c, "lcp_echo", lcp_echo);
    sample(c, "lcp_termreq", lcp_termreq);
    sample(c, "pap_req", pap_req);
    sample(c, "pap_ack", pap_ack);
    sample(c, "pap_nak", pap_nak);
    sample(c, "chap_chal", chap_chal);
    sample(c, "chap_resp", chap_resp);
    sample(c, "chap_succ", chap_succ);
    sample(c, "chap_fail", chap_fail);
    sample(c, "ipcp_confreq", ipcp_confreq);
    sample(c, "ipcp_confnak", ipcp_confnak);
    sample(c, "ppp_ipv4", ppp_samples::ipv4);
}

// Text protocols: the messages of tests/wire/http (what curl and Python's
// http.server sent) and the RFC 9112 §7.1 example body.
void from_text(Corpus& c) {
    c.add_http("curl_get", "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n"
                           "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
    c.add_http("post_chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "4\r\nWiki\r\n0\r\nX: y\r\n\r\n");
    c.add_http("post_length", "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n"
                              "a=1&b=2");
    c.add_http("python_200", "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\n"
                             "Content-Length: 13\r\n\r\nhello strata\n");
    c.add_http("chunked_200", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n");
    c.add_http("head_304", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
    c.add_chunked("wiki", "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n"
                          "0\r\nTrailer: x\r\n\r\n");
    c.add_chunked("empty", "0\r\n\r\n");
    c.add_chunked("upper_hex", "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n");
    for (std::string_view u :
         {"http://user:password@www.glasscom.com:80/dir/file1.htm",
          "file://localhost/c:/path/file1.zip", "http://[2001:db8::7]:8080/a?b#c",
          "mailto:user@host", "https://10.0.0.1/%41?x=%20", "ftp://ftp.is.co.za/rfc/rfc1808.txt",
          "http://www.ietf.org/rfc/rfc2396.txt", "news:comp.infosystems.www.servers.unix",
          "HTTP://127.0.0.1:18080/hello.txt"})
        c.add("url", "url", u);
}

// The example topologies of strata-net, for fuzz_topology_loader.
void from_topologies(Corpus& c) {
    if (!fs::is_directory(STRATA_TOPOLOGY_DIR)) return;
    for (const auto& entry : fs::directory_iterator(STRATA_TOPOLOGY_DIR)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        c.add("topology_loader", entry.path().stem().string(), std::string_view(text));
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    Corpus c{argv[1]};
    const int frames = from_captures(c);
    from_samples(c);
    from_text(c);
    from_topologies(c);
    std::printf("seeds: %d captured frames read\n", frames);
    for (const auto& [target, n] : c.counts())
        std::printf("  %-12s %d\n", target.c_str(), n);
    return 0;
}
