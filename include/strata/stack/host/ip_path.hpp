// A host's link and network layers, built from the IP components
// (stack/arp, stack/ipv4): Ethernet in and out; ARP through the
// NeighborCache (RFC 826: answer for our address, learn, resolve next hops
// with a bounded queue of frames per neighbour; RFC 5227 announcements from
// the first poll); IPv4 input (RFC 791, RFC 1122 §3.2.1: header and
// checksum, our address and broadcasts, reassembly with the Reassembler)
// and output (the RouteTable gives next hop and source address; TTL 64; a
// fresh identification per datagram; fragmentation above the path MTU
// unless DF; the PmtuCache learns from "fragmentation needed", RFC 1191).
//
// Headers are written in place in the runtime's buffer when the neighbour
// is known and the datagram fits (the steady state); otherwise the frame is
// built once in a buffer made at construction, then fragmented and/or
// copied into the neighbour queue's preallocated slots.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <strata/core/byte_buffer.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/trace.hpp>
#include <strata/stack/arp/arp_frames.hpp>
#include <strata/stack/arp/neighbor_cache.hpp>
#include <strata/stack/host/config.hpp>
#include <strata/stack/ipv4/fragmenter.hpp>
#include <strata/stack/ipv4/pmtu_cache.hpp>
#include <strata/stack/ipv4/reassembler.hpp>
#include <strata/stack/ipv4/route_table.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::stack {

inline constexpr PortId host_port{0};

/// When a datagram goes out with DF set.
enum class DontFragment : std::uint8_t {
    if_fits, ///< Linux's IP_PMTUDISC_WANT: DF on what fits the path MTU, larger ones fragmented
    always,  ///< TCP (RFC 1191 §3): never fragment, learn the path MTU instead
};

struct IpCounters {
    std::uint64_t packets_in = 0;
    std::uint64_t packets_out = 0;
    std::uint64_t fragments_out =
        0; ///< datagrams that left in more than one piece count each piece
    std::uint64_t reassembled = 0;
    std::uint64_t no_route = 0;
    std::uint64_t too_big_df = 0;
};

class IpPath {
public:
    explicit IpPath(const HostConfig& c)
        : mac_(c.mac), prefix_(c.address), mtu_(c.mtu), ttl_(c.ttl), neighbors_(neighbor_config(c)),
          reassembler_(c.reassembly), pmtu_(c.pmtu) {
        routes_.add_address(host_port, c.address);
        if (!c.gateway.is_unspecified()) routes_.set_default_gateway(c.gateway, host_port);
        for (const HostRoute& r : c.routes)
            routes_.add(r);
    }

    [[nodiscard]] Ipv4Address address() const noexcept { return prefix_.address(); }
    [[nodiscard]] MacAddress mac() const noexcept { return mac_; }
    [[nodiscard]] const Ipv4Prefix& prefix() const noexcept { return prefix_; }
    void seed_ident(std::uint16_t id) noexcept { ident_ = id; }

    /// Ours: the address, the limited broadcast, the subnet's broadcast.
    [[nodiscard]] bool accepts(Ipv4Address dst) const noexcept {
        return routes_.is_local(dst) || routes_.is_broadcast(dst);
    }
    [[nodiscard]] bool is_broadcast(Ipv4Address dst) const noexcept {
        return routes_.is_broadcast(dst);
    }
    /// The source address the host uses towards `dst` (RFC 1122 §3.3.4.3).
    [[nodiscard]] Ipv4Address source_for(Ipv4Address dst) const noexcept {
        const auto h = routes_.lookup(dst);
        return h ? h->source : address();
    }
    /// The path MTU towards `dst` (RFC 1191): the interface's, lowered by
    /// what ICMP taught until that ages out.
    [[nodiscard]] std::uint32_t path_mtu(Ipv4Address dst, std::uint32_t port_mtu,
                                         Instant now) const noexcept {
        return pmtu_.mtu(dst, std::min(mtu_, port_mtu), now);
    }
    /// Fragmentation needed (RFC 1191 §4); the new estimate when it went down.
    std::optional<std::uint32_t> learn_pmtu(Ipv4Address dst, std::uint16_t next_hop_mtu,
                                            std::uint16_t quoted_total_len, std::uint32_t port_mtu,
                                            Instant now) {
        return pmtu_.learn(dst, next_hop_mtu, quoted_total_len, std::min(mtu_, port_mtu), now);
    }

