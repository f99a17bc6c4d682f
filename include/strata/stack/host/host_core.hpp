// The engine room of Host<Stack> (host.hpp): the engines the stack names,
// the node contract (receive, poll, poll_at, drops), the input path from
// Ethernet up to the engines, and the run loop that resumes coroutines and
// then sends what the sockets queued. Host<Stack> adds the socket calls.
#pragma once

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/device/router/icmp_error.hpp>
#include <strata/node/concepts.hpp>
#include <strata/stack/host/config.hpp>
#include <strata/stack/host/engine_for.hpp>
#include <strata/stack/host/ip_path.hpp>
#include <strata/stack/host/tcp_engine_for.hpp>
#include <strata/stack/host/tcp_trace.hpp>
#include <strata/stack/host/user_engine.hpp>
#include <strata/stack/icmp/icmp_engine.hpp>
#include <strata/stack/icmp/icmp_error_report.hpp>
#include <strata/stack/socket/socket_table.hpp>
#include <strata/stack/socket/task.hpp>
#include <strata/stack/socket/wait.hpp>
#include <strata/stack/udp/udp_engine.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

namespace strata::stack {

template <class Stack>
class HostCore {
    static_assert(HostStack<Stack>,
                  "Host<Stack>: Stack must be Ethernet<IPv4<Inner>> where Inner is a transport "
                  "layer with an engine (TCP<...>, UDP<...>, ICMP, or a user layer that "
                  "specialises stack::engine_for) or a OneOf<...> of them");
    static_assert(detail::all_user_engines<user_engines_of<Stack>>::value,
                  "Host<Stack>: the engine a user layer maps to (engine_for<Layer>::type) must "
                  "meet stack::UserEngine: default-constructible, `static constexpr IpProtocol "
                  "protocol`, receive(src, dst, payload, now, tx), poll(now, tx), poll_at()");

protected:
    struct Absent {};

public:
    static constexpr bool has_udp = stack_runs<Stack, UdpEngine>;
    static constexpr bool has_icmp = stack_runs<Stack, IcmpEngine>;
    static constexpr bool has_tcp = !std::is_void_v<tcp_engine_of<Stack>>;
    using Udp = std::conditional_t<has_udp, UdpEngine, Absent>;
    using Icmp = std::conditional_t<has_icmp, IcmpEngine, Absent>;
    using Tcp = std::conditional_t<has_tcp, tcp_engine_of<Stack>, Absent>;
    using UserEngines = user_engines_of<Stack>;

    explicit HostCore(HostConfig c)
        : config_(std::move(c)), ip_(config_), rng_(config_.rng), udp_(make_udp()),
          tcp_(make_tcp()), fds_(config_.max_descriptors) {
        ip_.seed_ident(static_cast<std::uint16_t>(rng_.below(0x10000)));
        tasks_.reserve(16);
    }
    HostCore(HostCore&&) noexcept = default;
    HostCore& operator=(HostCore&&) = delete;
    HostCore(const HostCore&) = delete;
    HostCore& operator=(const HostCore&) = delete;
    ~HostCore() {
        waits_.clear();
        for (auto h : tasks_)
            h.destroy();
    }

    // ============================================================ node
    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }

    template <class Out>
    void receive(PortId, MutBytes frame, Instant now, Out& out) {
        now_ = now;
        ip_.start(now);
        on_frame(frame, now, out);
        run(now, out);
        watch_tcp(out);
    }

