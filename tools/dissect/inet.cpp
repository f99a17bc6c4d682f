// strata-dissect, IPv4 and what it carries: ICMP (with the datagram an error
// quotes), UDP and TCP. The transports verify their checksums against the
// IPv4 header the walk saw last (Walk::ip).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include <strata/wire/dns/tcp_framing.hpp>

#include "walk.hpp"

namespace strata::dissect {

// --- IPv4 ------------------------------------------------------------------------------

namespace {
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

// The header fields of `v`, whose 20 fixed bytes are there; the options and
// the checksum only when the whole header is.
void ipv4_header(Walk& w, const Ipv4View<>& v, std::size_t available) {
    const bool header_ok = v.ihl() >= 5 && v.header_len() <= available;
    json h{{"version", v.version()},
           {"ihl", v.ihl()},
           {"tos", v.tos()},
           {"total_len", v.total_len()},
           {"id", v.ident()},
           {"rf", bit(v.reserved_flag())},
           {"df", bit(v.dont_frag())},
           {"mf", bit(v.more_frags())},
           {"frag_offset", v.frag_offset_raw()},
           {"ttl", v.ttl()},
           {"proto", static_cast<int>(v.protocol())},
           {"checksum", v.checksum()},
           {"src", to_string(v.src())},
           {"dst", to_string(v.dst())}};
    h["checksum_valid"] = header_ok ? json(v.verify_checksum()) : json(nullptr);
    if (header_ok) h["options"] = ipv4_options(v.options_bytes());
    w.frame["ipv4"] = std::move(h);
    w.layer("ipv4");
}

// What the transports need to know about the datagram `v` carries them in.
void enter_ipv4(Walk& w, const Ipv4View<>& v) {
    w.ip.src = v.src();
    w.ip.dst = v.dst();
    w.ip.header_len = v.header_len();
    w.ip.total_len = v.total_len();
    w.ip.fragment = v.more_frags();
    w.ip.complete = v.payload().size() == std::size_t{v.total_len()} - v.header_len();
}
} // namespace

void write(Walk& w, as<IPv4<>>, const Ipv4View<>& v) {
    ipv4_header(w, v, v.bytes().size());
    enter_ipv4(w, v);
}

void salvage(Walk& w, as<IPv4<>>, Bytes p, const Error& e) {
    if (p.size() < ipv4_min_header_len) {
        w.error(e);
        return;
    }
    ipv4_header(w, Ipv4View<>::unchecked(p), p.size());
    w.error(e);
    // Cut short by the capture (snaplen): the header is whole, decode on.
    if (!e.is(ipv4_field::total_len) || e.code != Errc::truncated) return;
    auto q = Ipv4View<>::checked_quote(p);
    if (!q || q->frag_offset_raw() != 0) return; // a non-first fragment: data only
    enter_ipv4(w, *q);
    walk_inner(w, *q, Bytes(q->payload()));
}

// --- ICMP ------------------------------------------------------------------------------

namespace {
// The datagram an ICMP error quotes (RFC 792): as much as the bytes allow.
json icmp_inner(Walk& w, Bytes q) {
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
        w.error(v.error(), w.offset_of(q));
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
} // namespace

void write(Walk& w, as<ICMP>, const IcmpView<>& v) {
    const auto type = static_cast<std::uint8_t>(v.type());
    json m{{"type", type}, {"code", v.code()}, {"checksum", v.checksum()}};
    m["checksum_valid"] =
        w.ip.fragment || !w.ip.complete ? json(nullptr) : json(v.verify_checksum());
    if (type == 0 || type == 8 || (type >= 13 && type <= 18)) {
        m["id"] = v.identifier();
        m["seq"] = v.sequence();
    } else if (type == 3 && v.code() == 4) {
        m["mtu"] = v.next_hop_mtu(); // RFC 1191 §4
    } else if (type == 5) {
        m["gateway"] = to_string(v.gateway());
    } else if (type == 12) {
        m["pointer"] = v.pointer();
    }
    if (v.is_error()) {
        json in = icmp_inner(w, Bytes(v.quoted()));
        if (!in.empty()) m["inner"] = std::move(in);
    }
    w.frame["icmp"] = std::move(m);
    w.layer("icmp");
}
void salvage(Walk& w, as<ICMP>, Bytes, const Error& e) { w.error(e); }

// --- UDP -------------------------------------------------------------------------------

namespace {
void udp_header(Walk& w, const UdpView<>& v, bool verified) {
    json u{{"sport", v.src_port().value()},
           {"dport", v.dst_port().value()},
           {"len", v.length()},
           {"checksum", v.checksum()}};
    // RFC 768: 0 means no checksum was sent.
    if (!v.has_checksum() || w.ip.fragment || !w.ip.complete || !verified)
        u["checksum_valid"] = nullptr;
    else
        u["checksum_valid"] = v.verify_checksum(w.ip.src, w.ip.dst);
    w.frame["udp"] = std::move(u);
    w.layer("udp");
}
} // namespace

void write(Walk& w, as<UDP<>>, const UdpView<>& v) { udp_header(w, v, true); }

void salvage(Walk& w, as<UDP<>>, Bytes p, const Error& e) {
    if (p.size() < udp_field::header_len) {
        w.error(e);
        return;
    }
    const auto raw = UdpView<>::unchecked(p);
    udp_header(w, raw, false);
    w.error(e);
    // A capture cut short of the datagram: decode what is there.
    if (!w.ip.complete && raw.length() >= udp_field::header_len)
        walk_inner(w, raw, p.subspan(udp_field::header_len));
}

// --- TCP -------------------------------------------------------------------------------

namespace {
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

// The header fields of `v`, whose 20 fixed bytes are there. Returns whether
// the whole header (options included) is.
bool tcp_header(Walk& w, const TcpView<>& v) {
    const Bytes p = v.bytes();
    const std::uint16_t flags = v.flags().bits();
    std::string letters;
    static constexpr char flag_letters[] = "FSRPAUECN"; // bit 0 (FIN) .. bit 8 (NS)
    for (unsigned i = 0; i < 9; ++i)
        if (flags & (1u << i)) letters.push_back(flag_letters[i]);
    json t{{"sport", v.src_port().value()},
           {"dport", v.dst_port().value()},
           {"seq", v.seq_number().value()},
           {"ack", v.ack_number().value()},
           {"data_offset", v.data_offset()},
           {"reserved", (p[tcp_field::data_offset.first] >> 1) & 0x7},
           {"flags_int", flags},
           {"flags", letters},
           {"window", v.window()},
           {"checksum", v.checksum()},
           {"urgent", v.urgent_pointer()}};
    // The checksum covers the whole segment: verifiable whenever it is all here.
    t["checksum_valid"] = w.ip.fragment || !w.ip.complete
                              ? json(nullptr)
                              : json(v.verify_checksum(w.ip.src, w.ip.dst));
    const bool header_ok = v.data_offset() >= 5 && v.header_len() <= p.size();
    if (header_ok) t["options"] = tcp_options(v);
    if (!w.ip.fragment) {
        const long len = static_cast<long>(w.ip.total_len) - static_cast<long>(w.ip.header_len) -
                         4 * static_cast<long>(v.data_offset());
        if (len >= 0 && v.data_offset() >= 5) t["payload_len"] = len;
    }
    w.frame["tcp"] = std::move(t);
    w.layer("tcp");
    return header_ok;
}

// What the segment's bytes hold for the scheme: nothing in a first fragment
// (the segment is incomplete), DNS for port 53 (here: TCP<DNS> is no stack),
// HTTP for port 80 (the stack's TCP<OneOf<HTTP>> finds it; `salvaged`: the
// walk does not go on by itself, so go on here).
void tcp_payload(Walk& w, const TcpView<>& v, bool salvaged) {
    const Bytes seg = v.payload();
    if (w.ip.fragment || seg.empty()) {
        w.stopped = true;
        return;
    }
    if (v.src_port() == ports::dns || v.dst_port() == ports::dns) {
        write_dns_over_tcp(w, seg);
        w.stopped = true;
    } else if (salvaged) {
        walk_inner(w, v, seg);
    }
}
} // namespace

void write(Walk& w, as<TCP<>>, const TcpView<>& v) {
    tcp_header(w, v);
    tcp_payload(w, v, false);
}

void salvage(Walk& w, as<TCP<>>, Bytes p, const Error& e) {
    if (p.size() < tcp_field::min_header_len) {
        w.error(e);
        return;
    }
    const auto raw = TcpView<>::unchecked(p);
    const bool header_ok = tcp_header(w, raw);
    w.error(e);
    if (header_ok) tcp_payload(w, raw, true);
}

} // namespace strata::dissect
