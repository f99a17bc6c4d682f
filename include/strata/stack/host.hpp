// Host<Stack>: an end system as a node (DESIGN.md §4, §6), composed at
// compile time from the layers it speaks:
//
//     using Browser = Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>, ICMP>>>>;
//
// Each transport layer maps to its engine through engine_for (UDP<...> →
// UdpEngine, ICMP → IcmpEngine, TCP<...> → tcp::Engine<NewReno>); a protocol
// the stack does not name is not compiled in, and socket() for it fails
// with EPROTONOSUPPORT. The host has one port (0); the frame path is
// host/host_core.hpp and host/ip_path.hpp.
//
// Applications use BSD-shaped calls on integer descriptors. Calls that may
// block return a SocketOp (socket/wait.hpp): converted to its SysResult it
// is the non-blocking call; co_awaited in a Task it waits until the call
// completes. Socket calls never transmit: the host's next receive()/poll()
// resumes the coroutines that can go on, then sends what was queued.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/stack/host/host_core.hpp>

namespace strata::stack {

/// What a descriptor is ready for (poll(2)'s POLLIN/POLLOUT/POLLHUP/POLLERR
/// and POLLPRI).
struct Readiness {
    bool readable = false; ///< data, a datagram, a connection to accept, EOF or an error
    bool writable = false;
    bool hangup = false; ///< the connection is finished both ways, or gone
    Errno error = Errno::ok;
    /// TCP urgent data not yet read past (POLLPRI; RFC 9293 MUST-32).
    bool urgent = false;
};

/// shutdown(2)'s SHUT_RD, SHUT_WR, SHUT_RDWR.
using Shutdown = tcp::Shutdown;

template <class Stack>
class Host : public HostCore<Stack> {
    using Core = HostCore<Stack>;
    using Core::fds_;
    using Core::icmp_;
    using Core::ip_;
    using Core::now_;
    using Core::rng_;
    using Core::tasks_;
    using Core::tcp_;
    using Core::udp_;
    using Core::waits_;

public:
    using Core::has_icmp;
    using Core::has_tcp;
    using Core::has_udp;

    explicit Host(HostConfig c) : Core(std::move(c)) {}

    using Core::address;

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
        return fd; // TCP: the engine's handle comes with listen() or connect()
    }