    template <class Out>
    void poll(Instant now, Out& out) {
        now_ = now;
        ip_.poll(
            now, out, [&](MutBytes packet) { unresolved(packet, now, out); },
            [&](const ExpiredDatagram& d) {
                // RFC 792, RFC 1122 §3.3.2: time exceeded, code 1, when fragment 0 came.
                if (!d.had_first) return;
                if (const auto q = Ipv4View<const Byte>::checked_quote(d.quote))
                    ip_.send_icmp_error(
                        *q, IcmpRepr{IcmpTimeExceeded{IcmpTimeExceededCode::reassembly, d.quote}},
                        now, out);
            });
        run(now, out);
        watch_tcp(out);
    }

    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = std::min(ip_.poll_at(), waits_.next_deadline());
        if constexpr (has_tcp) t = std::min(t, tcp_.poll_at());
        std::apply([&](const auto&... e) { ((t = std::min(t, e.poll_at())), ...); }, user_);
        if (has_output()) t = std::min(t, now_);
        return t;
    }
    [[nodiscard]] const DropCounts& drops() const noexcept { return ip_.drops(); }

    // ============================================================ introspection
    [[nodiscard]] const HostConfig& config() const noexcept { return config_; }
    [[nodiscard]] Ipv4Address address() const noexcept { return ip_.address(); }
    [[nodiscard]] MacAddress mac() const noexcept { return ip_.mac(); }
    [[nodiscard]] const IpPath& ip() const noexcept { return ip_; }
    [[nodiscard]] const Udp& udp() const noexcept { return udp_; }
    [[nodiscard]] const Icmp& icmp() const noexcept { return icmp_; }
    [[nodiscard]] const Tcp& tcp() const noexcept { return tcp_; }
    /// A user engine of the stack (host/user_engine.hpp), by type.
    template <class E>
    [[nodiscard]] E& engine() noexcept {
        return std::get<E>(user_);
    }
    template <class E>
    [[nodiscard]] const E& engine() const noexcept {
        return std::get<E>(user_);
    }
    /// The time of the last receive()/poll(): what sleep() counts from.
    [[nodiscard]] Instant now() const noexcept { return now_; }
    /// Spawned coroutines not finished yet.
    [[nodiscard]] std::size_t tasks() const noexcept { return tasks_.size(); }