    // ------------------------------------------------------------ input
    /// An ARP packet: learn, answer, send what waited for the sender.
    template <class Out>
    void on_arp(const EthernetView<Byte>& eth, Instant now, Out& out) {
        const auto a_r = ArpView<const Byte>::checked(Bytes(eth.payload()));
        if (!a_r) return drop(DropReason::malformed, out);
        const ArpReaction r = neighbors_.on_arp(host_port, *a_r, now);
        if (r.resolved) {
            if (out.tracing()) {
                auto e = TraceEvent::mac_event(TraceKind::arp_resolved, host_port, r.peer_mac);
                e.addr[0] = r.peer_ip;
                out.trace(e);
            }
            neighbors_.release(r.peer_ip, r.peer_mac,
                               [&](PortId, MutBytes frame) { send_copy(frame, out); });
        }
        if (!r.reply) return;
        out.send(host_port, arp_frame_len, [&](MutBytes b) -> std::size_t {
            return write_arp_reply(b, r.our_mac, r.our_ip, r.peer_mac, r.peer_ip);
        });
        if (out.tracing()) {
            TraceEvent e{TraceKind::arp_reply_sent};
            e.port = host_port;
            e.mac = r.our_mac;
            e.addr[0] = r.our_ip;
            e.addr[1] = r.peer_ip;
            out.trace(e);
        }
    }

    /// An IPv4 packet (Ethernet payload). Calls deliver(Ipv4View<const
    /// Byte>) with each whole datagram for us (reassembled if it came in
    /// fragments); counts and drops the rest.
    template <class Out, class Deliver>
    void on_ipv4(MutBytes packet, Instant now, Out& out, Deliver&& deliver) {
        const auto ip_r = Ipv4View<const Byte>::checked(Bytes(packet));
        if (!ip_r) return drop(DropReason::malformed, out);
        const auto ip = *ip_r;
        if (ip.version() != 4) return drop(DropReason::unsupported, out);
        if (!out.caps(host_port).ipv4.verifies_rx && !ip.verify_checksum())
            return drop(DropReason::bad_checksum, out);
        if (!accepts(ip.dst())) return drop(DropReason::not_for_me, out);
        ++counters_.packets_in;
        if (!ip.is_fragment()) [[likely]]
            return deliver(ip);
        const auto r = reassembler_.add(ip, now);
        switch (r.status) {
        case Reassembler::Status::incomplete:
            return;
        case Reassembler::Status::complete: {
            const auto whole = Ipv4View<const Byte>::checked(r.datagram);
            if (!whole) return drop(DropReason::malformed, out);
            ++counters_.reassembled;
            return deliver(*whole);
        }
        case Reassembler::Status::overlap:
        case Reassembler::Status::malformed:
            return drop(DropReason::malformed, out);
        case Reassembler::Status::too_big:
            return drop(DropReason::too_big, out);
        case Reassembler::Status::no_memory:
            return drop(DropReason::queue_full, out);
        }
    }

