// libstrata_packetdrill.so: the one exported symbol, packetdrill_interface_init,
// and the C functions it puts in packetdrill's struct (packetdrill_abi.h):
// the socket calls (socket_calls.cpp), the virtual network device, the
// virtual clock, poll and epoll. Every entry takes the adapter's lock.
#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>

#include "adapter.hpp"
#include "packetdrill_abi.h"
#include "socket_calls.hpp"

namespace strata::packetdrill {
namespace {

/// How far netdev_receive runs the clock looking for the next packet before
/// it says "nothing" (RTO backoff reaches 120 s; TIME-WAIT lasts 60 s).
constexpr Duration receive_horizon = std::chrono::seconds{300};

/// gettimeofday calls in a row (no other call between) after which each
/// further one moves the clock 1 µs: packetdrill spins on the clock for
/// the last MAX_SPIN_USECS (20 µs) before an event, which would never end
/// on a clock that only moves when told to.
constexpr int spin_threshold = 2;

Adapter& of(void* u) { return *static_cast<Adapter*>(u); }

struct Call {
    explicit Call(void* u) : a(of(u)), lk(a.mutex), calls(a) { a.gettimeofday_streak = 0; }
    Adapter& a;
    std::unique_lock<std::mutex> lk;
    SocketCalls calls;
};

/// Runs f, turning an allocation failure into ENOMEM rather than unwinding
/// into packetdrill's C frames.
template <class F>
auto guarded(F&& f) noexcept -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        errno = ENOMEM;
    } catch (...) {
        errno = EIO;
    }
    return -1;
}

std::int64_t usecs(Instant t) { return ns_since_start(t) / 1000; }

void log_packet(const Adapter& a, const char* dir, Bytes p, Instant t) {
    if (!a.settings.verbose) return;
    std::fprintf(stderr, "strata_packetdrill %s t=%lld.%06lld len=%zu\n", dir,
                 static_cast<long long>(usecs(t) / 1'000'000),
                 static_cast<long long>(usecs(t) % 1'000'000), p.size());
}

