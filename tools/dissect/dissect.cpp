// The decoding behind strata-dissect. Each layer is read through strata's
// wire view for it; where the output scheme asks for a field no view exposes
// (TCP's reserved bits, the fields of a view that refused the packet), it is
// read from the bytes here, always after a length check.
#include "dissect.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/error.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/tcp_framing.hpp>
#include <strata/wire/dot1q.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/ppp/ppp.hpp>
#include <strata/wire/ppp/chap.hpp>
#include <strata/wire/ppp/ipcp.hpp>
#include <strata/wire/ppp/lcp.hpp>
#include <strata/wire/ppp/pap.hpp>
#include <strata/wire/ppp/pppoe.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

namespace strata::dissect {
namespace {

using json = nlohmann::json;

// --- text helpers ------------------------------------------------------------

std::string hex(Bytes b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (const Byte c : b) {
        s.push_back(digits[c >> 4]);
        s.push_back(digits[c & 0xf]);
    }
    return s;
}

// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629 §4: no
// overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_len(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xbf) return 0;
    return n;
}

// Wire text as a JSON string: valid UTF-8 is kept, any other byte becomes
// "\xHH", so that serialising never fails (nlohmann rejects invalid UTF-8).
std::string text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (const std::size_t n = utf8_len(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            static constexpr char digits[] = "0123456789abcdef";
            const auto c = static_cast<unsigned char>(s[i]);
            out.append("\\x");
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xf]);
            ++i;
        }
    }
    return out;
}

