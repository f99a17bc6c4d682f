// Router<Routing, Nat, Filter>: an IPv4 router as a passive node (DESIGN.md
// §4–5). Ports have a MAC and an address with its prefix; a frame goes
// through a pipeline of stages, each returning a value (router/stages.hpp):
//
//   Ethernet      not for the port's MAC (or broadcast ARP)  → not_for_me
//   ARP           RFC 826: answer for the port's address, learn, release
//                 the packets waiting for the sender
//   IPv4 checks   RFC 1812 §5.2.2: header, length, checksum (unless the
//                 port verified it), options (→ parameter problem)
//   NAT pre       nat.prerouting() before the local check: replies to a
//                 mapping are addressed to the router's outside address
//   local         echo request to one of its addresses → echo reply
//   route         longest prefix, lowest metric (→ net unreachable)
//   TTL           ≤ 1 → time exceeded; RFC 1812 §5.3.1
//   MTU           too big with DF → fragmentation needed (RFC 1191)
//   decrement     TTL − 1, checksum fixed incrementally (RFC 1624); options
//                 (record route, timestamp) updated
//   filter        filter.check(): drop, or reject (ICMP 3/13, TCP reset)
//   NAT post      nat.postrouting()
//   transmit      ARP resolve (queue while pending; give up → host
//                 unreachable), fragment for the egress MTU (RFC 791),
//                 rewrite the MACs, send
//
// The order of route, TTL and MTU is Linux's (ip_route_input, then
// ip_forward), so an ICMP error quotes the datagram as it arrived, with the
// arriving TTL; errors raised after the decrement (filter reject, ARP give
// up) quote it as it left, as Linux's do.
//
// nat::None and filter::None are tested with `if constexpr`: a router
// without them contains none of their code.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/bytes.hpp>
#include <strata/core/config_error.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/arp_cache.hpp>
#include <strata/device/router/config.hpp>
#include <strata/device/router/filter_packet.hpp>
#include <strata/device/router/fragment.hpp>
#include <strata/device/router/icmp_error.hpp>
#include <strata/device/router/ip_options.hpp>
#include <strata/device/router/local_reply.hpp>
#include <strata/device/router/stages.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>
#include <strata/node/trace.hpp>
#include <strata/policy/filter/concept.hpp>
#include <strata/policy/filter/none.hpp>
#include <strata/policy/nat/concept.hpp>
#include <strata/policy/nat/none.hpp>
#include <strata/policy/routing/adaptive.hpp>
#include <strata/policy/routing/concept.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata {

template <routing::RouteTable Routing = routing::Default, class Nat = nat::None,
          class Filter = filter::None>
class Router {
    using Step = router::Step;
    static constexpr Step next = router::next;

public:
    using Config = router::RouterConfig;

    /// Checks the configuration (router::check_config, then the routes
    /// against each other) and builds the router, or says what is wrong
    /// with a key path ("routes[2].via").
    static ConfigResult<Router> make(Config config, RandomStream random, Nat nat = {},
                                     Filter filter = {}) {
        STRATA_TRY_CONFIG(router::check_config(config));
        auto routes = std::move(config.routes);
        config.routes.clear();
        Router r(std::move(config), random, std::move(nat), std::move(filter));
        for (std::size_t i = 0; i < routes.size(); ++i)
            if (auto ok = r.add_route(routes[i]); !ok)
                return std::move(ConfigError{ok.error()}.at("routes[" + std::to_string(i) + "]"));
        r.config_.routes = std::move(routes);
        return r;
    }

