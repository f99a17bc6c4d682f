// A host's link and network layers: Ethernet in and out, ARP (RFC 826:
// answer for our address, learn, resolve next hops with a bounded queue of
// packets per neighbour, announce the address once, RFC 5227 §2.3), and
// IPv4 output (RFC 791, RFC 1122 §3.3): the route gives next hop and source
// address, the datagram gets TTL 64 and a fresh identification, and is
// fragmented when it is larger than the path MTU unless DF is wanted, with
// the path MTU learned from "fragmentation needed" (RFC 1191).
//
// Headers are written in place in the runtime's buffer when the neighbour
// is known and the datagram fits (the steady state); otherwise the
// datagram is built once in a buffer made at construction and then
// fragmented or copied into the ARP queue's preallocated slots.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/bytes.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/arp_cache.hpp>
#include <strata/device/router/fragment.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/trace.hpp>
#include <strata/stack/host/config.hpp>
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
    std::uint64_t fragments_out = 0;
    std::uint64_t no_route = 0;
    std::uint64_t too_big_df = 0;
    std::uint64_t arp_requests_out = 0;
    std::uint64_t arp_replies_out = 0;
};

class IpPath {
public:
    /// The route to one destination.
    struct Hop {
        Ipv4Address next_hop{};
        Ipv4Address source{};
        bool broadcast = false;
    };

    explicit IpPath(const HostConfig& c)
        : mac_(c.mac), prefix_(c.address), gateway_(c.gateway), mtu_(c.mtu), ttl_(c.ttl),
          gratuitous_(c.send_gratuitous_arp), arp_(c.arp, c.mtu), datagram_(65536),
          fragment_(c.mtu) {
        pmtu_.reserve(pmtu_capacity);
    }

    [[nodiscard]] Ipv4Address address() const noexcept { return prefix_.address(); }
    [[nodiscard]] MacAddress mac() const noexcept { return mac_; }
    [[nodiscard]] const Ipv4Prefix& prefix() const noexcept { return prefix_; }
    void seed_ident(std::uint16_t id) noexcept { ident_ = id; }

    /// Connected prefix on-link, everything else through the gateway.
    [[nodiscard]] std::optional<Hop> route(Ipv4Address dst) const noexcept {
        if (dst.is_broadcast() || dst == prefix_.broadcast_address())
            return Hop{dst, address(), true};
        if (prefix_.contains(dst)) return Hop{dst, address(), false};
        if (!gateway_.is_unspecified()) return Hop{gateway_, address(), false};
        return std::nullopt;
    }
    /// Ours: the address, the limited broadcast, the subnet's broadcast.
    [[nodiscard]] bool accepts(Ipv4Address dst) const noexcept {
        return dst == address() || dst.is_broadcast() || dst == prefix_.broadcast_address();
    }
    [[nodiscard]] bool is_broadcast(Ipv4Address dst) const noexcept {
        return dst.is_broadcast() || dst == prefix_.broadcast_address();
    }

    /// The path MTU towards `dst`: the interface's, lowered by what ICMP
    /// taught (RFC 1191 §3), until that ages out.
    [[nodiscard]] std::uint32_t path_mtu(Ipv4Address dst, std::uint32_t port_mtu,
                                         Instant now) const noexcept {
        const std::uint32_t link = std::min(mtu_, port_mtu);
        const auto it = pmtu_.find(dst.value());
        if (it == pmtu_.end() || it->second.expires <= now) return link;
        return std::min(link, it->second.mtu);
    }
    /// RFC 1191 §3: lower the estimate to the next-hop MTU (never raise it;
    /// never below 68, RFC 791). A zero MTU (an old router) gives the next
    /// plateau below the datagram's length (RFC 1191 §5, table 7-1).
    void learn_pmtu(Ipv4Address dst, std::uint16_t next_hop_mtu, std::uint16_t datagram_len,
                    Instant now) {
        std::uint32_t m = next_hop_mtu;
        if (m == 0) {
            constexpr std::uint32_t plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
            m = 68;
            for (const auto p : plateaus)
                if (p < datagram_len) {
                    m = p;
                    break;
                }
        }
        m = std::max<std::uint32_t>(m, 68);
        if (m >= mtu_) return;
        if (pmtu_.size() >= pmtu_capacity && !pmtu_.contains(dst.value()))
            boost::unordered::erase_if(pmtu_, [&](const auto& kv) { return kv.second.expires <= now; });
        if (pmtu_.size() >= pmtu_capacity && !pmtu_.contains(dst.value())) return;
        auto& e = pmtu_[dst.value()];
        if (e.expires > now && e.mtu <= m) return;
        // RFC 1191 §6.3: try the larger MTU again after 10 minutes.
        e = Pmtu{m, now + std::chrono::minutes(10)};
    }

