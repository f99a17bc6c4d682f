// The named steps a learner would point at: what the narrated journey and
// trace.jsonl are printed from. A node emits them through its output token
// when the runtime traces (out.tracing()); the runtime adds the time and the
// node's name. Events are plain values: nothing is formatted or allocated in
// the node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>

namespace strata {

enum class TraceKind : std::uint8_t {
    frame_sent,       ///< runtime: a frame left a port (port, length)
    frame_received,   ///< runtime: a frame arrived at a port (port, length)
    frame_dropped,    ///< a frame went no further (port, reason)
    mac_learned,      ///< a switch learned mac on port (or relearned it there: moved)
    mac_moved,        ///< a learned station appeared on another port
    mac_expired,      ///< an entry aged out
    arp_request_sent, ///< who-has addr[0] (port)
    arp_reply_sent,   ///< addr[0] is-at mac, to addr[1]
    arp_resolved,     ///< addr[0] is-at mac (port)
    route_chosen, ///< destination addr[0] via addr[1] (0.0.0.0 = on-link) out port; value = prefix
                  ///< length
    ttl_decremented,     ///< value = TTL after the decrement
    fragmented,          ///< value = number of fragments, port = egress
    icmp_error_sent,     ///< value = type << 8 | code, addr[0] = to whom
    icmp_echo_replied,   ///< addr[0] = to whom
    nat_mapping_created, ///< addr[0]:l4[0] (private) <-> addr[1]:l4[1] (public); value = IP
                         ///< protocol
    nat_mapping_used,    ///< a packet was translated by that mapping
    nat_mapping_expired, ///< the mapping timed out
    filter_rule_hit,     ///< value = rule index (0-based; ~0 = the default action), reason = filter
                         ///< when it dropped
    // Hosts (stack/): addr[0]:l4[0] is the host's own end, addr[1]:l4[1] the peer's.
    tcp_segment_sent,  ///< value = TCP flags (wire bits), length = payload bytes, seq/ack in l4_seq
    tcp_state_changed, ///< value = the new stack::tcp::State (its number), length = the old one
    icmp_echo_sent,    ///< a ping to addr[1]: value = sequence number, l4[0] = identifier
    icmp_echo_answered, ///< its reply came back: value = sequence, length = RTT in µs
    socket_error,       ///< a socket failed: value = the errno number (stack::Errno)
    app_event,          ///< an application step: value = app-defined code, length = a size
};

constexpr std::string_view to_string(TraceKind k) noexcept {
    switch (k) {
    case TraceKind::frame_sent:
        return "frame_sent";
    case TraceKind::frame_received:
        return "frame_received";
    case TraceKind::frame_dropped:
        return "frame_dropped";
    case TraceKind::mac_learned:
        return "mac_learned";
    case TraceKind::mac_moved:
        return "mac_moved";
    case TraceKind::mac_expired:
        return "mac_expired";
    case TraceKind::arp_request_sent:
        return "arp_request_sent";
    case TraceKind::arp_reply_sent:
        return "arp_reply_sent";
    case TraceKind::arp_resolved:
        return "arp_resolved";
    case TraceKind::route_chosen:
        return "route_chosen";
    case TraceKind::ttl_decremented:
        return "ttl_decremented";
    case TraceKind::fragmented:
        return "fragmented";
    case TraceKind::icmp_error_sent:
        return "icmp_error_sent";
    case TraceKind::icmp_echo_replied:
        return "icmp_echo_replied";
    case TraceKind::nat_mapping_created:
        return "nat_mapping_created";
    case TraceKind::nat_mapping_used:
        return "nat_mapping_used";
    case TraceKind::nat_mapping_expired:
        return "nat_mapping_expired";
    case TraceKind::filter_rule_hit:
        return "filter_rule_hit";
    case TraceKind::tcp_segment_sent:
        return "tcp_segment_sent";
    case TraceKind::tcp_state_changed:
        return "tcp_state_changed";
    case TraceKind::icmp_echo_sent:
        return "icmp_echo_sent";
    case TraceKind::icmp_echo_answered:
        return "icmp_echo_answered";
    case TraceKind::socket_error:
        return "socket_error";
    case TraceKind::app_event:
        return "app_event";
    }
    return "unknown";
}

/// One event. Which fields carry meaning depends on the kind (see TraceKind);
/// the others stay zero. Build them with the named functions below.
struct TraceEvent {
    TraceKind kind{};
    PortId port{};
    DropReason reason{};
    std::uint8_t protocol = 0; ///< IP protocol where it matters (NAT, filter)
    MacAddress mac{};
    Ipv4Address addr[2]{};
    std::uint16_t l4[2]{};
    std::uint32_t value = 0;
    std::uint32_t length = 0;  ///< a second number where the kind says (hosts)
    std::uint32_t l4_seq[2]{}; ///< TCP sequence and acknowledgment numbers (tcp_segment_sent)