    /// Precondition: router::check_config(config) passes (make() checks);
    /// a route that cannot be added is left out.
    explicit Router(Config config, RandomStream random, Nat nat = {}, Filter filter = {})
        : config_(std::move(config)), random_(random), nat_(std::move(nat)),
          filter_(std::move(filter)), arp_(config_.arp, slot_bytes(config_)),
          rate_(config_.icmp_rate), scratch_(slot_bytes(config_)),
          ident_(static_cast<std::uint16_t>(random_.next())) {
        ports_.reserve(config_.ports.size());
        for (std::size_t i = 0; i < config_.ports.size(); ++i) {
            const auto& p = config_.ports[i];
            ports_.push_back(
                PortState{p.mac, p.address.address(), p.address.broadcast_address(), p.mtu});
            add_local(p.address.address(), true);
            if (p.address.length() < 31) add_local(p.address.broadcast_address(), false);
            // Connected route (metric 0); two ports on one network keep the first.
            [[maybe_unused]] auto ok = table_.insert(
                p.address.network(),
                routing::NextHop{{}, routing::InterfaceId{static_cast<std::uint16_t>(i)}, 0});
        }
        for (const auto& r : config_.routes)
            [[maybe_unused]] auto ok = add_route(r);
    }

    /// Adds a static route (control plane; allocates). Errors as
    /// router::resolve_route_port, routing::check_destination, and the
    /// table's duplicate (prefix, metric).
    ConfigResult<void> add_route(const router::RouteConfig& r) {
        if (auto ok = routing::check_destination(r.prefix); !ok)
            return std::move(ConfigError{ok.error()}.at("prefix"));
        auto port = router::resolve_route_port(config_.ports, r);
        if (!port) return std::move(port).error();
        if (auto ok = table_.insert(r.prefix,
                                    routing::NextHop{r.via, routing::InterfaceId{*port}, r.metric});
            !ok)
            return std::move(ConfigError{ok.error()}.at("prefix"));
        return {};
    }

    // ------------------------------------------------------------ Node
    [[nodiscard]] std::size_t port_count() const noexcept { return ports_.size(); }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drops_; }

    // flatten: the forwarding path is inlined whole (header checks, lookup,
    // checksum, copy), which measured 20 % more frames per second than
    // leaving the calls; the cold paths (ARP, local delivery, errors,
    // resolution, fragmentation) are noinline and stay out of it.
    template <FrameOut Out>
    [[gnu::flatten]] void receive(PortId in, MutBytes frame, Instant now, Out& out) {
        if (to_index(in) >= ports_.size()) return;
        // EthernetView::checked() asks for the 14 header bytes and nothing
        // else; testing the length here keeps the view in registers (its
        // Result went through the stack, and read back as one 16-byte load
        // from two 8-byte stores it stalled store forwarding on every frame).
        if (frame.size() < ethernet_header_len) return drop(in, DropReason::malformed, out);
        const auto eth = EthernetView<Byte>::unchecked(frame);
        const PortState& port = ports_[to_index(in)];
        const MacAddress dst = eth.dst();
        const bool link_broadcast = dst.is_broadcast();
        if (!link_broadcast && dst != port.mac) return drop(in, DropReason::not_for_me, out);
        switch (eth.ethertype()) {
        case EtherType::ipv4:
            // RFC 1812 §5.3.4: a link-layer broadcast is not forwarded; the
            // router has nothing to do with one that is not ARP.
            if (link_broadcast) return drop(in, DropReason::not_for_me, out);
            return ipv4(in, eth, now, out);
        case EtherType::arp:
            return arp(in, eth, now, out);
        default:
            return drop(in, DropReason::unsupported, out);
        }
    }

    template <FrameOut Out>
    void poll(Instant now, Out& out) {
        arp_.poll(
            now, [&](Ipv4Address ip, PortId port) { send_arp_request(port, ip, out); },
            [&](Ipv4Address ip) {
                arp_.drain(ip, [&](PortId in, PortId, MutBytes packet) {
                    const auto v = Ipv4View<Byte>::unchecked(packet);
                    conclude(in, v, false, Step{router::icmp_code::host_unreachable}, now, out);
                });
            });
        if constexpr (Nat::enabled) nat_.poll(now, out);
        if constexpr (Filter::enabled) filter_.poll(now);
    }

    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = arp_.poll_at();
        if constexpr (Nat::enabled) t = std::min(t, nat_.poll_at());
        if constexpr (Filter::enabled) t = std::min(t, filter_.poll_at());
        return t;
    }

    // ------------------------------------------------------------ inspection
    [[nodiscard]] const Config& config() const noexcept { return config_; }
    [[nodiscard]] const Routing& routes() const noexcept { return table_; }
    [[nodiscard]] const router::ArpCache& arp_cache() const noexcept { return arp_; }
    [[nodiscard]] router::ArpCache& arp_cache() noexcept { return arp_; }
    /// ICMP errors the rate limit held back.
    [[nodiscard]] std::uint64_t icmp_suppressed() const noexcept { return rate_.suppressed(); }
    [[nodiscard]] std::uint64_t forwarded() const noexcept { return forwarded_; }
    [[nodiscard]] Nat& nat() noexcept { return nat_; }
    [[nodiscard]] Filter& filter() noexcept { return filter_; }

