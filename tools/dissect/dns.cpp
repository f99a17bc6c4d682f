// strata-dissect, DNS (RFC 1035): the header, the questions and the records
// of each section, as far as the names decode; over UDP from the stack's
// UDP<OneOf<DNS>>, over TCP (length-prefixed, RFC 1035 §4.2.2) from the TCP
// writer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/tcp_framing.hpp>

#include "walk.hpp"

namespace strata::dissect {

namespace {

std::optional<json> dns_record(Walk& w, const dns::Record& r, std::size_t base) {
    if (r.type == dns::RrType::opt) { // RFC 6891 §6.1.2
        auto opt = dns::decode_opt(r);
        if (!opt) {
            w.error(opt.error(), base);
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
        w.error(e, base);
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

// `tcp_length`: the 2-byte prefix of DNS over TCP, when there was one.
void message(Walk& w, const dns::MessageView<>& m, std::optional<std::uint16_t> tcp_length) {
    const std::size_t base = w.offset_of(Bytes(m.bytes()));
    json d;
    if (tcp_length) d["tcp_length"] = *tcp_length;
    d["id"] = m.id();
    d["qr"] = bit(m.qr());
    d["opcode"] = static_cast<int>(m.opcode());
    d["aa"] = bit(m.aa());
    d["tc"] = bit(m.tc());
    d["rd"] = bit(m.rd());
    d["ra"] = bit(m.ra());
    d["z"] = bit(m.z());
    d["ad"] = bit(m.ad());
    d["cd"] = bit(m.cd());
    d["rcode"] = static_cast<int>(m.rcode());
    d["flags"] = m.flags();
    d["qdcount"] = m.qdcount();
    d["ancount"] = m.ancount();
    d["nscount"] = m.nscount();
    d["arcount"] = m.arcount();

    // A section is [] when empty, absent once an earlier entry could not be
    // located (nothing after it can be).
    bool stopped = false;
    json qs = json::array();
    for (const auto& q : m.questions()) {
        if (!q) {
            w.error(q.error(), base);
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
    const std::uint16_t counts[] = {m.ancount(), m.nscount(), m.arcount()};
    for (std::size_t s = 0; s < 3; ++s) {
        if (counts[s] == 0) {
            d[sections[s].first] = json::array();
            continue;
        }
        if (stopped) continue;
        json list = json::array();
        for (const auto& r : m.section(sections[s].second)) {
            if (!r) {
                w.error(r.error(), base);
                stopped = true;
                break;
            }
            if (auto j = dns_record(w, *r, base)) list.push_back(std::move(*j));
        }
        d[sections[s].first] = std::move(list);
    }
    w.frame["dns"] = std::move(d);
    w.layer("dns");
}

} // namespace

void write(Walk& w, as<DNS>, const dns::MessageView<>& v) { message(w, v, std::nullopt); }
void salvage(Walk& w, as<DNS>, Bytes, const Error& e) { w.error(e); }

void write_dns_over_tcp(Walk& w, Bytes seg) {
    const std::size_t seg_base = w.offset_of(seg);
    if (seg.size() < dns::tcp_prefix_len) {
        w.error(
            Error::at(dns_field::tcp_length, 0, Errc::truncated, seg.size(), dns::tcp_prefix_len),
            seg_base);
        return;
    }
    const std::uint16_t len = load_be16(seg.data());
    Bytes msg = seg.subspan(dns::tcp_prefix_len);
    if (auto f = dns::tcp_deframe(seg)) {
        msg = f->message;
    } else {
        w.error(f.error(), seg_base); // the message continues in a later segment
    }
    auto m = dns::MessageView<>::checked(msg);
    if (!m) {
        w.error(m.error(), w.offset_of(msg));
        return;
    }
    message(w, *m, len);
}

} // namespace strata::dissect
