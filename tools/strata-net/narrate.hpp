// strata-net --narrate: the run told as numbered, named steps, the way the
// notes walk through a journey (ARP who-has / is-at, ping and its RTT, SYN,
// SYN-ACK, ACK, NAT mapping created, TTL 64→62 as the server sees it,
// GET, 200 OK, FIN, TIME_WAIT). It is built from what the runner already
// sees, in the order it happens in virtual time:
//   - frames as they leave a link end (the pcap taps): ARP from any node
//     but switches and hubs (which only repeat), IP packets as a host sends
//     them and as they reach a host (for the TTL it sees);
//   - trace events of routers (NAT mappings created);
//   - what the host applications say (host_node.hpp's notes);
//   - TCP state changes, read from each host's socket table whenever a
//     frame moves (a host changes state inside receive/poll, right before
//     the segment that change sends).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <strata/core/time.hpp>
#include <strata/node/trace.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

namespace strata::net {

class Narrator {
public:
    struct Line {
        std::int64_t ns = 0;
        std::string node;
        std::string text;
    };

    void say(Instant t, const std::string& node, std::string text) {
        lines_.push_back(Line{ns_since_start(t), node, std::move(text)});
    }

    /// A frame left `from` (a node of kind from_kind) towards `to`.
    void frame(Instant t, const std::string& from, bool from_host, bool from_repeater,
               const std::string& to, bool to_host, Bytes frame) {
        auto eth = EthernetView<const Byte>::checked(frame);
        if (!eth) return;
        if (eth->ethertype() == EtherType::arp) {
            if (from_repeater) return;
            auto arp = ArpView<const Byte>::checked(eth->payload());
            if (!arp) return;
            if (arp->operation() == ArpOperation::request) {
                const bool gratuitous = arp->sender_protocol_addr() == arp->target_protocol_addr();
                say(t, from,
                    gratuitous
                        ? "ARP announcement: " + to_string(arp->sender_protocol_addr()) +
                              " is-at " + to_string(arp->sender_hardware_addr()) +
                              " (gratuitous, RFC 5227)"
                        : "ARP who-has " + to_string(arp->target_protocol_addr()) + "? tell " +
                              to_string(arp->sender_protocol_addr()) + " (broadcast)");
            } else if (arp->operation() == ArpOperation::reply) {
                say(t, from,
                    "ARP reply: " + to_string(arp->sender_protocol_addr()) + " is-at " +
                        to_string(arp->sender_hardware_addr()));
            }
            return;
        }
        if (eth->ethertype() != EtherType::ipv4) return;
        auto ip = Ipv4View<const Byte>::checked(eth->payload());
        if (!ip) return;
        remember_isn(*ip);
        if (from_host) {
            const std::string what = describe(*ip);
            if (!what.empty()) say(t, from, "→ " + what);
        }
        if (to_host && !from_host) {
            // The TTL as the receiver sees it, once per flow direction.
            const auto key = std::tuple{ip->src().value(), ip->dst().value(),
                                        static_cast<unsigned>(ip->protocol())};
            if (seen_ttl_.insert(key).second) {
                say(t, to,
                    "receives " + std::string(proto_name(ip->protocol())) + " from " +
                        to_string(ip->src()) + " with TTL " + std::to_string(ip->ttl()) +
                        (ip->ttl() < 64
                             ? " (sent with 64: " + std::to_string(64 - ip->ttl()) +
                                   " routers decremented it, 64→" + std::to_string(ip->ttl()) + ")"
                             : ""));
            }
        }
    }

    /// A node's trace event (the runner passes every one).
    void event(Instant t, const std::string& node, const TraceEvent& e) {
        if (e.kind == TraceKind::mac_learned && learned_.insert({node, e.mac.to_u64()}).second) {
            say(t, node,
                "learns " + to_string(e.mac) + " on port " + std::to_string(to_index(e.port) + 1));
        }
        if (e.kind == TraceKind::nat_mapping_created) {
            say(t, node,
                "NAT mapping created (" + std::string(proto_name(IpProtocol{e.protocol})) +
                    "): " + to_string(e.addr[0]) + ":" + std::to_string(e.l4[0]) + " ↔ " +
                    to_string(e.addr[1]) + ":" + std::to_string(e.l4[1]));
        }
    }

    /// A host's TCP connections now (from its socket table): says each change.
    void states(Instant t, const std::string& node,
                const std::map<std::string, std::string>& conns) {
        auto& before = states_[node];
        for (const auto& [conn, state] : conns) {
            const auto it = before.find(conn);
            if (it != before.end() && it->second == state) continue;
            if (state == "LISTEN") {
                if (it == before.end()) say(t, node, "listens on " + conn);
            } else {
                say(t, node,
                    "TCP " + conn + ": " + (it == before.end() ? "CLOSED" : it->second) + " → " +
                        state +
                        (state == "TIME_WAIT" ? " (it closed first: waits 2·MSL before the "
                                                "4-tuple may be reused, RFC 9293 §3.6)"
                                              : ""));
            }
        }
        for (const auto& [conn, state] : before) {
            if (conns.count(conn) == 0 && state != "LISTEN")
                say(t, node, "TCP " + conn + ": " + state + " → CLOSED");
        }
        before = conns;
    }

