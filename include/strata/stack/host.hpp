// Host<Stack>: an end system as a node (DESIGN.md §4, §6), composed at
// compile time from the layers it speaks:
//
//     using Browser = Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>, ICMP>>>>;
//
// Each transport layer maps to its engine through engine_for (UDP<...> →
// UdpEngine, ICMP → IcmpEngine, TCP<...> → tcp::Engine); a protocol the
// stack does not name is not compiled in, and socket() for it fails with
// EPROTONOSUPPORT. The host has one port (0). Frames go up through
// Ethernet, ARP and IPv4 (host/ip_path.hpp) to the engines; applications
// use BSD-shaped socket calls on integer descriptors, directly
// (non-blocking, errors as SysResult) or from coroutines (co_await), which
// the host resumes inside receive()/poll() before it sends what they queued.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/concepts.hpp>
#include <strata/stack/host/config.hpp>
#include <strata/stack/host/engine_for.hpp>
#include <strata/stack/host/ip_path.hpp>
#include <strata/stack/icmp/icmp_engine.hpp>
#include <strata/stack/icmp/icmp_error_report.hpp>
#include <strata/stack/socket/socket_table.hpp>
#include <strata/stack/socket/task.hpp>
#include <strata/stack/socket/wait.hpp>
#include <strata/stack/udp/udp_engine.hpp>
#include <strata/wire/udp.hpp>

namespace strata::stack {

/// What a descriptor is ready for (poll(2)'s POLLIN/POLLOUT/POLLERR/POLLHUP).
struct Readiness {
    bool readable = false; ///< data, a datagram, a connection to accept, EOF or an error
    bool writable = false;
    bool hangup = false; ///< the peer closed (TCP FIN received) or the connection is gone
    Errno error = Errno::ok;
};

template <class Stack>
class Host {
    static_assert(HostStack<Stack>,
                  "Host<Stack>: Stack must be Ethernet<IPv4<Inner>> where Inner is a transport "
                  "layer with an engine (TCP<...>, UDP<...>, ICMP, or a user layer that "
                  "specialises stack::engine_for) or a OneOf<...> of them; for TCP include "
                  "<strata/stack/host/tcp_engine_for.hpp>");

    struct Absent {};

public:
    static constexpr bool has_udp = stack_runs<Stack, UdpEngine>;
    static constexpr bool has_icmp = stack_runs<Stack, IcmpEngine>;
    using Udp = std::conditional_t<has_udp, UdpEngine, Absent>;
    using Icmp = std::conditional_t<has_icmp, IcmpEngine, Absent>;

    explicit Host(HostConfig c)
        : config_(std::move(c)), ip_(config_), rng_(config_.rng), udp_(make_udp()),
          fds_(config_.max_descriptors) {
        ip_.seed_ident(static_cast<std::uint16_t>(rng_.below(0x10000)));
        tasks_.reserve(16);
    }
    Host(Host&&) noexcept = default;
    Host& operator=(Host&&) = delete;
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;
    ~Host() {
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
    }

    template <class Out>
    void poll(Instant now, Out& out) {
        now_ = now;
        ip_.poll(
            now, out, [&](MutBytes packet) { unresolved(packet, now); },
            [&](const ExpiredDatagram& d) {
                // RFC 792, RFC 1122 §3.3.2: time exceeded, code 1, when fragment 0 came.
                if (!d.had_first) return;
                const auto q = Ipv4View<const Byte>::checked_quote(d.quote);
                if (q)
                    ip_.send_icmp_error(
                        *q, IcmpRepr{IcmpTimeExceeded{IcmpTimeExceededCode::reassembly, d.quote}},
                        now, out);
            });
        run(now, out);
    }

    [[nodiscard]] Instant poll_at() const noexcept {
        Instant t = std::min(ip_.poll_at(), waits_.next_deadline());
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
    /// The time of the last receive()/poll(): what sleep() counts from.
    [[nodiscard]] Instant now() const noexcept { return now_; }

    // ============================================================ sockets
    SysResult<int> socket(SocketKind kind, std::string_view owner = {}) {
        if (!supports(kind)) return Errno::eprotonosupport;
        auto fd = fds_.open(kind, owner);
        if (!fd) return fd;
        SocketSlot& s = *fds_.get(*fd);
        if constexpr (has_udp)
            if (kind == SocketKind::udp) {
                auto id = udp_.open();
                if (!id) return fail_open(*fd, id.error());
                s.handle = *id;
                s.has_handle = true;
            }
        if constexpr (has_icmp)
            if (kind == SocketKind::icmp) {
                auto id = icmp_.open(rng_);
                if (!id) return fail_open(*fd, id.error());
                s.handle = *id;
                s.has_handle = true;
            }
        return fd;
    }

    SysStatus bind(int fd, Endpoint local) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.bind(s->handle, local, address(), rng_);
        return Errno::eopnotsupp;
    }