// ------------------------------------------------------------ sockets
int pd_socket(void* u, int domain, int type, int protocol) {
    return guarded([&] { return Call(u).calls.socket(domain, type, protocol); });
}
int pd_bind(void* u, int fd, const sockaddr* addr, socklen_t len) {
    return guarded([&] { return Call(u).calls.bind(fd, addr, len); });
}
int pd_listen(void* u, int fd, int backlog) {
    return guarded([&] { return Call(u).calls.listen(fd, backlog); });
}
int pd_accept(void* u, int fd, sockaddr* addr, socklen_t* len) {
    return guarded([&] {
        Call c(u);
        return c.calls.accept(fd, addr, len, c.lk);
    });
}
int pd_connect(void* u, int fd, const sockaddr* addr, socklen_t len) {
    return guarded([&] {
        Call c(u);
        return c.calls.connect(fd, addr, len, c.lk);
    });
}
ssize_t pd_recvfrom(void* u, int fd, void* buf, size_t len, int flags, sockaddr* src,
                    socklen_t* srclen) {
    return guarded([&]() -> ssize_t {
        if (buf == nullptr && len != 0) return SocketCalls::fail_errno(EFAULT);
        // MSG_PEEK, MSG_OOB, MSG_WAITALL, MSG_ERRQUEUE, ...: not offered.
        if ((flags & ~MSG_DONTWAIT) != 0) return SocketCalls::fail_errno(EOPNOTSUPP);
        Call c(u);
        stack::Endpoint from{};
        const ssize_t n = c.calls.recv(fd, MutBytes{static_cast<Byte*>(buf), len}, c.lk,
                                       (flags & MSG_DONTWAIT) != 0, &from);
        if (n >= 0) write_sockaddr(from, src, srclen);
        return n;
    });
}
ssize_t pd_recv(void* u, int fd, void* buf, size_t len, int flags) {
    return pd_recvfrom(u, fd, buf, len, flags, nullptr, nullptr);
}
ssize_t pd_read(void* u, int fd, void* buf, size_t len) {
    return pd_recvfrom(u, fd, buf, len, 0, nullptr, nullptr);
}
/// Scatter reads copy through one buffer: the stack's recv fills one span.
ssize_t gather_recv(void* u, int fd, const iovec* iov, int iovcnt, int flags, sockaddr* src,
                    socklen_t* srclen) {
    if (iovcnt < 0 || (iovcnt > 0 && iov == nullptr)) return SocketCalls::fail_errno(EINVAL);
    std::size_t total = 0;
    for (int i = 0; i < iovcnt; ++i)
        total += iov[i].iov_len;
    std::vector<Byte> tmp(total);
    const ssize_t n = pd_recvfrom(u, fd, tmp.data(), total, flags, src, srclen);
    if (n <= 0) return n;
    std::size_t off = 0;
    for (int i = 0; i < iovcnt && off < static_cast<std::size_t>(n); ++i) {
        const std::size_t k = std::min(iov[i].iov_len, static_cast<std::size_t>(n) - off);
        std::memcpy(iov[i].iov_base, tmp.data() + off, k);
        off += k;
    }
    return n;
}
ssize_t pd_readv(void* u, int fd, const iovec* iov, int iovcnt) {
    return guarded([&] { return gather_recv(u, fd, iov, iovcnt, 0, nullptr, nullptr); });
}
ssize_t pd_recvmsg(void* u, int fd, msghdr* msg, int flags) {
    return guarded([&]() -> ssize_t {
        if (msg == nullptr) return SocketCalls::fail_errno(EFAULT);
        socklen_t namelen = msg->msg_namelen;
        const ssize_t n =
            gather_recv(u, fd, msg->msg_iov, static_cast<int>(msg->msg_iovlen), flags,
                        static_cast<sockaddr*>(msg->msg_name), msg->msg_name ? &namelen : nullptr);
        if (n >= 0) {
            msg->msg_namelen = msg->msg_name ? namelen : 0;
            msg->msg_controllen = 0; // no ancillary data
            msg->msg_flags = 0;
        }
        return n;
    });
}

ssize_t pd_sendto(void* u, int fd, const void* buf, size_t len, int flags, const sockaddr* to,
                  socklen_t tolen) {
    return guarded([&]() -> ssize_t {
        if (buf == nullptr && len != 0) return SocketCalls::fail_errno(EFAULT);
        if ((flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_OOB)) != 0)
            return SocketCalls::fail_errno(EOPNOTSUPP);
        std::optional<stack::Endpoint> dest;
        if (to != nullptr) {
            int err = 0;
            dest = endpoint_of(to, tolen, err);
            if (!dest) return SocketCalls::fail_errno(err);
        }
        Call c(u);
        return c.calls.send(fd, Bytes{static_cast<const Byte*>(buf), len}, c.lk,
                            (flags & MSG_DONTWAIT) != 0, dest, (flags & MSG_OOB) != 0);
    });
}
ssize_t pd_send(void* u, int fd, const void* buf, size_t len, int flags) {
    return pd_sendto(u, fd, buf, len, flags, nullptr, 0);
}
ssize_t pd_write(void* u, int fd, const void* buf, size_t len) {
    return pd_sendto(u, fd, buf, len, 0, nullptr, 0);
}
ssize_t scatter_send(void* u, int fd, const iovec* iov, int iovcnt, int flags, const sockaddr* to,
                     socklen_t tolen) {
    if (iovcnt < 0 || (iovcnt > 0 && iov == nullptr)) return SocketCalls::fail_errno(EINVAL);
    std::vector<Byte> tmp;
    for (int i = 0; i < iovcnt; ++i) {
        const auto* p = static_cast<const Byte*>(iov[i].iov_base);
        tmp.insert(tmp.end(), p, p + iov[i].iov_len);
    }
    return pd_sendto(u, fd, tmp.data(), tmp.size(), flags, to, tolen);
}
ssize_t pd_writev(void* u, int fd, const iovec* iov, int iovcnt) {
    return guarded([&] { return scatter_send(u, fd, iov, iovcnt, 0, nullptr, 0); });
}
ssize_t pd_sendmsg(void* u, int fd, const msghdr* msg, int flags) {
    return guarded([&]() -> ssize_t {
        if (msg == nullptr) return SocketCalls::fail_errno(EFAULT);
        return scatter_send(u, fd, msg->msg_iov, static_cast<int>(msg->msg_iovlen), flags,
                            static_cast<const sockaddr*>(msg->msg_name), msg->msg_namelen);
    });
}