    // ------------------------------------------------------------ input
    /// An ARP packet (Ethernet payload). Learns the sender, answers a
    /// request for our address, and sends what waited for the sender.
    template <class Out>
    void on_arp(const EthernetView<Byte>& eth, Instant now, Out& out) {
        const auto a_r = ArpView<const Byte>::checked(Bytes(eth.payload()));
        if (!a_r) return drop(DropReason::malformed, out);
        const auto a = *a_r;
        if (a.hardware_type() != arp_htype_ethernet || a.protocol_type() != EtherType::ipv4 ||
            a.hardware_len() != 6 || a.protocol_len() != 4)
            return drop(DropReason::unsupported, out);
        const Ipv4Address spa = a.sender_protocol_addr();
        const MacAddress sha = a.sender_hardware_addr();
        const bool for_me = a.target_protocol_addr() == address();
        // RFC 826 "merge": refresh a known sender, add it when we are the
        // target. Our own address from another station teaches nothing (a
        // conflict, RFC 5227; not resolved here).
        if (!spa.is_unspecified() && spa != address() && sha.is_unicast() &&
            arp_.learn(spa, sha, host_port, now, for_me) && arp_.resolving(spa)) {
            if (out.tracing()) {
                auto e = TraceEvent::mac_event(TraceKind::arp_resolved, host_port, sha);
                e.addr[0] = spa;
                out.trace(e);
            }
            arp_.drain(spa, [&](PortId, PortId, MutBytes packet) { send_frame(sha, packet, out); });
        }
        if (!for_me) return; // someone else's conversation: not a drop
        if (a.operation() != ArpOperation::request) return;
        send_arp(ArpOperation::reply, sha, sha, spa, out);
        ++counters_.arp_replies_out;
        if (out.tracing()) {
            TraceEvent e{TraceKind::arp_reply_sent};
            e.port = host_port;
            e.mac = mac_;
            e.addr[0] = address();
            e.addr[1] = spa;
            out.trace(e);
        }
    }

    // ------------------------------------------------------------ output
    /// Sends one datagram of `l4_len` transport bytes to `dst`; fill(MutBytes
    /// l4, Ipv4Address source) writes them (checksum included). False when
    /// there is no route or DF forbids the size; queued behind ARP counts as
    /// sent.
    template <class Out, class Fill>
    bool send_ip(Ipv4Address dst, IpProtocol protocol, std::size_t l4_len, DontFragment df,
                 Instant now, Out& out, Fill&& fill) {
        const auto hop = route(dst);
        if (!hop) {
            ++counters_.no_route;
            return false;
        }
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
        const MacAddress* to = hop->broadcast ? &broadcast_mac : nullptr;
        if (to == nullptr)
            if (const router::Neighbour* n = arp_.find(hop->next_hop, now)) to = &n->mac;
        if (to != nullptr && fits) [[likely]] {
            const std::size_t len = ethernet_field::header_len + total;
            out.send(host_port, len, [&](MutBytes b) -> std::size_t {
                if (b.size() < len) return 0;
                write_ethernet(b.data(), *to, EtherType::ipv4);
                ip.emit(Ipv4View<Byte>::unchecked(b.subspan(ethernet_field::header_len, total)));
                fill(b.subspan(ethernet_field::header_len + ipv4_field::header_len, l4_len),
                     hop->source);
                return len;
            });
            return true;
        }
        // Slow path: build the datagram once, then fragment and/or queue.
        const MutBytes d = MutBytes(datagram_).first(total);
        ip.emit(Ipv4View<Byte>::unchecked(d));
        fill(d.subspan(ipv4_field::header_len), hop->source);
        if (fits) {
            forward(*hop, to, d, now, out);
            return true;
        }
        const auto n = router::fragment(Ipv4View<Byte>::unchecked(d), mtu, [&](std::size_t len, auto&& write) {
            write(fragment_.data());
            forward(*hop, to, MutBytes(fragment_).first(len), now, out);
        });
        counters_.fragments_out += n;
        if (n > 1 && out.tracing()) {
            TraceEvent e{TraceKind::fragmented};
            e.port = host_port;
            e.value = static_cast<std::uint32_t>(n);
            out.trace(e);
        }
        return n != 0;
    }

    /// RFC 792 / RFC 1122 §3.2.2: an error about `offending` back to its
    /// source, quoting its header and first 8 data bytes. Never about an
    /// ICMP error, a broadcast, or a non-first fragment (§3.2.2 list).
    template <class Out>
    void send_icmp_error(const Ipv4View<const Byte>& offending, IcmpRepr message, Instant now,
                         Out& out) {
        if (is_broadcast(offending.dst()) || offending.src().is_unspecified() ||
            offending.src().is_broadcast() || offending.frag_offset() != 0)
            return;
        if (offending.protocol() == IpProtocol::icmp) {
            const Bytes p = Bytes(offending.payload());
            if (p.empty() || is_icmp_error(IcmpType{p[0]})) return;
        }
        const std::size_t len = message.buffer_len();
        const bool sent = send_ip(offending.src(), IpProtocol::icmp, len, DontFragment::if_fits, now,
                                  out, [&](MutBytes b, Ipv4Address) {
                                      message.emit(IcmpView<Byte>::unchecked(b));
                                  });
        if (sent && out.tracing()) {
            const auto type = static_cast<std::uint8_t>(message.type());
            out.trace(TraceEvent::icmp_error(host_port, offending.src(), type, code_of(message)));
        }
    }

