// The socket calls of packetdrill's interface, over an Adapter's host
// (socket_calls.cpp). Called with the adapter's lock held; the calls that may
// block take the lock so they can wait on the adapter's condition variable.
#pragma once

#include <mutex>
#include <optional>

#include <sys/socket.h>

#include "adapter.hpp"

namespace strata::packetdrill {

/// A sockaddr_in as an endpoint; err = EINVAL (short) or EAFNOSUPPORT (not AF_INET).
std::optional<stack::Endpoint> endpoint_of(const sockaddr* a, socklen_t len, int& err);
/// Writes a sockaddr_in (truncated to *len) and sets *len to its size.
void write_sockaddr(const stack::Endpoint& e, sockaddr* out, socklen_t* len);

class SocketCalls {
public:
    explicit SocketCalls(Adapter& a) : a_(a) {}

    int socket(int domain, int type, int protocol);
    int bind(int fd, const sockaddr* addr, socklen_t len);
    int listen(int fd, int backlog);
    int accept(int fd, sockaddr* addr, socklen_t* len, std::unique_lock<std::mutex>& lk);
    int connect(int fd, const sockaddr* addr, socklen_t len, std::unique_lock<std::mutex>& lk);
    /// read/recv/recvfrom/readv/recvmsg; `from` gets the sender.
    ssize_t recv(int fd, MutBytes buf, std::unique_lock<std::mutex>& lk, bool dontwait,
                 stack::Endpoint* from = nullptr);
    /// write/send/sendto/writev/sendmsg; `to` only for UDP; `urgent` is
    /// MSG_OOB (TCP urgent data, RFC 9293 §3.8.5).
    ssize_t send(int fd, Bytes data, std::unique_lock<std::mutex>& lk, bool dontwait,
                 std::optional<stack::Endpoint> to = std::nullopt, bool urgent = false);
    int shutdown(int fd, int how);
    int close(int fd);
    int fcntl(int fd, int cmd, long arg);
    int ioctl(int fd, unsigned long request, void* arg);
    int getsockopt(int fd, int level, int name, void* val, socklen_t* len);
    int setsockopt(int fd, int level, int name, const void* val, socklen_t len);

    static int fail_errno(int e);

private:
    Adapter& a_;
};

} // namespace strata::packetdrill