    // ------------------------------------------------------------ output
    /// Sends one datagram of `l4_len` transport bytes to `dst`; fill(MutBytes
    /// l4, Ipv4Address source) writes them, checksum included. False when
    /// there is no route or DF forbids the size; queued behind ARP counts
    /// as sent.
    template <class Out, class Fill>
    bool send_ip(Ipv4Address dst, IpProtocol protocol, std::size_t l4_len, DontFragment df,
                 Instant now, Out& out, Fill&& fill) {
        return send_ip_from(Ipv4Address{}, dst, protocol, l4_len, df, now, out,
                            std::forward<Fill>(fill));
    }
    /// send_ip from `source`, the address a connection is bound to (RFC
    /// 9293 MUST-45: it never changes); 0.0.0.0 takes the route's.
    template <class Out, class Fill>
    bool send_ip_from(Ipv4Address source, Ipv4Address dst, IpProtocol protocol, std::size_t l4_len,
                      DontFragment df, Instant now, Out& out, Fill&& fill) {
        auto hop = routes_.lookup(dst);
        if (!hop) {
            ++counters_.no_route;
            return false;
        }
        if (!source.is_unspecified()) hop->source = source;
        const std::size_t total = ipv4_field::header_len + l4_len;
        if (total > 0xffff) return false;
        const std::uint32_t mtu = path_mtu(dst, out.caps(host_port).mtu, now);
        const bool fits = total <= mtu;
        if (!fits && df == DontFragment::always) {
            ++counters_.too_big_df;
            return false;
        }
        Ipv4Repr ip{.src = hop->source, .dst = dst, .protocol = protocol, .ttl = ttl_};
        ip.ident = ident_++;
        ip.dont_frag = fits;
        ip.payload_len = static_cast<std::uint16_t>(l4_len);
        ++counters_.packets_out;
        std::optional<MacAddress> to;
        if (routes_.is_broadcast(dst))
            to = MacAddress::broadcast();
        else
            to = neighbors_.lookup(hop->next_hop, now);
        constexpr std::size_t eh = ethernet_field::header_len;
        if (to && fits) [[likely]] {
            const std::size_t len = eh + total;
            out.send(host_port, len, [&](MutBytes b) -> std::size_t {
                if (b.size() < len) return 0;
                write_ethernet(b.data(), *to, EtherType::ipv4);
                ip.emit(Ipv4View<Byte>::unchecked(b.subspan(eh, total)));
                fill(b.subspan(eh + ipv4_field::header_len, l4_len), hop->source);
                return len;
            });
            return true;
        }
        // Slow path: the frame once in our buffer, then fragments and/or the ARP queue.
        // The buffer grows to the largest datagram that took this path, once:
        // a host that only ever waits for ARP with small frames keeps a
        // small one (a thousand simulated hosts do not hold 64 KiB each).
        if (frame_.size() < eh + total) frame_.resize(eh + total);
        const MutBytes f = MutBytes(frame_).first(eh + total);
        write_ethernet(f.data(), to.value_or(MacAddress::zero()), EtherType::ipv4);
        ip.emit(Ipv4View<Byte>::unchecked(f.subspan(eh)));
        fill(f.subspan(eh + ipv4_field::header_len), hop->source);
        if (fits) {
            forward(*hop, to, f, now, out);
            return true;
        }
        std::size_t pieces = 0;
        if (fragment_.size() < eh + mtu) fragment_ = ByteBuffer(eh + std::max(mtu, mtu_));
        const auto r = fragment(Ipv4View<const Byte>::unchecked(Bytes(f.subspan(eh))), mtu,
                                [&](std::size_t len, auto&& write) {
                                    const MutBytes g = fragment_.span().first(eh + len);
                                    copy_bytes(Bytes(f.first(eh)), g.data());
                                    write(g.subspan(eh));
                                    forward(*hop, to, g, now, out);
                                    ++pieces;
                                });
        counters_.fragments_out += pieces;
        if (r.status != FragmentStatus::ok) return false;
        if (out.tracing()) out.trace(TraceEvent::fragments(host_port, pieces));
        return true;
    }

    /// RFC 792 / RFC 1122 §3.2.2: an error about `offending` back to its
    /// source, quoting its header and first 8 data bytes. Never about an
    /// ICMP error, a broadcast, or a non-first fragment (§3.2.2's list).
    template <class Out>
    void send_icmp_error(const Ipv4View<const Byte>& offending, const IcmpRepr& message,
                         Instant now, Out& out) {
        if (is_broadcast(offending.dst()) || offending.src().is_unspecified() ||
            is_broadcast(offending.src()) || offending.frag_offset() != 0)
            return;
        if (offending.protocol() == IpProtocol::icmp) {
            const Bytes p = Bytes(offending.payload());
            if (p.empty() || is_icmp_error(IcmpType{p[0]})) return;
        }
        const bool sent = send_ip(
            offending.src(), IpProtocol::icmp, message.buffer_len(), DontFragment::if_fits, now,
            out, [&](MutBytes b, Ipv4Address) { message.emit(IcmpView<Byte>::unchecked(b)); });
        if (sent && out.tracing())
            out.trace(TraceEvent::icmp_error(host_port, offending.src(),
                                             static_cast<std::uint8_t>(message.type()),
                                             code_of(message)));
    }