    static constexpr TraceEvent dropped(PortId p, DropReason r) noexcept {
        TraceEvent e{TraceKind::frame_dropped};
        e.port = p;
        e.reason = r;
        return e;
    }
    static constexpr TraceEvent mac_event(TraceKind k, PortId p, MacAddress m) noexcept {
        TraceEvent e{k};
        e.port = p;
        e.mac = m;
        return e;
    }
    static constexpr TraceEvent route(PortId out, Ipv4Address destination, Ipv4Address next_hop,
                                      int prefix_length) noexcept {
        TraceEvent e{TraceKind::route_chosen};
        e.port = out;
        e.addr[0] = destination;
        e.addr[1] = next_hop;
        e.value = static_cast<std::uint32_t>(prefix_length);
        return e;
    }
    /// A datagram left `out` as `pieces` fragments (RFC 791 §3.2).
    static constexpr TraceEvent fragments(PortId out, std::size_t pieces) noexcept {
        TraceEvent e{TraceKind::fragmented};
        e.port = out;
        e.value = static_cast<std::uint32_t>(pieces);
        return e;
    }
    static constexpr TraceEvent ttl(PortId in, std::uint8_t ttl_after) noexcept {
        TraceEvent e{TraceKind::ttl_decremented};
        e.port = in;
        e.value = ttl_after;
        return e;
    }
    static constexpr TraceEvent icmp_error(PortId out, Ipv4Address to, std::uint8_t type,
                                           std::uint8_t code) noexcept {
        TraceEvent e{TraceKind::icmp_error_sent};
        e.port = out;
        e.addr[0] = to;
        e.value = static_cast<std::uint32_t>(type) << 8 | code;
        return e;
    }
    static constexpr TraceEvent nat(TraceKind k, std::uint8_t protocol, Ipv4Address private_ip,
                                    std::uint16_t private_port, Ipv4Address public_ip,
                                    std::uint16_t public_port) noexcept {
        TraceEvent e{k};
        e.protocol = protocol;
        e.addr[0] = private_ip;
        e.l4[0] = private_port;
        e.addr[1] = public_ip;
        e.l4[1] = public_port;
        return e;
    }
    /// A host's event about one conversation (the tcp_*, icmp_echo_*,
    /// socket_error and app_event kinds).
    static constexpr TraceEvent conversation(TraceKind k, Ipv4Address local,
                                             std::uint16_t local_port, Ipv4Address remote,
                                             std::uint16_t remote_port, std::uint32_t value,
                                             std::uint32_t length = 0) noexcept {
        TraceEvent e{k};
        e.addr[0] = local;
        e.l4[0] = local_port;
        e.addr[1] = remote;
        e.l4[1] = remote_port;
        e.value = value;
        e.length = length;
        return e;
    }
    static constexpr TraceEvent rule_hit(PortId in, std::uint32_t rule, bool dropped) noexcept {
        TraceEvent e{TraceKind::filter_rule_hit};
        e.port = in;
        e.value = rule;
        if (dropped) e.reason = DropReason::filter;
        return e;
    }
};

} // namespace strata