int pd_fcntl(void* u, int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    // F_SETFL and F_SETFD take an int; reading one for the other commands is
    // what glibc's fcntl does too (it reads the argument word unconditionally).
    const long arg = (cmd == F_SETFL || cmd == F_SETFD) ? va_arg(ap, int) : 0;
    va_end(ap);
    return guarded([&] { return Call(u).calls.fcntl(fd, cmd, arg); });
}
int pd_ioctl(void* u, int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    return guarded([&] { return Call(u).calls.ioctl(fd, request, arg); });
}
int pd_close(void* u, int fd) {
    return guarded([&] { return Call(u).calls.close(fd); });
}
int pd_shutdown(void* u, int fd, int how) {
    return guarded([&] { return Call(u).calls.shutdown(fd, how); });
}
int pd_getsockopt(void* u, int fd, int level, int name, void* val, socklen_t* len) {
    return guarded([&] { return Call(u).calls.getsockopt(fd, level, name, val, len); });
}
int pd_setsockopt(void* u, int fd, int level, int name, const void* val, socklen_t len) {
    return guarded([&] { return Call(u).calls.setsockopt(fd, level, name, val, len); });
}

// ------------------------------------------------------------ readiness
/// poll(2) bits for one descriptor: POLLIN/POLLOUT/POLLPRI as asked, POLLHUP
/// and POLLERR always, POLLNVAL for a descriptor we do not know.
short revents_of(Adapter& a, int fd, short events) {
    if (a.fds.find(fd) == a.fds.end()) return POLLNVAL;
    const stack::Readiness r = a.vh->host().readiness(fd);
    short ev = 0;
    if (r.readable) ev = static_cast<short>(ev | POLLIN);
    if (r.writable) ev = static_cast<short>(ev | POLLOUT);
    if (r.urgent) ev = static_cast<short>(ev | POLLPRI);
    ev = static_cast<short>(ev & events);
    if (r.hangup) ev = static_cast<short>(ev | POLLHUP);
    if (r.error != stack::Errno::ok) ev = static_cast<short>(ev | POLLERR);
    return ev;
}

Instant deadline_after(const Adapter& a, int timeout_ms) {
    if (timeout_ms < 0) return never;
    return a.vh->now() + std::chrono::milliseconds{timeout_ms};
}

int pd_poll(void* u, pollfd* fds, nfds_t nfds, int timeout) {
    return guarded([&]() -> int {
        if (fds == nullptr && nfds != 0) return SocketCalls::fail_errno(EFAULT);
        Call c(u);
        const Instant until = deadline_after(c.a, timeout);
        while (true) {
            int ready = 0;
            for (nfds_t i = 0; i < nfds; ++i) {
                fds[i].revents = fds[i].fd < 0 ? 0 : revents_of(c.a, fds[i].fd, fds[i].events);
                if (fds[i].revents != 0) ++ready;
            }
            if (ready != 0 || timeout == 0 || c.a.vh->now() >= until) return ready;
            if (!c.a.wait_for_change(c.lk, until)) return 0;
        }
    });
}