protected:
    Udp make_udp() const {
        if constexpr (has_udp)
            return UdpEngine(config_.udp);
        else
            return Absent{};
    }
    Tcp make_tcp() {
        if constexpr (has_tcp)
            return Tcp(config_.tcp, RandomStream(rng_.next()));
        else
            return Absent{};
    }
    auto make_watch() {
        if constexpr (has_tcp)
            return TcpStateWatch(config_.tcp.max_connections);
        else
            return Absent{};
    }
    [[nodiscard]] bool has_output() const noexcept {
        if constexpr (has_udp)
            if (udp_.has_output()) return true;
        if constexpr (has_icmp)
            if (icmp_.has_output()) return true;
        return false;
    }

    /// What the TCP engine transmits through (tcp::SegmentSink): the host
    /// writes IPv4 and TCP headers in place, DF set (RFC 1191), the checksum
    /// unless the port fills it.
    template <class Out>
    struct TcpTx {
        HostCore* host;
        Out* out;
        Instant now;
        bool send_segment(const FourTuple& t, const TcpRepr& h, Bytes p1, Bytes p2) {
            // A state change comes before the segment it sends (trace order).
            if (out->tracing()) host->tcp_watch_.observe(host->tcp_, *out);
            const std::size_t hl = h.buffer_len();
            const std::size_t len = hl + p1.size() + p2.size();
            const bool offload = out->caps(host_port).tcp.fills_tx;
            const bool sent = host->ip_.send_ip_from(
                t.local.addr, t.remote.addr, IpProtocol::tcp, len, DontFragment::always, now, *out,
                [&](MutBytes b, Ipv4Address src) {
                    if (!p1.empty()) copy_bytes(p1, b.data() + hl);
                    if (!p2.empty()) copy_bytes(p2, b.data() + hl + p1.size());
                    const auto v = TcpView<Byte>::unchecked(b);
                    if (offload)
                        h.emit_header(v);
                    else
                        h.emit(v, src, t.remote.addr);
                });
            if (sent && out->tracing()) out->trace(tcp_segment_event(t, h, p1.size() + p2.size()));
            return sent;
        }
        [[nodiscard]] std::uint32_t path_mtu(Ipv4Address to) const {
            return host->ip_.path_mtu(to, out->caps(host_port).mtu, now);
        }
    };

    /// What user engines transmit through (IpSender): the payload in an
    /// IPv4 datagram of their protocol, fragmented if it must be.
    template <class Out>
    struct UserTx {
        HostCore* host;
        Out* out;
        Instant now;
        bool send_ip(Ipv4Address dst, IpProtocol protocol, Bytes payload) {
            return host->ip_.send_ip(dst, protocol, payload.size(), DontFragment::if_fits, now,
                                     *out, [&](MutBytes b, Ipv4Address) {
                                         if (!payload.empty()) copy_bytes(payload, b.data());
                                     });
        }
    };

    // ============================================================ the run loop
    /// Resume coroutines that can go on, send what is queued, and look
    /// again: sending frees queue space a writer may wait for. Repeats while
    /// a pass resumed someone (bounded: a task that never waits cannot stall
    /// the node; what is left is sent at the next poll, which poll_at asks
    /// for at once).
    template <class Out>
    void run(Instant now, Out& out) {
        (void)waits_.resume_ready(now);
        reap();
        for (int round = 0; round < 8; ++round) {
            flush(now, out);
            const std::size_t resumed = waits_.resume_ready(now);
            reap();
            if (resumed == 0) break;
        }
    }
    void reap() {
        std::erase_if(tasks_, [](std::coroutine_handle<> h) {
            if (!h.done()) return false;
            h.destroy();
            return true;
        });
    }

    template <class Out>
    void flush(Instant now, Out& out) {
        if constexpr (has_icmp) {
            icmp_.drain(now, [&](Ipv4Address to, std::uint16_t ident, std::uint16_t seq,
                                 std::size_t data_bytes) {
                return ip_.send_ip(to, IpProtocol::icmp, icmp_field::header_len + data_bytes,
                                   DontFragment::if_fits, now, out, [&](MutBytes b, Ipv4Address) {
                                       const auto v = IcmpView<Byte>::unchecked(b);
                                       v.set_type(IcmpType::echo_request);
                                       v.set_code(0);
                                       v.set_identifier(ident);
                                       v.set_sequence(seq);
                                       // Data as Linux ping's pattern: byte i is i.
                                       for (std::size_t i = 0; i < data_bytes; ++i)
                                           b[icmp_field::header_len + i] = static_cast<Byte>(i);
                                       v.set_checksum(0);
                                       if (!out.caps(host_port).icmp.fills_tx) v.fill_checksum();
                                   });
            });
        }
        if constexpr (has_udp) {
            udp_.drain([&](const Endpoint& local, const Endpoint& peer, Bytes payload) {
                const std::size_t len = udp_field::header_len + payload.size();
                const bool offload = out.caps(host_port).udp.fills_tx;
                ip_.send_ip(peer.addr, IpProtocol::udp, len, DontFragment::if_fits, now, out,
                            [&](MutBytes b, Ipv4Address src) {
                                copy_bytes(payload, b.data() + udp_field::header_len);
                                const UdpRepr h{local.port, peer.port,
                                                static_cast<std::uint16_t>(payload.size())};
                                const auto v = UdpView<Byte>::unchecked(b);
                                if (offload)
                                    h.emit_header(v);
                                else
                                    h.emit(v, src, peer.addr);
                            });
            });
        }
        if constexpr (has_tcp) {
            TcpTx<Out> tx{this, &out, now};
            tcp_.poll(now, tx);
        }
        if constexpr (std::tuple_size_v<UserEngines> != 0) {
            UserTx<Out> tx{this, &out, now};
            std::apply([&](auto&... e) { (e.poll(now, tx), ...); }, user_);
        }
    }

    // ============================================================ input
    template <class Out>
    void on_frame(MutBytes frame, Instant now, Out& out) {
        const auto eth_r = EthernetView<Byte>::checked(frame);
        if (!eth_r) return ip_.drop(DropReason::malformed, out);
        const auto eth = *eth_r;
        if (eth.dst() != ip_.mac() && !eth.dst().is_broadcast())
            return ip_.drop(DropReason::not_for_me, out);
        switch (eth.ethertype()) {
        case EtherType::arp:
            return ip_.on_arp(eth, now, out);
        case EtherType::ipv4:
            return ip_.on_ipv4(MutBytes(eth.payload()), now, out,
                               [&](const Ipv4View<const Byte>& ip) { deliver(ip, now, out); });
        default:
            return ip_.drop(DropReason::unsupported, out);
        }
    }

    /// A whole datagram for us: protocol dispatch (RFC 1122 §3.2.1.? 1, 6, 17).
    template <class Out>
    void deliver(const Ipv4View<const Byte>& ip, Instant now, Out& out) {
        switch (ip.protocol()) {
        case IpProtocol::icmp:
            if constexpr (has_icmp) return on_icmp(ip, now, out);
            break;
        case IpProtocol::udp:
            if constexpr (has_udp) return on_udp(ip, now, out);
            break;
        case IpProtocol::tcp:
            if constexpr (has_tcp) return on_tcp(ip, now, out);
            break;
        default:
            break;
        }
        if constexpr (std::tuple_size_v<UserEngines> != 0) {
            bool taken = false;
            UserTx<Out> tx{this, &out, now};
            std::apply(
                [&](auto&... e) {
                    ((!taken && ip.protocol() == static_cast<IpProtocol>(
                                                     std::remove_cvref_t<decltype(e)>::protocol)
                          ? (e.receive(ip.src(), ip.dst(), Bytes(ip.payload()), now, tx),
                             taken = true)
                          : false),
                     ...);
                },
                user_);
            if (taken) return;
        }
        // RFC 1122 §3.2.2.1: protocol unreachable for a transport we lack.
        ip_.send_icmp_error(
            ip, IcmpRepr{IcmpDestUnreachable{IcmpUnreachable::protocol, 0, icmp_quote(ip)}}, now,
            out);
        ip_.drop(DropReason::unsupported, out);
    }

    template <class Out>
    void on_udp(const Ipv4View<const Byte>& ip, Instant now, Out& out) {
        const auto u_r = UdpView<const Byte>::checked(ip.payload());
        if (!u_r) {
            ++udp_.counters().malformed;
            return ip_.drop(DropReason::malformed, out);
        }
        const auto u = *u_r;
        // RFC 768: a zero checksum means the sender computed none.
        if (u.has_checksum() && !out.caps(host_port).udp.verifies_rx &&
            !u.verify_checksum(ip.src(), ip.dst())) {
            ++udp_.counters().bad_checksum;
            return ip_.drop(DropReason::bad_checksum, out);
        }
        const auto r = udp_.deliver(Endpoint{ip.src(), u.src_port()},
                                    Endpoint{ip.dst(), u.dst_port()}, u.payload());
        if (r == UdpEngine::Delivered::no_socket)
            // RFC 1122 §4.1.3.1: port unreachable (never for a broadcast, §3.2.2).
            ip_.send_icmp_error(
                ip, IcmpRepr{IcmpDestUnreachable{IcmpUnreachable::port, 0, icmp_quote(ip)}}, now,
                out);
        else if (r == UdpEngine::Delivered::queue_full)
            ip_.drop(DropReason::queue_full, out);
    }

    template <class Out>
    void on_tcp(const Ipv4View<const Byte>& ip, Instant now, Out& out) {
        const auto seg = TcpView<const Byte>::checked(ip.payload());
        if (!seg) return ip_.drop(DropReason::malformed, out);
        if (!out.caps(host_port).tcp.verifies_rx && !seg->verify_checksum(ip.src(), ip.dst()))
            return ip_.drop(DropReason::bad_checksum, out);
        // A broadcast or multicast is no TCP destination (RFC 1122 §4.2.3.10),
        // and a segment from an address that is not one host's (0.0.0.0,
        // 127/8, broadcast, multicast, class E) is discarded, a SYN from one
        // above all (RFC 9293 MUST-63, RFC 1122 §3.2.1.3).
        if (ip_.is_broadcast(ip.dst()) || ip.dst().is_multicast())
            return ip_.drop(DropReason::not_for_me, out);
        if (router::is_martian_source(ip.src()) || ip_.is_broadcast(ip.src()))
            return ip_.drop(DropReason::malformed, out);
        TcpTx<Out> tx{this, &out, now};
        tcp_.receive(ip.src(), ip.dst(), *seg, now, tx);
    }

    template <class Out>
    void on_icmp(const Ipv4View<const Byte>& ip, Instant now, Out& out) {
        const auto v_r = IcmpView<const Byte>::checked(ip.payload());
        if (!v_r) {
            ++icmp_.counters().malformed;
            return ip_.drop(DropReason::malformed, out);
        }
        const auto v = *v_r;
        if (!out.caps(host_port).icmp.verifies_rx && !v.verify_checksum()) {
            ++icmp_.counters().bad_checksum;
            return ip_.drop(DropReason::bad_checksum, out);
        }
        switch (v.type()) {
        case IcmpType::echo_request: {
            ++icmp_.counters().echo_requests_in;
            // Linux's icmp_echo_ignore_broadcasts = 1 (RFC 1122 §3.2.2.6 allows it).
            if (ip_.is_broadcast(ip.dst()) || v.code() != 0) return;
            const IcmpRepr reply{IcmpEchoReply{v.identifier(), v.sequence(), Bytes(v.payload())}};
            const bool sent = ip_.send_ip(
                ip.src(), IpProtocol::icmp, reply.buffer_len(), DontFragment::if_fits, now, out,
                [&](MutBytes b, Ipv4Address) { reply.emit(IcmpView<Byte>::unchecked(b)); });
            if (sent) {
                ++icmp_.counters().echo_replies_out;
                if (out.tracing()) {
                    TraceEvent e{TraceKind::icmp_echo_replied};
                    e.port = host_port;
                    e.addr[0] = ip.src();
                    out.trace(e);
                }
            }
            return;
        }
        case IcmpType::echo_reply:
            if (v.code() == 0)
                icmp_.echo_reply(ip.src(), v.identifier(), v.sequence(), ip.ttl(),
                                 v.payload().size(), now);
            return;
        default:
            break;
        }
        if (const auto report = parse_icmp_error(v)) {
            ++icmp_.counters().errors_in;
            // Only errors about datagrams we sent (RFC 5927 §4.1's first check).
            if (report->tuple.local.addr != address()) return;
            icmp_error(*report, now, out);
        }
    }

    /// An ICMP error about one of our datagrams, to whom it concerns.
    template <class Out>
    void icmp_error(const IcmpErrorReport& r, Instant now, Out& out) {
        if (r.kind == IcmpErrorReport::Kind::frag_needed)
            (void)ip_.learn_pmtu(r.tuple.remote.addr, r.next_hop_mtu, r.quoted_total_len,
                                 out.caps(host_port).mtu, now);
        if constexpr (has_udp)
            if (r.protocol == IpProtocol::udp &&
                r.type == static_cast<std::uint8_t>(IcmpType::dest_unreachable) &&
                r.kind != IcmpErrorReport::Kind::frag_needed)
                udp_.icmp_error(r.tuple.local, r.tuple.remote, r.error());
        if constexpr (has_tcp)
            if (r.protocol == IpProtocol::tcp) {
                TcpTx<Out> tx{this, &out, now};
                tcp_.icmp_error(r.tuple, to_tcp(r), now, tx);
            }
    }

    static tcp::IcmpReport to_tcp(const IcmpErrorReport& r) noexcept {
        tcp::IcmpReport t;
        switch (r.kind) {
        case IcmpErrorReport::Kind::unreachable_hard:
            t.kind = tcp::IcmpReport::Kind::unreachable_hard;
            break;
        case IcmpErrorReport::Kind::unreachable_soft:
            t.kind = tcp::IcmpReport::Kind::unreachable_soft;
            break;
        case IcmpErrorReport::Kind::frag_needed:
            t.kind = tcp::IcmpReport::Kind::frag_needed;
            break;
        case IcmpErrorReport::Kind::time_exceeded:
            t.kind = tcp::IcmpReport::Kind::time_exceeded;
            break;
        }
        t.type = r.type;
        t.code = r.code;
        t.next_hop_mtu = r.next_hop_mtu;
        t.seq = SeqNum{r.tcp_seq};
        return t;
    }

    /// ARP gave up on a next hop: what waited for it is reported as host
    /// unreachable to its sender (Linux: EHOSTUNREACH on a connected socket).
    template <class Out>
    void unresolved(MutBytes packet, Instant now, Out& out) {
        const auto ip_r = Ipv4View<const Byte>::checked_quote(Bytes(packet));
        if (!ip_r || ip_r->frag_offset() != 0) return;
        const Bytes l4 = Bytes(ip_r->payload());
        if (l4.size() < 4) return;
        IcmpErrorReport r;
        r.kind = IcmpErrorReport::Kind::unreachable_soft;
        r.type = static_cast<std::uint8_t>(IcmpType::dest_unreachable);
        r.code = static_cast<std::uint8_t>(IcmpUnreachable::host);
        r.protocol = ip_r->protocol();
        r.tuple.local = Endpoint{ip_r->src(), Port{load_be16(l4.data())}};
        r.tuple.remote = Endpoint{ip_r->dst(), Port{load_be16(l4.data() + 2)}};
        if (l4.size() >= 8) r.tcp_seq = load_be32(l4.data() + 4);
        icmp_error(r, now, out);
    }

    /// tcp_state_changed events (host/tcp_trace.hpp), only when tracing.
    template <class Out>
    void watch_tcp(Out& out) {
        if constexpr (has_tcp)
            if (out.tracing()) tcp_watch_.observe(tcp_, out);
    }

    HostConfig config_;
    IpPath ip_;
    RandomStream rng_;
    [[no_unique_address]] Udp udp_;
    [[no_unique_address]] Icmp icmp_{};
    [[no_unique_address]] Tcp tcp_;
    [[no_unique_address]] std::conditional_t<has_tcp, TcpStateWatch, Absent> tcp_watch_{
        make_watch()};
    [[no_unique_address]] UserEngines user_{};
    DescriptorTable fds_;
    WaitList waits_;
    std::vector<std::coroutine_handle<>> tasks_;
    Instant now_{};
};

} // namespace strata::stack