    /// Address 0 = any of the host's; port 0 = ephemeral (UDP).
    SysStatus bind(int fd, Endpoint local) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.bind(s->handle, local, address(), rng_);
        if (s->kind != SocketKind::tcp) return Errno::eopnotsupp;
        if (s->has_handle || s->is_bound) return Errno::einval;
        if (!local.addr.is_unspecified() && local.addr != address()) return Errno::eaddrnotavail;
        s->bound = local;
        s->is_bound = true;
        return Done{};
    }

    /// Passive open (RFC 9293 §3.10.1) on the bound endpoint.
    SysStatus listen(int fd, int backlog = 128) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_tcp) {
            if (s->kind != SocketKind::tcp) return Errno::eopnotsupp;
            if (s->has_handle) return s->listening ? SysStatus{Done{}} : SysStatus{Errno::einval};
            if (!s->is_bound) return Errno::einval; // Linux would bind an ephemeral port
            auto id = tcp_.listen(s->bound, backlog);
            if (!id) return id.error();
            s->handle = *id;
            s->has_handle = true;
            s->listening = true;
            return Done{};
        } else {
            return Errno::eopnotsupp;
        }
    }

    /// A new descriptor for the next established connection; it carries the
    /// peer's address and port (getpeername) and the listener's owner.
    auto accept(int fd) {
        auto f = [this, fd](bool wait) -> std::optional<SysResult<int>> {
            SysResult<int> r = do_accept(fd);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<int>, decltype(f)>(waits_, now_, std::move(f));
    }

    /// UDP: sets the default peer. TCP: starts the handshake; as a value it
    /// says EINPROGRESS (then EALREADY, then EISCONN once established);
    /// awaited, it is done when the connection is established, or gives
    /// the error (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...).
    auto connect(int fd, Endpoint remote) {
        auto f = [this, fd, remote,
                  started = false](bool wait) mutable -> std::optional<SysStatus> {
            (void)started;
            SocketSlot* s = fds_.get(fd);
            if (s == nullptr) return SysStatus{Errno::ebadf};
            if constexpr (has_udp)
                if (s->kind == SocketKind::udp)
                    return udp_.connect(s->handle, remote, address(), rng_);
            if constexpr (has_tcp)
                if (s->kind == SocketKind::tcp) {
                    // No connection to a broadcast or multicast address
                    // (RFC 9293 MUST-46); Linux says ENETUNREACH.
                    if (!started && !s->has_handle &&
                        (remote.addr.is_unspecified() || remote.addr.is_multicast() ||
                         ip_.is_broadcast(remote.addr)))
                        return SysStatus{Errno::enetunreach};
                    if (!started && !s->has_handle) {
                        const Endpoint local{s->is_bound && !s->bound.addr.is_unspecified()
                                                 ? s->bound.addr
                                                 : ip_.source_for(remote.addr),
                                             s->is_bound ? s->bound.port : Port{}};
                        auto id = tcp_.connect(local, remote, now_);
                        if (!id) return SysStatus{id.error()};
                        s->handle = *id;
                        s->has_handle = true;
                        started = true;
                        if (!wait) return SysStatus{Errno::einprogress};
                        return std::nullopt;
                    }
                    if (s->listening) return SysStatus{Errno::einval};
                    const auto r = tcp_.readiness(s->handle);
                    const auto st = tcp_.state(s->handle);
                    if (r.error != Errno::ok) return SysStatus{r.error};
                    const bool opening =
                        st == tcp::State::syn_sent || st == tcp::State::syn_received;
                    if (opening) {
                        if (wait) return std::nullopt;
                        return SysStatus{Errno::ealready};
                    }
                    if (started) return SysStatus{Done{}};
                    return SysStatus{st == tcp::State::closed ? Errno::econnaborted
                                                              : Errno::eisconn};
                }
            return SysStatus{Errno::eopnotsupp};
        };
        return SocketOp<SysStatus, decltype(f)>(waits_, now_, std::move(f));
    }

    /// TCP: queues what fits in the send buffer (awaited: waits for room,
    /// then queues what fits). UDP: one datagram to the default peer.
    auto send(int fd, Bytes data) {
        auto f = [this, fd, data](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<std::size_t> r = do_send(fd, data, std::nullopt);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    auto sendto(int fd, Bytes data, Endpoint to) {
        auto f = [this, fd, data, to](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<std::size_t> r = do_send(fd, data, to);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    /// send(fd, data, MSG_OOB) on TCP: the bytes go in the stream and the
    /// segments before their end carry URG and a pointer past the last one
    /// (RFC 9293 §3.8.5, RFC 6093: the receiver reads them inline).
    auto send_urgent(int fd, Bytes data) {
        auto f = [this, fd, data](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<std::size_t> r = do_send_urgent(fd, data);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    /// TCP: urgent bytes from the next one recv() returns up to and including
    /// the last urgent one, 0 when none is pending (RFC 9293 MUST-33).
    [[nodiscard]] std::size_t urgent_remaining(int fd) const {
        if constexpr (has_tcp) {
            const SocketSlot* s = fds_.get(fd);
            if (s != nullptr && s->kind == SocketKind::tcp && s->has_handle)
                return tcp_.urgent_remaining(s->handle);
        } else {
            (void)fd;
        }
        return 0;
    }
    /// TCP: 0 is the end of the stream (the peer's FIN).
    auto recv(int fd, MutBytes buf) {
        auto f = [this, fd, buf](bool wait) -> std::optional<SysResult<std::size_t>> {
            SysResult<Received> r = do_recv(fd, buf);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            if (!r) return SysResult<std::size_t>{r.error()};
            return SysResult<std::size_t>{r.value().length};
        };
        return SocketOp<SysResult<std::size_t>, decltype(f)>(waits_, now_, std::move(f));
    }
    auto recvfrom(int fd, MutBytes buf) {
        auto f = [this, fd, buf](bool wait) -> std::optional<SysResult<Received>> {
            SysResult<Received> r = do_recv(fd, buf);
            if (wait && r.error() == Errno::eagain) return std::nullopt;
            return r;
        };
        return SocketOp<SysResult<Received>, decltype(f)>(waits_, now_, std::move(f));
    }

    SysStatus shutdown(int fd, Shutdown how) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp) {
                if (!s->has_handle) return Errno::enotconn;
                return tcp_.shutdown(s->handle, how);
            }
        return Errno::eopnotsupp;
    }

    /// Frees the descriptor. A TCP connection finishes on its own (FIN,
    /// TIME-WAIT) and stays in the socket table until it is gone.
    SysStatus close(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) (void)udp_.close(s->handle);
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp) (void)icmp_.close(s->handle);
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp && s->has_handle) (void)tcp_.close(s->handle);
        fds_.close(fd);
        return Done{};
    }

    SysResult<Endpoint> getsockname(int fd) const {
        const SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.local(s->handle).value_or(Endpoint{});
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp && s->has_handle)
                if (auto t = tcp_.tuple(s->handle)) return t->local;
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
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp && s->has_handle && !s->listening)
                if (auto t = tcp_.tuple(s->handle)) return t->remote;
        return Errno::enotconn;
    }

    [[nodiscard]] Readiness readiness(int fd) const {
        const SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Readiness{false, false, true, Errno::ebadf};
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) {
                const auto r = udp_.readiness(s->handle);
                return Readiness{r.readable || r.error != Errno::ok, r.writable, false, r.error};
            }
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp)
                return Readiness{icmp_.readable(s->handle), true, false, Errno::ok};
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp && s->has_handle) {
                const auto r = tcp_.readiness(s->handle);
                return Readiness{r.readable || r.acceptable, r.writable, r.hangup, r.error,
                                 r.urgent};
            }
        return Readiness{};
    }

    /// getsockopt(SO_ERROR): the pending error, reported once and then
    /// cleared (Linux sock_error); Errno::ok when there is none. A TCP
    /// connection that failed still fails later calls (EPIPE), as on Linux.
    Errno take_error(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.take_error(s->handle);
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp && s->has_handle) return tcp_.take_error(s->handle);
        return Errno::ok;
    }

    /// TCP_NODELAY: Nagle's algorithm off (RFC 9293 §3.7.4).
    SysStatus set_nodelay(int fd, bool on) {
        if constexpr (has_tcp) {
            SocketSlot* s = fds_.get(fd);
            if (s == nullptr) return Errno::ebadf;
            if (s->kind != SocketKind::tcp || !s->has_handle) return Errno::einval;
            return tcp_.set_nodelay(s->handle, on);
        } else {
            (void)fd, (void)on;
            return Errno::eopnotsupp;
        }
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
    /// The next echo reply; awaited, waits at most `timeout` (then ETIMEDOUT).
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
    /// co_await host.sleep(d): resumes at the first receive()/poll() at or after now() + d.
    SleepOp sleep(Duration d) { return SleepOp(waits_, now_ + d); }

    /// Runs `task` until it first waits; the host resumes it from then on
    /// and frees it when it finishes. Spawn once the host has its final
    /// place (net.node(ref)): waiting operations point into it.
    void spawn(Task<void> task) {
        auto h = task.release();
        if (!h) return;
        tasks_.push_back(h);
        h.resume();
        this->reap();
    }

    // ------------------------------------------------------------ the table
    /// One row per descriptor, then TCP connections no descriptor holds any
    /// more (closed, still finishing: FIN-WAIT, TIME-WAIT) with fd -1.
    [[nodiscard]] std::vector<SocketRow> socket_rows() const {
        std::vector<SocketRow> rows;
        std::vector<std::uint32_t> held;
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
            if constexpr (has_tcp)
                if (s.kind == SocketKind::tcp) {
                    r.state = tcp::name(tcp::State::closed);
                    if (s.has_handle) {
                        held.push_back(s.handle);
                        if (auto t = tcp_.tuple(s.handle)) {
                            r.local = t->local;
                            r.peer = t->remote;
                        }
                        r.state = tcp::name(tcp_.state(s.handle));
                    }
                }
            rows.push_back(r);
        });
        if constexpr (has_tcp)
            tcp_.for_each([&](tcp::ConnId id, const FourTuple& t, tcp::State st) {
                if (std::find(held.begin(), held.end(), id) != held.end()) return;
                rows.push_back(
                    SocketRow{-1, SocketKind::tcp, t.local, t.remote, tcp::name(st), ""});
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
            return has_tcp;
        }
        return false;
    }
    SysResult<int> fail_open(int fd, Errno e) {
        fds_.close(fd);
        return e;
    }

    SysResult<int> do_accept(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_tcp) {
            if (s->kind != SocketKind::tcp || !s->listening) return Errno::einval;
            auto id = tcp_.accept(s->handle);
            if (!id) return id.error();
            const std::string owner(s->owner_name()); // the slot may move when the table grows
            auto nfd = fds_.open(SocketKind::tcp, owner);
            if (!nfd) {
                (void)tcp_.abort(*id);
                return nfd.error();
            }
            SocketSlot& n = *fds_.get(*nfd);
            n.handle = *id;
            n.has_handle = true;
            return nfd;
        } else {
            return Errno::eopnotsupp;
        }
    }
    SysResult<std::size_t> do_send(int fd, Bytes data, std::optional<Endpoint> to) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp)
                return udp_.sendto(s->handle, data, to, address(), rng_);
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp) {
                if (!s->has_handle || s->listening) return Errno::enotconn;
                if (to) return Errno::eisconn;
                return tcp_.send(s->handle, data);
            }
        return Errno::eopnotsupp;
    }
    SysResult<std::size_t> do_send_urgent(int fd, Bytes data) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp) {
                if (!s->has_handle || s->listening) return Errno::enotconn;
                return tcp_.send_urgent(s->handle, data);
            }
        return Errno::eopnotsupp; // MSG_OOB on a datagram socket (Linux: EOPNOTSUPP)
    }
    SysResult<Received> do_recv(int fd, MutBytes buf) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_udp)
            if (s->kind == SocketKind::udp) return udp_.recvfrom(s->handle, buf);
        if constexpr (has_tcp)
            if (s->kind == SocketKind::tcp) {
                if (!s->has_handle || s->listening) return Errno::enotconn;
                auto n = tcp_.recv(s->handle, buf);
                if (!n) return n.error();
                Received r{n.value(), n.value(), {}};
                if (auto t = tcp_.tuple(s->handle)) r.from = t->remote;
                return r;
            }
        return Errno::eopnotsupp;
    }
    SysResult<PingReply> do_ping_reply(int fd) {
        SocketSlot* s = fds_.get(fd);
        if (s == nullptr) return Errno::ebadf;
        if constexpr (has_icmp)
            if (s->kind == SocketKind::icmp) return icmp_.reply(s->handle);
        return Errno::eopnotsupp;
    }
};

} // namespace strata::stack