int pd_epoll_create(void* u, int size) {
    return guarded([&]() -> int {
        if (size <= 0) return SocketCalls::fail_errno(EINVAL);
        Call c(u);
        const int id = c.a.next_epoll_fd++;
        c.a.epolls[id] = EpollSet{};
        return id;
    });
}
int pd_epoll_ctl(void* u, int epfd, int op, int fd, epoll_event* ev) {
    return guarded([&]() -> int {
        Call c(u);
        auto it = c.a.epolls.find(epfd);
        if (it == c.a.epolls.end() || c.a.fds.find(fd) == c.a.fds.end())
            return SocketCalls::fail_errno(EBADF);
        auto& w = it->second.watched;
        const bool present = w.find(fd) != w.end();
        switch (op) {
        case EPOLL_CTL_ADD:
            if (present) return SocketCalls::fail_errno(EEXIST);
            if (ev == nullptr) return SocketCalls::fail_errno(EFAULT);
            w[fd] = *ev;
            return 0;
        case EPOLL_CTL_MOD:
            if (!present) return SocketCalls::fail_errno(ENOENT);
            if (ev == nullptr) return SocketCalls::fail_errno(EFAULT);
            w[fd] = *ev;
            return 0;
        case EPOLL_CTL_DEL:
            if (!present) return SocketCalls::fail_errno(ENOENT);
            w.erase(fd);
            return 0;
        default:
            return SocketCalls::fail_errno(EINVAL);
        }
    });
}
/// Level-triggered: EPOLLET is accepted and treated as level-triggered;
/// EPOLLONESHOT disarms the descriptor after it is reported.
int pd_epoll_wait(void* u, int epfd, epoll_event* events, int maxevents, int timeout) {
    return guarded([&]() -> int {
        if (events == nullptr || maxevents <= 0) return SocketCalls::fail_errno(EINVAL);
        Call c(u);
        const Instant until = deadline_after(c.a, timeout);
        while (true) {
            auto it = c.a.epolls.find(epfd);
            if (it == c.a.epolls.end()) return SocketCalls::fail_errno(EBADF);
            int n = 0;
            for (auto& [fd, want] : it->second.watched) {
                if (n == maxevents) break;
                const auto mask = static_cast<short>(want.events & (EPOLLIN | EPOLLOUT));
                const short r = revents_of(c.a, fd, mask);
                std::uint32_t got = 0;
                if (r & POLLIN) got |= EPOLLIN;
                if (r & POLLOUT) got |= EPOLLOUT;
                if (r & POLLHUP) got |= EPOLLHUP;
                if (r & POLLERR) got |= EPOLLERR;
                if (got == 0) continue;
                events[n].events = got;
                events[n].data = want.data;
                ++n;
                if (want.events & EPOLLONESHOT) want.events = 0;
            }
            if (n != 0 || timeout == 0 || c.a.vh->now() >= until) return n;
            if (!c.a.wait_for_change(c.lk, until)) return 0;
        }
    });
}

int pd_pipe(void*, int*) { return SocketCalls::fail_errno(ENOSYS); }
int pd_splice(void*, int, long long*, int, long long*, size_t, unsigned int) {
    return SocketCalls::fail_errno(ENOSYS);
}

// ------------------------------------------------------------ device and clock
int pd_netdev_send(void* u, const void* buf, size_t count) {
    return guarded([&]() -> int {
        if (buf == nullptr) return SocketCalls::fail_errno(EFAULT);
        Call c(u);
        const Bytes p{static_cast<const Byte*>(buf), count};
        // The destination of the first packet names our address if nothing did yet.
        if (count >= 20 && !c.a.committed) {
            const Ipv4Address dst = Ipv4Address::from_bytes(p.data() + 16);
            if (dst != c.a.vh->address()) c.a.readdress(dst);
        }
        c.a.committed = true;
        log_packet(c.a, "in ", p, c.a.vh->now());
        if (!c.a.vh->inject(p)) return SocketCalls::fail_errno(EINVAL);
        c.a.changed();
        return 0;
    });
}

