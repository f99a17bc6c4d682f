// trace.jsonl lines, written by hand: one per event, so no JSON value is
// built per event (a run traces every frame).
#include "trace_json.hpp"

#include <utility>

#include <strata/stack/errno.hpp>
#include <strata/stack/tcp/state.hpp>

namespace strata::net {
namespace {

// Node and port names are [A-Za-z0-9_-]+ (the loader checked), so they
// need no escaping inside quotes.
void field(std::string& s, std::string_view key, std::string_view text) {
    s += ",\"";
    s += key;
    s += "\":\"";
    s += text;
    s += '"';
}
void field(std::string& s, std::string_view key, std::uint64_t v) {
    s += ",\"";
    s += key;
    s += "\":";
    s += std::to_string(v);
}
void endpoint(std::string& s, std::string_view key, Ipv4Address a, std::uint16_t port) {
    field(s, key, to_string(a) + ':' + std::to_string(port));
}
// "SYN,ACK": the set flags in the order tcpdump prints them.
std::string tcp_flag_names(std::uint32_t bits) {
    static constexpr std::pair<std::uint32_t, const char*> names[] = {
        {0x002, "SYN"}, {0x010, "ACK"}, {0x001, "FIN"}, {0x004, "RST"}, {0x008, "PSH"},
        {0x020, "URG"}, {0x040, "ECE"}, {0x080, "CWR"}, {0x100, "NS"}};
    std::string out;
    for (const auto& [bit, name] : names) {
        if ((bits & bit) == 0) continue;
        if (!out.empty()) out += ',';
        out += name;
    }
    return out;
}

const char* protocol_name(std::uint8_t p) {
    switch (p) {
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    default:
        return nullptr;
    }
}

} // namespace

void append_trace_line(std::string& s, std::int64_t t_ns, std::string_view node,
                       std::string_view port, const TraceEvent& e) {
    s += "{\"t_ns\":";
    s += std::to_string(t_ns);
    field(s, "node", node);
    field(s, "event", to_string(e.kind));
    switch (e.kind) {
    case TraceKind::frame_sent:
    case TraceKind::frame_received:
        field(s, "port", port);
        field(s, "length", e.value);
        break;
    case TraceKind::frame_dropped:
        field(s, "port", port);
        field(s, "reason", to_string(e.reason));
        break;
    case TraceKind::mac_learned:
    case TraceKind::mac_moved:
    case TraceKind::mac_expired:
        field(s, "port", port);
        field(s, "mac", to_string(e.mac));
        break;
    case TraceKind::arp_request_sent:
        field(s, "port", port);
        field(s, "target", to_string(e.addr[0]));
        break;
    case TraceKind::arp_reply_sent:
        field(s, "port", port);
        field(s, "ip", to_string(e.addr[0]));
        field(s, "mac", to_string(e.mac));
        field(s, "to", to_string(e.addr[1]));
        break;
    case TraceKind::arp_resolved:
        field(s, "port", port);
        if (!e.addr[0].is_unspecified()) field(s, "ip", to_string(e.addr[0]));
        field(s, "mac", to_string(e.mac));
        break;
    case TraceKind::route_chosen:
        field(s, "port", port);
        field(s, "dst", to_string(e.addr[0]));
        field(s, "via", e.addr[1].is_unspecified() ? std::string("on-link") : to_string(e.addr[1]));
        field(s, "prefix_len", e.value);
        break;
    case TraceKind::ttl_decremented:
        field(s, "port", port);
        field(s, "ttl", e.value);
        break;
    case TraceKind::fragmented:
        field(s, "port", port);
        field(s, "fragments", e.value);
        break;
    case TraceKind::icmp_error_sent:
        field(s, "port", port);
        field(s, "type", e.value >> 8);
        field(s, "code", e.value & 0xff);
        field(s, "to", to_string(e.addr[0]));
        break;
    case TraceKind::icmp_echo_replied:
        field(s, "to", to_string(e.addr[0]));
        break;
    case TraceKind::nat_mapping_created:
    case TraceKind::nat_mapping_used:
    case TraceKind::nat_mapping_expired:
        if (const char* p = protocol_name(e.protocol))
            field(s, "proto", p);
        else
            field(s, "proto", e.protocol);
        endpoint(s, "private", e.addr[0], e.l4[0]);
        endpoint(s, "public", e.addr[1], e.l4[1]);
        break;
    case TraceKind::filter_rule_hit:
        field(s, "port", port);
        if (e.value == ~std::uint32_t{0})
            field(s, "rule", "default");
        else
            field(s, "rule", e.value);
        s += e.reason == DropReason::filter ? ",\"dropped\":true" : ",\"dropped\":false";
        break;
    case TraceKind::tcp_segment_sent:
        endpoint(s, "local", e.addr[0], e.l4[0]);
        endpoint(s, "remote", e.addr[1], e.l4[1]);
        field(s, "flags", tcp_flag_names(e.value));
        field(s, "seq", e.l4_seq[0]);
        field(s, "ack", e.l4_seq[1]);
        field(s, "length", e.length);
        break;
    case TraceKind::tcp_state_changed:
        endpoint(s, "local", e.addr[0], e.l4[0]);
        endpoint(s, "remote", e.addr[1], e.l4[1]);
        field(s, "from", stack::tcp::name(static_cast<stack::tcp::State>(e.length)));
        field(s, "to", stack::tcp::name(static_cast<stack::tcp::State>(e.value)));
        break;
    case TraceKind::icmp_echo_sent:
        field(s, "to", to_string(e.addr[1]));
        field(s, "id", e.l4[0]);
        field(s, "seq", e.value);
        break;
    case TraceKind::icmp_echo_answered:
        field(s, "from", to_string(e.addr[1]));
        field(s, "seq", e.value);
        field(s, "rtt_us", e.length);
        break;
    case TraceKind::socket_error:
        endpoint(s, "local", e.addr[0], e.l4[0]);
        endpoint(s, "remote", e.addr[1], e.l4[1]);
        field(s, "errno", stack::name(static_cast<stack::Errno>(e.value)));
        break;
    case TraceKind::app_event:
        endpoint(s, "local", e.addr[0], e.l4[0]);
        endpoint(s, "remote", e.addr[1], e.l4[1]);
        field(s, "code", e.value);
        field(s, "length", e.length);
        break;
    }
    s += "}\n";
}

} // namespace strata::net