private:
    struct PortState {
        MacAddress mac;
        Ipv4Address address;
        Ipv4Address broadcast;
        std::uint32_t mtu;
    };

    static std::size_t slot_bytes(const Config& c) {
        std::size_t n = router::icmp_error_max_len;
        for (const auto& p : c.ports)
            n = std::max<std::size_t>(n, p.mtu);
        return n;
    }

    template <class Out>
    void drop(PortId port, DropReason r, Out& out) {
        drops_.count(r);
        if (out.tracing()) out.trace(TraceEvent::dropped(port, r));
    }

    // The local check runs on every datagram: a 4096-bit filter in front of
    // the hash table answers "not local" with one load for almost all.
    static std::uint32_t local_bit(Ipv4Address a) noexcept {
        return (a.value() * 0x9e3779b1u) >> 20;
    }
    void add_local(Ipv4Address a, bool mine) {
        locals_.emplace(a.value(), mine);
        const auto bit = local_bit(a);
        local_filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
    [[nodiscard]] bool maybe_local(Ipv4Address a) const noexcept {
        if ((a.value() >> 28) >= 0xe) return true; // multicast, class E, 255.255.255.255
        const auto bit = local_bit(a);
        return (local_filter_[bit / 64] >> (bit % 64)) & 1u;
    }

    [[nodiscard]] bool is_mine(Ipv4Address a) const noexcept {
        const auto it = locals_.find(a.value());
        return it != locals_.end() && it->second;
    }
    [[nodiscard]] bool is_broadcast_of_mine(Ipv4Address a) const noexcept {
        if (a.is_broadcast()) return true;
        const auto it = locals_.find(a.value());
        return it != locals_.end() && !it->second;
    }

    template <class Out>
    std::uint32_t egress_mtu(PortId e, const Out& out) const noexcept {
        return std::min<std::uint32_t>(ports_[to_index(e)].mtu, out.caps(e).mtu);
    }

    // ------------------------------------------------------------ ARP (RFC 826)
    template <class Out>
    [[gnu::noinline]] void arp(PortId in, const EthernetView<Byte>& eth, Instant now, Out& out) {
        const auto a_r = ArpView<const Byte>::checked(Bytes(eth.payload()));
        if (!a_r) return drop(in, DropReason::malformed, out);
        const auto a = *a_r;
        if (a.hardware_type() != arp_htype_ethernet || a.protocol_type() != EtherType::ipv4 ||
            a.hardware_len() != 6 || a.protocol_len() != 4)
            return drop(in, DropReason::unsupported, out);
        const PortState& port = ports_[to_index(in)];
        const Ipv4Address spa = a.sender_protocol_addr();
        const MacAddress sha = a.sender_hardware_addr();
        const bool for_me = a.target_protocol_addr() == port.address;
        // RFC 826 "merge": refresh a known sender; add it when we are the
        // target. A probe (sender 0.0.0.0, RFC 5227) teaches nothing.
        if (!spa.is_unspecified() && sha.is_unicast() && arp_.learn(spa, sha, in, now, for_me)) {
            if (arp_.resolving(spa)) {
                if (out.tracing())
                    out.trace(TraceEvent::mac_event(TraceKind::arp_resolved, in, sha));
                arp_.drain(spa, [&](PortId, PortId egress, MutBytes packet) {
                    send_ip(egress, sha, packet, out);
                });
            }
        }
        if (!for_me) return drop(in, DropReason::not_for_me, out);
        if (a.operation() != ArpOperation::request) return;
        const std::size_t len = ethernet_header_len + arp_packet_len;
        out.send(in, len, [&](MutBytes b) -> std::size_t {
            if (b.size() < len) return 0;
            EthernetRepr{sha, port.mac, EtherType::arp}.emit(EthernetView<Byte>::unchecked(b));
            ArpRepr{ArpOperation::reply, port.mac, port.address, sha, spa}.emit(
                ArpView<Byte>::unchecked(b.subspan(ethernet_header_len)));
            return len;
        });
        if (out.tracing()) {
            TraceEvent e{TraceKind::arp_reply_sent};
            e.port = in;
            e.mac = port.mac;
            e.addr[0] = port.address;
            e.addr[1] = spa;
            out.trace(e);
        }
    }

    template <class Out>
    void send_arp_request(PortId port, Ipv4Address target, Out& out) {
        const PortState& p = ports_[to_index(port)];
        const std::size_t len = ethernet_header_len + arp_packet_len;
        out.send(port, len, [&](MutBytes b) -> std::size_t {
            if (b.size() < len) return 0;
            EthernetRepr{MacAddress::broadcast(), p.mac, EtherType::arp}.emit(
                EthernetView<Byte>::unchecked(b));
            ArpRepr{ArpOperation::request, p.mac, p.address, MacAddress::zero(), target}.emit(
                ArpView<Byte>::unchecked(b.subspan(ethernet_header_len)));
            return len;
        });
        if (out.tracing()) {
            TraceEvent e{TraceKind::arp_request_sent};
            e.port = port;
            e.addr[0] = target;
            out.trace(e);
        }
    }

    // ------------------------------------------------------------ IPv4
    template <class Out>
    void ipv4(PortId in, const EthernetView<Byte>& eth, Instant now, Out& out) {
        Ipv4View<Byte> ip = Ipv4View<Byte>::unchecked(eth.payload());
        if (const Step s = check(in, eth.payload(), ip, out); !s.proceeds())
            return conclude(in, ip, false, s, now, out);

        nat::Context context{};
        if constexpr (Nat::enabled) {
            const nat::Outcome o = nat_.prerouting(in, ip.bytes(), now, out);
            if (o.verdict == nat::Verdict::no_mapping)
                return drop(in, DropReason::nat_no_mapping, out);
            if (o.verdict == nat::Verdict::ports_exhausted)
                return drop(in, DropReason::nat_ports_exhausted, out);
            context = o.context;
        }

        const Ipv4Address dst = ip.dst();
        if (maybe_local(dst) &&
            (locals_.contains(dst.value()) || dst.is_broadcast() || dst.is_multicast()))
            return local(in, ip, now, out);

        const Step routed = route(dst, out);
        if (routed.kind() != Step::Kind::forward) return conclude(in, ip, false, routed, now, out);
        const router::Forward fwd = routed.forward();

        // RFC 1812 §5.3.1: a TTL that would reach 0 is not forwarded.
        if (ip.ttl() <= 1)
            return conclude(in, ip, false, Step{router::icmp_code::time_exceeded}, now, out);
        const std::uint32_t mtu = egress_mtu(fwd.port, out);
        if (ip.total_len() > mtu && ip.dont_frag())
            return conclude(in, ip, false, Step{router::icmp_code::fragmentation_needed(mtu)}, now,
                            out);

        const std::uint8_t ttl = router::decrement_ttl(ip);
        if (out.tracing()) out.trace(TraceEvent::ttl(in, ttl));
        if (ip.header_len() > ipv4_min_header_len) [[unlikely]]
            router::update_options(ip, ports_[to_index(fwd.port)].address, now,
                                   [&](Ipv4Address a) { return is_mine(a); });

        if constexpr (Filter::enabled) {
            if (const Step s = filter_stage(in, fwd.port, eth.src(), ip, now, out); !s.proceeds())
                return conclude(in, ip, false, s, now, out);
        }
        if constexpr (Nat::enabled) {
            const nat::Verdict v = nat_.postrouting(in, fwd.port, ip.bytes(), context, now, out);
            if (v == nat::Verdict::no_mapping) return drop(in, DropReason::nat_no_mapping, out);
            if (v == nat::Verdict::ports_exhausted)
                return drop(in, DropReason::nat_ports_exhausted, out);
        }
        ++forwarded_;
        transmit(in, fwd, ip.bytes(), now, out);
    }

    /// RFC 1812 §5.2.2 and the options (§5.2.4). On success `ip` views the
    /// datagram without the link layer's padding.
    template <class Out>
    Step check(PortId in, MutBytes l3, Ipv4View<Byte>& ip, const Out& out) const noexcept {
        const auto r = Ipv4View<Byte>::checked(l3);
        if (!r) [[unlikely]] {
            // A malformed option in a header that is otherwise whole and
            // verifies: a parameter problem pointing at the option.
            if (r.error().field == std::string_view{"options"} && l3.size() >= 20 &&
                (l3[0] & 0x0fu) * 4u <= l3.size()) {
                ip = Ipv4View<Byte>::unchecked(l3);
                if (ip.verify_checksum())
                    return router::icmp_code::parameter_problem(
                        static_cast<std::uint8_t>(r.error().offset));
            }
            return router::Drop{DropReason::malformed};
        }
        ip = Ipv4View<Byte>::unchecked(l3.first(r->total_len()));
        if (!out.caps(in).ipv4.verifies_rx && !ip.verify_checksum())
            return router::Drop{DropReason::bad_checksum};
        // RFC 1812 §5.3.7: no forwarding from a source that is not a host.
        if (router::is_martian_source(ip.src())) return router::Drop{DropReason::malformed};
        if (ip.header_len() > ipv4_min_header_len) [[unlikely]]
            if (const auto pointer = router::check_options(ip))
                return router::icmp_code::parameter_problem(*pointer);
        return next;
    }

    /// Longest prefix, lowest metric; on-link routes go to the destination.
    template <class Out>
    Step route(Ipv4Address dst, Out& out) const noexcept {
        const routing::Match m = table_.lookup(dst);
        if (!m) return router::icmp_code::net_unreachable;
        const routing::NextHop& nh = table_.next_hop(m.hop());
        const router::Forward f{PortId{nh.interface.value()}, nh.on_link() ? dst : nh.gateway};
        if (out.tracing()) out.trace(TraceEvent::route(f.port, dst, nh.gateway, m.length()));
        return f;
    }

    /// Datagrams for the router: ping answered (RFC 1812 §4.3.3.6), the
    /// rest dropped. Broadcast pings are not answered (Linux's default,
    /// icmp_echo_ignore_broadcasts).
    template <class Out>
    [[gnu::noinline]] void local(PortId in, const Ipv4View<Byte>& ip, Instant now, Out& out) {
        const auto payload = ip.payload();
        const bool echo = is_mine(ip.dst()) && ip.protocol() == IpProtocol::icmp &&
                          !ip.is_fragment() && payload.size() >= icmp_header_len &&
                          payload[0] == 8 && payload[1] == 0;
        if (!echo) return drop(in, DropReason::unsupported, out);
        if (!out.caps(in).icmp.verifies_rx &&
            !IcmpView<const Byte>::unchecked(Bytes(payload)).verify_checksum())
            return drop(in, DropReason::bad_checksum, out);
        const Step back = route(ip.src(), out);
        if (back.kind() != Step::Kind::forward) return drop(in, DropReason::no_route, out);
        const std::size_t len = router::write_echo_reply(MutBytes(scratch_), ip, ident_++);
        if (out.tracing()) {
            TraceEvent e{TraceKind::icmp_echo_replied};
            e.port = back.forward().port;
            e.addr[0] = ip.src();
            out.trace(e);
        }
        originate(in, back.forward(), MutBytes(scratch_).first(len), now, out);
    }

    template <class Out>
    Step filter_stage(PortId in, PortId egress, MacAddress src_mac, const Ipv4View<Byte>& ip,
                      Instant now, Out& out) {
        const filter::Packet p = router::filter_packet(in, egress, src_mac, ip);
        const filter::Verdict v = filter_.check(p, now);
        const bool stopped = v.action != filter::Action::accept;
        if (out.tracing()) out.trace(TraceEvent::rule_hit(in, v.rule, stopped));
        if (!stopped) return next;
        if (v.action == filter::Action::drop) return router::Drop{DropReason::filter};
        // Reject: a reset for TCP (never for a reset), ICMP 3/13 otherwise.
        if (p.protocol == 6 && p.has_transport) {
            if (p.tcp_flags & 0x04) return router::Drop{DropReason::filter};
            return router::Reset{};
        }
        return router::icmp_code::prohibited;
    }

    /// Acts on a stage's verdict about `ip`: count the drop, and send the
    /// ICMP error or reset it asks for.
    template <class Out>
    [[gnu::noinline, gnu::cold]] void conclude(PortId in, const Ipv4View<Byte>& ip,
                                               bool link_broadcast, const Step& s, Instant now,
                                               Out& out) {
        drop(in, s.reason(), out);
        if (s.kind() == Step::Kind::icmp) {
            send_icmp_error(in, ip, link_broadcast, s.icmp(), now, out);
        } else if (s.kind() == Step::Kind::reset) {
            const Step back = route(ip.src(), out);
            if (back.kind() != Step::Kind::forward) return;
            const std::size_t len = router::write_tcp_reset(MutBytes(scratch_), ip);
            originate(in, back.forward(), MutBytes(scratch_).first(len), now, out);
        }
    }

    /// RFC 1812 §4.3.2: an error about `offending`, if §4.3.2.7 and the
    /// rate limit allow, from the address of the port it leaves by (Linux
    /// with icmp_errors_use_inbound_ifaddr = 0, its default, picks the
    /// source the same way: by routing the error back to the sender).
    template <class Out>
    void send_icmp_error(PortId in, const Ipv4View<Byte>& offending, bool link_broadcast,
                         const router::Icmp& e, Instant now, Out& out) {
        if (!router::may_send_error_about(offending, link_broadcast,
                                          is_broadcast_of_mine(offending.dst())))
            return;
        // Linux never limits fragmentation needed (path MTU discovery).
        if (!(e.type == 3 && e.code == 4) && !rate_.allow(offending.src(), now)) return;
        const Step back = route(offending.src(), out);
        if (back.kind() != Step::Kind::forward) return;
        const Ipv4Address src = ports_[to_index(back.forward().port)].address;
        const std::size_t len = router::write_icmp_error(MutBytes(scratch_), offending, e.type,
                                                         e.code, e.rest, src, ident_++);
        if (out.tracing())
            out.trace(TraceEvent::icmp_error(back.forward().port, offending.src(), e.type, e.code));
        originate(in, back.forward(), MutBytes(scratch_).first(len), now, out);
    }

    /// A datagram the router wrote: through NAT postrouting (RFC 5508: an
    /// error about a translated packet gets its quote translated), then
    /// out like any other.
    template <class Out>
    void originate(PortId in, router::Forward f, MutBytes packet, Instant now, Out& out) {
        if constexpr (Nat::enabled) {
            const nat::Verdict v = nat_.postrouting(in, f.port, packet, nat::Context{}, now, out);
            if (v == nat::Verdict::no_mapping || v == nat::Verdict::ports_exhausted) return;
        }
        transmit(in, f, packet, now, out);
    }

    /// ARP for the next hop: known → send; unknown → wait in the queue (the
    /// first packet sends the first request).
    template <class Out>
    void transmit(PortId in, router::Forward f, MutBytes packet, Instant now, Out& out) {
        const router::Neighbour* n = arp_.find(f.next_hop, now);
        if (n != nullptr && n->port == f.port) [[likely]]
            return send_ip(f.port, n->mac, packet, out);
        resolve(in, f, packet, now, out);
    }

    /// The next hop is not known (or has expired): queue and ask.
    template <class Out>
    [[gnu::noinline]] void resolve(PortId in, router::Forward f, MutBytes packet, Instant now,
                                   Out& out) {
        switch (arp_.enqueue(f.next_hop, f.port, in, packet, now)) {
        case router::ArpCache::Queued::first:
            return send_arp_request(f.port, f.next_hop, out);
        case router::ArpCache::Queued::added:
            return;
        case router::ArpCache::Queued::dropped_old:
        case router::ArpCache::Queued::no_room:
            return drop(in, DropReason::arp_queue_full, out);
        }
    }

    /// Frames `packet` for `mac` out of `port`, in fragments if it is
    /// longer than the egress MTU (RFC 791 §3.2; DF was checked before).
    template <class Out>
    void send_ip(PortId port, MacAddress mac, MutBytes packet, Out& out) {
        const PortState& p = ports_[to_index(port)];
        const std::uint32_t mtu = egress_mtu(port, out);
        const auto write_eth = [&](Byte* b) {
            mac.to_bytes(b);
            p.mac.to_bytes(b + 6);
            store_be16(b + 12, static_cast<std::uint16_t>(EtherType::ipv4));
        };
        if (packet.size() <= mtu) [[likely]] {
            const std::size_t len = ethernet_header_len + packet.size();
            out.send(port, len, [&](MutBytes b) -> std::size_t {
                if (b.size() < len) return 0;
                write_eth(b.data());
                std::memcpy(b.data() + ethernet_header_len, packet.data(), packet.size());
                return len;
            });
            return;
        }
        send_fragments(port, mac, packet, mtu, out);
    }

    template <class Out>
    [[gnu::noinline]] void send_fragments(PortId port, MacAddress mac, MutBytes packet,
                                          std::uint32_t mtu, Out& out) {
        const PortState& p = ports_[to_index(port)];
        const auto write_eth = [&](Byte* b) {
            mac.to_bytes(b);
            p.mac.to_bytes(b + 6);
            store_be16(b + 12, static_cast<std::uint16_t>(EtherType::ipv4));
        };
        const auto ip = Ipv4View<Byte>::unchecked(packet);
        if (ip.dont_frag()) return drop(port, DropReason::fragmentation_needed, out);
        const std::size_t n = router::fragment(ip, mtu, [&](std::size_t flen, auto&& fill) {
            const std::size_t len = ethernet_header_len + flen;
            out.send(port, len, [&](MutBytes b) -> std::size_t {
                if (b.size() < len) return 0;
                write_eth(b.data());
                fill(b.data() + ethernet_header_len);
                return len;
            });
        });
        if (n == 0) return drop(port, DropReason::too_big, out);
        if (out.tracing()) out.trace(TraceEvent::fragments(port, n));
    }

    Config config_;
    RandomStream random_;
    [[no_unique_address]] Nat nat_;
    [[no_unique_address]] Filter filter_;
    Routing table_;
    std::vector<PortState> ports_;
    /// The router's addresses (true) and its networks' broadcast addresses (false).
    boost::unordered_flat_map<std::uint32_t, bool> locals_;
    std::array<std::uint64_t, 64> local_filter_{};
    router::ArpCache arp_;
    router::IcmpRateLimit rate_;
    std::vector<Byte> scratch_; ///< datagrams the router writes (errors, replies)
    std::uint16_t ident_;
    DropCounts drops_;
    std::uint64_t forwarded_ = 0;
};

} // namespace strata