    /// The run ended: says which connections are still open, and how.
    void finish(Instant t) {
        for (const auto& [node, conns] : states_)
            for (const auto& [conn, state] : conns)
                if (state != "LISTEN")
                    say(t, node, "the run ends with TCP " + conn + " in " + state);
    }

    /// "  1. [   0.000 ms] browser   ARP who-has …", one per line.
    [[nodiscard]] std::string text() const {
        std::size_t width = 0;
        for (const auto& l : lines_)
            width = std::max(width, l.node.size());
        std::string out;
        char head[64];
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            const auto& l = lines_[i];
            std::snprintf(head, sizeof head, "%3zu. [%9.3f ms] ", i + 1,
                          static_cast<double>(l.ns) / 1e6);
            out += head;
            out += l.node;
            out.append(width + 2 - l.node.size(), ' ');
            out += l.text;
            out += '\n';
        }
        return out;
    }

private:
    static std::string_view proto_name(IpProtocol p) {
        switch (p) {
        case IpProtocol::icmp:
            return "ICMP";
        case IpProtocol::tcp:
            return "TCP";
        case IpProtocol::udp:
            return "UDP";
        default:
            return "IP";
        }
    }

    using FlowKey = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;

    void remember_isn(const Ipv4View<const Byte>& ip) {
        if (ip.protocol() != IpProtocol::tcp || ip.is_fragment()) return;
        auto tcp = TcpView<const Byte>::checked(ip.payload());
        if (!tcp || !tcp->syn()) return;
        isn_.emplace(FlowKey{ip.src().value(), tcp->src_port().value(), ip.dst().value(),
                             tcp->dst_port().value()},
                     tcp->seq_number().value());
    }

    std::string describe(const Ipv4View<const Byte>& ip) {
        const std::string dst = to_string(ip.dst());
        if (ip.is_fragment() && !ip.is_first_fragment()) return "";
        if (ip.protocol() == IpProtocol::icmp) {
            auto icmp = IcmpView<const Byte>::checked(ip.payload());
            if (!icmp) return "";
            if (icmp->type() == IcmpType::echo_request)
                return "ICMP echo request to " + dst + " seq=" + std::to_string(icmp->sequence()) +
                       " TTL " + std::to_string(ip.ttl());
            if (icmp->type() == IcmpType::echo_reply)
                return "ICMP echo reply to " + dst + " seq=" + std::to_string(icmp->sequence());
            return "ICMP type " + std::to_string(static_cast<unsigned>(icmp->type())) + " code " +
                   std::to_string(icmp->code()) + " to " + dst;
        }
        if (ip.protocol() == IpProtocol::udp) {
            auto udp = UdpView<const Byte>::checked(ip.payload());
            if (!udp) return "";
            return "UDP " + std::to_string(udp->payload().size()) + " bytes to " + dst + ":" +
                   std::to_string(udp->dst_port().value());
        }
        if (ip.protocol() != IpProtocol::tcp) return "";
        auto tcp = TcpView<const Byte>::checked(ip.payload());
        if (!tcp) return "";
        const auto f = tcp->flags();
        std::string name;
        if (f.rst())
            name = "RST";
        else if (f.syn() && f.ack())
            name = "SYN-ACK";
        else if (f.syn())
            name = "SYN";
        else if (f.fin())
            name = "FIN-ACK";
        else
            name = tcp->payload().empty() ? "ACK" : "data";
        const FlowKey me{ip.src().value(), tcp->src_port().value(), ip.dst().value(),
                         tcp->dst_port().value()};
        const FlowKey peer{ip.dst().value(), tcp->dst_port().value(), ip.src().value(),
                           tcp->src_port().value()};
        std::string rel;
        if (const auto it = isn_.find(me); it != isn_.end())
            rel += " seq=" + std::to_string(tcp->seq_number().value() - it->second);
        if (const auto it = isn_.find(peer); it != isn_.end() && f.ack())
            rel += " ack=" + std::to_string(tcp->ack_number().value() - it->second);
        std::string text =
            "TCP " + name + " to " + dst + ":" + std::to_string(tcp->dst_port().value()) + rel;
        const auto payload = tcp->payload();
        if (!payload.empty()) {
            text += " len=" + std::to_string(payload.size());
            // The first line when it is HTTP (a request line or a status line).
            std::string first(reinterpret_cast<const char*>(payload.data()),
                              std::min<std::size_t>(payload.size(), 80));
            if (const auto eol = first.find("\r\n"); eol != std::string::npos) {
                first.resize(eol);
                if (first.rfind("HTTP/1.", 0) == 0 || first.find(" HTTP/1.") != std::string::npos)
                    text += ": \"" + first + "\"";
            }
        }
        if (f.syn() && !tcp->options().error()) {
            for (const auto o : tcp->options()) {
                if (o.kind() == TcpOptionKind::mss) text += " MSS=" + std::to_string(o.mss());
            }
        }
        return text;
    }

    std::vector<Line> lines_;
    std::set<std::tuple<std::uint32_t, std::uint32_t, unsigned>> seen_ttl_;
    std::map<FlowKey, std::uint32_t> isn_;
    std::set<std::pair<std::string, std::uint64_t>> learned_;
    std::map<std::string, std::map<std::string, std::string>> states_;
};

} // namespace strata::net