int pd_netdev_receive(void* u, void* buf, size_t* count, long long* time_usecs) {
    return guarded([&]() -> int {
        if (buf == nullptr || count == nullptr) return SocketCalls::fail_errno(EFAULT);
        Call c(u);
        const Instant horizon = c.a.vh->now() + receive_horizon;
        // Blocks as a sniffer would: the clock runs to the host's next event
        // until a packet leaves. Another thread's call may send one too.
        while (!c.a.vh->has_output()) {
            const Instant next = c.a.vh->next_event();
            if (next <= horizon) {
                c.a.vh->advance_to(std::max(next, c.a.vh->now()));
                c.a.changed();
                continue;
            }
            const std::uint64_t seen = c.a.generation;
            if (!c.a.cv.wait_for(c.lk, c.a.quiet, [&] { return c.a.generation != seen; })) {
                *count = 0; // nothing will ever be sent: packetdrill reports it
                return 0;
            }
        }
        auto p = c.a.vh->pop_output();
        const std::size_t n = std::min(*count, p->bytes.size());
        std::memcpy(buf, p->bytes.data(), n);
        *count = n;
        if (time_usecs != nullptr) *time_usecs = epoch_seconds * 1'000'000 + usecs(p->sent);
        log_packet(c.a, "out", Bytes{p->bytes}, p->sent);
        return 0;
    });
}

int pd_usleep(void* u, useconds_t us) {
    return guarded([&] {
        Call c(u);
        c.a.vh->advance_to(c.a.vh->now() + std::chrono::microseconds{us});
        c.a.changed();
        return 0;
    });
}

int pd_gettimeofday(void* u, timeval* tv, void*) {
    return guarded([&]() -> int {
        Adapter& a = of(u);
        std::unique_lock lk(a.mutex);
        if (++a.gettimeofday_streak > spin_threshold) {
            a.vh->advance_to(a.vh->now() + std::chrono::microseconds{1});
            a.changed();
        }
        if (tv != nullptr) {
            const std::int64_t t = usecs(a.vh->now());
            tv->tv_sec = static_cast<time_t>(epoch_seconds + t / 1'000'000);
            tv->tv_usec = static_cast<suseconds_t>(t % 1'000'000);
        }
        return 0;
    });
}

void pd_free(void* u) { delete static_cast<Adapter*>(u); }

} // namespace
} // namespace strata::packetdrill

extern "C" __attribute__((visibility("default"))) void
packetdrill_interface_init(const char* flags, struct packetdrill_interface* ifc) {
    using namespace strata::packetdrill;
    if (ifc == nullptr) return;
    *ifc = packetdrill_interface{};
    ifc->userdata = new Adapter(parse_flags(flags != nullptr ? flags : ""));
    ifc->free = pd_free;
    ifc->socket = pd_socket;
    ifc->bind = pd_bind;
    ifc->listen = pd_listen;
    ifc->accept = pd_accept;
    ifc->connect = pd_connect;
    ifc->read = pd_read;
    ifc->readv = pd_readv;
    ifc->recv = pd_recv;
    ifc->recvfrom = pd_recvfrom;
    ifc->recvmsg = pd_recvmsg;
    ifc->write = pd_write;
    ifc->writev = pd_writev;
    ifc->send = pd_send;
    ifc->sendto = pd_sendto;
    ifc->sendmsg = pd_sendmsg;
    ifc->fcntl = pd_fcntl;
    ifc->ioctl = pd_ioctl;
    ifc->close = pd_close;
    ifc->shutdown = pd_shutdown;
    ifc->getsockopt = pd_getsockopt;
    ifc->setsockopt = pd_setsockopt;
    ifc->poll = pd_poll;
    ifc->netdev_send = pd_netdev_send;
    ifc->netdev_receive = pd_netdev_receive;
    ifc->usleep = pd_usleep;
    ifc->gettimeofday = pd_gettimeofday;
    ifc->epoll_create = pd_epoll_create;
    ifc->epoll_ctl = pd_epoll_ctl;
    ifc->epoll_wait = pd_epoll_wait;
    ifc->pipe = pd_pipe;
    ifc->splice = pd_splice;
}