    /// Connect: UDP sets the default peer at once; TCP starts the handshake
    /// (EINPROGRESS; awaited: done when established, or the error).
    auto connect(int fd, Endpoint remote) {
        auto f = [this, fd, remote](bool) -> std::optional<SysStatus> {
            SocketSlot* s = fds_.get(fd);
            if (s == nullptr) return SysStatus{Errno::ebadf};
            if constexpr (has_udp)
                if (s->kind == SocketKind::udp)
                    return udp_.connect(s->handle, remote, address(), rng_);
            return SysStatus{Errno::eopnotsupp};
        };
        return SocketOp<SysStatus, decltype(f)>(waits_, now_, std::move(f));
    }

    /// Send on a connected socket (UDP: one datagram to the default peer).
    auto send(int fd, Bytes data) {
        auto f = [this, fd, data](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<std::size_t> r = do_sendto(fd, data, std::nullopt);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    auto sendto(int fd, Bytes data, Endpoint to) {
        auto f = [this, fd, data, to](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<std::size_t> r = do_sendto(fd, data, to);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    auto recv(int fd, MutBytes buf) {
        auto f = [this, fd, buf](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<Received> r = do_recvfrom(fd, buf);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            if (!r) return SysResult<std::size_t>{r.error()};
            return SysResult<std::size_t>{r.value().length};
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    auto recvfrom(int fd, MutBytes buf) {
        auto f = [this, fd, buf](bool wait) -> std::optional<SysResult<Received>> {
            SysResult<Received> r = do_recvfrom(fd, buf);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<Received>, decltype(f)>(waits_, now_, std::move(f));
    }

    SysStatus close(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) (void)udp_.close(s->handle);
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp) (void)icmp_.close(s->handle);
        fds_.close(fd);
        return Done{};
    }

    SysResult<Endpoint> getsockname(int fd) const {
        const SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.local(s->handle).value_or(Endpoint{});
        return s->bound;
    }
    SysResult<Endpoint> getpeername(int fd) const {
        const SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) {
                if (auto r = udp_.remote(s->handle)) return *r;
                return Errno::enotconn;
            }
        return Errno::enotconn;
    }

    [[nodiscard]] Readiness readiness(int fd) const {
        const SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Readiness{false, false, false, Errno::ebadf};
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) {
                const auto r = udp_.readiness(s->handle);
                return Readiness{r.readable || r.error != Errno::ok, r.writable, false, r.error};
            }
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp)
                return Readiness{icmp_.readable(s->handle), true, false, Errno::ok};
        return Readiness{};
    }

    /// Gives the descriptor an owner label for the socket table.
    SysStatus set_owner(int fd, std::string_view owner) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        s->set_owner(owner);
        return Done{};
    }

    // ------------------------------------------------------------ ping
    /// Queues an echo request (RFC 792) from ping socket `fd` to `to`; it
    /// leaves at the next poll, which starts its RTT clock.
    SysStatus ping(int fd, Ipv4Address to, std::uint16_t seq, std::size_t data_bytes = 56) {
        if constexpr (has_icmp) {
            SocketSlot* s = fds_.get(fd);
            if (s == nullptr) return Errno::ebadf;
            if (s->kind != SocketKind::icmp) return Errno::eopnotsupp;
            return icmp_.ping(s->handle, to, seq, data_bytes);
        } else {
            (void)fd, (void)to, (void)seq, (void)data_bytes;
            return Errno::eprotonosupport;
        }
    }
    /// The next echo reply; awaited, waits for it at most `timeout` (then ETIMEDOUT).
    auto ping_reply(int fd, Duration timeout = std::chrono::seconds(10)) {
        auto f = [this, fd,
                  until = now_ + timeout](bool wait) -> std::optional<SysResult<PingReply>> {
            SysResult<PingReply> r = do_ping_reply(fd);
            if (wait && r.error() == Errno::eagain) {
                if (now_ >= until) return SysResult<PingReply>{Errno::etimedout};
                return std::nullopt;
            }
            return r;
        };
        return SocketOp<SysResult<PingReply>, decltype(f)>(waits_, now_, std::move(f),
                                                           now_ + timeout);
    }

    // ------------------------------------------------------------ coroutines
    SleepOp sleep(Duration d) { return SleepOp(waits_, now_ + d); }

    /// Runs `task` until it first waits; the host resumes it from then on
    /// and frees it when it finishes. Spawn after the host has its final
    /// place (net.node(ref)): waiting operations point into it.
    void spawn(Task<void> task) {
        auto h = task.release();
        if (!h) return;
        tasks_.push_back(h);
        h.resume();
        reap();
    }
    [[nodiscard]] std::size_t tasks() const noexcept { return tasks_.size(); }

    // ------------------------------------------------------------ the table
    [[nodiscard]] std::vector<SocketRow> socket_rows() const {
        std::vector<SocketRow> rows;
        fds_.for_each([&](int fd, const SocketSlot& s) {
            SocketRow r{fd, s.kind, s.bound, {}, "", s.owner_name()};
            if constexpr (has_udp)
                if (s.kind == SocketKind::udp) {
                    r.local = udp_.local(s.handle).value_or(Endpoint{});
                    if (auto p = udp_.remote(s.handle)) {
                        r.peer = *p;
                        r.state = "CONNECTED";
                    }
                }
            if (s.kind == SocketKind::icmp) {
                r.local.addr = address();
                if constexpr (has_icmp) r.local.port = Port{icmp_.ident(s.handle)};
            }
            rows.push_back(r);
        });
        return rows;
    }
    [[nodiscard]] std::string socket_table() const { return format_socket_table(socket_rows()); }

private:
    static constexpr bool supports(SocketKind k) noexcept {
        switch (k) {
        case SocketKind::udp:
            return has_udp;
        case SocketKind::icmp:
            return has_icmp;
        case SocketKind::tcp:
            return false;
        }
        return false;
    }
    Udp make_udp() const {
        if constexpr (has_udp)
            return UdpEngine(config_.udp);
        else
            return Absent{};
    }
    SysResult<int> fail_open(int fd, Errno e) {
        fds_.close(fd);
        return e;
    }

    SysResult<std::size_t> do_sendto(int fd, Bytes data, std::optional<Endpoint> to) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp)
                return udp_.sendto(s->handle, data, to, address(), rng_);
        return Errno::eopnotsupp;
    }
    SysResult<Received> do_recvfrom(int fd, MutBytes buf) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.recvfrom(s->handle, buf);
        return Errno::eopnotsupp;
    }
    SysResult<PingReply> do_ping_reply(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp) return icmp_.reply(s->handle);
        return Errno::eopnotsupp;
    }

    [[nodiscard]] bool has_output() const noexcept {
        if constexpr (has_udp)
            if (udp_.has_output()) return true;
        if constexpr (has_icmp)
            if (icmp_.has_output()) return true;
        return false;
    }

    // ============================================================ the run loop
    /// Resume coroutines that can go on, then send what is queued; again
    /// while resuming made progress (bounded: a task that never waits
    /// cannot stall the node).
    template <class Out>
    void run(Instant now, Out& out) {
        for (int round = 0; round < 8; ++round) {
            const std::size_t resumed = waits_.resume_ready(now);
            reap();
            flush(now, out);
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
        default:
            break;
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
    }

    /// ARP gave up on a next hop: what waited for it is reported as host
    /// unreachable to its sender (Linux: EHOSTUNREACH on a connected socket).
    void unresolved(MutBytes packet, Instant now) {
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
        if constexpr (has_udp)
            if (r.protocol == IpProtocol::udp)
                udp_.icmp_error(r.tuple.local, r.tuple.remote, r.error());
        (void)now;
    }

    HostConfig config_;
    IpPath ip_;
    RandomStream rng_;
    [[no_unique_address]] Udp udp_;
    [[no_unique_address]] Icmp icmp_{};
    DescriptorTable fds_;
    WaitList waits_;
    std::vector<std::coroutine_handle<>> tasks_;
    Instant now_{};
};

} // namespace strata::stack
