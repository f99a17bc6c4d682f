// The BSD socket calls of packetdrill's interface on the host's descriptors
// (stack/host.hpp). Each returns what libc would: the result, or -1 with
// errno (strata's Errno values are the platform's numbers, stack/errno.hpp).
// A call on a blocking descriptor that would block waits for packetdrill's
// other thread (Adapter::wait_for_change); O_NONBLOCK descriptors say EAGAIN.
#include "socket_calls.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

namespace strata::packetdrill {

namespace {

int fail(stack::Errno e) {
    errno = static_cast<int>(e);
    return -1;
}

bool would_block(stack::Errno e) { return e == stack::Errno::eagain; }

} // namespace

std::optional<stack::Endpoint> endpoint_of(const sockaddr* a, socklen_t len, int& err) {
    if (a == nullptr || len < static_cast<socklen_t>(sizeof(sockaddr_in))) {
        err = EINVAL;
        return std::nullopt;
    }
    if (a->sa_family != AF_INET) { // IPv6 and IPv4-mapped IPv6 are not spoken
        err = EAFNOSUPPORT;
        return std::nullopt;
    }
    sockaddr_in in{};
    std::memcpy(&in, a, sizeof in);
    return stack::Endpoint{Ipv4Address{ntohl(in.sin_addr.s_addr)}, Port{ntohs(in.sin_port)}};
}

void write_sockaddr(const stack::Endpoint& e, sockaddr* out, socklen_t* len) {
    if (out == nullptr || len == nullptr) return;
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(e.port.value());
    in.sin_addr.s_addr = htonl(e.addr.value());
    std::memcpy(out, &in, std::min<std::size_t>(*len, sizeof in));
    *len = sizeof in; // as the kernel: the real size, even when truncated
}

int SocketCalls::socket(int domain, int type, int protocol) {
    if (domain != AF_INET) return fail_errno(EAFNOSUPPORT);
    const bool nonblock = (type & SOCK_NONBLOCK) != 0;
    const int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    stack::SocketKind kind{};
    if (base == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
        kind = stack::SocketKind::tcp;
    else if (base == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
        kind = stack::SocketKind::udp;
    else if (base == SOCK_DGRAM && protocol == IPPROTO_ICMP)
        kind = stack::SocketKind::icmp;
    else
        return fail_errno(EPROTONOSUPPORT);
    auto r = a_.vh->host().socket(kind, "packetdrill");
    if (!r) return fail(r.error());
    a_.fds[*r] = FdInfo{kind, nonblock, false, false, std::nullopt};
    return *r;
}

int SocketCalls::bind(int fd, const sockaddr* addr, socklen_t len) {
    int err = 0;
    const auto e = endpoint_of(addr, len, err);
    if (!e) return fail_errno(err);
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    if (!e->addr.is_unspecified() && e->addr != a_.vh->address()) a_.readdress(e->addr);
    const stack::SysStatus r = a_.vh->host().bind(fd, *e);
    if (!r) return fail(r.error());
    it->second.bound = *e;
    return 0;
}

int SocketCalls::listen(int fd, int backlog) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    a_.committed = true;
    const stack::SysStatus r = a_.vh->host().listen(fd, std::max(backlog, 1));
    if (!r) return fail(r.error());
    a_.vh->settle();
    return 0;
}

int SocketCalls::accept(int fd, sockaddr* addr, socklen_t* len, std::unique_lock<std::mutex>& lk) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    while (true) {
        stack::SysResult<int> r = a_.vh->host().accept(fd);
        if (r) {
            const FdInfo& listener = a_.fds[fd];
            // Linux: the new socket inherits TCP_NODELAY but not O_NONBLOCK.
            a_.fds[*r] =
                FdInfo{stack::SocketKind::tcp, false, listener.nodelay, false, std::nullopt};
            if (listener.nodelay) (void)a_.vh->host().set_nodelay(*r, true);
            if (auto peer = a_.vh->host().getpeername(*r)) write_sockaddr(peer.value(), addr, len);
            a_.vh->settle();
            return *r;
        }
        if (!would_block(r.error()) || a_.fds[fd].nonblock || !a_.wait_for_change(lk))
            return fail(r.error());
    }
}

int SocketCalls::connect(int fd, const sockaddr* addr, socklen_t len,
                         std::unique_lock<std::mutex>& lk) {
    int err = 0;
    const auto e = endpoint_of(addr, len, err);
    if (!e) return fail_errno(err);
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    a_.committed = true;
    stack::SysStatus r = a_.vh->host().connect(fd, *e);
    if (a_.fds[fd].nodelay) (void)a_.vh->host().set_nodelay(fd, true);
    a_.vh->settle(); // the SYN leaves now, at the instant of the call
    a_.changed();
    if (r || r.error() != stack::Errno::einprogress) return r ? 0 : fail(r.error());
    if (a_.fds[fd].nonblock) return fail(r.error());
    // A blocking connect returns when the handshake is over (or failed).
    while (true) {
        if (!a_.wait_for_change(lk)) return fail(stack::Errno::etimedout);
        r = a_.vh->host().connect(fd, *e);
        if (r.error() == stack::Errno::ealready) continue;
        if (r.error() == stack::Errno::eisconn) return 0;
        return r ? 0 : fail(r.error());
    }
}

ssize_t SocketCalls::recv(int fd, MutBytes buf, std::unique_lock<std::mutex>& lk, bool dontwait,
                          stack::Endpoint* from) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    while (true) {
        stack::SysResult<stack::Received> r = a_.vh->host().recvfrom(fd, buf);
        if (r) {
            if (from != nullptr) *from = r.value().from;
            a_.vh->settle(); // a window update may be due
            a_.changed();
            return static_cast<ssize_t>(r.value().length);
        }
        if (!would_block(r.error()) || dontwait || a_.fds[fd].nonblock || !a_.wait_for_change(lk))
            return fail(r.error());
    }
}

