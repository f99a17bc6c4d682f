// Packet-list lines for `strata-dissect --summary`, made from the JSON frame
// objects dissect_frame() returns (so the list shows exactly what was decoded).
#include <cstdio>
#include <string>

#include <strata/wire/tcp.hpp>

#include "dissect.hpp"

namespace strata::dissect {
namespace {

using json = nlohmann::json;

std::string hex16(std::uint64_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%04x", static_cast<unsigned>(v & 0xffff));
    return b;
}

std::string dns_type_name(std::uint64_t t) {
    switch (t) {
    case 1:
        return "A";
    case 2:
        return "NS";
    case 5:
        return "CNAME";
    case 6:
        return "SOA";
    case 12:
        return "PTR";
    case 15:
        return "MX";
    case 16:
        return "TXT";
    case 28:
        return "AAAA";
    case 33:
        return "SRV";
    case 39:
        return "DNAME";
    case 41:
        return "OPT";
    case 255:
        return "ANY";
    default:
        return "TYPE" + std::to_string(t);
    }
}

std::string rdata_text(const json& r) {
    if (!r.contains("rdata")) return "";
    const json& d = r["rdata"];
    if (d.is_string()) return d.get<std::string>();
    if (d.is_array()) {
        std::string s;
        for (const auto& x : d) {
            if (!s.empty()) s += ' ';
            s.append(1, '"').append(x.get<std::string>()).append(1, '"');
        }
        return s;
    }
    if (d.contains("exchange"))
        return std::to_string(d["preference"].get<int>()) + " " + d["exchange"].get<std::string>();
    if (d.contains("target"))
        return d["target"].get<std::string>() + ":" + std::to_string(d["port"].get<int>());
    if (d.contains("mname")) return d["mname"].get<std::string>();
    return "";
}

std::string dns_info(const json& d) {
    static const char* const rcodes[] = {
        "", " Format error", " Server failure", " No such name", " Not implemented", " Refused"};
    const int opcode = d["opcode"].get<int>();
    std::string s = opcode == 0   ? "Standard query"
                    : opcode == 4 ? "Zone change notification"
                    : opcode == 5 ? "Dynamic update"
                                  : "Opcode " + std::to_string(opcode);
    if (d["qr"].get<int>() == 1) s += " response";
    s.append(" ").append(hex16(d["id"].get<std::uint64_t>()));
    const int rcode = d["rcode"].get<int>();
    if (d["qr"].get<int>() == 1 && rcode > 0 && rcode <= 5) s += rcodes[rcode];
    if (d.contains("questions"))
        for (const auto& q : d["questions"])
            s.append(" ")
                .append(dns_type_name(q["type"].get<std::uint64_t>()))
                .append(" ")
                .append(q["name"].get<std::string>());
    if (d.contains("answers"))
        for (const auto& r : d["answers"]) {
            s.append(" ").append(dns_type_name(r["type"].get<std::uint64_t>()));
            if (const auto t = rdata_text(r); !t.empty()) s.append(" ").append(t);
        }
    return s;
}

std::string icmp_info(const json& m) {
    const int type = m["type"].get<int>();
    const int code = m["code"].get<int>();
    static const char* const unreachable[] = {
        "Network unreachable",       "Host unreachable",
        "Protocol unreachable",      "Port unreachable",
        "Fragmentation needed",      "Source route failed",
        "Network unknown",           "Host unknown",
        "Source host isolated",      "Network prohibited",
        "Host prohibited",           "Network unreachable for TOS",
        "Host unreachable for TOS",  "Communication administratively filtered",
        "Host precedence violation", "Precedence cutoff in effect"};
    switch (type) {
    case 0:
    case 8:
        return std::string(type == 8 ? "Echo (ping) request" : "Echo (ping) reply") +
               "  id=" + hex16(m["id"].get<std::uint64_t>()) +
               ", seq=" + std::to_string(m["seq"].get<int>());
    case 3: {
        std::string s = "Destination unreachable (";
        s += code < 16 ? unreachable[code] : "code " + std::to_string(code);
        s += ")";
        if (m.contains("mtu")) s += " MTU=" + std::to_string(m["mtu"].get<int>());
        return s;
    }
    case 5:
        return "Redirect to " + m["gateway"].get<std::string>();
    case 11:
        return code == 0 ? "Time-to-live exceeded (Time to live exceeded in transit)"
                         : "Time-to-live exceeded (Fragment reassembly time exceeded)";
    case 12:
        return "Parameter problem, pointer " + std::to_string(m["pointer"].get<int>());
    case 13:
        return "Timestamp request";
    case 14:
        return "Timestamp reply";
    default:
        return "Type " + std::to_string(type) + ", code " + std::to_string(code);
    }
}

std::string pppoe_code_name(int code) {
    switch (code) {
    case 0x09:
        return "Active Discovery Initiation (PADI)";
    case 0x07:
        return "Active Discovery Offer (PADO)";
    case 0x19:
        return "Active Discovery Request (PADR)";
    case 0x65:
        return "Active Discovery Session-confirmation (PADS)";
    case 0xa7:
        return "Active Discovery Terminate (PADT)";
    case 0x00:
        return "Session Data";
    default:
        return "Code " + hex16(static_cast<std::uint64_t>(code));
    }
}

std::string ppp_info(const json& p, std::string& proto) {
    const auto protocol = p["protocol"].get<std::uint64_t>();
    static const char* const codes[] = {"",
                                        "Configuration Request",
                                        "Configuration Ack",
                                        "Configuration Nak",
                                        "Configuration Reject",
                                        "Termination Request",
                                        "Termination Ack",
                                        "Code Reject",
                                        "Protocol Reject",
                                        "Echo Request",
                                        "Echo Reply",
                                        "Discard Request",
                                        "Identification",
                                        "Time Remaining"};
    const char* name = protocol == 0xc021   ? "PPP LCP"
                       : protocol == 0x8021 ? "PPP IPCP"
                       : protocol == 0xc023 ? "PPP PAP"
                       : protocol == 0xc223 ? "PPP CHAP"
                                            : nullptr;
    if (name == nullptr) {
        proto = "PPP";
        return "Protocol " + hex16(protocol);
    }
    proto = name;
    if (!p.contains("code")) return "";
    const int code = p["code"].get<int>();
    std::string s;
    if (protocol == 0xc023)
        s = code == 1   ? "Authenticate-Request"
            : code == 2 ? "Authenticate-Ack"
                        : "Authenticate-Nak";
    else if (protocol == 0xc223)
        s = code == 1 ? "Challenge" : code == 2 ? "Response" : code == 3 ? "Success" : "Failure";
    else
        s = code >= 1 && code <= 13 ? codes[code] : "Code " + std::to_string(code);
    return s + " id=" + std::to_string(p["id"].get<int>());
}

} // namespace

double SummaryContext::relative_time(std::chrono::nanoseconds ts) {
    if (!have_first_) {
        first_ = ts;
        have_first_ = true;
    }
    return std::chrono::duration<double>(ts - first_).count();
}

std::uint32_t SummaryContext::relative_seq(const std::string& src, const std::string& dst,
                                           int sport, int dport, std::uint32_t seq, bool remember) {
    const auto key = std::make_tuple(src, dst, sport, dport);
    auto it = isn_.find(key);
    if (it == isn_.end()) {
        if (!remember) return seq;
        it = isn_.emplace(key, seq).first;
    }
    return seq - it->second;
}

std::uint32_t SummaryContext::relative_ack(const std::string& src, const std::string& dst,
                                           int sport, int dport, std::uint32_t ack) const {
    const auto it = isn_.find(std::make_tuple(dst, src, dport, sport));
    return it == isn_.end() ? ack : ack - it->second;
}

std::string summary_line(const json& f, std::chrono::nanoseconds timestamp, SummaryContext& ctx) {
    std::string src = "?", dst = "?", proto = "?", info;
    if (f.contains("eth")) {
        src = f["eth"]["src"].get<std::string>();
        dst = f["eth"]["dst"].get<std::string>();
        const auto type = f.contains("vlan") ? f["vlan"].back()["type"].get<std::uint64_t>()
                                             : f["eth"]["type"].get<std::uint64_t>();
        proto = "ETH";
        info = type <= 1500 ? "802.3, length " + std::to_string(type) : "EtherType " + hex16(type);
    }
    if (f.contains("vlan")) proto = "VLAN";
    if (f.contains("arp")) {
        const json& a = f["arp"];
        proto = "ARP";
        const int op = a["op"].get<int>();
        if (!a.contains("tpa"))
            info = "opcode " + std::to_string(op);
        else if (op == 1)
            info =
                "Who has " + a["tpa"].get<std::string>() + "? Tell " + a["spa"].get<std::string>();
        else if (op == 2)
            info = a["spa"].get<std::string>() + " is at " + a["sha"].get<std::string>();
        else
            info = "opcode " + std::to_string(op);
    }
    if (f.contains("pppoe")) {
        const json& p = f["pppoe"];
        proto = p["stage"] == "discovery" ? "PPPoED" : "PPPoES";
        info = pppoe_code_name(p["code"].get<int>()) + " session " +
               hex16(p["session_id"].get<std::uint64_t>());
    }
    if (f.contains("ppp")) info = ppp_info(f["ppp"], proto);
    if (f.contains("ipv4")) {
        const json& ip = f["ipv4"];
        src = ip["src"].get<std::string>();
        dst = ip["dst"].get<std::string>();
        proto = "IPv4";
        const int off = ip["frag_offset"].get<int>();
        if (off != 0 || ip["mf"].get<int>() == 1)
            info = "Fragmented IP protocol (proto=" + std::to_string(ip["proto"].get<int>()) +
                   ", off=" + std::to_string(off * 8) +
                   ", ID=" + hex16(ip["id"].get<std::uint64_t>()) + ")";
        else
            info = "protocol " + std::to_string(ip["proto"].get<int>());
    }
    if (f.contains("icmp")) {
        proto = "ICMP";
        info = icmp_info(f["icmp"]);
    }
    if (f.contains("udp")) {
        const json& u = f["udp"];
        proto = "UDP";
        const int len = u["len"].get<int>();
        info = std::to_string(u["sport"].get<int>()) + " → " +
               std::to_string(u["dport"].get<int>()) +
               " Len=" + std::to_string(len >= 8 ? len - 8 : 0);
    }
    if (f.contains("tcp")) {
        const json& t = f["tcp"];
        proto = "TCP";
        const int sport = t["sport"].get<int>();
        const int dport = t["dport"].get<int>();
        const auto flags = t["flags_int"].get<std::uint16_t>();
        const bool ack = (flags & 0x010) != 0;
        const auto seq =
            ctx.relative_seq(src, dst, sport, dport, t["seq"].get<std::uint32_t>(), true);
        info = std::to_string(sport) + " → " + std::to_string(dport) + " [" +
               to_string(TcpFlags{flags}) + "] Seq=" + std::to_string(seq);
        if (ack)
            info += " Ack=" + std::to_string(ctx.relative_ack(src, dst, sport, dport,
                                                              t["ack"].get<std::uint32_t>()));
        info += " Win=" + std::to_string(t["window"].get<int>());
        if (t.contains("payload_len"))
            info += " Len=" + std::to_string(t["payload_len"].get<long>());
    }
    if (f.contains("dns")) {
        proto = "DNS";
        info = dns_info(f["dns"]);
    }
    if (f.contains("http")) {
        const json& h = f["http"];
        proto = "HTTP";
        if (h["kind"] == "request")
            info = h["method"].get<std::string>() + " " + h["uri"].get<std::string>() + " " +
                   h["version"].get<std::string>();
        else
            info = h["version"].get<std::string>() + " " + std::to_string(h["status"].get<int>()) +
                   " " + h["reason"].get<std::string>();
    }
    const json& errors = f["errors"];
    if (!errors.empty()) {
        info += "  [" + std::to_string(errors.size()) +
                (errors.size() == 1 ? " error: " : " errors: ") +
                errors.front().get<std::string>() + "]";
    }
    char head[64];
    std::snprintf(head, sizeof head, "%5zu %12.6f  ", f["n"].get<std::size_t>(),
                  ctx.relative_time(timestamp));
    return head + src + " → " + dst + "  " + proto + "  " +
           std::to_string(f["wirelen"].get<int>()) + "  " + info;
}

} // namespace strata::dissect