std::string text(Bytes b) {
    return text(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::string ipv4_text(Bytes b) { return to_string(Ipv4Address::from_bytes(b.data())); }

// RFC 5952 text, as inet_ntop writes it (longest zero run compressed, hex in
// lowercase, IPv4-mapped addresses with a dotted tail).
std::string ipv6_text(const std::array<Byte, 16>& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET6, a.data(), buf, sizeof buf) == nullptr) return hex(Bytes(a));
    return buf;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

int bit(bool b) { return b ? 1 : 0; }

// --- the frame being built ---------------------------------------------------

struct Out {
    json& frame;

    void layer(std::string_view name) { frame["layers"].push_back(name); }
    // `base`: where the buffer the error's offset counts from starts in the frame.
    void error(const Error& e, std::size_t base) {
        frame["errors"].push_back(to_string(e.rebased(base)));
    }
    void error(std::string s) { frame["errors"].push_back(std::move(s)); }
};

// What the transport decoders need from the IPv4 header.
struct Ip {
    Ipv4Address src;
    Ipv4Address dst;
    std::size_t header_len = 0;
    std::uint16_t total_len = 0;
    bool fragment = false; ///< first fragment (MF set): the segment is incomplete
    bool complete = true;  ///< the whole datagram is in the capture
};

void decode_ipv4(Out& o, Bytes p, std::size_t base);

// --- Ethernet, 802.1Q, ARP -----------------------------------------------------

void decode_arp(Out& o, Bytes p, std::size_t base) {
    if (p.size() < arp_field::fixed_len) {
        o.error(Error{"arp", "header", 0, Errc::truncated, p.size(), arp_field::fixed_len}, base);
        return;
    }
    json a;
    if (auto v = ArpView<>::checked(p)) {
        a["htype"] = v->hardware_type();
        a["ptype"] = static_cast<std::uint16_t>(v->protocol_type());
        a["hlen"] = v->hardware_len();
        a["plen"] = v->protocol_len();
        a["op"] = static_cast<std::uint16_t>(v->operation());
        a["sha"] = to_string(v->sender_hardware_addr());
        a["spa"] = to_string(v->sender_protocol_addr());
        a["tha"] = to_string(v->target_hardware_addr());
        a["tpa"] = to_string(v->target_protocol_addr());
    } else {
        // The view speaks Ethernet/IPv4 ARP only; other hardware and protocol
        // types (RFC 826 is generic) are read from the bytes.
        if (v.error().code != Errc::unsupported) o.error(v.error(), base);
        const std::size_t hlen = p[4];
        const std::size_t plen = p[5];
        a["htype"] = load_be16(p.data());
        a["ptype"] = load_be16(p.data() + 2);
        a["hlen"] = hlen;
        a["plen"] = plen;
        a["op"] = load_be16(p.data() + 6);
        const std::size_t need = arp_field::fixed_len + 2 * hlen + 2 * plen;
        if (p.size() >= need) {
            const auto hw = [&](std::size_t at) {
                const Bytes b = p.subspan(at, hlen);
                return hlen == 6 ? to_string(MacAddress::from_bytes(b.data())) : hex(b);
            };
            const auto pr = [&](std::size_t at) {
                const Bytes b = p.subspan(at, plen);
                return plen == 4 ? ipv4_text(b) : hex(b);
            };
            std::size_t at = arp_field::fixed_len;
            a["sha"] = hw(at);
            a["spa"] = pr(at + hlen);
            a["tha"] = hw(at + hlen + plen);
            a["tpa"] = pr(at + 2 * hlen + plen);
        } else if (v.error().code == Errc::unsupported) {
            o.error(
                Error{"arp", "addresses", arp_field::fixed_len, Errc::truncated, p.size(), need},
                base);
        }
    }
    o.frame["arp"] = std::move(a);
    o.layer("arp");
}

void decode_pppoe(Out& o, Bytes p, std::size_t base, bool discovery);

void decode_ethernet(Out& o, Bytes d) {
    auto eth = EthernetView<>::checked(d);
    if (!eth) {
        o.error(eth.error(), 0);
        return;
    }
    auto type = static_cast<std::uint16_t>(eth->ethertype());
    o.frame["eth"] = {
        {"dst", to_string(eth->dst())}, {"src", to_string(eth->src())}, {"type", type}};
    o.layer("eth");
    Bytes rest = eth->payload();
    std::size_t base = ethernet_header_len;
    while (is_vlan_tag(EtherType{type})) {
        auto tag = Dot1QView<>::checked(rest);
        if (!tag) {
            o.error(tag.error(), base);
            return;
        }
        type = static_cast<std::uint16_t>(tag->ethertype());
        o.frame["vlan"].push_back({{"pcp", tag->pcp()},
                                   {"dei", bit(tag->dei())},
                                   {"id", tag->vlan_id()},
                                   {"type", type}});
        o.layer("vlan");
        rest = tag->payload();
        base += dot1q_header_len;
    }
    // Up to 1500 the field is an 802.3 length: LLC follows, out of scope.
    switch (type) {
    case 0x0806:
        decode_arp(o, rest, base);
        break;
    case 0x0800:
        decode_ipv4(o, rest, base);
        break;
    case 0x8863:
    case 0x8864:
        decode_pppoe(o, rest, base, type == 0x8863);
        break;
    default:
        break;
    }
}

// --- IPv4 and ICMP -------------------------------------------------------------

// Options up to and including the first EOL (the range stops before EOL).
json ipv4_options(Bytes opts) {
    json list = json::array();
    std::size_t pos = 0;
    for (const Ipv4Option<> opt : Ipv4OptionRange<const Byte>{opts}) {
        json e{{"type", opt.type}};
        if (opt.type != ipv4_option::nop) e["len"] = opt.length;
        list.push_back(std::move(e));
        pos += opt.length;
    }
    if (pos < opts.size() && opts[pos] == ipv4_option::eol) list.push_back({{"type", 0}});
    return list;
}

// The datagram an ICMP error quotes (RFC 792): as much as the bytes allow.
json icmp_inner(Out& o, Bytes q, std::size_t base) {
    json in = json::object();
    if (q.size() < ipv4_min_header_len) return in;
    const auto raw = Ipv4View<>::unchecked(q);
    in["ipv4"] = {{"version", raw.version()},
                  {"ihl", raw.ihl()},
                  {"total_len", raw.total_len()},
                  {"id", raw.ident()},
                  {"ttl", raw.ttl()},
                  {"proto", static_cast<int>(raw.protocol())},
                  {"src", to_string(raw.src())},
                  {"dst", to_string(raw.dst())}};
    auto v = Ipv4View<>::checked_quote(q);
    if (!v) {
        o.error(v.error(), base);
        return in;
    }
    if (v->frag_offset_raw() != 0) return in;
    const Bytes d = v->payload();
    const auto u16 = [&](std::size_t at) { return load_be16(d.data() + at); };
    switch (v->protocol()) {
    case IpProtocol::udp: {
        json u = json::object();
        if (d.size() >= 2) u["sport"] = u16(0);
        if (d.size() >= 4) u["dport"] = u16(2);
        if (d.size() >= 6) u["len"] = u16(4);
        if (!u.empty()) in["udp"] = std::move(u);
        break;
    }
    case IpProtocol::tcp: {
        json t = json::object();
        if (d.size() >= 2) t["sport"] = u16(0);
        if (d.size() >= 4) t["dport"] = u16(2);
        if (d.size() >= 8) t["seq"] = load_be32(d.data() + 4);
        if (!t.empty()) in["tcp"] = std::move(t);
        break;
    }
    case IpProtocol::icmp: {
        json i = json::object();
        if (d.size() >= 1) i["type"] = d[0];
        if (d.size() >= 2) i["code"] = d[1];
        if (!i.empty()) in["icmp"] = std::move(i);
        break;
    }
    default:
        break;
    }
    return in;
}

void decode_icmp(Out& o, Bytes p, std::size_t base, const Ip& ip) {
    auto v = IcmpView<>::checked(p);
    if (!v) {
        o.error(v.error(), base);
        return;
    }
    const auto type = static_cast<std::uint8_t>(v->type());
    json m{{"type", type}, {"code", v->code()}, {"checksum", v->checksum()}};
    m["checksum_valid"] = ip.fragment || !ip.complete ? json(nullptr) : json(v->verify_checksum());
    if (type == 0 || type == 8 || (type >= 13 && type <= 18)) {
        m["id"] = v->identifier();
        m["seq"] = v->sequence();
    } else if (type == 3 && v->code() == 4) {
        m["mtu"] = v->next_hop_mtu(); // RFC 1191 §4
    } else if (type == 5) {
        m["gateway"] = to_string(v->gateway());
    } else if (type == 12) {
        m["pointer"] = v->pointer();
    }
    if (v->is_error()) {
        json in = icmp_inner(o, v->quoted(), base + icmp_header_len);
        if (!in.empty()) m["inner"] = std::move(in);
    }
    o.frame["icmp"] = std::move(m);
    o.layer("icmp");
}

// --- DNS -------------------------------------------------------------------------

std::optional<json> dns_record(Out& o, const dns::Record& r, std::size_t base) {
    if (r.type == dns::RrType::opt) { // RFC 6891 §6.1.2
        auto opt = dns::decode_opt(r);
        if (!opt) {
            o.error(opt.error(), base);
            return std::nullopt;
        }
        json options = json::array();
        for (const dns::EdnsOption e : opt->options())
            options.push_back({{"code", e.code}, {"len", e.data.size()}});
        return json{{"name", "."},
                    {"type", 41},
                    {"udp_size", opt->udp_payload_size},
                    {"ext_rcode", opt->extended_rcode},
                    {"version", opt->version},
                    {"do", bit(opt->dnssec_ok)},
                    {"rdlength", r.rdlength},
                    {"options", std::move(options)}};
    }
    dns::Rdata rd;
    Error e;
    if (!dns::decode_rdata(r, rd, e)) {
        o.error(e, base);
        return std::nullopt;
    }
    json j{{"name", r.name.to_string()},
           {"type", static_cast<std::uint16_t>(r.type)},
           {"class", static_cast<std::uint16_t>(r.cls)},
           {"ttl", r.ttl},
           {"rdlength", r.rdlength}};
    std::visit(
        [&j](const auto& d) {
            using D = std::remove_cvref_t<decltype(d)>;
            if constexpr (std::is_same_v<D, dns::ARdata>) {
                j["rdata"] = to_string(d.address);
            } else if constexpr (std::is_same_v<D, dns::AaaaRdata>) {
                j["rdata"] = ipv6_text(d.address);
            } else if constexpr (std::is_same_v<D, dns::NameRdata>) {
                j["rdata"] = d.name.to_string();
            } else if constexpr (std::is_same_v<D, dns::MxRdata>) {
                j["rdata"] = {{"preference", d.preference}, {"exchange", d.exchange.to_string()}};
            } else if constexpr (std::is_same_v<D, dns::SoaRdata>) {
                j["rdata"] = {{"mname", d.mname.to_string()},
                              {"rname", d.rname.to_string()},
                              {"serial", d.serial},
                              {"refresh", d.refresh},
                              {"retry", d.retry},
                              {"expire", d.expire},
                              {"minimum", d.minimum}};
            } else if constexpr (std::is_same_v<D, dns::SrvRdata>) {
                j["rdata"] = {{"priority", d.priority},
                              {"weight", d.weight},
                              {"port", d.port.value()},
                              {"target", d.target.to_string()}};
            } else if constexpr (std::is_same_v<D, dns::TxtRdata>) {
                json list = json::array();
                for (const Bytes s : d.strings())
                    list.push_back(text(s));
                j["rdata"] = std::move(list);
            }
            // RawRdata (and OPT, handled above): no rdata.
        },
        rd);
    return j;
}

// `base`: where the DNS message starts in the frame.
void decode_dns(Out& o, Bytes msg, std::size_t base, std::optional<std::uint16_t> tcp_length) {
    auto m = dns::MessageView<>::checked(msg);
    if (!m) {
        o.error(m.error(), base);
        return;
    }
    json d;
    if (tcp_length) d["tcp_length"] = *tcp_length;
    d["id"] = m->id();
    d["qr"] = bit(m->qr());
    d["opcode"] = static_cast<int>(m->opcode());
    d["aa"] = bit(m->aa());
    d["tc"] = bit(m->tc());
    d["rd"] = bit(m->rd());
    d["ra"] = bit(m->ra());
    d["z"] = bit(m->z());
    d["ad"] = bit(m->ad());
    d["cd"] = bit(m->cd());
    d["rcode"] = static_cast<int>(m->rcode());
    d["flags"] = m->flags();
    d["qdcount"] = m->qdcount();
    d["ancount"] = m->ancount();
    d["nscount"] = m->nscount();
    d["arcount"] = m->arcount();

    // A section is [] when empty, absent once an earlier entry could not be
    // located (nothing after it can be).
    bool stopped = false;
    json qs = json::array();
    for (const auto& q : m->questions()) {
        if (!q) {
            o.error(q.error(), base);
            stopped = true;
            break;
        }
        qs.push_back({{"name", q->name.to_string()},
                      {"type", static_cast<std::uint16_t>(q->type)},
                      {"class", static_cast<std::uint16_t>(q->cls)}});
    }
    d["questions"] = std::move(qs);
    const std::pair<const char*, dns::Section> sections[] = {
        {"answers", dns::Section::answer},
        {"authorities", dns::Section::authority},
        {"additionals", dns::Section::additional}};
    const std::uint16_t counts[] = {m->ancount(), m->nscount(), m->arcount()};
    for (std::size_t s = 0; s < 3; ++s) {
        if (counts[s] == 0) {
            d[sections[s].first] = json::array();
            continue;
        }
        if (stopped) continue;
        json list = json::array();
        for (const auto& r : m->section(sections[s].second)) {
            if (!r) {
                o.error(r.error(), base);
                stopped = true;
                break;
            }
            if (auto j = dns_record(o, *r, base)) list.push_back(std::move(*j));
        }
        d[sections[s].first] = std::move(list);
    }
    o.frame["dns"] = std::move(d);
    o.layer("dns");
}

// --- HTTP ----------------------------------------------------------------------------

inline constexpr std::size_t max_http_headers = 128;

std::size_t find_byte(Bytes b, std::size_t from, Byte c) {
    for (std::size_t i = from; i < b.size(); ++i)
        if (b[i] == c) return i;
    return b.size();
}

std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Returns false when the segment does not start with a start line of this kind.
template <bool IsRequest>
bool decode_http_as(Out& o, Bytes seg, std::size_t base) {
    using Parser = std::conditional_t<IsRequest, http::RequestParser<max_http_headers>,
                                      http::ResponseParser<max_http_headers>>;
    http::ParseOptions opt;
    opt.accept_bare_lf = true; // as most dissectors and clients do (RFC 9112 §2.2 MAY)
    const std::size_t nl = find_byte(seg, 0, '\n');
    if (nl == seg.size()) return false;
    const std::size_t start_len = nl + 1;
    {
        Parser p(opt);
        if (!p.feed(seg.first(start_len)) || p.message().version_text.empty()) return false;
    }
    json h{{"kind", IsRequest ? "request" : "response"}};
    json headers = json::array();
    // Each round parses start line + the header lines not yet read; a bad
    // header line becomes [line, null] and the next round starts after it.
    std::size_t rest = start_len;
    bool first_round = true;
    std::string joined;
    for (;;) {
        Bytes in = seg;
        if (rest != start_len) {
            joined.assign(as_text(seg.first(start_len)));
            joined.append(as_text(seg.subspan(rest)));
            in = Bytes(reinterpret_cast<const Byte*>(joined.data()), joined.size());
        }
        Parser p(opt);
        const auto r = p.feed(in);
        const auto& msg = p.message();
        if (first_round) {
            if constexpr (IsRequest) {
                h["method"] = text(msg.method_name());
                h["uri"] = text(msg.target);
                h["version"] = text(msg.version_text);
            } else {
                h["version"] = text(msg.version_text);
                h["status"] = static_cast<int>(msg.status);
                h["reason"] = text(msg.reason);
            }
            first_round = false;
        }
        for (const http::Header& f : msg.headers)
            headers.push_back({lower(text(f.name)), text(f.value)});
        if (r) break; // head complete, or the segment ends inside it
        Error e = r.error();
        if (e.offset < start_len) { // cannot happen: the start line parsed
            o.error(e, base);
            break;
        }
        e.offset = e.offset - start_len + rest; // back to segment offsets
        o.error(e, base);
        const bool line_problem = e.field == "header" || e.field == "header_name" ||
                                  e.field == "obs_fold" || e.field == "line" ||
                                  e.field == "line_ending";
        if (!line_problem) break;
        std::size_t ls = e.offset;
        while (ls > rest && seg[ls - 1] != '\n')
            --ls;
        const std::size_t eol = find_byte(seg, e.offset, '\n');
        std::size_t le = eol;
        if (le > ls && seg[le - 1] == '\r') --le;
        headers.push_back({text(seg.subspan(ls, le - ls)), nullptr});
        if (eol >= seg.size()) break;
        rest = eol + 1;
    }
    h["headers"] = std::move(headers);
    o.frame["http"] = std::move(h);
    o.layer("http");
    return true;
}

void decode_http(Out& o, Bytes seg, std::size_t base) {
    static constexpr char http_prefix[] = "HTTP/";
    const bool response = seg.size() >= 5 && std::equal(seg.begin(), seg.begin() + 5, http_prefix);
    if (response)
        decode_http_as<false>(o, seg, base);
    else
        decode_http_as<true>(o, seg, base);
}

// --- UDP and TCP -------------------------------------------------------------------

void decode_udp(Out& o, Bytes p, std::size_t base, const Ip& ip) {
    auto v = UdpView<>::checked(p);
    if (p.size() < udp_field::header_len) {
        o.error(v.error(), base);
        return;
    }
    const auto raw = UdpView<>::unchecked(p);
    json u{{"sport", raw.src_port().value()},
           {"dport", raw.dst_port().value()},
           {"len", raw.length()},
           {"checksum", raw.checksum()}};
    // RFC 768: 0 means no checksum was sent.
    if (!raw.has_checksum() || ip.fragment || !ip.complete || !v)
        u["checksum_valid"] = nullptr;
    else
        u["checksum_valid"] = v->verify_checksum(ip.src, ip.dst);
    o.frame["udp"] = std::move(u);
    o.layer("udp");
    std::optional<Bytes> payload;
    if (v) {
        payload = Bytes(v->payload());
    } else {
        o.error(v.error(), base);
        // A capture cut short of the datagram: decode what is there.
        if (!ip.complete && raw.length() >= udp_field::header_len) payload = p.subspan(8);
    }
    if (payload && (raw.src_port() == ports::dns || raw.dst_port() == ports::dns))
        decode_dns(o, *payload, base + udp_field::header_len, std::nullopt);
}

json tcp_options(const TcpView<>& v) {
    json list = json::array();
    const TcpOptions opts = v.options();
    for (const TcpOption opt : opts) {
        const auto kind = static_cast<std::uint8_t>(opt.kind());
        json e{{"kind", kind}};
        if (kind > 1) e["len"] = opt.size();
        switch (opt.kind()) {
        case TcpOptionKind::mss:
            e["mss"] = opt.mss();
            break;
        case TcpOptionKind::window_scale:
            e["shift"] = opt.window_scale();
            break;
        case TcpOptionKind::sack: {
            json blocks = json::array();
            for (std::size_t i = 0; i < opt.sack_count(); ++i) {
                const TcpSackBlock b = opt.sack_block(i);
                blocks.push_back({b.left.value(), b.right.value()});
            }
            e["blocks"] = std::move(blocks);
            break;
        }
        case TcpOptionKind::timestamps:
            e["tsval"] = opt.timestamps().tsval;
            e["tsecr"] = opt.timestamps().tsecr;
            break;
        default:
            break;
        }
        list.push_back(std::move(e));
    }
    if (const auto err = opts.error())
        list.push_back({{"kind", nullptr}, {"invalid", to_string(*err)}});
    return list;
}

void decode_tcp(Out& o, Bytes p, std::size_t base, const Ip& ip) {
    auto v = TcpView<>::checked(p);
    if (p.size() < tcp_field::min_header_len) {
        o.error(v.error(), base);
        return;
    }
    const auto raw = TcpView<>::unchecked(p);
    const std::uint16_t flags = raw.flags().bits();
    std::string letters;
    static constexpr char flag_letters[] = "FSRPAUECN"; // bit 0 (FIN) .. bit 8 (NS)
    for (unsigned i = 0; i < 9; ++i)
        if (flags & (1u << i)) letters.push_back(flag_letters[i]);
    json t{{"sport", raw.src_port().value()},
           {"dport", raw.dst_port().value()},
           {"seq", raw.seq_number().value()},
           {"ack", raw.ack_number().value()},
           {"data_offset", raw.data_offset()},
           {"reserved", (p[tcp_field::data_offset.first] >> 1) & 0x7},
           {"flags_int", flags},
           {"flags", letters},
           {"window", raw.window()},
           {"checksum", raw.checksum()},
           {"urgent", raw.urgent_pointer()}};
    // The checksum covers the whole segment: verifiable whenever it is all here.
    t["checksum_valid"] =
        ip.fragment || !ip.complete ? json(nullptr) : json(raw.verify_checksum(ip.src, ip.dst));
    const bool header_ok = raw.data_offset() >= 5 && raw.header_len() <= p.size();
    if (header_ok) t["options"] = tcp_options(raw);
    if (!ip.fragment) {
        const long len = static_cast<long>(ip.total_len) - static_cast<long>(ip.header_len) -
                         4 * static_cast<long>(raw.data_offset());
        if (len >= 0 && raw.data_offset() >= 5) t["payload_len"] = len;
    }
    o.frame["tcp"] = std::move(t);
    o.layer("tcp");
    if (!v) o.error(v.error(), base);
    if (!header_ok || ip.fragment) return;
    const Bytes seg = raw.payload();
    const std::size_t seg_base = base + raw.header_len();
    if (seg.empty()) return;
    if (raw.src_port() == ports::dns || raw.dst_port() == ports::dns) {
        // RFC 1035 §4.2.2: a two-byte length before each message.
        if (seg.size() < dns::tcp_prefix_len) {
            o.error(Error{"dns", "tcp_length", 0, Errc::truncated, seg.size(), 2}, seg_base);
            return;
        }
        const std::uint16_t len = load_be16(seg.data());
        Bytes msg = seg.subspan(dns::tcp_prefix_len);
        if (auto f = dns::tcp_deframe(seg)) {
            msg = f->message;
        } else {
            o.error(f.error(), seg_base); // the message continues in a later segment
        }
        decode_dns(o, msg, seg_base + dns::tcp_prefix_len, len);
    } else if (raw.src_port() == ports::http || raw.dst_port() == ports::http) {
        decode_http(o, seg, seg_base);
    }
}

void decode_ipv4(Out& o, Bytes p, std::size_t base) {
    auto full = Ipv4View<>::checked(p);
    if (p.size() < ipv4_min_header_len) {
        o.error(full.error(), base);
        return;
    }
    const auto raw = Ipv4View<>::unchecked(p);
    const std::size_t hl = raw.header_len();
    const bool header_ok = raw.ihl() >= 5 && hl <= p.size();
    json h{{"version", raw.version()},
           {"ihl", raw.ihl()},
           {"tos", raw.tos()},
           {"total_len", raw.total_len()},
           {"id", raw.ident()},
           {"rf", bit(raw.reserved_flag())},
           {"df", bit(raw.dont_frag())},
           {"mf", bit(raw.more_frags())},
           {"frag_offset", raw.frag_offset_raw()},
           {"ttl", raw.ttl()},
           {"proto", static_cast<int>(raw.protocol())},
           {"checksum", raw.checksum()},
           {"src", to_string(raw.src())},
           {"dst", to_string(raw.dst())}};
    h["checksum_valid"] = header_ok ? json(raw.verify_checksum()) : json(nullptr);
    if (header_ok) h["options"] = ipv4_options(raw.options_bytes());
    o.frame["ipv4"] = std::move(h);
    o.layer("ipv4");

    std::optional<Ipv4View<>> v;
    if (full) {
        v = *full;
    } else {
        o.error(full.error(), base);
        // Cut short by the capture (snaplen): the header is whole, decode on.
        if (full.error().field == "total_len" && full.error().code == Errc::truncated)
            if (auto q = Ipv4View<>::checked_quote(p)) v = *q;
    }
    if (!v || v->frag_offset_raw() != 0) return; // a non-first fragment: data only
    const Bytes payload = v->payload();
    Ip ip;
    ip.src = v->src();
    ip.dst = v->dst();
    ip.header_len = hl;
    ip.total_len = v->total_len();
    ip.fragment = v->more_frags();
    ip.complete = payload.size() == std::size_t{v->total_len()} - hl;
    switch (v->protocol()) {
    case IpProtocol::icmp:
        decode_icmp(o, payload, base + hl, ip);
        break;
    case IpProtocol::tcp:
        decode_tcp(o, payload, base + hl, ip);
        break;
    case IpProtocol::udp:
        decode_udp(o, payload, base + hl, ip);
        break;
    default:
        break;
    }
}

// --- PPPoE and PPP ----------------------------------------------------------------------

template <PppProtocol P>
void ppp_control(Out& o, json& ppp, Bytes d, std::size_t base) {
    auto v = PppControlView<P>::checked_header(d);
    if (!v) {
        o.error(v.error(), base);
        return;
    }
    ppp["code"] = static_cast<int>(v->code());
    ppp["id"] = v->identifier();
    ppp["length"] = v->length();
    if constexpr (PppConfigProtocol<P>) {
        if (v->has_options()) {
            json list = json::array();
            const auto opts = v->options();
            for (const auto opt : opts)
                list.push_back({{"type", opt.bytes()[0]}, {"len", opt.length()}});
            if (const auto e = opts.error()) o.error(*e, base);
            ppp["options"] = std::move(list);
        }
    }
}

void decode_ppp(Out& o, Bytes p, std::size_t base) {
    auto v = PppView<>::checked(p);
    if (p.size() < ppp_field::header_len) {
        o.error(v.error(), base);
        return;
    }
    const std::uint16_t proto = load_be16(p.data());
    json ppp{{"protocol", proto}};
    if (!v) {
        o.error(v.error(), base);
        o.frame["ppp"] = std::move(ppp);
        o.layer("ppp");
        return;
    }
    const Bytes d = v->payload();
    const std::size_t dbase = base + ppp_field::header_len;
    switch (v->protocol()) {
    case PppProtocol::lcp:
        ppp_control<PppProtocol::lcp>(o, ppp, d, dbase);
        break;
    case PppProtocol::ipcp:
        ppp_control<PppProtocol::ipcp>(o, ppp, d, dbase);
        break;
    case PppProtocol::pap:
        ppp_control<PppProtocol::pap>(o, ppp, d, dbase);
        break;
    case PppProtocol::chap:
        ppp_control<PppProtocol::chap>(o, ppp, d, dbase);
        break;
    default:
        break;
    }
    o.frame["ppp"] = std::move(ppp);
    o.layer("ppp");
    if (v->protocol() == PppProtocol::ipv4) decode_ipv4(o, d, dbase);
}

void decode_pppoe(Out& o, Bytes p, std::size_t base, bool discovery) {
    auto v = PppoeView<>::checked(p);
    if (p.size() < pppoe_field::header_len) {
        o.error(v.error(), base);
        return;
    }
    const auto raw = PppoeView<>::unchecked(p);
    json h{{"version", raw.version()},
           {"type", raw.type()},
           {"code", static_cast<int>(raw.code())},
           {"session_id", raw.session_id()},
           {"length", raw.length()},
           {"stage", discovery ? "discovery" : "session"}};
    if (!v) {
        o.error(v.error(), base);
        o.frame["pppoe"] = std::move(h);
        o.layer("pppoe");
        return;
    }
    if (discovery) {
        json tags = json::array();
        const PppoeTags all = v->tags();
        for (const PppoeTag tag : all) {
            const auto type = static_cast<std::uint16_t>(tag.type());
            json t{{"type", type}, {"len", tag.length()}};
            // RFC 2516 Appendix A: names and error messages are UTF-8 text.
            if (type == 0x0101 || type == 0x0102 || tag.is_error())
                t["value"] = text(tag.value());
            else if (type != 0x0105)
                t["value"] = hex(tag.value());
            tags.push_back(std::move(t));
        }
        if (const auto e = all.error()) o.error(*e, base);
        h["tags"] = std::move(tags);
    }
    o.frame["pppoe"] = std::move(h);
    o.layer("pppoe");
    if (!discovery) decode_ppp(o, v->payload(), base + pppoe_field::header_len);
}

} // namespace

// --- public API ----------------------------------------------------------------------------

json dissect_bytes(std::size_t n, Bytes data, std::uint32_t wirelen, int link_type) {
    json f{{"n", n},
           {"caplen", data.size()},
           {"wirelen", wirelen},
           {"layers", json::array()},
           {"errors", json::array()}};
    Out o{f};
    try {
        if (link_type != link_ethernet)
            o.error("frame.link_type: unsupported " + std::to_string(link_type) + " at offset 0");
        else
            decode_ethernet(o, data);
    } catch (const std::exception& e) { // not expected: keep the frame, say so
        o.error(std::string("dissector: internal error: ") + e.what());
    }
    return f;
}

json dissect_frame(std::size_t n, const PcapFrame& frame, int link_type) {
    return dissect_bytes(n, frame.data, frame.wirelen, link_type);
}

std::string to_line(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace strata::dissect