ssize_t SocketCalls::send(int fd, Bytes data, std::unique_lock<std::mutex>& lk, bool dontwait,
                          std::optional<stack::Endpoint> to, bool urgent) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    a_.committed = true;
    const bool tcp = it->second.kind == stack::SocketKind::tcp;
    if (tcp) to.reset(); // Linux ignores the address of a connected TCP socket
    std::size_t done = 0;
    while (true) {
        const Bytes rest = data.subspan(done);
        using R = stack::SysResult<std::size_t>;
        const R r = to       ? R(a_.vh->host().sendto(fd, rest, *to))
                    : urgent ? R(a_.vh->host().send_urgent(fd, rest))
                             : R(a_.vh->host().send(fd, rest));
        if (r) {
            done += r.value();
            a_.vh->settle(); // segments leave at the instant of the call
            a_.changed();
            // A blocking TCP write returns when everything is queued (Linux).
            if (!tcp || done == data.size() || dontwait || a_.fds[fd].nonblock)
                return static_cast<ssize_t>(done);
            if (r.value() != 0) continue;
        } else if (!would_block(r.error()) || dontwait || a_.fds[fd].nonblock) {
            if (done != 0) return static_cast<ssize_t>(done);
            return fail(r.error());
        }
        if (!a_.wait_for_change(lk)) {
            if (done != 0) return static_cast<ssize_t>(done);
            return fail(stack::Errno::eagain);
        }
    }
}

int SocketCalls::shutdown(int fd, int how) {
    if (a_.fds.find(fd) == a_.fds.end()) return fail(stack::Errno::ebadf);
    stack::Shutdown s{};
    switch (how) {
    case SHUT_RD:
        s = stack::Shutdown::read;
        break;
    case SHUT_WR:
        s = stack::Shutdown::write;
        break;
    case SHUT_RDWR:
        s = stack::Shutdown::both;
        break;
    default:
        return fail(stack::Errno::einval);
    }
    const stack::SysStatus r = a_.vh->host().shutdown(fd, s);
    if (!r) return fail(r.error());
    a_.vh->settle();
    a_.changed();
    return 0;
}

int SocketCalls::close(int fd) {
    if (auto ep = a_.epolls.find(fd); ep != a_.epolls.end()) {
        a_.epolls.erase(ep);
        return 0;
    }
    if (a_.fds.erase(fd) == 0) return fail(stack::Errno::ebadf);
    for (auto& [id, set] : a_.epolls)
        set.watched.erase(fd);
    const stack::SysStatus r = a_.vh->host().close(fd);
    a_.vh->settle(); // FIN or RST now
    a_.changed();
    return r ? 0 : fail(r.error());
}

int SocketCalls::fcntl(int fd, int cmd, long arg) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    switch (cmd) {
    case F_GETFL:
        return O_RDWR | (it->second.nonblock ? O_NONBLOCK : 0);
    case F_SETFL:
        it->second.nonblock = (arg & O_NONBLOCK) != 0;
        return 0;
    case F_GETFD:
    case F_SETFD:
        return 0;
    default:
        return fail(stack::Errno::einval);
    }
}

int SocketCalls::ioctl(int fd, unsigned long request, void* arg) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    if (request == FIONBIO && arg != nullptr) {
        int on = 0;
        std::memcpy(&on, arg, sizeof on);
        it->second.nonblock = on != 0;
        return 0;
    }
    return fail_errno(ENOTTY);
}

int SocketCalls::getsockopt(int fd, int level, int name, void* val, socklen_t* len) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    if (val == nullptr || len == nullptr || *len < static_cast<socklen_t>(sizeof(int)))
        return fail(stack::Errno::einval);
    int v = 0;
    if (level == SOL_SOCKET && name == SO_ERROR)
        v = static_cast<int>(a_.vh->host().take_error(fd)); // reported once (Linux sock_error)
    else if (level == SOL_SOCKET && name == SO_TYPE)
        v = it->second.kind == stack::SocketKind::tcp ? SOCK_STREAM : SOCK_DGRAM;
    else if (level == SOL_SOCKET && name == SO_REUSEADDR)
        v = it->second.reuseaddr ? 1 : 0;
    else if (level == IPPROTO_TCP && name == TCP_NODELAY)
        v = it->second.nodelay ? 1 : 0;
    else
        return fail_errno(ENOPROTOOPT);
    std::memcpy(val, &v, sizeof v);
    *len = sizeof v;
    return 0;
}

int SocketCalls::setsockopt(int fd, int level, int name, const void* val, socklen_t len) {
    auto it = a_.fds.find(fd);
    if (it == a_.fds.end()) return fail(stack::Errno::ebadf);
    if (val == nullptr || len < static_cast<socklen_t>(sizeof(int)))
        return fail(stack::Errno::einval);
    int v = 0;
    std::memcpy(&v, val, sizeof v);
    if (level == SOL_SOCKET && (name == SO_REUSEADDR || name == SO_REUSEPORT)) {
        it->second.reuseaddr = v != 0; // strata's bind has no TIME-WAIT conflict to lift
        return 0;
    }
    if (level == IPPROTO_TCP && name == TCP_NODELAY) {
        it->second.nodelay = v != 0;
        // Applied now if the connection exists, else at connect/accept.
        (void)a_.vh->host().set_nodelay(fd, v != 0);
        a_.vh->settle(); // Linux pushes held data when Nagle is switched off
        return 0;
    }
    return fail_errno(ENOPROTOOPT);
}

int SocketCalls::fail_errno(int e) {
    errno = e;
    return -1;
}

} // namespace strata::packetdrill