    /// Sends the gratuitous ARP (once) and retries or gives up pending
    /// resolutions; gave_up(MutBytes packet) sees each packet dropped.
    template <class Out, class GaveUp>
    void poll(Instant now, Out& out, GaveUp&& gave_up) {
        start(out);
        arp_.poll(
            now,
            [&](Ipv4Address ip, PortId) {
                send_arp(ArpOperation::request, MacAddress::broadcast(), MacAddress::zero(), ip, out);
                trace_request(ip, out);
            },
            [&](Ipv4Address ip) {
                arp_.drain(ip, [&](PortId, PortId, MutBytes packet) {
                    drop(DropReason::arp_unresolved, out);
                    gave_up(packet);
                });
            });
    }
    /// RFC 5227 §2.3 announcement: an ARP request for our own address.
    template <class Out>
    void start(Out& out) {
        if (started_) return;
        started_ = true;
        if (!gratuitous_) return;
        send_arp(ArpOperation::request, MacAddress::broadcast(), MacAddress::zero(), address(), out);
        trace_request(address(), out);
    }
    [[nodiscard]] bool started() const noexcept { return started_; }
    [[nodiscard]] Instant poll_at() const noexcept { return started_ ? arp_.poll_at() : Instant{}; }

    template <class Out>
    void drop(DropReason r, Out& out) {
        drops_.count(r);
        if (out.tracing()) out.trace(TraceEvent::dropped(host_port, r));
    }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drops_; }
    [[nodiscard]] const IpCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const router::ArpCache& arp_cache() const noexcept { return arp_; }

private:
    static constexpr std::size_t pmtu_capacity = 256;
    static constexpr MacAddress broadcast_mac = MacAddress::broadcast();
    struct Pmtu {
        std::uint32_t mtu = 0;
        Instant expires{};
    };

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

    /// Frames `packet` to the resolved `to`, or queues it behind ARP.
    template <class Out>
    void forward(const Hop& hop, const MacAddress* to, MutBytes packet, Instant now, Out& out) {
        if (to != nullptr) return send_frame(*to, packet, out);
        switch (arp_.enqueue(hop.next_hop, host_port, host_port, packet, now)) {
        case router::ArpCache::Queued::first:
            send_arp(ArpOperation::request, MacAddress::broadcast(), MacAddress::zero(), hop.next_hop,
                     out);
            trace_request(hop.next_hop, out);
            return;
        case router::ArpCache::Queued::added:
            return;
        case router::ArpCache::Queued::dropped_old:
        case router::ArpCache::Queued::no_room:
            return drop(DropReason::arp_queue_full, out);
        }
    }

    template <class Out>
    void send_frame(const MacAddress& to, Bytes packet, Out& out) {
        const std::size_t len = ethernet_field::header_len + packet.size();
        out.send(host_port, len, [&](MutBytes b) -> std::size_t {
            if (b.size() < len) return 0;
            write_ethernet(b.data(), to, EtherType::ipv4);
            copy_bytes(packet, b.data() + ethernet_field::header_len);
            return len;
        });
    }

    template <class Out>
    void send_arp(ArpOperation op, const MacAddress& eth_dst, const MacAddress& target_mac,
                  Ipv4Address target, Out& out) {
        constexpr std::size_t len = ethernet_field::header_len + arp_field::header_len;
        out.send(host_port, len, [&](MutBytes b) -> std::size_t {
            if (b.size() < len) return 0;
            write_ethernet(b.data(), eth_dst, EtherType::arp);
            ArpRepr{op, mac_, address(), target_mac, target}.emit(
                ArpView<Byte>::unchecked(b.subspan(ethernet_field::header_len)));
            return len;
        });
        if (op == ArpOperation::request) ++counters_.arp_requests_out;
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
    Ipv4Address gateway_;
    std::uint32_t mtu_;
    std::uint8_t ttl_;
    bool gratuitous_;
    bool started_ = false;
    std::uint16_t ident_ = 0;
    router::ArpCache arp_;
    std::vector<Byte> datagram_;
    std::vector<Byte> fragment_;
    boost::unordered_flat_map<std::uint32_t, Pmtu> pmtu_;
    DropCounts drops_{};
    IpCounters counters_{};
};

} // namespace strata::stack