    /// Announces the address (first call), retries or gives up ARP
    /// resolutions, expires reassemblies; gave_up(MutBytes ip_packet) sees
    /// each datagram dropped because its next hop never answered, expired(
    /// const ExpiredDatagram&) each reassembly that timed out.
    template <class Out, class GaveUp, class Expired>
    void poll(Instant now, Out& out, GaveUp&& gave_up, Expired&& expired) {
        start(now);
        neighbors_.expire(
            now,
            [&](const ArpRequest& q) {
                out.send(host_port, arp_frame_len, [&](MutBytes b) -> std::size_t {
                    return write_arp_request(b, q.sender_mac, q.sender_ip, q.target);
                });
                trace_request(q.target, out);
            },
            [&](Ipv4Address, PortId, MutBytes frame) {
                drop(DropReason::arp_unresolved, out);
                if (frame.size() > ethernet_field::header_len)
                    gave_up(frame.subspan(ethernet_field::header_len));
            });
        reassembler_.expire(now, expired);
    }
    /// Registers our address with ARP (its announcements start now).
    void start(Instant now) {
        if (started_) return;
        started_ = true;
        neighbors_.add_address(host_port, mac_, address(), now);
    }
    [[nodiscard]] Instant poll_at() const noexcept {
        if (!started_) return Instant{};
        return std::min(neighbors_.poll_at(), reassembler_.poll_at());
    }

    template <class Out>
    void drop(DropReason r, Out& out) {
        drops_.count(r);
        if (out.tracing()) out.trace(TraceEvent::dropped(host_port, r));
    }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drops_; }
    [[nodiscard]] const IpCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const NeighborCache& neighbors() const noexcept { return neighbors_; }
    [[nodiscard]] const Reassembler& reassembler() const noexcept { return reassembler_; }
    [[nodiscard]] const PmtuCache& pmtu() const noexcept { return pmtu_; }
    [[nodiscard]] const RouteTable& routes() const noexcept { return routes_; }

private:
    static NeighborConfig neighbor_config(const HostConfig& c) noexcept {
        NeighborConfig n = c.arp;
        n.frame_bytes = ethernet_field::header_len + c.mtu;
        return n;
    }
    static std::uint8_t code_of(const IcmpRepr& m) noexcept {
        if (const auto* u = std::get_if<IcmpDestUnreachable>(&m.message))
            return static_cast<std::uint8_t>(u->code);
        if (const auto* t = std::get_if<IcmpTimeExceeded>(&m.message))
            return static_cast<std::uint8_t>(t->code);
        return 0;
    }
    void write_ethernet(Byte* b, const MacAddress& to, EtherType type) const noexcept {
        to.to_bytes(b);
        mac_.to_bytes(b + 6);
        store_be16(b + 12, static_cast<std::uint16_t>(type));
    }

    /// Sends `frame` (Ethernet header written, destination MAC `to` when
    /// known), or queues it behind ARP for the next hop.
    template <class Out>
    void forward(const NextHop& hop, const std::optional<MacAddress>& to, MutBytes frame,
                 Instant now, Out& out) {
        if (to) return send_copy(frame, out);
        switch (neighbors_.enqueue(hop.next_hop, host_port, frame, now)) {
        case NeighborCache::Queued::first:
            out.send(host_port, arp_frame_len, [&](MutBytes b) -> std::size_t {
                const ArpRequest q = neighbors_.request_for(hop.next_hop, host_port);
                return write_arp_request(b, q.sender_mac, q.sender_ip, q.target);
            });
            trace_request(hop.next_hop, out);
            return;
        case NeighborCache::Queued::added:
            return;
        case NeighborCache::Queued::dropped_old:
        case NeighborCache::Queued::no_room:
            return drop(DropReason::arp_queue_full, out);
        }
    }
    template <class Out>
    void send_copy(Bytes frame, Out& out) {
        out.send(host_port, frame.size(), [&](MutBytes b) -> std::size_t {
            if (b.size() < frame.size()) return 0;
            copy_bytes(frame, b.data());
            return frame.size();
        });
    }
    template <class Out>
    void trace_request(Ipv4Address target, Out& out) {
        if (!out.tracing()) return;
        TraceEvent e{TraceKind::arp_request_sent};
        e.port = host_port;
        e.addr[0] = target;
        out.trace(e);
    }

    MacAddress mac_;
    Ipv4Prefix prefix_;
    std::uint32_t mtu_;
    std::uint8_t ttl_;
    bool started_ = false;
    std::uint16_t ident_ = 0;
    RouteTable routes_;
    NeighborCache neighbors_;
    Reassembler reassembler_;
    PmtuCache pmtu_;
    std::vector<Byte> frame_;
    ByteBuffer fragment_; ///< made the first time the host fragments
    DropCounts drops_{};
    IpCounters counters_{};
};

} // namespace strata::stack
